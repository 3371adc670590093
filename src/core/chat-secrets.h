/* chat-secrets.h: where a profile's API key comes from
 *
 * The environment first (LIAO_API_KEY, then the vendor's own variable), then
 * the Secret Service (libsecret, schema "io.github.liaochat.Liao" with a
 * "profile" attribute), then a 0600 file, $XDG_CONFIG_HOME/liao/keys.ini, for
 * systems where no Secret Service answers.  Keys are never logged or printed.
 *
 * LIAO_SECRETS_BACKEND picks the store: "file" uses only the file (tests, or
 * users who want it), "keyring" only the Secret Service (storing fails without
 * one), unset, empty or "auto" the keyring with the file as fallback.
 *
 * The sync calls wait for D-Bus; a keyring prompt (unlocking a locked
 * collection) waits for the user.  The async variants run them in a thread.
 */
#pragma once

#include <gio/gio.h>

#include "chat-profile.h"

G_BEGIN_DECLS

typedef enum {
  CHAT_KEY_SOURCE_NONE,
  CHAT_KEY_SOURCE_ENVIRONMENT,
  CHAT_KEY_SOURCE_KEYRING,
  CHAT_KEY_SOURCE_FILE,
} ChatKeySource;

#define CHAT_SECRETS_ERROR (chat_secrets_error_quark ())

typedef enum {
  CHAT_SECRETS_ERROR_INVALID_KEY,   /* empty, too long, not UTF-8 or control characters */
  CHAT_SECRETS_ERROR_UNAVAILABLE,   /* LIAO_SECRETS_BACKEND=keyring and no Secret Service */
  CHAT_SECRETS_ERROR_FAILED,        /* the keyring said no without saying why */
} ChatSecretsError;

/* Longer than any real API key; what is above is a paste gone wrong. */
#define CHAT_SECRETS_KEY_MAX_BYTES 1024

GQuark        chat_secrets_error_quark        (void);

/* @where: the variable name (environment), the file's path (file) or NULL
 * (keyring, none).  Both out arguments are optional and always written. */
char         *chat_secrets_lookup_key         (ChatProfile    *profile,
                                               ChatKeySource  *source,
                                               char          **where);
/* Trims @key and checks it.  @stored_in says KEYRING, or FILE when no Secret
 * Service took it (tell the user).  Storing in the keyring removes the
 * profile's entry from the file. */
gboolean      chat_secrets_store_key          (ChatProfile    *profile,
                                               const char     *key,
                                               ChatKeySource  *stored_in,
                                               GError        **error);
/* Removes the keyring and file entries; TRUE when none was there.  The
 * environment is the user's to change. */
gboolean      chat_secrets_clear_key          (ChatProfile    *profile,
                                               GError        **error);
/* Where lookup would find the key, without unlocking the keyring.  @where as
 * for chat_secrets_lookup_key(). */
ChatKeySource chat_secrets_describe           (ChatProfile    *profile,
                                               char          **where);
/* Whether a Secret Service answers on the session bus (starting it by D-Bus
 * activation if need be); FALSE with LIAO_SECRETS_BACKEND=file. */
gboolean      chat_secrets_keyring_available  (void);
/* The fallback file's path, whether or not it exists. */
char         *chat_secrets_dup_file_path      (void);
/* The trimmed key, or NULL and CHAT_SECRETS_ERROR_INVALID_KEY: for checking
 * what the user typed before storing it. */
char         *chat_secrets_normalize_key      (const char     *key,
                                               GError        **error);

void          chat_secrets_lookup_key_async   (ChatProfile          *profile,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char         *chat_secrets_lookup_key_finish  (GAsyncResult         *result,
                                               ChatKeySource        *source,
                                               char                **where,
                                               GError              **error);
void          chat_secrets_store_key_async    (ChatProfile          *profile,
                                               const char           *key,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      chat_secrets_store_key_finish   (GAsyncResult         *result,
                                               ChatKeySource        *stored_in,
                                               GError              **error);
void          chat_secrets_clear_key_async    (ChatProfile          *profile,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      chat_secrets_clear_key_finish   (GAsyncResult         *result,
                                               GError              **error);
void          chat_secrets_describe_async     (ChatProfile          *profile,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
ChatKeySource chat_secrets_describe_finish    (GAsyncResult         *result,
                                               char                **where,
                                               GError              **error);

G_END_DECLS
