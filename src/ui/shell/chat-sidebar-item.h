/* chat-sidebar-item.h: one row of the sidebar's list
 *
 * GTK 4.8 has no list sections, so the sidebar's model is flat: group
 * headings ("Today"), conversations and search hits are all items.  Items
 * are immutable; the sidebar replaces an item when what it shows changes.
 */
#pragma once

#include <glib-object.h>

#include "chat-conversation.h"
#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_TYPE_SIDEBAR_ITEM (chat_sidebar_item_get_type ())

G_DECLARE_FINAL_TYPE (ChatSidebarItem, chat_sidebar_item, CHAT, SIDEBAR_ITEM, GObject)

typedef enum {
  CHAT_SIDEBAR_ITEM_HEADER,
  CHAT_SIDEBAR_ITEM_CONVERSATION,
  CHAT_SIDEBAR_ITEM_HIT,
} ChatSidebarItemKind;

ChatSidebarItem     *chat_sidebar_item_new_header           (const char          *heading);
ChatSidebarItem     *chat_sidebar_item_new_conversation     (ChatConversation    *conversation);
ChatSidebarItem     *chat_sidebar_item_new_hit              (const ChatSearchHit *hit);

ChatSidebarItemKind  chat_sidebar_item_get_kind             (ChatSidebarItem     *self);
/* The heading of a header, else the conversation's title. */
const char          *chat_sidebar_item_get_title            (ChatSidebarItem     *self);
gint64               chat_sidebar_item_get_conversation_id  (ChatSidebarItem     *self);
/* The hit's message (0 for a title hit or a conversation). */
gint64               chat_sidebar_item_get_message_id       (ChatSidebarItem     *self);
/* The listed conversation (NULL for headers and hits). */
ChatConversation    *chat_sidebar_item_get_conversation     (ChatSidebarItem     *self);
gboolean             chat_sidebar_item_get_pinned           (ChatSidebarItem     *self);
/* A hit's snippet as Pango markup: escaped, the matches in bold. */
char                *chat_sidebar_item_dup_snippet_markup   (ChatSidebarItem     *self);
/* TRUE when both show the same thing. */
gboolean             chat_sidebar_item_equal                (ChatSidebarItem     *a,
                                                             ChatSidebarItem     *b);

G_END_DECLS
