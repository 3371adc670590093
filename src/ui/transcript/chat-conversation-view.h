/* chat-conversation-view.h: one conversation, its transcript and composer
 *
 * The right-hand pane of the window: a virtualized transcript of the
 * conversation's current branch (markdown, reasoning, per-message actions)
 * above a composer.  Replies keep streaming when the view shows another
 * conversation; coming back shows them live.
 */
#pragma once

#include <gtk/gtk.h>

#include "chat-client.h"
#include "chat-composer.h"
#include "chat-profile.h"
#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_TYPE_CONVERSATION_VIEW (chat_conversation_view_get_type ())

G_DECLARE_FINAL_TYPE (ChatConversationView, chat_conversation_view, CHAT, CONVERSATION_VIEW, GtkWidget)

GtkWidget        *chat_conversation_view_new                (ChatStore            *store,
                                                             ChatClient           *client);
/* Sends this run's requests here instead of each profile's base (--base-url). */
void              chat_conversation_view_set_base_url_override (ChatConversationView *self,
                                                             const char           *base_url);
/* Shows @conversation_id (0: a new, unsaved conversation that is stored on its first message). */
void              chat_conversation_view_show_conversation  (ChatConversationView *self,
                                                             gint64                conversation_id);
gint64            chat_conversation_view_get_conversation_id (ChatConversationView *self);
/* The conversation shown, for the header (title, profile, model). */
ChatConversation *chat_conversation_view_get_conversation   (ChatConversationView *self);
/* Brings @message_id into view (a search hit), selecting its branch first. */
void              chat_conversation_view_reveal_message     (ChatConversationView *self,
                                                             gint64                message_id);
/* Sets the shown conversation's profile or model, remembered in the store. */
void              chat_conversation_view_set_profile        (ChatConversationView *self,
                                                             const char           *profile_id);
void              chat_conversation_view_set_model          (ChatConversationView *self,
                                                             const char           *model);
/* Finds a profile that is not built in (a custom one) by id, or NULL. */
typedef ChatProfile *(*ChatProfileLookupFunc)                 (const char           *profile_id,
                                                             gpointer              user_data);
/* How the view finds the custom profiles conversations name. */
void              chat_conversation_view_set_profile_lookup (ChatConversationView *self,
                                                             ChatProfileLookupFunc lookup,
                                                             gpointer              user_data,
                                                             GDestroyNotify        destroy);
gboolean          chat_conversation_view_get_busy           (ChatConversationView *self);
void              chat_conversation_view_focus_composer     (ChatConversationView *self);
/* Which key sends in the composer (the "send-with" setting). */
ChatSendWith      chat_conversation_view_get_send_with      (ChatConversationView *self);
void              chat_conversation_view_set_send_with      (ChatConversationView *self,
                                                             ChatSendWith          send_with);
/* The transcript's text size relative to the system font, 0.5 to 2
 * (the "transcript-font-scale" setting). */
double            chat_conversation_view_get_font_scale     (ChatConversationView *self);
void              chat_conversation_view_set_font_scale     (ChatConversationView *self,
                                                             double                scale);

/* Signals:
 *   "conversation-changed" (gint64 conversation_id): a conversation was
 *     created, renamed, or got a message; the sidebar should refresh.
 *   "reply-finished" (gint64 conversation_id, const GError *error): a reply
 *     ended (for notifications).
 * Properties: "conversation" (ChatConversation, read-only, notify), "busy",
 *   "send-with" (ChatSendWith), "font-scale" (double); the last two are
 *   for g_settings_bind(). */

G_END_DECLS
