/* test-cli-key.c: `liao key set`, `clear` and `status` as subprocesses
 *
 * Each test has its own HOME and XDG folders (G_TEST_OPTION_ISOLATE_DIRS),
 * which liao inherits.  The file tests force LIAO_SECRETS_BACKEND=file; the
 * keyring test needs the unlocked keyring build-aux/run-tests provides, skips
 * without one, and uses the zai-coding profile, which no other test stores a
 * key for.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <glib/gstdio.h>

#include "chat-fake-server.h"
#include "chat-secrets.h"

#define TEST_KEY  "cli-key.S2V5Rm9yVGhlS2V5VGVzdA.x81"
#define OTHER_KEY "cli-key.QW5vdGhlcktleUZvclRlc3Rz.y92"

/* What the system had before GTest isolated the folders: liao needs the
 * system's GSettings schemas (the proxy settings). */
static char *system_data_dirs;
static char *system_config_dirs;

typedef struct {
  ChatFakeServer *server;
  char           *base_url;
  char           *config_dir;
  char           *keys_path;
} Fixture;

typedef struct {
  int    status;
  char  *out;
  char  *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->base_url = chat_fake_server_dup_base_url (f->server);
  /* Under HOME, so messages show it as ~/.config. */
  f->config_dir = g_build_filename (g_get_home_dir (), ".config", NULL);
  f->keys_path = g_build_filename (f->config_dir, "liao", "keys.ini", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->server);
  g_clear_pointer (&f->base_url, g_free);
  g_clear_pointer (&f->config_dir, g_free);
  g_clear_pointer (&f->keys_path, g_free);
}

static void
restore_env (GSubprocessLauncher *launcher,
             const char          *name,
             const char          *value)
{
  if (value != NULL)
    g_subprocess_launcher_setenv (launcher, name, value, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, name);
}

/* @backend: LIAO_SECRETS_BACKEND, or NULL for auto. */
static GSubprocessLauncher *
new_launcher (Fixture    *f,
              const char *backend)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);

  /* GTest isolates the folders for this process only: HOME is /dev/null. */
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  restore_env (launcher, "XDG_DATA_DIRS", system_data_dirs);
  restore_env (launcher, "XDG_CONFIG_DIRS", system_config_dirs);
  g_subprocess_launcher_setenv (launcher, "LIAO_SECRETS_BACKEND", backend ? backend : "", TRUE);
  g_subprocess_launcher_setenv (launcher, "LIAO_API_KEY", "", TRUE);
  g_subprocess_launcher_setenv (launcher, "ZHIPUAI_API_KEY", "", TRUE);
  g_subprocess_launcher_setenv (launcher, "ZAI_API_KEY", "", TRUE);
  g_subprocess_launcher_setenv (launcher, "LIAO_BASE_URL", "", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-warnings", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  return launcher;
}

typedef struct {
  char     *out;
  char     *err;
  gboolean  done;
} Pending;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &pending->out,
                                        &pending->err, &error);
  g_assert_no_error (error);
  pending->done = TRUE;
}

/* Runs liao with @argv (after the program name), feeding @input. */
static void
run_liao (GSubprocessLauncher *launcher,
          const char * const  *argv,
          const char          *input,
          Run                 *run)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  Pending pending = { 0 };

  g_ptr_array_add (args, (char *) g_getenv ("LIAO_EXE"));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, input != NULL ? input : "", NULL,
                                       on_communicated, &pending);
  while (!pending.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (pending.done);

  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  run->out = pending.out;
  run->err = pending.err;
  g_assert_null (strstr (run->out, TEST_KEY));
  g_assert_null (strstr (run->err, TEST_KEY));
  g_assert_null (strstr (run->out, OTHER_KEY));
  g_assert_null (strstr (run->err, OTHER_KEY));
}

static void
key_set (GSubprocessLauncher *launcher,
         const char          *profile,
         const char          *input,
         Run                 *run)
{
  const char *argv[] = { "key", "set", profile, NULL };

  run_liao (launcher, argv, input, run);
}

/* The lines of `liao key status`, which must succeed. */
static GStrv
key_status (GSubprocessLauncher *launcher)
{
  const char *argv[] = { "key", "status", NULL };
  g_auto(Run) run = { 0 };

  run_liao (launcher, argv, NULL, &run);
  g_assert_cmpint (run.status, ==, 0);
  return g_strsplit (g_strchomp (run.out), "\n", -1);
}

static void
assert_status_line (GSubprocessLauncher *launcher,
                    const char          *expected)
{
  g_auto(GStrv) lines = key_status (launcher);

  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_strv_contains ((const char * const *) lines, expected));
}

static void
key_clear (GSubprocessLauncher *launcher,
           const char          *profile,
           const char          *expected_err)
{
  const char *argv[] = { "key", "clear", profile, NULL };
  g_auto(Run) run = { 0 };

  run_liao (launcher, argv, NULL, &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, expected_err));
}

/* `liao ask` with @profile against the fake server: returns its exit status
 * and checks the key the server got. */
static int
ask (Fixture             *f,
     GSubprocessLauncher *launcher,
     const char          *profile,
     const char          *expected_key)
{
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", expected_key);
  const char *argv[] = { "ask", "--profile", profile, "--base-url", f->base_url,
                         "Hello scenario:normal", NULL };
  g_auto(Run) run = { 0 };
  GPtrArray *requests = chat_fake_server_get_requests (f->server);
  ChatFakeRequest *request;

  chat_fake_server_clear_requests (f->server);
  run_liao (launcher, argv, NULL, &run);
  g_test_message ("liao ask: %d, %s", run.status, run.err);
  if (expected_key == NULL)
    {
      g_assert_cmpuint (requests->len, ==, 0);
      return run.status;
    }
  g_assert_cmpuint (requests->len, ==, 1);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==,
                   authorization);
  return run.status;
}

static void
test_file (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, "file");
  g_autofree char *status_line = g_strdup_printf ("general\tGeneral (open.bigmodel.cn)\tfile (%s)",
                                                  f->keys_path);
  g_auto(Run) run = { 0 };
  g_auto(Run) again = { 0 };

  key_set (launcher, "general", "  " TEST_KEY "  \n", &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "Stored the key for General (open.bigmodel.cn) in "
                                     "~/.config/liao/keys.ini (no keyring available; the file "
                                     "is readable only by you).\n"));
  assert_status_line (launcher, status_line);
  assert_status_line (launcher, "coding\tCoding Plan (open.bigmodel.cn)\tnot set");
  g_assert_cmpint (ask (f, launcher, "general", TEST_KEY), ==, 0);

  /* Replaced */
  key_set (launcher, "general", OTHER_KEY "\n", &again);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_cmpint (ask (f, launcher, "general", OTHER_KEY), ==, 0);

  key_clear (launcher, "general", "The key for General (open.bigmodel.cn) is no longer stored.");
  assert_status_line (launcher, "general\tGeneral (open.bigmodel.cn)\tnot set");
  g_assert_false (g_file_test (f->keys_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (ask (f, launcher, "general", NULL), ==, 3);
}

/* Only the first line is the key; the file is private. */
static void
test_first_line (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, "file");
  g_autofree char *folder = g_path_get_dirname (f->keys_path);
  g_auto(Run) run = { 0 };
  GStatBuf st;

  key_set (launcher, "zai", TEST_KEY "\nsecond line\n", &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpint (ask (f, launcher, "zai", TEST_KEY), ==, 0);
  g_assert_cmpint (g_stat (f->keys_path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);
}

/* A custom profile made in Preferences (here written to the keyfile
 * settings backend the way GSettings keeps it) works from the command
 * line too: its key is set, listed, and sent to its own base URL. */
static void
write_custom_profile (Fixture    *f,
                      const char *base_url)
{
  g_autofree char *folder = g_build_filename (f->config_dir, "glib-2.0", "settings", NULL);
  g_autofree char *path = g_build_filename (folder, "keyfile", NULL);
  g_autofree char *text = g_strdup_printf ("[io/github/liaochat/Liao]\n"
                                           "custom-profiles=[('local', 'Local 本地', '%s')]\n",
                                           base_url);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_custom_profile (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, "file");
  const char *ask_argv[] = { "ask", "--no-save", "--profile", "local", "Hello scenario:normal", NULL };
  g_auto(Run) set = { 0 };
  g_auto(Run) asked = { 0 };
  g_auto(GStrv) lines = NULL;
  GPtrArray *requests = chat_fake_server_get_requests (f->server);
  ChatFakeRequest *request;

  write_custom_profile (f, f->base_url);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  key_set (launcher, "local", TEST_KEY "\n", &set);
  g_assert_cmpint (set.status, ==, 0);
  lines = key_status (launcher);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_true (g_str_has_prefix (lines[4], "local\tLocal 本地\tfile ("));

  chat_fake_server_clear_requests (f->server);
  run_liao (launcher, ask_argv, NULL, &asked);
  g_assert_cmpint (asked.status, ==, 0);
  g_assert_cmpstr (asked.out, ==, CHAT_FAKE_CONTENT "\n");
  g_assert_cmpuint (requests->len, ==, 1);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==,
                   "Bearer " TEST_KEY);
}

/* Without that setting the id is unknown, and the message lists the ids. */
static void
test_unknown_profile (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, "file");
  g_auto(Run) run = { 0 };

  key_set (launcher, "local", TEST_KEY "\n", &run);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "general, coding, zai, zai-coding"));
}

static void
test_keyring (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, NULL);
  g_auto(Run) run = { 0 };

  g_setenv ("LIAO_SECRETS_BACKEND", "", TRUE);
  if (!chat_secrets_keyring_available ())
    {
      g_test_skip ("No Secret Service on the session bus (build-aux/run-tests provides one)");
      return;
    }
  key_set (launcher, "zai-coding", TEST_KEY "\n", &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "Stored the key for Z.ai Coding Plan in the keyring.\n");
  assert_status_line (launcher, "zai-coding\tZ.ai Coding Plan\tkeyring");
  g_assert_false (g_file_test (f->keys_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (ask (f, launcher, "zai-coding", TEST_KEY), ==, 0);

  key_clear (launcher, "zai-coding", "The key for Z.ai Coding Plan is no longer stored.");
  assert_status_line (launcher, "zai-coding\tZ.ai Coding Plan\tnot set");
  g_assert_cmpint (ask (f, launcher, "zai-coding", NULL), ==, 3);
}

/* The environment comes first, and `key set` says so. */
static void
test_environment (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, "file");
  g_auto(Run) run = { 0 };

  g_subprocess_launcher_setenv (launcher, "ZHIPUAI_API_KEY", OTHER_KEY, TRUE);
  assert_status_line (launcher,
                      "coding\tCoding Plan (open.bigmodel.cn)\tenvironment (ZHIPUAI_API_KEY)");
  assert_status_line (launcher, "zai\tZ.ai General\tnot set");

  key_set (launcher, "coding", TEST_KEY "\n", &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "ZHIPUAI_API_KEY is set in the environment"));
  g_assert_cmpint (ask (f, launcher, "coding", OTHER_KEY), ==, 0);

  g_subprocess_launcher_setenv (launcher, "ZHIPUAI_API_KEY", "", TRUE);
  g_assert_cmpint (ask (f, launcher, "coding", TEST_KEY), ==, 0);
}

/* Every debug message printed, and none holds the key (run_liao checks). */
static void
test_debug_log_has_no_key (Fixture       *f,
                           gconstpointer  data)
{
  const char *backends[] = { "file", NULL };
  const char *status_argv[] = { "key", "status", NULL };
  const char *clear_argv[] = { "key", "clear", "zai-coding", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, backends[i]);
      g_auto(Run) set = { 0 };
      g_auto(Run) status = { 0 };
      g_auto(Run) clear = { 0 };

      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
      key_set (launcher, "zai-coding", TEST_KEY "\n", &set);
      g_assert_cmpint (set.status, ==, 0);
      /* Debug messages go to stderr: stdout carries only what a command prints. */
      g_assert_nonnull (strstr (set.err, "API key for profile zai-coding stored in"));
      g_assert_null (strstr (set.out, "API key for profile"));
      run_liao (launcher, status_argv, NULL, &status);
      g_assert_cmpint (ask (f, launcher, "zai-coding", TEST_KEY), ==, 0);
      run_liao (launcher, clear_argv, NULL, &clear);
      g_assert_cmpint (clear.status, ==, 0);
    }
}

typedef struct {
  const char *name;
  const char *argv[5];
  const char *input;
  const char *in_stderr;
} UsageCase;

static const UsageCase usage_cases[] = {
  { "key-as-argument", { "key", "set", "general", TEST_KEY, NULL }, "", "standard input" },
  { "empty-input", { "key", "set", "general", NULL }, "", "empty" },
  { "blank-line", { "key", "set", "general", NULL }, " \t\n" TEST_KEY "\n", "empty" },
  { "control-character", { "key", "set", "general", NULL }, "abc\x01" "def\n", "control" },
  { "unknown-profile", { "key", "set", "nowhere", NULL }, TEST_KEY "\n", "nowhere" },
  { "clear-unknown-profile", { "key", "clear", "nowhere", NULL }, "", "nowhere" },
  { "no-action", { "key", NULL }, "", "Usage" },
  { "unknown-action", { "key", "show", NULL }, "", "Usage" },
  { "set-no-profile", { "key", "set", NULL }, TEST_KEY "\n", "Usage" },
  { "status-argument", { "key", "status", "general", NULL }, "", "Usage" },
  { "unknown-option", { "key", "status", "--frobnicate", NULL }, "", "frobnicate" },
};

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, "file");
  g_autofree char *too_long = g_strnfill (5000, 'k');
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i <= G_N_ELEMENTS (usage_cases); i++)
    {
      const char *long_argv[] = { "key", "set", "general", NULL };
      const UsageCase *c = i < G_N_ELEMENTS (usage_cases) ? &usage_cases[i] : NULL;
      g_auto(Run) run = { 0 };

      g_test_message ("usage case %s", c != NULL ? c->name : "too-long");
      run_liao (launcher, c != NULL ? c->argv : long_argv, c != NULL ? c->input : too_long, &run);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_nonnull (strstr (run.err, c != NULL ? c->in_stderr : "too long"));
    }
  /* Nothing was stored. */
  lines = key_status (launcher);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_true (g_str_has_suffix (lines[i], "\tnot set"));
  g_assert_false (g_file_test (f->keys_path, G_FILE_TEST_EXISTS));
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (f, "file");
  const char *argv[] = { "--help", NULL };
  const char *key_argv[] = { "key", "--help", NULL };
  g_auto(Run) run = { 0 };
  g_auto(Run) key_run = { 0 };

  run_liao (launcher, argv, NULL, &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "key set|clear|status"));
  run_liao (launcher, key_argv, NULL, &key_run);
  g_assert_cmpint (key_run.status, ==, 0);
  g_assert_nonnull (strstr (key_run.out, "set PROFILE | clear PROFILE | status"));
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  system_data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));
  system_config_dirs = g_strdup (g_getenv ("XDG_CONFIG_DIRS"));
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  ADD ("/cli-key/file", test_file);
  ADD ("/cli-key/first-line", test_first_line);
  ADD ("/cli-key/keyring", test_keyring);
  ADD ("/cli-key/custom-profile", test_custom_profile);
  ADD ("/cli-key/unknown-profile", test_unknown_profile);
  ADD ("/cli-key/environment", test_environment);
  ADD ("/cli-key/debug-log-has-no-key", test_debug_log_has_no_key);
  ADD ("/cli-key/usage", test_usage);
  ADD ("/cli-key/help", test_help);

  return g_test_run ();
}
