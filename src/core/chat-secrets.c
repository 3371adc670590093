/* chat-secrets.c: where a profile's API key comes from */

#include "chat-secrets.h"

/* An empty variable counts as unset: meson 1.0 tests cannot unset one, and
 * `export LIAO_API_KEY=` is how shell users clear it. */
static char *
lookup_env (const char *name)
{
  const char *value = g_getenv (name);
  char *key;

  if (value == NULL)
    return NULL;

  /* Keys are often pasted with a trailing newline. */
  key = g_strstrip (g_strdup (value));
  if (*key == '\0')
    g_clear_pointer (&key, g_free);

  return key;
}

char *
chat_secrets_lookup_key (ChatProfile    *profile,
                         ChatKeySource  *source,
                         char          **where)
{
  const char * const *vars;

  g_return_val_if_fail (CHAT_IS_PROFILE (profile), NULL);

  vars = chat_profile_get_key_env_vars (profile);
  for (guint i = 0; vars[i] != NULL; i++)
    {
      char *key = lookup_env (vars[i]);

      if (key == NULL)
        continue;

      g_debug ("API key for profile %s found in %s",
               chat_profile_get_id (profile), vars[i]);
      if (source != NULL)
        *source = CHAT_KEY_SOURCE_ENVIRONMENT;
      if (where != NULL)
        *where = g_strdup (vars[i]);
      return key;
    }

  if (source != NULL)
    *source = CHAT_KEY_SOURCE_NONE;
  if (where != NULL)
    *where = NULL;
  return NULL;
}
