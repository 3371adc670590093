/* test-client.c: ChatClient against the fake GLM server, over real sockets
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <json-glib/json-glib.h>

#include "chat-client.h"
#include "chat-error.h"
#include "chat-fake-server.h"

#define TEST_KEY "test-key.0123456789abcdef"

typedef struct {
  ChatFakeServer *server;
  ChatClient     *client;
  char           *base_url;
} Fixture;

typedef struct {
  gboolean  done;
  GError   *error;
  guint     n_delta_signals;
  gboolean  delta_on_wrong_context;
  GMainContext *context;
} SendState;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->client = chat_client_new ();
  chat_client_set_retry_delay_ms (f->client, 10);
  f->base_url = chat_fake_server_dup_base_url (f->server);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->client);
  g_clear_object (&f->server);
  g_clear_pointer (&f->base_url, g_free);
}

/* CHAT_TEST_SLOWDOWN: how much slower this run is than a plain build
 * (the sanitizers' and valgrind's runs set it), so the watchdog does not
 * take the 5 MB reply's minutes under memcheck for a hang. */
static guint
slowdown (void)
{
  const char *text = g_getenv ("CHAT_TEST_SLOWDOWN");
  guint64 value = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 0;

  return value >= 1 && value <= 100 ? (guint) value : 1;
}

/* Iterates the thread-default context until @done, failing after 30 s.  The
 * watchdog is on that context too: the global default one may be idle. */
static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("test timed out");
  return G_SOURCE_REMOVE;
}

static void
wait_until (gboolean *done)
{
  GMainContext *context = g_main_context_get_thread_default ();
  g_autoptr(GSource) watchdog = g_timeout_source_new_seconds (30 * slowdown ());

  g_source_set_callback (watchdog, on_watchdog, NULL, NULL);
  g_source_attach (watchdog, context);
  while (!*done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (watchdog);
}

static void
on_delta (ChatReply  *reply,
          const char *content,
          const char *reasoning,
          SendState  *state)
{
  state->n_delta_signals++;
  if (!g_main_context_is_owner (state->context))
    state->delta_on_wrong_context = TRUE;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendState *state = user_data;

  chat_client_send_finish (CHAT_CLIENT (source), result, &state->error);
  state->done = TRUE;
}

static ChatRequest *
new_request (const char *scenario,
             gboolean    stream)
{
  ChatRequest *request = chat_request_new ("glm-4.7");
  g_autofree char *prompt = g_strdup_printf ("Hello 你好 scenario:%s", scenario);

  chat_request_add_message (request, "user", prompt);
  chat_request_set_stream (request, stream);
  return request;
}

/* Sends one request and returns the reply; *error gets the outcome. */
static ChatReply *
send_with_key (Fixture       *f,
               const char    *scenario,
               gboolean       stream,
               const char    *key,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(ChatRequest) request = new_request (scenario, stream);
  ChatReply *reply = chat_reply_new ();
  SendState state = { .context = g_main_context_ref_thread_default () };

  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), &state);
  chat_client_send_async (f->client, f->base_url, key, request, reply, cancellable,
                          on_sent, &state);
  wait_until (&state.done);
  g_signal_handlers_disconnect_by_func (reply, on_delta, &state);
  g_assert_false (state.delta_on_wrong_context);
  g_main_context_unref (state.context);
  if (state.error != NULL)
    g_propagate_error (error, state.error);
  return reply;
}

static ChatReply *
send_scenario (Fixture     *f,
               const char  *scenario,
               GError     **error)
{
  return send_with_key (f, scenario, TRUE, TEST_KEY, NULL, error);
}

static guint
n_requests (Fixture *f)
{
  return chat_fake_server_get_requests (f->server)->len;
}

/* When the fake server got request @i, in µs after @start. */
static gint64
request_time (Fixture *f,
              guint    i,
              gint64   start)
{
  ChatFakeRequest *request = g_ptr_array_index (chat_fake_server_get_requests (f->server), i);

  return request->received_at - start;
}

/* A client with the shipped retry delay, not the fixture's short one. */
static void
use_default_client (Fixture *f)
{
  g_clear_object (&f->client);
  f->client = chat_client_new ();
}

static void
assert_normal_reply (ChatReply *reply)
{
  g_assert_cmpstr (chat_reply_get_content (reply), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_reply_get_reasoning (reply), ==, CHAT_FAKE_REASONING);
  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==, "stop");
  g_assert_true (chat_reply_has_usage (reply));
  g_assert_cmpint (chat_reply_get_usage (reply)->total_tokens, >, 0);
  g_assert_cmpuint (chat_reply_get_n_skipped_events (reply), ==, 0);
}

/* Normal streaming, and what went over the wire */

static void
test_normal_stream (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "normal", &error);

  g_assert_no_error (error);
  assert_normal_reply (reply);
  g_assert_cmpint (chat_reply_get_first_token_at (reply), >=, chat_reply_get_started_at (reply));
  g_assert_cmpint (chat_reply_get_finished_at (reply), >=, chat_reply_get_first_token_at (reply));
  g_assert_cmpuint (n_requests (f), ==, 1);
}

static void
test_request_headers (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "normal", &error);
  ChatFakeRequest *request = g_ptr_array_index (chat_fake_server_get_requests (f->server), 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body;

  g_assert_no_error (error);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/api/paas/v4/chat/completions");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==,
                   "Bearer " TEST_KEY);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (request->headers, "User-Agent"),
                                   "Liao/"));
  g_assert_nonnull (soup_message_headers_get_one (request->headers, "Accept-Language"));
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (request->headers, NULL),
                                   "application/json"));
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                                             g_bytes_get_size (request->body), NULL));
  body = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "glm-4.7");
  g_assert_true (json_object_get_boolean_member (body, "stream"));
}

static void
test_coding_path (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  ChatFakeRequest *request;

  g_free (f->base_url);
  f->base_url = chat_fake_server_dup_url (f->server, "/api/coding/paas/v4/");
  reply = send_scenario (f, "normal", &error);
  g_assert_no_error (error);
  request = g_ptr_array_index (chat_fake_server_get_requests (f->server), 0);
  g_assert_cmpstr (request->path, ==, "/api/coding/paas/v4/chat/completions");
}

/* A fake server on a thread and context of its own, so that nothing
 * iterates the global default context while the client works. */
typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         ready;
  guint         port;
  guint         n_requests;
} ServerThread;

static gpointer
server_thread_run (gpointer data)
{
  ServerThread *t = data;
  g_autoptr(ChatFakeServer) server = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (t->context);
  server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  g_mutex_lock (&t->lock);
  t->port = chat_fake_server_get_port (server);
  g_cond_signal (&t->ready);
  g_mutex_unlock (&t->lock);

  g_main_loop_run (t->loop);
  t->n_requests = chat_fake_server_get_requests (server)->len;
  g_clear_object (&server);
  while (g_main_context_iteration (t->context, FALSE))
    ;
  g_main_context_pop_thread_default (t->context);
  return NULL;
}

static ServerThread *
server_thread_start (void)
{
  ServerThread *t = g_new0 (ServerThread, 1);

  t->context = g_main_context_new ();
  t->loop = g_main_loop_new (t->context, FALSE);
  g_mutex_init (&t->lock);
  g_cond_init (&t->ready);
  t->thread = g_thread_new ("fake-server", server_thread_run, t);
  g_mutex_lock (&t->lock);
  while (t->port == 0)
    g_cond_wait (&t->ready, &t->lock);
  g_mutex_unlock (&t->lock);
  return t;
}

/* Stops the server and returns how many requests it got. */
static guint
server_thread_stop (ServerThread *t)
{
  guint n_requests;

  g_main_loop_quit (t->loop);
  g_thread_join (t->thread);
  n_requests = t->n_requests;
  g_main_loop_unref (t->loop);
  g_main_context_unref (t->context);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->ready);
  g_free (t);
  return n_requests;
}

/* Everything a request schedules (its reads, the idle time-out, the wait
 * before a retry) runs on the context that was thread-default when it
 * started.  Only that context is iterated here: a source on the global
 * default context would never fire, and the watchdog would end the test. */
static void
test_thread_default_context (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  ServerThread *server = server_thread_start ();
  g_autoptr(GError) normal_error = NULL;
  g_autoptr(GError) stall_error = NULL;
  g_autoptr(GError) retry_error = NULL;
  g_autoptr(ChatReply) normal = NULL;
  g_autoptr(ChatReply) stalled = NULL;
  g_autoptr(ChatReply) retried = NULL;

  g_main_context_push_thread_default (context);
  g_free (f->base_url);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%u/api/paas/v4", server->port);
  use_default_client (f);
  chat_client_set_idle_timeout (f->client, 1);
  chat_client_set_retry_delay_ms (f->client, 200);

  normal = send_scenario (f, "normal", &normal_error);
  g_assert_no_error (normal_error);
  assert_normal_reply (normal);

  stalled = send_scenario (f, "stall", &stall_error);
  g_assert_error (stall_error, CHAT_ERROR, CHAT_ERROR_TIMEOUT);
  g_assert_true (g_str_has_prefix (chat_reply_get_content (stalled), CHAT_FAKE_PARTIAL));

  retried = send_scenario (f, "rate-limit-once", &retry_error);
  g_assert_no_error (retry_error);
  assert_normal_reply (retried);
  g_assert_cmpuint (chat_client_get_n_attempts (f->client), ==, 4);

  g_clear_object (&f->client);
  g_main_context_pop_thread_default (context);
  g_assert_cmpuint (server_thread_stop (server), ==, 4);
}

static void
test_hostile_framing (Fixture       *f,
                      gconstpointer  data)
{
  const char *scenario = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, scenario, &error);

  g_assert_no_error (error);
  assert_normal_reply (reply);
}

static void
test_not_streamed (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_with_key (f, "normal", FALSE, TEST_KEY, NULL, &error);
  ChatFakeRequest *request;

  g_assert_no_error (error);
  assert_normal_reply (reply);
  request = g_ptr_array_index (chat_fake_server_get_requests (f->server), 0);
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Accept"), ==,
                   "application/json");
}

static void
test_no_reasoning (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "no-reasoning", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (chat_reply_get_content (reply), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpuint (chat_reply_get_reasoning_length (reply), ==, 0);
}

/* Damaged streams keep what arrived */

static void
test_truncated_json_frame (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "truncated-json", &error);
  g_autofree char *expected = chat_fake_server_dup_expected_content ("truncated-json");

  g_assert_no_error (error);
  g_assert_cmpstr (chat_reply_get_content (reply), ==, expected);
  g_assert_cmpuint (chat_reply_get_n_skipped_events (reply), ==, 1);
  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==, "stop");
}

static void
test_invalid_utf8 (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "invalid-utf8", &error);
  const char *content = chat_reply_get_content (reply);

  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (content, -1, NULL));
  g_assert_nonnull (strstr (content, "\xef\xbf\xbd"));
  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==, "stop");
}

static void
test_big_reply (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "big", &error);
  g_autofree char *expected = chat_fake_server_dup_big_content ();

  g_assert_no_error (error);
  g_assert_cmpuint (chat_reply_get_content_length (reply), ==, strlen (expected));
  g_assert_true (strcmp (chat_reply_get_content (reply), expected) == 0);
}

static void
test_failure_keeps_partial (Fixture       *f,
                            gconstpointer  data)
{
  const char *scenario = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, scenario, &error);
  ChatErrorCode expected = g_str_equal (scenario, "error-midstream") ? CHAT_ERROR_SERVER
                         : g_str_equal (scenario, "sensitive") ? CHAT_ERROR_CONTENT_FILTER
                         : g_str_equal (scenario, "network-error") ? CHAT_ERROR_SERVER
                         : CHAT_ERROR_NETWORK;

  g_assert_error (error, CHAT_ERROR, (int) expected);
  g_assert_true (g_str_has_prefix (chat_reply_get_content (reply), CHAT_FAKE_PARTIAL));
  /* Text had arrived, so nothing may be retried. */
  g_assert_cmpuint (n_requests (f), ==, 1);
}

/* A role-only chunk or a keep-alive comment is a reply byte too: once one
 * arrived, a failure ends the request instead of trying again. */
static void
test_no_retry_after_reply_bytes (Fixture       *f,
                                 gconstpointer  data)
{
  const char *scenario = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, scenario, &error);

  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_NETWORK);
  g_assert_cmpuint (chat_reply_get_content_length (reply), ==, 0);
  g_assert_cmpuint (n_requests (f), ==, 1);
  g_assert_cmpuint (chat_client_get_n_attempts (f->client), ==, 1);
}

/* The same failure before any byte of the body is tried again. */
static void
test_retry_empty_stream (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "empty-stream", &error);

  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_NETWORK);
  g_assert_cmpuint (n_requests (f), ==, CHAT_CLIENT_MAX_TRIES);
}

static void
test_length (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "length", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==, "length");
  g_assert_cmpuint (chat_reply_get_content_length (reply), >, 0);
}

static void
test_idle_timeout (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  gint64 start = g_get_monotonic_time ();

  chat_client_set_idle_timeout (f->client, 1);
  reply = send_scenario (f, "stall", &error);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_TIMEOUT);
  g_assert_true (g_str_has_prefix (chat_reply_get_content (reply), CHAT_FAKE_PARTIAL));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (n_requests (f), ==, 1);
}

/* Cancellation */

static gboolean
cancel_on_first_content (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel_midstream (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  gint64 start = g_get_monotonic_time ();

  /* The slow scenario takes seconds; a cancel after 500 ms must end it at once. */
  g_timeout_add (500, cancel_on_first_content, cancellable);
  reply = send_with_key (f, "slow", TRUE, TEST_KEY, cancellable, &error);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500 * 1000);
  g_assert_cmpuint (chat_reply_get_content_length (reply) + chat_reply_get_reasoning_length (reply),
                    >, 0);
}

static void
test_cancel_during_retry_wait (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  gint64 start = g_get_monotonic_time ();

  chat_client_set_retry_delay_ms (f->client, 10000);
  g_timeout_add (300, cancel_on_first_content, cancellable);
  reply = send_with_key (f, "rate-limit", TRUE, TEST_KEY, cancellable, &error);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (n_requests (f), ==, 1);
}

static void
test_cancelled_before_start (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;

  g_cancellable_cancel (cancellable);
  reply = send_with_key (f, "normal", TRUE, TEST_KEY, cancellable, &error);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_CANCELLED);
  g_assert_cmpuint (n_requests (f), ==, 0);
}

/* HTTP errors and retries */

typedef struct {
  const char    *scenario;
  ChatErrorCode  code;
  const char    *server_code;
  guint          http_status;
  guint          n_requests;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "auth",                CHAT_ERROR_AUTH,            "1002", 401, 1 },
  { "balance",             CHAT_ERROR_BALANCE,         "1113", 429, 1 },
  { "quota",               CHAT_ERROR_QUOTA,           "1308", 429, 1 },
  { "overloaded",          CHAT_ERROR_RATE_LIMIT,      "1312", 429, 1 },
  { "model-not-found",     CHAT_ERROR_MODEL_NOT_FOUND, "1211", 400, 1 },
  { "invalid-parameter",   CHAT_ERROR_BAD_REQUEST,     "1214", 400, 1 },
  { "rate-limit",          CHAT_ERROR_RATE_LIMIT,      "1302", 429, CHAT_CLIENT_MAX_TRIES },
  { "frequency-limit",     CHAT_ERROR_RATE_LIMIT,      "1303", 429, CHAT_CLIENT_MAX_TRIES },
  { "server-error",        CHAT_ERROR_SERVER,          "500",  500, CHAT_CLIENT_MAX_TRIES },
  { "html-error",          CHAT_ERROR_SERVER,          NULL,   502, CHAT_CLIENT_MAX_TRIES },
  { "service-unavailable", CHAT_ERROR_SERVER,          NULL,   503, CHAT_CLIENT_MAX_TRIES },
  { "gateway-timeout",     CHAT_ERROR_SERVER,          NULL,   504, CHAT_CLIENT_MAX_TRIES },
  { "wrong-type",          CHAT_ERROR_RATE_LIMIT,      "1305", 200, CHAT_CLIENT_MAX_TRIES },
};

static void
test_http_error (Fixture       *f,
                 gconstpointer  data)
{
  const ErrorCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, c->scenario, &error);

  g_assert_error (error, CHAT_ERROR, (int) c->code);
  g_assert_cmpstr (chat_error_get_server_code (error), ==, c->server_code);
  g_assert_cmpuint (chat_error_get_http_status (error), ==, c->http_status);
  g_assert_cmpuint (n_requests (f), ==, c->n_requests);
  g_assert_cmpuint (chat_client_get_n_attempts (f->client), ==, c->n_requests);
  g_assert_cmpuint (chat_reply_get_content_length (reply), ==, 0);
}

static void
test_quota_reset_time (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_scenario (f, "quota", &error);

  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_QUOTA);
  g_assert_cmpstr (chat_error_get_reset_time (error), ==, "2026-08-12 18:58:34");
  g_assert_nonnull (strstr (error->message, "2026-08-12 18:58:34"));
}

static void
test_retry_then_success (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  gint64 start = g_get_monotonic_time ();

  chat_client_set_retry_delay_ms (f->client, 200);
  reply = send_scenario (f, "rate-limit-once", &error);
  g_assert_no_error (error);
  assert_normal_reply (reply);
  g_assert_cmpuint (n_requests (f), ==, 2);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
}

/* With the shipped delay: tries at about 0, 0.5 and 1.5 s, then the error.
 * The lower bounds are exact; the upper ones leave room for a busy machine. */
static void
test_retry_backoff (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 first, second, third;

  use_default_client (f);
  reply = send_scenario (f, "service-unavailable", &error);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_SERVER);
  g_assert_cmpuint (chat_error_get_http_status (error), ==, 503);
  g_assert_cmpuint (n_requests (f), ==, CHAT_CLIENT_MAX_TRIES);
  g_assert_cmpuint (chat_client_get_n_attempts (f->client), ==, CHAT_CLIENT_MAX_TRIES);

  first = request_time (f, 0, start);
  second = request_time (f, 1, start);
  third = request_time (f, 2, start);
  g_assert_cmpint (first, <, 1 * G_USEC_PER_SEC);
  g_assert_cmpint (second - first, >=, 500 * 1000);
  g_assert_cmpint (second - first, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (third - second, >=, 1000 * 1000);
  g_assert_cmpint (third - second, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (third - first, >=, 1500 * 1000);
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GInetSocketAddress) bound = NULL;
  gint64 start, elapsed;

  /* A port that was bound and is no longer listened on refuses connections. */
  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = G_INET_SOCKET_ADDRESS (g_socket_get_local_address (socket, NULL));
  g_free (f->base_url);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%u/api/paas/v4",
                                 g_inet_socket_address_get_port (bound));
  g_socket_close (socket, NULL);

  /* Three tries with the shipped back-off: 0.5 s, then 1 s between them. */
  use_default_client (f);
  start = g_get_monotonic_time ();
  reply = send_scenario (f, "normal", &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_NETWORK);
  g_assert_cmpuint (chat_client_get_n_attempts (f->client), ==, CHAT_CLIENT_MAX_TRIES);
  g_assert_cmpint (elapsed, >=, 1500 * 1000);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
}

static gboolean
on_silent_connection (GSocketService     *service,
                      GSocketConnection  *connection,
                      GObject            *source,
                      gpointer            user_data)
{
  /* Keep it open and say nothing. */
  g_ptr_array_add (user_data, g_object_ref (connection));
  return TRUE;
}

static void
test_connect_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;

  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &effective, NULL));
  g_signal_connect (service, "incoming", G_CALLBACK (on_silent_connection), held);
  g_free (f->base_url);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%u/v4", g_inet_socket_address_get_port (
                                   G_INET_SOCKET_ADDRESS (effective)));
  chat_client_set_connect_timeout (f->client, 1);
  reply = send_scenario (f, "normal", &error);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_TIMEOUT);
  g_socket_service_stop (service);
}

static void
test_no_key (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = send_with_key (f, "normal", TRUE, NULL, NULL, &error);

  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_NO_KEY);
  g_assert_cmpuint (n_requests (f), ==, 0);
}

static void
test_bad_base_url (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;

  g_free (f->base_url);
  f->base_url = g_strdup ("open.bigmodel.cn/api/paas/v4");
  reply = send_scenario (f, "normal", &error);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_BAD_REQUEST);
}

/* Recorded traffic replayed byte for byte */

static void
test_fixture_replay (Fixture       *f,
                     gconstpointer  data)
{
  const char *name = data;
  g_autofree char *scenario = g_strdup_printf ("fixture:%s", name);
  g_autofree char *expected_path = g_strdup_printf ("%s/%s.expected.json", CHAT_FIXTURES_DIR, name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatReply) reply = NULL;
  JsonObject *expected;

  g_assert_true (json_parser_load_from_file (parser, expected_path, NULL));
  expected = json_node_get_object (json_parser_get_root (parser));
  reply = send_scenario (f, scenario, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chat_reply_get_content (reply), ==,
                   json_object_get_string_member (expected, "content"));
  g_assert_cmpstr (chat_reply_get_reasoning (reply), ==,
                   json_object_get_string_member (expected, "reasoning"));
  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==,
                   json_object_get_string_member (expected, "finish_reason"));
  g_assert_cmpuint (chat_reply_get_tool_calls (reply)->len, ==,
                    json_array_get_length (json_object_get_array_member (expected, "tool_calls")));
}

/* Models, headers, many at once */

static void
on_models (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SendState *state = user_data;
  GStrv models = chat_client_list_models_finish (CHAT_CLIENT (source), result, &state->error);

  g_assert_true (models == NULL || g_strv_contains ((const char * const *) models, "glm-4.7"));
  g_strfreev (models);
  state->done = TRUE;
}

static void
test_models (Fixture       *f,
             gconstpointer  data)
{
  SendState state = { 0 };
  ChatFakeRequest *request;

  chat_client_list_models_async (f->client, f->base_url, TEST_KEY, NULL, on_models, &state);
  wait_until (&state.done);
  g_assert_no_error (state.error);
  request = g_ptr_array_index (chat_fake_server_get_requests (f->server), 0);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/api/paas/v4/models");
}

static void
test_accept_language (void)
{
  g_autofree char *chinese = NULL;
  g_autofree char *english = NULL;
  g_autofree char *plain = NULL;

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  chinese = chat_client_dup_accept_language ();
  g_setenv ("LANGUAGE", "en_GB", TRUE);
  english = chat_client_dup_accept_language ();
  g_setenv ("LANGUAGE", "C", TRUE);
  plain = chat_client_dup_accept_language ();
  g_unsetenv ("LANGUAGE");

  g_assert_cmpstr (chinese, ==, "zh-CN,zh;q=0.9,en;q=0.8");
  g_assert_cmpstr (english, ==, "en-GB,en;q=0.9");
  g_assert_cmpstr (plain, ==, "en-US,en");
}

typedef struct {
  guint n_done;
  guint n_failed;
} ManyState;

static void
on_one_of_many (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ManyState *state = user_data;

  if (!chat_client_send_finish (CHAT_CLIENT (source), result, NULL))
    state->n_failed++;
  state->n_done++;
}

static void
test_ten_at_once (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func (g_object_unref);
  ManyState state = { 0 };
  gboolean all_done = FALSE;
  guint watchdog = g_timeout_add_seconds (30, on_watchdog, NULL);

  chat_fake_server_set_event_delay (f->server, 2);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(ChatRequest) request = new_request ("normal", TRUE);
      ChatReply *reply = chat_reply_new ();

      g_ptr_array_add (replies, reply);
      chat_client_send_async (f->client, f->base_url, TEST_KEY, request, reply, NULL,
                              on_one_of_many, &state);
    }
  while (!all_done)
    {
      g_main_context_iteration (NULL, TRUE);
      all_done = state.n_done == 10;
    }
  g_source_remove (watchdog);
  g_assert_cmpuint (state.n_failed, ==, 0);
  for (guint i = 0; i < replies->len; i++)
    assert_normal_reply (g_ptr_array_index (replies, i));
}

static void
add_fixture_tests (void)
{
  g_autoptr(GDir) dir = g_dir_open (CHAT_FIXTURES_DIR, 0, NULL);
  const char *file;

  g_assert_nonnull (dir);
  while ((file = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (!g_str_has_suffix (file, ".sse"))
        continue;
      name = g_strndup (file, strlen (file) - strlen (".sse"));
      path = g_strdup_printf ("/client/fixture/%s", name);
      g_test_add (path, Fixture, g_intern_string (name), fixture_set_up, test_fixture_replay,
                  fixture_tear_down);
    }
}

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/client/stream/normal", test_normal_stream, NULL);
  ADD ("/client/stream/headers", test_request_headers, NULL);
  ADD ("/client/stream/coding-path", test_coding_path, NULL);
  ADD ("/client/stream/thread-default-context", test_thread_default_context, NULL);
  ADD ("/client/stream/split-every-byte", test_hostile_framing, "split");
  ADD ("/client/stream/crlf-comments", test_hostile_framing, "crlf");
  ADD ("/client/stream/no-reasoning", test_no_reasoning, NULL);
  ADD ("/client/stream/not-streamed", test_not_streamed, NULL);
  ADD ("/client/stream/truncated-json", test_truncated_json_frame, NULL);
  ADD ("/client/stream/invalid-utf8", test_invalid_utf8, NULL);
  ADD ("/client/stream/big", test_big_reply, NULL);
  ADD ("/client/stream/length", test_length, NULL);
  ADD ("/client/failure/error-midstream", test_failure_keeps_partial, "error-midstream");
  ADD ("/client/failure/cut", test_failure_keeps_partial, "cut");
  ADD ("/client/failure/eof-no-done", test_failure_keeps_partial, "eof-no-done");
  ADD ("/client/failure/sensitive", test_failure_keeps_partial, "sensitive");
  ADD ("/client/failure/network-error", test_failure_keeps_partial, "network-error");
  ADD ("/client/failure/role-then-cut", test_no_retry_after_reply_bytes, "role-then-cut");
  ADD ("/client/failure/keep-alive-then-cut", test_no_retry_after_reply_bytes,
       "keep-alive-then-cut");
  ADD ("/client/failure/idle-timeout", test_idle_timeout, NULL);
  ADD ("/client/failure/connect-timeout", test_connect_timeout, NULL);
  ADD ("/client/failure/connection-refused", test_connection_refused, NULL);
  ADD ("/client/failure/no-key", test_no_key, NULL);
  ADD ("/client/failure/bad-base-url", test_bad_base_url, NULL);
  ADD ("/client/cancel/midstream", test_cancel_midstream, NULL);
  ADD ("/client/cancel/retry-wait", test_cancel_during_retry_wait, NULL);
  ADD ("/client/cancel/before-start", test_cancelled_before_start, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/client/http-error/%s", error_cases[i].scenario);
      ADD (path, test_http_error, &error_cases[i]);
    }
  ADD ("/client/http-error/quota-reset-time", test_quota_reset_time, NULL);
  ADD ("/client/retry/then-success", test_retry_then_success, NULL);
  ADD ("/client/retry/backoff", test_retry_backoff, NULL);
  ADD ("/client/retry/empty-stream", test_retry_empty_stream, NULL);
  ADD ("/client/models", test_models, NULL);
  ADD ("/client/many/ten-at-once", test_ten_at_once, NULL);
  g_test_add_func ("/client/accept-language", test_accept_language);
  add_fixture_tests ();

  return g_test_run ();
}
