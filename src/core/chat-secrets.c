/* chat-secrets.c: where a profile's API key comes from
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "chat-secrets.h"

#define SECRET_SERVICE_NAME "org.freedesktop.secrets"
/* D-Bus activation of gnome-keyring takes well under a second; this only
 * bounds a service that never answers. */
#define ACTIVATION_TIMEOUT_MS 5000
#define FILE_KEY "api-key"

typedef enum {
  BACKEND_AUTO,
  BACKEND_KEYRING,
  BACKEND_FILE,
} Backend;

G_DEFINE_QUARK (chat-secrets-error-quark, chat_secrets_error)

static Backend
get_backend (void)
{
  const char *value = g_getenv ("LIAO_SECRETS_BACKEND");

  if (g_strcmp0 (value, "file") == 0)
    return BACKEND_FILE;
  if (g_strcmp0 (value, "keyring") == 0)
    return BACKEND_KEYRING;
  if (value != NULL && *value != '\0' && !g_str_equal (value, "auto"))
    g_debug ("Unknown LIAO_SECRETS_BACKEND “%s”; using auto", value);
  return BACKEND_AUTO;
}

/* Keys live in memory as briefly as we can manage. */
static void
free_key (char *key)
{
  if (key != NULL)
    memset (key, 0, strlen (key));
  g_free (key);
}

static void
set_result (ChatKeySource  *source,
            char          **where,
            ChatKeySource   value,
            const char     *value_where)
{
  if (source != NULL)
    *source = value;
  if (where != NULL)
    *where = g_strdup (value_where);
}

static gboolean
has_control_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static const char *
check_key (const char *key)
{
  if (!g_utf8_validate (key, -1, NULL))
    return _("The API key is not valid text.");
  if (*key == '\0')
    return _("The API key is empty.");
  if (strlen (key) > CHAT_SECRETS_KEY_MAX_BYTES)
    return _("The API key is too long (more than 1 KiB); check what was pasted.");
  if (has_control_characters (key))
    return _("The API key contains control characters; check what was pasted.");
  return NULL;
}

char *
chat_secrets_normalize_key (const char  *key,
                            GError     **error)
{
  /* Keys are often pasted with a trailing newline. */
  char *trimmed = g_strstrip (g_strdup (key != NULL ? key : ""));
  const char *problem = check_key (trimmed);

  if (problem == NULL)
    return trimmed;
  free_key (trimmed);
  g_set_error_literal (error, CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_INVALID_KEY, problem);
  return NULL;
}

static gboolean
is_blank (const char *text)
{
  while (g_ascii_isspace (*text))
    text++;
  return *text == '\0';
}

/* A key from a store that fails the checks counts as unset; an empty one is
 * unset, and not worth a message. */
static char *
accept_key (const char  *value,
            ChatProfile *profile,
            const char  *store)
{
  g_autoptr(GError) error = NULL;
  char *key = chat_secrets_normalize_key (value, &error);

  if (key == NULL && !is_blank (value))
    g_debug ("No usable API key for profile %s in %s: %s",
             chat_profile_get_id (profile), store, error->message);
  return key;
}

/* Environment */

/* An empty variable counts as unset: meson 1.0 tests cannot unset one, and
 * `export LIAO_API_KEY=` is how shell users clear it. */
static char *
lookup_env (ChatProfile  *profile,
            const char  **var)
{
  const char * const *vars = chat_profile_get_key_env_vars (profile);

  for (guint i = 0; vars[i] != NULL; i++)
    {
      const char *value = g_getenv (vars[i]);
      char *key;

      if (value == NULL || (key = accept_key (value, profile, vars[i])) == NULL)
        continue;
      *var = vars[i];
      return key;
    }
  return NULL;
}

/* Secret Service */

static const SecretSchema *
key_schema (void)
{
  static const SecretSchema schema = {
    .name = APP_ID,
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* Asked before any libsecret call, whose D-Bus calls each wait up to 25 s:
 * this one answers at once when there is no bus or no service. */
static gboolean
secret_service_reachable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;

  if (bus == NULL)
    {
      g_debug ("No Secret Service: no session bus (%s)", error->message);
      return FALSE;
    }
  /* Succeeds at once for a running service, starts an activatable one and
   * fails fast when no service of that name is known. */
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "StartServiceByName",
                                       g_variant_new ("(su)", SECRET_SERVICE_NAME, 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                                       ACTIVATION_TIMEOUT_MS, NULL, &error);
  if (reply == NULL)
    g_debug ("No Secret Service: %s", error->message);
  return reply != NULL;
}

static gboolean
keyring_enabled (void)
{
  return get_backend () != BACKEND_FILE && secret_service_reachable ();
}

static char *
keyring_lookup (ChatProfile *profile)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (key_schema (), NULL, &error,
                                              "profile", chat_profile_get_id (profile), NULL);
  char *key;

  if (secret == NULL)
    {
      if (error != NULL)
        g_debug ("Keyring lookup for profile %s failed: %s",
                 chat_profile_get_id (profile), error->message);
      return NULL;
    }
  key = accept_key (secret, profile, "the keyring");
  secret_password_free (secret);
  return key;
}

/* Searching without SECRET_SEARCH_UNLOCK sees locked items too, and never
 * prompts. */
static gboolean
keyring_has_key (ChatProfile *profile)
{
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_sync (key_schema (), SECRET_SEARCH_NONE, NULL, &error,
                                              "profile", chat_profile_get_id (profile), NULL);
  gboolean found = items != NULL;

  if (error != NULL)
    g_debug ("Keyring search for profile %s failed: %s",
             chat_profile_get_id (profile), error->message);
  g_list_free_full (items, g_object_unref);
  return found;
}

static gboolean
keyring_store (ChatProfile  *profile,
               const char   *key,
               GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;

  if (!secret_service_reachable ())
    {
      g_set_error_literal (error, CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_UNAVAILABLE,
                           _("No keyring (Secret Service) is available."));
      return FALSE;
    }
  /* Translators: the API key's name in the keyring (Passwords and Keys); %s is a profile name */
  label = g_strdup_printf (_("Liao API key (%s)"), chat_profile_get_name (profile));
  if (secret_password_store_sync (key_schema (), SECRET_COLLECTION_DEFAULT, label, key,
                                  NULL, &local_error,
                                  "profile", chat_profile_get_id (profile), NULL))
    return TRUE;
  if (local_error == NULL)   /* a dismissed unlock prompt */
    local_error = g_error_new_literal (CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_FAILED,
                                       _("The keyring did not store the key."));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
keyring_clear (ChatProfile  *profile,
               GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  /* FALSE without an error: there was nothing to remove. */
  if (secret_password_clear_sync (key_schema (), NULL, &local_error,
                                  "profile", chat_profile_get_id (profile), NULL)
      || local_error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The fallback file */

char *
chat_secrets_dup_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "liao", "keys.ini", NULL);
}

/* Group names cannot hold "[", "]" or control characters; custom profile ids
 * may. */
static char *
group_for (ChatProfile *profile)
{
  return g_uri_escape_string (chat_profile_get_id (profile), NULL, TRUE);
}

/* A missing file is an empty one. */
static GKeyFile *
load_key_file (const char  *path,
               GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (g_key_file_load_from_file (file, path, G_KEY_FILE_KEEP_COMMENTS, &local_error)
      || g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return g_steal_pointer (&file);

  /* GKeyFile quotes the line it cannot parse, which may well be a key. */
  if (local_error->domain == G_KEY_FILE_ERROR)
    g_set_error (error, G_KEY_FILE_ERROR, local_error->code,
                 _("%s is damaged; correct or remove it."), path);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static gboolean
make_folder (const char  *path,
             GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int saved_errno;

  if (g_mkdir_with_parents (folder, 0700) == 0)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               _("Could not create the folder %s: %s"), folder, g_strerror (saved_errno));
  return FALSE;
}

/* No keys, no file. */
static gboolean
remove_file (const char  *path,
             GError     **error)
{
  int saved_errno;

  if (g_remove (path) == 0 || errno == ENOENT)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               _("Could not remove %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/* Written to a 0600 temporary file and renamed over the old one, so the file
 * is never readable by others, nor half-written. */
static gboolean
save_key_file (GKeyFile    *file,
               const char  *path,
               GError     **error)
{
  g_auto(GStrv) groups = NULL;
  gsize length = 0;
  char *data;
  gboolean saved;

  groups = g_key_file_get_groups (file, &length);
  if (length == 0)
    return remove_file (path, error);
  if (!make_folder (path, error))
    return FALSE;
  data = g_key_file_to_data (file, &length, NULL);
  saved = g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                    error);
  free_key (data);
  return saved;
}

static char *
file_lookup (ChatProfile *profile,
             const char  *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) file = load_key_file (path, &error);
  g_autofree char *group = group_for (profile);
  char *value;
  char *key;

  if (file == NULL)
    {
      g_debug ("Cannot read the key file: %s", error->message);
      return NULL;
    }
  value = g_key_file_get_string (file, group, FILE_KEY, NULL);
  if (value == NULL)
    return NULL;
  key = accept_key (value, profile, path);
  free_key (value);
  return key;
}

static gboolean
file_store (ChatProfile  *profile,
            const char   *key,
            const char   *path,
            GError      **error)
{
  g_autoptr(GKeyFile) file = load_key_file (path, error);
  g_autofree char *group = group_for (profile);

  if (file == NULL)
    return FALSE;
  g_key_file_set_comment (file, NULL, NULL,
                          " Liao's API keys, for systems without a keyring. Keep this file private.",
                          NULL);
  g_key_file_set_string (file, group, FILE_KEY, key);
  return save_key_file (file, path, error);
}

static gboolean
file_remove (ChatProfile  *profile,
             const char   *path,
             GError      **error)
{
  g_autoptr(GKeyFile) file = load_key_file (path, error);
  g_autofree char *group = group_for (profile);

  if (file == NULL)
    return FALSE;
  if (!g_key_file_remove_group (file, group, NULL))
    return TRUE;
  return save_key_file (file, path, error);
}

/* The API */

static const char *
source_name (ChatKeySource source)
{
  switch (source)
    {
    case CHAT_KEY_SOURCE_ENVIRONMENT:
      return "the environment";
    case CHAT_KEY_SOURCE_KEYRING:
      return "the keyring";
    case CHAT_KEY_SOURCE_FILE:
      return "the key file";
    case CHAT_KEY_SOURCE_NONE:
    default:
      return "nowhere";
    }
}

static char *
find_key (ChatProfile    *profile,
          ChatKeySource  *source,
          char          **where)
{
  g_autofree char *path = chat_secrets_dup_file_path ();
  const char *var = NULL;
  char *key;

  *source = CHAT_KEY_SOURCE_NONE;
  *where = NULL;
  if ((key = lookup_env (profile, &var)) != NULL)
    {
      *source = CHAT_KEY_SOURCE_ENVIRONMENT;
      *where = g_strdup (var);
    }
  else if (keyring_enabled () && (key = keyring_lookup (profile)) != NULL)
    *source = CHAT_KEY_SOURCE_KEYRING;
  else if (get_backend () != BACKEND_KEYRING && (key = file_lookup (profile, path)) != NULL)
    {
      *source = CHAT_KEY_SOURCE_FILE;
      *where = g_steal_pointer (&path);
    }
  return key;
}

char *
chat_secrets_lookup_key (ChatProfile    *profile,
                         ChatKeySource  *source,
                         char          **where)
{
  g_autofree char *found_where = NULL;
  ChatKeySource found;
  char *key;

  g_return_val_if_fail (CHAT_IS_PROFILE (profile), NULL);

  key = find_key (profile, &found, &found_where);
  g_debug ("API key for profile %s: %s", chat_profile_get_id (profile), source_name (found));
  set_result (source, where, found, found_where);
  return key;
}

/* Like find_key(), but the keyring is only searched, so it stays locked. */
static ChatKeySource
find_source (ChatProfile  *profile,
             char        **where)
{
  g_autofree char *path = chat_secrets_dup_file_path ();
  const char *var = NULL;
  char *key;

  *where = NULL;
  if ((key = lookup_env (profile, &var)) != NULL)
    {
      free_key (key);
      *where = g_strdup (var);
      return CHAT_KEY_SOURCE_ENVIRONMENT;
    }
  if (keyring_enabled () && keyring_has_key (profile))
    return CHAT_KEY_SOURCE_KEYRING;
  if (get_backend () != BACKEND_KEYRING && (key = file_lookup (profile, path)) != NULL)
    {
      free_key (key);
      *where = g_steal_pointer (&path);
      return CHAT_KEY_SOURCE_FILE;
    }
  return CHAT_KEY_SOURCE_NONE;
}

ChatKeySource
chat_secrets_describe (ChatProfile  *profile,
                       char        **where)
{
  g_autofree char *found_where = NULL;
  ChatKeySource found;

  g_return_val_if_fail (CHAT_IS_PROFILE (profile), CHAT_KEY_SOURCE_NONE);

  found = find_source (profile, &found_where);
  set_result (NULL, where, found, found_where);
  return found;
}

gboolean
chat_secrets_keyring_available (void)
{
  return keyring_enabled ();
}

static void
remove_stale_copy (ChatProfile *profile,
                   const char  *path)
{
  g_autoptr(GError) error = NULL;

  if (!file_remove (profile, path, &error))
    g_debug ("Could not remove the old key of profile %s from the file: %s",
             chat_profile_get_id (profile), error->message);
}

static ChatKeySource
store_checked_key (ChatProfile  *profile,
                   const char   *key,
                   const char   *path,
                   GError      **error)
{
  g_autoptr(GError) keyring_error = NULL;

  if (get_backend () != BACKEND_FILE)
    {
      if (keyring_store (profile, key, &keyring_error))
        {
          /* A copy on disk would outlive the key it replaced. */
          remove_stale_copy (profile, path);
          return CHAT_KEY_SOURCE_KEYRING;
        }
      g_debug ("The keyring did not take the key for profile %s: %s",
               chat_profile_get_id (profile), keyring_error->message);
      if (get_backend () == BACKEND_KEYRING)
        {
          g_propagate_error (error, g_steal_pointer (&keyring_error));
          return CHAT_KEY_SOURCE_NONE;
        }
    }
  return file_store (profile, key, path, error) ? CHAT_KEY_SOURCE_FILE : CHAT_KEY_SOURCE_NONE;
}

gboolean
chat_secrets_store_key (ChatProfile    *profile,
                        const char     *key,
                        ChatKeySource  *stored_in,
                        GError        **error)
{
  g_autofree char *path = chat_secrets_dup_file_path ();
  ChatKeySource stored = CHAT_KEY_SOURCE_NONE;
  char *clean;

  g_return_val_if_fail (CHAT_IS_PROFILE (profile), FALSE);

  if ((clean = chat_secrets_normalize_key (key, error)) != NULL)
    stored = store_checked_key (profile, clean, path, error);
  free_key (clean);
  g_debug ("API key for profile %s stored in %s", chat_profile_get_id (profile),
           source_name (stored));
  set_result (stored_in, NULL, stored, NULL);
  return stored != CHAT_KEY_SOURCE_NONE;
}

gboolean
chat_secrets_clear_key (ChatProfile  *profile,
                        GError      **error)
{
  g_autofree char *path = chat_secrets_dup_file_path ();
  gboolean cleared = TRUE;

  g_return_val_if_fail (CHAT_IS_PROFILE (profile), FALSE);

  g_debug ("Clearing the stored API key of profile %s", chat_profile_get_id (profile));
  /* Both, even when one fails: a key the user removed must not linger. */
  if (keyring_enabled ())
    cleared = keyring_clear (profile, error);
  if (get_backend () != BACKEND_KEYRING)
    cleared = file_remove (profile, path, cleared ? error : NULL) && cleared;
  return cleared;
}

/* Async: the sync calls in a worker thread, so a keyring prompt or a slow
 * D-Bus answer never blocks the window. */

typedef struct {
  ChatProfile   *profile;
  char          *key;
  ChatKeySource  source;
  char          *where;
} SecretsTask;

static void
secrets_task_free (SecretsTask *data)
{
  g_clear_object (&data->profile);
  free_key (data->key);
  g_free (data->where);
  g_free (data);
}

static GTask *
secrets_task_new (ChatProfile         *profile,
                  const char          *key,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data,
                  gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SecretsTask *data = g_new0 (SecretsTask, 1);

  data->profile = g_object_ref (profile);
  data->key = g_strdup (key);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) secrets_task_free);
  /* The thread cannot be stopped halfway; the caller need not wait for it. */
  g_task_set_return_on_cancel (task, TRUE);
  return task;
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SecretsTask *data = task_data;
  char *key = chat_secrets_lookup_key (data->profile, &data->source, &data->where);

  g_task_return_pointer (task, key, (GDestroyNotify) free_key);
}

void
chat_secrets_lookup_key_async (ChatProfile         *profile,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHAT_IS_PROFILE (profile));

  task = secrets_task_new (profile, NULL, cancellable, callback, user_data,
                           chat_secrets_lookup_key_async);
  g_task_run_in_thread (task, lookup_thread);
}

/* NULL without an error when no key is set. */
char *
chat_secrets_lookup_key_finish (GAsyncResult   *result,
                                ChatKeySource  *source,
                                char          **where,
                                GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  SecretsTask *data;
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  data = g_task_get_task_data (G_TASK (result));
  key = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      set_result (source, where, CHAT_KEY_SOURCE_NONE, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  set_result (source, where, data->source, data->where);
  return key;
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SecretsTask *data = task_data;
  GError *error = NULL;

  if (chat_secrets_store_key (data->profile, data->key, &data->source, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
chat_secrets_store_key_async (ChatProfile         *profile,
                              const char          *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHAT_IS_PROFILE (profile));
  g_return_if_fail (key != NULL);

  task = secrets_task_new (profile, key, cancellable, callback, user_data,
                           chat_secrets_store_key_async);
  g_task_run_in_thread (task, store_thread);
}

gboolean
chat_secrets_store_key_finish (GAsyncResult   *result,
                               ChatKeySource  *stored_in,
                               GError        **error)
{
  SecretsTask *data;
  gboolean stored;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  stored = g_task_propagate_boolean (G_TASK (result), error);
  set_result (stored_in, NULL, stored ? data->source : CHAT_KEY_SOURCE_NONE, NULL);
  return stored;
}

static void
clear_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SecretsTask *data = task_data;
  GError *error = NULL;

  if (chat_secrets_clear_key (data->profile, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
chat_secrets_clear_key_async (ChatProfile         *profile,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHAT_IS_PROFILE (profile));

  task = secrets_task_new (profile, NULL, cancellable, callback, user_data,
                           chat_secrets_clear_key_async);
  g_task_run_in_thread (task, clear_thread);
}

gboolean
chat_secrets_clear_key_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
describe_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SecretsTask *data = task_data;

  data->source = chat_secrets_describe (data->profile, &data->where);
  g_task_return_boolean (task, TRUE);
}

void
chat_secrets_describe_async (ChatProfile         *profile,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHAT_IS_PROFILE (profile));

  task = secrets_task_new (profile, NULL, cancellable, callback, user_data,
                           chat_secrets_describe_async);
  g_task_run_in_thread (task, describe_thread);
}

/* Fails only when cancelled. */
ChatKeySource
chat_secrets_describe_finish (GAsyncResult  *result,
                              char         **where,
                              GError       **error)
{
  SecretsTask *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), CHAT_KEY_SOURCE_NONE);

  data = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      set_result (NULL, where, CHAT_KEY_SOURCE_NONE, NULL);
      return CHAT_KEY_SOURCE_NONE;
    }
  set_result (NULL, where, data->source, data->where);
  return data->source;
}
