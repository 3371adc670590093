/* chat-code-block.h: one fenced code block of a Markdown answer
 *
 * A card with the language and a copy button over a GtkSourceView that is
 * highlighted by the language (Adwaita or Adwaita-dark, following the
 * style), monospace, read-only, and scrolls sideways while the transcript
 * scrolls it up and down.  Text that grows is appended, which keeps a
 * streamed block cheap; a huge block is shown without highlighting.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_CODE_BLOCK (chat_code_block_get_type ())

G_DECLARE_FINAL_TYPE (ChatCodeBlock, chat_code_block, CHAT, CODE_BLOCK, GtkWidget)

GtkWidget  *chat_code_block_new            (void);
/* Shows @text in @language (a fence's info word such as "py", or NULL);
 * when @text extends the text shown, only the new part is added. */
void        chat_code_block_set_code       (ChatCodeBlock *self,
                                            const char    *language,
                                            const char    *text);
GtkWidget  *chat_code_block_get_source_view (ChatCodeBlock *self);
/* The GtkSourceView language id for a fence's info word, or NULL. */
const char *chat_code_block_lookup_language (const char   *language);
/* Loads, on idle and once, what the first code block would otherwise load
 * in the middle of a streamed reply. */
void        chat_code_block_preload         (void);

G_END_DECLS
