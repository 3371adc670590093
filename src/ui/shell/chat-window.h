/* chat-window.h: one Liao window
 *
 * A leaflet of the sidebar (conversations and search) and the conversation
 * pane (header with title, profile and model; the ChatConversationView),
 * folding to one pane when narrow.  The header's profiles are the built-in
 * ones and the custom ones of Preferences; a new conversation takes the
 * defaults of Preferences (profile, model, request parameters and system
 * prompt) as its own settings.  Deleting a conversation hides it at
 * once and deletes it for good when its Undo toast goes away, or when the
 * window does.
 */
#pragma once

#include <adwaita.h>

#include "chat-client.h"
#include "chat-conversation-view.h"
#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_TYPE_WINDOW (chat_window_get_type ())

G_DECLARE_FINAL_TYPE (ChatWindow, chat_window, CHAT, WINDOW, AdwApplicationWindow)

/* @application may be NULL (tests); @base_url_override NULL uses each profile's base. */
ChatWindow           *chat_window_new                   (GtkApplication *application,
                                                         ChatStore      *store,
                                                         ChatClient     *client,
                                                         const char     *base_url_override);
ChatConversationView *chat_window_get_view              (ChatWindow     *self);
const char           *chat_window_get_base_url_override (ChatWindow     *self);
/* Reads the store again: another window or the view changed it. */
void                  chat_window_reload_sidebar        (ChatWindow     *self);
/* Shows @conversation_id as if chosen in the sidebar (a notification's action). */
void                  chat_window_show_conversation     (ChatWindow     *self,
                                                         gint64          conversation_id);

G_END_DECLS
