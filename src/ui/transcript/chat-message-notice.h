/* chat-message-notice.h: what went wrong with an answer, and what to do
 *
 * An icon, a sentence and, where one helps, a button for the view's
 * action ("transcript.retry", "transcript.continue") with the message id.
 * A row builds one only for an answer that failed, was cut off or was
 * filtered: most answers never need it.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_MESSAGE_NOTICE (chat_message_notice_get_type ())

G_DECLARE_FINAL_TYPE (ChatMessageNotice, chat_message_notice, CHAT, MESSAGE_NOTICE, GtkWidget)

GtkWidget *chat_message_notice_new        (void);
/* @button_label (with a mnemonic) and @action_name: NULL for no button. */
void       chat_message_notice_set        (ChatMessageNotice *self,
                                           const char        *text,
                                           const char        *icon_name,
                                           const char        *button_label,
                                           const char        *action_name);
/* The message id the button's action gets. */
void       chat_message_notice_set_target (ChatMessageNotice *self,
                                           gint64             message_id);
/* The button greyed out (while a reply streams). */
void       chat_message_notice_set_locked (ChatMessageNotice *self,
                                           gboolean           locked);

G_END_DECLS
