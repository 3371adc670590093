/* chat-model-button.h: the header's model switcher
 *
 * A menu of the models the profile offers (its built-in list until the
 * server's own list arrives) and an entry for any other model name.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_MODEL_BUTTON (chat_model_button_get_type ())

G_DECLARE_FINAL_TYPE (ChatModelButton, chat_model_button, CHAT, MODEL_BUTTON, GtkWidget)

GtkWidget          *chat_model_button_new            (void);
const char         *chat_model_button_get_model      (ChatModelButton    *self);
/* Shows @model as current; emits nothing. */
void                chat_model_button_set_model      (ChatModelButton    *self,
                                                      const char         *model);
const char * const *chat_model_button_get_models     (ChatModelButton    *self);
void                chat_model_button_set_models     (ChatModelButton    *self,
                                                      const char * const *models);
/* Chooses @model as the user does: shows it and emits ::model-activated. */
void                chat_model_button_activate_model (ChatModelButton    *self,
                                                      const char         *model);

/* Signals:
 *   "model-activated" (const char *model): the user chose or typed a model.
 * Properties: "model" (string, read-only, notify). */

G_END_DECLS
