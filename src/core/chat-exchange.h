/* chat-exchange.h: one question and its streamed answer, kept in the store
 *
 * The question is stored before the request goes out, so a failure cannot
 * lose it.  The answer is stored at once as `streaming`; while it grows its
 * text is copied from the ChatReply and checkpointed at most every
 * CHAT_EXCHANGE_CHECKPOINT_INTERVAL_MS (a crash loses at most that much),
 * and at the end it gets its final state, finish reason, usage, model,
 * timing and the server's error.  The conversation object's branch (its
 * GListModel) follows every message added.
 *
 * An exchange runs one operation once: ask, regenerate, retry, edit or
 * continue.  Continuing an answer cut off at `length` appends to the same
 * message: the request repeats the history up to the question, the partial
 * answer as an assistant message and a user message asking to go on, and
 * what comes back is added to the answer's text (usage and duration add up).
 * One message per answer keeps copying, the variants and the store simple.
 *
 * A NULL store keeps nothing (the command line's --no-save).
 */
#pragma once

#include "chat-client.h"
#include "chat-profile.h"
#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_TYPE_EXCHANGE (chat_exchange_get_type ())

G_DECLARE_FINAL_TYPE (ChatExchange, chat_exchange, CHAT, EXCHANGE, GObject)

#define CHAT_EXCHANGE_CHECKPOINT_INTERVAL_MS 500

/* What a continuation sends as the user's turn after the partial answer. */
#define CHAT_EXCHANGE_CONTINUE_PROMPT \
  "Continue exactly where your previous answer stopped, without repeating it."

ChatExchange     *chat_exchange_new              (ChatStore         *store,
                                                  ChatClient        *client,
                                                  ChatConversation  *conversation);
/* Uses @profile (a custom one, say) instead of the built-in profile the
 * conversation names. */
void              chat_exchange_set_profile      (ChatExchange      *self,
                                                  ChatProfile       *profile);
/* Sends to @base_url instead of the profile's base (NULL: the profile's). */
void              chat_exchange_set_base_url     (ChatExchange      *self,
                                                  const char        *base_url);

/* Each stores what it adds (a new conversation first, titled after the
 * question), then sends; FALSE with @error only when nothing was sent.
 * The outcome of the request arrives with ::finished. */
gboolean          chat_exchange_ask              (ChatExchange      *self,
                                                  const char        *question,
                                                  GError           **error);
/* A new answer beside @answer (same question): a new variant. */
gboolean          chat_exchange_regenerate       (ChatExchange      *self,
                                                  ChatMessage       *answer,
                                                  GError           **error);
/* Asks again into @answer itself (a failed one), replacing its text. */
gboolean          chat_exchange_retry            (ChatExchange      *self,
                                                  ChatMessage       *answer,
                                                  GError           **error);
/* A new question beside @question with @text, then its answer: a new branch. */
gboolean          chat_exchange_edit             (ChatExchange      *self,
                                                  ChatMessage       *question,
                                                  const char        *text,
                                                  GError           **error);
/* Goes on with @answer, which stopped at the token limit. */
gboolean          chat_exchange_continue         (ChatExchange      *self,
                                                  ChatMessage       *answer,
                                                  GError           **error);
/* Cancels: the answer keeps its text and becomes `cancelled`. */
void              chat_exchange_stop             (ChatExchange      *self);

/* Copies the reply's text into the answer now (a view calls this once a
 * frame; otherwise it happens at each checkpoint).  FALSE when nothing new. */
gboolean          chat_exchange_sync             (ChatExchange      *self);

gboolean          chat_exchange_get_running      (ChatExchange      *self);
ChatConversation *chat_exchange_get_conversation (ChatExchange      *self);
ChatMessage      *chat_exchange_get_question     (ChatExchange      *self);
ChatMessage      *chat_exchange_get_answer       (ChatExchange      *self);
ChatReply        *chat_exchange_get_reply        (ChatExchange      *self);
/* Monotonic time of the first reasoning and first content text, 0 until then. */
gint64            chat_exchange_get_reasoning_started_at (ChatExchange *self);
gint64            chat_exchange_get_content_started_at   (ChatExchange *self);
/* The first failure to save (the exchange goes on unsaved), else NULL. */
const GError     *chat_exchange_get_save_error   (ChatExchange      *self);

/* Signals:
 *   "progress": text arrived (cheap, once per delta: coalesce before drawing).
 *   "finished" (const GError *error): the answer has its final state;
 *     @error is NULL on success, CHAT_ERROR_CANCELLED after stop.
 * Properties: "running" (notify). */

G_END_DECLS
