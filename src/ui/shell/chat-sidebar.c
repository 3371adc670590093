/* chat-sidebar.c: the conversations, grouped by date, and search
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chat-sidebar.h"
#include "chat-sidebar-item.h"
#include "chat-sidebar-row.h"

#define SEARCH_LIMIT 100
/* No sidebar row is shorter (libadwaita's are 38 pixels: 36 and a margin). */
#define MIN_ROW_HEIGHT 32

struct _ChatSidebar
{
  GtkWidget           parent_instance;

  GtkListView        *list_view;
  GtkSearchEntry     *search_entry;
  GtkSingleSelection *selection;
  GtkStack           *stack;

  ChatStore          *store;
  GListStore         *items;
  /* What the list shows of items: until the first frame is drawn, only as
   * many as can fill a screen, then more at each idle until all show. */
  GtkSliceListModel  *shown;
  guint               first_screen;
  GdkFrameClock      *frame_clock;
  guint               grow_id;
  /* conversation id -> itself: pending deletions the list leaves out */
  GHashTable         *hidden;
  /* ChatSidebarItem -> the ChatSidebarRow showing it, for the Menu key */
  GHashTable         *rows;
  gint64              current_id;
  guint               n_conversations;
};

G_DEFINE_FINAL_TYPE (ChatSidebar, chat_sidebar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_CONVERSATIONS,
  N_PROPS
};

enum {
  CONVERSATION_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum {
  GROUP_NONE,
  GROUP_PINNED,
  GROUP_TODAY,
  GROUP_YESTERDAY,
  GROUP_WEEK,
  GROUP_OLDER,
} Group;

typedef struct {
  gint64 today;       /* local midnights, in g_get_real_time () units */
  gint64 yesterday;
  gint64 week;
} GroupBounds;

static void
group_bounds_init (GroupBounds *bounds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now),
                                                      0, 0, 0);
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (today, -1);
  g_autoptr(GDateTime) week = g_date_time_add_days (today, -7);

  bounds->today = g_date_time_to_unix (today) * G_USEC_PER_SEC;
  bounds->yesterday = g_date_time_to_unix (yesterday) * G_USEC_PER_SEC;
  bounds->week = g_date_time_to_unix (week) * G_USEC_PER_SEC;
}

static Group
group_of (ChatConversation  *conversation,
          const GroupBounds *bounds)
{
  gint64 updated = chat_conversation_get_updated (conversation);

  if (chat_conversation_get_pinned (conversation))
    return GROUP_PINNED;
  if (updated >= bounds->today)
    return GROUP_TODAY;
  if (updated >= bounds->yesterday)
    return GROUP_YESTERDAY;
  if (updated >= bounds->week)
    return GROUP_WEEK;
  return GROUP_OLDER;
}

static const char *
group_heading (Group group)
{
  switch (group)
    {
    case GROUP_PINNED:
      return _("Pinned");
    case GROUP_TODAY:
      return _("Today");
    case GROUP_YESTERDAY:
      return _("Yesterday");
    case GROUP_WEEK:
      return _("Previous 7 Days");
    case GROUP_OLDER:
    case GROUP_NONE:
    default:
      return _("Older");
    }
}

static gboolean
is_hidden (ChatSidebar *self,
           gint64       conversation_id)
{
  return g_hash_table_contains (self->hidden, &conversation_id);
}

/* The store lists pinned first, then newest first: groups come in order. */
static GPtrArray *
build_conversation_items (ChatSidebar *self,
                          GPtrArray   *conversations)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  GroupBounds bounds;
  Group last = GROUP_NONE;

  group_bounds_init (&bounds);
  for (guint i = 0; i < conversations->len; i++)
    {
      ChatConversation *conversation = g_ptr_array_index (conversations, i);
      Group group = group_of (conversation, &bounds);

      if (is_hidden (self, chat_conversation_get_id (conversation)))
        continue;
      if (group != last)
        g_ptr_array_add (items, chat_sidebar_item_new_header (group_heading (group)));
      last = group;
      g_ptr_array_add (items, chat_sidebar_item_new_conversation (conversation));
    }
  return items;
}

/* A title match says nothing a message match in the same conversation
 * does not show already (its row carries the title too). */
static GPtrArray *
build_hit_items (ChatSidebar *self,
                 GPtrArray   *hits)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) with_messages = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < hits->len; i++)
    {
      ChatSearchHit *hit = g_ptr_array_index (hits, i);

      if (hit->message_id != 0)
        g_hash_table_add (with_messages, &hit->conversation_id);
    }
  for (guint i = 0; i < hits->len; i++)
    {
      ChatSearchHit *hit = g_ptr_array_index (hits, i);

      if (is_hidden (self, hit->conversation_id) ||
          (hit->message_id == 0 && g_hash_table_contains (with_messages, &hit->conversation_id)))
        continue;
      g_ptr_array_add (items, chat_sidebar_item_new_hit (hit));
    }
  return items;
}

static gboolean
item_equal_at (ChatSidebar     *self,
               guint            position,
               ChatSidebarItem *item)
{
  g_autoptr(ChatSidebarItem) old = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  return chat_sidebar_item_equal (old, item);
}

/* Replaces only the rows between the unchanged head and tail, so the list
 * keeps its scroll position and the rows around a change stay as they are. */
static void
update_items (ChatSidebar *self,
              GPtrArray   *items)
{
  guint old_n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < old_n && prefix < items->len &&
         item_equal_at (self, prefix, g_ptr_array_index (items, prefix)))
    prefix++;
  while (suffix < old_n - prefix && suffix < items->len - prefix &&
         item_equal_at (self, old_n - 1 - suffix, g_ptr_array_index (items, items->len - 1 - suffix)))
    suffix++;

  g_list_store_splice (self->items, prefix, old_n - prefix - suffix,
                       items->pdata + prefix, items->len - prefix - suffix);
}

static gboolean
is_searching (ChatSidebar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return *text != '\0';
}

static guint
find_conversation (ChatSidebar *self,
                   gint64       conversation_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChatSidebarItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (chat_sidebar_item_get_kind (item) != CHAT_SIDEBAR_ITEM_HEADER &&
          chat_sidebar_item_get_conversation_id (item) == conversation_id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
shows_all (ChatSidebar *self)
{
  return gtk_slice_list_model_get_size (self->shown) == G_MAXUINT;
}

static void
forget_frame_clock (ChatSidebar *self)
{
  if (self->frame_clock != NULL)
    g_signal_handlers_disconnect_by_data (self->frame_clock, self);
  g_clear_object (&self->frame_clock);
}

static void
stop_growing (ChatSidebar *self)
{
  g_clear_handle_id (&self->grow_id, g_source_remove);
  forget_frame_clock (self);
}

static void select_current (ChatSidebar *self);

static void
show_all (ChatSidebar *self)
{
  stop_growing (self);
  if (shows_all (self))
    return;
  gtk_slice_list_model_set_size (self->shown, G_MAXUINT);
  select_current (self);
}

/* A screenful more at a time, so that input and frames come between. */
static gboolean
grow (gpointer user_data)
{
  ChatSidebar *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->shown) + self->first_screen;

  if (size >= g_list_model_get_n_items (G_LIST_MODEL (self->items)))
    {
      self->grow_id = 0;
      show_all (self);
      return G_SOURCE_REMOVE;
    }
  gtk_slice_list_model_set_size (self->shown, size);
  return G_SOURCE_CONTINUE;
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                ChatSidebar   *self)
{
  forget_frame_clock (self);
  if (self->grow_id == 0)
    self->grow_id = g_idle_add_full (G_PRIORITY_LOW, grow, self, NULL);
}

/* Positions past the rows shown so far need them all. */
static void
reach (ChatSidebar *self,
       guint        position)
{
  if (position != GTK_INVALID_LIST_POSITION && position >= gtk_slice_list_model_get_size (self->shown))
    show_all (self);
}

static void
select_current (ChatSidebar *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  /* Among search hits the one chosen stays selected. */
  if (is_searching (self))
    return;
  if (self->current_id != 0)
    position = find_conversation (self, self->current_id);
  reach (self, position);
  gtk_single_selection_set_selected (self->selection, position);
}

static void
update_page (ChatSidebar *self)
{
  const char *page = "list";

  if (g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0)
    page = is_searching (self) ? "no-results" : "empty";
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
set_n_conversations (ChatSidebar *self,
                     guint        n_conversations)
{
  if (self->n_conversations == n_conversations)
    return;
  self->n_conversations = n_conversations;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONVERSATIONS]);
}

static guint
count_conversations (GPtrArray *items)
{
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    if (chat_sidebar_item_get_kind (g_ptr_array_index (items, i)) == CHAT_SIDEBAR_ITEM_CONVERSATION)
      n++;
  return n;
}

static GPtrArray *
list_items (ChatSidebar *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversations = chat_store_list_conversations (self->store, &error);

  if (conversations == NULL)
    {
      g_debug ("Listing conversations: %s", error->message);
      return g_ptr_array_new_with_free_func (g_object_unref);
    }
  return build_conversation_items (self, conversations);
}

static GPtrArray *
search_items (ChatSidebar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = chat_store_search (self->store, text, SEARCH_LIMIT, &error);

  if (hits == NULL)
    {
      g_debug ("Searching for “%s”: %s", text, error->message);
      return g_ptr_array_new_with_free_func (g_object_unref);
    }
  return build_hit_items (self, hits);
}

void
chat_sidebar_reload (ChatSidebar *self)
{
  g_autoptr(GPtrArray) conversation_items = NULL;

  g_return_if_fail (CHAT_IS_SIDEBAR (self));

  if (self->store == NULL)
    return;

  conversation_items = list_items (self);
  set_n_conversations (self, count_conversations (conversation_items));
  if (is_searching (self))
    {
      g_autoptr(GPtrArray) hit_items = search_items (self);

      update_items (self, hit_items);
    }
  else
    update_items (self, conversation_items);
  select_current (self);
  update_page (self);
}

static void
emit_activated (ChatSidebar     *self,
                ChatSidebarItem *item)
{
  if (chat_sidebar_item_get_kind (item) == CHAT_SIDEBAR_ITEM_HEADER)
    return;
  g_signal_emit (self, signals[CONVERSATION_ACTIVATED], 0,
                 chat_sidebar_item_get_conversation_id (item),
                 chat_sidebar_item_get_message_id (item));
}

void
chat_sidebar_activate_position (ChatSidebar *self,
                                guint        position)
{
  g_autoptr(ChatSidebarItem) item = NULL;

  g_return_if_fail (CHAT_IS_SIDEBAR (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->items), position);
  if (item == NULL || chat_sidebar_item_get_kind (item) == CHAT_SIDEBAR_ITEM_HEADER)
    return;
  reach (self, position);
  gtk_single_selection_set_selected (self->selection, position);
  emit_activated (self, item);
}

static void
on_list_activate (ChatSidebar *self,
                  guint        position)
{
  chat_sidebar_activate_position (self, position);
}

/* A single click opens: the list itself activates only on a double click. */
static void
on_row_released (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkListItem     *list_item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *self = gtk_widget_get_ancestor (row, CHAT_TYPE_SIDEBAR);

  if (n_press == 1 && self != NULL)
    chat_sidebar_activate_position (CHAT_SIDEBAR (self), gtk_list_item_get_position (list_item));
}

static void
on_setup_item (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               ChatSidebar              *self)
{
  GtkWidget *row = chat_sidebar_row_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (on_row_released), list_item, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (list_item, row);
}

static void
on_bind_item (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              ChatSidebar              *self)
{
  ChatSidebarItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  gboolean choosable = chat_sidebar_item_get_kind (item) != CHAT_SIDEBAR_ITEM_HEADER;

  chat_sidebar_row_set_item (CHAT_SIDEBAR_ROW (row), item);
  gtk_list_item_set_selectable (list_item, choosable);
  gtk_list_item_set_activatable (list_item, choosable);
  g_hash_table_insert (self->rows, item, row);
}

static void
on_unbind_item (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                ChatSidebar              *self)
{
  ChatSidebarItem *item = gtk_list_item_get_item (list_item);

  if (g_hash_table_lookup (self->rows, item) == gtk_list_item_get_child (list_item))
    g_hash_table_remove (self->rows, item);
}

static gboolean
on_list_key_pressed (ChatSidebar     *self,
                     guint            keyval,
                     guint            keycode,
                     GdkModifierType  state)
{
  ChatSidebarItem *item;
  ChatSidebarRow *row;

  /* Escape among the hits ends the search, as it does in the field. */
  if (keyval == GDK_KEY_Escape && is_searching (self))
    {
      chat_sidebar_set_search_text (self, NULL);
      chat_sidebar_focus_search (self);
      return GDK_EVENT_STOP;
    }
  if (keyval != GDK_KEY_Menu && !(keyval == GDK_KEY_F10 && (state & GDK_SHIFT_MASK)))
    return GDK_EVENT_PROPAGATE;

  /* Moving with the keyboard selects, so the selection is the focused row. */
  item = gtk_single_selection_get_selected_item (self->selection);
  row = item != NULL ? g_hash_table_lookup (self->rows, item) : NULL;
  if (row == NULL)
    return GDK_EVENT_PROPAGATE;
  chat_sidebar_row_popup_menu (row);
  return GDK_EVENT_STOP;
}

static void
on_search_changed (ChatSidebar *self)
{
  chat_sidebar_reload (self);
}

static guint
first_choosable (ChatSidebar *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChatSidebarItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (chat_sidebar_item_get_kind (item) != CHAT_SIDEBAR_ITEM_HEADER)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* Enter in the search field opens the best hit. */
static void
on_search_activate (ChatSidebar *self)
{
  guint position = first_choosable (self);

  if (position != GTK_INVALID_LIST_POSITION)
    chat_sidebar_activate_position (self, position);
}

static void
on_stop_search (ChatSidebar *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Down leaves the search field for the list, at its first choosable row.
 * Scrolling to a row is what makes it the list's focus row. */
static gboolean
on_search_key_pressed (ChatSidebar     *self,
                       guint            keyval,
                       guint            keycode,
                       GdkModifierType  state)
{
  guint position;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;
  position = first_choosable (self);
  if (position == GTK_INVALID_LIST_POSITION)
    return GDK_EVENT_PROPAGATE;
  reach (self, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  return GDK_EVENT_STOP;
}

static void
chat_sidebar_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChatSidebar *self = CHAT_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_N_CONVERSATIONS:
      g_value_set_uint (value, self->n_conversations);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_sidebar_dispose (GObject *object)
{
  ChatSidebar *self = CHAT_SIDEBAR (object);

  stop_growing (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_SIDEBAR);
  g_clear_object (&self->store);
  g_clear_object (&self->shown);
  g_clear_object (&self->items);
  g_clear_pointer (&self->hidden, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (chat_sidebar_parent_class)->dispose (object);
}

/* The rest of the list comes after the first frame that shows the list. */
static void
chat_sidebar_map (GtkWidget *widget)
{
  ChatSidebar *self = CHAT_SIDEBAR (widget);

  GTK_WIDGET_CLASS (chat_sidebar_parent_class)->map (widget);

  if (shows_all (self) || self->frame_clock != NULL || self->grow_id != 0)
    return;
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  g_signal_connect (self->frame_clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

static void
chat_sidebar_unmap (GtkWidget *widget)
{
  forget_frame_clock (CHAT_SIDEBAR (widget));

  GTK_WIDGET_CLASS (chat_sidebar_parent_class)->unmap (widget);
}

static void
chat_sidebar_class_init (ChatSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_sidebar_dispose;
  object_class->get_property = chat_sidebar_get_property;
  widget_class->map = chat_sidebar_map;
  widget_class->unmap = chat_sidebar_unmap;

  properties[PROP_N_CONVERSATIONS] =
    g_param_spec_uint ("n-conversations", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONVERSATION_ACTIVATED] =
    g_signal_new ("conversation-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/shell/chat-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatSidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebar, selection);
  gtk_widget_class_bind_template_child (widget_class, ChatSidebar, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_item);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_list_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_item);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind_item);
}

/* GTK 4.8's list makes rows for the 200 items around its anchor at once:
 * before the first frame, it gets only as many as fill the tallest
 * monitor with the shortest rows. */
static guint
count_first_screen (GtkWidget *widget)
{
  GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (widget));
  int tallest = 0;

  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      tallest = MAX (tallest, geometry.height);
    }
  return tallest > 0 ? (guint) tallest / MIN_ROW_HEIGHT + 1 : G_MAXUINT;
}

static void
chat_sidebar_init (ChatSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (CHAT_TYPE_SIDEBAR_ITEM);
  self->first_screen = count_first_screen (GTK_WIDGET (self));
  self->shown = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->items)), 0, self->first_screen);
  self->hidden = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->rows = g_hash_table_new (NULL, NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->shown));
  update_page (self);
}

GtkWidget *
chat_sidebar_new (void)
{
  return g_object_new (CHAT_TYPE_SIDEBAR, NULL);
}

void
chat_sidebar_set_store (ChatSidebar *self,
                        ChatStore   *store)
{
  g_return_if_fail (CHAT_IS_SIDEBAR (self));
  g_return_if_fail (CHAT_IS_STORE (store));

  if (g_set_object (&self->store, store))
    chat_sidebar_reload (self);
}

void
chat_sidebar_set_current (ChatSidebar *self,
                          gint64       conversation_id)
{
  g_return_if_fail (CHAT_IS_SIDEBAR (self));

  self->current_id = conversation_id;
  select_current (self);
}

void
chat_sidebar_set_conversation_hidden (ChatSidebar *self,
                                      gint64       conversation_id,
                                      gboolean     hidden)
{
  g_return_if_fail (CHAT_IS_SIDEBAR (self));

  if (hidden)
    g_hash_table_add (self->hidden, g_memdup2 (&conversation_id, sizeof conversation_id));
  else
    g_hash_table_remove (self->hidden, &conversation_id);
  chat_sidebar_reload (self);
}

guint
chat_sidebar_get_n_conversations (ChatSidebar *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR (self), 0);

  return self->n_conversations;
}

GListModel *
chat_sidebar_get_items (ChatSidebar *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR (self), NULL);

  return G_LIST_MODEL (self->items);
}

/* The row @offset rows away that opens another conversation, skipping
 * headings (and, among hits, more hits in the same conversation). */
static guint
find_relative (ChatSidebar *self,
               int          offset)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint current = find_conversation (self, self->current_id);
  int step = offset < 0 ? -1 : 1;
  int remaining = ABS (offset);
  int i = current != GTK_INVALID_LIST_POSITION ? (int) current : (step > 0 ? -1 : (int) n);

  for (i += step; i >= 0 && i < (int) n; i += step)
    {
      g_autoptr(ChatSidebarItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (chat_sidebar_item_get_kind (item) == CHAT_SIDEBAR_ITEM_HEADER ||
          chat_sidebar_item_get_conversation_id (item) == self->current_id)
        continue;
      if (--remaining == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

void
chat_sidebar_activate_relative (ChatSidebar *self,
                                int          offset)
{
  guint position;

  g_return_if_fail (CHAT_IS_SIDEBAR (self));

  position = find_relative (self, offset);
  if (position == GTK_INVALID_LIST_POSITION)
    return;
  reach (self, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  chat_sidebar_activate_position (self, position);
}

void
chat_sidebar_set_search_text (ChatSidebar *self,
                              const char  *text)
{
  g_return_if_fail (CHAT_IS_SIDEBAR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Now, not after the entry's typing delay. */
  chat_sidebar_reload (self);
}

void
chat_sidebar_focus_search (ChatSidebar *self)
{
  g_return_if_fail (CHAT_IS_SIDEBAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
