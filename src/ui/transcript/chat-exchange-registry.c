/* chat-exchange-registry.c: the replies streaming in, for every window
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chat-exchange-registry.h"

#define REGISTRY_KEY "chat-exchange-registry"
#define THOUGHT_KEY  "chat-thought-ms"

/* A conversation opens with its last OPEN_MESSAGES (the view shows 50 of
 * them at first); the rest comes OLDER_MESSAGES at a time on idle, about
 * 2 ms each (1,000 took 4.4 ms: long enough to make a frame of a reply
 * streaming meanwhile start late), so that the first frame of a
 * 10,000-message conversation does not wait for the 30 to 60 ms that
 * loading all of it takes. */
#define OPEN_MESSAGES  100
#define OLDER_MESSAGES 500

struct _ChatExchangeRegistry {
  GObject     parent_instance;

  ChatStore  *store;          /* owns the registry */
  GHashTable *exchanges;      /* conversation id -> ChatExchange (owned) */
  GHashTable *conversations;  /* conversation id -> ChatConversation (weak) */
  guint       older_id;       /* the idle that loads their older messages */
};

G_DEFINE_FINAL_TYPE (ChatExchangeRegistry, chat_exchange_registry, G_TYPE_OBJECT)

enum {
  EXCHANGE_STARTED,
  EXCHANGE_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
forget_conversation (gpointer  data,
                     GObject  *where_the_object_was)
{
  ChatExchangeRegistry *self = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->conversations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == (gpointer) where_the_object_was)
      g_hash_table_iter_remove (&iter);
}

static void
chat_exchange_registry_finalize (GObject *object)
{
  ChatExchangeRegistry *self = CHAT_EXCHANGE_REGISTRY (object);
  GHashTableIter iter;
  gpointer value;

  g_clear_handle_id (&self->older_id, g_source_remove);
  g_hash_table_iter_init (&iter, self->conversations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_object_weak_unref (value, forget_conversation, self);
  g_hash_table_unref (self->conversations);
  /* Those still running outlive the registry. */
  g_hash_table_iter_init (&iter, self->exchanges);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_signal_handlers_disconnect_by_data (value, self);
  g_hash_table_unref (self->exchanges);

  G_OBJECT_CLASS (chat_exchange_registry_parent_class)->finalize (object);
}

static void
chat_exchange_registry_class_init (ChatExchangeRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_exchange_registry_finalize;

  signals[EXCHANGE_STARTED] =
    g_signal_new ("exchange-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CHAT_TYPE_EXCHANGE);
  signals[EXCHANGE_FINISHED] =
    g_signal_new ("exchange-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, CHAT_TYPE_EXCHANGE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
chat_exchange_registry_init (ChatExchangeRegistry *self)
{
  self->exchanges = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->conversations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

ChatExchangeRegistry *
chat_exchange_registry_get_for_store (ChatStore *store)
{
  ChatExchangeRegistry *self;

  g_return_val_if_fail (CHAT_IS_STORE (store), NULL);

  self = g_object_get_data (G_OBJECT (store), REGISTRY_KEY);
  if (self == NULL)
    {
      self = g_object_new (CHAT_TYPE_EXCHANGE_REGISTRY, NULL);
      self->store = store;
      g_object_set_data_full (G_OBJECT (store), REGISTRY_KEY, self, g_object_unref);
    }
  return self;
}

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

void
chat_exchange_registry_add_conversation (ChatExchangeRegistry *self,
                                         ChatConversation     *conversation)
{
  gint64 id;

  g_return_if_fail (CHAT_IS_EXCHANGE_REGISTRY (self));
  g_return_if_fail (CHAT_IS_CONVERSATION (conversation));

  id = chat_conversation_get_id (conversation);
  g_return_if_fail (id != 0);
  if (g_hash_table_lookup (self->conversations, &id) == conversation)
    return;
  g_object_weak_ref (G_OBJECT (conversation), forget_conversation, self);
  g_hash_table_replace (self->conversations, id_key (id), conversation);
}

/* One step for one conversation that has older messages to load. */
static gboolean
load_older_step (gpointer user_data)
{
  ChatExchangeRegistry *self = user_data;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->conversations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (!chat_conversation_has_older (value))
        continue;
      /* An error stops here; a request loads them again, and says it. */
      if (chat_store_load_older (self->store, value, OLDER_MESSAGES, &error) < 0)
        break;
      return G_SOURCE_CONTINUE;
    }
  if (error != NULL)
    g_debug ("older messages not loaded: %s", error->message);
  self->older_id = 0;
  return G_SOURCE_REMOVE;
}

ChatConversation *
chat_exchange_registry_load_conversation (ChatExchangeRegistry  *self,
                                          gint64                 conversation_id,
                                          GError               **error)
{
  ChatConversation *conversation;

  g_return_val_if_fail (CHAT_IS_EXCHANGE_REGISTRY (self), NULL);

  conversation = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conversation != NULL)
    return g_object_ref (conversation);

  conversation = chat_store_load_conversation_end (self->store, conversation_id, OPEN_MESSAGES, error);
  if (conversation == NULL)
    return NULL;
  chat_exchange_registry_add_conversation (self, conversation);
  if (chat_conversation_has_older (conversation) && self->older_id == 0)
    self->older_id = g_idle_add_full (G_PRIORITY_LOW, load_older_step, self, NULL);
  return conversation;
}

/* Measured once, when the answer starts after the reasoning. */
static void
on_exchange_progress (ChatExchange *exchange,
                      gpointer      user_data)
{
  gint64 reasoning_at = chat_exchange_get_reasoning_started_at (exchange);
  gint64 content_at = chat_exchange_get_content_started_at (exchange);
  ChatMessage *answer = chat_exchange_get_answer (exchange);

  if (reasoning_at == 0 || content_at == 0 || g_object_get_data (G_OBJECT (answer), THOUGHT_KEY))
    return;
  /* Stored plus one, so that a measured 0 is not "unknown". */
  g_object_set_data (G_OBJECT (answer), THOUGHT_KEY,
                     GSIZE_TO_POINTER ((gsize) ((content_at - reasoning_at) / 1000 + 1)));
}

static void
on_exchange_finished (ChatExchange         *exchange,
                      const GError         *error,
                      ChatExchangeRegistry *self)
{
  g_autoptr(ChatExchange) kept = g_object_ref (exchange);
  gint64 id = chat_conversation_get_id (chat_exchange_get_conversation (exchange));

  g_signal_handlers_disconnect_by_data (exchange, self);
  g_signal_handlers_disconnect_by_func (exchange, on_exchange_progress, NULL);
  if (g_hash_table_lookup (self->exchanges, &id) == exchange)
    g_hash_table_remove (self->exchanges, &id);
  g_signal_emit (self, signals[EXCHANGE_FINISHED], 0, exchange, error);
}

void
chat_exchange_registry_add (ChatExchangeRegistry *self,
                            ChatExchange         *exchange)
{
  ChatConversation *conversation;

  g_return_if_fail (CHAT_IS_EXCHANGE_REGISTRY (self));
  g_return_if_fail (CHAT_IS_EXCHANGE (exchange));

  if (!chat_exchange_get_running (exchange))
    return;
  conversation = chat_exchange_get_conversation (exchange);
  chat_exchange_registry_add_conversation (self, conversation);
  g_hash_table_replace (self->exchanges, id_key (chat_conversation_get_id (conversation)),
                        g_object_ref (exchange));
  g_signal_connect (exchange, "progress", G_CALLBACK (on_exchange_progress), NULL);
  g_signal_connect (exchange, "finished", G_CALLBACK (on_exchange_finished), self);
  g_signal_emit (self, signals[EXCHANGE_STARTED], 0, exchange);
}

ChatExchange *
chat_exchange_registry_lookup (ChatExchangeRegistry *self,
                               gint64                conversation_id)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE_REGISTRY (self), NULL);

  return g_hash_table_lookup (self->exchanges, &conversation_id);
}

/* Without a measurement: the reasoning's share of the completion tokens,
 * applied to the time spent generating. */
static gint64
estimate_thought_ms (ChatMessage *answer)
{
  const ChatUsage *usage = chat_message_get_usage (answer);
  gint64 duration = chat_message_get_duration_ms (answer);

  if (duration < 0)
    return -1;
  if (usage->reasoning_tokens <= 0 || usage->completion_tokens < usage->reasoning_tokens)
    return duration;
  return duration * usage->reasoning_tokens / usage->completion_tokens;
}

gint64
chat_exchange_registry_get_thought_ms (ChatMessage *answer)
{
  gsize measured;

  g_return_val_if_fail (CHAT_IS_MESSAGE (answer), -1);

  measured = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (answer), THOUGHT_KEY));
  if (measured != 0)
    return (gint64) measured - 1;
  return estimate_thought_ms (answer);
}
