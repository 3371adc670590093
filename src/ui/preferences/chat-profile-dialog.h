/* chat-profile-dialog.h: the name and base URL of a custom profile */
#pragma once

#include <adwaita.h>

#include "chat-profile.h"

G_BEGIN_DECLS

#define CHAT_TYPE_PROFILE_DIALOG (chat_profile_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ChatProfileDialog, chat_profile_dialog, CHAT, PROFILE_DIALOG, AdwMessageDialog)

/* Asks for a new server's name and base URL, or, with @profile, changes
 * them.  Responds "save" (enabled once both are usable) or "cancel"; the
 * caller reads the answers and keeps them. */
GtkWidget *chat_profile_dialog_new          (GtkWindow         *parent,
                                             ChatProfile       *profile);
/* The edited profile's id, or NULL for a new one. */
const char *chat_profile_dialog_get_profile_id (ChatProfileDialog *self);
/* Both trimmed. */
char      *chat_profile_dialog_dup_name     (ChatProfileDialog *self);
char      *chat_profile_dialog_dup_base_url (ChatProfileDialog *self);

G_END_DECLS
