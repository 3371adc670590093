/* chat-composer.h: where the user types a question
 *
 * A text view that grows from one line to about ten, with a Send button
 * that turns into Stop while the conversation's reply streams.  Enter
 * sends, Shift+Enter starts a new line.  The composer never clears itself:
 * the view takes the text away only once the question is stored.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_COMPOSER (chat_composer_get_type ())

G_DECLARE_FINAL_TYPE (ChatComposer, chat_composer, CHAT, COMPOSER, GtkWidget)

GtkWidget *chat_composer_new       (void);
char      *chat_composer_dup_text  (ChatComposer *self);
void       chat_composer_set_text  (ChatComposer *self,
                                    const char   *text);
/* TRUE when there is nothing but white space to send. */
gboolean   chat_composer_is_empty  (ChatComposer *self);
gboolean   chat_composer_get_busy  (ChatComposer *self);
void       chat_composer_set_busy  (ChatComposer *self,
                                    gboolean      busy);

/* Signals: "send" (the user asked to send the text), "stop".
 * Properties: "busy". */

G_END_DECLS
