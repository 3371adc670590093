/* chat-request.h: a chat-completions request body (JsonBuilder)
 *
 * Only fields that were set are sent: an unset temperature, top_p,
 * max_tokens or thinking lets the server use the model's own default.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CHAT_THINKING_DEFAULT,   /* omit the field */
  CHAT_THINKING_ENABLED,
  CHAT_THINKING_DISABLED,
} ChatThinking;

typedef struct _ChatRequest ChatRequest;

ChatRequest *chat_request_new              (const char   *model);
ChatRequest *chat_request_ref              (ChatRequest  *self);
void         chat_request_unref            (ChatRequest  *self);

const char  *chat_request_get_model        (ChatRequest  *self);
void         chat_request_set_model        (ChatRequest  *self,
                                            const char   *model);
void         chat_request_add_message      (ChatRequest  *self,
                                            const char   *role,
                                            const char   *content);
guint        chat_request_get_n_messages   (ChatRequest  *self);
void         chat_request_set_stream       (ChatRequest  *self,
                                            gboolean      stream);
gboolean     chat_request_get_stream       (ChatRequest  *self);
void         chat_request_set_temperature  (ChatRequest  *self,
                                            double        temperature);
void         chat_request_set_top_p        (ChatRequest  *self,
                                            double        top_p);
void         chat_request_set_max_tokens   (ChatRequest  *self,
                                            gint64        max_tokens);
void         chat_request_set_thinking     (ChatRequest  *self,
                                            ChatThinking  thinking);

GBytes      *chat_request_to_bytes         (ChatRequest  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatRequest, chat_request_unref)

G_END_DECLS
