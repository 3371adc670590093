/* chat-sidebar-row.c: how one sidebar item looks
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chat-sidebar-row.h"

struct _ChatSidebarRow
{
  GtkWidget        parent_instance;

  GtkWidget       *conversation_box;
  GtkWidget       *heading_label;
  GtkWidget       *hit_box;
  GtkWidget       *hit_title_label;
  GtkWidget       *menu_button;
  GtkWidget       *snippet_label;
  GtkWidget       *title_label;

  ChatSidebarItem *item;
};

G_DEFINE_FINAL_TYPE (ChatSidebarRow, chat_sidebar_row, GTK_TYPE_WIDGET)

static const char *
displayed_title (ChatSidebarItem *item)
{
  const char *title = chat_sidebar_item_get_title (item);

  return *title != '\0' ? title : _("New Conversation");
}

/* The window's actions, each aimed at this row's conversation. */
static GMenuModel *
build_menu (ChatSidebarItem *item)
{
  GMenu *menu = g_menu_new ();
  GVariant *id = g_variant_new_int64 (chat_sidebar_item_get_conversation_id (item));
  g_autoptr(GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
  g_autoptr(GMenuItem) pin = g_menu_item_new (chat_sidebar_item_get_pinned (item) ? _("Un_pin") : _("_Pin"), NULL);
  g_autoptr(GMenuItem) delete = g_menu_item_new (_("_Delete"), NULL);
  g_autoptr(GMenu) last = g_menu_new ();

  g_variant_ref_sink (id);
  g_menu_item_set_action_and_target_value (rename, "window.rename-conversation", id);
  g_menu_item_set_action_and_target_value (pin, "window.toggle-pin", id);
  g_menu_item_set_action_and_target_value (delete, "window.delete-conversation", id);
  g_variant_unref (id);

  g_menu_append_item (menu, rename);
  g_menu_append_item (menu, pin);
  g_menu_append_item (last, delete);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (last));
  return G_MENU_MODEL (menu);
}

/* The menu is made when it opens, for the item bound then: a menu model
 * set on every bound row made each its popover, a quarter of the time to
 * the first frame with a long conversation list. */
static void
create_menu (GtkMenuButton *button,
             gpointer       user_data)
{
  ChatSidebarRow *self = CHAT_SIDEBAR_ROW (user_data);
  g_autoptr(GMenuModel) menu = NULL;

  if (self->item == NULL || chat_sidebar_item_get_kind (self->item) != CHAT_SIDEBAR_ITEM_CONVERSATION)
    return;
  menu = build_menu (self->item);
  gtk_menu_button_set_menu_model (button, menu);
}

static void
show_conversation (ChatSidebarRow  *self,
                   ChatSidebarItem *item)
{
  gtk_label_set_text (GTK_LABEL (self->title_label), displayed_title (item));
}

/* A message match shows the title above the marked text; a title match
 * has no message text, so its title is what gets marked. */
static void
show_hit (ChatSidebarRow  *self,
          ChatSidebarItem *item)
{
  g_autofree char *snippet = chat_sidebar_item_dup_snippet_markup (item);
  gboolean title_match = chat_sidebar_item_get_message_id (item) == 0;

  if (title_match && *snippet != '\0')
    gtk_label_set_markup (GTK_LABEL (self->hit_title_label), snippet);
  else
    gtk_label_set_text (GTK_LABEL (self->hit_title_label), displayed_title (item));
  gtk_label_set_markup (GTK_LABEL (self->snippet_label), title_match ? "" : snippet);
  gtk_widget_set_visible (self->snippet_label, !title_match);
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      ChatSidebarRow  *self)
{
  if (!gtk_widget_get_visible (self->conversation_box))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  chat_sidebar_row_popup_menu (self);
}

static void
on_long_pressed (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 ChatSidebarRow      *self)
{
  if (!gtk_widget_get_visible (self->conversation_box))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  chat_sidebar_row_popup_menu (self);
}

static void
chat_sidebar_row_dispose (GObject *object)
{
  ChatSidebarRow *self = CHAT_SIDEBAR_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_SIDEBAR_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (chat_sidebar_row_parent_class)->dispose (object);
}

static void
chat_sidebar_row_class_init (ChatSidebarRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_sidebar_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/shell/chat-sidebar-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatSidebarRow, conversation_box);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebarRow, heading_label);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebarRow, hit_box);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebarRow, hit_title_label);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebarRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebarRow, snippet_label);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebarRow, title_label);
  gtk_widget_class_bind_template_callback (widget_class, on_long_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_pressed);
}

static void
chat_sidebar_row_init (ChatSidebarRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->menu_button), create_menu, self, NULL);
}

GtkWidget *
chat_sidebar_row_new (void)
{
  return g_object_new (CHAT_TYPE_SIDEBAR_ROW, NULL);
}

ChatSidebarItem *
chat_sidebar_row_get_item (ChatSidebarRow *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ROW (self), NULL);

  return self->item;
}

void
chat_sidebar_row_set_item (ChatSidebarRow  *self,
                           ChatSidebarItem *item)
{
  ChatSidebarItemKind kind;

  g_return_if_fail (CHAT_IS_SIDEBAR_ROW (self));
  g_return_if_fail (item == NULL || CHAT_IS_SIDEBAR_ITEM (item));

  if (!g_set_object (&self->item, item) || item == NULL)
    return;

  kind = chat_sidebar_item_get_kind (item);
  gtk_widget_set_visible (self->heading_label, kind == CHAT_SIDEBAR_ITEM_HEADER);
  gtk_widget_set_visible (self->conversation_box, kind == CHAT_SIDEBAR_ITEM_CONVERSATION);
  gtk_widget_set_visible (self->hit_box, kind == CHAT_SIDEBAR_ITEM_HIT);
  if (kind == CHAT_SIDEBAR_ITEM_HEADER)
    gtk_label_set_text (GTK_LABEL (self->heading_label), chat_sidebar_item_get_title (item));
  else if (kind == CHAT_SIDEBAR_ITEM_CONVERSATION)
    show_conversation (self, item);
  else
    show_hit (self, item);
}

void
chat_sidebar_row_popup_menu (ChatSidebarRow *self)
{
  g_return_if_fail (CHAT_IS_SIDEBAR_ROW (self));

  if (gtk_widget_get_visible (self->conversation_box))
    gtk_menu_button_popup (GTK_MENU_BUTTON (self->menu_button));
}
