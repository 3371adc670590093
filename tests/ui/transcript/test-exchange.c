/* test-exchange.c: ChatExchange against the fake server and a real store
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No display needed: the exchange is core.  The view's tests cover how it
 * is shown.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "chat-error.h"
#include "chat-exchange.h"
#include "chat-exchange-registry.h"
#include "chat-fake-server.h"

#define TEST_KEY "test-key.0123456789abcdef"

typedef struct {
  char           *dir;
  ChatStore      *store;
  ChatFakeServer *server;
  ChatClient     *client;
  char           *base_url;
  gboolean        finished;
  GError         *error;
  guint           n_progress;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_setenv ("LIAO_API_KEY", TEST_KEY, TRUE);
  f->dir = g_dir_make_tmp ("liao-exchange-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "liao.db", NULL);
  f->store = chat_store_open (path, &error);
  g_assert_no_error (error);
  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->client = chat_client_new ();
  chat_client_set_retry_delay_ms (f->client, 10);
  f->base_url = chat_fake_server_dup_base_url (f->server);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->client);
  g_clear_object (&f->server);
  g_clear_object (&f->store);
  g_clear_error (&f->error);
  g_free (f->base_url);
  remove_tree (f->dir);
  g_free (f->dir);
}

static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("test timed out");
  return G_SOURCE_REMOVE;
}

static void
on_finished (ChatExchange *exchange,
             const GError *error,
             Fixture      *f)
{
  g_assert_false (f->finished);
  g_assert_false (chat_exchange_get_running (exchange));
  f->finished = TRUE;
  g_clear_error (&f->error);
  f->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
on_progress (ChatExchange *exchange,
             Fixture      *f)
{
  f->n_progress++;
}

static ChatExchange *
new_exchange (Fixture          *f,
              ChatConversation *conversation)
{
  ChatExchange *exchange = chat_exchange_new (f->store, f->client, conversation);

  chat_exchange_set_base_url (exchange, f->base_url);
  g_signal_connect (exchange, "finished", G_CALLBACK (on_finished), f);
  g_signal_connect (exchange, "progress", G_CALLBACK (on_progress), f);
  f->finished = FALSE;
  return exchange;
}

static void
wait_finished (Fixture *f)
{
  guint watchdog = g_timeout_add_seconds (30, on_watchdog, NULL);

  while (!f->finished)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (watchdog);
}

static ChatExchange *
ask (Fixture          *f,
     ChatConversation *conversation,
     const char       *question)
{
  g_autoptr(ChatExchange) exchange = new_exchange (f, conversation);
  g_autoptr(GError) error = NULL;

  g_assert_true (chat_exchange_ask (exchange, question, &error));
  g_assert_no_error (error);
  g_assert_true (chat_exchange_get_running (exchange));
  wait_finished (f);
  return g_steal_pointer (&exchange);
}

static ChatMessage *
load (Fixture *f,
      gint64   id)
{
  g_autoptr(GError) error = NULL;
  ChatMessage *message = chat_store_load_message (f->store, id, &error);

  g_assert_no_error (error);
  return message;
}

/* The request the fake server got last, as JSON. */
static JsonObject *
last_request (Fixture *f)
{
  GPtrArray *requests = chat_fake_server_get_requests (f->server);
  ChatFakeRequest *request = g_ptr_array_index (requests, requests->len - 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *body = g_bytes_get_data (request->body, &size);

  json_parser_load_from_data (parser, body, size, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_request_messages (Fixture    *f,
                         const char *expected)
{
  g_autoptr(JsonObject) request = last_request (f);
  JsonArray *messages = json_object_get_array_member (request, "messages");
  g_autoptr(GString) seen = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      g_string_append_printf (seen, "%s%s:%s", i > 0 ? "|" : "",
                              json_object_get_string_member (message, "role"),
                              json_object_get_string_member (message, "content"));
    }
  g_assert_cmpstr (seen->str, ==, expected);
}

static void
test_ask_stores_everything (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) exchange = ask (f, conversation, "Hello there\nsecond line");
  g_autoptr(ChatMessage) answer = NULL;
  g_autoptr(ChatMessage) question = NULL;
  g_autoptr(ChatConversation) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->n_progress, >, 1);
  g_assert_cmpint (chat_conversation_get_id (conversation), >, 0);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "Hello there");
  g_assert_cmpstr (chat_conversation_get_profile (conversation), ==, "general");

  answer = load (f, chat_message_get_id (chat_exchange_get_answer (exchange)));
  question = load (f, chat_message_get_parent_id (answer));
  g_assert_cmpstr (chat_message_get_content (question), ==, "Hello there\nsecond line");
  g_assert_cmpstr (chat_message_get_content (answer), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_reasoning (answer), ==, CHAT_FAKE_REASONING);
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (chat_message_get_finish_reason (answer), ==, "stop");
  g_assert_cmpint (chat_message_get_usage (answer)->completion_tokens, ==, CHAT_FAKE_COMPLETION_TOKENS);
  g_assert_cmpint (chat_message_get_usage (answer)->cached_tokens, ==, CHAT_FAKE_CACHED_TOKENS);
  g_assert_cmpint (chat_message_get_first_token_ms (answer), >=, 0);
  g_assert_cmpint (chat_message_get_duration_ms (answer), >=, chat_message_get_first_token_ms (answer));
  g_assert_cmpint (chat_message_get_duration_ms (answer), <, 30 * 1000);
  g_assert_cmpint (chat_message_get_finished (answer), >, 0);
  g_assert_true (chat_message_equal (answer, chat_exchange_get_answer (exchange)));

  /* The object's branch follows, and the store agrees. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  stored = chat_store_load_conversation (f->store, chat_conversation_get_id (conversation), &error);
  g_assert_no_error (error);
  g_assert_cmpint (chat_conversation_get_current_leaf (stored), ==, chat_message_get_id (answer));
  g_assert_cmpint (chat_conversation_get_current_leaf (conversation), ==, chat_message_get_id (answer));
}

/* The request: system prompt, parameters, only complete answers. */
static void
test_request_carries_history (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new ("Settings");
  g_autoptr(ChatExchange) first = NULL;
  g_autoptr(ChatExchange) failed = NULL;
  g_autoptr(ChatExchange) third = NULL;
  g_autoptr(JsonObject) request = NULL;

  chat_conversation_set_system_prompt (conversation, "Be brief.");
  chat_conversation_set_model (conversation, "glm-4.5-air");
  chat_conversation_set_parameters (conversation,
                                    "{\"temperature\":0.25,\"top_p\":0.5,\"max_tokens\":99,"
                                    "\"thinking\":{\"type\":\"disabled\"}}");
  first = ask (f, conversation, "one scenario:no-reasoning");
  failed = ask (f, conversation, "two scenario:server-error");
  g_assert_error (f->error, CHAT_ERROR, CHAT_ERROR_SERVER);
  third = ask (f, conversation, "three");

  assert_request_messages (f, "system:Be brief.|user:one scenario:no-reasoning|assistant:"
                           "Hello from the fake GLM server! 你好，我是测试服务器。\n\n- one\n- two|"
                           "user:two scenario:server-error|user:three");
  request = last_request (f);
  g_assert_cmpstr (json_object_get_string_member (request, "model"), ==, "glm-4.5-air");
  g_assert_cmpfloat (json_object_get_double_member (request, "temperature"), ==, 0.25);
  g_assert_cmpfloat (json_object_get_double_member (request, "top_p"), ==, 0.5);
  g_assert_cmpint (json_object_get_int_member (request, "max_tokens"), ==, 99);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "thinking"), "type"),
                   ==, "disabled");
  g_assert_true (json_object_get_boolean_member (request, "stream"));
}

static void
test_error_keeps_details (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) exchange = ask (f, conversation, "scenario:auth");
  g_autoptr(ChatMessage) answer = load (f, chat_message_get_id (chat_exchange_get_answer (exchange)));
  g_autoptr(ChatMessage) question = load (f, chat_message_get_parent_id (answer));

  g_assert_error (f->error, CHAT_ERROR, CHAT_ERROR_AUTH);
  g_assert_cmpstr (chat_message_get_content (question), ==, "scenario:auth");
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_ERROR);
  g_assert_cmpstr (chat_message_get_error_code (answer), ==, "1002");
  g_assert_cmpstr (chat_message_get_error_message (answer), ==, f->error->message);
}

static gboolean
stop_after_content (gpointer user_data)
{
  ChatExchange *exchange = user_data;

  if (chat_reply_get_content_length (chat_exchange_get_reply (exchange)) == 0)
    return G_SOURCE_CONTINUE;
  chat_exchange_stop (exchange);
  return G_SOURCE_REMOVE;
}

static void
test_stop_keeps_text (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) exchange = new_exchange (f, conversation);
  g_autoptr(ChatMessage) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *content;

  chat_fake_server_set_event_delay (f->server, 30);
  g_assert_true (chat_exchange_ask (exchange, "Stop me", &error));
  g_timeout_add (10, stop_after_content, exchange);
  wait_finished (f);

  g_assert_error (f->error, CHAT_ERROR, CHAT_ERROR_CANCELLED);
  answer = load (f, chat_message_get_id (chat_exchange_get_answer (exchange)));
  content = chat_message_get_content (answer);
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_CANCELLED);
  g_assert_cmpuint (strlen (content), >, 0);
  g_assert_cmpuint (strlen (content), <, strlen (CHAT_FAKE_CONTENT));
  g_assert_true (g_str_has_prefix (CHAT_FAKE_CONTENT, content));
}

/* While it streams, the store has the text within a checkpoint or two. */
static gboolean
check_checkpoint (gpointer user_data)
{
  Fixture *f = ((gpointer *) user_data)[0];
  ChatExchange *exchange = ((gpointer *) user_data)[1];
  g_autoptr(ChatMessage) stored = NULL;

  if (!chat_exchange_get_running (exchange) ||
      chat_reply_get_content_length (chat_exchange_get_reply (exchange)) == 0)
    return G_SOURCE_CONTINUE;
  stored = load (f, chat_message_get_id (chat_exchange_get_answer (exchange)));
  if (*chat_message_get_content (stored) == '\0')
    return G_SOURCE_CONTINUE;
  g_assert_cmpint (chat_message_get_state (stored), ==, CHAT_MESSAGE_STATE_STREAMING);
  g_assert_true (g_str_has_prefix (chat_reply_get_content (chat_exchange_get_reply (exchange)),
                                   chat_message_get_content (stored)));
  ((gpointer *) user_data)[2] = GINT_TO_POINTER (TRUE);
  return G_SOURCE_REMOVE;
}

static void
test_checkpoints_while_streaming (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) exchange = new_exchange (f, conversation);
  g_autoptr(GError) error = NULL;
  gpointer state[3] = { f, exchange, NULL };

  chat_fake_server_set_event_delay (f->server, 50);
  g_assert_true (chat_exchange_ask (exchange, "Slowly", &error));
  /* It removes itself once it saw a checkpoint. */
  g_timeout_add (20, check_checkpoint, state);
  wait_finished (f);
  g_assert_true (GPOINTER_TO_INT (state[2]));
}

static void
test_regenerate_is_a_variant (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) first = ask (f, conversation, "Question");
  g_autoptr(ChatExchange) second = new_exchange (f, conversation);
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GError) error = NULL;
  ChatMessage *old_answer = chat_exchange_get_answer (first);
  ChatMessage *new_answer;

  g_assert_true (chat_exchange_regenerate (second, old_answer, &error));
  g_assert_no_error (error);
  new_answer = chat_exchange_get_answer (second);
  g_assert_true (new_answer != old_answer);
  g_assert_true (chat_conversation_get_message (conversation, 1) == new_answer);
  wait_finished (f);

  children = chat_store_list_children (f->store, chat_conversation_get_id (conversation),
                                       chat_message_get_parent_id (old_answer), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (children->len, ==, 2);
  g_assert_cmpint (chat_message_get_id (g_ptr_array_index (children, 1)), ==, chat_message_get_id (new_answer));
  g_assert_cmpstr (chat_message_get_content (new_answer), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  assert_request_messages (f, "user:Question");
}

static void
test_edit_starts_a_branch (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) first = ask (f, conversation, "First scenario:no-reasoning");
  g_autoptr(ChatExchange) second = ask (f, conversation, "Second");
  g_autoptr(ChatExchange) edit = new_exchange (f, conversation);
  g_autoptr(GPtrArray) roots = NULL;
  g_autoptr(GError) error = NULL;
  ChatMessage *asked;

  g_assert_true (chat_exchange_edit (edit, chat_exchange_get_question (second), "Second, edited", &error));
  g_assert_no_error (error);
  wait_finished (f);

  asked = chat_exchange_get_question (edit);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 4);
  g_assert_true (chat_conversation_get_message (conversation, 2) == asked);
  g_assert_cmpint (chat_message_get_parent_id (asked), ==,
                   chat_message_get_id (chat_exchange_get_answer (first)));
  roots = chat_store_list_children (f->store, chat_conversation_get_id (conversation),
                                    chat_message_get_parent_id (asked), &error);
  g_assert_cmpuint (roots->len, ==, 2);
  assert_request_messages (f, "user:First scenario:no-reasoning|assistant:" CHAT_FAKE_CONTENT
                           "|user:Second, edited");
}

static void
test_retry_reuses_the_answer (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) failed = NULL;
  g_autoptr(ChatExchange) retry = NULL;
  g_autoptr(ChatMessage) stored = NULL;
  g_autoptr(GError) error = NULL;
  ChatMessage *answer;

  chat_fake_server_set_scenario (f->server, "rate-limit");
  failed = ask (f, conversation, "Busy?");
  g_assert_error (f->error, CHAT_ERROR, CHAT_ERROR_RATE_LIMIT);
  answer = chat_exchange_get_answer (failed);

  chat_fake_server_set_scenario (f->server, "normal");
  retry = new_exchange (f, conversation);
  g_assert_true (chat_exchange_retry (retry, answer, &error));
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_STREAMING);
  g_assert_null (chat_message_get_error_message (answer));
  wait_finished (f);

  g_assert_no_error (f->error);
  g_assert_true (chat_exchange_get_answer (retry) == answer);
  stored = load (f, chat_message_get_id (answer));
  g_assert_cmpstr (chat_message_get_content (stored), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpint (chat_message_get_state (stored), ==, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_null (chat_message_get_error_code (stored));
}

static void
test_continue_appends (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) cut = ask (f, conversation, "Long scenario:length");
  g_autoptr(ChatExchange) more = new_exchange (f, conversation);
  g_autoptr(ChatMessage) stored = NULL;
  g_autoptr(GError) error = NULL;
  ChatMessage *answer = chat_exchange_get_answer (cut);
  gint64 duration = chat_message_get_duration_ms (answer);

  g_assert_cmpstr (chat_message_get_finish_reason (answer), ==, "length");
  g_assert_true (chat_exchange_continue (more, answer, &error));
  wait_finished (f);

  g_assert_no_error (f->error);
  stored = load (f, chat_message_get_id (answer));
  g_assert_cmpstr (chat_message_get_content (stored), ==, CHAT_FAKE_CONTENT CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_reasoning (stored), ==, CHAT_FAKE_REASONING "\n\n" CHAT_FAKE_REASONING);
  g_assert_cmpstr (chat_message_get_finish_reason (stored), ==, "stop");
  g_assert_cmpint (chat_message_get_usage (stored)->completion_tokens, ==, 2 * CHAT_FAKE_COMPLETION_TOKENS);
  g_assert_cmpint (chat_message_get_duration_ms (stored), >=, duration);
  assert_request_messages (f, "user:Long scenario:length|assistant:" CHAT_FAKE_CONTENT
                           "|user:" CHAT_EXCHANGE_CONTINUE_PROMPT);
}

/* Nothing is stored for a request that cannot be made. */
static void
test_unknown_profile_stores_nothing (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) exchange = new_exchange (f, conversation);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  chat_conversation_set_profile (conversation, "no-such-profile");
  g_assert_false (chat_exchange_ask (exchange, "Hello", &error));
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_FAILED);
  g_assert_cmpint (chat_conversation_get_id (conversation), ==, 0);
  listed = chat_store_list_conversations (f->store, NULL);
  g_assert_cmpuint (listed->len, ==, 0);
}

/* A custom profile: its base URL and default model. */
static void
test_custom_profile (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatProfile) profile = chat_profile_new_custom ("local", "Local", f->base_url, "glm-local");
  g_autoptr(ChatExchange) exchange = chat_exchange_new (f->store, f->client, conversation);
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GError) error = NULL;

  chat_exchange_set_profile (exchange, profile);
  g_signal_connect (exchange, "finished", G_CALLBACK (on_finished), f);
  g_assert_true (chat_exchange_ask (exchange, "Local?", &error));
  wait_finished (f);
  g_assert_no_error (f->error);
  g_assert_cmpstr (chat_conversation_get_profile (conversation), ==, "local");
  g_assert_cmpstr (chat_conversation_get_model (conversation), ==, "glm-local");
  request = last_request (f);
  g_assert_cmpstr (json_object_get_string_member (request, "model"), ==, "glm-local");
}

/* A NULL store: the command line's --no-save. */
static void
test_without_store (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) exchange = chat_exchange_new (NULL, f->client, conversation);
  g_autoptr(GError) error = NULL;

  chat_exchange_set_base_url (exchange, f->base_url);
  g_signal_connect (exchange, "finished", G_CALLBACK (on_finished), f);
  g_assert_true (chat_exchange_ask (exchange, "Unsaved", &error));
  wait_finished (f);
  g_assert_no_error (f->error);
  g_assert_cmpint (chat_conversation_get_id (conversation), ==, 0);
  g_assert_cmpstr (chat_message_get_content (chat_exchange_get_answer (exchange)), ==, CHAT_FAKE_CONTENT);
  g_assert_null (chat_exchange_get_save_error (exchange));
}

/* Saving must never stop the answer. */
static void
test_lost_conversation_keeps_streaming (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatExchange) exchange = new_exchange (f, conversation);
  g_autoptr(GError) error = NULL;

  chat_fake_server_set_event_delay (f->server, 20);
  g_assert_true (chat_exchange_ask (exchange, "Delete me", &error));
  g_assert_true (chat_store_delete_conversation (f->store, chat_conversation_get_id (conversation), &error));
  wait_finished (f);
  g_assert_no_error (f->error);
  g_assert_cmpstr (chat_message_get_content (chat_exchange_get_answer (exchange)), ==, CHAT_FAKE_CONTENT);
  g_assert_error (chat_exchange_get_save_error (exchange), CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
}

static void
test_registry (Fixture       *f,
               gconstpointer  data)
{
  ChatExchangeRegistry *registry = chat_exchange_registry_get_for_store (f->store);
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatConversation) again = NULL;
  g_autoptr(ChatExchange) exchange = new_exchange (f, conversation);
  g_autoptr(GError) error = NULL;
  ChatMessage *answer;
  gint64 id;

  g_assert_true (registry == chat_exchange_registry_get_for_store (f->store));
  g_assert_true (chat_exchange_ask (exchange, "Registered", &error));
  id = chat_conversation_get_id (conversation);
  chat_exchange_registry_add (registry, exchange);
  g_assert_true (chat_exchange_registry_lookup (registry, id) == exchange);
  again = chat_exchange_registry_load_conversation (registry, id, &error);
  g_assert_true (again == conversation);
  wait_finished (f);
  g_assert_null (chat_exchange_registry_lookup (registry, id));
  /* Measured while it streamed: from the first reasoning to the first content. */
  g_assert_cmpint (chat_exchange_registry_get_thought_ms (chat_exchange_get_answer (exchange)), ==,
                   (chat_exchange_get_content_started_at (exchange) -
                    chat_exchange_get_reasoning_started_at (exchange)) / 1000);

  g_clear_object (&again);
  g_clear_object (&exchange);
  g_clear_object (&conversation);
  again = chat_exchange_registry_load_conversation (registry, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  /* Loaded: estimated as the reasoning tokens' share of the duration. */
  answer = chat_conversation_get_message (again, 1);
  g_assert_cmpint (chat_exchange_registry_get_thought_ms (answer), ==,
                   chat_message_get_duration_ms (answer) * CHAT_FAKE_REASONING_TOKENS
                   / CHAT_FAKE_COMPLETION_TOKENS);
}

/* A conversation opened at its end (as a window opens a long one) gets the
 * rest of its branch before any request: the model sees all of it, and an
 * answer regenerated or edited keeps its place. */
static ChatConversation *
load_end (Fixture *f,
          gint64   id,
          guint    max_messages)
{
  g_autoptr(GError) error = NULL;
  ChatConversation *conversation = chat_store_load_conversation_end (f->store, id, max_messages, &error);

  g_assert_no_error (error);
  g_assert_true (chat_conversation_has_older (conversation));
  return conversation;
}

#define HISTORY \
  "user:one scenario:no-reasoning|assistant:" CHAT_FAKE_CONTENT "|" \
  "user:two scenario:no-reasoning|assistant:" CHAT_FAKE_CONTENT "|"

static void
test_partly_loaded (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(ChatConversation) opened = NULL;
  g_autoptr(ChatExchange) exchange = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  ChatMessage *last;

  g_object_unref (ask (f, conversation, "one scenario:no-reasoning"));
  g_object_unref (ask (f, conversation, "two scenario:no-reasoning"));
  id = chat_conversation_get_id (conversation);

  opened = load_end (f, id, 1);
  g_object_unref (ask (f, opened, "three scenario:no-reasoning"));
  assert_request_messages (f, HISTORY "user:three scenario:no-reasoning");
  g_assert_false (chat_conversation_has_older (opened));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (opened)), ==, 6);

  /* Regenerate the last answer of a conversation loaded from its last two. */
  g_clear_object (&opened);
  opened = load_end (f, id, 2);
  last = chat_conversation_get_message (opened, 1);
  exchange = new_exchange (f, opened);
  g_assert_true (chat_exchange_regenerate (exchange, last, &error));
  g_assert_no_error (error);
  wait_finished (f);
  assert_request_messages (f, HISTORY "user:three scenario:no-reasoning");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (opened)), ==, 6);
  g_assert_true (chat_conversation_get_message (opened, 5) == chat_exchange_get_answer (exchange));
  g_assert_cmpint (chat_message_get_parent_id (chat_exchange_get_answer (exchange)), ==,
                   chat_message_get_id (chat_conversation_get_message (opened, 4)));
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/exchange/ask", test_ask_stores_everything);
  ADD ("/exchange/request", test_request_carries_history);
  ADD ("/exchange/error", test_error_keeps_details);
  ADD ("/exchange/stop", test_stop_keeps_text);
  ADD ("/exchange/checkpoint", test_checkpoints_while_streaming);
  ADD ("/exchange/regenerate", test_regenerate_is_a_variant);
  ADD ("/exchange/edit", test_edit_starts_a_branch);
  ADD ("/exchange/retry", test_retry_reuses_the_answer);
  ADD ("/exchange/continue", test_continue_appends);
  ADD ("/exchange/unknown-profile", test_unknown_profile_stores_nothing);
  ADD ("/exchange/custom-profile", test_custom_profile);
  ADD ("/exchange/no-store", test_without_store);
  ADD ("/exchange/lost-conversation", test_lost_conversation_keeps_streaming);
  ADD ("/exchange/registry", test_registry);
  ADD ("/exchange/partly-loaded", test_partly_loaded);

  return g_test_run ();
}
