/* chat-reply.h: a reply as it arrives
 *
 * ChatReply accumulates the deltas of one streamed (or whole) reply: content,
 * reasoning, tool calls merged by index, the finish reason, usage and timing.
 * The caller owns it, so whatever arrived is still there after an error.
 */
#pragma once

#include <glib-object.h>

#include "chat-chunk.h"

G_BEGIN_DECLS

#define CHAT_TYPE_REPLY (chat_reply_get_type ())

G_DECLARE_FINAL_TYPE (ChatReply, chat_reply, CHAT, REPLY, GObject)

ChatReply       *chat_reply_new                 (void);

void             chat_reply_apply               (ChatReply       *self,
                                                 const ChatDelta *delta);
void             chat_reply_reset               (ChatReply       *self);

const char      *chat_reply_get_content         (ChatReply       *self);
gsize            chat_reply_get_content_length  (ChatReply       *self);
const char      *chat_reply_get_reasoning       (ChatReply       *self);
gsize            chat_reply_get_reasoning_length (ChatReply      *self);
const char      *chat_reply_get_finish_reason   (ChatReply       *self);
const char      *chat_reply_get_model           (ChatReply       *self);
const ChatUsage *chat_reply_get_usage           (ChatReply       *self);
gboolean         chat_reply_has_usage           (ChatReply       *self);
GPtrArray       *chat_reply_get_tool_calls      (ChatReply       *self);
guint            chat_reply_get_n_deltas        (ChatReply       *self);
gboolean         chat_reply_has_data            (ChatReply       *self);
/* Damaged stream events that were skipped: the text may have gaps. */
void             chat_reply_add_skipped_event   (ChatReply       *self);
guint            chat_reply_get_n_skipped_events (ChatReply      *self);

/* Monotonic times (g_get_monotonic_time), 0 until they happen. */
gint64           chat_reply_get_started_at      (ChatReply       *self);
gint64           chat_reply_get_first_token_at  (ChatReply       *self);
gint64           chat_reply_get_finished_at     (ChatReply       *self);
void             chat_reply_mark_started        (ChatReply       *self);
void             chat_reply_mark_finished       (ChatReply       *self);

G_END_DECLS
