/* chat-sidebar-row.c: how one sidebar item looks
 *
 * The list makes some 200 of these before the first frame (GTK 4.8 keeps
 * that many rows around its anchor), so a row is built in code, not from a
 * template, and only with the widgets of the kinds it has shown: a row
 * that only ever shows conversations never makes a heading or a hit.
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

  /* Each NULL until the row first shows an item of its kind. */
  GtkWidget       *heading_label;
  GtkWidget       *conversation_box;
  GtkWidget       *title_label;
  GtkWidget       *menu_button;
  GtkWidget       *hit_box;
  GtkWidget       *hit_title_label;
  GtkWidget       *snippet_label;

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

/* Setting tooltip-text on a shown widget makes GTK 4.8 ask the X server
 * where the pointer is, two round trips a row; asked for, it costs nothing
 * until the pointer rests on the button. */
static gboolean
on_menu_query_tooltip (GtkWidget  *button,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip,
                       gpointer    user_data)
{
  gtk_tooltip_set_text (tooltip, _("Conversation Menu"));
  return TRUE;
}

static GtkWidget *
new_label (const char *first_class,
           const char *second_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (first_class != NULL)
    gtk_widget_add_css_class (label, first_class);
  if (second_class != NULL)
    gtk_widget_add_css_class (label, second_class);
  return label;
}

static void
ensure_heading (ChatSidebarRow *self)
{
  if (self->heading_label != NULL)
    return;
  self->heading_label = new_label ("caption-heading", "dim-label");
  gtk_widget_set_margin_top (self->heading_label, 6);
  gtk_widget_set_parent (self->heading_label, GTK_WIDGET (self));
}

static void
ensure_conversation (ChatSidebarRow *self)
{
  GtkMenuButton *button;

  if (self->conversation_box != NULL)
    return;
  self->conversation_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->title_label = new_label (NULL, NULL);
  gtk_widget_set_hexpand (self->title_label, TRUE);
  gtk_box_append (GTK_BOX (self->conversation_box), self->title_label);

  self->menu_button = gtk_menu_button_new ();
  button = GTK_MENU_BUTTON (self->menu_button);
  gtk_menu_button_set_icon_name (button, "view-more-symbolic");
  gtk_menu_button_set_has_frame (button, FALSE);
  gtk_menu_button_set_create_popup_func (button, create_menu, self, NULL);
  gtk_widget_set_valign (self->menu_button, GTK_ALIGN_CENTER);
  gtk_widget_set_has_tooltip (self->menu_button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (on_menu_query_tooltip), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Conversation Menu"), -1);
  gtk_box_append (GTK_BOX (self->conversation_box), self->menu_button);
  gtk_widget_set_parent (self->conversation_box, GTK_WIDGET (self));
}

static void
ensure_hit (ChatSidebarRow *self)
{
  GtkLabel *snippet;

  if (self->hit_box != NULL)
    return;
  self->hit_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (self->hit_box, 3);
  gtk_widget_set_margin_bottom (self->hit_box, 3);
  self->hit_title_label = new_label ("heading", NULL);
  self->snippet_label = new_label ("caption", "dim-label");
  snippet = GTK_LABEL (self->snippet_label);
  gtk_label_set_wrap (snippet, TRUE);
  gtk_label_set_wrap_mode (snippet, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (snippet, 2);
  gtk_label_set_width_chars (snippet, 10);
  gtk_box_append (GTK_BOX (self->hit_box), self->hit_title_label);
  gtk_box_append (GTK_BOX (self->hit_box), self->snippet_label);
  gtk_widget_set_parent (self->hit_box, GTK_WIDGET (self));
}

/* Only the widgets of @kind show; those of other kinds may not exist. */
static void
show_kind (ChatSidebarRow      *self,
           ChatSidebarItemKind  kind)
{
  if (self->heading_label != NULL)
    gtk_widget_set_visible (self->heading_label, kind == CHAT_SIDEBAR_ITEM_HEADER);
  if (self->conversation_box != NULL)
    gtk_widget_set_visible (self->conversation_box, kind == CHAT_SIDEBAR_ITEM_CONVERSATION);
  if (self->hit_box != NULL)
    gtk_widget_set_visible (self->hit_box, kind == CHAT_SIDEBAR_ITEM_HIT);
}

static void
show_heading (ChatSidebarRow  *self,
              ChatSidebarItem *item)
{
  ensure_heading (self);
  gtk_label_set_text (GTK_LABEL (self->heading_label), chat_sidebar_item_get_title (item));
}

static void
show_conversation (ChatSidebarRow  *self,
                   ChatSidebarItem *item)
{
  ensure_conversation (self);
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

  ensure_hit (self);
  if (title_match && *snippet != '\0')
    gtk_label_set_markup (GTK_LABEL (self->hit_title_label), snippet);
  else
    gtk_label_set_text (GTK_LABEL (self->hit_title_label), displayed_title (item));
  gtk_label_set_markup (GTK_LABEL (self->snippet_label), title_match ? "" : snippet);
  gtk_widget_set_visible (self->snippet_label, !title_match);
}

static gboolean
shows_conversation (ChatSidebarRow *self)
{
  return self->conversation_box != NULL && gtk_widget_get_visible (self->conversation_box);
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      ChatSidebarRow  *self)
{
  if (!shows_conversation (self))
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
  if (!shows_conversation (self))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  chat_sidebar_row_popup_menu (self);
}

static void
add_gestures (ChatSidebarRow *self)
{
  GtkGesture *secondary = gtk_gesture_click_new ();
  GtkGesture *long_press = gtk_gesture_long_press_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));
}

static void
chat_sidebar_row_dispose (GObject *object)
{
  ChatSidebarRow *self = CHAT_SIDEBAR_ROW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (chat_sidebar_row_parent_class)->dispose (object);
}

static void
chat_sidebar_row_class_init (ChatSidebarRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_sidebar_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
chat_sidebar_row_init (ChatSidebarRow *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  add_gestures (self);
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
  if (kind == CHAT_SIDEBAR_ITEM_HEADER)
    show_heading (self, item);
  else if (kind == CHAT_SIDEBAR_ITEM_CONVERSATION)
    show_conversation (self, item);
  else
    show_hit (self, item);
  show_kind (self, kind);
}

void
chat_sidebar_row_popup_menu (ChatSidebarRow *self)
{
  g_return_if_fail (CHAT_IS_SIDEBAR_ROW (self));

  if (shows_conversation (self))
    gtk_menu_button_popup (GTK_MENU_BUTTON (self->menu_button));
}
