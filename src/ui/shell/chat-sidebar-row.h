/* chat-sidebar-row.h: how one sidebar item looks
 *
 * A group heading, or a conversation's title with its menu (Rename,
 * Pin/Unpin, Delete: the window's actions), or a search hit's title above
 * its snippet.
 */
#pragma once

#include <gtk/gtk.h>

#include "chat-sidebar-item.h"

G_BEGIN_DECLS

#define CHAT_TYPE_SIDEBAR_ROW (chat_sidebar_row_get_type ())

G_DECLARE_FINAL_TYPE (ChatSidebarRow, chat_sidebar_row, CHAT, SIDEBAR_ROW, GtkWidget)

GtkWidget       *chat_sidebar_row_new        (void);
ChatSidebarItem *chat_sidebar_row_get_item   (ChatSidebarRow  *self);
/* NULL @item empties the row (when the list recycles it). */
void             chat_sidebar_row_set_item   (ChatSidebarRow  *self,
                                              ChatSidebarItem *item);
/* Opens the conversation's menu (right click, long press, the Menu key). */
void             chat_sidebar_row_popup_menu (ChatSidebarRow  *self);

G_END_DECLS
