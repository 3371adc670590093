/* chat-profile-button.h: the header's endpoint profile switcher
 *
 * A menu of the built-in profiles (General and Coding Plan, on
 * open.bigmodel.cn and on Z.ai), then the custom ones with their base URL;
 * the Coding Plan ones say that the vendor allows them for coding use only.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_PROFILE_BUTTON (chat_profile_button_get_type ())

G_DECLARE_FINAL_TYPE (ChatProfileButton, chat_profile_button, CHAT, PROFILE_BUTTON, GtkWidget)

GtkWidget  *chat_profile_button_new            (void);
const char *chat_profile_button_get_profile_id (ChatProfileButton *self);
/* Marks @profile_id as current; emits nothing. */
void        chat_profile_button_set_profile_id (ChatProfileButton *self,
                                                const char        *profile_id);
/* Chooses @profile_id as the user does: marks it and emits ::profile-activated. */
void        chat_profile_button_activate_profile (ChatProfileButton *self,
                                                const char        *profile_id);

/* Lists @profiles (ChatProfile; NULL: none) after the built-in ones. */
void        chat_profile_button_set_custom_profiles (ChatProfileButton *self,
                                                GPtrArray         *profiles);

/* Signals:
 *   "profile-activated" (const char *profile_id): the user chose a profile.
 * Properties: "profile-id" (string, read-only, notify). */

G_END_DECLS
