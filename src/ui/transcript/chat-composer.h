/* chat-composer.h: where the user types a question
 *
 * A text view that grows from one line to about ten, with a Send button
 * that turns into Stop while the conversation's reply streams.  By default
 * Enter sends and Shift+Enter starts a new line; with "send-with" set to
 * CHAT_SEND_WITH_CTRL_ENTER, Ctrl+Enter sends and Enter starts a new line.
 * The composer never clears itself: the view takes the text away only once
 * the question is stored.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The values and nicks match the "send-with" key of the GSettings schema,
 * so g_settings_bind() can set the property directly. */
typedef enum {
  CHAT_SEND_WITH_ENTER,
  CHAT_SEND_WITH_CTRL_ENTER,
} ChatSendWith;

#define CHAT_TYPE_SEND_WITH (chat_send_with_get_type ())

GType chat_send_with_get_type (void) G_GNUC_CONST;

#define CHAT_TYPE_COMPOSER (chat_composer_get_type ())

G_DECLARE_FINAL_TYPE (ChatComposer, chat_composer, CHAT, COMPOSER, GtkWidget)

GtkWidget    *chat_composer_new           (void);
char         *chat_composer_dup_text      (ChatComposer *self);
void          chat_composer_set_text      (ChatComposer *self,
                                           const char   *text);
/* TRUE when there is nothing but white space to send. */
gboolean      chat_composer_is_empty      (ChatComposer *self);
gboolean      chat_composer_get_busy      (ChatComposer *self);
void          chat_composer_set_busy      (ChatComposer *self,
                                           gboolean      busy);
ChatSendWith  chat_composer_get_send_with (ChatComposer *self);
void          chat_composer_set_send_with (ChatComposer *self,
                                           ChatSendWith  send_with);

/* Signals: "send" (the user asked to send the text), "stop".
 * Properties: "busy", "send-with" (ChatSendWith). */

G_END_DECLS
