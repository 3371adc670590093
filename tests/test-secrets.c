/* test-secrets.c: API keys from the environment, the keyring and the fallback file
 *
 * Every test gets its own HOME and XDG folders (G_TEST_OPTION_ISOLATE_DIRS).
 * The keyring tests need a reachable, unlocked Secret Service, as
 * build-aux/run-tests provides; elsewhere they skip.  They use custom
 * profiles with ids of their own, so they never touch a real profile's key.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "chat-secrets.h"

#define SECRET_KEY "unique-Zm9vYmFyLXNlY3JldC1rZXk.Q7xk2"
#define OTHER_KEY  "second-YmF6cXV4LWFub3RoZXIta2V5.R8yl3"

static const char * const key_vars[] = { "LIAO_API_KEY", "ZHIPUAI_API_KEY", "ZAI_API_KEY" };

/* Every test starts from a clean environment, whatever the caller exported.
 * @backend: the LIAO_SECRETS_BACKEND to use, or NULL for auto. */
static void
reset_environment (const char *backend)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_vars); i++)
    g_unsetenv (key_vars[i]);
  if (backend != NULL)
    g_setenv ("LIAO_SECRETS_BACKEND", backend, TRUE);
  else
    g_unsetenv ("LIAO_SECRETS_BACKEND");
}

/* A profile id no other test or process uses, so parallel test programs and
 * a developer's own keyring are safe. */
static ChatProfile *
new_test_profile (const char *name)
{
  g_autofree char *id = g_strdup_printf ("liao-test-%s-%d-%u", name, (int) getpid (),
                                         g_random_int ());

  return chat_profile_new_custom (id, NULL, "http://127.0.0.1:1", NULL);
}

static gboolean
skip_without_keyring (void)
{
  reset_environment (NULL);
  if (chat_secrets_keyring_available ())
    return FALSE;
  g_test_skip ("No Secret Service on the session bus (build-aux/run-tests provides one)");
  return TRUE;
}

static void
assert_lookup (ChatProfile   *profile,
               const char    *expected_key,
               ChatKeySource  expected_source,
               const char    *expected_where)
{
  /* Out arguments are written even when nothing is found. */
  char *where = (char *) "stale";
  ChatKeySource source = CHAT_KEY_SOURCE_ENVIRONMENT;
  g_autofree char *key = chat_secrets_lookup_key (profile, &source, &where);

  g_assert_cmpstr (key, ==, expected_key);
  g_assert_cmpint (source, ==, expected_source);
  g_assert_cmpstr (where, ==, expected_where);
  g_free (where);
}

static void
assert_builtin_key (const char *profile_id,
                    const char *expected_key,
                    const char *expected_where)
{
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (profile_id);

  g_assert_nonnull (profile);
  assert_lookup (profile, expected_key,
                 expected_key != NULL ? CHAT_KEY_SOURCE_ENVIRONMENT : CHAT_KEY_SOURCE_NONE,
                 expected_where);
}

static void
assert_describe (ChatProfile   *profile,
                 ChatKeySource  expected_source,
                 const char    *expected_where)
{
  char *where = (char *) "stale";

  g_assert_cmpint (chat_secrets_describe (profile, &where), ==, expected_source);
  g_assert_cmpstr (where, ==, expected_where);
  g_free (where);
}

static void
store (ChatProfile   *profile,
       const char    *key,
       ChatKeySource  expected)
{
  g_autoptr(GError) error = NULL;
  ChatKeySource stored_in = CHAT_KEY_SOURCE_NONE;

  g_assert_true (chat_secrets_store_key (profile, key, &stored_in, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_in, ==, expected);
}

static void
clear (ChatProfile *profile)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (chat_secrets_clear_key (profile, &error));
  g_assert_no_error (error);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

/* Environment */

static void
test_secrets_none (void)
{
  g_autoptr(ChatProfile) custom = chat_profile_new_custom ("local", NULL, "http://127.0.0.1:1", NULL);

  reset_environment ("file");
  assert_builtin_key ("general", NULL, NULL);
  assert_builtin_key ("zai", NULL, NULL);

  /* The out arguments are optional. */
  g_assert_null (chat_secrets_lookup_key (custom, NULL, NULL));
}

static void
test_secrets_precedence (void)
{
  reset_environment ("file");
  g_setenv ("LIAO_API_KEY", "liao-key", TRUE);
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "zai-key", TRUE);

  assert_builtin_key ("general", "liao-key", "LIAO_API_KEY");
  assert_builtin_key ("coding", "liao-key", "LIAO_API_KEY");
  assert_builtin_key ("zai", "liao-key", "LIAO_API_KEY");
  assert_builtin_key ("zai-coding", "liao-key", "LIAO_API_KEY");
}

static void
test_secrets_vendor (void)
{
  reset_environment ("file");
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "zai-key", TRUE);

  assert_builtin_key ("general", "zhipu-key", "ZHIPUAI_API_KEY");
  assert_builtin_key ("coding", "zhipu-key", "ZHIPUAI_API_KEY");
  assert_builtin_key ("zai", "zai-key", "ZAI_API_KEY");
  assert_builtin_key ("zai-coding", "zai-key", "ZAI_API_KEY");

  /* A key for one vendor never serves the other: keys are region-specific. */
  g_unsetenv ("ZAI_API_KEY");
  assert_builtin_key ("zai", NULL, NULL);
}

static void
test_secrets_empty_is_unset (void)
{
  reset_environment ("file");
  g_setenv ("LIAO_API_KEY", "", TRUE);
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "", TRUE);

  assert_builtin_key ("general", "zhipu-key", "ZHIPUAI_API_KEY");
  assert_builtin_key ("zai", NULL, NULL);

  /* Whitespace alone is as empty as nothing. */
  g_setenv ("ZAI_API_KEY", " \n", TRUE);
  assert_builtin_key ("zai", NULL, NULL);
}

static void
test_secrets_trimmed (void)
{
  reset_environment ("file");
  g_setenv ("LIAO_API_KEY", "  abc.def123\n", TRUE);
  assert_builtin_key ("general", "abc.def123", "LIAO_API_KEY");

  g_setenv ("LIAO_API_KEY", "\tkey with inner space\r\n", TRUE);
  assert_builtin_key ("zai", "key with inner space", "LIAO_API_KEY");

  /* A newline inside would split the Authorization header: not a key. */
  g_setenv ("LIAO_API_KEY", "abc\ndef", TRUE);
  g_setenv ("ZAI_API_KEY", "zai-key", TRUE);
  assert_builtin_key ("zai", "zai-key", "ZAI_API_KEY");
}

static void
test_secrets_custom (void)
{
  g_autoptr(ChatProfile) custom = chat_profile_new_custom ("local", NULL, "http://127.0.0.1:1", NULL);

  reset_environment ("file");
  g_setenv ("ZHIPUAI_API_KEY", "zhipu-key", TRUE);
  g_setenv ("ZAI_API_KEY", "zai-key", TRUE);
  assert_lookup (custom, NULL, CHAT_KEY_SOURCE_NONE, NULL);

  g_setenv ("LIAO_API_KEY", "liao-key", TRUE);
  assert_lookup (custom, "liao-key", CHAT_KEY_SOURCE_ENVIRONMENT, "LIAO_API_KEY");
}

/* Checking keys */

static void
test_secrets_normalize (void)
{
  static const char * const bad[] = {
    "", " \t\r\n", "abc\ndef", "abc\tdef", "abc\x7f" "def", "abc\xc2\x85" "def", "\xff\xfe",
  };
  g_autofree char *longest = g_strnfill (CHAT_SECRETS_KEY_MAX_BYTES, 'k');
  g_autofree char *too_long = g_strnfill (CHAT_SECRETS_KEY_MAX_BYTES + 1, 'k');
  g_autofree char *padded = g_strdup_printf ("  %s\n", longest);
  g_autofree char *trimmed = chat_secrets_normalize_key (" \tabc.DEF-123_x \r\n", NULL);
  g_autofree char *unicode = chat_secrets_normalize_key ("密钥.key", NULL);
  g_autofree char *fits = chat_secrets_normalize_key (padded, NULL);

  g_assert_cmpstr (trimmed, ==, "abc.DEF-123_x");
  g_assert_cmpstr (unicode, ==, "密钥.key");
  g_assert_cmpstr (fits, ==, longest);

  for (guint i = 0; i <= G_N_ELEMENTS (bad); i++)
    {
      const char *key = i < G_N_ELEMENTS (bad) ? bad[i] : too_long;
      g_autoptr(GError) error = NULL;

      g_assert_null (chat_secrets_normalize_key (key, &error));
      g_assert_error (error, CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_INVALID_KEY);
    }
}

static void
test_secrets_store_invalid (void)
{
  g_autoptr(ChatProfile) profile = new_test_profile ("invalid");
  g_autofree char *path = chat_secrets_dup_file_path ();
  g_autoptr(GError) error = NULL;
  ChatKeySource stored_in = CHAT_KEY_SOURCE_FILE;

  reset_environment ("file");
  g_assert_false (chat_secrets_store_key (profile, " \n", &stored_in, &error));
  g_assert_error (error, CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_INVALID_KEY);
  g_assert_cmpint (stored_in, ==, CHAT_KEY_SOURCE_NONE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* The fallback file */

static void
test_secrets_file (void)
{
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin ("general");
  g_autoptr(ChatProfile) other = chat_profile_lookup_builtin ("zai");
  g_autofree char *path = chat_secrets_dup_file_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autofree char *replaced = NULL;

  reset_environment ("file");
  g_assert_false (chat_secrets_keyring_available ());
  g_assert_true (g_str_has_suffix (path, "/liao/keys.ini"));
  g_assert_true (g_str_has_prefix (path, g_get_user_config_dir ()));

  store (profile, "  " SECRET_KEY "\n", CHAT_KEY_SOURCE_FILE);
  assert_lookup (profile, SECRET_KEY, CHAT_KEY_SOURCE_FILE, path);
  assert_describe (profile, CHAT_KEY_SOURCE_FILE, path);
  assert_mode (path, 0600);
  assert_mode (folder, 0700);
  contents = read_file (path);
  g_assert_nonnull (strstr (contents, SECRET_KEY));

  /* Replacing leaves no trace of the old key; other profiles keep theirs. */
  store (other, "zai-key", CHAT_KEY_SOURCE_FILE);
  store (profile, OTHER_KEY, CHAT_KEY_SOURCE_FILE);
  assert_lookup (profile, OTHER_KEY, CHAT_KEY_SOURCE_FILE, path);
  assert_lookup (other, "zai-key", CHAT_KEY_SOURCE_FILE, path);
  assert_mode (path, 0600);
  replaced = read_file (path);
  g_assert_null (strstr (replaced, SECRET_KEY));

  clear (profile);
  assert_lookup (profile, NULL, CHAT_KEY_SOURCE_NONE, NULL);
  assert_describe (profile, CHAT_KEY_SOURCE_NONE, NULL);
  assert_lookup (other, "zai-key", CHAT_KEY_SOURCE_FILE, path);
  clear (profile);

  /* The last key gone, the file goes too. */
  clear (other);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Other permissions on an existing file do not survive a write. */
static void
test_secrets_file_mode_restored (void)
{
  g_autoptr(ChatProfile) profile = new_test_profile ("mode");
  g_autofree char *path = chat_secrets_dup_file_path ();
  g_autofree char *folder = g_path_get_dirname (path);

  reset_environment ("file");
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[other]\napi-key=x\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  store (profile, SECRET_KEY, CHAT_KEY_SOURCE_FILE);
  assert_mode (path, 0600);
}

static void
test_secrets_file_odd_ids (void)
{
  static const char * const ids[] = { "my [odd] id", "ключ=1 # x", "a%b" };
  g_autofree char *path = chat_secrets_dup_file_path ();

  reset_environment ("file");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(ChatProfile) profile = chat_profile_new_custom (ids[i], NULL,
                                                                "http://127.0.0.1:1", NULL);
      g_autofree char *key = g_strdup_printf ("key-%u", i);

      store (profile, key, CHAT_KEY_SOURCE_FILE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(ChatProfile) profile = chat_profile_new_custom (ids[i], NULL,
                                                                "http://127.0.0.1:1", NULL);
      g_autofree char *key = g_strdup_printf ("key-%u", i);

      assert_lookup (profile, key, CHAT_KEY_SOURCE_FILE, path);
    }
}

/* A hand-edited or damaged file is read as holding no key, and never
 * overwritten: it may hold keys we could not parse. */
static void
test_secrets_file_damaged (void)
{
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin ("general");
  g_autoptr(ChatProfile) coding = chat_profile_lookup_builtin ("coding");
  g_autofree char *path = chat_secrets_dup_file_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  /* A bare key, pasted without "api-key=". */
  const char *damaged = SECRET_KEY "\n";

  reset_environment ("file");
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[general]\napi-key=abc\\tdef\n[coding]\napi-key=\n",
                                      -1, NULL));
  assert_lookup (profile, NULL, CHAT_KEY_SOURCE_NONE, NULL);
  assert_lookup (coding, NULL, CHAT_KEY_SOURCE_NONE, NULL);

  g_assert_true (g_file_set_contents (path, damaged, -1, NULL));
  assert_lookup (profile, NULL, CHAT_KEY_SOURCE_NONE, NULL);
  g_assert_false (chat_secrets_store_key (profile, SECRET_KEY, NULL, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_assert_null (strstr (error->message, SECRET_KEY));
  after = read_file (path);
  g_assert_cmpstr (after, ==, damaged);
}

static void
test_secrets_env_wins_over_file (void)
{
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin ("coding");
  g_autofree char *path = chat_secrets_dup_file_path ();

  reset_environment ("file");
  store (profile, SECRET_KEY, CHAT_KEY_SOURCE_FILE);
  g_setenv ("ZHIPUAI_API_KEY", "env-key", TRUE);
  assert_lookup (profile, "env-key", CHAT_KEY_SOURCE_ENVIRONMENT, "ZHIPUAI_API_KEY");
  assert_describe (profile, CHAT_KEY_SOURCE_ENVIRONMENT, "ZHIPUAI_API_KEY");

  /* Clearing leaves the environment alone: it is the user's. */
  clear (profile);
  assert_lookup (profile, "env-key", CHAT_KEY_SOURCE_ENVIRONMENT, "ZHIPUAI_API_KEY");
  g_unsetenv ("ZHIPUAI_API_KEY");
  assert_lookup (profile, NULL, CHAT_KEY_SOURCE_NONE, NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Without a session bus there is no keyring: auto falls back to the file,
 * "keyring" refuses.  In a subprocess, as the bus connection is cached. */
static void
test_secrets_no_bus (void)
{
  g_autoptr(ChatProfile) profile = NULL;
  g_autofree char *path = chat_secrets_dup_file_path ();
  g_autoptr(GError) error = NULL;
  ChatKeySource stored_in = CHAT_KEY_SOURCE_FILE;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/liao-test-bus", TRUE);
  profile = new_test_profile ("no-bus");
  reset_environment ("keyring");
  g_assert_false (chat_secrets_keyring_available ());
  g_assert_false (chat_secrets_store_key (profile, SECRET_KEY, &stored_in, &error));
  g_assert_error (error, CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_UNAVAILABLE);
  g_assert_cmpint (stored_in, ==, CHAT_KEY_SOURCE_NONE);
  assert_lookup (profile, NULL, CHAT_KEY_SOURCE_NONE, NULL);

  reset_environment (NULL);
  g_assert_false (chat_secrets_keyring_available ());
  store (profile, SECRET_KEY, CHAT_KEY_SOURCE_FILE);
  assert_describe (profile, CHAT_KEY_SOURCE_FILE, path);
  clear (profile);
}

/* The keyring */

static guint
count_keyring_items (ChatProfile *profile)
{
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_sync (&(const SecretSchema) {
                                                .name = "io.github.liaochat.Liao",
                                                .attributes = {
                                                  { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                                },
                                              },
                                              SECRET_SEARCH_ALL, NULL, &error,
                                              "profile", chat_profile_get_id (profile), NULL);
  guint n = g_list_length (items);

  g_assert_no_error (error);
  g_list_free_full (items, g_object_unref);
  return n;
}

static void
test_secrets_keyring (void)
{
  g_autoptr(ChatProfile) profile = NULL;
  g_autofree char *path = chat_secrets_dup_file_path ();

  if (skip_without_keyring ())
    return;
  profile = new_test_profile ("keyring");

  store (profile, SECRET_KEY "\n", CHAT_KEY_SOURCE_KEYRING);
  assert_lookup (profile, SECRET_KEY, CHAT_KEY_SOURCE_KEYRING, NULL);
  assert_describe (profile, CHAT_KEY_SOURCE_KEYRING, NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Replacing keeps one item, with the new key. */
  store (profile, OTHER_KEY, CHAT_KEY_SOURCE_KEYRING);
  assert_lookup (profile, OTHER_KEY, CHAT_KEY_SOURCE_KEYRING, NULL);
  g_assert_cmpuint (count_keyring_items (profile), ==, 1);

  clear (profile);
  g_assert_cmpuint (count_keyring_items (profile), ==, 0);
  assert_lookup (profile, NULL, CHAT_KEY_SOURCE_NONE, NULL);
  assert_describe (profile, CHAT_KEY_SOURCE_NONE, NULL);
  clear (profile);
}

/* Lookup: environment, keyring, file; clearing empties both stores. */
static void
test_secrets_keyring_order (void)
{
  g_autoptr(ChatProfile) profile = NULL;
  g_autofree char *path = chat_secrets_dup_file_path ();

  if (skip_without_keyring ())
    return;
  profile = new_test_profile ("order");

  store (profile, SECRET_KEY, CHAT_KEY_SOURCE_KEYRING);
  reset_environment ("file");
  store (profile, OTHER_KEY, CHAT_KEY_SOURCE_FILE);
  assert_lookup (profile, OTHER_KEY, CHAT_KEY_SOURCE_FILE, path);

  reset_environment (NULL);
  assert_lookup (profile, SECRET_KEY, CHAT_KEY_SOURCE_KEYRING, NULL);
  g_setenv ("LIAO_API_KEY", "env-key", TRUE);
  assert_lookup (profile, "env-key", CHAT_KEY_SOURCE_ENVIRONMENT, "LIAO_API_KEY");
  g_unsetenv ("LIAO_API_KEY");

  reset_environment ("keyring");
  assert_lookup (profile, SECRET_KEY, CHAT_KEY_SOURCE_KEYRING, NULL);

  reset_environment (NULL);
  clear (profile);
  assert_lookup (profile, NULL, CHAT_KEY_SOURCE_NONE, NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A key that went to the file while there was no keyring leaves it once the
 * keyring takes the key. */
static void
test_secrets_keyring_moves_file_key (void)
{
  g_autoptr(ChatProfile) profile = NULL;
  g_autofree char *path = chat_secrets_dup_file_path ();

  if (skip_without_keyring ())
    return;
  profile = new_test_profile ("move");

  reset_environment ("file");
  store (profile, SECRET_KEY, CHAT_KEY_SOURCE_FILE);
  reset_environment (NULL);
  store (profile, OTHER_KEY, CHAT_KEY_SOURCE_KEYRING);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  clear (profile);
}

/* Async */

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (*result);
  return *result;
}

static void
test_secrets_async (void)
{
  g_autoptr(ChatProfile) profile = new_test_profile ("async");
  g_autofree char *path = chat_secrets_dup_file_path ();
  GAsyncResult *results[4] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *where = NULL;
  g_autofree char *described = NULL;
  ChatKeySource source = CHAT_KEY_SOURCE_NONE;

  reset_environment ("file");
  chat_secrets_store_key_async (profile, SECRET_KEY, NULL, on_done, &results[0]);
  g_assert_true (chat_secrets_store_key_finish (wait_for (&results[0]), &source, &error));
  g_assert_no_error (error);
  g_assert_cmpint (source, ==, CHAT_KEY_SOURCE_FILE);

  chat_secrets_lookup_key_async (profile, NULL, on_done, &results[1]);
  key = chat_secrets_lookup_key_finish (wait_for (&results[1]), &source, &where, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, SECRET_KEY);
  g_assert_cmpint (source, ==, CHAT_KEY_SOURCE_FILE);
  g_assert_cmpstr (where, ==, path);

  chat_secrets_clear_key_async (profile, NULL, on_done, &results[2]);
  g_assert_true (chat_secrets_clear_key_finish (wait_for (&results[2]), &error));
  g_assert_no_error (error);

  chat_secrets_describe_async (profile, NULL, on_done, &results[3]);
  g_assert_cmpint (chat_secrets_describe_finish (wait_for (&results[3]), &described, &error),
                   ==, CHAT_KEY_SOURCE_NONE);
  g_assert_no_error (error);
  g_assert_null (described);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    g_object_unref (results[i]);
}

static void
test_secrets_async_invalid (void)
{
  g_autoptr(ChatProfile) profile = new_test_profile ("async-invalid");
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  ChatKeySource source = CHAT_KEY_SOURCE_FILE;

  reset_environment ("file");
  chat_secrets_store_key_async (profile, "", NULL, on_done, &result);
  g_assert_false (chat_secrets_store_key_finish (wait_for (&result), &source, &error));
  g_assert_error (error, CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_INVALID_KEY);
  g_assert_cmpint (source, ==, CHAT_KEY_SOURCE_NONE);
  g_object_unref (result);
}

/* No trace of the key: not in any file under the test's HOME and XDG folders
 * (but keys.ini in file mode), not in any message with G_MESSAGES_DEBUG=all. */

static void
assert_not_in_tree (const char *folder,
                    const char *allowed)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_not_in_tree (path, allowed);
      else if (g_strcmp0 (path, allowed) != 0 && g_file_get_contents (path, &contents, &length, NULL))
        g_assert_null (g_strstr_len (contents, length, SECRET_KEY));
    }
}

static void
assert_no_key_in_files (const char *allowed)
{
  const char *folders[] = {
    g_get_home_dir (), g_get_user_config_dir (), g_get_user_data_dir (), g_get_user_cache_dir (),
    g_get_user_state_dir (), g_get_user_runtime_dir (),
  };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    assert_not_in_tree (folders[i], allowed);
}

static void
use_key_everywhere (ChatProfile   *profile,
                    ChatKeySource  expected,
                    const char    *allowed)
{
  g_autofree char *path = chat_secrets_dup_file_path ();

  store (profile, SECRET_KEY, expected);
  assert_lookup (profile, SECRET_KEY, expected,
                 expected == CHAT_KEY_SOURCE_FILE ? path : NULL);
  assert_describe (profile, expected, expected == CHAT_KEY_SOURCE_FILE ? path : NULL);
  assert_no_key_in_files (allowed);
  clear (profile);
  assert_no_key_in_files (NULL);
}

static void
assert_child_said_nothing_of_the_key (void)
{
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* The child's debug messages did get through. */
  g_test_trap_assert_stdout ("*API key for profile liao-test-*");
  g_test_trap_assert_stdout_unmatched ("*" SECRET_KEY "*");
  g_test_trap_assert_stderr_unmatched ("*" SECRET_KEY "*");
}

static void
test_secrets_no_trace_file (void)
{
  g_autoptr(ChatProfile) profile = NULL;
  g_autofree char *path = NULL;

  if (!g_test_subprocess ())
    {
      assert_child_said_nothing_of_the_key ();
      return;
    }
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  reset_environment ("file");
  profile = new_test_profile ("trace-file");
  path = chat_secrets_dup_file_path ();
  use_key_everywhere (profile, CHAT_KEY_SOURCE_FILE, path);
}

static void
test_secrets_no_trace_keyring (void)
{
  g_autoptr(ChatProfile) profile = NULL;

  if (!g_test_subprocess ())
    {
      if (!skip_without_keyring ())
        assert_child_said_nothing_of_the_key ();
      return;
    }
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  reset_environment (NULL);
  profile = new_test_profile ("trace-keyring");
  use_key_everywhere (profile, CHAT_KEY_SOURCE_KEYRING, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/secrets/none", test_secrets_none);
  g_test_add_func ("/secrets/precedence", test_secrets_precedence);
  g_test_add_func ("/secrets/vendor", test_secrets_vendor);
  g_test_add_func ("/secrets/empty-is-unset", test_secrets_empty_is_unset);
  g_test_add_func ("/secrets/trimmed", test_secrets_trimmed);
  g_test_add_func ("/secrets/custom", test_secrets_custom);
  g_test_add_func ("/secrets/normalize", test_secrets_normalize);
  g_test_add_func ("/secrets/store-invalid", test_secrets_store_invalid);
  g_test_add_func ("/secrets/file/store-lookup-replace-clear", test_secrets_file);
  g_test_add_func ("/secrets/file/mode-restored", test_secrets_file_mode_restored);
  g_test_add_func ("/secrets/file/odd-ids", test_secrets_file_odd_ids);
  g_test_add_func ("/secrets/file/damaged", test_secrets_file_damaged);
  g_test_add_func ("/secrets/file/environment-wins", test_secrets_env_wins_over_file);
  g_test_add_func ("/secrets/file/no-bus", test_secrets_no_bus);
  g_test_add_func ("/secrets/keyring/store-lookup-replace-clear", test_secrets_keyring);
  g_test_add_func ("/secrets/keyring/order", test_secrets_keyring_order);
  g_test_add_func ("/secrets/keyring/moves-file-key", test_secrets_keyring_moves_file_key);
  g_test_add_func ("/secrets/async", test_secrets_async);
  g_test_add_func ("/secrets/async-invalid", test_secrets_async_invalid);
  g_test_add_func ("/secrets/no-trace/file", test_secrets_no_trace_file);
  g_test_add_func ("/secrets/no-trace/keyring", test_secrets_no_trace_keyring);

  return g_test_run ();
}
