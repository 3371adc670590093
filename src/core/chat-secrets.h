/* chat-secrets.h: where a profile's API key comes from
 *
 * The environment first (LIAO_API_KEY, then the vendor's own variable).
 * Keys are never logged or printed.
 */
#pragma once

#include "chat-profile.h"

G_BEGIN_DECLS

typedef enum {
  CHAT_KEY_SOURCE_NONE,
  CHAT_KEY_SOURCE_ENVIRONMENT,
  CHAT_KEY_SOURCE_KEYRING,
  CHAT_KEY_SOURCE_FILE,
} ChatKeySource;

char *chat_secrets_lookup_key (ChatProfile    *profile,
                               ChatKeySource  *source,
                               char          **where);

G_END_DECLS
