/* chat-exchange.c: one question and its streamed answer, kept in the store
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "chat-error.h"
#include "chat-exchange.h"
#include "chat-profile.h"
#include "chat-secrets.h"

#define DEFAULT_PROFILE "general"

struct _ChatExchange {
  GObject           parent_instance;

  ChatStore        *store;          /* NULL: keep nothing */
  ChatClient       *client;
  ChatConversation *conversation;
  ChatProfile      *profile;        /* NULL: the built-in one named */
  char             *base_url;

  ChatMessage      *question;
  ChatMessage      *answer;
  ChatReply        *reply;
  GCancellable     *cancellable;
  guint             checkpoint_id;
  gboolean          started;
  gboolean          running;
  gboolean          unsynced;       /* the reply has text the answer lacks */
  gboolean          unsaved;        /* the answer has text the store lacks */
  gint64            sent_at;        /* monotonic, when the request went out */
  gint64            reasoning_started_at;
  gint64            content_started_at;
  GError           *save_error;

  /* A continuation: what the answer held before. */
  gboolean          continuing;
  char             *prefix_content;
  char             *prefix_reasoning;
  ChatUsage         prefix_usage;
  gint64            prefix_duration_ms;
};

G_DEFINE_FINAL_TYPE (ChatExchange, chat_exchange, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum {
  PROGRESS,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
chat_exchange_dispose (GObject *object)
{
  ChatExchange *self = CHAT_EXCHANGE (object);

  g_clear_handle_id (&self->checkpoint_id, g_source_remove);
  if (self->reply != NULL)
    g_signal_handlers_disconnect_by_data (self->reply, self);
  g_clear_object (&self->reply);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->question);
  g_clear_object (&self->answer);
  g_clear_object (&self->conversation);
  g_clear_object (&self->profile);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (chat_exchange_parent_class)->dispose (object);
}

static void
chat_exchange_finalize (GObject *object)
{
  ChatExchange *self = CHAT_EXCHANGE (object);

  g_free (self->base_url);
  g_free (self->prefix_content);
  g_free (self->prefix_reasoning);
  g_clear_error (&self->save_error);

  G_OBJECT_CLASS (chat_exchange_parent_class)->finalize (object);
}

static void
chat_exchange_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ChatExchange *self = CHAT_EXCHANGE (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_exchange_class_init (ChatExchangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chat_exchange_dispose;
  object_class->finalize = chat_exchange_finalize;
  object_class->get_property = chat_exchange_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
chat_exchange_init (ChatExchange *self)
{
  self->reply = chat_reply_new ();
  self->cancellable = g_cancellable_new ();
}

ChatExchange *
chat_exchange_new (ChatStore        *store,
                   ChatClient       *client,
                   ChatConversation *conversation)
{
  ChatExchange *self;

  g_return_val_if_fail (store == NULL || CHAT_IS_STORE (store), NULL);
  g_return_val_if_fail (CHAT_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CHAT_IS_CONVERSATION (conversation), NULL);

  self = g_object_new (CHAT_TYPE_EXCHANGE, NULL);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->client = g_object_ref (client);
  self->conversation = g_object_ref (conversation);
  return self;
}

void
chat_exchange_set_profile (ChatExchange *self,
                           ChatProfile  *profile)
{
  g_return_if_fail (CHAT_IS_EXCHANGE (self));
  g_return_if_fail (profile == NULL || CHAT_IS_PROFILE (profile));

  g_set_object (&self->profile, profile);
}

void
chat_exchange_set_base_url (ChatExchange *self,
                            const char   *base_url)
{
  g_return_if_fail (CHAT_IS_EXCHANGE (self));

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
}

/* --- the store ----------------------------------------------------------- */

/* Saving must never stop the answer: the first failure is kept, and the
 * reply goes on unsaved. */
static void
note_save_error (ChatExchange *self,
                 GError       *error)
{
  g_debug ("could not save the exchange: %s", error->message);
  if (self->save_error == NULL)
    self->save_error = error;
  else
    g_error_free (error);
}

static gboolean
store_add (ChatExchange  *self,
           ChatMessage   *message,
           gint64         parent_id,
           GError       **error)
{
  chat_message_set_conversation_id (message, chat_conversation_get_id (self->conversation));
  chat_message_set_parent_id (message, parent_id);
  if (self->store != NULL && !chat_store_add_message (self->store, message, error))
    return FALSE;
  chat_conversation_set_current_leaf (self->conversation, chat_message_get_id (message));
  return TRUE;
}

static void
store_checkpoint (ChatExchange *self)
{
  GError *error = NULL;

  self->unsaved = FALSE;
  if (self->store != NULL && !chat_store_checkpoint_message (self->store, self->answer, &error))
    note_save_error (self, error);
}

static void
store_save (ChatExchange *self)
{
  GError *error = NULL;

  self->unsaved = FALSE;
  if (self->store != NULL && !chat_store_save_message (self->store, self->answer, &error))
    note_save_error (self, error);
}

static gboolean
store_conversation_if_new (ChatExchange  *self,
                           const char    *question,
                           GError       **error)
{
  const char *current = chat_conversation_get_title (self->conversation);
  g_autofree char *title = NULL;

  if (chat_conversation_get_id (self->conversation) != 0 || self->store == NULL)
    return TRUE;
  if (current == NULL || *current == '\0')
    {
      title = chat_conversation_title_from_question (question);
      chat_conversation_set_title (self->conversation, title);
    }
  return chat_store_add_conversation (self->store, self->conversation, error);
}

/* --- the branch ---------------------------------------------------------- */

/* The position of @message on the conversation's branch, or -1. */
static int
branch_position (ChatExchange *self,
                 ChatMessage  *message)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->conversation));

  for (guint i = 0; i < n_items; i++)
    if (chat_conversation_get_message (self->conversation, i) == message)
      return i;
  return -1;
}

/* The branch becomes its first @keep messages, then @first and @second. */
static void
replace_branch_tail (ChatExchange *self,
                     guint         keep,
                     ChatMessage  *first,
                     ChatMessage  *second)
{
  g_autoptr(GPtrArray) branch = g_ptr_array_new ();

  for (guint i = 0; i < keep; i++)
    g_ptr_array_add (branch, chat_conversation_get_message (self->conversation, i));
  g_ptr_array_add (branch, first);
  if (second != NULL)
    g_ptr_array_add (branch, second);
  chat_conversation_set_branch (self->conversation, branch);
}

static ChatMessage *
new_answer (ChatExchange *self,
            const char   *model)
{
  ChatMessage *answer = chat_message_new ("assistant", "");

  chat_message_set_model (answer, model);
  chat_message_set_state (answer, CHAT_MESSAGE_STATE_STREAMING);
  return answer;
}

/* --- the request --------------------------------------------------------- */

typedef struct {
  ChatProfile *profile;
  const char  *model;
} Target;

static void
target_clear (Target *target)
{
  g_clear_object (&target->profile);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

/* The profile set, or the built-in one the conversation names (general by
 * default), and the conversation's model (the profile's default). */
static gboolean
target_init (ChatExchange  *self,
             Target        *target,
             GError       **error)
{
  const char *profile_id = chat_conversation_get_profile (self->conversation);

  if (self->profile != NULL)
    target->profile = g_object_ref (self->profile);
  else
    target->profile = chat_profile_lookup_builtin (profile_id != NULL ? profile_id : DEFAULT_PROFILE);
  if (target->profile == NULL)
    {
      g_set_error (error, CHAT_ERROR, CHAT_ERROR_FAILED,
                   _("The endpoint profile “%s” is unknown. Choose another one."), profile_id);
      return FALSE;
    }
  if (profile_id == NULL)
    chat_conversation_set_profile (self->conversation, chat_profile_get_id (target->profile));
  if (chat_conversation_get_model (self->conversation) == NULL)
    chat_conversation_set_model (self->conversation, chat_profile_get_default_model (target->profile));
  target->model = chat_conversation_get_model (self->conversation);
  return TRUE;
}

static ChatThinking
thinking_from_node (JsonNode *node)
{
  const char *type = NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    type = json_object_get_string_member_with_default (json_node_get_object (node), "type", NULL);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    type = json_node_get_string (node);
  else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    type = json_node_get_boolean (node) ? "enabled" : "disabled";

  if (g_strcmp0 (type, "enabled") == 0)
    return CHAT_THINKING_ENABLED;
  if (g_strcmp0 (type, "disabled") == 0)
    return CHAT_THINKING_DISABLED;
  return CHAT_THINKING_DEFAULT;
}

/* Whether @object's member @name is a number (1 or 1.0), and which. */
static gboolean
get_number (JsonObject *object,
            const char *name,
            double     *value)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return !isnan (*value);
}

/* The conversation's "parameters" JSON: temperature, top_p, max_tokens,
 * thinking ({"type":"enabled"}, "enabled" or a boolean).  Anything else,
 * or a value of the wrong type (a null, say), is left to the server's
 * default. */
static void
apply_parameters (ChatRequest *request,
                  const char  *parameters)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *thinking;
  double value;

  if (parameters == NULL || (root = json_from_string (parameters, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  if (get_number (object, "temperature", &value))
    chat_request_set_temperature (request, value);
  if (get_number (object, "top_p", &value))
    chat_request_set_top_p (request, value);
  if (get_number (object, "max_tokens", &value) && value >= 1 && value <= G_MAXINT32)
    chat_request_set_max_tokens (request, (gint64) value);
  thinking = json_object_get_member (object, "thinking");
  if (thinking != NULL)
    chat_request_set_thinking (request, thinking_from_node (thinking));
}

/* The system prompt, then what the model sees of the branch's first
 * @n_history messages: the user's turns and the complete answers. */
static ChatRequest *
build_request (ChatExchange *self,
               const char   *model,
               guint         n_history)
{
  ChatRequest *request = chat_request_new (model);
  const char *system = chat_conversation_get_system_prompt (self->conversation);

  if (system != NULL && *system != '\0')
    chat_request_add_message (request, "system", system);
  for (guint i = 0; i < n_history; i++)
    {
      ChatMessage *message = chat_conversation_get_message (self->conversation, i);
      const char *role = chat_message_get_role (message);
      gboolean complete = chat_message_get_state (message) == CHAT_MESSAGE_STATE_COMPLETE;

      if (g_str_equal (role, "user") || (g_str_equal (role, "assistant") && complete))
        chat_request_add_message (request, role, chat_message_get_content (message));
    }
  chat_request_set_stream (request, TRUE);
  apply_parameters (request, chat_conversation_get_parameters (self->conversation));
  return request;
}

/* --- streaming ----------------------------------------------------------- */

static char *
join_texts (const char *before,
            const char *after,
            const char *separator)
{
  if (before == NULL || *before == '\0')
    return g_strdup (after);
  if (after == NULL || *after == '\0')
    return g_strdup (before);
  return g_strconcat (before, separator, after, NULL);
}

gboolean
chat_exchange_sync (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), FALSE);

  if (!self->unsynced || self->answer == NULL)
    return FALSE;
  self->unsynced = FALSE;
  self->unsaved = TRUE;
  if (!self->continuing)
    {
      chat_message_set_reasoning (self->answer, chat_reply_get_reasoning (self->reply));
      chat_message_set_content (self->answer, chat_reply_get_content (self->reply));
    }
  else
    {
      g_autofree char *reasoning = join_texts (self->prefix_reasoning,
                                               chat_reply_get_reasoning (self->reply), "\n\n");
      g_autofree char *content = join_texts (self->prefix_content,
                                             chat_reply_get_content (self->reply), "");

      chat_message_set_reasoning (self->answer, reasoning);
      chat_message_set_content (self->answer, content);
    }
  return TRUE;
}

static void
on_delta (ChatReply    *reply,
          const char   *content_added,
          const char   *reasoning_added,
          ChatExchange *self)
{
  if (reasoning_added != NULL && self->reasoning_started_at == 0)
    self->reasoning_started_at = g_get_monotonic_time ();
  if (content_added != NULL && self->content_started_at == 0)
    self->content_started_at = g_get_monotonic_time ();
  self->unsynced = TRUE;
  g_signal_emit (self, signals[PROGRESS], 0);
}

static gboolean
on_checkpoint_due (gpointer user_data)
{
  ChatExchange *self = user_data;

  chat_exchange_sync (self);
  if (self->unsaved)
    store_checkpoint (self);
  return G_SOURCE_CONTINUE;
}

static ChatMessageState
state_for (const GError *error)
{
  if (error == NULL)
    return CHAT_MESSAGE_STATE_COMPLETE;
  if (g_error_matches (error, CHAT_ERROR, CHAT_ERROR_CANCELLED))
    return CHAT_MESSAGE_STATE_CANCELLED;
  return CHAT_MESSAGE_STATE_ERROR;
}

static void
set_usage (ChatExchange *self)
{
  ChatUsage usage;

  if (!chat_reply_has_usage (self->reply))
    return;
  usage = *chat_reply_get_usage (self->reply);
  /* A continuation's answer cost both requests' completion tokens. */
  usage.completion_tokens += self->prefix_usage.completion_tokens;
  usage.reasoning_tokens += self->prefix_usage.reasoning_tokens;
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  chat_message_set_usage (self->answer, &usage);
}

/* Measured from the exchange's own send time: the reply's start mark is
 * cleared when the client (re)starts an attempt. */
static void
set_timing (ChatExchange *self)
{
  gint64 started = self->sent_at;
  gint64 first = chat_reply_get_first_token_at (self->reply);
  gint64 finished = chat_reply_get_finished_at (self->reply);

  chat_message_set_finished (self->answer, g_get_real_time ());
  if (first != 0 && !self->continuing)
    chat_message_set_first_token_ms (self->answer, (first - started) / 1000);
  if (finished != 0)
    chat_message_set_duration_ms (self->answer, self->prefix_duration_ms + (finished - started) / 1000);
}

static void
set_outcome (ChatExchange *self,
             const GError *error)
{
  const char *model = chat_reply_get_model (self->reply);

  chat_message_set_state (self->answer, state_for (error));
  chat_message_set_finish_reason (self->answer, chat_reply_get_finish_reason (self->reply));
  if (model != NULL)
    chat_message_set_model (self->answer, model);
  set_usage (self);
  set_timing (self);
  if (error != NULL)
    chat_message_set_error (self->answer,
                            error->domain == CHAT_ERROR ? chat_error_get_server_code (error) : NULL,
                            error->message);
  else
    chat_message_set_error (self->answer, NULL, NULL);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ChatExchange) self = user_data;
  g_autoptr(GError) error = NULL;

  chat_client_send_finish (CHAT_CLIENT (source), result, &error);
  g_clear_handle_id (&self->checkpoint_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->reply, self);
  self->unsynced = TRUE;
  chat_exchange_sync (self);
  set_outcome (self, error);
  store_save (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0, error);
}

typedef struct {
  ChatExchange *exchange;
  ChatRequest  *request;
  char         *base_url;
} SendData;

static void
send_data_free (SendData *data)
{
  g_object_unref (data->exchange);
  chat_request_unref (data->request);
  g_free (data->base_url);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SendData, send_data_free)

/* A missing key is not an error here: the client reports it (and a stop
 * meanwhile), so the answer shows it where the reply would be. */
static void
on_key_found (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SendData) data = user_data;
  ChatExchange *self = data->exchange;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_key = chat_secrets_lookup_key_finish (result, NULL, NULL, &error);

  if (error != NULL)
    g_debug ("no API key: %s", error->message);
  self->sent_at = g_get_monotonic_time ();
  chat_client_send_async (self->client, data->base_url, api_key, data->request, self->reply,
                          self->cancellable, on_sent, g_object_ref (self));
  if (api_key != NULL)
    memset (api_key, 0, strlen (api_key));
}

/* The key comes from the keyring in a thread: D-Bus, or an unlock prompt,
 * must not hold up the caller's main loop. */
static void
send_request (ChatExchange *self,
              Target       *target,
              ChatRequest  *request)
{
  SendData *data = g_new0 (SendData, 1);

  data->exchange = g_object_ref (self);
  data->request = chat_request_ref (request);
  data->base_url = g_strdup (self->base_url != NULL ? self->base_url
                                                    : chat_profile_get_base_url (target->profile));
  g_signal_connect (self->reply, "delta", G_CALLBACK (on_delta), self);
  self->checkpoint_id = g_timeout_add (CHAT_EXCHANGE_CHECKPOINT_INTERVAL_MS, on_checkpoint_due, self);
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  chat_secrets_lookup_key_async (target->profile, self->cancellable, on_key_found, data);
}

/* Every operation runs once, after the target is known: nothing is stored
 * for a request that cannot be made. */
static gboolean
begin (ChatExchange  *self,
       Target        *target,
       GError       **error)
{
  g_return_val_if_fail (!self->started, FALSE);

  if (!target_init (self, target, error))
    return FALSE;
  self->started = TRUE;
  return TRUE;
}

/* --- operations ---------------------------------------------------------- */

/* A window opens a long conversation at its end and loads the rest after
 * (chat_store_load_conversation_end): the model must see all of it, and
 * the positions on the branch must not move once taken. */
static gboolean
load_whole_branch (ChatExchange  *self,
                   GError       **error)
{
  if (self->store == NULL || !chat_conversation_has_older (self->conversation))
    return TRUE;
  return chat_store_load_older (self->store, self->conversation, G_MAXUINT, error) >= 0;
}

static gint64
branch_leaf_id (ChatExchange *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->conversation));

  if (n_items == 0)
    return 0;
  return chat_message_get_id (chat_conversation_get_message (self->conversation, n_items - 1));
}

gboolean
chat_exchange_ask (ChatExchange  *self,
                   const char    *question,
                   GError       **error)
{
  g_auto(Target) target = { 0 };
  g_autoptr(ChatMessage) asked = chat_message_new ("user", question);
  g_autoptr(ChatMessage) answer = NULL;
  g_autoptr(ChatRequest) request = NULL;

  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), FALSE);
  g_return_val_if_fail (question != NULL, FALSE);

  if (!load_whole_branch (self, error) || !begin (self, &target, error) ||
      !store_conversation_if_new (self, question, error) ||
      !store_add (self, asked, branch_leaf_id (self), error))
    return FALSE;
  chat_conversation_append (self->conversation, asked);
  self->question = g_object_ref (asked);

  answer = new_answer (self, target.model);
  if (!store_add (self, answer, chat_message_get_id (asked), error))
    return FALSE;
  chat_conversation_append (self->conversation, answer);
  self->answer = g_steal_pointer (&answer);

  request = build_request (self, target.model,
                           g_list_model_get_n_items (G_LIST_MODEL (self->conversation)) - 1);
  send_request (self, &target, request);
  return TRUE;
}

/* The position of @answer on the branch, with its question just before it. */
static int
answer_position (ChatExchange *self,
                 ChatMessage  *answer)
{
  int position = branch_position (self, answer);

  g_return_val_if_fail (position > 0, -1);
  g_return_val_if_fail (chat_message_get_id (chat_conversation_get_message (self->conversation, position - 1))
                        == chat_message_get_parent_id (answer), -1);
  return position;
}

gboolean
chat_exchange_regenerate (ChatExchange  *self,
                          ChatMessage   *answer,
                          GError       **error)
{
  g_auto(Target) target = { 0 };
  g_autoptr(ChatRequest) request = NULL;
  g_autoptr(ChatMessage) fresh = NULL;
  int position;

  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (answer), FALSE);

  if (!load_whole_branch (self, error))
    return FALSE;
  if ((position = answer_position (self, answer)) < 0 || !begin (self, &target, error))
    return FALSE;
  fresh = new_answer (self, target.model);
  if (!store_add (self, fresh, chat_message_get_parent_id (answer), error))
    return FALSE;
  self->question = g_object_ref (chat_conversation_get_message (self->conversation, position - 1));
  self->answer = g_object_ref (fresh);
  replace_branch_tail (self, position, fresh, NULL);

  request = build_request (self, target.model, position);
  send_request (self, &target, request);
  return TRUE;
}

/* Clears what a failed or cut answer holds, for a new attempt into it. */
static void
reset_answer (ChatMessage *answer,
              const char  *model)
{
  static const ChatUsage no_usage = { 0 };

  chat_message_set_content (answer, "");
  chat_message_set_reasoning (answer, NULL);
  chat_message_set_model (answer, model);
  chat_message_set_state (answer, CHAT_MESSAGE_STATE_STREAMING);
  chat_message_set_finish_reason (answer, NULL);
  chat_message_set_error (answer, NULL, NULL);
  chat_message_set_usage (answer, &no_usage);
  chat_message_set_first_token_ms (answer, -1);
  chat_message_set_duration_ms (answer, -1);
  chat_message_set_finished (answer, 0);
}

gboolean
chat_exchange_retry (ChatExchange  *self,
                     ChatMessage   *answer,
                     GError       **error)
{
  g_auto(Target) target = { 0 };
  g_autoptr(ChatRequest) request = NULL;
  int position;

  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (answer), FALSE);

  if (!load_whole_branch (self, error))
    return FALSE;
  if ((position = answer_position (self, answer)) < 0 || !begin (self, &target, error))
    return FALSE;
  self->question = g_object_ref (chat_conversation_get_message (self->conversation, position - 1));
  self->answer = g_object_ref (answer);
  reset_answer (answer, target.model);
  chat_message_set_created (answer, g_get_real_time ());
  store_save (self);

  request = build_request (self, target.model, position);
  send_request (self, &target, request);
  return TRUE;
}

gboolean
chat_exchange_edit (ChatExchange  *self,
                    ChatMessage   *question,
                    const char    *text,
                    GError       **error)
{
  g_auto(Target) target = { 0 };
  g_autoptr(ChatMessage) asked = NULL;
  g_autoptr(ChatMessage) answer = NULL;
  g_autoptr(ChatRequest) request = NULL;
  int position;

  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (question), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!load_whole_branch (self, error))
    return FALSE;
  position = branch_position (self, question);
  g_return_val_if_fail (position >= 0, FALSE);
  if (!begin (self, &target, error))
    return FALSE;
  asked = chat_message_new ("user", text);
  if (!store_add (self, asked, chat_message_get_parent_id (question), error))
    return FALSE;
  answer = new_answer (self, target.model);
  if (!store_add (self, answer, chat_message_get_id (asked), error))
    return FALSE;
  self->question = g_object_ref (asked);
  self->answer = g_object_ref (answer);
  replace_branch_tail (self, position, asked, answer);

  request = build_request (self, target.model, position + 1);
  send_request (self, &target, request);
  return TRUE;
}

static void
keep_prefix (ChatExchange *self,
             ChatMessage  *answer)
{
  const ChatUsage *usage = chat_message_get_usage (answer);

  self->continuing = TRUE;
  self->prefix_content = g_strdup (chat_message_get_content (answer));
  self->prefix_reasoning = g_strdup (chat_message_get_reasoning (answer));
  if (usage != NULL)
    self->prefix_usage = *usage;
  self->prefix_duration_ms = MAX (chat_message_get_duration_ms (answer), 0);
}

gboolean
chat_exchange_continue (ChatExchange  *self,
                        ChatMessage   *answer,
                        GError       **error)
{
  g_auto(Target) target = { 0 };
  g_autoptr(ChatRequest) request = NULL;
  int position;

  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (answer), FALSE);

  if (!load_whole_branch (self, error))
    return FALSE;
  if ((position = answer_position (self, answer)) < 0 || !begin (self, &target, error))
    return FALSE;
  self->question = g_object_ref (chat_conversation_get_message (self->conversation, position - 1));
  self->answer = g_object_ref (answer);
  keep_prefix (self, answer);
  chat_message_set_state (answer, CHAT_MESSAGE_STATE_STREAMING);
  chat_message_set_finish_reason (answer, NULL);
  store_checkpoint (self);

  request = build_request (self, target.model, position);
  chat_request_add_message (request, "assistant", self->prefix_content);
  chat_request_add_message (request, "user", CHAT_EXCHANGE_CONTINUE_PROMPT);
  send_request (self, &target, request);
  return TRUE;
}

void
chat_exchange_stop (ChatExchange *self)
{
  g_return_if_fail (CHAT_IS_EXCHANGE (self));

  g_cancellable_cancel (self->cancellable);
}

/* --- getters ------------------------------------------------------------- */

gboolean
chat_exchange_get_running (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), FALSE);

  return self->running;
}

ChatConversation *
chat_exchange_get_conversation (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), NULL);

  return self->conversation;
}

ChatMessage *
chat_exchange_get_question (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), NULL);

  return self->question;
}

ChatMessage *
chat_exchange_get_answer (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), NULL);

  return self->answer;
}

ChatReply *
chat_exchange_get_reply (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), NULL);

  return self->reply;
}

gint64
chat_exchange_get_reasoning_started_at (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), 0);

  return self->reasoning_started_at;
}

gint64
chat_exchange_get_content_started_at (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), 0);

  return self->content_started_at;
}

const GError *
chat_exchange_get_save_error (ChatExchange *self)
{
  g_return_val_if_fail (CHAT_IS_EXCHANGE (self), NULL);

  return self->save_error;
}
