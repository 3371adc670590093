/* test-shell-application.c: ChatApplication run in-process
 *
 * Each test runs the application's main loop with g_application_run and
 * checks it from a timer inside that loop, then quits it.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "chat-application.h"
#include "chat-composer.h"
#include "chat-fake-server.h"
#include "chat-preferences-window.h"
#include "chat-window.h"
#include "shell-test-util.h"

#define TIMEOUT_MS 15000
#define TEST_APP_ID "io.github.liaochat.Liao.ShellTest"

/* Returns TRUE when the test is done with the running application. */
typedef gboolean (*AppStep) (ChatApplication *app,
                             gpointer         data);

typedef struct {
  ChatApplication *app;
  AppStep          step;
  gpointer         data;
  gint64           deadline;
  gboolean         finished;
  gboolean         timed_out;
} Run;

static char *data_home;

static char *
store_path (void)
{
  return g_build_filename (data_home, "liao", "liao.db", NULL);
}

static void
clear_store (void)
{
  g_autofree char *dir = g_build_filename (data_home, "liao", NULL);

  shell_test_remove_dir (dir);
}

static gboolean
tick (gpointer user_data)
{
  Run *run = user_data;

  if (run->step (run->app, run->data))
    run->finished = TRUE;
  else if (g_get_monotonic_time () > run->deadline)
    run->timed_out = TRUE;
  else
    return G_SOURCE_CONTINUE;

  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

static int
run_app (ChatApplication    *app,
         const char * const *args,
         AppStep             step,
         gpointer            data)
{
  Run run = { app, step, data, g_get_monotonic_time () + TIMEOUT_MS * G_TIME_SPAN_MILLISECOND };
  g_auto(GStrv) argv = g_strdupv ((char **) args);
  guint source = g_timeout_add (20, tick, &run);
  int status = g_application_run (G_APPLICATION (app), g_strv_length (argv), argv);

  /* The application may have ended on its own (a bad option). */
  if (!run.finished && !run.timed_out)
    g_source_remove (source);
  g_assert_false (run.timed_out);
  return status;
}

static ChatWindow *
nth_window (ChatApplication *app,
            guint            n)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (CHAT_IS_WINDOW (l->data) && gtk_widget_get_mapped (l->data) && n-- == 0)
      return l->data;
  return NULL;
}

static guint
count_windows (ChatApplication *app)
{
  guint n = 0;

  while (nth_window (app, n) != NULL)
    n++;
  return n;
}

static const char *
window_subtitle (ChatWindow *window)
{
  return adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
    gtk_widget_get_template_child (GTK_WIDGET (window), CHAT_TYPE_WINDOW, "window_title")));
}

typedef struct {
  char *expected;
  char *seen;
} SubtitleCheck;

static gboolean
check_subtitle (ChatApplication *app,
                gpointer         data)
{
  SubtitleCheck *check = data;
  ChatWindow *window = nth_window (app, 0);

  if (window == NULL)
    return FALSE;
  check->seen = g_strdup (window_subtitle (window));
  return TRUE;
}

static void
test_base_url_option (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", "--base-url", "http://127.0.0.1:9/api/paas/v4", NULL };
  SubtitleCheck check = { 0 };

  clear_store ();
  g_setenv ("LIAO_BASE_URL", "", TRUE);
  g_assert_cmpint (run_app (app, args, check_subtitle, &check), ==, 0);
  g_assert_cmpstr (check.seen, ==, "http://127.0.0.1:9/api/paas/v4 instead of General (open.bigmodel.cn)");
  g_free (check.seen);
}

static void
test_base_url_env (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  SubtitleCheck check = { 0 };

  clear_store ();
  g_setenv ("LIAO_BASE_URL", "http://127.0.0.1:9/v1", TRUE);
  g_assert_cmpint (run_app (app, args, check_subtitle, &check), ==, 0);
  g_setenv ("LIAO_BASE_URL", "", TRUE);
  g_assert_cmpstr (check.seen, ==, "http://127.0.0.1:9/v1 instead of General (open.bigmodel.cn)");
  g_free (check.seen);
}

static gboolean
never_done (ChatApplication *app,
            gpointer         data)
{
  g_assert_null (nth_window (app, 0));
  return FALSE;
}

static void
test_bad_base_url (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", "--base-url", "ftp://127.0.0.1/x", NULL };

  if (g_test_subprocess ())
    {
      int status;

      clear_store ();
      status = run_app (app, args, never_done, NULL);
      shell_test_remove_dir (data_home);
      exit (status);
    }
  g_test_trap_subprocess (NULL, TIMEOUT_MS * G_TIME_SPAN_MILLISECOND, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Not an http or https base URL: ftp://127.0.0.1/x*");
}

static gboolean
about_shown (ChatApplication *app,
             gpointer         data)
{
  GtkWindow *about;

  if (nth_window (app, 0) == NULL)
    return FALSE;
  about = shell_test_find_toplevel (ADW_TYPE_ABOUT_WINDOW, NULL);
  if (about == NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
      return FALSE;
    }
  *(char **) data = g_strdup (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)));
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Liao");
  return TRUE;
}

static void
test_about (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  g_autofree char *version = NULL;

  clear_store ();
  g_assert_cmpint (run_app (app, args, about_shown, &version), ==, 0);
  g_assert_cmpstr (version, ==, PACKAGE_VERSION);
}

static gboolean
two_windows (ChatApplication *app,
             gpointer         data)
{
  ChatWindow *second;

  if (nth_window (app, 0) == NULL)
    return FALSE;
  if (count_windows (app) == 1)
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
      return FALSE;
    }
  second = nth_window (app, 1);
  /* A new window sends where the others do. */
  g_assert_cmpstr (chat_window_get_base_url_override (second), ==, "http://127.0.0.1:9/v4");
  return TRUE;
}

static void
test_new_window_action (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", "--base-url", "http://127.0.0.1:9/v4", NULL };

  clear_store ();
  g_assert_cmpint (run_app (app, args, two_windows, NULL), ==, 0);
}

typedef struct {
  gint64 keep;
  gint64 drop;
  int    state;
} QuitCheck;

static gboolean
delete_then_quit (ChatApplication *app,
                  gpointer         data)
{
  QuitCheck *check = data;
  ChatWindow *window = nth_window (app, 0);

  if (window == NULL)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (window), "window.delete-conversation", "x", check->drop);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.delete-conversation", "x", check->keep);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.undo-delete", "x", check->keep);
  /* Ctrl+Q while the Undo toast shows. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return TRUE;
}

static void
test_quit_deletes_pending (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  g_autofree char *path = store_path ();
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(ChatStore) reopened = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GError) error = NULL;
  QuitCheck check = { 0 };

  clear_store ();
  store = chat_store_open (path, &error);
  g_assert_no_error (error);
  check.keep = shell_test_seed (store, "Keep me", 0, FALSE, NULL);
  check.drop = shell_test_seed (store, "Drop me", 0, FALSE, NULL);
  g_clear_object (&store);

  g_assert_cmpint (run_app (app, args, delete_then_quit, &check), ==, 0);

  reopened = chat_store_open (path, &error);
  g_assert_no_error (error);
  left = chat_store_list_conversations (reopened, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 1);
  g_assert_cmpint (chat_conversation_get_id (g_ptr_array_index (left, 0)), ==, check.keep);
}

static gboolean
is_button_labelled (GtkWidget *widget,
                    gpointer   data)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

static gboolean
is_moved_aside_dialog (GtkWidget *widget,
                       gpointer   data)
{
  return strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (widget)), data) != NULL;
}

static gboolean
moved_aside_shown (ChatApplication *app,
                   gpointer         data)
{
  GtkWindow *dialog = shell_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
  g_autofree char *shot = NULL;

  if (nth_window (app, 0) == NULL || dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)))
    return FALSE;
  g_assert_true (is_moved_aside_dialog (GTK_WIDGET (dialog), data));
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (nth_window (app, 0)));
  shell_test_settle (300);
  shot = shell_test_screenshot (GTK_WIDGET (dialog), "store-moved-aside");
  return TRUE;
}

/* The damaged file's new name, beside it: liao.db.damaged-YYYYMMDD-HHMMSS. */
static char *
find_moved_file (void)
{
  g_autofree char *dir_path = g_build_filename (data_home, "liao", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "liao.db.damaged") &&
        !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      return g_build_filename (dir_path, name, NULL);
  return NULL;
}

static void
test_store_moved_aside (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *moved = NULL;
  g_autoptr(GError) error = NULL;
  char garbage[8192];

  clear_store ();
  memset (garbage, 'x', sizeof garbage);
  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  /* The dialog names the file the damaged one became. */
  g_assert_cmpint (run_app (app, args, moved_aside_shown, dir), ==, 0);
  moved = find_moved_file ();
  g_assert_nonnull (moved);
}

static gboolean
damage_found_shown (ChatApplication *app,
                    gpointer         data)
{
  GtkWindow *dialog = shell_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
  g_autofree char *shot = NULL;

  if (nth_window (app, 0) == NULL || dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)))
    return FALSE;
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Conversations Damaged");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "export the conversations you need now"));
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (nth_window (app, 0)));
  shell_test_settle (300);
  shot = shell_test_screenshot (GTK_WIDGET (dialog), "store-damage-found");
  return TRUE;
}

/* A store of @n_messages long messages, its last full check a day old. */
static void
seed_long_store (const char *path,
                 guint       n_messages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatStore) store = chat_store_open (path, &error);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < n_messages; i++)
    {
      g_autofree char *text = g_strnfill (2000, 'a' + i % 26);

      g_ptr_array_add (messages, g_strdup_printf ("%u %s", i, text));
    }
  g_ptr_array_add (messages, NULL);
  shell_test_seed (store, "Long", 0, FALSE, (const char * const *) messages->pdata);
  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE);"
                                     "UPDATE store_info SET value = value - 86400000000"
                                     " WHERE key = 'last_full_check'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Damage the start does not look for (pages in the middle, not the
 * conversations table): the window opens, and the daily check, after it,
 * says what happened and what to do; the next start moves the file. */
static void
test_store_damage_found (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *check_failed = g_strconcat (path, ".check-failed", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(ChatStore) reopened = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  clear_store ();
  g_mkdir_with_parents (dir, 0700);
  seed_long_store (path, 300);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 64 * 4096);
  for (gsize i = length / 2; i < length / 2 + 4 * 4096; i++)
    contents[i] = (char) g_random_int_range (0, 256);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_app (app, args, damage_found_shown, NULL), ==, 0);
  g_assert_true (g_file_test (check_failed, G_FILE_TEST_EXISTS));
  g_assert_null (find_moved_file ());

  reopened = chat_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chat_store_get_moved_aside_path (reopened));
  g_assert_false (g_file_test (check_failed, G_FILE_TEST_EXISTS));
}

/* Clicks Quit once, then waits: the application must end by itself. */
static gboolean
quit_on_store_error (ChatApplication *app,
                     gpointer         data)
{
  gboolean *clicked = data;
  GtkWindow *dialog = shell_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
  g_autofree char *shot = NULL;
  GtkWidget *quit;

  if (*clicked || dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)))
    return FALSE;
  /* No window to work in: only the reason, and Quit. */
  g_assert_null (nth_window (app, 0));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Could Not Open Your Conversations");
  shell_test_settle (300);
  shot = shell_test_screenshot (GTK_WIDGET (dialog), "store-error");
  quit = shell_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, is_button_labelled, "_Quit");
  g_assert_nonnull (quit);
  gtk_widget_activate (quit);
  *clicked = TRUE;
  return FALSE;
}

static void
test_store_error (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  g_autofree char *dir = g_build_filename (data_home, "liao", NULL);
  g_autoptr(GError) error = NULL;
  gboolean clicked = FALSE;

  /* A file where the store's folder should be: the store cannot open. */
  clear_store ();
  g_file_set_contents (dir, "not a folder", -1, &error);
  g_assert_no_error (error);
  run_app (app, args, quit_on_store_error, &clicked);
  g_assert_true (clicked);
  g_unlink (dir);
}

/* The real binary, run again, hands its command line to this process. */
typedef struct {
  const char  *exe;
  int          state;
  GSubprocess *process;
  gboolean     exited;
} InstanceCheck;

static void
on_liao_exited (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  InstanceCheck *check = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  check->exited = TRUE;
}

static void
spawn_liao (InstanceCheck *check,
            const char    *option,
            const char    *value)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&check->process);
  check->exited = FALSE;
  check->process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, check->exe, option, value, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (check->process, NULL, on_liao_exited, check);
}

static ChatWindow *
find_window_for (ChatApplication *app,
                 const char      *base_url)
{
  ChatWindow *window;

  for (guint i = 0; (window = nth_window (app, i)) != NULL; i++)
    if (g_strcmp0 (chat_window_get_base_url_override (window), base_url) == 0)
      return window;
  g_assert_not_reached ();
}

static gboolean
second_instance (ChatApplication *app,
                 gpointer         data)
{
  InstanceCheck *check = data;

  /* Each second run must have ended (status 0) before the next step. */
  if (check->process != NULL && !check->exited)
    return FALSE;
  switch (check->state++)
    {
    case 0:
      check->state = nth_window (app, 0) != NULL ? 1 : 0;
      return FALSE;
    case 1:
      spawn_liao (check, "--new-window", NULL);
      return FALSE;
    case 2:
      g_assert_cmpuint (count_windows (app), ==, 2);
      spawn_liao (check, NULL, NULL);
      return FALSE;
    case 3:
      /* A plain second run only presents the window it has. */
      g_assert_cmpuint (count_windows (app), ==, 2);
      spawn_liao (check, "--base-url", "http://127.0.0.1:9/other");
      return FALSE;
    default:
      /* Another base URL gets a window of its own. */
      g_assert_cmpuint (count_windows (app), ==, 3);
      g_assert_cmpstr (window_subtitle (find_window_for (app, "http://127.0.0.1:9/other")), ==,
                       "http://127.0.0.1:9/other instead of General (open.bigmodel.cn)");
      return TRUE;
    }
}

static void
test_single_instance (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  const char *args[] = { "liao", NULL };
  const char *exe = g_getenv ("LIAO_EXE");
  InstanceCheck check = { exe };
  g_autoptr(GError) error = NULL;

  if (exe == NULL || !g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("LIAO_EXE does not name the liao program");
      return;
    }
  if (!g_application_register (G_APPLICATION (app), NULL, &error) ||
      g_application_get_is_remote (G_APPLICATION (app)))
    {
      g_test_skip ("Another Liao runs on this session bus (run under build-aux/run-tests)");
      return;
    }

  clear_store ();
  g_assert_cmpint (run_app (app, args, second_instance, &check), ==, 0);
  g_clear_object (&check.process);
}

static gboolean
close_resized (ChatApplication *app,
               gpointer         data)
{
  ChatWindow *window = nth_window (app, 0);

  if (window == NULL)
    return FALSE;
  /* Narrower than the schema allows: saved as its minimum. */
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 600);
  gtk_window_close (GTK_WINDOW (window));
  return TRUE;
}

static gboolean
read_size (ChatApplication *app,
           gpointer         data)
{
  ChatWindow *window = nth_window (app, 0);
  int *size = data;

  if (window == NULL)
    return FALSE;
  gtk_window_get_default_size (GTK_WINDOW (window), &size[0], &size[1]);
  return TRUE;
}

static void
test_window_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *args[] = { "liao", NULL };
  int size[2] = { 0, 0 };

  clear_store ();
  {
    g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);

    g_assert_cmpint (run_app (app, args, close_resized, NULL), ==, 0);
  }
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 360);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 600);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 650);
  {
    g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);

    g_assert_cmpint (run_app (app, args, read_size, size), ==, 0);
  }
  g_assert_cmpint (size[0], ==, 900);
  g_assert_cmpint (size[1], ==, 650);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static gboolean
switch_to_dark (ChatApplication *app,
                gpointer         data)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  if (nth_window (app, 0) == NULL)
    return FALSE;
  /* Light from the start, dark as soon as the key changes. */
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_settings_set_string (settings, "color-scheme", "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  return TRUE;
}

static void
test_color_scheme (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *args[] = { "liao", NULL };

  clear_store ();
  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_cmpint (run_app (app, args, switch_to_dark, NULL), ==, 0);
  g_settings_reset (settings, "color-scheme");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static gboolean
preferences_shown (ChatApplication *app,
                   gpointer         data)
{
  gboolean *asked = data;

  if (nth_window (app, 0) == NULL)
    return FALSE;
  if (!*asked)
    {
      *asked = TRUE;
      g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
    }
  return shell_test_find_toplevel (CHAT_TYPE_PREFERENCES_WINDOW, NULL) != NULL;
}

static void
test_preferences (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  gboolean asked = FALSE;
  g_autofree char **accels = NULL;

  clear_store ();
  g_assert_cmpint (run_app (app, args, preferences_shown, &asked), ==, 0);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_cmpstr (accels[0], ==, "<Control>comma");
}

static gboolean
follow_settings (ChatApplication *app,
                 gpointer         data)
{
  ChatWindow *window = nth_window (app, 0);
  ChatConversationView *view;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(ChatClient) client = NULL;

  if (window == NULL)
    return FALSE;
  g_object_get (window, "client", &client, NULL);
  view = chat_window_get_view (window);
  /* What was set before the start, then each change as it happens. */
  g_assert_cmpuint (chat_client_get_idle_timeout (client), ==, 300);
  g_assert_cmpuint (chat_client_get_connect_timeout (client), ==, 45);
  g_settings_set_uint (settings, "idle-timeout", 7);
  g_assert_cmpuint (chat_client_get_idle_timeout (client), ==, 7);
  g_settings_set_uint (settings, "connect-timeout", 600);
  g_assert_cmpuint (chat_client_get_connect_timeout (client), ==, 600);
  g_assert_cmpint (chat_conversation_view_get_send_with (view), ==, CHAT_SEND_WITH_CTRL_ENTER);
  g_settings_set_string (settings, "send-with", "enter");
  g_assert_cmpint (chat_conversation_view_get_send_with (view), ==, CHAT_SEND_WITH_ENTER);
  g_settings_set_double (settings, "transcript-font-scale", 1.5);
  g_assert_cmpfloat (chat_conversation_view_get_font_scale (view), ==, 1.5);
  return TRUE;
}

/* The Preferences' keys reach the application's client and its windows. */
static void
test_settings_apply (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *args[] = { "liao", NULL };
  static const char * const keys[] = {
    "idle-timeout", "connect-timeout", "send-with", "transcript-font-scale",
  };

  clear_store ();
  g_settings_set_uint (settings, "idle-timeout", 300);
  g_settings_set_uint (settings, "connect-timeout", 45);
  g_settings_set_string (settings, "send-with", "ctrl-enter");
  g_assert_cmpint (run_app (app, args, follow_settings, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static gint64
seed_conversation (const char *title)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatStore) store = NULL;
  static const char * const messages[] = { "问题", "First line of the answer\nsecond line", NULL };

  g_mkdir_with_parents (dir, 0700);
  store = chat_store_open (path, &error);
  g_assert_no_error (error);
  return shell_test_seed (store, title, 0, FALSE, messages);
}

static gboolean
open_seeded (ChatApplication *app,
             gpointer         data)
{
  gint64 conversation_id = *(gint64 *) data;
  ChatWindow *window = nth_window (app, 0);

  if (window == NULL)
    return FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-conversation",
                                  g_variant_new_int64 (conversation_id));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (chat_window_get_view (window)), ==,
                   conversation_id);
  g_assert_cmpuint (count_windows (app), ==, 1);
  return TRUE;
}

static void
test_open_conversation (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  const char *args[] = { "liao", NULL };
  gint64 conversation_id;

  clear_store ();
  conversation_id = seed_conversation ("登山计划");
  g_assert_cmpint (run_app (app, args, open_seeded, &conversation_id), ==, 0);
}

/* --- desktop notifications ------------------------------------------------ */

/* A notification server on the test's session bus, on a connection of its
 * own, recording what GLib sends.  GLib picks its GNotification backend once
 * a process, at the first notification: "portal" (priority 110) only in a
 * sandbox or with GTK_USE_PORTAL=1, "gtk" (100) when org.gtk.Notifications
 * has an owner (GNOME Shell), else "freedesktop" (0), which checks nothing.
 * This process owns org.freedesktop.Notifications only, so it gets the
 * freedesktop backend; the gtk one is tested in a subprocess. */
typedef struct {
  GDBusConnection *connection;
  guint            registrations[2];
  /* Of each Notify / AddNotification call: its parameters (GVariant *). */
  GPtrArray       *received;
  char            *last_sender;
  guint32          last_id;
} FakeNotifier;

#define FDO_NOTIFICATIONS "org.freedesktop.Notifications"
#define GTK_NOTIFICATIONS "org.gtk.Notifications"

static const char fake_notifier_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "  </interface>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
fake_notifier_record (FakeNotifier          *self,
                      GDBusMethodInvocation *invocation,
                      GVariant              *parameters)
{
  g_ptr_array_add (self->received, g_variant_ref (parameters));
  g_free (self->last_sender);
  self->last_sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
}

static void
fake_notifier_method_call (GDBusConnection       *connection,
                           const char            *sender,
                           const char            *object_path,
                           const char            *interface_name,
                           const char            *method_name,
                           GVariant              *parameters,
                           GDBusMethodInvocation *invocation,
                           gpointer               user_data)
{
  FakeNotifier *self = user_data;
  static const char * const capabilities[] = { "actions", "body", NULL };
  GVariant *reply = NULL;
  guint32 replaces = 0;

  if (g_str_equal (method_name, "Notify"))
    {
      fake_notifier_record (self, invocation, parameters);
      g_variant_get_child (parameters, 1, "u", &replaces);
      reply = g_variant_new ("(u)", replaces != 0 ? replaces : ++self->last_id);
    }
  else if (g_str_equal (method_name, "AddNotification"))
    fake_notifier_record (self, invocation, parameters);
  else if (g_str_equal (method_name, "GetCapabilities"))
    reply = g_variant_new ("(^as)", capabilities);
  else if (g_str_equal (method_name, "GetServerInformation"))
    reply = g_variant_new ("(ssss)", "Liao test", "Liao", "1.0", "1.2");
  g_dbus_method_invocation_return_value (invocation, reply);
}

static const GDBusInterfaceVTable fake_notifier_vtable = { fake_notifier_method_call };

static GDBusConnection *
open_session_connection (void)
{
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  if (address == NULL)
    return NULL;
  return g_dbus_connection_new_for_address_sync (address,
                                                 G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                 NULL, NULL, NULL);
}

static GVariant *
call_bus (GDBusConnection *connection,
          const char      *method,
          GVariant        *parameters,
          const char      *reply_type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                 "org.freedesktop.DBus", method, parameters,
                                                 G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE,
                                                 TIMEOUT_MS, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

static gboolean
name_has_owner (GDBusConnection *connection,
                const char      *name)
{
  g_autoptr(GVariant) reply = call_bus (connection, "NameHasOwner", g_variant_new ("(s)", name), "(b)");
  gboolean owned;

  g_variant_get (reply, "(b)", &owned);
  return owned;
}

/* A private session bus (build-aux/run-tests) with neither server on it;
 * on a desktop's bus GLib would talk to the real one. */
static gboolean
can_fake_notifications (void)
{
  g_autoptr(GDBusConnection) connection = open_session_connection ();

  if (connection == NULL)
    g_test_skip ("No session bus (run under build-aux/run-tests)");
  else if (name_has_owner (connection, GTK_NOTIFICATIONS) || name_has_owner (connection, FDO_NOTIFICATIONS))
    g_test_skip ("A notification server runs on this session bus (run under build-aux/run-tests)");
  else
    return TRUE;
  return FALSE;
}

static guint
fake_notifier_register (FakeNotifier  *self,
                        GDBusNodeInfo *node,
                        const char    *interface_name)
{
  g_autofree char *path = g_strdelimit (g_strconcat ("/", interface_name, NULL), ".", '/');
  g_autoptr(GError) error = NULL;
  guint registration =
    g_dbus_connection_register_object (self->connection, path, g_dbus_node_info_lookup_interface (node, interface_name),
                                       &fake_notifier_vtable, self, NULL, &error);

  g_assert_no_error (error);
  return registration;
}

/* Serves both interfaces (the freedesktop one also for
 * fake_notifier_flush), owns @name only, and before anything is sent: the
 * gtk backend looks for its owner at the first notification. */
static FakeNotifier *
fake_notifier_start (const char *name)
{
  FakeNotifier *self = g_new0 (FakeNotifier, 1);
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (fake_notifier_xml, NULL);
  g_autoptr(GVariant) reply = NULL;
  guint32 result = 0;

  self->received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  self->connection = open_session_connection ();
  g_assert_nonnull (self->connection);
  self->registrations[0] = fake_notifier_register (self, node, FDO_NOTIFICATIONS);
  self->registrations[1] = fake_notifier_register (self, node, GTK_NOTIFICATIONS);
  reply = call_bus (self->connection, "RequestName", g_variant_new ("(su)", name, 4 /* DO_NOT_QUEUE */), "(u)");
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1 /* PRIMARY_OWNER */);
  return self;
}

static void
fake_notifier_stop (FakeNotifier *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->registrations); i++)
    g_dbus_connection_unregister_object (self->connection, self->registrations[i]);
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_object_unref (self->connection);
  g_ptr_array_unref (self->received);
  g_free (self->last_sender);
  g_free (self);
}

static void
on_flushed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  g_assert_nonnull (reply);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Returns once whatever @app sent the server before has been received:
 * the bus keeps the order of one connection's messages to another. */
static void
fake_notifier_flush (FakeNotifier    *self,
                     ChatApplication *app)
{
  gboolean flushed = FALSE;

  g_dbus_connection_call (g_application_get_dbus_connection (G_APPLICATION (app)),
                          g_dbus_connection_get_unique_name (self->connection), "/org/freedesktop/Notifications",
                          FDO_NOTIFICATIONS, "GetServerInformation", NULL, G_VARIANT_TYPE ("(ssss)"),
                          G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, on_flushed, &flushed);
  shell_test_wait_until (is_true, &flushed, TIMEOUT_MS, "the notification server's answer");
}

/* The user clicks the notification: the server says so to everyone. */
static void
fake_notifier_invoke_default (FakeNotifier *self,
                              guint32       notify_id)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (self->connection, NULL, "/org/freedesktop/Notifications",
                                 FDO_NOTIFICATIONS, "ActionInvoked",
                                 g_variant_new ("(us)", notify_id, "default"), &error);
  g_assert_no_error (error);
}

typedef struct {
  FakeNotifier   *notifier;
  ChatFakeServer *server;
  /* Another conversation, to look at while the notification waits. */
  gint64          other;
  /* A window outside the application, for the user to look at. */
  GtkWindow      *elsewhere;
} NotifyCheck;

/* The fake servers, a key, and the command line to reach them. */
static char **
notify_check_init (NotifyCheck *check,
                   const char  *notifier_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  char *args[] = { "liao", "--base-url", NULL, NULL };

  clear_store ();
  check->other = seed_conversation ("登山计划");
  check->notifier = fake_notifier_start (notifier_name);
  check->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  base_url = chat_fake_server_dup_base_url (check->server);
  args[2] = base_url;
  g_setenv ("LIAO_API_KEY", "test-key", TRUE);
  return g_strdupv (args);
}

static void
notify_check_clear (NotifyCheck *check)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_setenv ("LIAO_API_KEY", "", TRUE);
  g_settings_reset (settings, "notify-on-finish");
  g_clear_pointer (&check->elsewhere, gtk_window_destroy);
  g_clear_object (&check->server);
  g_clear_pointer (&check->notifier, fake_notifier_stop);
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Without a window manager GDK focuses a shown window itself
 * (XSetInputFocus), so presenting a mapped window gives it the focus. */
static void
take_focus (GtkWindow *window)
{
  gtk_window_present (window);
  shell_test_wait_until (widget_is_mapped, window, TIMEOUT_MS, "the window to show");
  gtk_window_present (window);
  shell_test_wait_until (window_is_active, window, TIMEOUT_MS, "the window to have the focus");
}

typedef struct {
  GtkWindow *window;
  gboolean   active;
} FocusWait;

static gboolean
focus_is (gpointer data)
{
  FocusWait *wait = data;

  return gtk_window_is_active (wait->window) == wait->active;
}

static gboolean
reply_ended (gpointer data)
{
  ChatConversationView *view = data;
  ChatConversation *conversation = chat_conversation_view_get_conversation (view);
  guint n = conversation != NULL ? g_list_model_get_n_items (G_LIST_MODEL (conversation)) : 0;

  return !chat_conversation_view_get_busy (view) && n > 0 &&
         chat_message_get_state (chat_conversation_get_message (conversation, n - 1)) != CHAT_MESSAGE_STATE_STREAMING;
}

/* Sends @question as the composer's Send button does and waits for the
 * reply's end; returns the conversation it went to. */
static gint64
ask (ChatWindow *window,
     const char *question)
{
  ChatConversationView *view = chat_window_get_view (window);
  ChatComposer *composer = CHAT_COMPOSER (shell_test_find_widget (GTK_WIDGET (view), CHAT_TYPE_COMPOSER,
                                                                  NULL, NULL));

  chat_composer_set_text (composer, question);
  g_signal_emit_by_name (composer, "send");
  g_assert_true (chat_conversation_view_get_busy (view));
  shell_test_wait_until (reply_ended, view, TIMEOUT_MS, "the reply");
  return chat_conversation_view_get_conversation_id (view);
}

static void
count_focus_change (guint *changes)
{
  (*changes)++;
}

/* Asks while the window has the focus (@watched) or another one has it,
 * then lets what was sent reach the fake server.  Other tests share the
 * display and may take the focus: if the window's focus changed meanwhile,
 * asks again, forgetting what was sent. */
static gint64
ask_steadily (NotifyCheck     *check,
              ChatApplication *app,
              ChatWindow      *window,
              gboolean         watched,
              const char      *question)
{
  FocusWait wait = { GTK_WINDOW (window), watched };

  if (check->elsewhere == NULL)
    {
      check->elsewhere = GTK_WINDOW (gtk_window_new ());
      gtk_window_set_title (check->elsewhere, "Elsewhere");
      gtk_window_set_default_size (check->elsewhere, 200, 100);
    }
  for (guint attempt = 0;; attempt++)
    {
      guint changes = 0;
      gulong handler;
      gint64 asked;

      g_assert_cmpuint (attempt, <, 3);
      take_focus (watched ? GTK_WINDOW (window) : check->elsewhere);
      shell_test_wait_until (focus_is, &wait, TIMEOUT_MS, watched ? "the focus" : "the focus elsewhere");
      g_ptr_array_set_size (check->notifier->received, 0);
      handler = g_signal_connect_swapped (window, "notify::is-active", G_CALLBACK (count_focus_change), &changes);
      asked = ask (window, question);
      fake_notifier_flush (check->notifier, app);
      g_signal_handler_disconnect (window, handler);
      if (changes == 0)
        return asked;
    }
}

static ChatMessage *
last_message (ChatWindow *window)
{
  ChatConversation *conversation = chat_conversation_view_get_conversation (chat_window_get_view (window));

  return chat_conversation_get_message (conversation, g_list_model_get_n_items (G_LIST_MODEL (conversation)) - 1);
}

static const char *
shown_title (ChatWindow *window)
{
  return chat_conversation_get_title (chat_conversation_view_get_conversation (chat_window_get_view (window)));
}

static gboolean
shows_conversation (gpointer data)
{
  ChatWindow *window = data;
  gint64 wanted = GPOINTER_TO_SIZE (g_object_get_data (data, "wanted-conversation"));

  return chat_conversation_view_get_conversation_id (chat_window_get_view (window)) == wanted;
}

/* Waits (bounded) until the window shows @wanted. */
static void
wait_for_conversation (ChatWindow *window,
                       gint64      wanted,
                       const char *what)
{
  g_object_set_data (G_OBJECT (window), "wanted-conversation", GSIZE_TO_POINTER (wanted));
  shell_test_wait_until (shows_conversation, window, TIMEOUT_MS, what);
}

/* The one Notify call's title and body; checks the rest of it. */
static void
parse_notify (FakeNotifier *notifier,
              const char  **title,
              const char  **body)
{
  g_autofree const char **actions = NULL;
  g_autoptr(GVariant) hints = NULL;
  const char *desktop_entry = NULL;
  guint32 replaces;

  g_assert_cmpuint (notifier->received->len, ==, 1);
  /* replaces_id is not checked: a later notification of the same
   * conversation id (ids start again in each test's store) rightly
   * replaces the earlier one. */
  g_variant_get (g_ptr_array_index (notifier->received, 0), "(&su&s&s&s^a&s@a{sv}i)",
                 NULL, &replaces, NULL, title, body, &actions, &hints, NULL);
  /* A default action ("default", label ""), and no buttons. */
  g_assert_cmpuint (g_strv_length ((char **) actions), ==, 2);
  g_assert_cmpstr (actions[0], ==, "default");
  g_assert_true (g_variant_lookup (hints, "desktop-entry", "&s", &desktop_entry));
  g_assert_cmpstr (desktop_entry, ==, TEST_APP_ID);
}

/* A reply ends while the user is elsewhere: a notification with the
 * conversation's title and the reply's first line; clicking it shows the
 * conversation again, in the window it was in. */
static gboolean
notified_on_finish (ChatApplication *app,
                    gpointer         data)
{
  NotifyCheck *check = data;
  ChatWindow *window = nth_window (app, 0);
  const char *title, *body;
  gint64 asked;

  if (window == NULL)
    return FALSE;
  asked = ask_steadily (check, app, window, FALSE, "Say hello");
  g_assert_cmpint (chat_message_get_state (last_message (window)), ==, CHAT_MESSAGE_STATE_COMPLETE);
  parse_notify (check->notifier, &title, &body);
  g_assert_cmpstr (title, ==, shown_title (window));
  g_assert_cmpstr (title, !=, "");
  g_assert_cmpstr (body, ==, "Hello from the fake GLM server! 你好，我是测试服务器。");

  /* Meanwhile the window went on to another conversation. */
  chat_window_show_conversation (window, check->other);
  wait_for_conversation (window, check->other, "the other conversation");
  fake_notifier_invoke_default (check->notifier, check->notifier->last_id);
  wait_for_conversation (window, asked, "the notified conversation");
  g_assert_cmpuint (count_windows (app), ==, 1);
  shell_test_wait_until (window_is_active, window, TIMEOUT_MS, "the window to be presented");
  return TRUE;
}

static void
test_notify_on_finish (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  g_auto(GStrv) args = NULL;
  NotifyCheck check = { 0 };

  if (!can_fake_notifications ())
    return;
  args = notify_check_init (&check, FDO_NOTIFICATIONS);
  g_assert_cmpint (run_app (app, (const char * const *) args, notified_on_finish, &check), ==, 0);
  notify_check_clear (&check);
}

/* Nothing while the window has the focus, nor with the setting off; a
 * failed reply notifies, with the reason. */
static gboolean
notified_on_failure (ChatApplication *app,
                     gpointer         data)
{
  NotifyCheck *check = data;
  ChatWindow *window = nth_window (app, 0);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *title, *body;

  if (window == NULL)
    return FALSE;
  ask_steadily (check, app, window, TRUE, "Watched question");
  g_assert_cmpuint (check->notifier->received->len, ==, 0);

  g_settings_set_boolean (settings, "notify-on-finish", FALSE);
  ask_steadily (check, app, window, FALSE, "Question with notifications off");
  g_assert_cmpuint (check->notifier->received->len, ==, 0);

  g_settings_set_boolean (settings, "notify-on-finish", TRUE);
  ask_steadily (check, app, window, FALSE, "Failing question scenario:auth");
  g_assert_cmpint (chat_message_get_state (last_message (window)), ==, CHAT_MESSAGE_STATE_ERROR);
  parse_notify (check->notifier, &title, &body);
  g_assert_cmpstr (title, ==, shown_title (window));
  g_assert_cmpstr (body, ==, chat_message_get_error_message (last_message (window)));
  g_assert_cmpstr (body, !=, "");
  return TRUE;
}

static void
test_notify_on_failure (void)
{
  g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
  g_auto(GStrv) args = NULL;
  NotifyCheck check = { 0 };

  if (!can_fake_notifications ())
    return;
  args = notify_check_init (&check, FDO_NOTIFICATIONS);
  g_assert_cmpint (run_app (app, (const char * const *) args, notified_on_failure, &check), ==, 0);
  notify_check_clear (&check);
}

/* GNOME Shell's org.gtk.Notifications gets the whole notification,
 * default action and target included; the Shell then activates the action
 * over org.freedesktop.Application, as here. */
static gboolean
notified_through_gtk (ChatApplication *app,
                      gpointer         data)
{
  NotifyCheck *check = data;
  ChatWindow *window = nth_window (app, 0);
  g_autoptr(GVariant) notification = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *expected_id = NULL;
  const char *app_id, *id, *title, *body, *action;
  GVariant *parameter;
  gint64 asked;

  if (window == NULL)
    return FALSE;
  asked = ask_steadily (check, app, window, FALSE, "Say hello");
  g_assert_cmpuint (check->notifier->received->len, ==, 1);
  g_variant_get (g_ptr_array_index (check->notifier->received, 0), "(&s&s@a{sv})", &app_id, &id, &notification);
  expected_id = g_strdup_printf ("reply-%" G_GINT64_FORMAT, asked);
  g_assert_cmpstr (app_id, ==, TEST_APP_ID);
  g_assert_cmpstr (id, ==, expected_id);
  g_assert_true (g_variant_lookup (notification, "title", "&s", &title));
  g_assert_cmpstr (title, ==, shown_title (window));
  g_assert_true (g_variant_lookup (notification, "body", "&s", &body));
  g_assert_cmpstr (body, ==, "Hello from the fake GLM server! 你好，我是测试服务器。");
  g_assert_true (g_variant_lookup (notification, "default-action", "&s", &action));
  g_assert_cmpstr (action, ==, "app.open-conversation");
  target = g_variant_lookup_value (notification, "default-action-target", G_VARIANT_TYPE_INT64);
  g_assert_nonnull (target);
  g_assert_cmpint (g_variant_get_int64 (target), ==, asked);

  chat_window_show_conversation (window, check->other);
  wait_for_conversation (window, check->other, "the other conversation");
  parameter = g_variant_new_variant (target);
  /* Not blocking: the application answers from this very main loop. */
  g_dbus_connection_call (check->notifier->connection, check->notifier->last_sender,
                          g_application_get_dbus_object_path (G_APPLICATION (app)),
                          "org.freedesktop.Application", "ActivateAction",
                          g_variant_new ("(s@av@a{sv})", action + strlen ("app."),
                                         g_variant_new_array (G_VARIANT_TYPE_VARIANT, &parameter, 1),
                                         g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                          NULL, G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, NULL, NULL);
  wait_for_conversation (window, asked, "the notified conversation");
  return TRUE;
}

static void
test_notify_gtk (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(ChatApplication) app = chat_application_new (TEST_APP_ID, G_APPLICATION_NON_UNIQUE);
      NotifyCheck check = { 0 };
      g_auto(GStrv) args = notify_check_init (&check, GTK_NOTIFICATIONS);

      g_assert_cmpint (run_app (app, (const char * const *) args, notified_through_gtk, &check), ==, 0);
      notify_check_clear (&check);
      return;
    }
  if (!can_fake_notifications ())
    return;
  /* The backend, once chosen, stays for the process. */
  g_test_trap_subprocess (NULL, TIMEOUT_MS * G_TIME_SPAN_MILLISECOND, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* Before anything asks GLib for the data folder: the store goes here. */
  data_home = shell_test_make_dir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", data_home, TRUE);
  g_setenv ("LIAO_SECRETS_BACKEND", "file", TRUE);
  g_setenv ("LIAO_API_KEY", "", TRUE);
  g_setenv ("ZHIPUAI_API_KEY", "", TRUE);
  g_setenv ("ZAI_API_KEY", "", TRUE);
  /* GLib chooses the notification backend by what is on the bus. */
  g_unsetenv ("GNOTIFICATION_BACKEND");
  g_unsetenv ("GTK_USE_PORTAL");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shell/app/base-url-option", test_base_url_option);
  g_test_add_func ("/shell/app/base-url-env", test_base_url_env);
  g_test_add_func ("/shell/app/bad-base-url", test_bad_base_url);
  g_test_add_func ("/shell/app/about", test_about);
  g_test_add_func ("/shell/app/new-window-action", test_new_window_action);
  g_test_add_func ("/shell/app/quit-deletes-pending", test_quit_deletes_pending);
  g_test_add_func ("/shell/app/store-moved-aside", test_store_moved_aside);
  g_test_add_func ("/shell/app/store-damage-found", test_store_damage_found);
  g_test_add_func ("/shell/app/store-error", test_store_error);
  g_test_add_func ("/shell/app/single-instance", test_single_instance);
  g_test_add_func ("/shell/app/window-size", test_window_size);
  g_test_add_func ("/shell/app/color-scheme", test_color_scheme);
  g_test_add_func ("/shell/app/preferences", test_preferences);
  g_test_add_func ("/shell/app/settings-apply", test_settings_apply);
  g_test_add_func ("/shell/app/open-conversation", test_open_conversation);
  g_test_add_func ("/shell/app/notify-on-finish", test_notify_on_finish);
  g_test_add_func ("/shell/app/notify-on-failure", test_notify_on_failure);
  g_test_add_func ("/shell/app/notify-gtk", test_notify_gtk);

  status = g_test_run ();
  shell_test_remove_dir (data_home);
  return status;
}
