/* test-dbus-activation.c: GNOME Shell's search reaches a Liao not running
 *
 * GNOME Shell calls the search provider by its bus name; when no Liao is
 * running, D-Bus starts one from the service file, in service mode (no
 * window until asked).  The test's private bus has a service file like the
 * installed one (data/io.github.liaochat.Liao.service.in), but starting
 * this build's liao, and calls the provider with nobody owning the name.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chat-search-provider.h"
#include "shell-test-util.h"

#define TIMEOUT_MS 30000

static const char * const rust_messages[] = {
  "How do lifetimes work in Rust?",
  "Lifetimes tell the compiler how long references live.",
  NULL
};

typedef struct {
  GTestDBus       *bus;
  GDBusConnection *client;
  gint64           rust;
} Fixture;

static Fixture fixture;

/* Exec names the environment itself: the daemon that starts liao may not
 * pass DISPLAY on (GTestDBus unsets it for its own process). */
static char *
write_service_file (const char *display)
{
  g_autofree char *dir = shell_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, APP_ID ".service", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  text = g_strdup_printf ("[D-BUS Service]\nName=" APP_ID "\n"
                          "Exec=/usr/bin/env DISPLAY=%s GDK_BACKEND=x11 GTK_A11Y=none "
                          "XDG_DATA_HOME=%s XDG_CONFIG_HOME=%s %s --gapplication-service\n",
                          display, g_getenv ("XDG_DATA_HOME"), g_getenv ("XDG_CONFIG_HOME"),
                          g_getenv ("LIAO_EXE"));
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&dir);
}

static void
seed (void)
{
  g_autofree char *path = chat_store_dup_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatStore) store = chat_store_open (path, &error);

  g_assert_no_error (error);
  fixture.rust = shell_test_seed (store, "Rust lifetimes", 2, FALSE, rust_messages);
}

static GVariant *
call_liao (const char *path,
           const char *interface,
           const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (fixture.client, APP_ID, path, interface, method,
                                                 parameters, NULL, G_DBUS_CALL_FLAGS_NONE,
                                                 TIMEOUT_MS, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

static gboolean
name_has_owner (void)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (fixture.client, "org.freedesktop.DBus",
                                                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                                           "NameHasOwner", g_variant_new ("(s)", APP_ID),
                                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                                           TIMEOUT_MS, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
name_is_free (gpointer data)
{
  return !name_has_owner ();
}

/* Nobody owns the name; the call starts liao, which finds the conversation. */
static void
test_search_starts_liao (void)
{
  const char *terms[] = { "lifetimes", NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) quit = NULL;
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, fixture.rust);
  g_auto(GStrv) ids = NULL;

  g_assert_false (name_has_owner ());
  reply = call_liao (CHAT_SEARCH_PROVIDER_PATH, "org.gnome.Shell.SearchProvider2",
                     "GetInitialResultSet", g_variant_new ("(^as)", terms));
  g_variant_get (reply, "(^as)", &ids);
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, expected);
  g_assert_true (name_has_owner ());

  /* The service quits when asked, as GApplication's own do. */
  quit = call_liao ("/io/github/liaochat/Liao", "org.gtk.Actions", "Activate",
                    g_variant_new ("(sava{sv})", "quit", NULL, NULL));
  shell_test_wait_until (name_is_free, NULL, TIMEOUT_MS, "liao to quit");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = shell_test_make_dir ();
  g_autofree char *config_home = shell_test_make_dir ();
  g_autofree char *services = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("LIAO_SECRETS_BACKEND", "file", TRUE);
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") == NULL || g_getenv ("LIAO_EXE") == NULL)
    {
      g_test_skip ("needs DISPLAY and LIAO_EXE (build-aux/run-tests sets both)");
      return g_test_run ();
    }
  services = write_service_file (g_getenv ("DISPLAY"));
  seed ();
  fixture.bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_add_service_dir (fixture.bus, services);
  g_test_dbus_up (fixture.bus);
  fixture.client = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (fixture.bus),
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/shell/dbus-activation/search-starts-liao", test_search_starts_liao);
  status = g_test_run ();

  g_clear_object (&fixture.client);
  g_test_dbus_down (fixture.bus);
  g_clear_object (&fixture.bus);
  shell_test_remove_dir (services);
  shell_test_remove_dir (data_home);
  shell_test_remove_dir (config_home);
  return status;
}
