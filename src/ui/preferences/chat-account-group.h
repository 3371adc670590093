/* chat-account-group.h: one profile's key and connection test */
#pragma once

#include <adwaita.h>

#include "chat-client.h"
#include "chat-profile.h"

G_BEGIN_DECLS

#define CHAT_TYPE_ACCOUNT_GROUP (chat_account_group_get_type ())

G_DECLARE_FINAL_TYPE (ChatAccountGroup, chat_account_group, CHAT, ACCOUNT_GROUP, AdwPreferencesGroup)

/* Shows where @profile's key comes from, stores or removes it, and tests
 * it by listing @base_url's models with @client (which also updates the
 * profile's model list).  Custom profiles get edit and remove buttons for
 * the window's profiles.edit and profiles.remove actions. */
GtkWidget   *chat_account_group_new         (ChatProfile      *profile,
                                             const char       *base_url,
                                             ChatClient       *client);
ChatProfile *chat_account_group_get_profile (ChatAccountGroup *self);

G_END_DECLS
