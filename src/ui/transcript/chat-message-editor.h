/* chat-message-editor.h: a question edited in place, to be sent again
 *
 * A text field with Cancel (the view's "transcript.edit-cancel") and Send
 * (the "send" signal: the row knows which message it edits).  A row builds
 * one only when its question is edited: most rows never are, and a text
 * view in a scrolled window is the heaviest part a row could hold.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_MESSAGE_EDITOR (chat_message_editor_get_type ())

G_DECLARE_FINAL_TYPE (ChatMessageEditor, chat_message_editor, CHAT, MESSAGE_EDITOR, GtkWidget)

GtkWidget *chat_message_editor_new        (void);
void       chat_message_editor_set_text   (ChatMessageEditor *self,
                                           const char        *text);
char      *chat_message_editor_dup_text   (ChatMessageEditor *self);
/* Send greyed out (while a reply streams). */
void       chat_message_editor_set_locked (ChatMessageEditor *self,
                                           gboolean           locked);

/* Signals: "send": the user pressed Send.
 * gtk_widget_grab_focus() puts the cursor in the text. */

G_END_DECLS
