/* chat-account-group.c: one profile's key and connection test
 *
 * The key goes only to chat-secrets (keyring or the 0600 file): the entry
 * is cleared once it is stored, and nothing here logs or keeps it.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "chat-account-group.h"
#include "chat-error.h"
#include "chat-secrets.h"

/* How many model names the test result lists before "and N more". */
#define MAX_LISTED_MODELS 4

struct _ChatAccountGroup
{
  AdwPreferencesGroup  parent_instance;

  AdwActionRow        *coding_row;
  GtkWidget           *custom_buttons;
  GtkWidget           *edit_button;
  AdwEntryRow         *key_entry;
  GtkImage            *key_icon;
  AdwActionRow        *key_row;
  GtkWidget           *remove_button;
  GtkWidget           *remove_key_button;
  GtkWidget           *test_button;
  GtkImage            *test_icon;
  AdwActionRow        *test_row;
  GtkSpinner          *test_spinner;

  ChatProfile         *profile;
  char                *base_url;
  ChatClient          *client;
  GCancellable        *cancellable;
  /* A key is being stored or removed. */
  gboolean             key_busy;
};

G_DEFINE_FINAL_TYPE (ChatAccountGroup, chat_account_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_BASE_URL,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, CHAT_ERROR, CHAT_ERROR_CANCELLED);
}

/* @style_class: "success", "error" or NULL (plain). */
static void
set_icon (GtkImage   *image,
          const char *icon_name,
          const char *style_class)
{
  gtk_image_set_from_icon_name (image, icon_name);
  gtk_widget_remove_css_class (GTK_WIDGET (image), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (image), "error");
  if (style_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (image), style_class);
}

/* /home/ann/.config/liao/keys.ini -> ~/.config/liao/keys.ini */
static char *
dup_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize len = strlen (home);

  if (len > 1 && g_str_has_prefix (path, home) && path[len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + len, NULL);
  return g_strdup (path);
}

static char *
describe_file_source (void)
{
  g_autofree char *path = chat_secrets_dup_file_path ();
  g_autofree char *shown = dup_display_path (path);

  /* Translators: %s is a file path such as ~/.config/liao/keys.ini */
  return g_strdup_printf (_("Stored in %s — no keyring is available; only you can read the file"),
                          shown);
}

static void
show_source (ChatAccountGroup *self,
             ChatKeySource     source,
             const char       *where)
{
  g_autofree char *title = NULL;
  gboolean stored = source == CHAT_KEY_SOURCE_KEYRING || source == CHAT_KEY_SOURCE_FILE;

  if (source == CHAT_KEY_SOURCE_ENVIRONMENT)
    /* Translators: %s is a variable name such as ZHIPUAI_API_KEY */
    title = g_strdup_printf (_("From the environment variable %s"), where);
  else if (source == CHAT_KEY_SOURCE_KEYRING)
    title = g_strdup (_("Stored in the keyring"));
  else if (source == CHAT_KEY_SOURCE_FILE)
    title = describe_file_source ();
  else
    title = g_strdup (_("No key set"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), title);
  adw_action_row_set_subtitle (self->key_row, source == CHAT_KEY_SOURCE_ENVIRONMENT
                               ? _("Unset the variable to use a key stored here") : NULL);
  set_icon (self->key_icon, source == CHAT_KEY_SOURCE_NONE ? "dialog-password-symbolic"
            : "emblem-ok-symbolic", source == CHAT_KEY_SOURCE_NONE ? NULL : "success");
  gtk_widget_set_visible (self->remove_key_button, stored);
  /* The environment wins over anything stored here, so storing would change nothing. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_entry), source != CHAT_KEY_SOURCE_ENVIRONMENT);
}

static void
show_key_problem (ChatAccountGroup *self,
                  const char       *message)
{
  adw_action_row_set_subtitle (self->key_row, message);
  set_icon (self->key_icon, "dialog-warning-symbolic", "error");
}

/* The entry stays sensitive: making a focused GtkText insensitive loses
 * its focus-out event (a GTK warning), and it is focused after Enter. */
static void
set_key_busy (ChatAccountGroup *self,
              gboolean          busy)
{
  self->key_busy = busy;
  gtk_widget_set_sensitive (self->remove_key_button, !busy);
}

static void
on_described (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  ChatKeySource found = chat_secrets_describe_finish (result, &where, &error);
  ChatAccountGroup *self = user_data;

  if (is_cancelled (error))
    return;
  set_key_busy (self, FALSE);
  show_source (self, found, where);
  if (error != NULL)
    show_key_problem (self, error->message);
}

static void
refresh_source (ChatAccountGroup *self)
{
  chat_secrets_describe_async (self->profile, self->cancellable, on_described, self);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  ChatKeySource stored_in = CHAT_KEY_SOURCE_NONE;
  ChatAccountGroup *self = user_data;

  if (!chat_secrets_store_key_finish (result, &stored_in, &error) && is_cancelled (error))
    return;
  set_key_busy (self, FALSE);
  if (error != NULL)
    {
      show_key_problem (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->key_entry), "");
  path = stored_in == CHAT_KEY_SOURCE_FILE ? chat_secrets_dup_file_path () : NULL;
  show_source (self, stored_in, path);
}

/* Enter gives "apply" while the row is being edited, else "entry-activated"
 * (libadwaita 1.2, e.g. after the row was insensitive): both store. */
static void
on_key_apply (ChatAccountGroup *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->key_entry));
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  if (*typed == '\0' || self->key_busy)
    return;
  key = chat_secrets_normalize_key (typed, &error);
  if (key == NULL)
    {
      show_key_problem (self, error->message);
      return;
    }
  set_key_busy (self, TRUE);
  chat_secrets_store_key_async (self->profile, key, self->cancellable, on_stored, self);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ChatAccountGroup *self = user_data;

  if (!chat_secrets_clear_key_finish (result, &error) && is_cancelled (error))
    return;
  if (error != NULL)
    {
      set_key_busy (self, FALSE);
      show_key_problem (self, error->message);
      return;
    }
  /* The environment may still hold a key. */
  refresh_source (self);
}

static void
on_remove_key_clicked (ChatAccountGroup *self)
{
  set_key_busy (self, TRUE);
  chat_secrets_clear_key_async (self->profile, self->cancellable, on_cleared, self);
}

/* Connection test */

static void
set_test_running (ChatAccountGroup *self,
                  gboolean          running)
{
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), running);
  gtk_spinner_set_spinning (self->test_spinner, running);
  gtk_widget_set_sensitive (self->test_button, !running);
  if (running)
    adw_action_row_set_subtitle (self->test_row, _("Testing…"));
}

static void
show_test_failure (ChatAccountGroup *self,
                   const char       *message)
{
  set_test_running (self, FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->test_row), _("Connection failed"));
  adw_action_row_set_subtitle (self->test_row, message);
  set_icon (self->test_icon, "dialog-warning-symbolic", "error");
}

/* "glm-4.7, glm-4.6, glm-4.5, glm-4.5-air and 3 more" */
static char *
dup_model_summary (const char * const *models)
{
  guint n = g_strv_length ((char **) models);
  g_autoptr(GStrvBuilder) listed = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  g_autofree char *joined = NULL;

  for (guint i = 0; i < n && i < MAX_LISTED_MODELS; i++)
    g_strv_builder_add (listed, models[i]);
  names = g_strv_builder_end (listed);
  joined = g_strjoinv (", ", names);
  if (n <= MAX_LISTED_MODELS)
    return g_steal_pointer (&joined);
  /* Translators: %s is a list of model names, %u how many more there are */
  return g_strdup_printf (ngettext ("%s and %u more", "%s and %u more", n - MAX_LISTED_MODELS),
                          joined, n - MAX_LISTED_MODELS);
}

static void
show_test_success (ChatAccountGroup   *self,
                   const char * const *models)
{
  guint n = g_strv_length ((char **) models);
  g_autofree char *title = g_strdup_printf (ngettext ("Connected: %u model found",
                                                      "Connected: %u models found", n), n);
  g_autofree char *summary = dup_model_summary (models);

  set_test_running (self, FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->test_row), title);
  adw_action_row_set_subtitle (self->test_row, summary);
  set_icon (self->test_icon, "emblem-ok-symbolic", "success");
}

static void
on_test_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = chat_client_list_models_finish (CHAT_CLIENT (source), result, &error);
  ChatAccountGroup *self = user_data;

  if (is_cancelled (error))
    return;
  if (models == NULL)
    {
      show_test_failure (self, error->message);
      return;
    }
  show_test_success (self, (const char * const *) models);
  /* The default model's suggestions follow what the server offers. */
  if (models[0] != NULL)
    chat_profile_set_models (self->profile, (const char * const *) models);
}

static void
start_test (ChatAccountGroup *self,
            const char       *key)
{
  chat_client_list_models_async (self->client, self->base_url, key, self->cancellable,
                                 on_test_listed, self);
}

static void
on_test_key_found (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = chat_secrets_lookup_key_finish (result, NULL, NULL, &error);
  ChatAccountGroup *self = user_data;

  if (is_cancelled (error))
    return;
  if (key == NULL)
    show_test_failure (self, error != NULL ? error->message : _("No key to test. Enter one above."));
  else
    start_test (self, key);
}

/* A key typed but not yet stored is the one to test: that is how people
 * check a key before keeping it. */
static void
on_test_clicked (ChatAccountGroup *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->key_entry));
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  set_test_running (self, TRUE);
  if (*typed == '\0')
    {
      chat_secrets_lookup_key_async (self->profile, self->cancellable, on_test_key_found, self);
      return;
    }
  key = chat_secrets_normalize_key (typed, &error);
  if (key == NULL)
    show_test_failure (self, error->message);
  else
    start_test (self, key);
}

static void
set_up_profile (ChatAccountGroup *self)
{
  const char *base_url = chat_profile_get_base_url (self->profile);
  gboolean custom = !chat_profile_get_is_builtin (self->profile);
  g_autofree char *description = NULL;
  g_autofree char *escaped_description = NULL;
  g_autofree char *title = NULL;

  if (g_str_equal (self->base_url, base_url))
    description = g_strdup (base_url);
  else
    /* Translators: the first %s is the profile's address, the second the one given on the command line */
    description = g_strdup_printf (_("%s (this run: %s)"), base_url, self->base_url);
  /* Both are markup in libadwaita 1.2, and a custom name may hold "&". */
  title = g_markup_escape_text (chat_profile_get_name (self->profile), -1);
  escaped_description = g_markup_escape_text (description, -1);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), escaped_description);
  gtk_widget_set_visible (GTK_WIDGET (self->coding_row), chat_profile_get_is_coding (self->profile));
  gtk_widget_set_visible (self->custom_buttons, custom);
  if (custom)
    {
      const char *id = chat_profile_get_id (self->profile);

      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->edit_button), "s", id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->edit_button), "profiles.edit");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s", id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->remove_button), "profiles.remove");
    }
}

static void
chat_account_group_constructed (GObject *object)
{
  ChatAccountGroup *self = CHAT_ACCOUNT_GROUP (object);

  G_OBJECT_CLASS (chat_account_group_parent_class)->constructed (object);

  g_assert (self->profile != NULL && self->base_url != NULL && self->client != NULL);
  set_up_profile (self);
  refresh_source (self);
}

static void
chat_account_group_dispose (GObject *object)
{
  ChatAccountGroup *self = CHAT_ACCOUNT_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_ACCOUNT_GROUP);
  g_clear_object (&self->profile);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (chat_account_group_parent_class)->dispose (object);
}

static void
chat_account_group_finalize (GObject *object)
{
  ChatAccountGroup *self = CHAT_ACCOUNT_GROUP (object);

  g_free (self->base_url);
  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (chat_account_group_parent_class)->finalize (object);
}

static void
chat_account_group_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ChatAccountGroup *self = CHAT_ACCOUNT_GROUP (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_account_group_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ChatAccountGroup *self = CHAT_ACCOUNT_GROUP (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_account_group_class_init (ChatAccountGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = chat_account_group_constructed;
  object_class->dispose = chat_account_group_dispose;
  object_class->finalize = chat_account_group_finalize;
  object_class->get_property = chat_account_group_get_property;
  object_class->set_property = chat_account_group_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, CHAT_TYPE_PROFILE, flags);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL, flags);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CHAT_TYPE_CLIENT, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/preferences/chat-account-group.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, coding_row);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, custom_buttons);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, edit_button);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, key_entry);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, key_icon);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, key_row);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, remove_button);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, remove_key_button);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, test_button);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, test_icon);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, test_row);
  gtk_widget_class_bind_template_child (widget_class, ChatAccountGroup, test_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_key_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_key_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked);
}

static void
chat_account_group_init (ChatAccountGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

GtkWidget *
chat_account_group_new (ChatProfile *profile,
                        const char  *base_url,
                        ChatClient  *client)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (CHAT_IS_CLIENT (client), NULL);

  return g_object_new (CHAT_TYPE_ACCOUNT_GROUP,
                       "profile", profile,
                       "base-url", base_url,
                       "client", client,
                       NULL);
}

ChatProfile *
chat_account_group_get_profile (ChatAccountGroup *self)
{
  g_return_val_if_fail (CHAT_IS_ACCOUNT_GROUP (self), NULL);

  return self->profile;
}
