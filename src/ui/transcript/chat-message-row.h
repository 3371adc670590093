/* chat-message-row.h: one message of the transcript
 *
 * A GtkListView row: who wrote it, the model's reasoning, the text (the
 * user's literally, the answer's as Markdown), an inline editor for
 * questions, a notice (an error with Retry, a cut-off answer with Continue,
 * the content filter) and a footer with the numbers and the actions.  The
 * row follows its ChatMessage's notifications, so a streaming answer
 * redraws when the message changes (the view changes it at most once a
 * frame), and only from the first Markdown block that changed.  Parsed
 * blocks are kept on the message, so binding a row again is cheap.
 *
 * GtkListView 4.8 keeps about 200 rows bound, so a row holds only what
 * every message shows (who wrote it, the text, the footer and its
 * buttons); the reasoning, the editor, the notice, the spinner and the
 * variant switcher are built the first time a message bound to the row
 * needs them.
 *
 * The buttons activate the view's "transcript.*" actions with the message id.
 */
#pragma once

#include <gtk/gtk.h>

#include "chat-message.h"

G_BEGIN_DECLS

#define CHAT_TYPE_MESSAGE_ROW (chat_message_row_get_type ())

G_DECLARE_FINAL_TYPE (ChatMessageRow, chat_message_row, CHAT, MESSAGE_ROW, GtkWidget)

GtkWidget   *chat_message_row_new          (void);
/* NULL unbinds. */
void         chat_message_row_set_message  (ChatMessageRow *self,
                                            ChatMessage    *message);
ChatMessage *chat_message_row_get_message  (ChatMessageRow *self);
/* The message's siblings (ids, oldest first) and which one it is. */
void         chat_message_row_set_variants (ChatMessageRow *self,
                                            GArray         *ids,
                                            guint           current);
/* Shows the inline editor in place of a question. */
void         chat_message_row_set_editing  (ChatMessageRow *self,
                                            gboolean        editing);
/* While a reply streams in the conversation: regenerate, edit, resend,
 * delete, retry and continue are greyed out. */
void         chat_message_row_set_locked   (ChatMessageRow *self,
                                            gboolean        locked);

G_END_DECLS
