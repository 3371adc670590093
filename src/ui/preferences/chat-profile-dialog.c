/* chat-profile-dialog.c: the name and base URL of a custom profile
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chat-profile-settings.h"
#include "chat-profile-dialog.h"

struct _ChatProfileDialog
{
  AdwMessageDialog  parent_instance;

  AdwEntryRow      *name_row;
  AdwEntryRow      *url_row;

  char             *profile_id;
};

G_DEFINE_FINAL_TYPE (ChatProfileDialog, chat_profile_dialog, ADW_TYPE_MESSAGE_DIALOG)

static char *
dup_trimmed_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
update_save (ChatProfileDialog *self)
{
  g_autofree char *name = dup_trimmed_text (self->name_row);
  g_autofree char *url = dup_trimmed_text (self->url_row);
  gboolean url_ok = chat_profile_settings_is_valid_base_url (url);

  /* Half-typed URLs are normal; only a finished-looking one is marked. */
  if (url_ok || *url == '\0')
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save",
                                           *name != '\0' && url_ok);
}

static void
chat_profile_dialog_finalize (GObject *object)
{
  ChatProfileDialog *self = CHAT_PROFILE_DIALOG (object);

  g_free (self->profile_id);

  G_OBJECT_CLASS (chat_profile_dialog_parent_class)->finalize (object);
}

static void
chat_profile_dialog_class_init (ChatProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = chat_profile_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/preferences/chat-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatProfileDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, ChatProfileDialog, url_row);
  gtk_widget_class_bind_template_callback (widget_class, update_save);
}

static void
chat_profile_dialog_init (ChatProfileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_profile_dialog_new (GtkWindow   *parent,
                         ChatProfile *profile)
{
  ChatProfileDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (profile == NULL || CHAT_IS_PROFILE (profile), NULL);

  self = g_object_new (CHAT_TYPE_PROFILE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  if (profile != NULL)
    {
      self->profile_id = g_strdup (chat_profile_get_id (profile));
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Edit Server"));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), chat_profile_get_name (profile));
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), chat_profile_get_base_url (profile));
    }
  return GTK_WIDGET (self);
}

const char *
chat_profile_dialog_get_profile_id (ChatProfileDialog *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE_DIALOG (self), NULL);

  return self->profile_id;
}

char *
chat_profile_dialog_dup_name (ChatProfileDialog *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE_DIALOG (self), NULL);

  return dup_trimmed_text (self->name_row);
}

char *
chat_profile_dialog_dup_base_url (ChatProfileDialog *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE_DIALOG (self), NULL);

  return dup_trimmed_text (self->url_row);
}
