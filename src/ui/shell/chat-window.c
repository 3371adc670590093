/* chat-window.c: one Liao window
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "chat-conversation-settings.h"
#include "chat-error.h"
#include "chat-model-button.h"
#include "chat-profile-button.h"
#include "chat-profile-settings.h"
#include "chat-request.h"
#include "chat-secrets.h"
#include "chat-sidebar.h"
#include "chat-welcome-page.h"
#include "chat-window.h"

#define FALLBACK_PROFILE "general"

struct _ChatWindow
{
  AdwApplicationWindow  parent_instance;

  GtkWidget            *back_button;
  GtkWidget            *content_pane;
  AdwLeaflet           *leaflet;
  ChatModelButton      *model_button;
  ChatProfileButton    *profile_button;
  GtkWidget            *settings_button;
  ChatSidebar          *sidebar;
  GtkWidget            *sidebar_pane;
  AdwToastOverlay      *toast_overlay;
  ChatWelcomePage      *welcome_page;
  AdwWindowTitle       *window_title;

  ChatStore            *store;
  ChatClient           *client;
  char                 *base_url_override;
  GSettings            *settings;
  ChatConversationView *view;
  /* The view's conversation, watched for its title, profile and model. */
  ChatConversation     *conversation;
  /* Conversation ids hidden behind an Undo toast, deleted when it goes. */
  GArray               *pending_deletes;
  /* profile id -> the model list its server sent (GStrv) */
  GHashTable           *server_models;
  /* profile ids whose model list was asked for */
  GHashTable           *models_requested;
  /* The usable custom profiles (ChatProfile), refilled in place when the
   * setting changes: the view's profile lookup shares this array. */
  GPtrArray            *custom_profiles;
  GCancellable         *cancellable;
  /* The settings popover, made when it first opens (see create_settings). */
  ChatConversationSettings *conversation_settings;
};

G_DEFINE_FINAL_TYPE (ChatWindow, chat_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLIENT,
  PROP_BASE_URL_OVERRIDE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
current_profile_id (ChatWindow *self)
{
  const char *id = self->conversation != NULL ? chat_conversation_get_profile (self->conversation) : NULL;

  return id != NULL && *id != '\0' ? id : FALLBACK_PROFILE;
}

/* A ChatProfileLookupFunc over @user_data, an array of custom profiles:
 * a new built-in profile, or a reference to the custom one, or NULL. */
static ChatProfile *
lookup_profile (const char *profile_id,
                gpointer    user_data)
{
  GPtrArray *customs = user_data;
  ChatProfile *builtin = profile_id != NULL ? chat_profile_lookup_builtin (profile_id) : NULL;

  if (builtin != NULL || profile_id == NULL)
    return builtin;
  for (guint i = 0; i < customs->len; i++)
    if (g_str_equal (chat_profile_get_id (g_ptr_array_index (customs, i)), profile_id))
      return g_object_ref (g_ptr_array_index (customs, i));
  return NULL;
}

/* @profile_id's profile; an unknown id falls back to General. */
static ChatProfile *
dup_profile (ChatWindow *self,
             const char *profile_id)
{
  ChatProfile *profile = lookup_profile (profile_id, self->custom_profiles);

  return profile != NULL ? profile : chat_profile_lookup_builtin (FALLBACK_PROFILE);
}

static ChatProfile *
dup_current_profile (ChatWindow *self)
{
  return dup_profile (self, current_profile_id (self));
}

static gint64
shown_id (ChatWindow *self)
{
  return chat_conversation_view_get_conversation_id (self->view);
}

static void
update_welcome (ChatWindow *self)
{
  gboolean welcome = chat_sidebar_get_n_conversations (self->sidebar) == 0 && shown_id (self) == 0;

  if (welcome)
    {
      g_autoptr(ChatProfile) profile = dup_current_profile (self);

      chat_welcome_page_set_profile (self->welcome_page, profile);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->welcome_page), welcome);
  /* The page takes the room above the composer while it shows. */
  gtk_widget_set_vexpand (GTK_WIDGET (self->view), !welcome);
}

typedef struct {
  ChatWindow  *self;
  ChatProfile *profile;
  char        *profile_id;
} ModelsRequest;

static void
models_request_free (ModelsRequest *request)
{
  g_object_unref (request->self);
  g_object_unref (request->profile);
  g_free (request->profile_id);
  g_free (request);
}

static void update_models (ChatWindow *self, ChatProfile *profile);

static void
on_models_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ModelsRequest *request = user_data;
  ChatWindow *self = request->self;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = chat_client_list_models_finish (CHAT_CLIENT (source), result, &error);

  if (models == NULL || models[0] == NULL)
    g_debug ("No model list for %s: %s", request->profile_id,
             error != NULL ? error->message : "empty");
  else if (!g_cancellable_is_cancelled (self->cancellable))
    {
      g_autoptr(ChatProfile) profile = dup_current_profile (self);

      g_hash_table_replace (self->server_models, g_strdup (request->profile_id),
                            g_steal_pointer (&models));
      if (g_str_equal (chat_profile_get_id (profile), request->profile_id))
        update_models (self, profile);
    }
  models_request_free (request);
}

static void
on_models_key_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ModelsRequest *request = user_data;
  ChatWindow *self = request->self;
  ChatProfile *profile = request->profile;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = chat_secrets_lookup_key_finish (result, NULL, NULL, &error);

  gboolean cancelled = g_cancellable_is_cancelled (self->cancellable);

  if (key != NULL && !cancelled)
    chat_client_list_models_async (self->client,
                                   self->base_url_override != NULL ? self->base_url_override
                                                                   : chat_profile_get_base_url (profile),
                                   key, self->cancellable, on_models_listed, request);
  else
    {
      /* Without a key yet, a later look may find one. */
      if (!cancelled)
        g_hash_table_remove (self->models_requested, request->profile_id);
      models_request_free (request);
    }
  if (key != NULL)
    memset (key, 0, strlen (key));
}

/* Asks the server once per profile, with the profile's key (looked up in
 * the background: the keyring answers over D-Bus). */
static void
request_models (ChatWindow  *self,
                ChatProfile *profile)
{
  const char *id = chat_profile_get_id (profile);
  ModelsRequest *request;

  if (g_hash_table_contains (self->models_requested, id))
    return;

  g_hash_table_add (self->models_requested, g_strdup (id));
  request = g_new0 (ModelsRequest, 1);
  request->self = g_object_ref (self);
  request->profile = g_object_ref (profile);
  request->profile_id = g_strdup (id);
  chat_secrets_lookup_key_async (profile, self->cancellable, on_models_key_found, request);
}

static void
update_models (ChatWindow  *self,
               ChatProfile *profile)
{
  const char * const *models = g_hash_table_lookup (self->server_models, chat_profile_get_id (profile));

  chat_model_button_set_models (self->model_button,
                                models != NULL ? models : chat_profile_get_models (profile));
  request_models (self, profile);
}

static char *
dup_subtitle (ChatWindow  *self,
              ChatProfile *profile)
{
  if (self->base_url_override == NULL)
    return g_strdup (chat_profile_get_name (profile));
  /* The URL first: it is where requests go, and the end is what gets cut. */
  /* Translators: %1$s is the URL this run sends requests to (--base-url), %2$s a profile name */
  return g_strdup_printf (_("%1$s instead of %2$s"), self->base_url_override, chat_profile_get_name (profile));
}

static void
update_header (ChatWindow *self)
{
  g_autoptr(ChatProfile) profile = dup_current_profile (self);
  g_autofree char *subtitle = dup_subtitle (self, profile);
  const char *title = self->conversation != NULL ? chat_conversation_get_title (self->conversation) : NULL;
  const char *model = self->conversation != NULL ? chat_conversation_get_model (self->conversation) : NULL;

  if (title == NULL || *title == '\0')
    title = _("New Conversation");
  if (model == NULL || *model == '\0')
    model = chat_profile_get_default_model (profile);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
  chat_profile_button_set_profile_id (self->profile_button, chat_profile_get_id (profile));
  chat_model_button_set_model (self->model_button, model);
  update_models (self, profile);
}

/* The request defaults of Preferences as the conversation's parameters
 * JSON (the members chat-exchange.c reads), leaving out each key at its
 * "leave it to the model" value; NULL when all are. */
static char *
dup_default_parameters (GSettings *settings)
{
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  double temperature = g_settings_get_double (settings, "temperature");
  double top_p = g_settings_get_double (settings, "top-p");
  int max_tokens = g_settings_get_int (settings, "max-tokens");
  int thinking = g_settings_get_enum (settings, "thinking");

  if (temperature >= 0.0)
    json_object_set_double_member (parameters, "temperature", temperature);
  if (top_p >= 0.01)
    json_object_set_double_member (parameters, "top_p", top_p);
  if (max_tokens > 0)
    json_object_set_int_member (parameters, "max_tokens", max_tokens);
  if (thinking == CHAT_THINKING_ENABLED || thinking == CHAT_THINKING_DISABLED)
    json_object_set_string_member (parameters, "thinking",
                                   thinking == CHAT_THINKING_ENABLED ? "enabled" : "disabled");
  if (json_object_get_size (parameters) == 0)
    return NULL;
  root = json_node_init_object (json_node_alloc (), parameters);
  return json_to_string (root, FALSE);
}

/* default-profile (an id no profile has counts as General) and its model
 * in default-models, then the request defaults and the system prompt: they
 * become the conversation's own, which its settings popover can change. */
static void
apply_defaults (ChatWindow       *self,
                ChatConversation *conversation)
{
  g_autofree char *id = g_settings_get_string (self->settings, "default-profile");
  g_autoptr(ChatProfile) profile = dup_profile (self, id);
  g_autoptr(GVariant) models = g_settings_get_value (self->settings, "default-models");
  g_autofree char *parameters = dup_default_parameters (self->settings);
  g_autofree char *prompt = g_settings_get_string (self->settings, "system-prompt");
  const char *model = NULL;

  if (!g_variant_lookup (models, chat_profile_get_id (profile), "&s", &model) || *model == '\0')
    model = chat_profile_get_default_model (profile);
  chat_conversation_set_profile (conversation, chat_profile_get_id (profile));
  chat_conversation_set_model (conversation, model);
  chat_conversation_set_parameters (conversation, parameters);
  chat_conversation_set_system_prompt (conversation, *prompt != '\0' ? prompt : NULL);
}

static void
on_view_conversation_notify (ChatWindow *self)
{
  ChatConversation *conversation = chat_conversation_view_get_conversation (self->view);

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_set_object (&self->conversation, conversation);
  if (self->conversation_settings != NULL)
    chat_conversation_settings_set_conversation (self->conversation_settings, self->store, conversation);
  if (conversation != NULL && chat_conversation_get_id (conversation) == 0 &&
      chat_conversation_get_profile (conversation) == NULL)
    apply_defaults (self, conversation);
  if (conversation != NULL)
    {
      g_signal_connect_object (conversation, "notify::title", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (conversation, "notify::profile", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (conversation, "notify::model", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
    }
  update_header (self);
  chat_sidebar_set_current (self->sidebar, shown_id (self));
  update_welcome (self);
}

/* Every window lists the same store. */
static void
reload_all_sidebars (ChatWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GList *windows = application != NULL ? gtk_application_get_windows (application) : NULL;

  if (application == NULL)
    chat_window_reload_sidebar (self);
  for (GList *l = windows; l != NULL; l = l->next)
    if (CHAT_IS_WINDOW (l->data))
      chat_window_reload_sidebar (l->data);
}

static void
on_view_conversation_changed (ChatWindow *self,
                              gint64      conversation_id)
{
  reload_all_sidebars (self);
  chat_sidebar_set_current (self->sidebar, shown_id (self));
  update_welcome (self);
}

static void
show_content (ChatWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
}

static void
on_conversation_activated (ChatWindow *self,
                           gint64      conversation_id,
                           gint64      message_id)
{
  if (conversation_id != shown_id (self))
    chat_conversation_view_show_conversation (self->view, conversation_id);
  if (message_id != 0)
    chat_conversation_view_reveal_message (self->view, message_id);
  if (adw_leaflet_get_folded (self->leaflet))
    {
      show_content (self);
      chat_conversation_view_focus_composer (self->view);
    }
}

static void
on_folded_changed (ChatWindow *self)
{
  /* Folding shows the pane that was in use: the conversation. */
  if (adw_leaflet_get_folded (self->leaflet))
    show_content (self);
}

static void
on_profile_activated (ChatWindow *self,
                      const char *profile_id)
{
  chat_conversation_view_set_profile (self->view, profile_id);
  update_header (self);
}

static void
on_model_activated (ChatWindow *self,
                    const char *model)
{
  chat_conversation_view_set_model (self->view, model);
  update_header (self);
}

static void
new_conversation (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);

  chat_conversation_view_show_conversation (self->view, 0);
  show_content (self);
  chat_conversation_view_focus_composer (self->view);
}

static void
show_sidebar (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_pane);
}

static void
search (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_pane);
  chat_sidebar_focus_search (self->sidebar);
}

static void
switch_conversation (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);

  chat_sidebar_activate_relative (self->sidebar, g_variant_get_int32 (parameter));
}

/* Each built-in endpoint's other plan on the same server. */
static const char *
other_plan (const char *profile_id)
{
  static const char * const pairs[][2] = {
    { "general", "coding" }, { "coding", "general" }, { "zai", "zai-coding" }, { "zai-coding", "zai" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    if (g_str_equal (pairs[i][0], profile_id))
      return pairs[i][1];
  return "coding";
}

static void
toggle_coding_plan (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);
  g_autoptr(ChatProfile) profile = dup_current_profile (self);

  on_profile_activated (self, other_plan (chat_profile_get_id (profile)));
}

static ChatMessage *
find_last_reply (ChatConversation *conversation)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (conversation));

  for (guint i = n; i > 0; i--)
    {
      ChatMessage *message = chat_conversation_get_message (conversation, i - 1);

      if (g_str_equal (chat_message_get_role (message), "assistant"))
        return message;
    }
  return NULL;
}

static void
copy_last_reply (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);
  ChatMessage *reply = self->conversation != NULL ? find_last_reply (self->conversation) : NULL;
  const char *content = reply != NULL ? chat_message_get_content (reply) : NULL;

  if (content == NULL || *content == '\0')
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), content);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Reply copied")));
}

/* Ctrl+R: a new variant of the last reply, as its Regenerate button. */
static void
regenerate_last_reply (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);
  ChatMessage *reply = self->conversation != NULL ? find_last_reply (self->conversation) : NULL;

  if (reply == NULL || chat_conversation_view_get_busy (self->view))
    return;
  gtk_widget_activate_action (GTK_WIDGET (self->view), "transcript.regenerate", "x",
                              chat_message_get_id (reply));
}

/* Fresh from the store, or the view's own object for the conversation it
 * shows, so the view never writes back an old title or pin. */
static ChatConversation *
dup_conversation (ChatWindow *self,
                  gint64      conversation_id)
{
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GError) error = NULL;

  if (conversation_id == shown_id (self) && self->conversation != NULL)
    return g_object_ref (self->conversation);

  conversations = chat_store_list_conversations (self->store, &error);
  if (conversations == NULL)
    {
      g_debug ("Listing conversations: %s", error->message);
      return NULL;
    }
  for (guint i = 0; i < conversations->len; i++)
    if (chat_conversation_get_id (g_ptr_array_index (conversations, i)) == conversation_id)
      return g_object_ref (g_ptr_array_index (conversations, i));
  return NULL;
}

static void
show_error_toast (ChatWindow   *self,
                  const GError *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
save_conversation (ChatWindow       *self,
                   ChatConversation *conversation)
{
  g_autoptr(GError) error = NULL;

  if (!chat_store_save_conversation (self->store, conversation, &error))
    show_error_toast (self, error);
  reload_all_sidebars (self);
}

static void
toggle_pin (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);
  g_autoptr(ChatConversation) conversation = dup_conversation (self, g_variant_get_int64 (parameter));

  if (conversation == NULL)
    return;
  chat_conversation_set_pinned (conversation, !chat_conversation_get_pinned (conversation));
  save_conversation (self, conversation);
}

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    ChatWindow       *self)
{
  ChatConversation *conversation = g_object_get_data (G_OBJECT (dialog), "conversation");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (!g_str_equal (response, "rename") || *title == '\0')
    return;
  chat_conversation_set_title (conversation, title);
  save_conversation (self, conversation);
}

static void
rename_conversation (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);
  g_autoptr(ChatConversation) conversation = dup_conversation (self, g_variant_get_int64 (parameter));
  GtkWidget *dialog;
  GtkWidget *entry;

  if (conversation == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Rename Conversation"), NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "rename", _("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), chat_conversation_get_title (conversation));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Title"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  g_object_set_data_full (G_OBJECT (dialog), "conversation", g_steal_pointer (&conversation), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
take_pending (ChatWindow *self,
              gint64      conversation_id)
{
  for (guint i = 0; i < self->pending_deletes->len; i++)
    if (g_array_index (self->pending_deletes, gint64, i) == conversation_id)
      {
        g_array_remove_index (self->pending_deletes, i);
        return TRUE;
      }
  return FALSE;
}

static void
on_delete_toast_dismissed (AdwToast   *toast,
                           ChatWindow *self)
{
  gint64 conversation_id = *(gint64 *) g_object_get_data (G_OBJECT (toast), "conversation-id");
  g_autoptr(GError) error = NULL;

  /* Undo took it back already. */
  if (!take_pending (self, conversation_id))
    return;
  if (!chat_store_delete_conversation (self->store, conversation_id, &error))
    show_error_toast (self, error);
  chat_sidebar_set_conversation_hidden (self->sidebar, conversation_id, FALSE);
  reload_all_sidebars (self);
}

static void
undo_delete (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);
  gint64 conversation_id = g_variant_get_int64 (parameter);

  if (take_pending (self, conversation_id))
    chat_sidebar_set_conversation_hidden (self->sidebar, conversation_id, FALSE);
}

static AdwToast *
create_delete_toast (gint64      conversation_id,
                     const char *title)
{
  g_autofree char *escaped = g_markup_escape_text (*title != '\0' ? title : _("New Conversation"), -1);
  /* Translators: a toast after deleting a conversation; %s is its title */
  AdwToast *toast = adw_toast_new_format (_("“%s” deleted"), escaped);

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "window.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_int64 (conversation_id));
  g_object_set_data_full (G_OBJECT (toast), "conversation-id",
                          g_memdup2 (&conversation_id, sizeof conversation_id), g_free);
  return toast;
}

static void
delete_conversation (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ChatWindow *self = CHAT_WINDOW (widget);
  gint64 conversation_id = g_variant_get_int64 (parameter);
  g_autoptr(ChatConversation) conversation = dup_conversation (self, conversation_id);
  AdwToast *toast;

  if (conversation == NULL || take_pending (self, conversation_id))
    return;

  g_array_append_val (self->pending_deletes, conversation_id);
  chat_sidebar_set_conversation_hidden (self->sidebar, conversation_id, TRUE);
  if (conversation_id == shown_id (self))
    chat_conversation_view_show_conversation (self->view, 0);

  toast = create_delete_toast (conversation_id, chat_conversation_get_title (conversation));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Closing the window (or quitting) ends every Undo: the deletions happen. */
static void
flush_pending_deletes (ChatWindow *self)
{
  while (self->pending_deletes != NULL && self->pending_deletes->len > 0)
    {
      gint64 conversation_id = g_array_index (self->pending_deletes, gint64, 0);
      g_autoptr(GError) error = NULL;

      g_array_remove_index (self->pending_deletes, 0);
      if (!chat_store_delete_conversation (self->store, conversation_id, &error))
        g_debug ("Deleting conversation %" G_GINT64_FORMAT ": %s", conversation_id, error->message);
    }
}

/* The reply's first line, or why it failed. */
static char *
dup_notification_body (ChatConversation *conversation,
                       const GError     *error)
{
  ChatMessage *reply = conversation != NULL ? find_last_reply (conversation) : NULL;
  const char *content = reply != NULL ? chat_message_get_content (reply) : NULL;
  g_autofree char *text = g_strstrip (g_strdup (content != NULL ? content : ""));
  char *newline = strchr (text, '\n');

  if (error != NULL)
    return g_strdup (error->message);
  if (newline != NULL)
    *newline = '\0';
  return g_steal_pointer (&text);
}

static GNotification *
create_notification (ChatWindow   *self,
                     gint64        conversation_id,
                     const GError *error)
{
  g_autoptr(ChatConversation) conversation = chat_store_load_conversation (self->store, conversation_id, NULL);
  const char *title = conversation != NULL ? chat_conversation_get_title (conversation) : NULL;
  g_autofree char *body = dup_notification_body (conversation, error);
  GNotification *notification = g_notification_new (title != NULL && *title != '\0' ? title
                                                                                 : _("New Conversation"));

  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target_value (notification, "app.open-conversation",
                                                      g_variant_new_int64 (conversation_id));
  return notification;
}

/* Someone looking elsewhere learns that the answer is there (or is not). */
static void
on_reply_finished (ChatWindow   *self,
                   gint64        conversation_id,
                   const GError *error)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  if (application == NULL || gtk_window_is_active (GTK_WINDOW (self)) ||
      !g_settings_get_boolean (self->settings, "notify-on-finish") ||
      g_error_matches (error, CHAT_ERROR, CHAT_ERROR_CANCELLED))
    return;
  notification = create_notification (self, conversation_id, error);
  /* One per conversation: a newer reply replaces the older notice. */
  id = g_strdup_printf ("reply-%" G_GINT64_FORMAT, conversation_id);
  g_application_send_notification (application, id, notification);
}

static void
on_is_active_changed (ChatWindow *self)
{
  /* A key saved meanwhile (liao key set) takes the key help away. */
  if (gtk_window_is_active (GTK_WINDOW (self)) && gtk_widget_get_visible (GTK_WIDGET (self->welcome_page)))
    update_welcome (self);
}

static void
set_help_overlay (ChatWindow *self)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/liaochat/Liao/shell/chat-shortcuts-window.ui");

  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
}

/* win.show-help-overlay, in place of GtkApplicationWindow's own: the
 * shortcuts window is built when first asked for, not with every window
 * (19 million instructions, an eighth of making a window). */
static void
show_help_overlay (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (user_data);

  if (gtk_application_window_get_help_overlay (window) == NULL)
    set_help_overlay (CHAT_WINDOW (window));
  gtk_window_present (GTK_WINDOW (gtk_application_window_get_help_overlay (window)));
}

/* For g_hash_table_foreach_remove on tables keyed by profile id. */
static gboolean
is_custom_id (gpointer key,
              gpointer value,
              gpointer user_data)
{
  return !g_strv_contains (chat_profile_get_builtin_ids (), key);
}

static void
load_custom_profiles (ChatWindow *self)
{
  g_autoptr(GPtrArray) loaded = chat_profile_settings_load_custom (self->settings);

  g_ptr_array_set_size (self->custom_profiles, 0);
  g_ptr_array_extend_and_steal (self->custom_profiles, g_steal_pointer (&loaded));
  chat_profile_button_set_custom_profiles (self->profile_button, self->custom_profiles);
}

/* A custom profile's base URL may have changed: its model list is asked
 * for again. */
static void
on_custom_profiles_changed (ChatWindow *self)
{
  load_custom_profiles (self);
  g_hash_table_foreach_remove (self->server_models, is_custom_id, NULL);
  g_hash_table_foreach_remove (self->models_requested, is_custom_id, NULL);
  update_header (self);
  update_welcome (self);
}

/* The settings popover is a form of a dozen fields that no first frame
 * shows: it is made the first time the button opens it. */
static void
create_settings (GtkMenuButton *button,
                 gpointer       user_data)
{
  ChatWindow *self = CHAT_WINDOW (user_data);

  if (self->conversation_settings != NULL)
    return;
  self->conversation_settings = CHAT_CONVERSATION_SETTINGS (chat_conversation_settings_new ());
  chat_conversation_settings_set_conversation (self->conversation_settings, self->store, self->conversation);
  gtk_menu_button_set_popover (button, GTK_WIDGET (self->conversation_settings));
}

static void
chat_window_constructed (GObject *object)
{
  ChatWindow *self = CHAT_WINDOW (object);

  G_OBJECT_CLASS (chat_window_parent_class)->constructed (object);

  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->settings_button), create_settings, self, NULL);
  self->view = CHAT_CONVERSATION_VIEW (chat_conversation_view_new (self->store, self->client));
  gtk_widget_set_vexpand (GTK_WIDGET (self->view), TRUE);
  gtk_box_append (GTK_BOX (self->content_pane), GTK_WIDGET (self->view));
  chat_conversation_view_set_base_url_override (self->view, self->base_url_override);
  g_signal_connect_object (self->view, "notify::conversation",
                           G_CALLBACK (on_view_conversation_notify), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "conversation-changed",
                           G_CALLBACK (on_view_conversation_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "reply-finished",
                           G_CALLBACK (on_reply_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
  /* The view keeps the array, not a pointer back to the window. */
  chat_conversation_view_set_profile_lookup (self->view, lookup_profile,
                                             g_ptr_array_ref (self->custom_profiles),
                                             (GDestroyNotify) g_ptr_array_unref);
  load_custom_profiles (self);
  g_signal_connect_object (self->settings, "changed::custom-profiles",
                           G_CALLBACK (on_custom_profiles_changed), self, G_CONNECT_SWAPPED);

  chat_sidebar_set_store (self->sidebar, self->store);
  chat_conversation_view_show_conversation (self->view, 0);
  on_view_conversation_notify (self);
  /* A new window is for typing a question. */
  chat_conversation_view_focus_composer (self->view);
}

static void
chat_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ChatWindow *self = CHAT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
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
chat_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ChatWindow *self = CHAT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
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
chat_window_dispose (GObject *object)
{
  ChatWindow *self = CHAT_WINDOW (object);

  flush_pending_deletes (self);
  g_cancellable_cancel (self->cancellable);
  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_clear_object (&self->conversation);
  self->conversation_settings = NULL;   /* the settings button's */
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_WINDOW);

  G_OBJECT_CLASS (chat_window_parent_class)->dispose (object);
}

static void
chat_window_finalize (GObject *object)
{
  ChatWindow *self = CHAT_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->base_url_override);
  g_array_unref (self->pending_deletes);
  g_hash_table_unref (self->server_models);
  g_hash_table_unref (self->models_requested);
  g_ptr_array_unref (self->custom_profiles);

  G_OBJECT_CLASS (chat_window_parent_class)->finalize (object);
}

static void
install_properties (GObjectClass *object_class)
{
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CHAT_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CHAT_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL_OVERRIDE] =
    g_param_spec_string ("base-url-override", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "window.new-conversation", NULL, new_conversation);
  gtk_widget_class_install_action (widget_class, "window.show-sidebar", NULL, show_sidebar);
  gtk_widget_class_install_action (widget_class, "window.search", NULL, search);
  gtk_widget_class_install_action (widget_class, "window.switch-conversation", "i", switch_conversation);
  gtk_widget_class_install_action (widget_class, "window.rename-conversation", "x", rename_conversation);
  gtk_widget_class_install_action (widget_class, "window.toggle-pin", "x", toggle_pin);
  gtk_widget_class_install_action (widget_class, "window.delete-conversation", "x", delete_conversation);
  gtk_widget_class_install_action (widget_class, "window.undo-delete", "x", undo_delete);
  gtk_widget_class_install_action (widget_class, "window.toggle-coding-plan", NULL, toggle_coding_plan);
  gtk_widget_class_install_action (widget_class, "window.copy-last-reply", NULL, copy_last_reply);
  gtk_widget_class_install_action (widget_class, "window.regenerate-last-reply", NULL,
                                   regenerate_last_reply);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "window.new-conversation", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "window.search", NULL);
  /* P for plan: free in GNOME's standard keys (Ctrl+P alone prints). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "window.toggle-coding-plan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "window.copy-last-reply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "window.regenerate-last-reply", NULL);
  /* Ctrl+Page Up/Down are in the template, caught before the composer. */
}

static void
chat_window_class_init (ChatWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = chat_window_constructed;
  object_class->dispose = chat_window_dispose;
  object_class->finalize = chat_window_finalize;
  object_class->get_property = chat_window_get_property;
  object_class->set_property = chat_window_set_property;
  install_properties (object_class);
  install_actions (widget_class);

  g_type_ensure (CHAT_TYPE_MODEL_BUTTON);
  g_type_ensure (CHAT_TYPE_PROFILE_BUTTON);
  g_type_ensure (CHAT_TYPE_SIDEBAR);
  g_type_ensure (CHAT_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/shell/chat-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, model_button);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, profile_button);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, settings_button);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, ChatWindow, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_conversation_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_model_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_profile_activated);
  gtk_widget_class_bind_template_callback (widget_class, update_welcome);
}

static void
chat_window_init (ChatWindow *self)
{
  static const GActionEntry win_actions[] = {
    { "show-help-overlay", show_help_overlay },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->pending_deletes = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->server_models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  self->models_requested = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->custom_profiles = g_ptr_array_new_with_free_func (g_object_unref);
}

ChatWindow *
chat_window_new (GtkApplication *application,
                 ChatStore      *store,
                 ChatClient     *client,
                 const char     *base_url_override)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CHAT_IS_STORE (store), NULL);
  g_return_val_if_fail (CHAT_IS_CLIENT (client), NULL);

  return g_object_new (CHAT_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       "client", client,
                       "base-url-override", base_url_override,
                       NULL);
}

ChatConversationView *
chat_window_get_view (ChatWindow *self)
{
  g_return_val_if_fail (CHAT_IS_WINDOW (self), NULL);

  return self->view;
}

const char *
chat_window_get_base_url_override (ChatWindow *self)
{
  g_return_val_if_fail (CHAT_IS_WINDOW (self), NULL);

  return self->base_url_override;
}

void
chat_window_reload_sidebar (ChatWindow *self)
{
  g_return_if_fail (CHAT_IS_WINDOW (self));

  chat_sidebar_reload (self->sidebar);
}

/* Shows @conversation_id as a click on it in the sidebar does. */
void
chat_window_show_conversation (ChatWindow *self,
                               gint64      conversation_id)
{
  g_return_if_fail (CHAT_IS_WINDOW (self));

  on_conversation_activated (self, conversation_id, 0);
}
