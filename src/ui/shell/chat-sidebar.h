/* chat-sidebar.h: the conversations, grouped by date, and search
 *
 * A virtualized list of the store's conversations (Pinned, Today,
 * Yesterday, Previous 7 Days, Older), or, while the search field holds
 * text, of the store's search hits with their snippets.  Conversations the
 * window is about to delete can be hidden until the deletion is final.
 */
#pragma once

#include <gtk/gtk.h>

#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_TYPE_SIDEBAR (chat_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (ChatSidebar, chat_sidebar, CHAT, SIDEBAR, GtkWidget)

GtkWidget        *chat_sidebar_new                    (void);
void              chat_sidebar_set_store              (ChatSidebar *self,
                                                       ChatStore   *store);
/* Reads the store again (and searches again while searching). */
void              chat_sidebar_reload                 (ChatSidebar *self);
/* Selects the conversation the window shows (0: none). */
void              chat_sidebar_set_current            (ChatSidebar *self,
                                                       gint64       conversation_id);
void              chat_sidebar_set_conversation_hidden (ChatSidebar *self,
                                                       gint64       conversation_id,
                                                       gboolean     hidden);
/* Conversations listed (hidden ones do not count). */
guint             chat_sidebar_get_n_conversations    (ChatSidebar *self);
/* What the list shows: ChatSidebarItems. */
GListModel       *chat_sidebar_get_items              (ChatSidebar *self);
/* Activates the conversation @offset rows below (above when negative) the current one. */
void              chat_sidebar_activate_relative      (ChatSidebar *self,
                                                       int          offset);
/* Activates the item at @position, as a click or Enter does. */
void              chat_sidebar_activate_position      (ChatSidebar *self,
                                                       guint        position);
void              chat_sidebar_set_search_text        (ChatSidebar *self,
                                                       const char  *text);
void              chat_sidebar_focus_search           (ChatSidebar *self);

/* Signals:
 *   "conversation-activated" (gint64 conversation_id, gint64 message_id):
 *     the user chose a conversation, or a search hit (@message_id is 0 for
 *     a conversation or a title match).
 * Properties: "n-conversations" (guint, read-only, notify). */

G_END_DECLS
