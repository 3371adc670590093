/* test-profile.c: built-in and custom profiles, URL joining, key variables */

#include "chat-profile.h"

typedef struct {
  const char        *id;
  const char        *name;
  const char        *base_url;
  ChatProfileVendor  vendor;
  gboolean           is_coding;
  guint              n_models;
} ExpectedProfile;

static const ExpectedProfile expected_builtins[] = {
  { "general", "General (open.bigmodel.cn)", "https://open.bigmodel.cn/api/paas/v4",
    CHAT_PROFILE_VENDOR_BIGMODEL, FALSE, 8 },
  { "coding", "Coding Plan (open.bigmodel.cn)", "https://open.bigmodel.cn/api/coding/paas/v4",
    CHAT_PROFILE_VENDOR_BIGMODEL, TRUE, 5 },
  { "zai", "Z.ai General", "https://api.z.ai/api/paas/v4",
    CHAT_PROFILE_VENDOR_ZAI, FALSE, 8 },
  { "zai-coding", "Z.ai Coding Plan", "https://api.z.ai/api/coding/paas/v4",
    CHAT_PROFILE_VENDOR_ZAI, TRUE, 5 },
};

static void
assert_strv (const char * const *actual,
             const char * const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_strv_length ((char **) actual), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (actual[i], ==, expected[i]);
}

static void
test_profile_builtins (void)
{
  const char * const *ids = chat_profile_get_builtin_ids ();

  g_assert_cmpuint (g_strv_length ((char **) ids), ==, G_N_ELEMENTS (expected_builtins));
  for (guint i = 0; i < G_N_ELEMENTS (expected_builtins); i++)
    {
      const ExpectedProfile *expected = &expected_builtins[i];
      g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (ids[i]);
      const char * const *models;

      g_assert_cmpstr (ids[i], ==, expected->id);
      g_assert_true (CHAT_IS_PROFILE (profile));
      g_assert_cmpstr (chat_profile_get_id (profile), ==, expected->id);
      g_assert_cmpstr (chat_profile_get_name (profile), ==, expected->name);
      g_assert_cmpstr (chat_profile_get_base_url (profile), ==, expected->base_url);
      g_assert_cmpstr (chat_profile_get_default_model (profile), ==, "glm-4.7");
      g_assert_cmpint (chat_profile_get_vendor (profile), ==, expected->vendor);
      g_assert_cmpint (chat_profile_get_is_coding (profile), ==, expected->is_coding);
      g_assert_true (chat_profile_get_is_builtin (profile));

      models = chat_profile_get_models (profile);
      g_assert_cmpuint (g_strv_length ((char **) models), ==, expected->n_models);
      g_assert_true (g_strv_contains (models, "glm-4.7"));
      g_assert_cmpstr (models[0], ==, "glm-5.1");
    }
}

static void
test_profile_builtin_models (void)
{
  static const char * const general[] = {
    "glm-5.1", "glm-5", "glm-4.7", "glm-4.7-flash", "glm-4.6", "glm-4.5",
    "glm-4.5-air", "glm-4.5-flash", NULL
  };
  static const char * const coding[] = {
    "glm-5.1", "glm-4.7", "glm-4.6", "glm-4.5", "glm-4.5-air", NULL
  };
  const char * const *ids = chat_profile_get_builtin_ids ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (ids[i]);

      assert_strv (chat_profile_get_models (profile),
                   chat_profile_get_is_coding (profile) ? coding : general);
    }
}

static void
test_profile_lookup (void)
{
  g_autoptr(ChatProfile) first = chat_profile_lookup_builtin ("coding");
  g_autoptr(ChatProfile) second = chat_profile_lookup_builtin ("coding");
  static const char * const mine[] = { "glm-4.6", NULL };

  g_assert_null (chat_profile_lookup_builtin ("unknown"));
  g_assert_null (chat_profile_lookup_builtin (""));
  g_assert_null (chat_profile_lookup_builtin ("General"));

  /* Each lookup is a separate object: setting models on one leaves the other. */
  g_assert_true (first != second);
  chat_profile_set_models (first, mine);
  g_assert_cmpuint (g_strv_length ((char **) chat_profile_get_models (second)), ==, 5);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  g_assert_cmpstr (pspec->name, ==, "models");
  (*count)++;
}

static void
test_profile_models_notify (void)
{
  static const char * const models[] = { "glm-4.7", "my-model", NULL };
  static const char * const same[] = { "glm-4.7", "my-model", NULL };
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin ("general");
  g_auto(GStrv) from_property = NULL;
  guint count = 0;

  g_signal_connect (profile, "notify", G_CALLBACK (count_notify), &count);

  chat_profile_set_models (profile, models);
  g_assert_cmpuint (count, ==, 1);
  assert_strv (chat_profile_get_models (profile), models);

  /* An equal list changes nothing and notifies nothing. */
  chat_profile_set_models (profile, same);
  g_assert_cmpuint (count, ==, 1);

  g_object_get (profile, "models", &from_property, NULL);
  assert_strv ((const char * const *) from_property, models);

  g_object_set (profile, "models", NULL, NULL);
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpuint (g_strv_length ((char **) chat_profile_get_models (profile)), ==, 0);
}

static void
test_profile_custom (void)
{
  static const char * const models[] = { "qwen3", NULL };
  static const char * const defaulted[] = { "glm-4.7", NULL };
  g_autoptr(ChatProfile) custom = chat_profile_new_custom ("local", "My server",
                                                           "http://127.0.0.1:8080/v1", "qwen3");
  g_autoptr(ChatProfile) bare = chat_profile_new_custom ("bare", NULL, "anything at all", NULL);
  ChatProfileVendor vendor;
  gboolean is_builtin;

  g_assert_cmpstr (chat_profile_get_id (custom), ==, "local");
  g_assert_cmpstr (chat_profile_get_name (custom), ==, "My server");
  g_assert_cmpstr (chat_profile_get_base_url (custom), ==, "http://127.0.0.1:8080/v1");
  g_assert_cmpstr (chat_profile_get_default_model (custom), ==, "qwen3");
  g_assert_cmpint (chat_profile_get_vendor (custom), ==, CHAT_PROFILE_VENDOR_CUSTOM);
  g_assert_false (chat_profile_get_is_coding (custom));
  g_assert_false (chat_profile_get_is_builtin (custom));
  assert_strv (chat_profile_get_models (custom), models);

  g_object_get (custom, "vendor", &vendor, "is-builtin", &is_builtin, NULL);
  g_assert_cmpint (vendor, ==, CHAT_PROFILE_VENDOR_CUSTOM);
  g_assert_false (is_builtin);

  g_assert_cmpstr (chat_profile_get_name (bare), ==, "bare");
  g_assert_cmpstr (chat_profile_get_base_url (bare), ==, "anything at all");
  g_assert_cmpstr (chat_profile_get_default_model (bare), ==, "glm-4.7");
  assert_strv (chat_profile_get_models (bare), defaulted);
}

static void
test_profile_build_url (void)
{
  static const struct {
    const char *base;
    const char *path;
    const char *expected;
  } cases[] = {
    { "https://open.bigmodel.cn/api/paas/v4", "chat/completions",
      "https://open.bigmodel.cn/api/paas/v4/chat/completions" },
    { "https://open.bigmodel.cn/api/paas/v4/", "chat/completions",
      "https://open.bigmodel.cn/api/paas/v4/chat/completions" },
    { "https://open.bigmodel.cn/api/paas/v4", "/chat/completions",
      "https://open.bigmodel.cn/api/paas/v4/chat/completions" },
    { "https://open.bigmodel.cn/api/paas/v4//", "//chat/completions",
      "https://open.bigmodel.cn/api/paas/v4/chat/completions" },
    { "http://127.0.0.1:8080/x", "models", "http://127.0.0.1:8080/x/models" },
    { "http://127.0.0.1:8080", "/models", "http://127.0.0.1:8080/models" },
    { "http://127.0.0.1:8080/", "models", "http://127.0.0.1:8080/models" },
    { "  https://api.z.ai/api/paas/v4\n", "models", "https://api.z.ai/api/paas/v4/models" },
    { "HTTPS://api.z.ai/api/paas/v4", "models", "HTTPS://api.z.ai/api/paas/v4/models" },
    { "open.bigmodel.cn/api/paas/v4", "models", NULL },
    { "ftp://example.com/v4", "models", NULL },
    { "https://", "models", NULL },
    { "", "models", NULL },
    { "not a url", "models", NULL },
    { "http://127.0.0.1:8080/x?key=1", "models", NULL },
    { "http://127.0.0.1:8080/x#top", "models", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = chat_profile_build_url (cases[i].base, cases[i].path);
      g_autofree char *base = g_strescape (cases[i].base, NULL);

      g_test_message ("\"%s\" + \"%s\"", base, cases[i].path);
      g_assert_cmpstr (url, ==, cases[i].expected);
    }
}

static void
test_profile_env_vars (void)
{
  static const char * const bigmodel[] = { "LIAO_API_KEY", "ZHIPUAI_API_KEY", NULL };
  static const char * const zai[] = { "LIAO_API_KEY", "ZAI_API_KEY", NULL };
  static const char * const custom[] = { "LIAO_API_KEY", NULL };
  g_autoptr(ChatProfile) general = chat_profile_lookup_builtin ("general");
  g_autoptr(ChatProfile) coding = chat_profile_lookup_builtin ("coding");
  g_autoptr(ChatProfile) zai_general = chat_profile_lookup_builtin ("zai");
  g_autoptr(ChatProfile) zai_coding = chat_profile_lookup_builtin ("zai-coding");
  g_autoptr(ChatProfile) local = chat_profile_new_custom ("local", NULL, "http://127.0.0.1:1", NULL);

  assert_strv (chat_profile_get_key_env_vars (general), bigmodel);
  assert_strv (chat_profile_get_key_env_vars (coding), bigmodel);
  assert_strv (chat_profile_get_key_env_vars (zai_general), zai);
  assert_strv (chat_profile_get_key_env_vars (zai_coding), zai);
  assert_strv (chat_profile_get_key_env_vars (local), custom);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/profile/builtins", test_profile_builtins);
  g_test_add_func ("/profile/builtin-models", test_profile_builtin_models);
  g_test_add_func ("/profile/lookup", test_profile_lookup);
  g_test_add_func ("/profile/models-notify", test_profile_models_notify);
  g_test_add_func ("/profile/custom", test_profile_custom);
  g_test_add_func ("/profile/build-url", test_profile_build_url);
  g_test_add_func ("/profile/env-vars", test_profile_env_vars);

  return g_test_run ();
}
