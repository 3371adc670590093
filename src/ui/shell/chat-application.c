/* chat-application.c: Liao's GtkApplication
 *
 * One instance per session: a second `liao` hands its command line to the
 * first, which presents its window (or opens one more for --new-window or
 * another --base-url).  The application owns the store and the client that
 * every window shares.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "chat-application.h"
#include "chat-preferences-window.h"
#include "chat-profile.h"
#include "chat-search-provider.h"
#include "chat-window.h"

struct _ChatApplication
{
  AdwApplication  parent_instance;

  ChatStore      *store;
  ChatClient     *client;
  /* Why the store could not open; the first window says so, then Liao quits. */
  GError         *store_error;
  GSettings      *settings;
  guint           signal_sources[2];
  ChatSearchProvider *search_provider;
  guint           check_id;        /* the store's daily check, after start-up */
  GCancellable   *check_cancellable;
};

/* The store's daily check waits this long after the first window shows. */
#define CHECK_DELAY_SECONDS 2

G_DEFINE_FINAL_TYPE (ChatApplication, chat_application, ADW_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "new-window", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open another window"), NULL },
  { "base-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Send this run’s requests to URL (also LIAO_BASE_URL)"), N_("URL") },
  { NULL }
};

/* g_settings_set() refuses a value outside the key's range, loudly. */
static void
set_clamped (GSettings  *settings,
             const char *key,
             int         value)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) limits = NULL;
  const char *kind;
  int minimum, maximum;

  g_object_get (settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(&sv)", &kind, &limits);
  if (g_str_equal (kind, "range"))
    {
      g_variant_get (limits, "(ii)", &minimum, &maximum);
      value = CLAMP (value, minimum, maximum);
    }
  g_settings_set_int (settings, key, value);
}

/* The size of the last window closed is the next one's. */
static gboolean
on_window_close_request (GtkWindow       *window,
                         ChatApplication *self)
{
  gboolean maximized = gtk_window_is_maximized (window);
  int width, height;

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (maximized)
    return FALSE;
  gtk_window_get_default_size (window, &width, &height);
  set_clamped (self->settings, "window-width", width);
  set_clamped (self->settings, "window-height", height);
  return FALSE;
}

/* Every window follows the Preferences live: the bindings go with the view. */
static void
bind_view_settings (ChatApplication      *self,
                    ChatConversationView *view)
{
  g_settings_bind (self->settings, "send-with", view, "send-with", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "transcript-font-scale", view, "font-scale", G_SETTINGS_BIND_GET);
}

static GtkWindow *
open_window (ChatApplication *self,
             const char      *base_url_override)
{
  ChatWindow *window = chat_window_new (GTK_APPLICATION (self), self->store, self->client,
                                        base_url_override);

  bind_view_settings (self, chat_window_get_view (window));

  gtk_window_set_default_size (GTK_WINDOW (window),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (window));
  g_signal_connect_object (window, "close-request", G_CALLBACK (on_window_close_request), self, 0);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
on_store_error_response (AdwMessageDialog *dialog,
                         const char       *response,
                         ChatApplication  *self)
{
  g_application_release (G_APPLICATION (self));
}

/* Without its conversations Liao cannot work: say why, then quit. */
static void
show_store_error (ChatApplication *self)
{
  GtkWidget *dialog = adw_message_dialog_new (NULL, _("Could Not Open Your Conversations"),
                                              self->store_error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "quit", _("_Quit"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_application_hold (G_APPLICATION (self));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_store_error_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A damaged database was moved aside and Liao started on a new one. */
static void
show_moved_aside (ChatApplication *self,
                  GtkWindow       *parent)
{
  const char *moved = chat_store_get_moved_aside_path (self->store);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: %s is the path of a file */
  body = g_strdup_printf (_("The file holding your conversations was damaged. Liao moved it to %s and started a new, empty one. Nothing was deleted."),
                          moved);
  dialog = adw_message_dialog_new (parent, _("Conversations Could Not Be Read"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Found by the daily check while the conversations are open: they can
 * still be exported before the next start moves the file aside. */
static void
on_store_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ChatApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;
  GtkWidget *dialog;

  if (chat_store_check_finish (CHAT_STORE (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  if (!g_error_matches (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_DAMAGED))
    {
      g_warning ("%s", error->message);
      goto out;
    }
  /* With no window left, the next start says it, as it moves the file. */
  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (parent == NULL)
    goto out;
  dialog = adw_message_dialog_new (parent, _("Conversations Damaged"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
out:
  g_application_release (G_APPLICATION (self));
}

static gboolean
start_store_check (gpointer user_data)
{
  ChatApplication *self = user_data;

  self->check_id = 0;
  g_application_hold (G_APPLICATION (self));
  chat_store_check_async (self->store, self->check_cancellable, on_store_checked, self);
  return G_SOURCE_REMOVE;
}

static gboolean
base_url_is_valid (const char *base_url)
{
  g_autofree char *url = chat_profile_build_url (base_url, "chat/completions");

  return url != NULL;
}

static const char *
lookup_base_url (GApplicationCommandLine *command_line)
{
  GVariantDict *dict = g_application_command_line_get_options_dict (command_line);
  const char *base_url = NULL;

  if (!g_variant_dict_lookup (dict, "base-url", "&s", &base_url))
    base_url = g_application_command_line_getenv (command_line, "LIAO_BASE_URL");
  /* An empty variable counts as unset, as everywhere in Liao. */
  return base_url != NULL && *base_url != '\0' ? base_url : NULL;
}

/* The first instance's windows keep their base URL; a later run that names
 * another one (or --new-window) gets a window of its own. */
static gboolean
wants_new_window (ChatApplication *self,
                  gboolean         new_window,
                  const char      *base_url)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (new_window || window == NULL || !CHAT_IS_WINDOW (window))
    return TRUE;
  return g_strcmp0 (chat_window_get_base_url_override (CHAT_WINDOW (window)), base_url) != 0;
}

static int
chat_application_command_line (GApplication            *application,
                               GApplicationCommandLine *command_line)
{
  ChatApplication *self = CHAT_APPLICATION (application);
  GVariantDict *dict = g_application_command_line_get_options_dict (command_line);
  const char *base_url = lookup_base_url (command_line);
  GtkWindow *window;

  if (base_url != NULL && !base_url_is_valid (base_url))
    {
      g_application_command_line_printerr (command_line,
                                           _("Not an http or https base URL: %s\n"), base_url);
      return 1;
    }
  if (self->store == NULL)
    {
      show_store_error (self);
      return 1;
    }

  if (!wants_new_window (self, g_variant_dict_contains (dict, "new-window"), base_url))
    {
      gtk_window_present (gtk_application_get_active_window (GTK_APPLICATION (self)));
      return 0;
    }
  window = open_window (self, base_url);
  if (chat_store_get_moved_aside_path (self->store) != NULL &&
      g_list_length (gtk_application_get_windows (GTK_APPLICATION (self))) == 1)
    show_moved_aside (self, window);
  if (self->check_cancellable == NULL)
    {
      self->check_cancellable = g_cancellable_new ();
      self->check_id = g_timeout_add_seconds (CHECK_DELAY_SECONDS, start_store_check, self);
    }
  return 0;
}

static void
quit (GSimpleAction *action,
      GVariant      *parameter,
      gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const char *
active_base_url (ChatApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  return active != NULL && CHAT_IS_WINDOW (active)
         ? chat_window_get_base_url_override (CHAT_WINDOW (active)) : NULL;
}

static void
new_window (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  ChatApplication *self = user_data;

  if (self->store != NULL)
    open_window (self, active_base_url (self));
}

static void
preferences (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ChatApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *window = chat_preferences_window_new (parent, self->client, active_base_url (self));

  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (window));
}

static ChatWindow *
find_window_showing (ChatApplication *self,
                     gint64           conversation_id)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (CHAT_IS_WINDOW (l->data) &&
        chat_conversation_view_get_conversation_id (chat_window_get_view (l->data)) == conversation_id)
      return l->data;
  return NULL;
}

/* A notification's default action: the window showing the conversation,
 * else the last one used, else a new one. */
static void
open_conversation (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ChatApplication *self = user_data;
  gint64 conversation_id = g_variant_get_int64 (parameter);
  GtkWindow *window = GTK_WINDOW (find_window_showing (self, conversation_id));

  if (self->store == NULL)
    return;
  if (window == NULL)
    window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL || !CHAT_IS_WINDOW (window))
    window = open_window (self, NULL);
  chat_window_show_conversation (CHAT_WINDOW (window), conversation_id);
  gtk_window_present (window);
}

static void
about (GSimpleAction *action,
       GVariant      *parameter,
       gpointer       user_data)
{
  static const char *developers[] = { "The Liao developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
                         "application-name", "Liao",
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", "The Liao developers",
                         "developers", developers,
                         "comments", _("Chat with Zhipu GLM models"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/liaochat/liao",
                         "issue-url", "https://github.com/liaochat/liao/issues",
                         /* Translators: your name(s), one a line, shown in the About window */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit },
  { "new-window", new_window },
  { "about", about },
  { "preferences", preferences },
  { "open-conversation", open_conversation, "x" },
};

/* A terminal's Ctrl+C or a session's SIGTERM ends Liao as Ctrl+Q does, so
 * deletions waiting behind an Undo toast still happen. */
static gboolean
on_quit_signal (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static void
open_store (ChatApplication *self)
{
  g_autofree char *path = chat_store_dup_default_path ();

  self->store = chat_store_open (path, &self->store_error);
}

static void
set_accels (ChatApplication *self)
{
  static const char * const accels[][2] = {
    { "app.quit", "<Control>q" },
    { "app.new-window", "<Control><Shift>n" },
    { "app.preferences", "<Control>comma" },
    { "win.show-help-overlay", "<Control>question" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      const char *keys[] = { accels[i][1], NULL };

      gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i][0], keys);
    }
}

static void
chat_application_startup (GApplication *application)
{
  ChatApplication *self = CHAT_APPLICATION (application);

  G_APPLICATION_CLASS (chat_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  set_accels (self);
  /* The Preferences window applies it too, but it may change while closed. */
  self->settings = g_settings_new (APP_ID);
  chat_preferences_apply_color_scheme (self->settings);
  g_signal_connect (self->settings, "changed::color-scheme",
                    G_CALLBACK (chat_preferences_apply_color_scheme), NULL);

  gtk_window_set_default_icon_name (APP_ID);
  self->signal_sources[0] = g_unix_signal_add (SIGINT, on_quit_signal, self);
  self->signal_sources[1] = g_unix_signal_add (SIGTERM, on_quit_signal, self);
  open_store (self);
  self->client = chat_client_new ();
  /* The client reads them when a request starts: a change applies to the next one. */
  g_settings_bind (self->settings, "connect-timeout", self->client, "connect-timeout", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "idle-timeout", self->client, "idle-timeout", G_SETTINGS_BIND_GET);
}

/* Windows flush their pending deletions when destroyed: quitting while an
 * Undo toast shows still deletes. */
static void
chat_application_shutdown (GApplication *application)
{
  ChatApplication *self = CHAT_APPLICATION (application);
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  g_list_free_full (windows, (GDestroyNotify) gtk_window_destroy);
  g_clear_handle_id (&self->check_id, g_source_remove);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->store);
  for (guint i = 0; i < G_N_ELEMENTS (self->signal_sources); i++)
    g_clear_handle_id (&self->signal_sources[i], g_source_remove);

  G_APPLICATION_CLASS (chat_application_parent_class)->shutdown (application);
}

static void
chat_application_finalize (GObject *object)
{
  ChatApplication *self = CHAT_APPLICATION (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_error (&self->store_error);
  g_clear_object (&self->check_cancellable);

  G_OBJECT_CLASS (chat_application_parent_class)->finalize (object);
}

/* GNOME Shell's search, on the application's own connection. */
static gboolean
chat_application_dbus_register (GApplication *application, GDBusConnection *connection,
                                const char *object_path, GError **error)
{
  ChatApplication *self = CHAT_APPLICATION (application);

  self->search_provider = chat_search_provider_new (application);
  return chat_search_provider_export (self->search_provider, connection, error);
}

static void
chat_application_dbus_unregister (GApplication *application, GDBusConnection *connection,
                                  const char *object_path)
{
  g_clear_object (&CHAT_APPLICATION (application)->search_provider);
}

static void
chat_application_class_init (ChatApplicationClass *klass)
{
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = chat_application_finalize;
  application_class->startup = chat_application_startup;
  application_class->shutdown = chat_application_shutdown;
  application_class->command_line = chat_application_command_line;
  application_class->dbus_register = chat_application_dbus_register;
  application_class->dbus_unregister = chat_application_dbus_unregister;
}

static void
chat_application_init (ChatApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
}

ChatApplication *
chat_application_new (const char        *application_id,
                      GApplicationFlags  flags)
{
  g_return_val_if_fail (g_application_id_is_valid (application_id), NULL);

  return g_object_new (CHAT_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags | G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_SEND_ENVIRONMENT,
                       NULL);
}

int
chat_application_run (int    argc,
                      char **argv)
{
  g_autoptr(ChatApplication) app = chat_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
