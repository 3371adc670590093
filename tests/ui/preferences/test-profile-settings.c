/* test-profile-settings.c: the custom-profiles setting as ChatProfile objects
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "chat-profile-settings.h"

#define APP_SCHEMA_ID "io.github.liaochat.Liao"

static GSettings *
new_settings (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  return g_settings_new_with_backend (APP_SCHEMA_ID, backend);
}

static void
assert_profile (ChatProfile *profile,
                const char  *id,
                const char  *name,
                const char  *base_url)
{
  g_assert_cmpstr (chat_profile_get_id (profile), ==, id);
  g_assert_cmpstr (chat_profile_get_name (profile), ==, name);
  g_assert_cmpstr (chat_profile_get_base_url (profile), ==, base_url);
  g_assert_false (chat_profile_get_is_builtin (profile));
  g_assert_cmpint (chat_profile_get_vendor (profile), ==, CHAT_PROFILE_VENDOR_CUSTOM);
}

static void
test_add_and_load (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *first = chat_profile_settings_add_custom (settings, "My Server", "http://127.0.0.1:8080/v1");
  g_autofree char *second = chat_profile_settings_add_custom (settings, "My Server", "http://127.0.0.1:8081/v1");
  g_autofree char *builtin_name = chat_profile_settings_add_custom (settings, "General", "https://example.com/v1");
  g_autofree char *chinese = chat_profile_settings_add_custom (settings, "本地服务器", "http://localhost/v1");
  g_autofree char *long_name = chat_profile_settings_add_custom (settings, "A very long name for a server, longer than any id should be",
                                                         "https://example.org/api/v1");

  g_assert_cmpstr (first, ==, "my-server");
  g_assert_cmpstr (second, ==, "my-server-2");
  g_assert_cmpstr (builtin_name, ==, "general-2");
  g_assert_cmpstr (chinese, ==, "custom");
  g_assert_cmpstr (long_name, ==, "a-very-long-name-for-a-server-lo");

  profiles = chat_profile_settings_load_custom (settings);
  g_assert_cmpuint (profiles->len, ==, 5);
  assert_profile (profiles->pdata[0], "my-server", "My Server", "http://127.0.0.1:8080/v1");
  assert_profile (profiles->pdata[1], "my-server-2", "My Server", "http://127.0.0.1:8081/v1");
  assert_profile (profiles->pdata[2], "general-2", "General", "https://example.com/v1");
  assert_profile (profiles->pdata[3], "custom", "本地服务器", "http://localhost/v1");
  g_assert_cmpstr (chat_profile_get_default_model (profiles->pdata[3]), ==, "glm-4.7");
}

static void
test_load_skips_unusable (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GPtrArray) profiles = NULL;

  g_settings_set_value (settings, "custom-profiles",
                        g_variant_new_parsed ("[('general', 'Shadow', 'http://a/v1'),"
                                              " ('', 'No id', 'http://a/v1'),"
                                              " ('dup', 'First', 'http://a/v1'),"
                                              " ('dup', 'Second', 'http://b/v1'),"
                                              " ('ftp', 'Not HTTP', 'ftp://a/v1'),"
                                              " ('query', 'Query', 'http://a/v1?x=1'),"
                                              " ('unnamed', '', 'https://c/v1')]"));
  profiles = chat_profile_settings_load_custom (settings);
  g_assert_cmpuint (profiles->len, ==, 2);
  assert_profile (profiles->pdata[0], "dup", "First", "http://a/v1");
  assert_profile (profiles->pdata[1], "unnamed", "unnamed", "https://c/v1");
}

static void
test_update (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *a = chat_profile_settings_add_custom (settings, "A", "http://a/v1");
  g_autofree char *b = chat_profile_settings_add_custom (settings, "B", "http://b/v1");

  g_assert_true (chat_profile_settings_update_custom (settings, a, "A & Co", "https://a.example/v2"));
  g_assert_false (chat_profile_settings_update_custom (settings, "missing", "X", "http://x/v1"));
  profiles = chat_profile_settings_load_custom (settings);
  g_assert_cmpuint (profiles->len, ==, 2);
  /* The id stays, and so does the order. */
  assert_profile (profiles->pdata[0], "a", "A & Co", "https://a.example/v2");
  assert_profile (profiles->pdata[1], "b", "B", "http://b/v1");
}

static void
test_remove (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GVariant) models = NULL;
  g_autofree char *id = chat_profile_settings_add_custom (settings, "Local", "http://127.0.0.1:1234/v1");
  g_autofree char *other = chat_profile_settings_add_custom (settings, "Other", "http://127.0.0.1:1235/v1");
  g_autofree char *default_profile = NULL;
  char *model = NULL;

  g_settings_set_string (settings, "default-profile", id);
  g_settings_set_value (settings, "default-models",
                        g_variant_new_parsed ("{'local': 'qwen', 'general': 'glm-4.6'}"));

  g_assert_true (chat_profile_settings_remove_custom (settings, id));
  g_assert_false (chat_profile_settings_remove_custom (settings, id));
  g_assert_false (chat_profile_settings_remove_custom (settings, "general"));

  profiles = chat_profile_settings_load_custom (settings);
  g_assert_cmpuint (profiles->len, ==, 1);
  assert_profile (profiles->pdata[0], other, "Other", "http://127.0.0.1:1235/v1");
  default_profile = g_settings_get_string (settings, "default-profile");
  g_assert_cmpstr (default_profile, ==, "general");
  models = g_settings_get_value (settings, "default-models");
  g_assert_cmpuint (g_variant_n_children (models), ==, 1);
  g_assert_true (g_variant_lookup (models, "general", "s", &model));
  g_assert_cmpstr (model, ==, "glm-4.6");
  g_free (model);
}

static void
test_remove_keeps_other_default (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autofree char *id = chat_profile_settings_add_custom (settings, "Local", "http://127.0.0.1:1234/v1");
  g_autofree char *default_profile = NULL;

  g_settings_set_string (settings, "default-profile", "coding");
  g_assert_true (chat_profile_settings_remove_custom (settings, id));
  default_profile = g_settings_get_string (settings, "default-profile");
  g_assert_cmpstr (default_profile, ==, "coding");
}

static void
test_valid_base_url (void)
{
  g_assert_true (chat_profile_settings_is_valid_base_url ("https://open.bigmodel.cn/api/paas/v4"));
  g_assert_true (chat_profile_settings_is_valid_base_url ("http://127.0.0.1:8080/v1/"));
  g_assert_false (chat_profile_settings_is_valid_base_url (NULL));
  g_assert_false (chat_profile_settings_is_valid_base_url (""));
  g_assert_false (chat_profile_settings_is_valid_base_url ("localhost:8080"));
  g_assert_false (chat_profile_settings_is_valid_base_url ("ftp://example.com/v1"));
  g_assert_false (chat_profile_settings_is_valid_base_url ("https://example.com/v1#top"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/profile-settings/add-and-load", test_add_and_load);
  g_test_add_func ("/profile-settings/load-skips-unusable", test_load_skips_unusable);
  g_test_add_func ("/profile-settings/update", test_update);
  g_test_add_func ("/profile-settings/remove", test_remove);
  g_test_add_func ("/profile-settings/remove-keeps-other-default", test_remove_keeps_other_default);
  g_test_add_func ("/profile-settings/valid-base-url", test_valid_base_url);

  return g_test_run ();
}
