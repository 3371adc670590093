/* test-secrets.c: API keys from the environment */

#include "chat-secrets.h"

static const char * const key_vars[] = { "LIAO_API_KEY", "ZHIPUAI_API_KEY", "ZAI_API_KEY" };

/* Every test starts from a clean environment, whatever the caller exported. */
static void
clear_key_vars (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_vars); i++)
    g_unsetenv (key_vars[i]);
}

static void
assert_key (const char *profile_id,
            const char *expected_key,
            const char *expected_where)
{
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (profile_id);
  /* Out arguments are written even when nothing is found. */
  char *where = (char *) "stale";
  ChatKeySource source = CHAT_KEY_SOURCE_FILE;
  g_autofree char *key = NULL;

  g_assert_nonnull (profile);
  key = chat_secrets_lookup_key (profile, &source, &where);
  g_assert_cmpstr (key, ==, expected_key);
  g_assert_cmpstr (where, ==, expected_where);
  g_assert_cmpint (source, ==, expected_key != NULL ? CHAT_KEY_SOURCE_ENVIRONMENT
                                                     : CHAT_KEY_SOURCE_NONE);
  g_free (where);
}

static void
test_secrets_none (void)
{
  g_autoptr(ChatProfile) custom = chat_profile_new_custom ("local", NULL, "http://127.0.0.1:1", NULL);

  clear_key_vars ();
  assert_key ("general", NULL, NULL);
  assert_key ("zai", NULL, NULL);

  /* The out arguments are optional. */
  g_assert_null (chat_secrets_lookup_key (custom, NULL, NULL));
}

static void
test_secrets_precedence (void)
{
  clear_key_vars ();
  g_setenv ("LIAO_API_KEY", "liao-key", TRUE);
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "zai-key", TRUE);

  assert_key ("general", "liao-key", "LIAO_API_KEY");
  assert_key ("coding", "liao-key", "LIAO_API_KEY");
  assert_key ("zai", "liao-key", "LIAO_API_KEY");
  assert_key ("zai-coding", "liao-key", "LIAO_API_KEY");
}

static void
test_secrets_vendor (void)
{
  clear_key_vars ();
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "zai-key", TRUE);

  assert_key ("general", "zhipu-key", "ZHIPUAI_API_KEY");
  assert_key ("coding", "zhipu-key", "ZHIPUAI_API_KEY");
  assert_key ("zai", "zai-key", "ZAI_API_KEY");
  assert_key ("zai-coding", "zai-key", "ZAI_API_KEY");

  /* A key for one vendor never serves the other: keys are region-specific. */
  g_unsetenv ("ZAI_API_KEY");
  assert_key ("zai", NULL, NULL);
}

static void
test_secrets_empty_is_unset (void)
{
  clear_key_vars ();
  g_setenv ("LIAO_API_KEY", "", TRUE);
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "", TRUE);

  assert_key ("general", "zhipu-key", "ZHIPUAI_API_KEY");
  assert_key ("zai", NULL, NULL);

  /* Whitespace alone is as empty as nothing. */
  g_setenv ("ZAI_API_KEY", " \n", TRUE);
  assert_key ("zai", NULL, NULL);
}

static void
test_secrets_trimmed (void)
{
  clear_key_vars ();
  g_setenv ("LIAO_API_KEY", "  abc.def123\n", TRUE);
  assert_key ("general", "abc.def123", "LIAO_API_KEY");

  g_setenv ("LIAO_API_KEY", "\tkey with inner space\r\n", TRUE);
  assert_key ("zai", "key with inner space", "LIAO_API_KEY");
}

static void
test_secrets_custom (void)
{
  g_autoptr(ChatProfile) custom = chat_profile_new_custom ("local", NULL, "http://127.0.0.1:1", NULL);
  g_autofree char *key = NULL;
  g_autofree char *key2 = NULL;
  g_autofree char *where = NULL;
  ChatKeySource source;

  clear_key_vars ();
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "zai-key", TRUE);
  key = chat_secrets_lookup_key (custom, &source, &where);
  g_assert_null (key);
  g_assert_null (where);
  g_assert_cmpint (source, ==, CHAT_KEY_SOURCE_NONE);

  g_setenv ("LIAO_API_KEY", "liao-key", TRUE);
  key2 = chat_secrets_lookup_key (custom, &source, &where);
  g_assert_cmpstr (key2, ==, "liao-key");
  g_assert_cmpstr (where, ==, "LIAO_API_KEY");
  g_assert_cmpint (source, ==, CHAT_KEY_SOURCE_ENVIRONMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/none", test_secrets_none);
  g_test_add_func ("/secrets/precedence", test_secrets_precedence);
  g_test_add_func ("/secrets/vendor", test_secrets_vendor);
  g_test_add_func ("/secrets/empty-is-unset", test_secrets_empty_is_unset);
  g_test_add_func ("/secrets/trimmed", test_secrets_trimmed);
  g_test_add_func ("/secrets/custom", test_secrets_custom);

  return g_test_run ();
}
