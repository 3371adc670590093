/* chat-message-editor.c: a question edited in place, to be sent again
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chat-message-editor.h"

struct _ChatMessageEditor {
  GtkWidget    parent_instance;

  GtkButton   *send_button;
  GtkTextView *text_view;
};

G_DEFINE_FINAL_TYPE (ChatMessageEditor, chat_message_editor, GTK_TYPE_WIDGET)

enum {
  SEND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_send_clicked (ChatMessageEditor *self)
{
  g_signal_emit (self, signals[SEND], 0);
}

static gboolean
chat_message_editor_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (CHAT_MESSAGE_EDITOR (widget)->text_view));
}

static void
chat_message_editor_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_MESSAGE_EDITOR);
  /* The template's unbound children are still there. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (chat_message_editor_parent_class)->dispose (object);
}

static void
chat_message_editor_class_init (ChatMessageEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_message_editor_dispose;
  widget_class->grab_focus = chat_message_editor_grab_focus;

  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/transcript/chat-message-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatMessageEditor, send_button);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageEditor, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);
  gtk_widget_class_set_css_name (widget_class, "messageeditor");
  /* What the GtkBox it replaces was. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
chat_message_editor_init (ChatMessageEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_message_editor_new (void)
{
  return g_object_new (CHAT_TYPE_MESSAGE_EDITOR, NULL);
}

void
chat_message_editor_set_text (ChatMessageEditor *self,
                              const char        *text)
{
  g_return_if_fail (CHAT_IS_MESSAGE_EDITOR (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text != NULL ? text : "", -1);
}

char *
chat_message_editor_dup_text (ChatMessageEditor *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (CHAT_IS_MESSAGE_EDITOR (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
chat_message_editor_set_locked (ChatMessageEditor *self,
                                gboolean           locked)
{
  g_return_if_fail (CHAT_IS_MESSAGE_EDITOR (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), !locked);
}
