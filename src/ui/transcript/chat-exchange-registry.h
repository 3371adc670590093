/* chat-exchange-registry.h: the replies streaming in, for every window
 *
 * One registry per ChatStore (so one per application), shared by every
 * ChatConversationView: it keeps each running ChatExchange until it
 * finishes, keyed by conversation id, so several conversations stream at
 * once and a view that comes back to one shows it live.  It also hands out
 * one ChatConversation object per open conversation, so every view of a
 * conversation shows the same, live, messages.
 */
#pragma once

#include "chat-exchange.h"

G_BEGIN_DECLS

#define CHAT_TYPE_EXCHANGE_REGISTRY (chat_exchange_registry_get_type ())

G_DECLARE_FINAL_TYPE (ChatExchangeRegistry, chat_exchange_registry, CHAT, EXCHANGE_REGISTRY, GObject)

/* Borrowed: the store owns it. */
ChatExchangeRegistry *chat_exchange_registry_get_for_store  (ChatStore            *store);

/* The open object of @conversation_id, or the one loaded from the store. */
ChatConversation     *chat_exchange_registry_load_conversation (ChatExchangeRegistry *self,
                                                             gint64                conversation_id,
                                                             GError              **error);
/* Makes @conversation (stored, with its id) the open object of its id. */
void                  chat_exchange_registry_add_conversation (ChatExchangeRegistry *self,
                                                             ChatConversation     *conversation);
/* Keeps @exchange (running, its conversation stored) until it finishes. */
void                  chat_exchange_registry_add            (ChatExchangeRegistry *self,
                                                             ChatExchange         *exchange);
/* The running exchange of @conversation_id, or NULL. */
ChatExchange         *chat_exchange_registry_lookup         (ChatExchangeRegistry *self,
                                                             gint64                conversation_id);

/* How long the model thought before it answered, in milliseconds: measured
 * while the answer streamed, else estimated from its usage and duration;
 * -1 when unknown. */
gint64                chat_exchange_registry_get_thought_ms (ChatMessage          *answer);

/* Signals:
 *   "exchange-started" (ChatExchange *exchange)
 *   "exchange-finished" (ChatExchange *exchange, const GError *error) */

G_END_DECLS
