/* test-fake-server.c: the fake GLM server, seen by a plain SoupSession */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "chat-fake-server.h"

#define WATCHDOG_SECONDS 10
#define STALL_SECONDS    5
#define STREAM_TYPE      "text/event-stream;charset=UTF-8"

typedef struct {
  ChatFakeServer *server;
  SoupSession    *session;
} Fixture;

/* What a stream decodes to, read by a deliberately simple SSE reader. */
typedef struct {
  GString   *content;
  GString   *reasoning;
  GPtrArray *chunks;        /* JsonNode of every JSON payload */
  guint      n_unparsable;
  gboolean   done;
} Decoded;

/* A streamed response read piece by piece. */
typedef struct {
  GInputStream *stream;
  GCancellable *cancellable;
  GByteArray   *data;
  gsize         read_size;
  guint         n_reads;
  GError       *error;
  gboolean      done;
} Reader;

static void
decoded_free (Decoded *decoded)
{
  g_string_free (decoded->content, TRUE);
  g_string_free (decoded->reasoning, TRUE);
  g_ptr_array_unref (decoded->chunks);
  g_free (decoded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decoded, decoded_free)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->session = soup_session_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  /* Let closed connections finish going away before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default main context until cond holds, for at most seconds. */
static gboolean
run_until (gboolean (*cond) (gpointer),
           gpointer   data,
           guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint wakeup = g_timeout_add (10, keep_waking, NULL);

  while (!cond (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wakeup);
  return cond (data);
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
no_streams_left (gpointer data)
{
  return chat_fake_server_get_n_streams (data) == 0;
}

static char *
chat_body (const char *scenario,
           gboolean    stream)
{
  return g_strdup_printf ("{\"model\":\"glm-4.7\",\"stream\":%s,\"messages\":["
                          "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                          "{\"role\":\"user\",\"content\":\"Hi, scenario:%s please\"}]}",
                          stream ? "true" : "false", scenario);
}

static SoupMessage *
new_message (Fixture    *f,
             const char *method,
             const char *path,
             const char *body)
{
  g_autofree char *base = chat_fake_server_dup_base_url (f->server);
  g_autofree char *url = g_strconcat (base, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  soup_message_headers_append (soup_message_get_request_headers (msg),
                               "Authorization", "Bearer test-key");
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

static SoupMessage *
new_chat_message (Fixture    *f,
                  const char *scenario,
                  gboolean    stream)
{
  g_autofree char *body = chat_body (scenario, stream);

  return new_message (f, "POST", "/chat/completions", body);
}

typedef struct {
  GAsyncResult *result;
  gboolean      done;
} Waiter;

static void
waiter_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static GBytes *
send_and_read (Fixture     *f,
               SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { NULL, FALSE };
  GBytes *body;

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    waiter_done, &waiter);
  g_assert_true (run_until (flag_is_set, &waiter.done, WATCHDOG_SECONDS));
  body = soup_session_send_and_read_finish (f->session, waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
  return body;
}

/* Sends a chat request and checks the status and content type. */
static GBytes *
fetch_chat (Fixture    *f,
            const char *scenario,
            gboolean    stream,
            guint       status,
            const char *content_type)
{
  g_autoptr(SoupMessage) msg = new_chat_message (f, scenario, stream);
  GBytes *body = send_and_read (f, msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                 "Content-Type"), ==, content_type);
  return body;
}

static JsonNode *
parse_json (const char *data,
            gssize      length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, data, length, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
chunk_choice (JsonNode *chunk)
{
  JsonObject *object = json_node_get_object (chunk);

  if (!json_object_has_member (object, "choices"))
    return NULL;
  return json_array_get_object_element (json_object_get_array_member (object, "choices"), 0);
}

static void
decode_payload (Decoded    *decoded,
                const char *payload)
{
  JsonNode *chunk;
  JsonObject *choice, *delta;

  if (g_str_equal (payload, "[DONE]"))
    {
      decoded->done = TRUE;
      return;
    }
  if ((chunk = parse_json (payload, -1)) == NULL)
    {
      decoded->n_unparsable++;
      return;
    }
  g_ptr_array_add (decoded->chunks, chunk);
  if ((choice = chunk_choice (chunk)) == NULL)
    return;
  delta = json_object_get_object_member (choice, "delta");
  if (json_object_has_member (delta, "content"))
    g_string_append (decoded->content, json_object_get_string_member (delta, "content"));
  if (json_object_has_member (delta, "reasoning_content"))
    g_string_append (decoded->reasoning, json_object_get_string_member (delta, "reasoning_content"));
}

/* One event per "data:" line, as the fake sends them: "data:" loses one
 * optional space, a line may end in \r\n, other lines are ignored. */
static Decoded *
decode (const char *data,
        gsize       length)
{
  Decoded *decoded = g_new0 (Decoded, 1);
  const char *end = data + length;

  decoded->content = g_string_new (NULL);
  decoded->reasoning = g_string_new (NULL);
  decoded->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (const char *line = data; line < end; )
    {
      const char *eol = memchr (line, '\n', end - line);
      gsize n = (eol ? eol : end) - line;

      if (n > 0 && line[n - 1] == '\r')
        n--;
      if (n >= 5 && memcmp (line, "data:", 5) == 0)
        {
          gsize skip = (n > 5 && line[5] == ' ') ? 6 : 5;
          g_autofree char *payload = g_strndup (line + skip, n - skip);

          decode_payload (decoded, payload);
        }
      line = eol ? eol + 1 : end;
    }
  return decoded;
}

static Decoded *
decode_bytes (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return decode (data, size);
}

/* The finish_reason of the chunk that has one, or NULL. */
static const char *
find_finish_reason (Decoded   *decoded,
                    JsonNode **chunk_out)
{
  for (guint i = 0; i < decoded->chunks->len; i++)
    {
      JsonNode *chunk = g_ptr_array_index (decoded->chunks, i);
      JsonObject *choice = chunk_choice (chunk);

      if (choice != NULL && json_object_has_member (choice, "finish_reason") &&
          !json_object_get_null_member (choice, "finish_reason"))
        {
          if (chunk_out != NULL)
            *chunk_out = chunk;
          return json_object_get_string_member (choice, "finish_reason");
        }
    }
  return NULL;
}

static void
assert_error_envelope (GBytes     *body,
                       const char *code,
                       gboolean    numeric)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autoptr(JsonNode) root = parse_json (data, size);
  JsonObject *error;
  JsonNode *code_node;

  g_assert_nonnull (root);
  error = json_object_get_object_member (json_node_get_object (root), "error");
  g_assert_nonnull (error);
  code_node = json_object_get_member (error, "code");
  if (numeric)
    g_assert_cmpint (json_node_get_int (code_node), ==, g_ascii_strtoll (code, NULL, 10));
  else
    g_assert_cmpstr (json_node_get_string (code_node), ==, code);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
}

/* Reader */

static void reader_read (Reader *reader);

static void
reader_got_bytes (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                             &reader->error);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      reader->done = TRUE;
      return;
    }
  g_byte_array_append (reader->data, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reader->n_reads++;
  reader_read (reader);
}

static void
reader_read (Reader *reader)
{
  g_input_stream_read_bytes_async (reader->stream, reader->read_size, G_PRIORITY_DEFAULT,
                                   reader->cancellable, reader_got_bytes, reader);
}

static void
reader_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Reader *reader = user_data;

  reader->stream = soup_session_send_finish (SOUP_SESSION (source), result, &reader->error);
  if (reader->stream == NULL)
    reader->done = TRUE;
  else
    reader_read (reader);
}

static void
reader_start (Reader      *reader,
              Fixture     *f,
              SoupMessage *msg,
              gsize        read_size)
{
  *reader = (Reader) {
    .cancellable = g_cancellable_new (),
    .data = g_byte_array_new (),
    .read_size = read_size,
  };
  soup_session_send_async (f->session, msg, G_PRIORITY_DEFAULT, reader->cancellable,
                           reader_sent, reader);
}

static void
reader_clear (Reader *reader)
{
  g_clear_object (&reader->stream);
  g_clear_object (&reader->cancellable);
  g_clear_pointer (&reader->data, g_byte_array_unref);
  g_clear_error (&reader->error);
}

static Decoded *
reader_decode (Reader *reader)
{
  return decode ((const char *) reader->data->data, reader->data->len);
}

static gboolean
reader_is_done (gpointer data)
{
  return ((Reader *) data)->done;
}

static gboolean
reader_has_data (gpointer data)
{
  return ((Reader *) data)->n_reads > 0 || ((Reader *) data)->done;
}

static gboolean
reader_has_partial (gpointer data)
{
  g_autoptr(Decoded) decoded = reader_decode (data);

  return g_str_equal (decoded->content->str, CHAT_FAKE_PARTIAL) || ((Reader *) data)->done;
}

static gboolean
reader_has_three_chunks (gpointer data)
{
  g_autoptr(Decoded) decoded = reader_decode (data);

  return decoded->chunks->len >= 3 || ((Reader *) data)->done;
}

static gboolean
bytes_end_with (GBytes     *bytes,
                const char *suffix)
{
  gsize size, length = strlen (suffix);
  const char *data = g_bytes_get_data (bytes, &size);

  return size >= length && memcmp (data + size - length, suffix, length) == 0;
}

/* Tests */

static void
test_normal_stream (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) body = fetch_chat (f, "normal", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(Decoded) decoded = decode_bytes (body);
  JsonNode *final = NULL;
  JsonObject *usage;

  g_assert_cmpstr (decoded->content->str, ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (decoded->reasoning->str, ==, CHAT_FAKE_REASONING);
  g_assert_true (decoded->done);
  g_assert_cmpuint (decoded->n_unparsable, ==, 0);
  g_assert_cmpstr (find_finish_reason (decoded, &final), ==, "stop");
  g_assert_true (final == g_ptr_array_index (decoded->chunks, decoded->chunks->len - 1));
  usage = json_object_get_object_member (json_node_get_object (final), "usage");
  g_assert_cmpint (json_object_get_int_member (usage, "total_tokens"), ==, CHAT_FAKE_TOTAL_TOKENS);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (usage, "prompt_tokens_details"),
                                               "cached_tokens"), ==, CHAT_FAKE_CACHED_TOKENS);
  for (guint i = 0; i + 1 < decoded->chunks->len; i++)
    {
      JsonNode *chunk = g_ptr_array_index (decoded->chunks, i);

      /* As recorded: middle chunks have no finish_reason member at all. */
      g_assert_false (json_object_has_member (chunk_choice (chunk), "finish_reason"));
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (chunk), "model"), ==, "glm-4.7");
    }
  g_assert_true (bytes_end_with (body, "\n\ndata: [DONE]\n\n"));
}

static void
test_deltas_split_at_characters (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GBytes) body = fetch_chat (f, "normal", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(Decoded) decoded = decode_bytes (body);
  guint n_chinese = 0;

  for (guint i = 0; i < decoded->chunks->len; i++)
    {
      JsonObject *delta = json_object_get_object_member (chunk_choice (g_ptr_array_index (decoded->chunks, i)),
                                                         "delta");
      const char *text = json_object_get_string_member_with_default (delta, "content", "");

      g_assert_true (g_utf8_validate (text, -1, NULL));
      if (g_utf8_strlen (text, -1) == 1 && (guchar) text[0] >= 0x80)
        n_chinese++;
    }
  /* 你好，我是测试服务器。 goes out one character at a time. */
  g_assert_cmpuint (n_chinese, ==, 11);
}

static void
test_stream_is_incremental (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = new_chat_message (f, "normal", TRUE);
  g_autoptr(Decoded) decoded = NULL;
  Reader reader;

  chat_fake_server_set_event_delay (f->server, 20);
  reader_start (&reader, f, msg, 4096);
  g_assert_true (run_until (reader_has_data, &reader, WATCHDOG_SECONDS));
  /* The first event arrived while the server still had the rest to send. */
  g_assert_false (reader.done);
  g_assert_cmpuint (chat_fake_server_get_n_streams (f->server), ==, 1);
  g_assert_true (run_until (reader_is_done, &reader, WATCHDOG_SECONDS));
  g_assert_no_error (reader.error);
  g_assert_cmpuint (reader.n_reads, >, 5);
  decoded = reader_decode (&reader);
  g_assert_cmpstr (decoded->content->str, ==, CHAT_FAKE_CONTENT);
  reader_clear (&reader);
}

/* Two replies differ only in their id and time. */
static char *
normalize_ids (const void *data,
               gsize       size)
{
  g_autoptr(GRegex) regex = g_regex_new ("\"id\":\"[0-9a-f]+\",\"created\":[0-9]+", 0, 0, NULL);
  g_autofree char *text = g_strndup (data, size);

  return g_regex_replace_literal (regex, text, -1, 0, "\"id\":\"X\",\"created\":0", 0, NULL);
}

static void
test_split (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GBytes) normal = fetch_chat (f, "normal", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(SoupMessage) msg = new_chat_message (f, "split", TRUE);
  g_autofree char *normal_text = normalize_ids (g_bytes_get_data (normal, NULL), g_bytes_get_size (normal));
  g_autofree char *split_text = NULL;
  Reader reader;

  reader_start (&reader, f, msg, 64);
  g_assert_true (run_until (reader_is_done, &reader, WATCHDOG_SECONDS));
  g_assert_no_error (reader.error);
  split_text = normalize_ids (reader.data->data, reader.data->len);
  g_assert_cmpstr (split_text, ==, normal_text);
  g_assert_cmpuint (reader.n_reads, >, 1);
  reader_clear (&reader);
}

static void
test_crlf (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GBytes) body = fetch_chat (f, "crlf", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(Decoded) decoded = decode_bytes (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  JsonObject *first = chunk_choice (g_ptr_array_index (decoded->chunks, 0));

  g_assert_nonnull (strstr (text, ": keep-alive\r\n\r\n"));
  g_assert_nonnull (strstr (text, "event: message\r\nid: 1\r\ndata:{"));
  g_assert_nonnull (strstr (text, "id: 2\r\ndata: {"));
  g_assert_null (strstr (text, "}\n"));
  g_assert_cmpstr (decoded->content->str, ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (decoded->reasoning->str, ==, CHAT_FAKE_REASONING);
  g_assert_true (json_object_get_null_member (first, "finish_reason"));
  g_assert_cmpstr (find_finish_reason (decoded, NULL), ==, "stop");
  g_assert_true (decoded->done);
}

static void
test_truncated_json (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) body = fetch_chat (f, "truncated-json", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(Decoded) decoded = decode_bytes (body);
  g_autofree char *expected = chat_fake_server_dup_expected_content ("truncated-json");

  g_assert_cmpuint (decoded->n_unparsable, ==, 1);
  g_assert_cmpstr (decoded->content->str, ==, expected);
  g_assert_cmpuint (strlen (expected), <, strlen (CHAT_FAKE_CONTENT));
  g_assert_cmpstr (decoded->reasoning->str, ==, CHAT_FAKE_REASONING);
  g_assert_cmpstr (find_finish_reason (decoded, NULL), ==, "stop");
  g_assert_true (decoded->done);
}

typedef struct {
  const char *scenario;
  const char *content;
  const char *finish_reason;
  gboolean    done;
} Ending;

static void
test_stream_endings (Fixture       *f,
                     gconstpointer  data)
{
  static const Ending endings[] = {
    { "error-midstream", CHAT_FAKE_PARTIAL, NULL, FALSE },
    { "eof-no-done", CHAT_FAKE_PARTIAL, NULL, FALSE },
    { "sensitive", CHAT_FAKE_PARTIAL, "sensitive", TRUE },
    { "network-error", CHAT_FAKE_PARTIAL, "network_error", TRUE },
    { "length", CHAT_FAKE_CONTENT, "length", TRUE },
    { "no-reasoning", CHAT_FAKE_CONTENT, "stop", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      g_autoptr(GBytes) body = fetch_chat (f, endings[i].scenario, TRUE, SOUP_STATUS_OK, STREAM_TYPE);
      g_autoptr(Decoded) decoded = decode_bytes (body);
      g_autofree char *reasoning = chat_fake_server_dup_expected_reasoning (endings[i].scenario);

      g_test_message ("scenario %s", endings[i].scenario);
      g_assert_cmpstr (decoded->content->str, ==, endings[i].content);
      g_assert_cmpstr (decoded->reasoning->str, ==, reasoning);
      g_assert_cmpstr (find_finish_reason (decoded, NULL), ==, endings[i].finish_reason);
      g_assert_cmpint (decoded->done, ==, endings[i].done);
    }
}

static JsonNode *
last_chunk (Fixture    *f,
            const char *scenario)
{
  g_autoptr(GBytes) body = fetch_chat (f, scenario, TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(Decoded) decoded = decode_bytes (body);

  return json_node_ref (g_ptr_array_index (decoded->chunks, decoded->chunks->len - 1));
}

static void
test_stream_ending_details (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonNode) error_chunk = last_chunk (f, "error-midstream");
  g_autoptr(JsonNode) sensitive = last_chunk (f, "sensitive");
  g_autoptr(JsonNode) network = last_chunk (f, "network-error");
  JsonObject *error = json_object_get_object_member (json_node_get_object (error_chunk), "error");
  JsonArray *filter = json_object_get_array_member (json_node_get_object (sensitive), "content_filter");

  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "1234");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (filter, 0), "role"),
                   ==, "assistant");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (filter, 0), "level"), ==, 1);
  g_assert_true (json_object_has_member (json_node_get_object (network), "usage"));
}

typedef struct {
  const char *scenario;
  guint       status;
  const char *code;
  gboolean    numeric;
} ErrorCase;

static void
test_error_scenarios (Fixture       *f,
                      gconstpointer  data)
{
  static const ErrorCase cases[] = {
    { "auth", 401, "1002", FALSE },
    { "balance", 429, "1113", FALSE },
    { "quota", 429, "1308", TRUE },
    { "rate-limit", 429, "1302", FALSE },
    { "frequency-limit", 429, "1303", FALSE },
    { "overloaded", 429, "1312", FALSE },
    { "server-error", 500, "500", FALSE },
    { "wrong-type", 200, "1305", FALSE },
    { "model-not-found", 400, "1211", FALSE },
    { "invalid-parameter", 400, "1214", FALSE },
    { "no-such-scenario", 400, "1210", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int stream = 0; stream < 2; stream++)
      {
        g_autoptr(GBytes) body = fetch_chat (f, cases[i].scenario, stream, cases[i].status,
                                             "application/json; charset=UTF-8");

        g_test_message ("scenario %s, stream %d", cases[i].scenario, stream);
        assert_error_envelope (body, cases[i].code, cases[i].numeric);
      }
}

static void
test_html_error (Fixture       *f,
                 gconstpointer  data)
{
  static const struct {
    const char *scenario;
    guint       status;
    const char *title;
  } cases[] = {
    { "html-error", SOUP_STATUS_BAD_GATEWAY, "<title>502 Bad Gateway</title>" },
    { "service-unavailable", SOUP_STATUS_SERVICE_UNAVAILABLE, "<title>503 Service Unavailable</title>" },
    { "gateway-timeout", SOUP_STATUS_GATEWAY_TIMEOUT, "<title>504 Gateway Timeout</title>" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = fetch_chat (f, cases[i].scenario, TRUE, cases[i].status, "text/html");
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      g_test_message ("scenario %s", cases[i].scenario);
      g_assert_true (g_str_has_prefix (text, "<html>"));
      g_assert_nonnull (strstr (text, cases[i].title));
    }
}

static void
test_rate_limit_once (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) limited = fetch_chat (f, "rate-limit-once", TRUE, 429,
                                          "application/json; charset=UTF-8");
  g_autoptr(GBytes) retried = fetch_chat (f, "rate-limit-once", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(GBytes) again = fetch_chat (f, "rate-limit-once", FALSE, SOUP_STATUS_OK,
                                        "application/json; charset=UTF-8");
  g_autoptr(Decoded) decoded = decode_bytes (retried);
  g_autofree char *expected = chat_fake_server_dup_expected_content ("rate-limit-once");

  assert_error_envelope (limited, "1302", FALSE);
  g_assert_cmpstr (decoded->content->str, ==, expected);
  g_assert_true (decoded->done);
}

static void
test_requests_recorded (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *url = chat_fake_server_dup_url (f->server, "/api/coding/paas/v4/chat/completions");
  g_autofree char *body = chat_body ("normal", FALSE);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) response = NULL;
  GPtrArray *requests = chat_fake_server_get_requests (f->server);
  ChatFakeRequest *request;
  gint64 before;

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", "Bearer k-123");
  soup_message_headers_append (soup_message_get_request_headers (msg), "Accept-Language", "en-US,en");
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  before = g_get_monotonic_time ();
  response = send_and_read (f, msg);

  g_assert_cmpuint (requests->len, ==, 1);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpint (request->received_at, >=, before);
  g_assert_cmpint (request->received_at, <=, g_get_monotonic_time ());
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/api/coding/paas/v4/chat/completions");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer k-123");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Accept-Language"), ==, "en-US,en");
  g_assert_true (g_bytes_equal (request->body, bytes));
  chat_fake_server_clear_requests (f->server);
  g_assert_cmpuint (chat_fake_server_get_requests (f->server)->len, ==, 0);
}

static GBytes *
fetch (Fixture    *f,
       const char *method,
       const char *path,
       const char *body,
       gboolean    auth,
       guint       status)
{
  g_autoptr(SoupMessage) msg = new_message (f, method, path, body);
  GBytes *response;

  if (!auth)
    soup_message_headers_remove (soup_message_get_request_headers (msg), "Authorization");
  response = send_and_read (f, msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
  return response;
}

static void
test_models (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) list = fetch (f, "GET", "/models", NULL, TRUE, SOUP_STATUS_OK);
  g_autoptr(GBytes) denied = fetch (f, "GET", "/models?scenario=auth", NULL, TRUE, 401);
  g_autoptr(GBytes) anonymous = fetch (f, "GET", "/models", NULL, FALSE, 401);
  g_autoptr(GBytes) posted = fetch (f, "POST", "/models", "{}", TRUE, 405);
  g_autoptr(JsonNode) root = parse_json (g_bytes_get_data (list, NULL), g_bytes_get_size (list));
  JsonArray *models = json_object_get_array_member (json_node_get_object (root), "data");

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "object"), ==, "list");
  g_assert_cmpuint (json_array_get_length (models), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0), "id"),
                   ==, "glm-4.7");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0), "owned_by"),
                   ==, "z-ai");
  assert_error_envelope (denied, "1002", FALSE);
  assert_error_envelope (anonymous, "1001", FALSE);
  assert_error_envelope (posted, "405", FALSE);
}

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *body = chat_body ("normal", TRUE);
  g_autoptr(GBytes) anonymous = fetch (f, "POST", "/chat/completions", body, FALSE, 401);
  g_autoptr(GBytes) broken = fetch (f, "POST", "/chat/completions", "{\"model\":", TRUE, 400);
  g_autoptr(GBytes) empty = fetch (f, "POST", "/chat/completions", "", TRUE, 400);
  g_autoptr(GBytes) no_messages = fetch (f, "POST", "/chat/completions", "{\"model\":\"glm-4.7\"}", TRUE, 400);
  g_autoptr(GBytes) odd = fetch (f, "POST", "/chat/completions",
                                 "{\"model\":\"m\",\"messages\":[1,{\"role\":{}},{\"role\":\"user\",\"content\":[2]}]}",
                                 TRUE, 200);
  g_autoptr(GBytes) get = fetch (f, "GET", "/chat/completions", NULL, TRUE, 405);
  g_autoptr(GBytes) unknown = fetch (f, "POST", "/embeddings", body, TRUE, 404);

  assert_error_envelope (anonymous, "1001", FALSE);
  assert_error_envelope (broken, "1214", FALSE);
  assert_error_envelope (empty, "1214", FALSE);
  assert_error_envelope (no_messages, "1214", FALSE);
  assert_error_envelope (get, "405", FALSE);
  assert_error_envelope (unknown, "404", FALSE);
  g_assert_cmpuint (chat_fake_server_get_requests (f->server)->len, ==, 7);
}

static void
test_non_stream (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) body = fetch_chat (f, "normal", FALSE, SOUP_STATUS_OK, "application/json; charset=UTF-8");
  g_autoptr(JsonNode) root = parse_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  JsonObject *object = json_node_get_object (root);
  JsonObject *choice = chunk_choice (root);
  JsonObject *message = json_object_get_object_member (choice, "message");

  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (json_object_get_string_member (message, "reasoning_content"), ==, CHAT_FAKE_REASONING);
  g_assert_cmpstr (json_object_get_string_member (choice, "finish_reason"), ==, "stop");
  g_assert_cmpstr (json_object_get_string_member (object, "model"), ==, "glm-4.7");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "usage"), "total_tokens"),
                   ==, CHAT_FAKE_TOTAL_TOKENS);
}

static Decoded *
fetch_decoded (Fixture    *f,
               const char *body)
{
  g_autoptr(GBytes) response = fetch (f, "POST", "/chat/completions", body, TRUE, SOUP_STATUS_OK);

  return decode_bytes (response);
}

static void
test_scenario_selection (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Decoded) by_default = NULL;
  g_autoptr(Decoded) last_wins = NULL;
  g_autoptr(Decoded) parts = NULL;

  chat_fake_server_set_scenario (f->server, "no-reasoning");
  /* Only the last user message counts; the earlier one asked for auth. */
  by_default = fetch_decoded (f, "{\"model\":\"glm-4.7\",\"stream\":true,\"messages\":["
                                 "{\"role\":\"user\",\"content\":\"scenario:auth\"},"
                                 "{\"role\":\"assistant\",\"content\":\"scenario:auth\"},"
                                 "{\"role\":\"user\",\"content\":\"hello\"}]}");
  last_wins = fetch_decoded (f, "{\"model\":\"glm-4.7\",\"stream\":true,\"messages\":["
                                "{\"role\":\"user\",\"content\":\"Use scenario:normal.\"}]}");
  parts = fetch_decoded (f, "{\"model\":\"glm-4.7\",\"stream\":true,\"messages\":["
                            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}},"
                            "{\"type\":\"text\",\"text\":\"what is it? scenario:eof-no-done\"}]}]}");
  g_assert_cmpstr (by_default->reasoning->str, ==, "");
  g_assert_cmpstr (by_default->content->str, ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (last_wins->reasoning->str, ==, CHAT_FAKE_REASONING);
  g_assert_cmpstr (parts->content->str, ==, CHAT_FAKE_PARTIAL);
  g_assert_false (parts->done);
}

static void
test_cut (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = new_chat_message (f, "cut", TRUE);
  g_autoptr(Decoded) decoded = NULL;
  Reader reader;

  reader_start (&reader, f, msg, 256);
  g_assert_true (run_until (reader_is_done, &reader, WATCHDOG_SECONDS));
  g_assert_nonnull (reader.error);
  g_assert_false (g_error_matches (reader.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  decoded = reader_decode (&reader);
  g_assert_cmpstr (decoded->content->str, ==, CHAT_FAKE_PARTIAL);
  g_assert_false (decoded->done);
  g_assert_true (run_until (no_streams_left, f->server, WATCHDOG_SECONDS));
  reader_clear (&reader);
}

/* The connection drops after bytes that hold no text: the client has them. */
static void
test_cut_without_text (Fixture       *f,
                       gconstpointer  data)
{
  static const struct {
    const char *scenario;
    const char *bytes;
    guint       n_chunks;
  } cases[] = {
    { "role-then-cut", "data: {\"id\":", 1 },
    { "keep-alive-then-cut", ": keep-alive\n\n", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) msg = new_chat_message (f, cases[i].scenario, TRUE);
      g_autoptr(Decoded) decoded = NULL;
      Reader reader;

      g_test_message ("scenario %s", cases[i].scenario);
      reader_start (&reader, f, msg, 256);
      g_assert_true (run_until (reader_is_done, &reader, WATCHDOG_SECONDS));
      g_assert_nonnull (reader.error);
      g_assert_false (g_error_matches (reader.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
      g_assert_cmpuint (reader.data->len, >=, strlen (cases[i].bytes));
      g_assert_cmpmem (reader.data->data, strlen (cases[i].bytes), cases[i].bytes, strlen (cases[i].bytes));
      decoded = reader_decode (&reader);
      g_assert_cmpuint (decoded->chunks->len, ==, cases[i].n_chunks);
      g_assert_cmpstr (decoded->content->str, ==, "");
      g_assert_cmpstr (decoded->reasoning->str, ==, "");
      g_assert_true (run_until (no_streams_left, f->server, WATCHDOG_SECONDS));
      reader_clear (&reader);
    }
}

static void
test_empty_stream (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) body = fetch_chat (f, "empty-stream", TRUE, SOUP_STATUS_OK, STREAM_TYPE);

  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

/* Cancels a read that waits on a silent server; the server must notice. */
static void
abandon_read (Fixture *f,
              Reader  *reader)
{
  g_cancellable_cancel (reader->cancellable);
  g_assert_true (run_until (reader_is_done, reader, STALL_SECONDS));
  g_assert_error (reader->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Closing the body early makes libsoup drop the connection. */
  g_input_stream_close (reader->stream, NULL, NULL);
  g_assert_true (run_until (no_streams_left, f->server, STALL_SECONDS));
}

static void
test_stall_abandoned (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = new_chat_message (f, "stall", TRUE);
  g_autoptr(Decoded) decoded = NULL;
  Reader reader;

  reader_start (&reader, f, msg, 256);
  g_assert_true (run_until (reader_has_partial, &reader, STALL_SECONDS));
  g_assert_false (reader.done);
  /* It stays silent: nothing more arrives for a while. */
  g_assert_false (run_until (reader_is_done, &reader, 1));
  g_assert_cmpuint (chat_fake_server_get_n_streams (f->server), ==, 1);
  abandon_read (f, &reader);
  decoded = reader_decode (&reader);
  g_assert_cmpstr (decoded->content->str, ==, CHAT_FAKE_PARTIAL);
  reader_clear (&reader);
}

static void
test_client_leaves_midstream (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = new_chat_message (f, "slow", TRUE);
  Reader reader;

  reader_start (&reader, f, msg, 256);
  g_assert_true (run_until (reader_has_data, &reader, WATCHDOG_SECONDS));
  g_assert_false (reader.done);
  abandon_read (f, &reader);
  reader_clear (&reader);
}

static void
test_slow_pace (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = new_chat_message (f, "slow", TRUE);
  gint64 start = g_get_monotonic_time ();
  Reader reader;

  reader_start (&reader, f, msg, 4096);
  g_assert_true (run_until (reader_has_three_chunks, &reader, WATCHDOG_SECONDS));
  /* Three events at 200 ms each. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * 180 * 1000);
  g_assert_false (reader.done);
  abandon_read (f, &reader);
  reader_clear (&reader);
}

static void
test_event_delay_overrides_slow (Fixture       *f,
                                 gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(Decoded) decoded = NULL;

  chat_fake_server_set_event_delay (f->server, 0);
  body = fetch_chat (f, "slow", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  decoded = decode_bytes (body);
  g_assert_cmpstr (decoded->content->str, ==, CHAT_FAKE_CONTENT);
  /* The slow pace would take over 9 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_dispose_while_streaming (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = new_chat_message (f, "stall", TRUE);
  Reader reader;

  reader_start (&reader, f, msg, 256);
  g_assert_true (run_until (reader_has_partial, &reader, STALL_SECONDS));
  g_clear_object (&f->server);
  g_assert_true (run_until (reader_is_done, &reader, STALL_SECONDS));
  g_assert_nonnull (reader.error);
  reader_clear (&reader);
}

static void
test_big (Fixture       *f,
          gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GBytes) body = fetch_chat (f, "big", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  gint64 fetched = g_get_monotonic_time ();
  g_autoptr(Decoded) decoded = decode_bytes (body);
  g_autofree char *expected = chat_fake_server_dup_big_content ();
  guint longest = 0;

  g_test_message ("big: %zu bytes of SSE in %.2f s, decoded in %.2f s",
                  g_bytes_get_size (body), (fetched - start) / (double) G_USEC_PER_SEC,
                  (g_get_monotonic_time () - fetched) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (strlen (expected), >=, CHAT_FAKE_BIG_SIZE);
  g_assert_nonnull (strstr (expected, "敏捷"));
  g_assert_true (decoded->content->len == strlen (expected));
  g_assert_true (strcmp (decoded->content->str, expected) == 0);
  g_assert_cmpuint (decoded->chunks->len, >, CHAT_FAKE_BIG_SIZE / 25);
  for (guint i = 0; i + 1 < decoded->chunks->len; i++)
    {
      JsonObject *delta = json_object_get_object_member (chunk_choice (g_ptr_array_index (decoded->chunks, i)),
                                                         "delta");

      longest = MAX (longest, strlen (json_object_get_string_member (delta, "content")));
    }
  g_assert_cmpuint (longest, <=, 22);
  g_assert_cmpstr (find_finish_reason (decoded, NULL), ==, "stop");
  g_assert_true (decoded->done);
}

static void
test_invalid_utf8 (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) body = fetch_chat (f, "invalid-utf8", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(Decoded) decoded = decode_bytes (body);
  g_autofree char *expected = chat_fake_server_dup_expected_content ("invalid-utf8");
  g_autofree char *valid_bad = g_utf8_make_valid (CHAT_FAKE_INVALID_UTF8_BAD, -1);
  g_autofree char *sanitized = g_strconcat (CHAT_FAKE_INVALID_UTF8_BEFORE, valid_bad,
                                            CHAT_FAKE_INVALID_UTF8_AFTER, NULL);
  const char *raw = "\"content\":\"" CHAT_FAKE_INVALID_UTF8_BAD "\"}";

  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), raw));
  /* json-glib refuses the invalid event; the others decode. */
  g_assert_cmpuint (decoded->n_unparsable, ==, 1);
  g_assert_cmpstr (decoded->content->str, ==,
                   CHAT_FAKE_INVALID_UTF8_BEFORE CHAT_FAKE_INVALID_UTF8_AFTER);
  g_assert_true (decoded->done);
  g_assert_true (g_utf8_validate (expected, -1, NULL));
  g_assert_cmpstr (expected, ==, sanitized);
}

static GBytes *
read_file_bytes (const char *dir,
                 const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize size;

  g_file_get_contents (path, &data, &size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

static void
test_fixture_replay (Fixture       *f,
                     gconstpointer  data)
{
  const char *name = "glm-4.5-thinking-thinking-streaming-0";
  g_autofree char *scenario = g_strconcat ("fixture:", name, NULL);
  g_autofree char *file = g_strconcat (name, ".sse", NULL);
  g_autoptr(GBytes) expected = read_file_bytes (CHAT_FIXTURES_DIR, file);
  g_autoptr(GBytes) body = fetch_chat (f, scenario, TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_autoptr(GBytes) whole_expected = read_file_bytes (CHAT_FIXTURES_DIR, "glm-4.5-common-simple-0.json");
  g_autoptr(GBytes) whole = fetch_chat (f, "fixture:glm-4.5-common-simple-0", FALSE, SOUP_STATUS_OK,
                                        "application/json; charset=UTF-8");
  g_autoptr(GBytes) missing = fetch_chat (f, "fixture:no-such-recording", TRUE, SOUP_STATUS_NOT_FOUND,
                                          "application/json; charset=UTF-8");

  g_assert_true (g_bytes_equal (body, expected));
  g_assert_true (g_bytes_equal (whole, whole_expected));
  assert_error_envelope (missing, "404", FALSE);
}

static void
test_fixtures_dir (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fake-server-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "mine.sse", NULL);
  const char *stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n";
  g_autoptr(GBytes) body = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path, stream, -1, &error);
  g_assert_no_error (error);
  chat_fake_server_set_fixtures_dir (f->server, dir);
  body = fetch_chat (f, "fixture:mine", TRUE, SOUP_STATUS_OK, STREAM_TYPE);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), stream, strlen (stream));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_expectations (void)
{
  const char * const *names = chat_fake_server_get_scenarios ();
  g_autofree char *normal = chat_fake_server_dup_expected_content ("normal");
  g_autofree char *cut = chat_fake_server_dup_expected_content ("cut");
  g_autofree char *auth = chat_fake_server_dup_expected_content ("auth");
  g_autofree char *fixture = chat_fake_server_dup_expected_content ("fixture:x");
  g_autofree char *no_reasoning = chat_fake_server_dup_expected_reasoning ("no-reasoning");
  g_autofree char *stall_reasoning = chat_fake_server_dup_expected_reasoning ("stall");

  g_autofree char *role_only = chat_fake_server_dup_expected_content ("role-then-cut");

  g_assert_cmpuint (g_strv_length ((char **) names), ==, 32);
  g_assert_true (g_strv_contains (names, "rate-limit-once"));
  g_assert_true (g_strv_contains (names, "service-unavailable"));
  g_assert_cmpstr (role_only, ==, "");
  g_assert_true (g_strv_contains (names, "invalid-utf8"));
  g_assert_cmpstr (normal, ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (cut, ==, CHAT_FAKE_PARTIAL);
  g_assert_null (auth);
  g_assert_null (fixture);
  g_assert_cmpstr (no_reasoning, ==, "");
  g_assert_cmpstr (stall_reasoning, ==, CHAT_FAKE_REASONING);
}

static void
test_urls (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *base = chat_fake_server_dup_base_url (f->server);
  g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%u/api/paas/v4",
                                               chat_fake_server_get_port (f->server));
  g_autofree char *coding = chat_fake_server_dup_url (f->server, "/api/coding/paas/v4");

  g_assert_cmpuint (chat_fake_server_get_port (f->server), >, 0);
  g_assert_cmpstr (base, ==, expected);
  g_assert_true (g_str_has_suffix (coding, "/api/coding/paas/v4"));
  g_assert_true (g_str_has_prefix (coding, "http://127.0.0.1:"));
}

/* The program */

typedef struct {
  char     *line;
  gboolean  done;
} LineWaiter;

static void
got_line (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  LineWaiter *waiter = user_data;

  waiter->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  waiter->done = TRUE;
}

static guint
read_port (GSubprocess *process)
{
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autofree char *line = NULL;
  LineWaiter waiter = { NULL, FALSE };

  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, got_line, &waiter);
  g_assert_true (run_until (flag_is_set, &waiter.done, WATCHDOG_SECONDS));
  line = waiter.line;
  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line, NULL, 10);
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
test_program (void)
{
  const char *program = g_getenv ("LIAO_FAKE_SERVER");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  gboolean exited = FALSE;

  if (program == NULL || *program == '\0')
    {
      g_test_skip ("LIAO_FAKE_SERVER is not set");
      return;
    }
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              program, "--stdin-lifetime", "--scenario", "auth", NULL);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/v4/models", read_port (process));
  msg = soup_message_new ("GET", url);
  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", "Bearer k");
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
  assert_error_envelope (body, "1002", FALSE);

  /* Closing its stdin ends it. */
  g_subprocess_wait_async (process, NULL, exited_cb, &exited);
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
  g_assert_true (run_until (flag_is_set, &exited, WATCHDOG_SECONDS));
  g_assert_true (g_subprocess_get_successful (process));
}

static void
test_program_lists_scenarios (void)
{
  const char *program = g_getenv ("LIAO_FAKE_SERVER");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (program == NULL || *program == '\0')
    {
      g_test_skip ("LIAO_FAKE_SERVER is not set");
      return;
    }
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program, "--list-scenarios", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "\nstall\n"));
  g_assert_nonnull (strstr (out, "\nrole-then-cut\n"));
  g_assert_true (g_str_has_suffix (out, "\nfixture:NAME\n"));
}

static void
test_program_help_lists_scenarios (void)
{
  const char *program = g_getenv ("LIAO_FAKE_SERVER");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char * const *names = chat_fake_server_get_scenarios ();

  if (program == NULL || *program == '\0')
    {
      g_test_skip ("LIAO_FAKE_SERVER is not set");
      return;
    }
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program, "--help", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *word = g_strdup_printf ("  %s", names[i]);

      g_test_message ("scenario %s", names[i]);
      g_assert_nonnull (strstr (out, word));
    }
  g_assert_nonnull (strstr (out, "fixture:NAME"));
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/fake-server/stream/normal", test_normal_stream);
  ADD ("/fake-server/stream/character-deltas", test_deltas_split_at_characters);
  ADD ("/fake-server/stream/incremental", test_stream_is_incremental);
  ADD ("/fake-server/stream/split", test_split);
  ADD ("/fake-server/stream/crlf", test_crlf);
  ADD ("/fake-server/stream/truncated-json", test_truncated_json);
  ADD ("/fake-server/stream/endings", test_stream_endings);
  ADD ("/fake-server/stream/ending-details", test_stream_ending_details);
  ADD ("/fake-server/stream/cut", test_cut);
  ADD ("/fake-server/stream/cut-without-text", test_cut_without_text);
  ADD ("/fake-server/stream/empty", test_empty_stream);
  ADD ("/fake-server/stream/stall-abandoned", test_stall_abandoned);
  ADD ("/fake-server/stream/client-leaves", test_client_leaves_midstream);
  ADD ("/fake-server/stream/slow", test_slow_pace);
  ADD ("/fake-server/stream/delay-overrides-slow", test_event_delay_overrides_slow);
  ADD ("/fake-server/stream/dispose", test_dispose_while_streaming);
  ADD ("/fake-server/stream/big", test_big);
  ADD ("/fake-server/stream/invalid-utf8", test_invalid_utf8);
  ADD ("/fake-server/fixture/replay", test_fixture_replay);
  ADD ("/fake-server/fixture/dir", test_fixtures_dir);
  ADD ("/fake-server/errors/scenarios", test_error_scenarios);
  ADD ("/fake-server/errors/html", test_html_error);
  ADD ("/fake-server/errors/rate-limit-once", test_rate_limit_once);
  ADD ("/fake-server/errors/bad-requests", test_bad_requests);
  ADD ("/fake-server/requests", test_requests_recorded);
  ADD ("/fake-server/models", test_models);
  ADD ("/fake-server/non-stream", test_non_stream);
  ADD ("/fake-server/scenario-selection", test_scenario_selection);
  ADD ("/fake-server/urls", test_urls);
  g_test_add_func ("/fake-server/expectations", test_expectations);
  g_test_add_func ("/fake-server/program/serve", test_program);
  g_test_add_func ("/fake-server/program/list", test_program_lists_scenarios);
  g_test_add_func ("/fake-server/program/help", test_program_help_lists_scenarios);

  return g_test_run ();
}
