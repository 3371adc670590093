/* chat-conversation.h: a conversation and its current branch
 *
 * The conversation's settings (title, profile, model, system prompt,
 * parameters, pinned) and, as a GListModel of ChatMessage, the messages of
 * its current branch from the first message down to the current leaf
 * (or, loaded at its end, from a later one: see has_older).
 */
#pragma once

#include <gio/gio.h>

#include "chat-message.h"

G_BEGIN_DECLS

#define CHAT_TYPE_CONVERSATION (chat_conversation_get_type ())

G_DECLARE_FINAL_TYPE (ChatConversation, chat_conversation, CHAT, CONVERSATION, GObject)

ChatConversation *chat_conversation_new                (const char       *title);

gint64            chat_conversation_get_id             (ChatConversation *self);
void              chat_conversation_set_id             (ChatConversation *self,
                                                        gint64            id);
const char       *chat_conversation_get_title          (ChatConversation *self);
void              chat_conversation_set_title          (ChatConversation *self,
                                                        const char       *title);
gint64            chat_conversation_get_created        (ChatConversation *self);
void              chat_conversation_set_created        (ChatConversation *self,
                                                        gint64            created);
gint64            chat_conversation_get_updated        (ChatConversation *self);
void              chat_conversation_set_updated        (ChatConversation *self,
                                                        gint64            updated);
gboolean          chat_conversation_get_pinned         (ChatConversation *self);
void              chat_conversation_set_pinned         (ChatConversation *self,
                                                        gboolean          pinned);
const char       *chat_conversation_get_profile        (ChatConversation *self);
void              chat_conversation_set_profile        (ChatConversation *self,
                                                        const char       *profile);
const char       *chat_conversation_get_model          (ChatConversation *self);
void              chat_conversation_set_model          (ChatConversation *self,
                                                        const char       *model);
const char       *chat_conversation_get_system_prompt  (ChatConversation *self);
void              chat_conversation_set_system_prompt  (ChatConversation *self,
                                                        const char       *system_prompt);
/* A JSON object of request parameters (temperature, top_p, max_tokens, thinking), or NULL. */
const char       *chat_conversation_get_parameters     (ChatConversation *self);
void              chat_conversation_set_parameters     (ChatConversation *self,
                                                        const char       *parameters);
gint64            chat_conversation_get_current_leaf   (ChatConversation *self);
void              chat_conversation_set_current_leaf   (ChatConversation *self,
                                                        gint64            leaf_id);

/* The current branch (the GListModel items); the store fills it. */
void              chat_conversation_set_branch         (ChatConversation *self,
                                                        GPtrArray        *messages);
/* Loaded at its end, the branch may start below the root: it has older
 * messages while its first one has a parent.  The store puts them before. */
gboolean          chat_conversation_has_older          (ChatConversation *self);
void              chat_conversation_prepend            (ChatConversation *self,
                                                        GPtrArray        *messages);
void              chat_conversation_append             (ChatConversation *self,
                                                        ChatMessage      *message);
ChatMessage      *chat_conversation_get_message        (ChatConversation *self,
                                                        guint             position);

/* The default title: the first line of @question, at most 60 characters. */
char             *chat_conversation_title_from_question (const char      *question);

G_END_DECLS
