/* chat-reasoning-block.h: the model's reasoning, folded above its answer
 *
 * A header ("Thinking…", "Thought for 4 s") that opens and closes the text.
 * The text is a read-only GtkTextView that grows by appending: redrawing a
 * whole label at every frame of a long reasoning would not keep up.  It is
 * made the first time the block opens; a folded block keeps only the text.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_REASONING_BLOCK (chat_reasoning_block_get_type ())

G_DECLARE_FINAL_TYPE (ChatReasoningBlock, chat_reasoning_block, CHAT, REASONING_BLOCK, GtkWidget)

GtkWidget  *chat_reasoning_block_new          (void);
/* Appends what @text adds to the text shown, or shows @text anew. */
void        chat_reasoning_block_set_text     (ChatReasoningBlock *self,
                                               const char         *text);
char       *chat_reasoning_block_dup_text     (ChatReasoningBlock *self);
void        chat_reasoning_block_set_title    (ChatReasoningBlock *self,
                                               const char         *title);
const char *chat_reasoning_block_get_title    (ChatReasoningBlock *self);
gboolean    chat_reasoning_block_get_expanded (ChatReasoningBlock *self);
void        chat_reasoning_block_set_expanded (ChatReasoningBlock *self,
                                               gboolean            expanded);

/* Signals: "toggled": the user opened or closed it.
 * Properties: "expanded" (notify). */

G_END_DECLS
