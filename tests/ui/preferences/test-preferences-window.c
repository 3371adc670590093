/* test-preferences-window.c: the Preferences window under Xvfb
 *
 * Keys go to a scratch 0600 file (LIAO_SECRETS_BACKEND=file) in a scratch
 * HOME, connection tests to the fake server, settings to a memory or
 * keyfile backend of their own per test.  Every log message is kept, so a
 * test can check that no key reached one.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "chat-account-group.h"
#include "chat-profile-settings.h"
#include "chat-error.h"
#include "chat-fake-server.h"
#include "chat-model-row.h"
#include "chat-preferences-window.h"
#include "chat-profile-dialog.h"
#include "chat-secrets.h"

#define APP_SCHEMA_ID "io.github.liaochat.Liao"
#define WAIT_MS       10000

static char *scratch_home;
/* Every message logged, structured (Liao) or not (the libraries). */
static GString *log_text;
static GLogFunc test_log_handler;

/* Helpers */

static GLogWriterOutput
keep_structured_log (GLogLevelFlags   level,
                     const GLogField *fields,
                     gsize            n_fields,
                     gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].value != NULL)
      {
        if (fields[i].length < 0)
          g_string_append (log_text, fields[i].value);
        else
          g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  /* G_MESSAGES_DEBUG=all makes every debug message run; printing them
   * all would bury the test output. */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
keep_log (const char     *domain,
          GLogLevelFlags  level,
          const char     *message,
          gpointer        user_data)
{
  g_string_append (log_text, message);
  g_string_append_c (log_text, '\n');
  if (!(level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)))
    test_log_handler (domain, level, message, NULL);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %d ms waiting for %s", WAIT_MS, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
settle (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget,
                                 gpointer   data);

static GtkWidget *
find_widget (GtkWidget   *root,
             GType        type,
             WidgetMatch  match,
             gpointer     data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root, data)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
count_widgets (GtkWidget *root,
               GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (root, type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child, type);
  return n;
}

static gboolean
row_has_title (GtkWidget *widget,
               gpointer   title)
{
  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  GtkWidget *row = find_widget (root, ADW_TYPE_PREFERENCES_ROW, row_has_title, (gpointer) title);

  g_assert_nonnull (row);
  return row;
}

/* The first widget of @type in the row titled @title. */
static gpointer
find_in_row (GtkWidget  *root,
             const char *title,
             GType       type)
{
  GtkWidget *widget = find_widget (find_row (root, title), type, NULL, NULL);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
button_has_label (GtkWidget *widget,
                  gpointer   label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *button = find_widget (root, GTK_TYPE_BUTTON, button_has_label, (gpointer) label);

  g_assert_nonnull (button);
  return button;
}

static gboolean
group_has_profile (GtkWidget *widget,
                   gpointer   id)
{
  ChatProfile *profile = chat_account_group_get_profile (CHAT_ACCOUNT_GROUP (widget));

  return g_str_equal (chat_profile_get_id (profile), id);
}

static GtkWidget *
find_group (GtkWidget  *window,
            const char *profile_id)
{
  return find_widget (window, CHAT_TYPE_ACCOUNT_GROUP, group_has_profile, (gpointer) profile_id);
}

static gboolean
model_row_has_profile (GtkWidget *widget,
                       gpointer   id)
{
  ChatProfile *profile = chat_model_row_get_profile (CHAT_MODEL_ROW (widget));

  return g_str_equal (chat_profile_get_id (profile), id);
}

static GtkWidget *
find_model_row (GtkWidget  *window,
                const char *profile_id)
{
  return find_widget (window, CHAT_TYPE_MODEL_ROW, model_row_has_profile, (gpointer) profile_id);
}

static GSettings *
new_memory_settings (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  return g_settings_new_with_backend (APP_SCHEMA_ID, backend);
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static GtkWidget *
open_window (GSettings  *settings,
             ChatClient *client,
             const char *base_url_override)
{
  g_autoptr(ChatClient) own_client = client == NULL ? chat_client_new () : g_object_ref (client);
  GtkWidget *window = g_object_new (CHAT_TYPE_PREFERENCES_WINDOW,
                                    "settings", settings,
                                    "client", own_client,
                                    "base-url-override", base_url_override,
                                    NULL);

  gtk_window_present (GTK_WINDOW (window));
  wait_until (is_mapped, window, "the window to show");
  return window;
}

static gboolean
is_gone (gpointer pointer)
{
  return *(gpointer *) pointer == NULL;
}

static void
close_window (GtkWidget *window)
{
  gpointer watched = window;

  g_object_add_weak_pointer (G_OBJECT (window), &watched);
  gtk_window_destroy (GTK_WINDOW (window));
  wait_until (is_gone, &watched, "the window to go");
}

static char *
dup_key_file_path (void)
{
  return chat_secrets_dup_file_path ();
}

static void
remove_key_file (void)
{
  g_autofree char *path = dup_key_file_path ();

  g_remove (path);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The widget's drawing, once it is laid out: a widget waiting for its
 * allocation draws nothing. */
static GskRenderNode *
render_when_laid_out (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      GskRenderNode *node;

      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                              gtk_widget_get_height (widget));
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        return node;
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for the window to draw");
      settle (20);
    }
}

/* Renders @widget to BUILDDIR/screenshots/NAME.png. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *dir = g_build_filename (g_test_get_dir (G_TEST_BUILT), "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  settle (100);
  g_assert_cmpint (gtk_widget_get_width (widget), >, 0);
  g_mkdir_with_parents (dir, 0755);
  node = render_when_laid_out (widget);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static void
scroll_to (GtkWidget *page,
           gboolean   bottom)
{
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (find_widget (page, GTK_TYPE_SCROLLED_WINDOW, NULL, NULL));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  gtk_adjustment_set_value (adjustment, bottom ? gtk_adjustment_get_upper (adjustment) : 0);
  settle (100);
}

/* The visible page, scrolled to its end. */
static void
scroll_to_end (GtkWidget *window)
{
  scroll_to (GTK_WIDGET (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (window))), TRUE);
}

/* Conditions on rows */

typedef struct {
  GtkWidget  *root;
  const char *title;
} RowQuery;

static gboolean
has_row_titled (gpointer data)
{
  RowQuery *query = data;

  return find_widget (query->root, ADW_TYPE_PREFERENCES_ROW, row_has_title, (gpointer) query->title) != NULL;
}

static void
append_titles (GtkWidget *root,
               GString   *titles)
{
  if (ADW_IS_ACTION_ROW (root))
    g_string_append_printf (titles, " “%s” (%s)", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)),
                            adw_action_row_get_subtitle (ADW_ACTION_ROW (root)));
  else if (ADW_IS_PREFERENCES_ROW (root))
    g_string_append_printf (titles, " “%s”", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)));
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_titles (child, titles);
}

/* On time-out, says which rows there were. */
static void
wait_for_row (GtkWidget  *root,
              const char *title)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  RowQuery query = { root, title };

  while (!has_row_titled (&query))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autoptr(GString) titles = g_string_new (NULL);

          append_titles (root, titles);
          g_error ("Timed out waiting for a row “%s”; rows:%s", title, titles->str);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WIDGET (window);
    }
  return NULL;
}

static gboolean
has_toplevel (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static GtkWidget *
wait_for_toplevel (GType type)
{
  wait_until (has_toplevel, GSIZE_TO_POINTER (type), g_type_name (type));
  return find_toplevel (type);
}

/* Tests */

static void
test_builds (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  GtkWidget *window = open_window (settings, NULL, NULL);
  const char * const *ids = chat_profile_get_builtin_ids ();
  GtkWidget *proxy_row;

  g_assert_cmpuint (count_widgets (window, CHAT_TYPE_ACCOUNT_GROUP), ==, 4);
  g_assert_cmpuint (count_widgets (window, CHAT_TYPE_MODEL_ROW), ==, 4);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (ids[i]);
      GtkWidget *group = find_group (window, ids[i]);
      GtkWidget *note = find_row (group, "The vendor allows the Coding Plan endpoint only for coding tools; plan quota counts only there.");

      g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==,
                       chat_profile_get_name (profile));
      g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), ==,
                       chat_profile_get_base_url (profile));
      g_assert_cmpint (gtk_widget_get_visible (note), ==, chat_profile_get_is_coding (profile));
      wait_for_row (group, "No key set");
      g_assert_true (gtk_widget_get_sensitive (find_widget (group, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, NULL)));
    }
  proxy_row = find_row (window, "Proxy");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (proxy_row)),
                                   "Follows the system proxy settings"));
  g_test_message ("Proxy: %s", adw_action_row_get_subtitle (ADW_ACTION_ROW (proxy_row)));
  close_window (window);
}

/* Sets every widget on the Defaults and Appearance pages. */
static void
change_every_widget (GtkWidget *window)
{
  GtkTextBuffer *prompt = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_widget (window, GTK_TYPE_TEXT_VIEW, NULL, NULL)));

  adw_combo_row_set_selected (find_in_row (window, "Profile", ADW_TYPE_COMBO_ROW), 1);
  gtk_editable_set_text (GTK_EDITABLE (find_model_row (window, "coding")), "glm-4.5-air");
  gtk_switch_set_active (find_in_row (window, "Model Default Temperature", GTK_TYPE_SWITCH), FALSE);
  gtk_spin_button_set_value (find_in_row (window, "Temperature", GTK_TYPE_SPIN_BUTTON), 0.7);
  gtk_spin_button_set_value (find_in_row (window, "Top-p", GTK_TYPE_SPIN_BUTTON), 0.5);
  gtk_switch_set_active (find_in_row (window, "Model Default Top-p", GTK_TYPE_SWITCH), FALSE);
  gtk_spin_button_set_value (find_in_row (window, "Maximum Reply Length", GTK_TYPE_SPIN_BUTTON), 4096);
  adw_combo_row_set_selected (find_in_row (window, "Thinking", ADW_TYPE_COMBO_ROW), 2);
  gtk_text_buffer_set_text (prompt, "Answer briefly.\n请简短回答。", -1);
  adw_combo_row_set_selected (find_in_row (window, "Style", ADW_TYPE_COMBO_ROW), 2);
  gtk_range_set_value (find_in_row (window, "Conversation Text Size", GTK_TYPE_RANGE), 1.25);
  adw_combo_row_set_selected (find_in_row (window, "Send Messages With", ADW_TYPE_COMBO_ROW), 1);
  gtk_switch_set_active (find_in_row (window, "Notify When a Reply Finishes", GTK_TYPE_SWITCH), FALSE);
  gtk_spin_button_set_value (find_in_row (window, "Connect Time-out", GTK_TYPE_SPIN_BUTTON), 45);
  gtk_spin_button_set_value (find_in_row (window, "Idle Time-out", GTK_TYPE_SPIN_BUTTON), 300);
}

static void
assert_changed_settings (GSettings *settings)
{
  g_autofree char *profile = g_settings_get_string (settings, "default-profile");
  g_autofree char *prompt = g_settings_get_string (settings, "system-prompt");
  g_autoptr(GVariant) models = g_settings_get_value (settings, "default-models");
  g_autoptr(GVariant) expected_models = g_variant_ref_sink (g_variant_new_parsed ("{'coding': 'glm-4.5-air'}"));

  g_assert_cmpstr (profile, ==, "coding");
  g_assert_true (g_variant_equal (models, expected_models));
  g_assert_cmpfloat (g_settings_get_double (settings, "temperature"), ==, 0.7);
  g_assert_cmpfloat (g_settings_get_double (settings, "top-p"), ==, 0.5);
  g_assert_cmpint (g_settings_get_int (settings, "max-tokens"), ==, 4096);
  g_assert_cmpint (g_settings_get_enum (settings, "thinking"), ==, 2);
  g_assert_cmpstr (prompt, ==, "Answer briefly.\n请简短回答。");
  g_assert_cmpint (g_settings_get_enum (settings, "color-scheme"), ==, 2);
  g_assert_cmpfloat (g_settings_get_double (settings, "transcript-font-scale"), ==, 1.25);
  g_assert_cmpint (g_settings_get_enum (settings, "send-with"), ==, 1);
  g_assert_false (g_settings_get_boolean (settings, "notify-on-finish"));
  g_assert_cmpuint (g_settings_get_uint (settings, "connect-timeout"), ==, 45);
  g_assert_cmpuint (g_settings_get_uint (settings, "idle-timeout"), ==, 300);
}

static void
assert_widgets_read_back (GtkWidget *window)
{
  GtkTextBuffer *prompt = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_widget (window, GTK_TYPE_TEXT_VIEW, NULL, NULL)));
  g_autofree char *prompt_text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (prompt, &start, &end);
  prompt_text = gtk_text_buffer_get_text (prompt, &start, &end, FALSE);
  g_assert_cmpuint (adw_combo_row_get_selected (find_in_row (window, "Profile", ADW_TYPE_COMBO_ROW)), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_model_row (window, "coding"))), ==, "glm-4.5-air");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_model_row (window, "general"))), ==, "glm-4.7");
  g_assert_false (gtk_switch_get_active (find_in_row (window, "Model Default Temperature", GTK_TYPE_SWITCH)));
  g_assert_cmpfloat (gtk_spin_button_get_value (find_in_row (window, "Temperature", GTK_TYPE_SPIN_BUTTON)), ==, 0.7);
  g_assert_false (gtk_switch_get_active (find_in_row (window, "Model Default Top-p", GTK_TYPE_SWITCH)));
  g_assert_cmpfloat (gtk_spin_button_get_value (find_in_row (window, "Top-p", GTK_TYPE_SPIN_BUTTON)), ==, 0.5);
  g_assert_cmpfloat (gtk_spin_button_get_value (find_in_row (window, "Maximum Reply Length", GTK_TYPE_SPIN_BUTTON)), ==, 4096);
  g_assert_cmpuint (adw_combo_row_get_selected (find_in_row (window, "Thinking", ADW_TYPE_COMBO_ROW)), ==, 2);
  g_assert_cmpstr (prompt_text, ==, "Answer briefly.\n请简短回答。");
  g_assert_cmpuint (adw_combo_row_get_selected (find_in_row (window, "Style", ADW_TYPE_COMBO_ROW)), ==, 2);
  g_assert_cmpfloat (gtk_range_get_value (find_in_row (window, "Conversation Text Size", GTK_TYPE_RANGE)), ==, 1.25);
  g_assert_cmpuint (adw_combo_row_get_selected (find_in_row (window, "Send Messages With", ADW_TYPE_COMBO_ROW)), ==, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (find_in_row (window, "Send Messages With", ADW_TYPE_ACTION_ROW)), ==,
                   "Enter starts a new line");
  g_assert_false (gtk_switch_get_active (find_in_row (window, "Notify When a Reply Finishes", GTK_TYPE_SWITCH)));
  g_assert_cmpfloat (gtk_spin_button_get_value (find_in_row (window, "Connect Time-out", GTK_TYPE_SPIN_BUTTON)), ==, 45);
  g_assert_cmpfloat (gtk_spin_button_get_value (find_in_row (window, "Idle Time-out", GTK_TYPE_SPIN_BUTTON)), ==, 300);
}

static void
test_widgets_write_and_keep (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  GtkWidget *window = open_window (settings, NULL, NULL);

  change_every_widget (window);
  assert_changed_settings (settings);
  close_window (window);

  window = open_window (settings, NULL, NULL);
  assert_widgets_read_back (window);
  /* Opening the window wrote nothing back. */
  assert_changed_settings (settings);
  close_window (window);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_opening_writes_nothing (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  GtkWidget *window;

  /* A default profile that is not the first, and an unknown one after. */
  g_settings_set_string (settings, "default-profile", "zai");
  window = open_window (settings, NULL, NULL);
  g_assert_cmpuint (adw_combo_row_get_selected (find_in_row (window, "Profile", ADW_TYPE_COMBO_ROW)), ==, 2);
  g_assert_true (gtk_switch_get_active (find_in_row (window, "Model Default Temperature", GTK_TYPE_SWITCH)));
  g_assert_false (gtk_widget_get_sensitive (find_row (window, "Temperature")));
  g_settings_set_string (settings, "default-profile", "gone");
  g_assert_cmpuint (adw_combo_row_get_selected (find_in_row (window, "Profile", ADW_TYPE_COMBO_ROW)), ==, 0);
  close_window (window);

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_user_value (settings, keys[i]);

      if (!g_str_equal (keys[i], "default-profile"))
        g_assert_null (value);
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
assert_range (GtkWidget  *window,
              const char *row_title,
              double      lower,
              double      upper)
{
  GtkSpinButton *spin = find_in_row (window, row_title, GTK_TYPE_SPIN_BUTTON);
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);

  g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, lower);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, upper);
}

/* Values beyond the range are clamped, never written (a critical would
 * abort the test). */
static void
test_ranges (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  GtkWidget *window = open_window (settings, NULL, NULL);
  GtkRange *scale = find_in_row (window, "Conversation Text Size", GTK_TYPE_RANGE);
  GtkAdjustment *font = gtk_range_get_adjustment (scale);

  assert_range (window, "Maximum Reply Length", 0, 131072);
  assert_range (window, "Connect Time-out", 1, 600);
  assert_range (window, "Idle Time-out", 5, 3600);
  g_assert_cmpfloat (gtk_adjustment_get_lower (font), ==, 0.5);
  g_assert_cmpfloat (gtk_adjustment_get_upper (font), ==, 2.0);

  gtk_spin_button_set_value (find_in_row (window, "Connect Time-out", GTK_TYPE_SPIN_BUTTON), 100000);
  gtk_spin_button_set_value (find_in_row (window, "Idle Time-out", GTK_TYPE_SPIN_BUTTON), 0);
  gtk_range_set_value (scale, 9);
  gtk_switch_set_active (find_in_row (window, "Model Default Top-p", GTK_TYPE_SWITCH), FALSE);
  gtk_spin_button_set_value (find_in_row (window, "Top-p", GTK_TYPE_SPIN_BUTTON), 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "connect-timeout"), ==, 600);
  g_assert_cmpuint (g_settings_get_uint (settings, "idle-timeout"), ==, 5);
  g_assert_cmpfloat (g_settings_get_double (settings, "transcript-font-scale"), ==, 2.0);
  g_assert_cmpfloat (g_settings_get_double (settings, "top-p"), ==, 0.01);

  /* Back to the model's own value. */
  gtk_switch_set_active (find_in_row (window, "Model Default Top-p", GTK_TYPE_SWITCH), TRUE);
  g_assert_cmpfloat (g_settings_get_double (settings, "top-p"), ==, -1.0);
  g_assert_false (gtk_widget_get_sensitive (find_row (window, "Top-p")));
  close_window (window);
}

static void
test_color_scheme (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  GtkWidget *window = open_window (settings, NULL, NULL);
  AdwComboRow *row = find_in_row (window, "Style", ADW_TYPE_COMBO_ROW);
  AdwStyleManager *manager = adw_style_manager_get_default ();

  adw_combo_row_set_selected (row, 2);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (manager));
  adw_combo_row_set_selected (row, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (manager));
  /* A change made elsewhere applies too, and shows. */
  g_settings_set_enum (settings, "color-scheme", 2);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 2);
  adw_combo_row_set_selected (row, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_DEFAULT);
  close_window (window);
}

/* Focus first, as a click gives it: AdwEntryRow applies on Enter only
 * while it is being edited. */
static void
type_into (GtkWidget  *entry_row,
           const char *text)
{
  g_assert_true (gtk_widget_grab_focus (entry_row));
  settle (50);
  gtk_editable_set_text (GTK_EDITABLE (entry_row), text);
}

/* What the Enter key binding of the row's text does. */
static void
press_enter (GtkWidget *entry_row)
{
  g_signal_emit_by_name (find_widget (entry_row, GTK_TYPE_TEXT, NULL, NULL), "activate");
}

static gboolean
entry_is_empty_and_sensitive (gpointer entry)
{
  return *gtk_editable_get_text (entry) == '\0' && gtk_widget_get_sensitive (entry);
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

/* A missing file contains nothing. */
static gboolean
file_contains (const char *path,
               const char *text)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  return strstr (contents, text) != NULL;
}

/* Enter in the password row stores the key in the 0600 file, and the key
 * reaches neither the GSettings keyfile nor any log message. */
static void
test_store_key_in_file (void)
{
  const char *key = "sk-liao-prefs-7f3a9c1e-unique";
  g_autofree char *settings_path = g_build_filename (scratch_home, "settings.ini", NULL);
  g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (settings_path, "/io/github/liaochat/Liao/", "Liao");
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APP_SCHEMA_ID, backend);
  g_autofree char *key_path = dup_key_file_path ();
  g_autofree char *settings_text = NULL;
  g_autofree char *keys_text = NULL;
  g_autofree char *where = NULL;
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin ("coding");
  GtkWidget *window = open_window (settings, NULL, NULL);
  GtkWidget *group = find_group (window, "coding");
  GtkWidget *entry = find_widget (group, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, NULL);
  GStatBuf st;

  remove_key_file ();
  g_string_truncate (log_text, 0);
  wait_for_row (group, "No key set");
  type_into (entry, key);
  press_enter (entry);
  wait_for_row (group, "Stored in ~/.config/liao/keys.ini — no keyring is available; only you can read the file");
  wait_until (entry_is_empty_and_sensitive, entry, "the entry to clear");
  g_assert_true (gtk_widget_get_visible (find_button (group, "_Remove Key")));

  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  keys_text = read_file (key_path);
  g_assert_nonnull (strstr (keys_text, key));
  g_assert_cmpint (chat_secrets_describe (profile, &where), ==, CHAT_KEY_SOURCE_FILE);

  /* Something the window writes, so the settings file exists to search. */
  gtk_editable_set_text (GTK_EDITABLE (find_model_row (window, "coding")), "glm-4.6");
  settings_text = read_file (settings_path);
  g_assert_nonnull (strstr (settings_text, "glm-4.6"));
  g_assert_null (strstr (settings_text, key));
  g_assert_null (strstr (log_text->str, key));
  g_assert_nonnull (strstr (log_text->str, "API key"));

  /* Remove Key takes it out of the file. */
  gtk_widget_activate (find_button (group, "_Remove Key"));
  wait_for_row (group, "No key set");
  g_assert_false (file_contains (key_path, key));
  g_assert_cmpint (chat_secrets_describe (profile, NULL), ==, CHAT_KEY_SOURCE_NONE);
  close_window (window);
}

static void
test_invalid_key (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  GtkWidget *window = open_window (settings, NULL, NULL);
  GtkWidget *group = find_group (window, "general");
  GtkWidget *entry = find_widget (group, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, NULL);
  g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin ("general");
  GtkWidget *key_row;

  remove_key_file ();
  wait_for_row (group, "No key set");
  /* Without focus: Enter arrives as entry-activated, which stores too. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "sk-bad\tkey");
  press_enter (entry);
  key_row = find_row (group, "No key set");
  g_assert_nonnull (adw_action_row_get_subtitle (ADW_ACTION_ROW (key_row)));
  /* Kept for the user to fix, and stored nowhere. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "sk-bad\tkey");
  settle (100);
  g_assert_cmpint (chat_secrets_describe (profile, NULL), ==, CHAT_KEY_SOURCE_NONE);
  close_window (window);
}

typedef struct {
  GtkWidget  *row;
  const char *title;
} TitleWait;

static gboolean
row_title_is (gpointer data)
{
  TitleWait *wait = data;

  return row_has_title (wait->row, (gpointer) wait->title);
}

static void
wait_for_title (GtkWidget  *row,
                const char *title)
{
  TitleWait wait = { row, title };

  wait_until (row_title_is, &wait, title);
}

static const char *
last_authorization (ChatFakeServer *server,
                    const char     *path)
{
  GPtrArray *requests = chat_fake_server_get_requests (server);
  ChatFakeRequest *request;

  g_assert_cmpuint (requests->len, >, 0);
  request = g_ptr_array_index (requests, requests->len - 1);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, path);
  return soup_message_headers_get_one (request->headers, "Authorization");
}

static GtkWidget *
test_row_of (GtkWidget *group)
{
  return gtk_widget_get_ancestor (find_button (group, "_Test Connection"), ADW_TYPE_ACTION_ROW);
}

/* A custom profile points at the fake server: the typed key is tested,
 * the models show and feed the default model's suggestions; the auth
 * scenario shows the mapped message. */
static void
test_connection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatFakeServer) server = chat_fake_server_new (&error);
  g_autofree char *base_url = chat_fake_server_dup_base_url (server);
  g_autoptr(GSettings) settings = new_memory_settings ();
  g_autofree char *id = chat_profile_settings_add_custom (settings, "Fake 测试", base_url);
  g_autoptr(GError) auth = chat_error_new (CHAT_ERROR_AUTH, 401, "1002", NULL);
  GtkWidget *window, *group, *row, *entry;
  GMenuModel *suggestions;

  g_assert_no_error (error);
  remove_key_file ();
  window = open_window (settings, NULL, NULL);
  group = find_group (window, id);
  row = test_row_of (group);
  entry = find_widget (group, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, NULL);
  suggestions = chat_model_row_get_suggestions (CHAT_MODEL_ROW (find_model_row (window, id)));
  g_assert_cmpint (g_menu_model_get_n_items (suggestions), ==, 1);

  /* No key at all */
  gtk_widget_activate (find_button (group, "_Test Connection"));
  wait_for_title (row, "Connection failed");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "No key to test. Enter one above.");

  type_into (entry, "sk-fake-typed");
  gtk_widget_activate (find_button (group, "_Test Connection"));
  wait_for_title (row, "Connected: 3 models found");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "glm-4.7, glm-4.6, glm-4.5-air");
  g_assert_cmpstr (last_authorization (server, "/api/paas/v4/models"), ==, "Bearer sk-fake-typed");
  g_assert_cmpint (g_menu_model_get_n_items (suggestions), ==, 3);
  scroll_to_end (window);
  screenshot (window, "accounts-test-connection");

  chat_fake_server_set_scenario (server, "auth");
  gtk_widget_activate (find_button (group, "_Test Connection"));
  wait_for_title (row, "Connection failed");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, auth->message);
  close_window (window);
}

/* The environment's key shows read-only, is what Test connection sends
 * (here through the base URL override), and no other vendor's profile
 * takes it. */
static void
test_environment_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatFakeServer) server = chat_fake_server_new (&error);
  g_autofree char *base_url = chat_fake_server_dup_base_url (server);
  g_autoptr(GSettings) settings = new_memory_settings ();
  GtkWidget *window, *general, *zai, *row;

  g_assert_no_error (error);
  remove_key_file ();
  g_setenv ("ZHIPUAI_API_KEY", "sk-from-the-environment", TRUE);
  window = open_window (settings, NULL, base_url);
  general = find_group (window, "general");
  zai = find_group (window, "zai");
  wait_for_row (general, "From the environment variable ZHIPUAI_API_KEY");
  wait_for_row (find_group (window, "coding"), "From the environment variable ZHIPUAI_API_KEY");
  wait_for_row (zai, "No key set");
  g_assert_false (gtk_widget_get_sensitive (find_widget (general, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, NULL)));
  g_assert_true (gtk_widget_get_sensitive (find_widget (zai, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, NULL)));
  g_assert_false (gtk_widget_get_visible (find_button (general, "_Remove Key")));
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (general)), base_url));

  row = test_row_of (general);
  gtk_widget_activate (find_button (general, "_Test Connection"));
  wait_for_title (row, "Connected: 3 models found");
  g_assert_cmpstr (last_authorization (server, "/api/paas/v4/models"), ==, "Bearer sk-from-the-environment");
  close_window (window);
  g_setenv ("ZHIPUAI_API_KEY", "", TRUE);
}

static gboolean
has_three_items (gpointer menu)
{
  return g_menu_model_get_n_items (menu) == 3;
}

/* Opening the suggestions asks the server once, with the stored key. */
static void
test_model_suggestions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatFakeServer) server = chat_fake_server_new (&error);
  g_autofree char *base_url = chat_fake_server_dup_base_url (server);
  g_autoptr(GSettings) settings = new_memory_settings ();
  g_autofree char *id = chat_profile_settings_add_custom (settings, "Fake", base_url);
  g_autoptr(GPtrArray) customs = chat_profile_settings_load_custom (settings);
  g_autoptr(GVariant) models = NULL;
  GtkWidget *window, *row, *coding;
  GMenuModel *suggestions;

  g_assert_no_error (error);
  remove_key_file ();
  chat_secrets_store_key (customs->pdata[0], "sk-stored-for-models", NULL, &error);
  g_assert_no_error (error);
  window = open_window (settings, NULL, NULL);
  coding = find_model_row (window, "coding");
  row = find_model_row (window, id);
  suggestions = chat_model_row_get_suggestions (CHAT_MODEL_ROW (row));

  /* The built-in list until the server is asked. */
  g_assert_cmpint (g_menu_model_get_n_items (chat_model_row_get_suggestions (CHAT_MODEL_ROW (coding))), ==,
                   g_strv_length ((char **) chat_profile_get_models (chat_model_row_get_profile (CHAT_MODEL_ROW (coding)))));
  g_assert_cmpint (g_menu_model_get_n_items (suggestions), ==, 1);
  g_assert_cmpuint (chat_fake_server_get_requests (server)->len, ==, 0);
  gtk_menu_button_popup (GTK_MENU_BUTTON (find_widget (row, GTK_TYPE_MENU_BUTTON, NULL, NULL)));
  wait_until (has_three_items, suggestions, "the server's three models");
  g_assert_cmpstr (last_authorization (server, "/api/paas/v4/models"), ==, "Bearer sk-stored-for-models");
  screenshot (window, "defaults-model-suggestions");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (find_widget (row, GTK_TYPE_MENU_BUTTON, NULL, NULL)));
  /* GTK 4.8 starts a tooltip time-out as the menu closes, and fails a
   * critical if the window is gone when it fires (half a second). */
  settle (800);

  /* A suggestion fills the entry and the setting. */
  gtk_widget_activate_action (row, "model.use", "s", "glm-4.6");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "glm-4.6");
  models = g_settings_get_value (settings, "default-models");
  g_assert_cmpuint (g_variant_n_children (models), ==, 1);
  g_clear_pointer (&models, g_variant_unref);
  /* Cleared, the profile's own default applies: no entry. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  models = g_settings_get_value (settings, "default-models");
  g_assert_cmpuint (g_variant_n_children (models), ==, 0);
  /* A change made elsewhere shows. */
  g_settings_set_value (settings, "default-models", g_variant_new_parsed ("{'coding': 'glm-5.1'}"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (coding)), ==, "glm-5.1");
  close_window (window);
  remove_key_file ();
}

static GtkWidget *
dialog_row (GtkWidget  *dialog,
            const char *title)
{
  return find_row (dialog, title);
}

static void
answer_dialog (GtkWidget  *dialog,
               const char *button_label)
{
  GtkWidget *button = find_button (dialog, button_label);

  /* As a user would: it shows before anyone answers it. */
  wait_until (is_mapped, dialog, "the dialog to show");
  settle (100);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  settle (50);
}

static void
add_server (GtkWidget  *window,
            const char *name,
            const char *base_url)
{
  GtkWidget *dialog;

  gtk_widget_activate_action (window, "profiles.add", NULL);
  dialog = wait_for_toplevel (CHAT_TYPE_PROFILE_DIALOG);
  gtk_editable_set_text (GTK_EDITABLE (dialog_row (dialog, "Name")), name);
  gtk_editable_set_text (GTK_EDITABLE (dialog_row (dialog, "Base URL")), "localhost:8080");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save"));
  g_assert_true (gtk_widget_has_css_class (dialog_row (dialog, "Base URL"), "error"));
  gtk_editable_set_text (GTK_EDITABLE (dialog_row (dialog, "Base URL")), base_url);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save"));
  answer_dialog (dialog, "_Save");
}

static void
test_custom_profiles (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  GtkWidget *window = open_window (settings, NULL, NULL);
  AdwComboRow *default_row = find_in_row (window, "Profile", ADW_TYPE_COMBO_ROW);
  g_autoptr(GPtrArray) customs = NULL;
  g_autofree char *default_profile = NULL;
  g_autofree char *key_path = dup_key_file_path ();
  GtkWidget *group, *dialog;

  remove_key_file ();
  /* Markup characters stay text: nothing parses them. */
  add_server (window, "Lab <GPU> & Co", "http://127.0.0.1:9/v1");
  customs = chat_profile_settings_load_custom (settings);
  g_assert_cmpuint (customs->len, ==, 1);
  g_assert_cmpstr (chat_profile_get_id (customs->pdata[0]), ==, "lab-gpu-co");
  group = find_group (window, "lab-gpu-co");
  g_assert_nonnull (group);
  /* The title is markup (libadwaita 1.2), escaped; this reads it back as shown. */
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, "Lab <GPU> & Co");
  g_assert_nonnull (find_model_row (window, "lab-gpu-co"));
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (default_row)), ==, 5);
  add_server (window, "本地服务器", "http://127.0.0.1:10/v1");
  g_assert_nonnull (find_group (window, "custom"));
  g_assert_cmpuint (count_widgets (window, CHAT_TYPE_ACCOUNT_GROUP), ==, 6);
  scroll_to_end (window);
  screenshot (window, "accounts-custom-added");

  /* Edit: the id stays, the name and address change. */
  gtk_widget_activate_action (window, "profiles.edit", "s", "lab-gpu-co");
  dialog = wait_for_toplevel (CHAT_TYPE_PROFILE_DIALOG);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_row (dialog, "Base URL"))), ==, "http://127.0.0.1:9/v1");
  gtk_editable_set_text (GTK_EDITABLE (dialog_row (dialog, "Name")), "Lab");
  gtk_editable_set_text (GTK_EDITABLE (dialog_row (dialog, "Base URL")), "http://127.0.0.1:11/v2");
  answer_dialog (dialog, "_Save");
  group = find_group (window, "lab-gpu-co");
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, "Lab");
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), ==, "http://127.0.0.1:11/v2");

  /* Make it the default and give it a key, then remove it. */
  adw_combo_row_set_selected (default_row, 4);
  default_profile = g_settings_get_string (settings, "default-profile");
  g_assert_cmpstr (default_profile, ==, "lab-gpu-co");
  chat_secrets_store_key (chat_account_group_get_profile (CHAT_ACCOUNT_GROUP (group)), "sk-lab-key-to-go", NULL, NULL);
  gtk_widget_activate_action (window, "profiles.remove", "s", "lab-gpu-co");
  dialog = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Remove “Lab”?");
  answer_dialog (dialog, "_Remove");
  g_assert_null (find_group (window, "lab-gpu-co"));
  g_assert_null (find_model_row (window, "lab-gpu-co"));
  g_assert_nonnull (find_group (window, "custom"));
  g_clear_pointer (&default_profile, g_free);
  default_profile = g_settings_get_string (settings, "default-profile");
  g_assert_cmpstr (default_profile, ==, "general");
  g_assert_cmpuint (adw_combo_row_get_selected (default_row), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (default_row)), ==, 5);
  settle (200);
  g_assert_false (file_contains (key_path, "sk-lab-key-to-go"));
  close_window (window);
  remove_key_file ();
}

static void
shoot_pages (GtkWidget  *window,
             const char *style)
{
  static const char * const pages[] = { "accounts", "defaults", "appearance" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *top = g_strdup_printf ("%s-%s", pages[i], style);
      g_autofree char *bottom = g_strdup_printf ("%s-%s-end", pages[i], style);
      GtkWidget *page;

      adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), pages[i]);
      page = GTK_WIDGET (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (window)));
      settle (300);
      scroll_to (page, FALSE);
      screenshot (window, top);
      scroll_to (page, TRUE);
      screenshot (window, bottom);
      scroll_to (page, FALSE);
    }
}

static void
test_screenshots (void)
{
  g_autoptr(GSettings) settings = new_memory_settings ();
  g_autoptr(GPtrArray) customs = NULL;
  g_autofree char *id = NULL;
  GtkWidget *window;

  remove_key_file ();
  id = chat_profile_settings_add_custom (settings, "本地模型 (Ollama)", "http://127.0.0.1:11434/v1");
  customs = chat_profile_settings_load_custom (settings);
  chat_secrets_store_key (customs->pdata[0], "sk-screenshot", NULL, NULL);
  g_settings_set_string (settings, "system-prompt", "You are a concise assistant.\n你是一个简洁的助手，请用中文回答。");
  g_setenv ("ZAI_API_KEY", "sk-zai-from-env", TRUE);
  window = open_window (settings, NULL, NULL);
  wait_for_row (find_group (window, "zai"), "From the environment variable ZAI_API_KEY");
  wait_for_row (find_group (window, id), "Stored in ~/.config/liao/keys.ini — no keyring is available; only you can read the file");
  shoot_pages (window, "light");
  g_settings_set_enum (settings, "color-scheme", 2);
  shoot_pages (window, "dark");
  g_settings_set_enum (settings, "color-scheme", 0);
  close_window (window);
  g_setenv ("ZAI_API_KEY", "", TRUE);
  remove_key_file ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  int status;

  /* Before anything logs or caches the folders. */
  log_text = g_string_new (NULL);
  g_log_set_writer_func (keep_structured_log, NULL, NULL);
  scratch_home = g_dir_make_tmp ("liao-prefs-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (scratch_home, ".config", NULL);
  g_setenv ("HOME", scratch_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("LIAO_SECRETS_BACKEND", "file", TRUE);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  g_test_init (&argc, &argv, NULL);
  test_log_handler = g_log_set_default_handler (keep_log, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/preferences/builds", test_builds);
  g_test_add_func ("/preferences/widgets-write-and-keep", test_widgets_write_and_keep);
  g_test_add_func ("/preferences/opening-writes-nothing", test_opening_writes_nothing);
  g_test_add_func ("/preferences/ranges", test_ranges);
  g_test_add_func ("/preferences/color-scheme", test_color_scheme);
  g_test_add_func ("/preferences/store-key-in-file", test_store_key_in_file);
  g_test_add_func ("/preferences/invalid-key", test_invalid_key);
  g_test_add_func ("/preferences/test-connection", test_connection);
  g_test_add_func ("/preferences/environment-key", test_environment_key);
  g_test_add_func ("/preferences/model-suggestions", test_model_suggestions);
  g_test_add_func ("/preferences/custom-profiles", test_custom_profiles);
  g_test_add_func ("/preferences/screenshots", test_screenshots);

  status = g_test_run ();
  remove_dir (scratch_home);
  return status;
}
