/* chat-profile.h: endpoint profiles
 *
 * A profile is where requests go (a base URL), which key they use and which
 * models it offers.  Built in: general, coding, zai, zai-coding; custom ones
 * point at any OpenAI-compatible base URL.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CHAT_TYPE_PROFILE (chat_profile_get_type ())

G_DECLARE_FINAL_TYPE (ChatProfile, chat_profile, CHAT, PROFILE, GObject)

typedef enum {
  CHAT_PROFILE_VENDOR_BIGMODEL,   /* open.bigmodel.cn: ZHIPUAI_API_KEY */
  CHAT_PROFILE_VENDOR_ZAI,        /* api.z.ai: ZAI_API_KEY */
  CHAT_PROFILE_VENDOR_CUSTOM,     /* any OpenAI-compatible server */
} ChatProfileVendor;

#define CHAT_TYPE_PROFILE_VENDOR (chat_profile_vendor_get_type ())

GType               chat_profile_vendor_get_type   (void);

/* Custom profiles: NULL @name means @id, NULL @default_model "glm-4.7". */
ChatProfile        *chat_profile_new_custom        (const char   *id,
                                                    const char   *name,
                                                    const char   *base_url,
                                                    const char   *default_model);
/* A new object on every call (NULL for an unknown id): nothing is shared,
 * so keep the instance whose model list you set. */
ChatProfile        *chat_profile_lookup_builtin    (const char   *id);
const char * const *chat_profile_get_builtin_ids   (void);

const char         *chat_profile_get_id            (ChatProfile  *self);
const char         *chat_profile_get_name          (ChatProfile  *self);
const char         *chat_profile_get_base_url      (ChatProfile  *self);
const char         *chat_profile_get_default_model (ChatProfile  *self);
ChatProfileVendor   chat_profile_get_vendor        (ChatProfile  *self);
gboolean            chat_profile_get_is_coding     (ChatProfile  *self);
gboolean            chat_profile_get_is_builtin    (ChatProfile  *self);
const char * const *chat_profile_get_models        (ChatProfile  *self);
/* NULL @models means an empty list. */
void                chat_profile_set_models        (ChatProfile  *self,
                                                    const char * const *models);

/* Joins a base URL and a path with exactly one slash; NULL when the base is
 * not an absolute http(s) URL or has a query or fragment. */
char               *chat_profile_build_url         (const char   *base_url,
                                                    const char   *path);
/* The environment variables that hold this profile's key, in order. */
const char * const *chat_profile_get_key_env_vars  (ChatProfile  *self);

G_END_DECLS
