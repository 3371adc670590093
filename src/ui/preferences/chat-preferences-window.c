/* chat-preferences-window.c: Liao's Preferences window
 *
 * Three pages over one GSettings object: Accounts (a ChatAccountGroup per
 * profile, custom ones added, edited and removed here), Defaults and
 * Appearance and Behaviour.  Every widget writes its key as it changes;
 * numbers are clamped to the schema's range first, since g_settings_set()
 * refuses (with a critical) anything outside it.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "chat-account-group.h"
#include "chat-profile-settings.h"
#include "chat-model-row.h"
#include "chat-preferences-window.h"
#include "chat-profile-dialog.h"
#include "chat-secrets.h"

#define APP_SCHEMA_ID    "io.github.liaochat.Liao"
#define PROXY_SCHEMA_ID  "org.gnome.system.proxy"
#define FALLBACK_PROFILE "general"

/* A number the model picks unless the user sets one: the key holds -1 (or
 * anything below @minimum) for "model default". */
typedef struct {
  const char    *key;
  double         minimum;
  GtkSwitch     *model_default;
  GtkSpinButton *spin;
} OptionalNumber;

struct _ChatPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwPreferencesPage   *accounts_page;
  AdwComboRow          *color_scheme_row;
  GtkSpinButton        *connect_timeout_spin;
  AdwComboRow          *default_profile_row;
  GtkScale             *font_scale;
  GtkSpinButton        *idle_timeout_spin;
  GtkSpinButton        *max_tokens_spin;
  AdwPreferencesGroup  *models_group;
  GtkSwitch            *notify_switch;
  AdwActionRow         *proxy_row;
  AdwComboRow          *send_with_row;
  GtkTextView          *system_prompt_view;
  GtkSwitch            *temperature_default_switch;
  GtkWidget            *temperature_row;
  GtkSpinButton        *temperature_spin;
  AdwComboRow          *thinking_row;
  GtkSwitch            *top_p_default_switch;
  GtkWidget            *top_p_row;
  GtkSpinButton        *top_p_spin;

  GSettings            *settings;
  ChatClient           *client;
  char                 *base_url_override;
  /* ChatProfile: the built-in ones, then the custom ones */
  GListStore           *profiles;
  guint                 n_builtin;
  /* The widgets of custom profiles, replaced when the list changes. */
  GPtrArray            *custom_groups;
  GPtrArray            *custom_rows;
  OptionalNumber        optional[2];
  /* Set while widgets are updated from the settings, so they do not write back. */
  gboolean              syncing;
};

G_DEFINE_FINAL_TYPE (ChatPreferencesWindow, chat_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CLIENT,
  PROP_BASE_URL_OVERRIDE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The nicks of the enum keys, in the order of their combo rows. */
static const char * const thinking_nicks[] = { "default", "enabled", "disabled", NULL };
static const char * const color_scheme_nicks[] = { "system", "light", "dark", NULL };
static const char * const send_with_nicks[] = { "enter", "ctrl-enter", NULL };

/* Schema ranges */

static gboolean
get_range (GSettings  *settings,
           const char *key,
           double     *minimum,
           double     *maximum)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) limits = NULL;
  const char *kind;

  g_object_get (settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(&sv)", &kind, &limits);
  if (!g_str_equal (kind, "range"))
    return FALSE;
  if (g_variant_is_of_type (limits, G_VARIANT_TYPE ("(dd)")))
    g_variant_get (limits, "(dd)", minimum, maximum);
  else if (g_variant_is_of_type (limits, G_VARIANT_TYPE ("(ii)")))
    {
      gint32 low, high;

      g_variant_get (limits, "(ii)", &low, &high);
      *minimum = low;
      *maximum = high;
    }
  else
    {
      guint32 low, high;

      g_variant_get (limits, "(uu)", &low, &high);
      *minimum = low;
      *maximum = high;
    }
  return TRUE;
}

static void
set_double_clamped (GSettings  *settings,
                    const char *key,
                    double      value)
{
  double minimum, maximum;

  if (get_range (settings, key, &minimum, &maximum))
    value = CLAMP (value, minimum, maximum);
  g_settings_set_double (settings, key, value);
}

/* The adjustment takes the key's range, so the binding never writes a
 * value the schema refuses. */
static void
bind_adjustment (ChatPreferencesWindow *self,
                 const char            *key,
                 GtkAdjustment         *adjustment)
{
  double minimum, maximum;

  if (get_range (self->settings, key, &minimum, &maximum))
    {
      gtk_adjustment_set_lower (adjustment, minimum);
      gtk_adjustment_set_upper (adjustment, maximum);
    }
  g_settings_bind (self->settings, key, adjustment, "value", G_SETTINGS_BIND_DEFAULT);
}

/* Enum keys and combo rows */

static gboolean
nick_to_position (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
position_to_nick (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint position = g_value_get_uint (value);

  if (position >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[position]);
}

static void
bind_combo (ChatPreferencesWindow *self,
            const char            *key,
            AdwComboRow           *row,
            const char * const    *nicks)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                nick_to_position, position_to_nick, (gpointer) nicks, NULL);
}

void
chat_preferences_apply_color_scheme (GSettings *settings)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  int value = g_settings_get_enum (settings, "color-scheme");

  g_return_if_fail (value >= 0 && value < (int) G_N_ELEMENTS (schemes));

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), schemes[value]);
}

/* The key that does not send starts a new line. */
static void
on_send_with_selected (ChatPreferencesWindow *self)
{
  gboolean ctrl_enter = adw_combo_row_get_selected (self->send_with_row) == 1;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->send_with_row),
                               ctrl_enter ? _("Enter starts a new line") : _("Shift+Enter starts a new line"));
}

/* Temperature and top-p */

static OptionalNumber *
find_optional (ChatPreferencesWindow *self,
               gpointer               widget)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->optional); i++)
    if (widget == self->optional[i].model_default || widget == self->optional[i].spin)
      return &self->optional[i];
  g_assert_not_reached ();
}

static void
write_optional (ChatPreferencesWindow *self,
                OptionalNumber        *number)
{
  double value = gtk_spin_button_get_value (number->spin);

  if (self->syncing)
    return;
  /* The API takes two decimals; steps of 0.05 add float noise. */
  value = round (value * 100) / 100;
  set_double_clamped (self->settings, number->key,
                      gtk_switch_get_active (number->model_default) ? -1.0 : value);
}

static void
on_optional_switch (ChatPreferencesWindow *self,
                    GParamSpec            *pspec,
                    GtkSwitch             *model_default)
{
  write_optional (self, find_optional (self, model_default));
}

static void
on_optional_spin (ChatPreferencesWindow *self,
                  GtkSpinButton         *spin)
{
  OptionalNumber *number = find_optional (self, spin);

  if (!gtk_switch_get_active (number->model_default))
    write_optional (self, number);
}

/* The spin button keeps its last value while the model decides, so
 * turning the switch off brings it back. */
static void
sync_optional (ChatPreferencesWindow *self,
               OptionalNumber        *number)
{
  double value = g_settings_get_double (self->settings, number->key);
  gboolean model_default = value < number->minimum;

  self->syncing = TRUE;
  gtk_switch_set_active (number->model_default, model_default);
  if (!model_default)
    gtk_spin_button_set_value (number->spin, value);
  self->syncing = FALSE;
}

static void
set_up_optional (ChatPreferencesWindow *self,
                 OptionalNumber        *number,
                 GtkWidget             *value_row)
{
  g_object_bind_property (number->model_default, "active", value_row, "sensitive",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  sync_optional (self, number);
}

/* Profiles */

static char *
dup_request_base (ChatPreferencesWindow *self,
                  ChatProfile           *profile)
{
  return g_strdup (self->base_url_override != NULL ? self->base_url_override
                                                   : chat_profile_get_base_url (profile));
}

static void
add_profile_widgets (ChatPreferencesWindow *self,
                     ChatProfile           *profile)
{
  g_autofree char *base_url = dup_request_base (self, profile);
  GtkWidget *group = chat_account_group_new (profile, base_url, self->client);
  GtkWidget *row = chat_model_row_new (profile, base_url, self->client, self->settings);

  adw_preferences_page_add (self->accounts_page, ADW_PREFERENCES_GROUP (group));
  adw_preferences_group_add (self->models_group, row);
  if (!chat_profile_get_is_builtin (profile))
    {
      g_ptr_array_add (self->custom_groups, group);
      g_ptr_array_add (self->custom_rows, row);
    }
}

static ChatProfile *
find_profile (ChatPreferencesWindow *self,
              const char            *id,
              guint                 *position)
{
  GListModel *model = G_LIST_MODEL (self->profiles);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ChatProfile) profile = g_list_model_get_item (model, i);

      if (!g_str_equal (chat_profile_get_id (profile), id))
        continue;
      if (position != NULL)
        *position = i;
      return profile;
    }
  return NULL;
}

/* An id that names no profile shows as General, without writing. */
static void
sync_default_profile (ChatPreferencesWindow *self)
{
  g_autofree char *id = g_settings_get_string (self->settings, "default-profile");
  guint position = 0;

  if (find_profile (self, id, &position) == NULL)
    find_profile (self, FALLBACK_PROFILE, &position);
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->default_profile_row, position);
  self->syncing = FALSE;
}

static void
on_default_profile_selected (ChatPreferencesWindow *self)
{
  ChatProfile *profile = adw_combo_row_get_selected_item (self->default_profile_row);
  g_autofree char *old = g_settings_get_string (self->settings, "default-profile");

  if (self->syncing || profile == NULL || g_str_equal (old, chat_profile_get_id (profile)))
    return;
  g_settings_set_string (self->settings, "default-profile", chat_profile_get_id (profile));
}

static void
remove_custom_widgets (ChatPreferencesWindow *self)
{
  for (guint i = 0; i < self->custom_groups->len; i++)
    adw_preferences_page_remove (self->accounts_page, g_ptr_array_index (self->custom_groups, i));
  for (guint i = 0; i < self->custom_rows->len; i++)
    adw_preferences_group_remove (self->models_group, g_ptr_array_index (self->custom_rows, i));
  g_ptr_array_set_size (self->custom_groups, 0);
  g_ptr_array_set_size (self->custom_rows, 0);
}

/* Rebuilt whole on every change: custom profiles change rarely, and a
 * fresh ChatProfile is the simplest way to follow a new base URL. */
static void
load_custom_profiles (ChatPreferencesWindow *self)
{
  g_autoptr(GPtrArray) customs = chat_profile_settings_load_custom (self->settings);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->profiles)) - self->n_builtin;

  remove_custom_widgets (self);
  self->syncing = TRUE;
  g_list_store_splice (self->profiles, self->n_builtin, n_old, customs->pdata, customs->len);
  self->syncing = FALSE;
  for (guint i = 0; i < customs->len; i++)
    add_profile_widgets (self, g_ptr_array_index (customs, i));
  sync_default_profile (self);
}

static void
load_builtin_profiles (ChatPreferencesWindow *self)
{
  const char * const *ids = chat_profile_get_builtin_ids ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (ids[i]);

      g_list_store_append (self->profiles, profile);
      add_profile_widgets (self, profile);
    }
  self->n_builtin = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));
}

/* The header of the custom profiles, between the built-in ones and them. */
static void
add_servers_group (ChatPreferencesWindow *self)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *content = adw_button_content_new ();
  GtkWidget *button = gtk_button_new ();

  adw_preferences_group_set_title (group, _("Other Servers"));
  adw_preferences_group_set_description (group, _("Any server that speaks the OpenAI chat-completions API"));
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Add Server…"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "profiles.add");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  adw_preferences_group_set_header_suffix (group, button);
  adw_preferences_page_add (self->accounts_page, group);
}

/* Adding, editing and removing custom profiles */

static void
on_profile_dialog_response (ChatPreferencesWindow *self,
                            const char            *response,
                            ChatProfileDialog     *dialog)
{
  const char *id = chat_profile_dialog_get_profile_id (dialog);
  g_autofree char *name = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *new_id = NULL;

  if (!g_str_equal (response, "save"))
    return;
  name = chat_profile_dialog_dup_name (dialog);
  base_url = chat_profile_dialog_dup_base_url (dialog);
  if (id == NULL)
    new_id = chat_profile_settings_add_custom (self->settings, name, base_url);
  else if (!chat_profile_settings_update_custom (self->settings, id, name, base_url))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (_("The server was removed meanwhile")));
}

static void
show_profile_dialog (ChatPreferencesWindow *self,
                     ChatProfile           *profile)
{
  GtkWidget *dialog = chat_profile_dialog_new (GTK_WINDOW (self), profile);

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_profile_dialog_response),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_profile (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_profile_dialog (CHAT_PREFERENCES_WINDOW (widget), NULL);
}

static void
edit_profile (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ChatPreferencesWindow *self = CHAT_PREFERENCES_WINDOW (widget);
  ChatProfile *profile = find_profile (self, g_variant_get_string (parameter, NULL), NULL);

  if (profile != NULL && !chat_profile_get_is_builtin (profile))
    show_profile_dialog (self, profile);
}

static void
on_key_cleared (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ChatPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (chat_secrets_clear_key_finish (result, &error) || error == NULL)
    return;
  /* Translators: %s says why, e.g. that the keyring refused */
  message = g_strdup_printf (_("The removed server’s key could not be deleted: %s"), error->message);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
on_remove_response (ChatPreferencesWindow *self,
                    const char            *response,
                    AdwMessageDialog      *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "profile-id");
  ChatProfile *profile = find_profile (self, id, NULL);

  if (!g_str_equal (response, "remove") || profile == NULL)
    return;
  /* Not cancelled with the window: the key must go even if it closes. */
  chat_secrets_clear_key_async (profile, NULL, on_key_cleared, g_object_ref (self));
  chat_profile_settings_remove_custom (self->settings, id);
}

static void
remove_profile (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ChatPreferencesWindow *self = CHAT_PREFERENCES_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  ChatProfile *profile = find_profile (self, id, NULL);
  GtkWidget *dialog;

  if (profile == NULL || chat_profile_get_is_builtin (profile))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL,
                                   _("Its stored API key is deleted too. Conversations that used it switch to General."));
  /* Translators: %s is the name of a server the user added */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Remove “%s”?"),
                                     chat_profile_get_name (profile));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "profile-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Proxy */

static char *
describe_gnome_proxy (GSettingsSchema *schema)
{
  g_autoptr(GSettings) proxy = g_settings_new_full (schema, NULL, NULL);
  g_autofree char *mode = g_settings_get_string (proxy, "mode");

  if (g_str_equal (mode, "manual"))
    {
      g_autoptr(GSettings) https = g_settings_get_child (proxy, "https");
      g_autofree char *host = g_settings_get_string (https, "host");

      if (*host == '\0')
        return g_strdup (_("Follows the system proxy settings: manual"));
      /* Translators: %s is a host name, %d its port */
      return g_strdup_printf (_("Follows the system proxy settings: manual, %s port %d"),
                              host, g_settings_get_int (https, "port"));
    }
  if (g_str_equal (mode, "auto"))
    return g_strdup (_("Follows the system proxy settings: automatic configuration"));
  return g_strdup (_("Follows the system proxy settings: direct connection"));
}

/* GNOME's proxy settings where they are installed; elsewhere which
 * resolver GIO found (a dummy one means no proxy support, so direct). */
static char *
describe_proxy (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  GProxyResolver *resolver;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, PROXY_SCHEMA_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "mode"))
    return describe_gnome_proxy (schema);
  resolver = g_proxy_resolver_get_default ();
  if (g_str_equal (G_OBJECT_TYPE_NAME (resolver), "GDummyProxyResolver"))
    return g_strdup (_("Follows the system proxy settings: direct connection"));
  /* Translators: %s names the GIO proxy resolver, e.g. GLibproxyResolver */
  return g_strdup_printf (_("Follows the system proxy settings (%s)"), G_OBJECT_TYPE_NAME (resolver));
}

/* Settings */

static void
on_settings_changed (ChatPreferencesWindow *self,
                     const char            *key)
{
  if (g_str_equal (key, "custom-profiles"))
    load_custom_profiles (self);
  else if (g_str_equal (key, "default-profile"))
    sync_default_profile (self);
  else if (g_str_equal (key, "color-scheme"))
    chat_preferences_apply_color_scheme (self->settings);
  else if (g_str_equal (key, self->optional[0].key))
    sync_optional (self, &self->optional[0]);
  else if (g_str_equal (key, self->optional[1].key))
    sync_optional (self, &self->optional[1]);
}

static char *
format_percent (GtkScale *scale,
                double    value,
                gpointer  user_data)
{
  /* Translators: a text size relative to the normal one, e.g. 125% */
  return g_strdup_printf (_("%d%%"), (int) round (value * 100));
}

static void
bind_settings (ChatPreferencesWindow *self)
{
  GtkTextBuffer *prompt = gtk_text_view_get_buffer (self->system_prompt_view);

  bind_adjustment (self, "max-tokens", gtk_spin_button_get_adjustment (self->max_tokens_spin));
  bind_adjustment (self, "transcript-font-scale", gtk_range_get_adjustment (GTK_RANGE (self->font_scale)));
  gtk_scale_set_format_value_func (self->font_scale, format_percent, NULL, NULL);
  gtk_scale_add_mark (self->font_scale, 1.0, GTK_POS_BOTTOM, NULL);
  bind_adjustment (self, "connect-timeout", gtk_spin_button_get_adjustment (self->connect_timeout_spin));
  bind_adjustment (self, "idle-timeout", gtk_spin_button_get_adjustment (self->idle_timeout_spin));
  bind_combo (self, "thinking", self->thinking_row, thinking_nicks);
  bind_combo (self, "color-scheme", self->color_scheme_row, color_scheme_nicks);
  bind_combo (self, "send-with", self->send_with_row, send_with_nicks);
  g_settings_bind (self->settings, "notify-on-finish", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "system-prompt", prompt, "text", G_SETTINGS_BIND_DEFAULT);
  set_up_optional (self, &self->optional[0], self->temperature_row);
  set_up_optional (self, &self->optional[1], self->top_p_row);
}

static void
chat_preferences_window_constructed (GObject *object)
{
  ChatPreferencesWindow *self = CHAT_PREFERENCES_WINDOW (object);
  g_autofree char *proxy = describe_proxy ();

  G_OBJECT_CLASS (chat_preferences_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_SCHEMA_ID);
  if (self->client == NULL)
    self->client = chat_client_new ();

  load_builtin_profiles (self);
  add_servers_group (self);
  /* Setting a model selects its first item: that is no choice of the user's. */
  self->syncing = TRUE;
  adw_combo_row_set_model (self->default_profile_row, G_LIST_MODEL (self->profiles));
  self->syncing = FALSE;
  load_custom_profiles (self);
  bind_settings (self);
  adw_action_row_set_subtitle (self->proxy_row, proxy);
  chat_preferences_apply_color_scheme (self->settings);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
chat_preferences_window_dispose (GObject *object)
{
  ChatPreferencesWindow *self = CHAT_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->client);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (chat_preferences_window_parent_class)->dispose (object);
}

static void
chat_preferences_window_finalize (GObject *object)
{
  ChatPreferencesWindow *self = CHAT_PREFERENCES_WINDOW (object);

  g_free (self->base_url_override);
  g_ptr_array_unref (self->custom_groups);
  g_ptr_array_unref (self->custom_rows);

  G_OBJECT_CLASS (chat_preferences_window_parent_class)->finalize (object);
}

static void
chat_preferences_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ChatPreferencesWindow *self = CHAT_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_BASE_URL_OVERRIDE:
      g_value_set_string (value, self->base_url_override);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_preferences_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  ChatPreferencesWindow *self = CHAT_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_BASE_URL_OVERRIDE:
      self->base_url_override = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_preferences_window_class_init (ChatPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = chat_preferences_window_constructed;
  object_class->dispose = chat_preferences_window_dispose;
  object_class->finalize = chat_preferences_window_finalize;
  object_class->get_property = chat_preferences_window_get_property;
  object_class->set_property = chat_preferences_window_set_property;

  /* NULL: the application's own settings.  Tests pass a memory or keyfile backed one. */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CHAT_TYPE_CLIENT, flags);
  properties[PROP_BASE_URL_OVERRIDE] =
    g_param_spec_string ("base-url-override", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/preferences/chat-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, accounts_page);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, connect_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, default_profile_row);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, font_scale);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, idle_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, max_tokens_spin);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, models_group);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, proxy_row);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, send_with_row);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, system_prompt_view);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, temperature_default_switch);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, temperature_row);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, temperature_spin);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, thinking_row);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, top_p_default_switch);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, top_p_row);
  gtk_widget_class_bind_template_child (widget_class, ChatPreferencesWindow, top_p_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_default_profile_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_optional_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_optional_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_send_with_selected);

  gtk_widget_class_install_action (widget_class, "profiles.add", NULL, add_profile);
  gtk_widget_class_install_action (widget_class, "profiles.edit", "s", edit_profile);
  gtk_widget_class_install_action (widget_class, "profiles.remove", "s", remove_profile);
}

static void
chat_preferences_window_init (ChatPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->profiles = g_list_store_new (CHAT_TYPE_PROFILE);
  self->custom_groups = g_ptr_array_new ();
  self->custom_rows = g_ptr_array_new ();
  self->optional[0] = (OptionalNumber) { "temperature", 0.0, self->temperature_default_switch,
                                         self->temperature_spin };
  self->optional[1] = (OptionalNumber) { "top-p", 0.01, self->top_p_default_switch,
                                         self->top_p_spin };
  adw_combo_row_set_expression (self->default_profile_row,
                                gtk_property_expression_new (CHAT_TYPE_PROFILE, NULL, "name"));
}

GtkWidget *
chat_preferences_window_new (GtkWindow  *parent,
                             ChatClient *client,
                             const char *base_url_override)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (client == NULL || CHAT_IS_CLIENT (client), NULL);

  return g_object_new (CHAT_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "client", client,
                       "base-url-override", base_url_override,
                       NULL);
}
