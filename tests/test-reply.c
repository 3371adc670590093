/* test-reply.c: ChatReply accumulation, signals and reset */
#include <string.h>

#include <json-glib/json-glib.h>

#include "chat-reply.h"
#include "chat-sse.h"

typedef struct {
  GString *content_added;
  GString *reasoning_added;
  guint    n_deltas;
  guint    n_null_content;
  guint    n_null_reasoning;
  guint    n_finish_notifies;
  guint    n_content_notifies;
} Recorder;

static void
on_delta (ChatReply  *reply,
          const char *content_added,
          const char *reasoning_added,
          Recorder   *recorder)
{
  recorder->n_deltas++;
  if (content_added)
    g_string_append (recorder->content_added, content_added);
  else
    recorder->n_null_content++;
  if (reasoning_added)
    g_string_append (recorder->reasoning_added, reasoning_added);
  else
    recorder->n_null_reasoning++;
  /* Handlers run after the delta is applied. */
  g_assert_true (g_str_has_suffix (chat_reply_get_content (reply), content_added ? content_added : ""));
}

static void
on_notify (ChatReply  *reply,
           GParamSpec *pspec,
           Recorder   *recorder)
{
  if (g_str_equal (pspec->name, "finish-reason"))
    recorder->n_finish_notifies++;
  else if (g_str_equal (pspec->name, "content"))
    recorder->n_content_notifies++;
}

static ChatReply *
new_recorded_reply (Recorder *recorder)
{
  ChatReply *reply = chat_reply_new ();

  recorder->content_added = g_string_new (NULL);
  recorder->reasoning_added = g_string_new (NULL);
  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), recorder);
  g_signal_connect (reply, "notify", G_CALLBACK (on_notify), recorder);
  return reply;
}

static void
recorder_clear (Recorder *recorder)
{
  g_string_free (recorder->content_added, TRUE);
  g_string_free (recorder->reasoning_added, TRUE);
}

static void
apply (ChatReply  *reply,
       const char *content,
       const char *reasoning,
       const char *finish_reason)
{
  ChatDelta delta = { 0 };

  delta.content = (char *) content;
  delta.reasoning = (char *) reasoning;
  delta.finish_reason = (char *) finish_reason;
  delta.model = (char *) "glm-4.5";
  chat_reply_apply (reply, &delta);
}

static void
test_accumulation (void)
{
  Recorder recorder = { 0 };
  g_autoptr(ChatReply) reply = new_recorded_reply (&recorder);
  g_autofree char *content = NULL;

  apply (reply, "", "\n", NULL);
  apply (reply, NULL, "思考", NULL);
  apply (reply, "Hello", NULL, NULL);
  apply (reply, ", 世界", NULL, NULL);
  apply (reply, "", NULL, NULL);

  g_assert_cmpstr (chat_reply_get_content (reply), ==, "Hello, 世界");
  g_assert_cmpuint (chat_reply_get_content_length (reply), ==, strlen ("Hello, 世界"));
  g_assert_cmpstr (chat_reply_get_reasoning (reply), ==, "\n思考");
  g_assert_cmpuint (chat_reply_get_reasoning_length (reply), ==, strlen ("\n思考"));
  g_assert_cmpuint (chat_reply_get_n_deltas (reply), ==, 5);
  g_assert_cmpstr (chat_reply_get_model (reply), ==, "glm-4.5");
  g_assert_true (chat_reply_has_data (reply));
  g_object_get (reply, "content", &content, NULL);
  g_assert_cmpstr (content, ==, "Hello, 世界");

  /* One signal per delta that added text, with only what it added. */
  g_assert_cmpuint (recorder.n_deltas, ==, 4);
  g_assert_cmpstr (recorder.content_added->str, ==, "Hello, 世界");
  g_assert_cmpstr (recorder.reasoning_added->str, ==, "\n思考");
  g_assert_cmpuint (recorder.n_null_content, ==, 2);
  g_assert_cmpuint (recorder.n_null_reasoning, ==, 2);
  g_assert_cmpuint (recorder.n_content_notifies, ==, 2);
  recorder_clear (&recorder);
}

static void
test_finish_reason (void)
{
  Recorder recorder = { 0 };
  g_autoptr(ChatReply) reply = new_recorded_reply (&recorder);
  g_autofree char *finish_reason = NULL;

  apply (reply, "a", NULL, NULL);
  g_assert_null (chat_reply_get_finish_reason (reply));
  apply (reply, NULL, NULL, "length");
  apply (reply, NULL, NULL, "length");
  apply (reply, "b", NULL, NULL);
  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==, "length");
  apply (reply, NULL, NULL, "stop");

  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==, "stop");
  g_assert_cmpuint (recorder.n_finish_notifies, ==, 2);
  g_assert_cmpuint (recorder.n_deltas, ==, 2);
  g_object_get (reply, "finish-reason", &finish_reason, NULL);
  g_assert_cmpstr (finish_reason, ==, "stop");
  recorder_clear (&recorder);
}

static void
test_usage_and_model (void)
{
  g_autoptr(ChatReply) reply = chat_reply_new ();
  ChatDelta with_usage = { 0 };
  ChatDelta later = { 0 };

  with_usage.has_usage = TRUE;
  with_usage.usage = (ChatUsage) { 16, 145, 161, 6, 100 };
  with_usage.model = (char *) "glm-4.5";
  later.model = (char *) "glm-4.5-air";

  g_assert_false (chat_reply_has_usage (reply));
  chat_reply_apply (reply, &with_usage);
  chat_reply_apply (reply, &later);

  g_assert_true (chat_reply_has_usage (reply));
  g_assert_cmpint (chat_reply_get_usage (reply)->prompt_tokens, ==, 16);
  g_assert_cmpint (chat_reply_get_usage (reply)->completion_tokens, ==, 145);
  g_assert_cmpint (chat_reply_get_usage (reply)->total_tokens, ==, 161);
  g_assert_cmpint (chat_reply_get_usage (reply)->cached_tokens, ==, 6);
  g_assert_cmpint (chat_reply_get_usage (reply)->reasoning_tokens, ==, 100);
  g_assert_cmpstr (chat_reply_get_model (reply), ==, "glm-4.5-air");
  /* Usage alone is not data the user has seen. */
  g_assert_false (chat_reply_has_data (reply));
  g_assert_cmpint (chat_reply_get_first_token_at (reply), ==, 0);
}

static void
test_tool_calls (void)
{
  Recorder recorder = { 0 };
  g_autoptr(ChatReply) reply = new_recorded_reply (&recorder);
  ChatToolCall first = { 0, (char *) "call_1", (char *) "function", (char *) "weather", (char *) "{\"loc" };
  ChatToolCall rest = { 0, NULL, NULL, NULL, (char *) "\":\"Rome\"}" };
  g_autoptr(GPtrArray) fragments = g_ptr_array_new ();
  ChatDelta delta = { 0 };
  ChatToolCall *call;

  delta.tool_calls = fragments;
  g_ptr_array_add (fragments, &first);
  chat_reply_apply (reply, &delta);
  g_assert_true (chat_reply_has_data (reply));
  g_ptr_array_index (fragments, 0) = &rest;
  chat_reply_apply (reply, &delta);

  g_assert_cmpuint (chat_reply_get_tool_calls (reply)->len, ==, 1);
  call = g_ptr_array_index (chat_reply_get_tool_calls (reply), 0);
  g_assert_cmpstr (call->id, ==, "call_1");
  g_assert_cmpstr (call->name, ==, "weather");
  g_assert_cmpstr (call->arguments, ==, "{\"loc\":\"Rome\"}");
  g_assert_cmpuint (recorder.n_deltas, ==, 0);
  g_assert_cmpint (chat_reply_get_first_token_at (reply), ==, 0);
  recorder_clear (&recorder);
}

static void
test_times (void)
{
  g_autoptr(ChatReply) reply = chat_reply_new ();
  gint64 before = g_get_monotonic_time ();
  gint64 first;

  g_assert_cmpint (chat_reply_get_started_at (reply), ==, 0);
  chat_reply_mark_started (reply);
  g_assert_cmpint (chat_reply_get_started_at (reply), >=, before);

  /* An empty first chunk is not the first token. */
  apply (reply, "", NULL, NULL);
  g_assert_cmpint (chat_reply_get_first_token_at (reply), ==, 0);
  apply (reply, NULL, "\n", NULL);
  first = chat_reply_get_first_token_at (reply);
  g_assert_cmpint (first, >=, chat_reply_get_started_at (reply));
  g_usleep (2000);
  apply (reply, "later", NULL, NULL);
  g_assert_cmpint (chat_reply_get_first_token_at (reply), ==, first);

  g_assert_cmpint (chat_reply_get_finished_at (reply), ==, 0);
  chat_reply_mark_finished (reply);
  g_assert_cmpint (chat_reply_get_finished_at (reply), >, first);
}

static void
test_reset (void)
{
  Recorder recorder = { 0 };
  g_autoptr(ChatReply) reply = new_recorded_reply (&recorder);
  ChatToolCall call = { 0, (char *) "c", (char *) "function", (char *) "f", (char *) "{}" };
  g_autoptr(GPtrArray) calls = g_ptr_array_new ();
  ChatDelta delta = { 0 };

  g_ptr_array_add (calls, &call);
  delta.content = (char *) "text";
  delta.reasoning = (char *) "why";
  delta.tool_calls = calls;
  delta.finish_reason = (char *) "network_error";
  delta.model = (char *) "glm-4.5";
  delta.has_usage = TRUE;
  delta.usage.total_tokens = 9;
  chat_reply_mark_started (reply);
  chat_reply_apply (reply, &delta);
  chat_reply_add_skipped_event (reply);
  chat_reply_mark_finished (reply);
  recorder.n_finish_notifies = recorder.n_content_notifies = 0;

  chat_reply_reset (reply);

  g_assert_cmpstr (chat_reply_get_content (reply), ==, "");
  g_assert_cmpstr (chat_reply_get_reasoning (reply), ==, "");
  g_assert_cmpuint (chat_reply_get_tool_calls (reply)->len, ==, 0);
  g_assert_null (chat_reply_get_finish_reason (reply));
  g_assert_null (chat_reply_get_model (reply));
  g_assert_false (chat_reply_has_usage (reply));
  g_assert_cmpint (chat_reply_get_usage (reply)->total_tokens, ==, 0);
  g_assert_cmpuint (chat_reply_get_n_deltas (reply), ==, 0);
  g_assert_cmpuint (chat_reply_get_n_skipped_events (reply), ==, 0);
  g_assert_false (chat_reply_has_data (reply));
  g_assert_cmpint (chat_reply_get_started_at (reply), ==, 0);
  g_assert_cmpint (chat_reply_get_first_token_at (reply), ==, 0);
  g_assert_cmpint (chat_reply_get_finished_at (reply), ==, 0);
  g_assert_cmpuint (recorder.n_finish_notifies, ==, 1);
  g_assert_cmpuint (recorder.n_content_notifies, ==, 1);

  /* The retry then starts from scratch. */
  apply (reply, "again", NULL, "stop");
  g_assert_cmpstr (chat_reply_get_content (reply), ==, "again");
  g_assert_cmpint (chat_reply_get_first_token_at (reply), >, 0);
  recorder_clear (&recorder);
}

static void
test_skipped_events (void)
{
  g_autoptr(ChatReply) reply = chat_reply_new ();

  g_assert_cmpuint (chat_reply_get_n_skipped_events (reply), ==, 0);
  chat_reply_add_skipped_event (reply);
  chat_reply_add_skipped_event (reply);
  g_assert_cmpuint (chat_reply_get_n_skipped_events (reply), ==, 2);
  g_assert_false (chat_reply_has_data (reply));
}

static gboolean
apply_event (const char *data,
             gsize       length,
             gpointer    user_data)
{
  g_autoptr(ChatDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  if (chat_chunk_is_done (data, length))
    return FALSE;
  delta = chat_chunk_parse (data, length, &error);
  g_assert_no_error (error);
  chat_reply_apply (user_data, delta);
  return TRUE;
}

/* The whole chain on a recording, read in small pieces as from a socket. */
static void
test_fixture (void)
{
  g_autofree char *path = g_build_filename (CHAT_FIXTURES_DIR, "glm-4.5-common-multi_tool_streaming-0.sse", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  Recorder recorder = { 0 };
  g_autoptr(ChatReply) reply = new_recorded_reply (&recorder);
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (apply_event, reply);
  gsize length;
  ChatToolCall *call;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < length && !chat_sse_parser_is_stopped (parser); i += 100)
    g_assert_true (chat_sse_parser_feed (parser, contents + i, MIN (100, length - i), &error));
  g_assert_true (chat_sse_parser_is_stopped (parser));

  g_assert_cmpstr (chat_reply_get_content (reply), ==, "\nI'll add and multiply the numbers 2 and 3 for you.\n");
  g_assert_cmpstr (recorder.content_added->str, ==, chat_reply_get_content (reply));
  g_assert_cmpstr (recorder.reasoning_added->str, ==, chat_reply_get_reasoning (reply));
  g_assert_true (g_str_has_prefix (chat_reply_get_reasoning (reply), "\nThe user wants me to both add"));
  g_assert_cmpstr (chat_reply_get_finish_reason (reply), ==, "tool_calls");
  g_assert_cmpuint (chat_reply_get_n_deltas (reply), ==, 104);
  g_assert_cmpint (chat_reply_get_usage (reply)->total_tokens, ==, 427);
  g_assert_cmpint (chat_reply_get_usage (reply)->cached_tokens, ==, 258);
  g_assert_cmpuint (chat_reply_get_tool_calls (reply)->len, ==, 2);
  call = g_ptr_array_index (chat_reply_get_tool_calls (reply), 1);
  g_assert_cmpstr (call->id, ==, "call_29207bee5b434b86830450d2");
  g_assert_cmpstr (call->name, ==, "multiply");
  g_assert_cmpstr (call->arguments, ==, "{\"a\":2,\"b\":3}");
  recorder_clear (&recorder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reply/accumulation", test_accumulation);
  g_test_add_func ("/reply/finish-reason", test_finish_reason);
  g_test_add_func ("/reply/usage-and-model", test_usage_and_model);
  g_test_add_func ("/reply/tool-calls", test_tool_calls);
  g_test_add_func ("/reply/times", test_times);
  g_test_add_func ("/reply/reset", test_reset);
  g_test_add_func ("/reply/skipped-events", test_skipped_events);
  g_test_add_func ("/reply/fixture", test_fixture);

  return g_test_run ();
}
