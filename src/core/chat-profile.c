/* chat-profile.c: endpoint profiles */

#include "config.h"

#include "chat-profile.h"

#include <glib/gi18n-lib.h>

/* glm-api.md §2.1 and §7: glm-4.7 is served on both the general and the
 * coding plans of both vendors. */
#define DEFAULT_MODEL "glm-4.7"

struct _ChatProfile
{
  GObject            parent_instance;

  char              *id;
  char              *name;
  char              *base_url;
  char              *default_model;
  ChatProfileVendor  vendor;
  gboolean           is_coding;
  gboolean           is_builtin;
  GStrv              models;
};

G_DEFINE_FINAL_TYPE (ChatProfile, chat_profile, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (ChatProfileVendor, chat_profile_vendor,
  G_DEFINE_ENUM_VALUE (CHAT_PROFILE_VENDOR_BIGMODEL, "bigmodel"),
  G_DEFINE_ENUM_VALUE (CHAT_PROFILE_VENDOR_ZAI, "zai"),
  G_DEFINE_ENUM_VALUE (CHAT_PROFILE_VENDOR_CUSTOM, "custom"))

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_BASE_URL,
  PROP_DEFAULT_MODEL,
  PROP_VENDOR,
  PROP_IS_CODING,
  PROP_IS_BUILTIN,
  PROP_MODELS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  const char        *id;
  const char        *name;
  const char        *base_url;
  ChatProfileVendor  vendor;
  gboolean           is_coding;
} Builtin;

static const Builtin builtins[] = {
  /* Translators: a profile name; the host tells which account the key is from */
  { "general", N_("General (open.bigmodel.cn)"),
    "https://open.bigmodel.cn/api/paas/v4", CHAT_PROFILE_VENDOR_BIGMODEL, FALSE },
  /* Translators: a profile name; "Coding Plan" is Zhipu's subscription name */
  { "coding", N_("Coding Plan (open.bigmodel.cn)"),
    "https://open.bigmodel.cn/api/coding/paas/v4", CHAT_PROFILE_VENDOR_BIGMODEL, TRUE },
  /* Translators: a profile name; Z.ai is Zhipu's international service */
  { "zai", N_("Z.ai General"),
    "https://api.z.ai/api/paas/v4", CHAT_PROFILE_VENDOR_ZAI, FALSE },
  /* Translators: a profile name; "Coding Plan" is Zhipu's subscription name */
  { "zai-coding", N_("Z.ai Coding Plan"),
    "https://api.z.ai/api/coding/paas/v4", CHAT_PROFILE_VENDOR_ZAI, TRUE },
};

static const char * const builtin_ids[] = { "general", "coding", "zai", "zai-coding", NULL };

/* Used until the server's model list has been fetched. */
static const char * const general_models[] = {
  "glm-5.1", "glm-5", "glm-4.7", "glm-4.7-flash", "glm-4.6", "glm-4.5",
  "glm-4.5-air", "glm-4.5-flash", NULL
};
static const char * const coding_models[] = {
  "glm-5.1", "glm-4.7", "glm-4.6", "glm-4.5", "glm-4.5-air", NULL
};

static void
chat_profile_constructed (GObject *object)
{
  ChatProfile *self = CHAT_PROFILE (object);

  G_OBJECT_CLASS (chat_profile_parent_class)->constructed (object);

  if (self->default_model == NULL)
    self->default_model = g_strdup (DEFAULT_MODEL);
  if (self->models == NULL)
    self->models = g_strdupv ((char *[]) { self->default_model, NULL });
}

static void
chat_profile_finalize (GObject *object)
{
  ChatProfile *self = CHAT_PROFILE (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->base_url);
  g_free (self->default_model);
  g_strfreev (self->models);

  G_OBJECT_CLASS (chat_profile_parent_class)->finalize (object);
}

static void
chat_profile_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChatProfile *self = CHAT_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_DEFAULT_MODEL:
      g_value_set_string (value, self->default_model);
      break;
    case PROP_VENDOR:
      g_value_set_enum (value, self->vendor);
      break;
    case PROP_IS_CODING:
      g_value_set_boolean (value, self->is_coding);
      break;
    case PROP_IS_BUILTIN:
      g_value_set_boolean (value, self->is_builtin);
      break;
    case PROP_MODELS:
      g_value_set_boxed (value, self->models);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_profile_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ChatProfile *self = CHAT_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;
    case PROP_DEFAULT_MODEL:
      self->default_model = g_value_dup_string (value);
      break;
    case PROP_VENDOR:
      self->vendor = g_value_get_enum (value);
      break;
    case PROP_IS_CODING:
      self->is_coding = g_value_get_boolean (value);
      break;
    case PROP_IS_BUILTIN:
      self->is_builtin = g_value_get_boolean (value);
      break;
    case PROP_MODELS:
      chat_profile_set_models (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
construct_string (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                              G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
construct_boolean (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                               G_PARAM_STATIC_STRINGS);
}

static void
chat_profile_class_init (ChatProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = chat_profile_constructed;
  object_class->finalize = chat_profile_finalize;
  object_class->get_property = chat_profile_get_property;
  object_class->set_property = chat_profile_set_property;

  properties[PROP_ID] = construct_string ("id");
  properties[PROP_NAME] = construct_string ("name");
  properties[PROP_BASE_URL] = construct_string ("base-url");
  properties[PROP_DEFAULT_MODEL] = construct_string ("default-model");
  properties[PROP_VENDOR] =
    g_param_spec_enum ("vendor", NULL, NULL,
                       CHAT_TYPE_PROFILE_VENDOR, CHAT_PROFILE_VENDOR_CUSTOM,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_CODING] = construct_boolean ("is-coding");
  properties[PROP_IS_BUILTIN] = construct_boolean ("is-builtin");
  properties[PROP_MODELS] =
    g_param_spec_boxed ("models", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chat_profile_init (ChatProfile *self)
{
}

ChatProfile *
chat_profile_new_custom (const char *id,
                         const char *name,
                         const char *base_url,
                         const char *default_model)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (CHAT_TYPE_PROFILE,
                       "id", id,
                       "name", name != NULL ? name : id,
                       "base-url", base_url,
                       "default-model", default_model,
                       "vendor", CHAT_PROFILE_VENDOR_CUSTOM,
                       NULL);
}

ChatProfile *
chat_profile_lookup_builtin (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    {
      const Builtin *builtin = &builtins[i];

      if (!g_str_equal (id, builtin->id))
        continue;

      return g_object_new (CHAT_TYPE_PROFILE,
                           "id", builtin->id,
                           "name", _(builtin->name),
                           "base-url", builtin->base_url,
                           "default-model", DEFAULT_MODEL,
                           "vendor", builtin->vendor,
                           "is-coding", builtin->is_coding,
                           "is-builtin", TRUE,
                           "models", builtin->is_coding ? coding_models : general_models,
                           NULL);
    }

  return NULL;
}

const char * const *
chat_profile_get_builtin_ids (void)
{
  return builtin_ids;
}

const char *
chat_profile_get_id (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), NULL);

  return self->id;
}

const char *
chat_profile_get_name (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), NULL);

  return self->name;
}

const char *
chat_profile_get_base_url (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), NULL);

  return self->base_url;
}

const char *
chat_profile_get_default_model (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), NULL);

  return self->default_model;
}

ChatProfileVendor
chat_profile_get_vendor (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), CHAT_PROFILE_VENDOR_CUSTOM);

  return self->vendor;
}

gboolean
chat_profile_get_is_coding (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), FALSE);

  return self->is_coding;
}

gboolean
chat_profile_get_is_builtin (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), FALSE);

  return self->is_builtin;
}

const char * const *
chat_profile_get_models (ChatProfile *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (self), NULL);

  return (const char * const *) self->models;
}

void
chat_profile_set_models (ChatProfile        *self,
                         const char * const *models)
{
  static const char * const empty[] = { NULL };

  g_return_if_fail (CHAT_IS_PROFILE (self));

  if (models == NULL)
    models = empty;
  if (self->models != NULL && g_strv_equal ((const char * const *) self->models, models))
    return;

  g_strfreev (self->models);
  self->models = g_strdupv ((char **) models);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODELS]);
}

static gboolean
is_usable_base (GUri *uri)
{
  const char *scheme;
  const char *host;

  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  /* A query or fragment would end up in front of the joined path. */
  return (g_ascii_strcasecmp (scheme, "http") == 0 ||
          g_ascii_strcasecmp (scheme, "https") == 0) &&
         host != NULL && *host != '\0' &&
         g_uri_get_query (uri) == NULL &&
         g_uri_get_fragment (uri) == NULL;
}

char *
chat_profile_build_url (const char *base_url,
                        const char *path)
{
  g_autofree char *base = NULL;
  g_autoptr(GUri) uri = NULL;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  /* Base URLs are typed or pasted by users. */
  base = g_strstrip (g_strdup (base_url));
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  if (!is_usable_base (uri))
    return NULL;

  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    len--;
  while (*path == '/')
    path++;

  return g_strdup_printf ("%.*s/%s", (int) len, base, path);
}

const char * const *
chat_profile_get_key_env_vars (ChatProfile *self)
{
  static const char * const bigmodel[] = { "LIAO_API_KEY", "ZHIPUAI_API_KEY", NULL };
  static const char * const zai[] = { "LIAO_API_KEY", "ZAI_API_KEY", NULL };
  static const char * const custom[] = { "LIAO_API_KEY", NULL };

  g_return_val_if_fail (CHAT_IS_PROFILE (self), NULL);

  switch (self->vendor)
    {
    case CHAT_PROFILE_VENDOR_BIGMODEL:
      return bigmodel;
    case CHAT_PROFILE_VENDOR_ZAI:
      return zai;
    case CHAT_PROFILE_VENDOR_CUSTOM:
    default:
      return custom;
    }
}
