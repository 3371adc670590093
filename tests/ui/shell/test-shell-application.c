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

#include "chat-application.h"
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

/* The damaged file's new name: liao.db.damaged-… or the like, beside it. */
static char *
find_moved_file (void)
{
  g_autofree char *dir_path = g_build_filename (data_home, "liao", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "liao.db") && !g_str_equal (name, "liao.db") &&
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
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shell/app/base-url-option", test_base_url_option);
  g_test_add_func ("/shell/app/base-url-env", test_base_url_env);
  g_test_add_func ("/shell/app/bad-base-url", test_bad_base_url);
  g_test_add_func ("/shell/app/about", test_about);
  g_test_add_func ("/shell/app/new-window-action", test_new_window_action);
  g_test_add_func ("/shell/app/quit-deletes-pending", test_quit_deletes_pending);
  g_test_add_func ("/shell/app/store-moved-aside", test_store_moved_aside);
  g_test_add_func ("/shell/app/store-error", test_store_error);
  g_test_add_func ("/shell/app/single-instance", test_single_instance);
  g_test_add_func ("/shell/app/window-size", test_window_size);
  g_test_add_func ("/shell/app/color-scheme", test_color_scheme);
  g_test_add_func ("/shell/app/preferences", test_preferences);
  g_test_add_func ("/shell/app/settings-apply", test_settings_apply);
  g_test_add_func ("/shell/app/open-conversation", test_open_conversation);

  status = g_test_run ();
  shell_test_remove_dir (data_home);
  return status;
}
