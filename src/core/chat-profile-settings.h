/* chat-profile-settings.h: the settings about profiles
 *
 * Custom profiles live in GSettings as custom-profiles, a(sss): id, name,
 * base URL.  Ids stay unique and never take a built-in id, so conversations
 * that name a profile keep pointing at the same server when the user
 * renames it.  default-models, a{ss}, maps profile ids to models.  GIO
 * only, so the window and the command line share it.
 */
#pragma once

#include <gio/gio.h>

#include "chat-profile.h"

G_BEGIN_DECLS

/* The usable custom profiles (ChatProfile), in the setting's order: entries
 * with a built-in or repeated id or an unusable base URL are left out. */
GPtrArray *chat_profile_settings_load_custom             (GSettings  *settings);
/* Whether requests could go to @base_url (an absolute http(s) URL with no
 * query or fragment). */
gboolean   chat_profile_settings_is_valid_base_url (const char *base_url);
/* Appends a profile; its id comes from @name, made unique.  Returns the id. */
char      *chat_profile_settings_add_custom              (GSettings  *settings,
                                                  const char *name,
                                                  const char *base_url);
/* FALSE when no custom profile has @id. */
gboolean   chat_profile_settings_update_custom           (GSettings  *settings,
                                                  const char *id,
                                                  const char *name,
                                                  const char *base_url);
/* Also forgets the profile's default model, and makes General the default
 * profile if it was this one.  FALSE when no custom profile has @id.  The
 * profile's key is the caller's to clear (chat_secrets_clear_key_async). */
gboolean   chat_profile_settings_remove_custom           (GSettings  *settings,
                                                  const char *id);

/* @id's entry in default-models, or NULL when it has none. */
char      *chat_profile_settings_dup_default_model (GSettings  *settings,
                                                    const char *id);
/* NULL or "" removes @id's entry, so the profile's own default applies. */
void       chat_profile_settings_set_default_model (GSettings  *settings,
                                                    const char *id,
                                                    const char *model);

/* For the command line, which has no settings of its own: the custom
 * profiles of the installed schema, an empty array where it is not
 * installed (a bare build), never an abort. */
GPtrArray   *chat_profile_settings_load_installed (void);
/* The built-in or installed custom profile called @id, or NULL. */
ChatProfile *chat_profile_settings_lookup         (const char *id);
/* "general, coding, zai, zai-coding" and the installed custom ids, for
 * messages that list what could have been meant. */
char        *chat_profile_settings_dup_known_ids  (void);

G_END_DECLS
