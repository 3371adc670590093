/* test-chunk.c: decoding streamed chunks, against the recorded fixtures */
#include <string.h>

#include <json-glib/json-glib.h>

#include "chat-chunk.h"
#include "chat-chunk-private.h"
#include "chat-chunk-scanner.h"
#include "chat-error.h"
#include "chat-sse.h"

/* What a whole stream decodes to, the way NAME.expected.json lists it. */
typedef struct {
  GString   *content;
  GString   *reasoning;
  char      *finish_reason;
  ChatUsage  usage;
  gboolean   has_usage;
  GPtrArray *tool_calls;
  guint      n_chunks;
  gboolean   done;
} Decoded;

static gboolean
decode_event (const char *data,
              gsize       length,
              gpointer    user_data)
{
  Decoded *decoded = user_data;
  g_autoptr(ChatDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (decoded->done);
  if (chat_chunk_is_done (data, length))
    {
      decoded->done = TRUE;
      return TRUE;
    }

  delta = chat_chunk_parse (data, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (delta);
  g_assert_cmpstr (delta->model, ==, "glm-4.5");
  g_assert_nonnull (delta->id);

  decoded->n_chunks++;
  if (delta->content)
    g_string_append (decoded->content, delta->content);
  if (delta->reasoning)
    g_string_append (decoded->reasoning, delta->reasoning);
  if (delta->finish_reason)
    {
      g_free (decoded->finish_reason);
      decoded->finish_reason = g_strdup (delta->finish_reason);
    }
  if (delta->has_usage)
    decoded->usage = delta->usage;
  decoded->has_usage |= delta->has_usage;
  chat_tool_calls_merge (decoded->tool_calls, delta->tool_calls);
  return TRUE;
}

static void
decode_file (const char *path,
             Decoded    *decoded)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (decode_event, decoded);
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_true (chat_sse_parser_feed (parser, contents, length, &error));
  g_assert_true (chat_sse_parser_finish (parser, &error));
  g_assert_no_error (error);
}

static JsonObject *
load_expected (JsonParser *parser,
               const char *sse_path)
{
  g_autoptr(GString) path = g_string_new (sse_path);
  g_autoptr(GError) error = NULL;

  g_string_truncate (path, path->len - strlen (".sse"));
  g_string_append (path, ".expected.json");
  json_parser_load_from_file (parser, path->str, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static gint64
get_nested_int (JsonObject *object,
                const char *member,
                const char *name)
{
  if (!json_object_has_member (object, member))
    return 0;
  return json_object_get_int_member (json_object_get_object_member (object, member), name);
}

static void
assert_usage (const ChatUsage *usage,
              JsonObject      *expected)
{
  g_assert_cmpint (usage->prompt_tokens, ==, json_object_get_int_member (expected, "prompt_tokens"));
  g_assert_cmpint (usage->completion_tokens, ==, json_object_get_int_member (expected, "completion_tokens"));
  g_assert_cmpint (usage->total_tokens, ==, json_object_get_int_member (expected, "total_tokens"));
  g_assert_cmpint (usage->cached_tokens, ==,
                   get_nested_int (expected, "prompt_tokens_details", "cached_tokens"));
  g_assert_cmpint (usage->reasoning_tokens, ==,
                   get_nested_int (expected, "completion_tokens_details", "reasoning_tokens"));
}

static void
assert_tool_calls (GPtrArray *calls,
                   JsonArray *expected)
{
  g_assert_cmpuint (calls->len, ==, json_array_get_length (expected));
  for (guint i = 0; i < calls->len; i++)
    {
      ChatToolCall *call = g_ptr_array_index (calls, i);
      JsonObject *want = json_array_get_object_element (expected, i);

      g_assert_cmpstr (call->id, ==, json_object_get_string_member (want, "id"));
      g_assert_cmpstr (call->name, ==, json_object_get_string_member (want, "name"));
      g_assert_cmpstr (call->arguments, ==, json_object_get_string_member (want, "arguments"));
      g_assert_cmpstr (call->type, ==, "function");
    }
}

static void
check_fixture (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *expected = load_expected (parser, path);
  Decoded decoded = { g_string_new (NULL), g_string_new (NULL), NULL, { 0 }, FALSE,
                      g_ptr_array_new_with_free_func ((GDestroyNotify) chat_tool_call_free),
                      0, FALSE };

  decode_file (path, &decoded);

  g_assert_true (decoded.done);
  g_assert_cmpint (decoded.n_chunks, ==, json_object_get_int_member (expected, "events"));
  g_assert_cmpstr (decoded.content->str, ==, json_object_get_string_member (expected, "content"));
  g_assert_cmpstr (decoded.reasoning->str, ==, json_object_get_string_member (expected, "reasoning"));
  g_assert_cmpstr (decoded.finish_reason, ==, json_object_get_string_member (expected, "finish_reason"));
  g_assert_true (decoded.has_usage);
  assert_usage (&decoded.usage, json_object_get_object_member (expected, "usage"));
  assert_tool_calls (decoded.tool_calls, json_object_get_array_member (expected, "tool_calls"));

  g_string_free (decoded.content, TRUE);
  g_string_free (decoded.reasoning, TRUE);
  g_free (decoded.finish_reason);
  g_ptr_array_unref (decoded.tool_calls);
}

static void
test_fixtures (void)
{
  g_autoptr(GDir) dir = g_dir_open (CHAT_FIXTURES_DIR, 0, NULL);
  const char *name;
  guint n_fixtures = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_suffix (name, ".sse"))
        continue;
      path = g_build_filename (CHAT_FIXTURES_DIR, name, NULL);
      g_test_message ("fixture %s", name);
      check_fixture (path);
      n_fixtures++;
    }
  g_assert_cmpuint (n_fixtures, >=, 7);
}

static ChatDelta *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  ChatDelta *delta = chat_chunk_parse (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (delta);
  return delta;
}

static void
test_finish_reason (void)
{
  g_autoptr(ChatDelta) absent = parse_ok ("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}");
  g_autoptr(ChatDelta) null = parse_ok ("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}");
  g_autoptr(ChatDelta) length = parse_ok ("{\"choices\":[{\"index\":0,\"finish_reason\":\"length\",\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}");

  g_assert_null (absent->finish_reason);
  g_assert_cmpstr (absent->content, ==, "a");
  g_assert_null (null->finish_reason);
  g_assert_cmpstr (length->finish_reason, ==, "length");
  g_assert_cmpstr (length->content, ==, "");
  g_assert_false (length->has_usage);
}

static void
test_usage (void)
{
  g_autoptr(ChatDelta) delta =
    parse_ok ("{\"id\":\"202603130502478edacc33fd1444be\",\"created\":1773349367,"
              "\"object\":\"chat.completion.chunk\",\"model\":\"glm-4.7-flash\","
              "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],"
              "\"usage\":{\"prompt_tokens\":15,\"completion_tokens\":734,\"total_tokens\":749,"
              "\"prompt_tokens_details\":{\"cached_tokens\":14},"
              "\"completion_tokens_details\":{\"reasoning_tokens\":708}}}");
  g_autoptr(ChatDelta) null_usage = parse_ok ("{\"choices\":[],\"usage\":null}");

  g_assert_true (delta->has_usage);
  g_assert_cmpint (delta->usage.prompt_tokens, ==, 15);
  g_assert_cmpint (delta->usage.completion_tokens, ==, 734);
  g_assert_cmpint (delta->usage.total_tokens, ==, 749);
  g_assert_cmpint (delta->usage.cached_tokens, ==, 14);
  g_assert_cmpint (delta->usage.reasoning_tokens, ==, 708);
  g_assert_cmpstr (delta->model, ==, "glm-4.7-flash");
  g_assert_cmpstr (delta->id, ==, "202603130502478edacc33fd1444be");
  g_assert_cmpstr (delta->finish_reason, ==, "stop");
  g_assert_false (null_usage->has_usage);
}

static void
assert_chunk_error (const char    *json,
                    ChatErrorCode  code,
                    const char    *server_code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) delta = chat_chunk_parse (json, strlen (json), &error);

  g_assert_null (delta);
  g_assert_error (error, CHAT_ERROR, (int) code);
  g_assert_cmpstr (chat_error_get_server_code (error), ==, server_code);
  if (server_code != NULL)
    g_assert_cmpuint (chat_error_get_http_status (error), ==, 200);
}

static void
test_error_inside (void)
{
  assert_chunk_error ("{\"error\":{\"code\":\"1302\",\"message\":\"Rate limit reached for requests\"}}",
                      CHAT_ERROR_RATE_LIMIT, "1302");
  assert_chunk_error ("{\"error\":{\"code\":1113,\"message\":\"Insufficient balance or no resource package. Please recharge.\"}}",
                      CHAT_ERROR_BALANCE, "1113");
  assert_chunk_error ("{\"id\":\"1\",\"choices\":[],\"error\":{\"code\":\"1301\",\"message\":\"unsafe\"}}",
                      CHAT_ERROR_CONTENT_FILTER, "1301");
  assert_chunk_error ("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"code\":\"1305\",\"message\":\"busy\"}}",
                      CHAT_ERROR_RATE_LIMIT, "1305");
}

static void
test_error_null_is_no_error (void)
{
  g_autoptr(ChatDelta) delta = parse_ok ("{\"error\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}");

  g_assert_cmpstr (delta->content, ==, "ok");
}

static void
test_empty_choices (void)
{
  g_autoptr(ChatDelta) delta =
    parse_ok ("{\"id\":\"x\",\"model\":\"glm-4.6\",\"choices\":[],"
              "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");
  g_autoptr(ChatDelta) no_choices = parse_ok ("{}");

  g_assert_null (delta->content);
  g_assert_null (delta->reasoning);
  g_assert_null (delta->tool_calls);
  g_assert_null (delta->finish_reason);
  g_assert_true (delta->has_usage);
  g_assert_cmpint (delta->usage.total_tokens, ==, 3);
  g_assert_null (no_choices->content);
  g_assert_null (no_choices->model);
}

static void
test_unknown_fields (void)
{
  g_autoptr(ChatDelta) delta =
    parse_ok ("{\"future\":{\"nested\":[1,2.5,true,null,{\"x\":\"y\"}]},\"id\":\"i\","
              "\"choices\":[{\"index\":0,\"logprobs\":null,\"delta\":{\"role\":\"assistant\","
              "\"content\":\"hi\",\"audio\":{\"id\":\"a\",\"data\":\"\"}},\"extra\":[]}],"
              "\"web_search\":[{\"title\":\"t\",\"link\":\"https://example.com\"}],"
              "\"content_filter\":[{\"role\":\"assistant\",\"level\":3}]}");
  g_autoptr(ChatDelta) wrong_types =
    parse_ok ("{\"model\":5,\"choices\":[{\"delta\":{\"content\":7,\"reasoning_content\":[],"
              "\"tool_calls\":{}},\"finish_reason\":false}],\"usage\":{\"prompt_tokens\":\"1\"}}");

  g_assert_cmpstr (delta->content, ==, "hi");
  g_assert_cmpstr (delta->id, ==, "i");
  g_assert_null (wrong_types->model);
  g_assert_null (wrong_types->content);
  g_assert_null (wrong_types->reasoning);
  g_assert_null (wrong_types->tool_calls);
  g_assert_null (wrong_types->finish_reason);
  g_assert_cmpint (wrong_types->usage.prompt_tokens, ==, 0);
}

static void
test_content_null (void)
{
  g_autoptr(ChatDelta) delta =
    parse_ok ("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
              "\"reasoning_content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"index\":0,"
              "\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]}}]}");
  ChatToolCall *call;

  g_assert_null (delta->content);
  g_assert_null (delta->reasoning);
  g_assert_nonnull (delta->tool_calls);
  g_assert_cmpuint (delta->tool_calls->len, ==, 1);
  call = g_ptr_array_index (delta->tool_calls, 0);
  g_assert_cmpint (call->index, ==, 0);
  g_assert_cmpstr (call->id, ==, "call_1");
  g_assert_cmpstr (call->type, ==, "function");
  g_assert_cmpstr (call->name, ==, "weather");
  g_assert_cmpstr (call->arguments, ==, "{}");
}

static void
test_escapes (void)
{
  g_autoptr(ChatDelta) delta =
    parse_ok ("{\"choices\":[{\"delta\":{\"content\":\"\\u6625\\u5929 \\\"q\\\"\\n\\ud83d\\ude00\"}}]}");

  g_assert_cmpstr (delta->content, ==, "春天 \"q\"\n😀");
}

static void
test_invalid_utf8_kept (void)
{
  const char json[] = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\xff" "b\xe6\x98" "c\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) delta = chat_chunk_parse (json, sizeof json - 1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (delta);
  /* g_utf8_make_valid() replaces each byte of a cut sequence. */
  g_assert_cmpstr (delta->content, ==, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c");
  g_assert_true (g_utf8_validate (delta->content, -1, NULL));
}

static void
assert_protocol_error (const char *data,
                       gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) delta = chat_chunk_parse (data, length, &error);

  g_assert_null (delta);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL);
  g_assert_nonnull (chat_error_get_server_message (error));
}

static void
test_not_a_chunk (void)
{
  const char *cases[] = {
    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hel",
    "{\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a data: {\"id\":\"1\"}",
    "[1,2]",
    "\"text\"",
    "42",
    "null",
    "",
    "   ",
    "not json",
    "{\"a\":1,}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_protocol_error (cases[i], strlen (cases[i]));
  assert_protocol_error ("{\"a\":\"\xff", 7);
}

static void
test_is_done (void)
{
  g_assert_true (chat_chunk_is_done ("[DONE]", 6));
  g_assert_true (chat_chunk_is_done (" [DONE]\r\n", 9));
  g_assert_true (chat_chunk_is_done ("\t[DONE] ", 8));
  g_assert_false (chat_chunk_is_done ("[DONE", 5));
  g_assert_false (chat_chunk_is_done ("[DONE] x", 8));
  g_assert_false (chat_chunk_is_done ("[done]", 6));
  g_assert_false (chat_chunk_is_done ("", 0));
  g_assert_false (chat_chunk_is_done ("{\"content\":\"[DONE]\"}", 20));
}

static GPtrArray *
merge_chunks (const char * const *chunks)
{
  GPtrArray *calls = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_tool_call_free);

  for (gsize i = 0; chunks[i] != NULL; i++)
    {
      g_autoptr(ChatDelta) delta = parse_ok (chunks[i]);

      chat_tool_calls_merge (calls, delta->tool_calls);
    }
  return calls;
}

static void
assert_call (GPtrArray  *calls,
             guint       position,
             int         index,
             const char *id,
             const char *name,
             const char *arguments)
{
  ChatToolCall *call = g_ptr_array_index (calls, position);

  g_assert_cmpint (call->index, ==, index);
  g_assert_cmpstr (call->id, ==, id);
  g_assert_cmpstr (call->name, ==, name);
  g_assert_cmpstr (call->arguments, ==, arguments);
  g_assert_cmpstr (call->type, ==, "function");
}

/* tool_stream: id and name come first, arguments arrive in pieces. */
static void
test_tool_stream_merge (void)
{
  g_autoptr(GPtrArray) calls = merge_chunks ((const char *[]) {
    "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}}]}",
    "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"loc\"}}]}}]}",
    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"function\":{\"name\":\"weather\",\"arguments\":\"ation\\\":\\\"巴黎\\\"}\"}}]}}]}",
    "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"time\"}}]}}]}",
    "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{}\"}},{\"index\":0,\"function\":{\"arguments\":\"\"}}]}}]}",
    "{\"choices\":[{\"index\":0,\"finish_reason\":\"tool_calls\",\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
    NULL,
  });

  g_assert_cmpuint (calls->len, ==, 2);
  assert_call (calls, 0, 0, "call_a", "weather", "{\"location\":\"巴黎\"}");
  assert_call (calls, 1, 1, "call_b", "time", "{}");
}

static void
test_tool_call_details (void)
{
  g_autoptr(ChatDelta) delta =
    parse_ok ("{\"choices\":[{\"delta\":{\"tool_calls\":["
              "{\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":{\"x\":1}}},"
              "{\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":null}},"
              "\"not an object\"]}}]}");
  ChatToolCall *first, *second;
  g_autoptr(ChatToolCall) copy = NULL;

  /* Without "index", the position in the array stands in for it. */
  g_assert_cmpuint (delta->tool_calls->len, ==, 2);
  first = g_ptr_array_index (delta->tool_calls, 0);
  second = g_ptr_array_index (delta->tool_calls, 1);
  g_assert_cmpint (first->index, ==, 0);
  g_assert_cmpstr (first->arguments, ==, "{\"x\":1}");
  g_assert_null (first->id);
  g_assert_cmpint (second->index, ==, 1);
  g_assert_null (second->arguments);

  copy = chat_tool_call_copy (first);
  g_assert_cmpstr (copy->name, ==, "a");
  g_assert_cmpstr (copy->arguments, ==, first->arguments);
  g_assert_true (copy->arguments != first->arguments);
}

static void
test_merge_null_fragments (void)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_tool_call_free);
  ChatToolCall fragment = { 3, NULL, NULL, NULL, (char *) "{" };
  ChatToolCall named = { 3, (char *) "id", (char *) "function", (char *) "n", (char *) "}" };
  g_autoptr(GPtrArray) fragments = g_ptr_array_new ();

  chat_tool_calls_merge (calls, NULL);
  g_assert_cmpuint (calls->len, ==, 0);

  g_ptr_array_add (fragments, &fragment);
  g_ptr_array_add (fragments, &named);
  chat_tool_calls_merge (calls, fragments);
  g_assert_cmpuint (calls->len, ==, 1);
  assert_call (calls, 0, 3, "id", "n", "{}");
}

static char *
read_fixture (const char *name,
              gsize      *length)
{
  g_autofree char *path = g_build_filename (CHAT_FIXTURES_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_completion (void)
{
  gsize length;
  g_autofree char *simple = read_fixture ("glm-4.5-common-simple-0.json", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) delta = chat_chunk_parse_completion (simple, length, &error);
  g_autoptr(ChatDelta) as_chunk = chat_chunk_parse (simple, length, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (delta->content, ==, "Olá!");
  g_assert_true (g_str_has_prefix (delta->reasoning, "\nThe user is asking me to say \"hi\""));
  g_assert_cmpstr (delta->finish_reason, ==, "stop");
  g_assert_cmpstr (delta->model, ==, "glm-4.5");
  g_assert_true (delta->has_usage);
  g_assert_cmpint (delta->usage.total_tokens, ==, 88);
  g_assert_cmpint (delta->usage.cached_tokens, ==, 7);
  /* A whole reply is not a chunk: its text is under "message", not "delta". */
  g_assert_null (as_chunk->content);
}

static void
test_completion_tool_call (void)
{
  gsize length;
  g_autofree char *body = read_fixture ("glm-4.5-common-tool-0.json", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) delta = chat_chunk_parse_completion (body, length, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (delta->finish_reason, ==, "tool_calls");
  g_assert_cmpuint (delta->tool_calls->len, ==, 1);
  assert_call (delta->tool_calls, 0, 0, "call_-8170221349237369383", "weather",
               "{\"location\":\"Florence,Italy\"}");
}

/* Each thread has a parser of its own, freed when the thread ends. */
static void
test_parser_reused_across_threads (void)
{
  GThread *thread;
  g_autoptr(ChatDelta) before = parse_ok ("{\"choices\":[{\"delta\":{\"content\":\"main\"}}]}");
  ChatDelta *from_thread;

  thread = g_thread_new ("chunk", (GThreadFunc) parse_ok,
                         (gpointer) "{\"choices\":[{\"delta\":{\"content\":\"thread\"}}]}");
  from_thread = g_thread_join (thread);  /* drops the thread's reference */
  g_assert_cmpstr (from_thread->content, ==, "thread");
  g_assert_cmpstr (before->content, ==, "main");
  chat_delta_free (from_thread);
}

/* The fast decoder against json-glib: on every input, either the fast one
 * gives up or both make the same delta; chat_chunk_parse() then says what
 * json-glib says, errors included. */

static gboolean
same_tool_call (const ChatToolCall *a,
                const ChatToolCall *b)
{
  return a->index == b->index
         && g_strcmp0 (a->id, b->id) == 0
         && g_strcmp0 (a->type, b->type) == 0
         && g_strcmp0 (a->name, b->name) == 0
         && g_strcmp0 (a->arguments, b->arguments) == 0;
}

static gboolean
same_tool_calls (const GPtrArray *a,
                 const GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!same_tool_call (g_ptr_array_index ((GPtrArray *) a, i),
                         g_ptr_array_index ((GPtrArray *) b, i)))
      return FALSE;
  return TRUE;
}

static gboolean
same_delta (const ChatDelta *a,
            const ChatDelta *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->content, b->content) == 0
         && g_strcmp0 (a->reasoning, b->reasoning) == 0
         && same_tool_calls (a->tool_calls, b->tool_calls)
         && g_strcmp0 (a->finish_reason, b->finish_reason) == 0
         && g_strcmp0 (a->model, b->model) == 0
         && g_strcmp0 (a->id, b->id) == 0
         && a->has_usage == b->has_usage
         && memcmp (&a->usage, &b->usage, sizeof a->usage) == 0;
}

static gboolean
same_error (const GError *a,
            const GError *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->domain == b->domain && a->code == b->code && g_strcmp0 (a->message, b->message) == 0;
}

static ChatDelta *
parse_public (const char  *data,
              gsize        length,
              const char  *member,
              GError     **error)
{
  if (g_str_equal (member, "delta"))
    return chat_chunk_parse (data, length, error);
  return chat_chunk_parse_completion (data, length, error);
}

/* Returns whether the fast decoder took @data. */
static gboolean
assert_decoders_agree (const char *data,
                       gsize       length,
                       const char *member)
{
  g_autoptr(GError) slow_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) slow = chat_chunk_parse_slow (data, length, member, &slow_error);
  g_autoptr(ChatDelta) fast = chat_chunk_parse_fast (data, length, member);
  g_autoptr(ChatDelta) delta = parse_public (data, length, member, &error);
  gboolean agree = (fast == NULL || same_delta (fast, slow))
                   && same_delta (delta, slow) && same_error (error, slow_error)
                   && (slow == NULL) != (slow_error == NULL);

  if (!agree)
    {
      g_autofree char *text = g_strndup (data, length);
      g_autofree char *escaped = g_strescape (text, NULL);

      g_test_message ("decoders disagree on (%s) \"%s\"", member, escaped);
    }
  g_assert_true (agree);
  return fast != NULL;
}

static GPtrArray *
new_string_array (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static gboolean
collect_event (const char *data,
               gsize       length,
               gpointer    user_data)
{
  if (!chat_chunk_is_done (data, length))
    g_ptr_array_add (user_data, g_strndup (data, length));
  return TRUE;
}

/* The data of every chunk of every recorded stream. */
static GPtrArray *
load_fixture_events (void)
{
  g_autoptr(GDir) dir = g_dir_open (CHAT_FIXTURES_DIR, 0, NULL);
  GPtrArray *events = new_string_array ();
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(ChatSseParser) parser = chat_sse_parser_new (collect_event, events);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_str_has_suffix (name, ".sse"))
        continue;
      contents = read_fixture (name, &length);
      g_assert_true (chat_sse_parser_feed (parser, contents, length, &error));
      g_assert_true (chat_sse_parser_finish (parser, &error));
      g_assert_no_error (error);
    }
  return events;
}

static gboolean
is_reply_fixture (const char *name)
{
  return g_str_has_suffix (name, ".json")
         && !g_str_has_suffix (name, ".request.json")
         && !g_str_has_suffix (name, ".expected.json");
}

/* Every recorded chunk and whole reply must take the fast path: that is
 * what makes a stream fast. */
static void
test_differential_fixtures (void)
{
  g_autoptr(GPtrArray) events = load_fixture_events ();
  g_autoptr(GDir) dir = g_dir_open (CHAT_FIXTURES_DIR, 0, NULL);
  const char *name;
  guint n_replies = 0;

  g_assert_cmpuint (events->len, >=, 500);
  for (guint i = 0; i < events->len; i++)
    {
      const char *event = g_ptr_array_index (events, i);

      g_assert_true (assert_decoders_agree (event, strlen (event), "delta"));
      g_assert_true (assert_decoders_agree (event, strlen (event), "message"));
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *body = NULL;
      gsize length;

      if (!is_reply_fixture (name))
        continue;
      body = read_fixture (name, &length);
      g_assert_true (assert_decoders_agree (body, length, "message"));
      g_assert_true (assert_decoders_agree (body, length, "delta"));
      n_replies++;
    }
  g_assert_cmpuint (n_replies, >=, 5);
}

typedef struct {
  const char *json;
  gboolean    fast;   /* whether the fast decoder takes it as a chunk */
} Tricky;

static const Tricky tricky_payloads[] = {
  /* Strings: every escape, \u with both cases, surrogate pairs, raw UTF-8. */
  { "{\"choices\":[{\"delta\":{\"content\":\"\\u4e2d\\u6587 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}}]}", TRUE },
  { "{\"choices\":[{\"delta\":{\"reasoning_content\":\"\\ud83d\\ude00\\uD83D\\uDE00 \\u00e9\\u0001\\u001f\\u007f\\uFFFF\"}}]}", TRUE },
  { "{\"choices\":[{\"delta\":{\"content\":\"中文 é 😀 \x7f \xef\xbf\xbf\"}}]}", TRUE },
  { "{\"id\":\"a\\\\\",\"model\":\"\\\"\",\"choices\":[{\"delta\":{\"content\":\"\"}}]}", TRUE },
  /* null and wrong types count as absent. */
  { "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":null}}]}", TRUE },
  { "{\"model\":5,\"choices\":[{\"delta\":{\"content\":7,\"reasoning_content\":[],\"tool_calls\":{}},"
    "\"finish_reason\":false}],\"usage\":{\"prompt_tokens\":\"1\"}}", TRUE },
  { "{\"choices\":[{\"finish_reason\":null}]}", TRUE },
  { "{\"choices\":[{\"finish_reason\":\"tool_calls\",\"delta\":{}}]}", TRUE },
  /* Numbers that are only skipped may take any valid form. */
  { "{\"created\":1.5e+10,\"a\":-0.0E-5,\"b\":0,\"c\":-12,\"d\":1E400,\"e\":123456789012345678901234567890,"
    "\"choices\":[{\"index\":1e2,\"delta\":{\"content\":\"n\"}}]}", TRUE },
  { "{\"usage\":{\"prompt_tokens\":-7,\"completion_tokens\":0,\"total_tokens\":999999999999999999,"
    "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":-0}}}", TRUE },
  /* Unknown members, nested. */
  { "{\"future\":{\"nested\":[1,2.5,true,false,null,{\"x\":\"y\",\"z\":[[],{},[[{}]]]}]},"
    "\"choices\":[{\"logprobs\":null,\"delta\":{\"content\":\"hi\",\"audio\":{\"id\":\"a\",\"data\":\"\"}},\"extra\":[]}],"
    "\"web_search\":[{\"title\":\"t\"}]}", TRUE },
  { "{\"ids\":\"x\",\"i\":\"y\",\"modelx\":\"z\",\"choices\":[{\"deltas\":{\"content\":\"no\"},\"finish\":\"no\"}]}", TRUE },
  { "{\"\":1,\"choices\":[{\"\":{\"\":\"\"},\"delta\":{\"content\":\"\"}}]}", TRUE },
  /* Whitespace everywhere it may be. */
  { " \t\r\n{ \"id\" : \"x\" ,\n\"choices\" :\r\n[ { \"delta\" : { \"content\" : \"a\" , \"tool_calls\" : "
    "[ { \"index\" : 0 , \"function\" : { \"name\" : \"n\" } } ] } } ] , \"usage\" : { \"total_tokens\" : 3 } }\r\n\t ", TRUE },
  /* Empty or missing choices, usage only. */
  { "{}", TRUE },
  { "{\"choices\":[]}", TRUE },
  { "{\"choices\":[1,{\"delta\":{\"content\":\"second\"}}]}", TRUE },
  { "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}", TRUE },
  { "{\"id\":\"x\",\"model\":\"glm-4.6\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}", TRUE },
  { "{\"choices\":[],\"usage\":null}", TRUE },
  { "{\"usage\":{\"prompt_tokens_details\":null,\"completion_tokens_details\":[1],\"total_tokens\":true}}", TRUE },
  { "{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}", TRUE },
  /* Tool calls: odd elements still take a position. */
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[\"x\",{\"function\":{\"name\":\"n\",\"arguments\":null}},"
    "{\"index\":\"7\",\"id\":5,\"type\":null,\"function\":\"f\"},"
    "{\"index\":-3,\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"m\",\"arguments\":\"{\\\"a\\\":[1]}\",\"x\":1}},[]]}}]}", TRUE },
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[]}}]}", TRUE },
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[1,null]}}]}", TRUE },
  /* A whole reply: "message" instead of "delta". */
  { "{\"choices\":[{\"message\":{\"content\":\"m\"},\"delta\":{\"content\":\"d\"},\"finish_reason\":\"stop\"}]}", TRUE },
  /* Duplicates: harmless in members nobody reads, left to json-glib otherwise. */
  { "{\"x\":1,\"x\":\"2\",\"choices\":[{\"delta\":{\"content\":\"a\",\"role\":\"a\",\"role\":\"b\"},\"index\":0,\"index\":1}]}", TRUE },
  { "{\"id\":\"a\",\"id\":\"b\"}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":null}}]}", FALSE },
  { "{\"usage\":{\"total_tokens\":1},\"usage\":null}", FALSE },
  { "{\"choices\":[],\"choices\":[{\"delta\":{\"content\":\"x\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"index\":1}]}}]}", FALSE },
  { "{\"error\":null,\"error\":{\"code\":\"1302\"}}", FALSE },
  /* Errors inside the stream. */
  { "{\"error\":{\"code\":\"1302\",\"message\":\"Rate limit reached for requests\"}}", FALSE },
  { "{\"id\":\"1\",\"choices\":[],\"error\":{\"code\":\"1301\",\"message\":\"unsafe\"}}", FALSE },
  { "{\"error\":5}", FALSE },
  { "{\"error\":\"boom\"}", FALSE },
  { "{\"error\":[]}", FALSE },
  { "{\"error\":false}", FALSE },
  /* Trailing commas and other broken structure. */
  { "{\"a\":1,}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"a\"}},]}", FALSE },
  { "{\"choices\":[1,,2]}", FALSE },
  { "{,\"a\":1}", FALSE },
  { "{:1}", FALSE },
  { "{\"a\" 1}", FALSE },
  { "{\"a\":1 \"b\":2}", FALSE },
  { "{a:1}", FALSE },
  { "{\"a\":1]", FALSE },
  { "{\"a\":[1}", FALSE },
  { "{\"a\":1}}", FALSE },
  { "{\"a\":1},", FALSE },
  /* Truncated. */
  { "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hel", FALSE },
  { "{\"id\":\"x\"", FALSE },
  { "{\"id\":\"x\",", FALSE },
  { "{\"id\":", FALSE },
  { "{", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\u4e2", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\", FALSE },
  /* Invalid UTF-8, which json-glib repairs. */
  { "{\"choices\":[{\"delta\":{\"content\":\"a\xff" "b\xe6\x98" "c\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\xc0\xaf\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\xed\xa0\x80\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\xf4\x90\x80\x80\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\xe4\xb8\"}}]}", FALSE },
  { "{\"\xff\":1}", FALSE },
  { "{\"a\":1}\xff", FALSE },
  /* Lone surrogates, U+0000, bad escapes, raw control characters. */
  { "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\ude00x\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\u0041\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\ud83dx\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\ud83d\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"a\\u0000b\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\x41\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\'\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"\\U0041\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"a\tb\"}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"content\":\"a\x01" "b\"}}]}", FALSE },
  /* Not an object. */
  { "[1]", FALSE },
  { "\"x\"", FALSE },
  { "42", FALSE },
  { "null", FALSE },
  { "true", FALSE },
  { "", FALSE },
  { "   ", FALSE },
  /* What json-glib allows beyond RFC 8259. */
  { "{\"a\":1}{}", FALSE },
  { "{\"a\":01}", FALSE },
  { "{'a':1}", FALSE },
  { "{\"a\":1/*c*/}", FALSE },
  { "\xef\xbb\xbf{}", FALSE },
  { "{\"\\u0069d\":\"x\"}", FALSE },
  { "{\"a\":- 1}", FALSE },
  { "{\"a\":0x10}", FALSE },
  { "{\"a\":.5}", FALSE },
  { "{\"a\":1.}", FALSE },
  { "{\"a\":\f1}", FALSE },
  /* Bad literals and numbers. */
  { "{\"a\":tru}", FALSE },
  { "{\"a\":nulls}", FALSE },
  { "{\"a\":True}", FALSE },
  { "{\"a\":-}", FALSE },
  { "{\"a\":1e}", FALSE },
  { "{\"a\":+1}", FALSE },
  /* Numbers that are read must be plain integers json-glib cannot round. */
  { "{\"usage\":{\"total_tokens\":1e2}}", FALSE },
  { "{\"usage\":{\"total_tokens\":3.0}}", FALSE },
  { "{\"usage\":{\"total_tokens\":1234567890123456789}}", FALSE },
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1.5}]}}]}", FALSE },
  /* Arguments that are not a string: json-glib writes them out as JSON. */
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"a\",\"arguments\":{\"x\":1}}}]}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":5}}]}}]}", FALSE },
  { "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":[]}}]}}]}", FALSE },
};

static void
test_differential_tricky (void)
{
  /* Length given, so that the NUL bytes count. */
  static const struct { const char *data; gsize length; } with_nul[] = {
    { "{}\0", 3 },
    { "{\"a\":\"x\0y\"}", 11 },
    { "\0{}", 3 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (tricky_payloads); i++)
    {
      const Tricky *tricky = &tricky_payloads[i];
      gsize length = strlen (tricky->json);

      g_assert_cmpint (assert_decoders_agree (tricky->json, length, "delta"), ==, tricky->fast);
      assert_decoders_agree (tricky->json, length, "message");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (with_nul); i++)
    g_assert_false (assert_decoders_agree (with_nul[i].data, with_nul[i].length, "delta"));
}

/* An unknown member @depth containers deep, the root counted. */
static char *
nested_payload (guint depth)
{
  GString *json = g_string_new ("{\"x\":");

  for (guint i = 1; i < depth; i++)
    g_string_append (json, i % 2 ? "[" : "{\"y\":");
  g_string_append (json, "0");
  for (guint i = depth - 1; i >= 1; i--)
    g_string_append (json, i % 2 ? "]" : "}");
  g_string_append (json, ",\"choices\":[{\"delta\":{\"content\":\"deep\"}}]}");
  return g_string_free (json, FALSE);
}

static void
test_differential_nesting (void)
{
  g_autofree char *deepest = nested_payload (CHAT_SCANNER_MAX_DEPTH);
  g_autofree char *too_deep = nested_payload (CHAT_SCANNER_MAX_DEPTH + 1);
  g_autofree char *far_too_deep = nested_payload (1000);

  g_assert_true (assert_decoders_agree (deepest, strlen (deepest), "delta"));
  g_assert_false (assert_decoders_agree (too_deep, strlen (too_deep), "delta"));
  g_assert_false (assert_decoders_agree (far_too_deep, strlen (far_too_deep), "delta"));
}

#define N_MUTATIONS 5000

/* Bytes that matter to a JSON scanner, so that mutations often hit its edges. */
static const char special_bytes[] = "\"\\{}[],:-+.eE0123456789 \tnultrfx/\x80\xbf\xc3\xe4\xed\xf0\xff";

static char
random_byte (GRand *rand)
{
  if (g_rand_boolean (rand))
    return special_bytes[g_rand_int_range (rand, 0, sizeof special_bytes - 1)];
  return (char) g_rand_int_range (rand, 0, 256);
}

/* Flips a bit of, replaces, deletes or inserts a byte. */
static void
mutate_once (GString *json,
             GRand   *rand)
{
  gsize at = g_rand_int_range (rand, 0, json->len + 1);

  switch (at == json->len ? 3 : g_rand_int_range (rand, 0, 4))
    {
    case 0:
      json->str[at] ^= 1 << g_rand_int_range (rand, 0, 8);
      break;
    case 1:
      json->str[at] = random_byte (rand);
      break;
    case 2:
      g_string_erase (json, at, 1);
      break;
    default:
      g_string_insert_c (json, at, random_byte (rand));
      break;
    }
}

/* Recorded chunks, and the hand-written ones for escapes and odd shapes. */
static void
test_differential_mutations (void)
{
  g_autoptr(GPtrArray) events = load_fixture_events ();
  GRand *rand = g_rand_new_with_seed (20251111);
  guint n_fast = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (tricky_payloads); i++)
    g_ptr_array_add (events, g_strdup (tricky_payloads[i].json));
  for (guint i = 0; i < N_MUTATIONS; i++)
    {
      const char *event = g_ptr_array_index (events, g_rand_int_range (rand, 0, events->len));
      g_autoptr(GString) json = g_string_new (event);
      guint n_edits = g_rand_int_range (rand, 1, 4);

      for (guint edit = 0; edit < n_edits; edit++)
        mutate_once (json, rand);
      n_fast += assert_decoders_agree (json->str, json->len, g_rand_boolean (rand) ? "delta" : "message");
    }
  g_test_message ("%u of %u mutated chunks took the fast path", n_fast, N_MUTATIONS);
  /* Both ways must have been exercised for the comparison to mean something. */
  g_assert_cmpuint (n_fast, >, N_MUTATIONS / 10);
  g_assert_cmpuint (n_fast, <, N_MUTATIONS - N_MUTATIONS / 10);
  g_rand_free (rand);
}

static gboolean
scanner_accepts_string (const guchar *bytes,
                        gsize         length)
{
  g_autoptr(GString) json = g_string_new ("\"");
  g_autofree char *value = NULL;
  ChatScanner scanner;

  g_string_append_len (json, (const char *) bytes, length);
  g_string_append_c (json, '"');
  chat_scanner_init (&scanner, json->str, json->len);
  value = chat_scanner_read_string (&scanner);
  if (value != NULL)
    g_assert_cmpmem (value, strlen (value), bytes, length);
  return value != NULL && chat_scanner_end (&scanner);
}

/* The scanner must refuse exactly what g_utf8_validate() refuses, or json-glib
 * and the fast path would see different text: every lead and second byte,
 * with third and fourth bytes from each class. */
static void
test_scanner_utf8 (void)
{
  static const guchar tails[] = { 0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xf5 };

  for (guint lead = 0x80; lead <= 0xff; lead++)
    for (guint second = 0; second <= 0xff; second++)
      for (gsize third = 0; third < G_N_ELEMENTS (tails); third++)
        for (gsize fourth = 0; fourth < G_N_ELEMENTS (tails); fourth++)
          {
            guchar bytes[] = { lead, second, tails[third], tails[fourth] };
            gboolean valid = g_utf8_validate_len ((const char *) bytes, sizeof bytes, NULL);

            g_assert_cmpint (scanner_accepts_string (bytes, sizeof bytes), ==, valid);
          }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chunk/fixtures", test_fixtures);
  g_test_add_func ("/chunk/finish-reason", test_finish_reason);
  g_test_add_func ("/chunk/usage", test_usage);
  g_test_add_func ("/chunk/error-inside", test_error_inside);
  g_test_add_func ("/chunk/error-null", test_error_null_is_no_error);
  g_test_add_func ("/chunk/empty-choices", test_empty_choices);
  g_test_add_func ("/chunk/unknown-fields", test_unknown_fields);
  g_test_add_func ("/chunk/content-null", test_content_null);
  g_test_add_func ("/chunk/escapes", test_escapes);
  g_test_add_func ("/chunk/invalid-utf8-kept", test_invalid_utf8_kept);
  g_test_add_func ("/chunk/not-a-chunk", test_not_a_chunk);
  g_test_add_func ("/chunk/is-done", test_is_done);
  g_test_add_func ("/chunk/tool-stream-merge", test_tool_stream_merge);
  g_test_add_func ("/chunk/tool-call-details", test_tool_call_details);
  g_test_add_func ("/chunk/merge-null-fragments", test_merge_null_fragments);
  g_test_add_func ("/chunk/completion", test_completion);
  g_test_add_func ("/chunk/completion-tool-call", test_completion_tool_call);
  g_test_add_func ("/chunk/parser-per-thread", test_parser_reused_across_threads);
  g_test_add_func ("/chunk/differential/fixtures", test_differential_fixtures);
  g_test_add_func ("/chunk/differential/tricky", test_differential_tricky);
  g_test_add_func ("/chunk/differential/nesting", test_differential_nesting);
  g_test_add_func ("/chunk/differential/mutations", test_differential_mutations);
  g_test_add_func ("/chunk/scanner/utf8", test_scanner_utf8);

  return g_test_run ();
}
