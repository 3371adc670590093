/* chat-variant-switcher.c: ‹ 2/3 › between the variants of a message
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chat-variant-switcher.h"

struct _ChatVariantSwitcher {
  GtkWidget  parent_instance;

  GtkLabel  *label;
  GtkButton *next_button;
  GtkButton *previous_button;
};

G_DEFINE_FINAL_TYPE (ChatVariantSwitcher, chat_variant_switcher, GTK_TYPE_WIDGET)

static void
chat_variant_switcher_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_VARIANT_SWITCHER);
  /* The template's top child is not bound, so it is still there. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (chat_variant_switcher_parent_class)->dispose (object);
}

static void
chat_variant_switcher_class_init (ChatVariantSwitcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_variant_switcher_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/transcript/chat-variant-switcher.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatVariantSwitcher, label);
  gtk_widget_class_bind_template_child (widget_class, ChatVariantSwitcher, next_button);
  gtk_widget_class_bind_template_child (widget_class, ChatVariantSwitcher, previous_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "variantswitcher");
}

static void
chat_variant_switcher_init (ChatVariantSwitcher *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_variant_switcher_new (void)
{
  return g_object_new (CHAT_TYPE_VARIANT_SWITCHER, NULL);
}

/* A button without a neighbour to go to stays, insensitive, so the
 * numbers do not jump about. */
static void
set_target (GtkButton *button,
            GArray    *ids,
            int        index)
{
  gboolean valid = index >= 0 && (guint) index < ids->len;

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_int64 (valid ? g_array_index (ids, gint64, index) : 0));
  gtk_widget_set_sensitive (GTK_WIDGET (button), valid);
}

void
chat_variant_switcher_set (ChatVariantSwitcher *self,
                           GArray              *ids,
                           guint                current)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CHAT_IS_VARIANT_SWITCHER (self));

  gtk_widget_set_visible (GTK_WIDGET (self), ids != NULL && ids->len > 1);
  if (ids == NULL || ids->len < 2)
    return;
  /* Translators: which version of a message is shown, of how many: "2/3". */
  text = g_strdup_printf (_("%u/%u"), current + 1, ids->len);
  gtk_label_set_text (self->label, text);
  set_target (self->previous_button, ids, (int) current - 1);
  set_target (self->next_button, ids, (int) current + 1);
}

const char *
chat_variant_switcher_get_label (ChatVariantSwitcher *self)
{
  g_return_val_if_fail (CHAT_IS_VARIANT_SWITCHER (self), NULL);

  return gtk_label_get_text (self->label);
}
