/* test-search-provider.c: GNOME Shell's search, called over D-Bus
 *
 * A ChatApplication registered on a private bus exports the provider (as
 * the real one does); the test calls it from a second connection, as the
 * Shell would.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chat-application.h"
#include "chat-search-provider.h"
#include "chat-window.h"
#include "shell-test-util.h"

#define TIMEOUT_MS 10000
#define INTERFACE "org.gnome.Shell.SearchProvider2"

static const char * const rust_messages[] = {
  "How do lifetimes work in Rust?",
  "Lifetimes tell the compiler\nhow long references live.",
  NULL
};
static const char * const weekend_messages[] = {
  "这个周末去哪里爬山比较好？",
  "可以去香山，秋天的红叶很美。",
  NULL
};

typedef struct {
  GTestDBus       *bus;
  GDBusConnection *client;
  GApplication    *application;
  const char      *name;        /* the application's unique bus name */
  gint64           rust;
  gint64           weekend;
  gint64           trip;
} Fixture;

static Fixture fixture;

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Asynchronous: the provider answers from this thread's main context. */
static GVariant *
call (const char *destination,
      const char *method,
      GVariant   *parameters)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_dbus_connection_call (fixture.client, destination, CHAT_SEARCH_PROVIDER_PATH, INTERFACE, method,
                          parameters, NULL, G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, on_called, &result);
  shell_test_wait_until (has_result, &result, TIMEOUT_MS, method);
  reply = g_dbus_connection_call_finish (fixture.client, result, &error);
  g_assert_no_error (error);
  return reply;
}

static char **
initial_results (const char * const *terms)
{
  g_autoptr(GVariant) reply = call (fixture.name, "GetInitialResultSet",
                                    g_variant_new ("(^as)", terms));
  char **ids = NULL;

  g_variant_get (reply, "(^as)", &ids);
  return ids;
}

static char *
id_string (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

static void
assert_finds (const char * const *terms,
              gint64              conversation_id)
{
  g_auto(GStrv) ids = initial_results (terms);
  g_autofree char *expected = id_string (conversation_id);

  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, expected);
}

static void
test_english (void)
{
  /* Both messages match: the conversation is listed once. */
  assert_finds ((const char *[]) { "lifetimes", NULL }, fixture.rust);
  assert_finds ((const char *[]) { "compiler", "references", NULL }, fixture.rust);
  assert_finds ((const char *[]) { "trip", NULL }, fixture.trip);
}

static void
test_chinese (void)
{
  assert_finds ((const char *[]) { "爬山", NULL }, fixture.weekend);
  assert_finds ((const char *[]) { "香山", "红叶", NULL }, fixture.weekend);
}

static void
test_no_match (void)
{
  g_auto(GStrv) ids = initial_results ((const char *[]) { "zebra", NULL });

  g_assert_cmpuint (g_strv_length (ids), ==, 0);
}

static void
test_subsearch (void)
{
  g_autofree char *rust = id_string (fixture.rust);
  const char *previous[] = { rust, NULL };
  g_autoptr(GVariant) narrower = NULL;
  g_autoptr(GVariant) none = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) no_ids = NULL;

  narrower = call (fixture.name, "GetSubsearchResultSet",
                   g_variant_new ("(^as^as)", previous, (const char *[]) { "lifetimes", "compiler", NULL }));
  g_variant_get (narrower, "(^as)", &ids);
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, rust);

  none = call (fixture.name, "GetSubsearchResultSet",
               g_variant_new ("(^as^as)", previous, (const char *[]) { "lifetimes", "爬山", NULL }));
  g_variant_get (none, "(^as)", &no_ids);
  g_assert_cmpuint (g_strv_length (no_ids), ==, 0);
}

static GVariant *
result_metas (const char * const *ids)
{
  g_autoptr(GVariant) reply = call (fixture.name, "GetResultMetas", g_variant_new ("(^as)", ids));

  return g_variant_get_child_value (reply, 0);
}

static char *
dup_meta_string (GVariant   *metas,
                 guint       index,
                 const char *key)
{
  g_autoptr(GVariant) meta = g_variant_get_child_value (metas, index);
  g_autoptr(GVariant) value = g_variant_lookup_value (meta, key, G_VARIANT_TYPE_STRING);

  g_assert_nonnull (value);
  return g_variant_dup_string (value, NULL);
}

static void
assert_meta (GVariant   *metas,
             guint       index,
             gint64      id,
             const char *name,
             const char *description)
{
  g_autofree char *expected_id = id_string (id);
  g_autofree char *meta_id = dup_meta_string (metas, index, "id");
  g_autofree char *meta_name = dup_meta_string (metas, index, "name");
  g_autofree char *meta_description = dup_meta_string (metas, index, "description");

  g_assert_cmpstr (meta_id, ==, expected_id);
  g_assert_cmpstr (meta_name, ==, name);
  if (description != NULL)
    g_assert_cmpstr (meta_description, ==, description);
}

/* Metas follow the last search; other ids still get their titles, and
 * ids of no conversation are left out. */
static void
test_metas (void)
{
  g_auto(GStrv) ids = initial_results ((const char *[]) { "香山", NULL });
  g_autofree char *rust = id_string (fixture.rust);
  const char *asked[] = { ids[0], "999999", rust, "not-a-number", NULL };
  g_autoptr(GVariant) metas = result_metas (asked);
  g_autofree char *description = NULL;

  g_assert_cmpuint (g_variant_n_children (metas), ==, 2);
  assert_meta (metas, 0, fixture.weekend, "周末爬山", NULL);
  assert_meta (metas, 1, fixture.rust, "Rust lifetimes", "");
  description = dup_meta_string (metas, 0, "description");
  g_assert_nonnull (strstr (description, "香山"));
  g_assert_null (strpbrk (description, CHAT_STORE_MARK_START CHAT_STORE_MARK_END "\n"));
}

/* The snippet of a two-line message comes on one line; a title match has
 * no description. */
static void
test_metas_one_line (void)
{
  g_auto(GStrv) rust = initial_results ((const char *[]) { "references", NULL });
  g_autoptr(GVariant) rust_metas = result_metas ((const char * const *) rust);
  g_auto(GStrv) trip = initial_results ((const char *[]) { "trip", NULL });
  g_autoptr(GVariant) trip_metas = result_metas ((const char * const *) trip);

  assert_meta (rust_metas, 0, fixture.rust, "Rust lifetimes",
               "Lifetimes tell the compiler how long references live.");
  assert_meta (trip_metas, 0, fixture.trip, "Trip ideas", "");
}

static gboolean
window_shows (gpointer data)
{
  GtkWindow *window = shell_test_find_toplevel (CHAT_TYPE_WINDOW, NULL);

  return window != NULL &&
         chat_conversation_view_get_conversation_id (chat_window_get_view (CHAT_WINDOW (window)))
         == *(gint64 *) data;
}

/* With no window open, activating a result opens one on that conversation. */
static void
test_activate (void)
{
  g_autofree char *id = id_string (fixture.weekend);
  g_autoptr(GVariant) reply = NULL;

  g_assert_null (shell_test_find_toplevel (CHAT_TYPE_WINDOW, NULL));
  reply = call (fixture.name, "ActivateResult",
                g_variant_new ("(s^asu)", id, (const char *[]) { "爬山", NULL }, 0));
  shell_test_wait_until (window_shows, &fixture.weekend, TIMEOUT_MS, "the conversation shown");
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (fixture.application))), ==, 1);
}

static gboolean
search_entry_has_text (GtkWidget *widget,
                       gpointer   data)
{
  return g_str_equal (gtk_editable_get_text (GTK_EDITABLE (widget)), data);
}

/* The window's own search shows the same terms. */
static void
test_launch_search (void)
{
  g_autoptr(GVariant) reply = call (fixture.name, "LaunchSearch",
                                    g_variant_new ("(^asu)", (const char *[]) { "香山", "红叶", NULL }, 0));
  GtkWindow *window = shell_test_find_toplevel (CHAT_TYPE_WINDOW, NULL);

  g_assert_nonnull (window);
  g_assert_nonnull (shell_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY,
                                            search_entry_has_text, (gpointer) "香山 红叶"));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (fixture.application))), ==, 1);
}

static void
on_open_conversation (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  *(gint64 *) user_data = g_variant_get_int64 (parameter);
}

static gboolean
is_set (gpointer data)
{
  return *(gint64 *) data != 0;
}

/* An application with app.open-conversation opens results itself. */
static void
test_open_conversation_action (void)
{
  g_autoptr(GApplication) application = g_application_new ("io.github.liaochat.Liao.ActionTest",
                                                           G_APPLICATION_NON_UNIQUE);
  g_autoptr(GSimpleAction) action = g_simple_action_new ("open-conversation", G_VARIANT_TYPE_INT64);
  g_autoptr(ChatSearchProvider) provider = chat_search_provider_new (application);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *id = id_string (fixture.rust);
  gint64 opened = 0;

  /* Its own connection: the ChatApplication's already has a provider there. */
  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (fixture.bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (action, "activate", G_CALLBACK (on_open_conversation), &opened);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (action));
  g_application_register (application, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (chat_search_provider_export (provider, connection, &error));
  g_assert_no_error (error);
  reply = call (g_dbus_connection_get_unique_name (connection), "ActivateResult",
                g_variant_new ("(s^asu)", id, (const char *[]) { "rust", NULL }, 0));
  shell_test_wait_until (is_set, &opened, TIMEOUT_MS, "app.open-conversation");
  g_assert_cmpint (opened, ==, fixture.rust);
  chat_search_provider_unexport (provider);
}

static void
seed (void)
{
  g_autofree char *path = chat_store_dup_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatStore) store = chat_store_open (path, &error);

  g_assert_no_error (error);
  fixture.rust = shell_test_seed (store, "Rust lifetimes", 2, FALSE, rust_messages);
  fixture.weekend = shell_test_seed (store, "周末爬山", 1, FALSE, weekend_messages);
  fixture.trip = shell_test_seed (store, "Trip ideas", 3, FALSE, NULL);
}

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;

  fixture.client = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (fixture.bus),
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
  g_assert_no_error (error);
  seed ();
  fixture.application = G_APPLICATION (chat_application_new ("io.github.liaochat.Liao.SearchTest",
                                                             G_APPLICATION_NON_UNIQUE));
  g_application_register (fixture.application, NULL, &error);
  g_assert_no_error (error);
  fixture.name = g_dbus_connection_get_unique_name (g_application_get_dbus_connection (fixture.application));
}

static void
tear_down (void)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (fixture.application)));

  g_list_free_full (windows, (GDestroyNotify) gtk_window_destroy);
  g_clear_object (&fixture.application);
  g_clear_object (&fixture.client);
  /* Not g_test_dbus_down, nor the last unref that calls it: GTK keeps
   * the session bus connection until exit, and down would wait for it. */
  g_test_dbus_stop (fixture.bus);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = shell_test_make_dir ();
  g_autofree char *config_home = shell_test_make_dir ();
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("LIAO_SECRETS_BACKEND", "file", TRUE);
  g_test_init (&argc, &argv, NULL);
  /* Before GTK and Adwaita, whose first use of the session bus would
   * otherwise connect to (or start) another one; up unsets DISPLAY. */
  fixture.bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fixture.bus);
  g_setenv ("DISPLAY", display, TRUE);
  gtk_init ();
  adw_init ();
  set_up ();

  g_test_add_func ("/shell/search-provider/english", test_english);
  g_test_add_func ("/shell/search-provider/chinese", test_chinese);
  g_test_add_func ("/shell/search-provider/no-match", test_no_match);
  g_test_add_func ("/shell/search-provider/subsearch", test_subsearch);
  g_test_add_func ("/shell/search-provider/metas", test_metas);
  g_test_add_func ("/shell/search-provider/metas-one-line", test_metas_one_line);
  g_test_add_func ("/shell/search-provider/activate", test_activate);
  g_test_add_func ("/shell/search-provider/launch-search", test_launch_search);
  g_test_add_func ("/shell/search-provider/open-conversation-action", test_open_conversation_action);
  status = g_test_run ();

  tear_down ();
  shell_test_remove_dir (data_home);
  shell_test_remove_dir (config_home);
  return status;
}
