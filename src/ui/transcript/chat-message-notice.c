/* chat-message-notice.c: what went wrong with an answer, and what to do
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chat-message-notice.h"

struct _ChatMessageNotice {
  GtkWidget  parent_instance;

  GtkButton *button;
  GtkImage  *icon;
  GtkLabel  *label;
};

G_DEFINE_FINAL_TYPE (ChatMessageNotice, chat_message_notice, GTK_TYPE_WIDGET)

static void
chat_message_notice_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_MESSAGE_NOTICE);

  G_OBJECT_CLASS (chat_message_notice_parent_class)->dispose (object);
}

static void
chat_message_notice_class_init (ChatMessageNoticeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_message_notice_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/transcript/chat-message-notice.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatMessageNotice, button);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageNotice, icon);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageNotice, label);
  gtk_widget_class_set_css_name (widget_class, "messagenotice");
  /* What the GtkBox it replaces was. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
chat_message_notice_init (ChatMessageNotice *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_message_notice_new (void)
{
  return g_object_new (CHAT_TYPE_MESSAGE_NOTICE, NULL);
}

void
chat_message_notice_set (ChatMessageNotice *self,
                         const char        *text,
                         const char        *icon_name,
                         const char        *button_label,
                         const char        *action_name)
{
  g_return_if_fail (CHAT_IS_MESSAGE_NOTICE (self));

  gtk_label_set_text (self->label, text);
  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->button), action_name != NULL);
  gtk_button_set_label (self->button, button_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), action_name);
}

void
chat_message_notice_set_target (ChatMessageNotice *self,
                                gint64             message_id)
{
  g_return_if_fail (CHAT_IS_MESSAGE_NOTICE (self));

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->button),
                                          g_variant_new_int64 (message_id));
}

void
chat_message_notice_set_locked (ChatMessageNotice *self,
                                gboolean           locked)
{
  g_return_if_fail (CHAT_IS_MESSAGE_NOTICE (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->button), !locked);
}
