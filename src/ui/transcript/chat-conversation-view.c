/* chat-conversation-view.c: one conversation, its transcript and composer
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Streaming: every delta of the shown conversation's reply only asks for a
 * frame (a tick callback); at the frame the reply's text goes into the
 * message once, the rows follow its notifications, and the view scrolls
 * down if the reader was at the bottom.  So the work per frame does not
 * grow with the number of deltas, and the work per delta is a flag.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <adwaita.h>

#include "chat-composer.h"
#include "chat-conversation-view.h"
#include "chat-exchange-registry.h"
#include "chat-message-row.h"
#include "chat-tail-model.h"

/* How close to the end counts as "at the bottom", in pixels. */
#define FOLLOW_EPSILON 8.0

/* The range of the "transcript-font-scale" setting. */
#define MIN_FONT_SCALE 0.5
#define MAX_FONT_SCALE 2.0

/* --- the tail of the conversation ----------------------------------------- */

/* GTK 4.8's list view keeps about 200 rows around its anchor, and it starts
 * with them at the top of a new model before the view scrolls to the end:
 * opening a long conversation built, bound and measured some 600 rows
 * (about a second) before its first frame, whatever its length.  So the
 * list shows the last TAIL_FIRST messages in the first frame, and up to
 * TAIL_SHOWN over the next ones, inserted above the last message (the list's
 * anchor, so the view stays at the bottom): the rows are bound once, at the
 * end.  Older messages come TAIL_MORE at a time as the reader scrolls near
 * the top, or all at once for a search hit among them.  Since GTK 4.8 binds
 * up to 200 rows of whatever the model holds, a long conversation would
 * otherwise keep 200 rows built (about 70 MB with their Markdown) and
 * restyle them all whenever the list changes, as it does at each Send. */
#define TAIL_FIRST 12
#define TAIL_STEP  8
#define TAIL_SHOWN 50
#define TAIL_MORE  50

struct _ChatConversationView {
  GtkWidget             parent_instance;

  ChatComposer         *composer;
  GtkLabel             *hint_label;
  GtkRevealer          *jump_revealer;
  GtkListView          *list_view;
  GtkScrolledWindow    *scroller;
  GtkStack             *stack;
  AdwToastOverlay      *toast_overlay;

  ChatStore            *store;
  ChatClient           *client;
  ChatExchangeRegistry *registry;
  char                 *base_url;
  ChatProfileLookupFunc profile_lookup;
  gpointer              profile_lookup_data;
  GDestroyNotify        profile_lookup_destroy;

  ChatConversation     *conversation;
  GtkNoSelection       *selection;
  ChatTailModel        *tail;          /* the shown part of the conversation */
  guint                 grow_id;       /* the tick that shows more of it */
  ChatExchange         *exchange;      /* the shown conversation's, while it runs */
  GHashTable           *drafts;        /* conversation id -> composer text */
  GHashTable           *variants;      /* parent id -> GArray of sibling ids */
  GHashTable           *rows;          /* the bound ChatMessageRows */
  GHashTable           *unlocked_rows; /* bound rows whose lock is yet to follow busy */
  guint                 lock_idle_id;
  gint64                editing_id;
  gboolean              busy;
  double                font_scale;
  GtkCssProvider       *font_provider; /* the list's own: sizes its text */

  guint                 tick_id;
  gboolean              following;
  double                last_value;
  gint64                layout_frame;  /* the frame the list last resized in */
};

G_DEFINE_FINAL_TYPE (ChatConversationView, chat_conversation_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONVERSATION,
  PROP_BUSY,
  PROP_SEND_WITH,
  PROP_FONT_SCALE,
  N_PROPS
};

enum {
  CONVERSATION_CHANGED,
  REPLY_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gint64
current_id (ChatConversationView *self)
{
  return chat_conversation_get_id (self->conversation);
}

static void
show_error (ChatConversationView *self,
            const char           *message)
{
  /* A toast's title is Pango markup. */
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static ChatMessage *
find_message (ChatConversationView *self,
              gint64                message_id,
              guint                *position)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->conversation));

  for (guint i = 0; i < n_items; i++)
    {
      ChatMessage *message = chat_conversation_get_message (self->conversation, i);

      if (chat_message_get_id (message) == message_id)
        {
          if (position != NULL)
            *position = i;
          return message;
        }
    }
  return NULL;
}

/* --- scrolling ----------------------------------------------------------- */

static GtkAdjustment *
get_vadjustment (ChatConversationView *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}

static gboolean
is_at_bottom (ChatConversationView *self)
{
  GtkAdjustment *adjustment = get_vadjustment (self);
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  return gtk_adjustment_get_value (adjustment) >= bottom - FOLLOW_EPSILON;
}

/* "Jump to latest" only where there is something below to jump to: a
 * search hit in a short conversation leaves nothing to scroll. */
static void
update_jump_button (ChatConversationView *self)
{
  gtk_revealer_set_reveal_child (self->jump_revealer, !self->following && !is_at_bottom (self));
}

static void
set_following (ChatConversationView *self,
               gboolean              following)
{
  self->following = following;
  update_jump_button (self);
}

static void
scroll_to_bottom (ChatConversationView *self)
{
  GtkAdjustment *adjustment = get_vadjustment (self);

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);

  self->tick_id = 0;
  if (self->exchange != NULL)
    chat_exchange_sync (self->exchange);
  if (self->following)
    scroll_to_bottom (self);
  return G_SOURCE_REMOVE;
}

/* At most one update per frame, whatever the number of deltas. */
static void
request_frame (ChatConversationView *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

static gint64
frame_counter (ChatConversationView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  return clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : -1;
}

static void
on_adjustment_changed (ChatConversationView *self)
{
  self->layout_frame = frame_counter (self);
  if (self->following)
    request_frame (self);
  else
    update_jump_button (self);
}

static void show_more_if_near_top (ChatConversationView *self);

/* The reader leaves the bottom by scrolling up; the list moving the view
 * while it resizes rows (in the same frame) is not the reader. */
static void
on_value_changed (ChatConversationView *self)
{
  GtkAdjustment *adjustment = get_vadjustment (self);
  double value = gtk_adjustment_get_value (adjustment);
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (value >= bottom - FOLLOW_EPSILON)
    set_following (self, TRUE);
  else if (value < self->last_value && self->layout_frame != frame_counter (self))
    set_following (self, FALSE);
  else if (!self->following)
    update_jump_button (self);
  self->last_value = value;
  if (!self->following)
    show_more_if_near_top (self);
}

static void
follow_to_end (ChatConversationView *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->tail));

  set_following (self, TRUE);
  if (n_items > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", n_items - 1);
  request_frame (self);
}

/* --- rows ---------------------------------------------------------------- */

static GArray *
lookup_variants (ChatConversationView *self,
                 gint64                parent_id)
{
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GError) error = NULL;
  GArray *ids;

  ids = g_hash_table_lookup (self->variants, &parent_id);
  if (ids != NULL)
    return ids;
  children = chat_store_list_children (self->store, current_id (self), parent_id, &error);
  if (children == NULL)
    {
      g_debug ("no variants: %s", error->message);
      return NULL;
    }
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), children->len);
  for (guint i = 0; i < children->len; i++)
    {
      gint64 id = chat_message_get_id (g_ptr_array_index (children, i));

      g_array_append_val (ids, id);
    }
  g_hash_table_insert (self->variants, g_memdup2 (&parent_id, sizeof parent_id), ids);
  return ids;
}

static void
update_row (ChatConversationView *self,
            ChatMessageRow       *row)
{
  ChatMessage *message = chat_message_row_get_message (row);
  GArray *ids = NULL;
  guint current = 0;

  if (current_id (self) != 0)
    ids = lookup_variants (self, chat_message_get_parent_id (message));
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == chat_message_get_id (message))
      current = i;
  chat_message_row_set_variants (row, ids, current);
  chat_message_row_set_editing (row, self->editing_id != 0 && self->editing_id == chat_message_get_id (message));
  chat_message_row_set_locked (row, self->busy);
}

/* While a reply streams, no message may change (the handlers refuse too).
 * GTK 4.8 keeps about 200 rows bound, and greying out their buttons all at
 * once restyles thousands of CSS nodes in the frame that starts the reply:
 * the rows in view change at once, the others a few at a time on idle. */
#define ROWS_LOCKED_PER_IDLE 8

static gboolean
row_is_in_view (ChatConversationView *self,
                GtkWidget            *row)
{
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (row, GTK_WIDGET (self->scroller), &bounds)
         && bounds.origin.y < gtk_widget_get_height (GTK_WIDGET (self->scroller))
         && bounds.origin.y + bounds.size.height > 0;
}

static gboolean
lock_some_rows (gpointer user_data)
{
  ChatConversationView *self = user_data;
  GHashTableIter iter;
  gpointer row;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->unlocked_rows);
  while (n++ < ROWS_LOCKED_PER_IDLE && g_hash_table_iter_next (&iter, &row, NULL))
    {
      chat_message_row_set_locked (row, self->busy);
      g_hash_table_iter_remove (&iter);
    }
  if (g_hash_table_size (self->unlocked_rows) > 0)
    return G_SOURCE_CONTINUE;
  self->lock_idle_id = 0;
  return G_SOURCE_REMOVE;
}

static void
lock_rows (ChatConversationView *self)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    if (row_is_in_view (self, row))
      chat_message_row_set_locked (row, self->busy);
    else
      g_hash_table_add (self->unlocked_rows, row);
  if (self->lock_idle_id == 0 && g_hash_table_size (self->unlocked_rows) > 0)
    self->lock_idle_id = g_idle_add_full (G_PRIORITY_LOW, lock_some_rows, self, NULL);
}

/* After the tree changed: the variants are read again. */
static void
refresh_rows (ChatConversationView *self)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_remove_all (self->variants);
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    update_row (self, row);
}

/* Rows the list let go of, freed a few at a time on idle: switching away
 * from a long conversation took its rows down (their Markdown widgets)
 * before the new one's first frame. */
#define ROWS_FREED_PER_IDLE 4

static GPtrArray *rows_to_free;
static guint free_rows_id;

static gboolean
free_some_rows (gpointer user_data)
{
  guint n = MIN (rows_to_free->len, ROWS_FREED_PER_IDLE);

  g_ptr_array_remove_range (rows_to_free, rows_to_free->len - n, n);
  if (rows_to_free->len > 0)
    return G_SOURCE_CONTINUE;
  free_rows_id = 0;
  return G_SOURCE_REMOVE;
}

/* The list item goes: its row, unparented by now, follows on idle. */
static void
free_row_later (gpointer row)
{
  if (rows_to_free == NULL)
    rows_to_free = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (rows_to_free, row);
  if (free_rows_id == 0)
    free_rows_id = g_idle_add_full (G_PRIORITY_LOW, free_some_rows, NULL, NULL);
}

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          ChatConversationView     *self)
{
  GtkWidget *row = chat_message_row_new ();

  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, row);
  g_object_set_data_full (G_OBJECT (item), "chat-row", g_object_ref (row), free_row_later);
}

static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         ChatConversationView     *self)
{
  ChatMessageRow *row = CHAT_MESSAGE_ROW (gtk_list_item_get_child (item));

  chat_message_row_set_message (row, gtk_list_item_get_item (item));
  g_hash_table_add (self->rows, row);
  g_hash_table_remove (self->unlocked_rows, row);
  update_row (self, row);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           ChatConversationView     *self)
{
  ChatMessageRow *row = CHAT_MESSAGE_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->rows, row);
  g_hash_table_remove (self->unlocked_rows, row);
  chat_message_row_set_message (row, NULL);
}

/* --- the conversation ---------------------------------------------------- */

/* Rows are about to go (a new branch, a deletion): GTK 4.8's list view
 * fails when the focus is in a row it removes, so the focus goes to the
 * composer first. */
static void
park_focus (ChatConversationView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

static void
update_stack (ChatConversationView *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->conversation)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "transcript");
}

static void
on_exchange_progress (ChatConversationView *self)
{
  request_frame (self);
}

static void
follow_exchange (ChatConversationView *self,
                 ChatExchange         *exchange)
{
  if (self->exchange == exchange)
    return;
  if (self->exchange != NULL)
    g_signal_handlers_disconnect_by_func (self->exchange, on_exchange_progress, self);
  g_set_object (&self->exchange, exchange);
  if (exchange != NULL)
    g_signal_connect_object (exchange, "progress", G_CALLBACK (on_exchange_progress),
                             self, G_CONNECT_SWAPPED);
}

static void
update_busy (ChatConversationView *self)
{
  gint64 id = current_id (self);
  ChatExchange *exchange = id != 0 ? chat_exchange_registry_lookup (self->registry, id) : NULL;
  gboolean busy = exchange != NULL;

  follow_exchange (self, exchange);
  chat_composer_set_busy (self->composer, busy);
  if (self->busy == busy)
    return;
  self->busy = busy;
  lock_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
on_registry_changed (ChatConversationView *self,
                     ChatExchange         *exchange)
{
  if (chat_exchange_get_conversation (exchange) == self->conversation)
    update_busy (self);
}

static void
keep_draft (ChatConversationView *self)
{
  gint64 id = current_id (self);

  if (chat_composer_is_empty (self->composer))
    g_hash_table_remove (self->drafts, &id);
  else
    g_hash_table_replace (self->drafts, g_memdup2 (&id, sizeof id),
                          chat_composer_dup_text (self->composer));
}

/* The first tick comes in the frame that shows the tail: the rest waits
 * for the next one, so that the tail's frame is drawn first, and comes
 * TAIL_STEP rows a frame (38 rows at once made a 60 ms frame). */
static gboolean
on_grow_tick (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);
  gboolean *waited = user_data;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->tail));
  gboolean more;

  if (!*waited)
    {
      *waited = TRUE;
      return G_SOURCE_CONTINUE;
    }
  more = chat_tail_model_grow (self->tail, MIN (TAIL_STEP, TAIL_SHOWN - MIN (shown, TAIL_SHOWN)))
         && shown + TAIL_STEP < TAIL_SHOWN;
  /* Anchored at the last message, the rows going in above it do not move
   * the bottom in this frame's layout; a move the list makes in this frame
   * is its own, not the reader's. */
  self->layout_frame = gdk_frame_clock_get_frame_counter (frame_clock);
  if (self->following)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                g_list_model_get_n_items (G_LIST_MODEL (self->tail)) - 1);
  if (more)
    return G_SOURCE_CONTINUE;
  self->grow_id = 0;
  return G_SOURCE_REMOVE;
}

/* In a tick, not while the list scrolls: the rows go in above the one the
 * list is anchored at, and the view does not move. */
static gboolean
on_more_tick (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);

  chat_tail_model_grow (self->tail, TAIL_MORE);
  self->layout_frame = gdk_frame_clock_get_frame_counter (frame_clock);
  self->grow_id = 0;
  return G_SOURCE_REMOVE;
}

/* Within a screen of the top of what is shown: show older messages. */
static void
show_more_if_near_top (ChatConversationView *self)
{
  GtkAdjustment *adjustment = get_vadjustment (self);

  if (chat_tail_model_get_n_hidden (self->tail) == 0 || self->grow_id != 0
      || gtk_adjustment_get_value (adjustment) > gtk_adjustment_get_page_size (adjustment))
    return;
  self->grow_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_more_tick, NULL, NULL);
}

static void
stop_growing (ChatConversationView *self)
{
  if (self->grow_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->grow_id);
  self->grow_id = 0;
}

static void
show_tail (ChatConversationView *self)
{
  stop_growing (self);
  chat_tail_model_set_source (self->tail, G_LIST_MODEL (self->conversation), TAIL_FIRST);
  if (chat_tail_model_get_n_hidden (self->tail) > 0)
    self->grow_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_grow_tick,
                                                  g_new0 (gboolean, 1), g_free);
}

/* The list position of the conversation's @position, showing all of it
 * when that message is not shown yet. */
static guint
list_position (ChatConversationView *self,
               guint                 position)
{
  if (position < chat_tail_model_get_n_hidden (self->tail))
    {
      stop_growing (self);
      chat_tail_model_grow (self->tail, G_MAXUINT);
    }
  return position - chat_tail_model_get_n_hidden (self->tail);
}

static void
set_conversation (ChatConversationView *self,
                  ChatConversation     *conversation)
{
  if (self->conversation != NULL)
    {
      keep_draft (self);
      g_signal_handlers_disconnect_by_func (self->conversation, update_stack, self);
    }
  g_set_object (&self->conversation, conversation);
  self->editing_id = 0;
  g_hash_table_remove_all (self->variants);
  park_focus (self);
  show_tail (self);
  g_signal_connect_object (conversation, "items-changed", G_CALLBACK (update_stack),
                           self, G_CONNECT_SWAPPED);
  chat_composer_set_text (self->composer,
                          g_hash_table_lookup (self->drafts, &(gint64) { current_id (self) }));
  update_stack (self);
  update_busy (self);
  follow_to_end (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

/* The messages shown, and the running answer even when its branch is not:
 * by id, to be kept across a reload. */
static GHashTable *
index_shown (ChatConversationView *self)
{
  GHashTable *shown = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->conversation));
  ChatMessage *live[2] = { NULL, NULL };

  if (self->exchange != NULL)
    {
      live[0] = chat_exchange_get_question (self->exchange);
      live[1] = chat_exchange_get_answer (self->exchange);
    }
  for (guint i = 0; i < n_items + G_N_ELEMENTS (live); i++)
    {
      ChatMessage *message = i < n_items ? chat_conversation_get_message (self->conversation, i)
                                         : live[i - n_items];
      gint64 id = message != NULL ? chat_message_get_id (message) : 0;

      if (id != 0)
        g_hash_table_replace (shown, g_memdup2 (&id, sizeof id), message);
    }
  return shown;
}

/* The branch as the store has it now, keeping the message objects already
 * shown (their parsed Markdown, a streaming answer). */
static gboolean
reload_branch (ChatConversationView  *self,
               GError               **error)
{
  g_autoptr(ChatConversation) fresh = chat_store_load_conversation (self->store, current_id (self), error);
  g_autoptr(GHashTable) shown = NULL;
  g_autoptr(GPtrArray) branch = NULL;
  guint n_items;

  if (fresh == NULL)
    return FALSE;
  shown = index_shown (self);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (fresh));
  branch = g_ptr_array_sized_new (n_items);
  for (guint i = 0; i < n_items; i++)
    {
      ChatMessage *message = chat_conversation_get_message (fresh, i);
      ChatMessage *kept = g_hash_table_lookup (shown, &(gint64) { chat_message_get_id (message) });

      g_ptr_array_add (branch, kept != NULL ? kept : message);
    }
  chat_conversation_set_current_leaf (self->conversation, chat_conversation_get_current_leaf (fresh));
  park_focus (self);
  chat_conversation_set_branch (self->conversation, branch);
  return TRUE;
}

/* --- exchanges ----------------------------------------------------------- */

static ChatExchange *
new_exchange (ChatConversationView *self)
{
  ChatExchange *exchange = chat_exchange_new (self->store, self->client, self->conversation);
  const char *profile_id = chat_conversation_get_profile (self->conversation);

  chat_exchange_set_base_url (exchange, self->base_url);
  if (profile_id != NULL && self->profile_lookup != NULL)
    {
      g_autoptr(ChatProfile) custom = self->profile_lookup (profile_id, self->profile_lookup_data);

      if (custom != NULL)
        chat_exchange_set_profile (exchange, custom);
    }
  return exchange;
}

static void
on_own_exchange_finished (ChatExchange         *exchange,
                          const GError         *error,
                          ChatConversationView *self)
{
  gint64 id = chat_conversation_get_id (chat_exchange_get_conversation (exchange));

  g_signal_emit (self, signals[CONVERSATION_CHANGED], 0, id);
  g_signal_emit (self, signals[REPLY_FINISHED], 0, id, error);
}

/* After the operation stored its messages and sent the request. */
static void
start_exchange (ChatConversationView *self,
                ChatExchange         *exchange)
{
  self->editing_id = 0;
  /* After the registry's: when "reply-finished" is emitted, the view is no
   * longer busy. */
  chat_exchange_registry_add (self->registry, exchange);
  g_signal_connect_object (exchange, "finished", G_CALLBACK (on_own_exchange_finished), self, 0);
  refresh_rows (self);
  follow_to_end (self);
  g_signal_emit (self, signals[CONVERSATION_CHANGED], 0, current_id (self));
}

typedef gboolean (*ExchangeOperation) (ChatExchange  *exchange,
                                       ChatMessage   *message,
                                       GError       **error);

static void
run_on_message (ChatConversationView *self,
                GVariant             *parameter,
                ExchangeOperation     operation)
{
  ChatMessage *message = find_message (self, g_variant_get_int64 (parameter), NULL);
  g_autoptr(ChatExchange) exchange = NULL;
  g_autoptr(GError) error = NULL;

  if (message == NULL || self->busy)
    return;
  exchange = new_exchange (self);
  park_focus (self);
  if (operation (exchange, message, &error))
    start_exchange (self, exchange);
  else
    show_error (self, error->message);
}

static void
on_composer_send (ChatConversationView *self)
{
  g_autofree char *text = chat_composer_dup_text (self->composer);
  g_autoptr(ChatExchange) exchange = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = current_id (self);

  if (self->busy || chat_composer_is_empty (self->composer))
    return;
  exchange = new_exchange (self);
  /* The text leaves the composer only once the question is stored. */
  if (!chat_exchange_ask (exchange, text, &error))
    {
      show_error (self, error->message);
      return;
    }
  chat_composer_set_text (self->composer, NULL);
  g_hash_table_remove (self->drafts, &id);
  start_exchange (self, exchange);
}

static void
on_composer_stop (ChatConversationView *self)
{
  if (self->exchange != NULL)
    chat_exchange_stop (self->exchange);
}

/* --- actions ------------------------------------------------------------- */

static void
action_stop (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);

  if (self->exchange != NULL)
    chat_exchange_stop (self->exchange);
  else if (self->editing_id != 0)
    {
      self->editing_id = 0;
      refresh_rows (self);
    }
}

static void
action_copy (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);
  ChatMessage *message = find_message (self, g_variant_get_int64 (parameter), NULL);

  if (message == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), chat_message_get_content (message));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

static void
action_regenerate (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  run_on_message (CHAT_CONVERSATION_VIEW (widget), parameter, chat_exchange_regenerate);
}

static void
action_retry (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  run_on_message (CHAT_CONVERSATION_VIEW (widget), parameter, chat_exchange_retry);
}

static void
action_continue (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  run_on_message (CHAT_CONVERSATION_VIEW (widget), parameter, chat_exchange_continue);
}

static void
action_edit (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);

  if (self->busy)
    return;
  self->editing_id = g_variant_get_int64 (parameter);
  refresh_rows (self);
}

static void
action_edit_cancel (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);

  self->editing_id = 0;
  refresh_rows (self);
}

static void
action_resend (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);
  g_autoptr(ChatExchange) exchange = NULL;
  g_autoptr(GError) error = NULL;
  ChatMessage *question;
  const char *text;
  gint64 id;

  g_variant_get (parameter, "(x&s)", &id, &text);
  question = find_message (self, id, NULL);
  if (question == NULL || self->busy)
    return;
  exchange = new_exchange (self);
  park_focus (self);
  if (chat_exchange_edit (exchange, question, text, &error))
    start_exchange (self, exchange);
  else
    show_error (self, error->message);
}

static void
reveal_position (ChatConversationView *self,
                 guint                 position)
{
  set_following (self, FALSE);
  position = list_position (self, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static void
action_show_variant (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(GError) error = NULL;
  guint position;

  if (!chat_store_select_branch (self->store, current_id (self), id, &error) ||
      !reload_branch (self, &error))
    {
      show_error (self, error->message);
      return;
    }
  refresh_rows (self);
  if (find_message (self, id, &position) != NULL)
    reveal_position (self, position);
}

static void
delete_message (ChatConversationView *self,
                gint64                message_id)
{
  g_autoptr(GError) error = NULL;

  if (!chat_store_delete_message (self->store, message_id, &error) ||
      !reload_branch (self, &error))
    {
      show_error (self, error->message);
      return;
    }
  refresh_rows (self);
  g_signal_emit (self, signals[CONVERSATION_CHANGED], 0, current_id (self));
}

static void
on_delete_response (AdwMessageDialog     *dialog,
                    const char           *response,
                    ChatConversationView *self)
{
  gint64 *message_id = g_object_get_data (G_OBJECT (dialog), "message-id");

  if (g_str_equal (response, "delete"))
    delete_message (self, *message_id);
}

/* Deleting a message takes what follows it: that needs a yes. */
static void
confirm_delete (ChatConversationView *self,
                gint64                message_id)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete This Message?"),
                                   _("The messages after it in this conversation are deleted too, with their other versions."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "message-id",
                          g_memdup2 (&message_id, sizeof message_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_delete (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (widget);
  gint64 id = g_variant_get_int64 (parameter);
  guint position;

  if (self->busy || find_message (self, id, &position) == NULL)
    return;
  if (position + 1 < g_list_model_get_n_items (G_LIST_MODEL (self->conversation)))
    confirm_delete (self, id);
  else
    delete_message (self, id);
}

static void
action_jump_to_latest (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  follow_to_end (CHAT_CONVERSATION_VIEW (widget));
}

/* --- the class ----------------------------------------------------------- */

static void
load_style (void)
{
  static gsize loaded = 0;
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL || !g_once_init_enter (&loaded))
    return;
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, "/io/github/liaochat/Liao/transcript/style.css");
    gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_once_init_leave (&loaded, 1);
}

static void
chat_conversation_view_dispose (GObject *object)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (object);
  GtkWidget *child;

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  stop_growing (self);
  follow_exchange (self, NULL);
  g_clear_handle_id (&self->lock_idle_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_CONVERSATION_VIEW);
  /* The template's top child is not bound, so it is still there. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->tail);
  g_clear_object (&self->font_provider);
  g_clear_object (&self->conversation);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (chat_conversation_view_parent_class)->dispose (object);
}

static void
chat_conversation_view_finalize (GObject *object)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (object);

  g_free (self->base_url);
  if (self->profile_lookup_destroy != NULL)
    self->profile_lookup_destroy (self->profile_lookup_data);
  g_hash_table_unref (self->drafts);
  g_hash_table_unref (self->variants);
  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->unlocked_rows);

  G_OBJECT_CLASS (chat_conversation_view_parent_class)->finalize (object);
}

static void
chat_conversation_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_SEND_WITH:
      g_value_set_enum (value, chat_composer_get_send_with (self->composer));
      break;
    case PROP_FONT_SCALE:
      g_value_set_double (value, self->font_scale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_conversation_view_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  ChatConversationView *self = CHAT_CONVERSATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_SEND_WITH:
      chat_conversation_view_set_send_with (self, g_value_get_enum (value));
      break;
    case PROP_FONT_SCALE:
      chat_conversation_view_set_font_scale (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "transcript.stop", NULL, action_stop);
  gtk_widget_class_install_action (widget_class, "transcript.copy", "x", action_copy);
  gtk_widget_class_install_action (widget_class, "transcript.regenerate", "x", action_regenerate);
  gtk_widget_class_install_action (widget_class, "transcript.retry", "x", action_retry);
  gtk_widget_class_install_action (widget_class, "transcript.continue", "x", action_continue);
  gtk_widget_class_install_action (widget_class, "transcript.edit", "x", action_edit);
  gtk_widget_class_install_action (widget_class, "transcript.edit-cancel", NULL, action_edit_cancel);
  gtk_widget_class_install_action (widget_class, "transcript.resend", "(xs)", action_resend);
  gtk_widget_class_install_action (widget_class, "transcript.delete", "x", action_delete);
  gtk_widget_class_install_action (widget_class, "transcript.show-variant", "x", action_show_variant);
  gtk_widget_class_install_action (widget_class, "transcript.jump-to-latest", NULL, action_jump_to_latest);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "transcript.stop", NULL);
}

static void
chat_conversation_view_class_init (ChatConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_conversation_view_dispose;
  object_class->finalize = chat_conversation_view_finalize;
  object_class->get_property = chat_conversation_view_get_property;
  object_class->set_property = chat_conversation_view_set_property;

  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, CHAT_TYPE_CONVERSATION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SEND_WITH] =
    g_param_spec_enum ("send-with", NULL, NULL, CHAT_TYPE_SEND_WITH, CHAT_SEND_WITH_ENTER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FONT_SCALE] =
    g_param_spec_double ("font-scale", NULL, NULL, MIN_FONT_SCALE, MAX_FONT_SCALE, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONVERSATION_CHANGED] =
    g_signal_new ("conversation-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[REPLY_FINISHED] =
    g_signal_new ("reply-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  g_type_ensure (CHAT_TYPE_COMPOSER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/transcript/chat-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatConversationView, composer);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationView, hint_label);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationView, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationView, list_view);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationView, scroller);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationView, stack);
  gtk_widget_class_bind_template_child (widget_class, ChatConversationView, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, on_composer_send);
  gtk_widget_class_bind_template_callback (widget_class, on_composer_stop);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conversationview");
  install_actions (widget_class);
}

static void
setup_list (ChatConversationView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *adjustment = get_vadjustment (self);

  g_signal_connect (factory, "setup", G_CALLBACK (on_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  self->tail = chat_tail_model_new ();
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->tail)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_value_changed),
                           self, G_CONNECT_SWAPPED);
}

/* A provider on the list's own style context reaches only this transcript
 * (so each view may have its own size); the rows inherit the font size. */
static void
setup_font_scale (ChatConversationView *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->list_view));

  self->font_scale = 1.0;
  self->font_provider = gtk_css_provider_new ();
  gtk_style_context_add_provider (context, GTK_STYLE_PROVIDER (self->font_provider),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
chat_conversation_view_init (ChatConversationView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  load_style ();
  self->drafts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->variants = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                          (GDestroyNotify) g_array_unref);
  self->rows = g_hash_table_new (NULL, NULL);
  self->unlocked_rows = g_hash_table_new (NULL, NULL);
  self->following = TRUE;
  setup_list (self);
  setup_font_scale (self);
}

GtkWidget *
chat_conversation_view_new (ChatStore  *store,
                            ChatClient *client)
{
  ChatConversationView *self;
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);

  g_return_val_if_fail (CHAT_IS_STORE (store), NULL);
  g_return_val_if_fail (CHAT_IS_CLIENT (client), NULL);

  self = g_object_new (CHAT_TYPE_CONVERSATION_VIEW, NULL);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  self->registry = chat_exchange_registry_get_for_store (store);
  g_signal_connect_object (self->registry, "exchange-started", G_CALLBACK (on_registry_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->registry, "exchange-finished", G_CALLBACK (on_registry_changed),
                           self, G_CONNECT_SWAPPED);
  set_conversation (self, conversation);
  return GTK_WIDGET (self);
}

void
chat_conversation_view_set_base_url_override (ChatConversationView *self,
                                              const char           *base_url)
{
  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  g_free (self->base_url);
  self->base_url = g_strdup (base_url != NULL && *base_url != '\0' ? base_url : NULL);
}

void
chat_conversation_view_show_conversation (ChatConversationView *self,
                                          gint64                conversation_id)
{
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  if (conversation_id != 0 && conversation_id == current_id (self))
    return;
  if (conversation_id != 0)
    conversation = chat_exchange_registry_load_conversation (self->registry, conversation_id, &error);
  if (conversation == NULL)
    {
      if (error != NULL)
        show_error (self, error->message);
      conversation = chat_conversation_new (NULL);
    }
  set_conversation (self, conversation);
}

gint64
chat_conversation_view_get_conversation_id (ChatConversationView *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION_VIEW (self), 0);

  return current_id (self);
}

ChatConversation *
chat_conversation_view_get_conversation (ChatConversationView *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION_VIEW (self), NULL);

  return self->conversation;
}

void
chat_conversation_view_reveal_message (ChatConversationView *self,
                                       gint64                message_id)
{
  g_autoptr(GError) error = NULL;
  guint position;

  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  /* It may be on the branch, above what is loaded yet. */
  if (find_message (self, message_id, &position) == NULL
      && chat_conversation_has_older (self->conversation)
      && chat_store_load_older (self->store, self->conversation, G_MAXUINT, &error) < 0)
    {
      show_error (self, error->message);
      return;
    }
  if (find_message (self, message_id, &position) == NULL)
    {
      if (current_id (self) == 0 ||
          !chat_store_select_branch (self->store, current_id (self), message_id, &error) ||
          !reload_branch (self, &error))
        {
          g_debug ("cannot reveal message %" G_GINT64_FORMAT ": %s", message_id,
                   error != NULL ? error->message : "no conversation");
          return;
        }
      refresh_rows (self);
      if (find_message (self, message_id, &position) == NULL)
        return;
    }
  reveal_position (self, position);
}

/* A new conversation keeps them until its first message stores it. */
static void
save_settings (ChatConversationView *self)
{
  g_autoptr(GError) error = NULL;

  if (current_id (self) != 0 && !chat_store_save_conversation (self->store, self->conversation, &error))
    show_error (self, error->message);
}

void
chat_conversation_view_set_profile (ChatConversationView *self,
                                    const char           *profile_id)
{
  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  chat_conversation_set_profile (self->conversation, profile_id);
  save_settings (self);
}

void
chat_conversation_view_set_model (ChatConversationView *self,
                                  const char           *model)
{
  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  chat_conversation_set_model (self->conversation, model);
  save_settings (self);
}

void
chat_conversation_view_set_profile_lookup (ChatConversationView  *self,
                                           ChatProfileLookupFunc  lookup,
                                           gpointer               user_data,
                                           GDestroyNotify         destroy)
{
  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  if (self->profile_lookup_destroy != NULL)
    self->profile_lookup_destroy (self->profile_lookup_data);
  self->profile_lookup = lookup;
  self->profile_lookup_data = user_data;
  self->profile_lookup_destroy = destroy;
}

gboolean
chat_conversation_view_get_busy (ChatConversationView *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION_VIEW (self), FALSE);

  return self->busy;
}

void
chat_conversation_view_focus_composer (ChatConversationView *self)
{
  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

static void
update_hint (ChatConversationView *self)
{
  if (chat_composer_get_send_with (self->composer) == CHAT_SEND_WITH_CTRL_ENTER)
    gtk_label_set_label (self->hint_label,
                         _("Type a question below. Ctrl+Enter sends it; Enter starts a new line."));
  else
    gtk_label_set_label (self->hint_label,
                         _("Type a question below. Enter sends it; Shift+Enter starts a new line."));
}

ChatSendWith
chat_conversation_view_get_send_with (ChatConversationView *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION_VIEW (self), CHAT_SEND_WITH_ENTER);

  return chat_composer_get_send_with (self->composer);
}

void
chat_conversation_view_set_send_with (ChatConversationView *self,
                                      ChatSendWith          send_with)
{
  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  if (chat_composer_get_send_with (self->composer) == send_with)
    return;
  chat_composer_set_send_with (self->composer, send_with);
  update_hint (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_WITH]);
}

double
chat_conversation_view_get_font_scale (ChatConversationView *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION_VIEW (self), 1.0);

  return self->font_scale;
}

void
chat_conversation_view_set_font_scale (ChatConversationView *self,
                                       double                scale)
{
  g_autofree char *css = NULL;

  g_return_if_fail (CHAT_IS_CONVERSATION_VIEW (self));

  scale = CLAMP (scale, MIN_FONT_SCALE, MAX_FONT_SCALE);
  if (self->font_scale == scale)
    return;
  self->font_scale = scale;
  /* A whole percentage: no decimal separator for the locale to change. */
  css = g_strdup_printf ("listview.transcript { font-size: %d%%; }", (int) (scale * 100 + 0.5));
  gtk_css_provider_load_from_data (self->font_provider, css, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FONT_SCALE]);
}
