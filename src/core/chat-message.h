/* chat-message.h: one message of a conversation
 *
 * A node of the conversation tree: its parent is the message it answers or
 * follows, so a regenerated answer is a sibling (a variant) and an edited
 * question starts a branch.  Plain data with notifying setters; the store
 * persists it, the transcript shows it.
 */
#pragma once

#include <glib-object.h>

#include "chat-chunk.h"

G_BEGIN_DECLS

#define CHAT_TYPE_MESSAGE (chat_message_get_type ())

G_DECLARE_FINAL_TYPE (ChatMessage, chat_message, CHAT, MESSAGE, GObject)

typedef enum {
  CHAT_MESSAGE_STATE_COMPLETE,
  CHAT_MESSAGE_STATE_STREAMING,
  CHAT_MESSAGE_STATE_INTERRUPTED,
  CHAT_MESSAGE_STATE_ERROR,
  CHAT_MESSAGE_STATE_CANCELLED,
} ChatMessageState;

#define CHAT_TYPE_MESSAGE_STATE (chat_message_state_get_type ())
GType             chat_message_state_get_type       (void) G_GNUC_CONST;
const char       *chat_message_state_to_string      (ChatMessageState  state);
gboolean          chat_message_state_from_string    (const char       *text,
                                                     ChatMessageState *state);

ChatMessage      *chat_message_new                  (const char       *role,
                                                     const char       *content);

gint64            chat_message_get_id               (ChatMessage      *self);
void              chat_message_set_id               (ChatMessage      *self,
                                                     gint64            id);
gint64            chat_message_get_conversation_id  (ChatMessage      *self);
void              chat_message_set_conversation_id  (ChatMessage      *self,
                                                     gint64            conversation_id);
/* 0 for the first message of a conversation. */
gint64            chat_message_get_parent_id        (ChatMessage      *self);
void              chat_message_set_parent_id        (ChatMessage      *self,
                                                     gint64            parent_id);
const char       *chat_message_get_role             (ChatMessage      *self);
const char       *chat_message_get_content          (ChatMessage      *self);
void              chat_message_set_content          (ChatMessage      *self,
                                                     const char       *content);
const char       *chat_message_get_reasoning        (ChatMessage      *self);
void              chat_message_set_reasoning        (ChatMessage      *self,
                                                     const char       *reasoning);
const char       *chat_message_get_model            (ChatMessage      *self);
void              chat_message_set_model            (ChatMessage      *self,
                                                     const char       *model);
ChatMessageState  chat_message_get_state            (ChatMessage      *self);
void              chat_message_set_state            (ChatMessage      *self,
                                                     ChatMessageState  state);
const char       *chat_message_get_finish_reason    (ChatMessage      *self);
void              chat_message_set_finish_reason    (ChatMessage      *self,
                                                     const char       *finish_reason);
const char       *chat_message_get_error_code       (ChatMessage      *self);
const char       *chat_message_get_error_message    (ChatMessage      *self);
void              chat_message_set_error            (ChatMessage      *self,
                                                     const char       *code,
                                                     const char       *message);
/* Unix times in microseconds (g_get_real_time); finished is 0 until it is. */
gint64            chat_message_get_created          (ChatMessage      *self);
void              chat_message_set_created          (ChatMessage      *self,
                                                     gint64            created);
gint64            chat_message_get_finished         (ChatMessage      *self);
void              chat_message_set_finished         (ChatMessage      *self,
                                                     gint64            finished);
const ChatUsage  *chat_message_get_usage            (ChatMessage      *self);
void              chat_message_set_usage            (ChatMessage      *self,
                                                     const ChatUsage  *usage);
/* Milliseconds; -1 when unknown. */
gint64            chat_message_get_first_token_ms   (ChatMessage      *self);
void              chat_message_set_first_token_ms   (ChatMessage      *self,
                                                     gint64            milliseconds);
gint64            chat_message_get_duration_ms      (ChatMessage      *self);
void              chat_message_set_duration_ms      (ChatMessage      *self,
                                                     gint64            milliseconds);

/* TRUE when every stored field is equal (ids included). */
gboolean          chat_message_equal                (ChatMessage      *a,
                                                     ChatMessage      *b);

G_END_DECLS
