/* chat-conversation-settings.c: the shown conversation's own settings
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "chat-conversation-settings.h"

struct _ChatConversationSettings
{
  GtkPopover        parent_instance;

  GtkEntry         *model_entry;
  GtkTextView      *system_prompt_view;
  GtkCheckButton   *temperature_default_check;
  GtkSpinButton    *temperature_spin;
  GtkDropDown      *thinking_dropdown;

  ChatStore        *store;
  ChatConversation *conversation;
};

G_DEFINE_FINAL_TYPE (ChatConversationSettings, chat_conversation_settings, GTK_TYPE_POPOVER)

/* The dropdown's rows, as chat-exchange.c reads the "thinking" member. */
static const char * const thinking_values[] = { NULL, "enabled", "disabled" };

/* The parameters as an object; members this popover does not edit
 * (top_p, max_tokens) stay as they are. */
static JsonObject *
dup_parameters (ChatConversation *conversation)
{
  const char *parameters = chat_conversation_get_parameters (conversation);
  g_autoptr(JsonNode) root = parameters != NULL ? json_from_string (parameters, NULL) : NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    return json_object_ref (json_node_get_object (root));
  return json_object_new ();
}

static guint
thinking_position (JsonObject *parameters)
{
  JsonNode *node = json_object_get_member (parameters, "thinking");
  const char *value = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    value = json_object_get_string_member_with_default (json_node_get_object (node), "type", NULL);
  else if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    value = json_node_get_string (node);
  else if (node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    value = json_node_get_boolean (node) ? "enabled" : "disabled";
  for (guint i = 1; i < G_N_ELEMENTS (thinking_values); i++)
    if (g_strcmp0 (value, thinking_values[i]) == 0)
      return i;
  return 0;
}

static void
load_fields (ChatConversationSettings *self)
{
  g_autoptr(JsonObject) parameters = dup_parameters (self->conversation);
  const char *prompt = chat_conversation_get_system_prompt (self->conversation);
  const char *model = chat_conversation_get_model (self->conversation);
  gboolean has_temperature = json_object_has_member (parameters, "temperature");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->system_prompt_view), prompt != NULL ? prompt : "", -1);
  gtk_editable_set_text (GTK_EDITABLE (self->model_entry), model != NULL ? model : "");
  gtk_check_button_set_active (self->temperature_default_check, !has_temperature);
  if (has_temperature)
    gtk_spin_button_set_value (self->temperature_spin,
                               json_object_get_double_member_with_default (parameters, "temperature", 0.95));
  gtk_drop_down_set_selected (self->thinking_dropdown, thinking_position (parameters));
}

static char *
dup_parameters_text (ChatConversationSettings *self)
{
  g_autoptr(JsonObject) parameters = dup_parameters (self->conversation);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  const char *thinking = thinking_values[MIN (gtk_drop_down_get_selected (self->thinking_dropdown), 2)];

  json_object_remove_member (parameters, "temperature");
  json_object_remove_member (parameters, "thinking");
  if (!gtk_check_button_get_active (self->temperature_default_check))
    json_object_set_double_member (parameters, "temperature",
                                   gtk_spin_button_get_value (self->temperature_spin));
  if (thinking != NULL)
    json_object_set_string_member (parameters, "thinking", thinking);
  if (json_object_get_size (parameters) == 0)
    return NULL;
  json_node_set_object (root, parameters);
  return json_to_string (root, FALSE);
}

static char *
dup_system_prompt (ChatConversationSettings *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->system_prompt_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* A new conversation keeps them until its first message stores it. */
static void
store_fields (ChatConversationSettings *self)
{
  g_autofree char *prompt = dup_system_prompt (self);
  g_autofree char *parameters = dup_parameters_text (self);
  g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->model_entry))));
  g_autoptr(GError) error = NULL;

  chat_conversation_set_system_prompt (self->conversation, *prompt != '\0' ? prompt : NULL);
  chat_conversation_set_parameters (self->conversation, parameters);
  /* An emptied entry keeps the model: a conversation always has one. */
  if (*model != '\0')
    chat_conversation_set_model (self->conversation, model);
  if (chat_conversation_get_id (self->conversation) != 0 &&
      !chat_store_save_conversation (self->store, self->conversation, &error))
    g_debug ("Saving the conversation's settings: %s", error->message);
}

static void
chat_conversation_settings_map (GtkWidget *widget)
{
  ChatConversationSettings *self = CHAT_CONVERSATION_SETTINGS (widget);

  if (self->conversation != NULL)
    load_fields (self);
  GTK_WIDGET_CLASS (chat_conversation_settings_parent_class)->map (widget);
}

static void
chat_conversation_settings_closed (GtkPopover *popover)
{
  ChatConversationSettings *self = CHAT_CONVERSATION_SETTINGS (popover);

  if (self->conversation != NULL)
    store_fields (self);
}

static void
chat_conversation_settings_dispose (GObject *object)
{
  ChatConversationSettings *self = CHAT_CONVERSATION_SETTINGS (object);

  g_clear_object (&self->conversation);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_CONVERSATION_SETTINGS);

  G_OBJECT_CLASS (chat_conversation_settings_parent_class)->dispose (object);
}

static void
chat_conversation_settings_class_init (ChatConversationSettingsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = chat_conversation_settings_dispose;
  widget_class->map = chat_conversation_settings_map;
  GTK_POPOVER_CLASS (klass)->closed = chat_conversation_settings_closed;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/shell/chat-conversation-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatConversationSettings, model_entry);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationSettings, system_prompt_view);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationSettings, temperature_default_check);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationSettings, temperature_spin);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationSettings, thinking_dropdown);
}

static void
chat_conversation_settings_init (ChatConversationSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_conversation_settings_new (void)
{
  return g_object_new (CHAT_TYPE_CONVERSATION_SETTINGS, NULL);
}

void
chat_conversation_settings_set_conversation (ChatConversationSettings *self,
                                             ChatStore                *store,
                                             ChatConversation         *conversation)
{
  g_return_if_fail (CHAT_IS_CONVERSATION_SETTINGS (self));
  g_return_if_fail (store == NULL || CHAT_IS_STORE (store));
  g_return_if_fail (conversation == NULL || CHAT_IS_CONVERSATION (conversation));

  /* What is typed belongs to the conversation it was typed for. */
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    gtk_popover_popdown (GTK_POPOVER (self));
  g_set_object (&self->store, store);
  g_set_object (&self->conversation, conversation);
}
