/* chat-model-row.c: the default model of one profile, with suggestions
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chat-error.h"
#include "chat-model-row.h"
#include "chat-profile-settings.h"
#include "chat-secrets.h"

#define KEY_DEFAULT_MODELS "default-models"

struct _ChatModelRow
{
  AdwEntryRow    parent_instance;

  GtkMenuButton *menu_button;

  ChatProfile   *profile;
  char          *base_url;
  ChatClient    *client;
  GSettings     *settings;
  GMenu         *suggestions;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (ChatModelRow, chat_model_row, ADW_TYPE_ENTRY_ROW)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_BASE_URL,
  PROP_CLIENT,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
dup_stored_model (ChatModelRow *self)
{
  return chat_profile_settings_dup_default_model (self->settings, chat_profile_get_id (self->profile));
}

static char *
dup_typed_model (ChatModelRow *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self))));
}

/* Whether @typed says what the setting says: empty for no entry, or the
 * model that applies (the profile's own default when there is no entry). */
static gboolean
matches_setting (ChatModelRow *self,
                 const char   *typed,
                 const char   *stored)
{
  if (*typed == '\0')
    return stored == NULL;
  return g_str_equal (typed, stored != NULL ? stored : chat_profile_get_default_model (self->profile));
}

static void
on_changed (ChatModelRow *self)
{
  const char *id = chat_profile_get_id (self->profile);
  g_autofree char *typed = dup_typed_model (self);
  g_autofree char *stored = chat_profile_settings_dup_default_model (self->settings, id);

  /* Cleared, the entry goes and the profile's own default applies again. */
  if (!matches_setting (self, typed, stored))
    chat_profile_settings_set_default_model (self->settings, id, typed);
}

/* Follows changes made elsewhere; a change this row wrote already matches
 * what is typed, and rewriting the text would move the cursor. */
static void
on_default_models_changed (ChatModelRow *self)
{
  g_autofree char *typed = dup_typed_model (self);
  g_autofree char *stored = dup_stored_model (self);

  if (matches_setting (self, typed, stored))
    return;
  gtk_editable_set_text (GTK_EDITABLE (self),
                         stored != NULL ? stored : chat_profile_get_default_model (self->profile));
}

static void
update_suggestions (ChatModelRow *self)
{
  const char * const *models = chat_profile_get_models (self->profile);

  g_menu_remove_all (self->suggestions);
  for (guint i = 0; models[i] != NULL; i++)
    {
      /* Menu labels take mnemonics: a model name's "_" must stay one. */
      g_auto(GStrv) parts = g_strsplit (models[i], "_", -1);
      g_autofree char *label = g_strjoinv ("__", parts);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "model.use", g_variant_new_string (models[i]));
      g_menu_append_item (self->suggestions, item);
    }
}

static void
on_models_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = chat_client_list_models_finish (CHAT_CLIENT (source), result, &error);
  ChatModelRow *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, CHAT_ERROR, CHAT_ERROR_CANCELLED))
    return;
  if (models == NULL || models[0] == NULL)
    {
      /* The built-in list stays; Test connection shows the reason. */
      g_debug ("No model list for profile %s: %s", chat_profile_get_id (self->profile),
               error != NULL ? error->message : "empty");
      return;
    }
  chat_profile_set_models (self->profile, (const char * const *) models);
}

static void
on_key_found (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = chat_secrets_lookup_key_finish (result, NULL, NULL, &error);
  ChatModelRow *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (key == NULL)
    return;
  chat_client_list_models_async (self->client, self->base_url, key, self->cancellable,
                                 on_models_listed, self);
}

/* Called once, when the menu first opens: asking the server then, not when
 * the window opens, keeps an unopened menu from costing a request. */
static void
create_popup (GtkMenuButton *menu_button,
              gpointer       user_data)
{
  ChatModelRow *self = user_data;

  gtk_menu_button_set_menu_model (menu_button, G_MENU_MODEL (self->suggestions));
  chat_secrets_lookup_key_async (self->profile, self->cancellable, on_key_found, self);
}

static void
use_model (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  gtk_editable_set_text (GTK_EDITABLE (widget), g_variant_get_string (parameter, NULL));
}

static void
chat_model_row_constructed (GObject *object)
{
  ChatModelRow *self = CHAT_MODEL_ROW (object);
  g_autofree char *stored = NULL;
  g_autofree char *title = NULL;

  G_OBJECT_CLASS (chat_model_row_parent_class)->constructed (object);

  g_assert (self->profile != NULL && self->client != NULL && self->settings != NULL);
  stored = dup_stored_model (self);
  /* libadwaita 1.2 shows an entry row's title as markup even with
   * use-markup off, and a custom profile's name may hold "&". */
  title = g_markup_escape_text (chat_profile_get_name (self->profile), -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  gtk_editable_set_text (GTK_EDITABLE (self),
                         stored != NULL ? stored : chat_profile_get_default_model (self->profile));
  update_suggestions (self);
  g_signal_connect_object (self->profile, "notify::models",
                           G_CALLBACK (update_suggestions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::" KEY_DEFAULT_MODELS,
                           G_CALLBACK (on_default_models_changed), self, G_CONNECT_SWAPPED);
}

static void
chat_model_row_dispose (GObject *object)
{
  ChatModelRow *self = CHAT_MODEL_ROW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_MODEL_ROW);
  g_clear_object (&self->profile);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (chat_model_row_parent_class)->dispose (object);
}

static void
chat_model_row_finalize (GObject *object)
{
  ChatModelRow *self = CHAT_MODEL_ROW (object);

  g_free (self->base_url);
  g_object_unref (self->suggestions);
  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (chat_model_row_parent_class)->finalize (object);
}

static void
chat_model_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ChatModelRow *self = CHAT_MODEL_ROW (object);

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
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_model_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ChatModelRow *self = CHAT_MODEL_ROW (object);

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
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_model_row_class_init (ChatModelRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = chat_model_row_constructed;
  object_class->dispose = chat_model_row_dispose;
  object_class->finalize = chat_model_row_finalize;
  object_class->get_property = chat_model_row_get_property;
  object_class->set_property = chat_model_row_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, CHAT_TYPE_PROFILE, flags);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL, flags);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CHAT_TYPE_CLIENT, flags);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/preferences/chat-model-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatModelRow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);

  gtk_widget_class_install_action (widget_class, "model.use", "s", use_model);
}

static void
chat_model_row_init (ChatModelRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->suggestions = g_menu_new ();
  self->cancellable = g_cancellable_new ();
  gtk_menu_button_set_create_popup_func (self->menu_button, create_popup, self, NULL);
}

GtkWidget *
chat_model_row_new (ChatProfile *profile,
                    const char  *base_url,
                    ChatClient  *client,
                    GSettings   *settings)
{
  g_return_val_if_fail (CHAT_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (CHAT_IS_CLIENT (client), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (CHAT_TYPE_MODEL_ROW,
                       "profile", profile,
                       "base-url", base_url,
                       "client", client,
                       "settings", settings,
                       NULL);
}

ChatProfile *
chat_model_row_get_profile (ChatModelRow *self)
{
  g_return_val_if_fail (CHAT_IS_MODEL_ROW (self), NULL);

  return self->profile;
}

GMenuModel *
chat_model_row_get_suggestions (ChatModelRow *self)
{
  g_return_val_if_fail (CHAT_IS_MODEL_ROW (self), NULL);

  return G_MENU_MODEL (self->suggestions);
}
