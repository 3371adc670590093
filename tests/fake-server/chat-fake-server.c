/* chat-fake-server.c: a fake of the GLM chat-completions API for tests
 *
 * Scenarios ("scenario:NAME" in the last user message, else the server
 * default, else "normal").  "Partial" below means the whole reasoning, then
 * CHAT_FAKE_PARTIAL as content.
 *
 *   name             reply
 *   ---------------  ---------------------------------------------------------
 *   normal           reasoning then content, word by word (Chinese per
 *                    character), final chunk "stop" + usage, [DONE]
 *   no-reasoning     normal without reasoning
 *   split            the normal stream's bytes, each its own HTTP chunk
 *   crlf             normal with \r\n line ends, ": keep-alive" comments,
 *                    "event:" and "id:" lines, "data:" without the space on
 *                    every other event, and "finish_reason":null mid-stream
 *   truncated-json   normal, but the middle content event is cut after half
 *                    its JSON (its text is lost)
 *   error-midstream  partial, then data: {"error":{"code":"1234",...}}, end
 *   cut              partial, then the connection is closed mid-body
 *   eof-no-done      partial, then a clean end: no finish_reason, no [DONE]
 *   stall            partial, then silence until the client goes away (or
 *                    300 s, then cut)
 *   slow             normal, 200 ms between events
 *   sensitive        partial, final "sensitive" + content_filter, [DONE]
 *   length           normal, final "length" + usage, [DONE]
 *   network-error    partial, final "network_error" + usage, [DONE]
 *   role-then-cut    one role-only chunk (no text), then the connection is
 *                    closed mid-body: bytes arrived, but nothing to show
 *   keep-alive-then-cut  one ": keep-alive" comment, then closed mid-body
 *   empty-stream     200 text/event-stream whose body ends at once, empty
 *   auth             401 code "1002"
 *   balance          429 code "1113"
 *   quota            429 code 1308 (a JSON number)
 *   rate-limit-once  the first request with it per server: 429 code "1302";
 *                    later ones: normal
 *   rate-limit       429 code "1302"
 *   frequency-limit  429 code "1303"
 *   overloaded       429 code "1312" (model overloaded, switch model)
 *   server-error     500 code "500"
 *   html-error       502 with a text/html body
 *   service-unavailable  503 with a text/html body
 *   gateway-timeout  504 with a text/html body
 *   wrong-type       200 application/json with an error envelope code "1305"
 *   model-not-found  400 code "1211"
 *   invalid-parameter  400 code "1214"
 *   big              CHAT_FAKE_BIG_SIZE of content in ~20 byte deltas, sent
 *                    in batches of events, final "stop" + usage, [DONE]
 *   invalid-utf8     content events, one holding raw invalid UTF-8 bytes
 *                    inside its JSON string, then more content
 *   fixture:NAME     replays NAME.sse from the fixtures folder byte for byte
 *                    (NAME.json when "stream" is false)
 *
 * Errors (any scenario) are {"error":{"code":..,"message":..}}.  Whatever
 * the scenario, a request without "Authorization: Bearer KEY" gets 401
 * "1001", and a body that is not a chat request 400 "1214".  "stream":false
 * gets one chat.completion JSON with the normal texts.  GET .../models lists
 * models, or answers the error of ?scenario=NAME / the default scenario.
 * Every request is recorded with the monotonic time it arrived, so tests
 * can check the client's back-off between tries.
 */
#include "chat-fake-server.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* libsoup 3.2 has neither a name nor a reason phrase for 429. */
#define STATUS_TOO_MANY_REQUESTS 429

#define SLOW_DELAY_MS      200
#define STALL_SECONDS      300
#define BIG_DELTA_BYTES    20
#define BIG_EVENTS_PER_PIECE 256

#define USAGE_JSON \
  ",\"usage\":{\"prompt_tokens\":" G_STRINGIFY (CHAT_FAKE_PROMPT_TOKENS) \
  ",\"completion_tokens\":" G_STRINGIFY (CHAT_FAKE_COMPLETION_TOKENS) \
  ",\"total_tokens\":" G_STRINGIFY (CHAT_FAKE_TOTAL_TOKENS) \
  ",\"prompt_tokens_details\":{\"cached_tokens\":" G_STRINGIFY (CHAT_FAKE_CACHED_TOKENS) \
  "},\"completion_tokens_details\":{\"reasoning_tokens\":" G_STRINGIFY (CHAT_FAKE_REASONING_TOKENS) "}}"
#define CONTENT_FILTER_JSON ",\"content_filter\":[{\"role\":\"assistant\",\"level\":1}]"
#define MIDSTREAM_ERROR_JSON \
  "{\"error\":{\"code\":\"1234\",\"message\":\"Network error, error id: x\"}}"

G_STATIC_ASSERT (CHAT_FAKE_PROMPT_TOKENS + CHAT_FAKE_COMPLETION_TOKENS == CHAT_FAKE_TOTAL_TOKENS);

typedef enum {
  ENDING_COMPLETE,
  ENDING_CUT,
  ENDING_STALL,
} Ending;

/* Turns deltas into SSE events, grouped into the pieces the stream appends. */
typedef struct {
  GPtrArray *pieces;        /* GBytes; NULL when only collecting the texts */
  GString   *batch;
  guint      events_per_piece;
  guint      n_batched;
  guint      n_events;
  char      *prefix;        /* {"id":..,"created":..,"model":..,"choices":[{"index":0, */
  gboolean   crlf;
  gboolean   truncate;      /* cut the next event's JSON in half */
  GString   *content;       /* what a decoder gets, for the expectations */
  GString   *reasoning;
} EventWriter;

typedef enum {
  SCENARIO_NUMERIC_CODE = 1 << 0,
  SCENARIO_ONCE         = 1 << 1,
  SCENARIO_BYTEWISE     = 1 << 2,
} ScenarioFlags;

typedef struct {
  const char     *name;
  guint           status;   /* != 0: answer this HTTP error instead */
  const char     *code;     /* NULL with a status: an HTML error page */
  const char     *message;
  ScenarioFlags   flags;
  void          (*build) (EventWriter *writer);
  Ending          ending;
  guint           delay;
} Scenario;

typedef struct {
  ChatFakeServer    *server;   /* not a ref: the server frees its streams first */
  SoupServerMessage *msg;
  GPtrArray         *pieces;
  guint              next;
  guint              delay;
  Ending             ending;
  GSource           *timer;
  GSource           *hangup;
  gulong             finished_id;
  gulong             wrote_chunk_id;
} Stream;

struct _ChatFakeServer
{
  GObject       parent_instance;

  SoupServer   *server;
  GMainContext *context;
  guint         port;
  char         *scenario;
  char         *fixtures_dir;
  guint         event_delay;
  gboolean      event_delay_set;
  GPtrArray    *requests;
  GHashTable   *used_once;
  GList        *streams;
  guint         n_replies;
};

G_DEFINE_FINAL_TYPE (ChatFakeServer, chat_fake_server, G_TYPE_OBJECT)

/* JSON text by hand for the stream: it must carry raw invalid bytes, and the
 * big scenario writes a quarter of a million events. */
static void
append_json_string (GString    *out,
                    const char *text,
                    gsize       length)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* Roughly what a tokenizer does: ASCII words with their leading white
 * space, and every non-ASCII character on its own. */
static GPtrArray *
split_tokens (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;
  const char *prev = text;

  for (const char *p = text; *p; prev = p, p = g_utf8_next_char (p))
    {
      if (p == start)
        continue;
      if ((guchar) *p >= 0x80 || (guchar) *prev >= 0x80 ||
          (g_ascii_isspace (*p) && !g_ascii_isspace (*prev)) ||
          (*prev == '\n' && *p != '\n'))
        {
          g_ptr_array_add (tokens, g_strndup (start, p - start));
          start = p;
        }
    }
  if (*start)
    g_ptr_array_add (tokens, g_strdup (start));
  return tokens;
}

static void
writer_init (EventWriter *w,
             gboolean     collect_only,
             const char  *id,
             gint64       created,
             const char  *model)
{
  g_autoptr(GString) prefix = g_string_new ("{\"id\":");

  append_json_string (prefix, id, strlen (id));
  g_string_append_printf (prefix, ",\"created\":%" G_GINT64_FORMAT ",\"model\":", created);
  append_json_string (prefix, model, strlen (model));
  g_string_append (prefix, ",\"choices\":[{\"index\":0,");

  *w = (EventWriter) {
    .pieces = collect_only ? NULL : g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
    .batch = g_string_new (NULL),
    .events_per_piece = 1,
    .prefix = g_string_free (g_steal_pointer (&prefix), FALSE),
    .content = g_string_new (NULL),
    .reasoning = g_string_new (NULL),
  };
}

static void
writer_clear (EventWriter *w)
{
  g_clear_pointer (&w->pieces, g_ptr_array_unref);
  g_string_free (w->batch, TRUE);
  g_string_free (w->content, TRUE);
  g_string_free (w->reasoning, TRUE);
  g_free (w->prefix);
}

static void
writer_flush (EventWriter *w)
{
  if (w->batch->len > 0)
    g_ptr_array_add (w->pieces, g_bytes_new (w->batch->str, w->batch->len));
  g_string_truncate (w->batch, 0);
  w->n_batched = 0;
}

/* The crlf scenario frames events the way other SSE servers do. */
static void
writer_frame_crlf (EventWriter *w,
                   const char  *payload,
                   gsize        length)
{
  if (w->n_events % 3 == 0)
    g_string_append (w->batch, ": keep-alive\r\n\r\n");
  g_string_append_printf (w->batch, "event: message\r\nid: %u\r\n%s",
                          w->n_events, w->n_events % 2 ? "data:" : "data: ");
  g_string_append_len (w->batch, payload, length);
  g_string_append (w->batch, "\r\n\r\n");
}

static void
writer_add_data (EventWriter *w,
                 const char  *payload,
                 gsize        length)
{
  if (w->truncate)
    length /= 2;
  if (w->crlf)
    writer_frame_crlf (w, payload, length);
  else
    {
      g_string_append (w->batch, "data: ");
      g_string_append_len (w->batch, payload, length);
      g_string_append (w->batch, "\n\n");
    }
  w->n_events++;
  if (++w->n_batched >= w->events_per_piece)
    writer_flush (w);
}

static void
writer_add_chunk (EventWriter *w,
                  const char  *choice,
                  const char  *extra)
{
  g_autoptr(GString) json = g_string_new (w->prefix);

  g_string_append (json, choice);
  g_string_append (json, "}]");
  g_string_append (json, extra);
  g_string_append_c (json, '}');
  writer_add_data (w, json->str, json->len);
}

/* field is "content" or "reasoning_content". */
static void
writer_add_delta (EventWriter *w,
                  const char  *field,
                  const char  *text,
                  gsize        length)
{
  g_autoptr(GString) choice = NULL;

  if (!w->truncate)
    g_string_append_len (g_str_equal (field, "content") ? w->content : w->reasoning,
                         text, length);
  if (w->pieces == NULL)
    return;

  choice = g_string_new ("\"delta\":{\"role\":\"assistant\",\"");
  g_string_append (choice, field);
  g_string_append (choice, "\":");
  append_json_string (choice, text, length);
  g_string_append_c (choice, '}');
  /* The documentation shows null; the recordings omit the member. */
  if (w->crlf)
    g_string_append (choice, ",\"finish_reason\":null");
  writer_add_chunk (w, choice->str, "");
}

static void
writer_add_tokens (EventWriter *w,
                   const char  *field,
                   const char  *text)
{
  g_autoptr(GPtrArray) tokens = split_tokens (text);

  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);

      writer_add_delta (w, field, token, strlen (token));
    }
}

static void
writer_add_finish (EventWriter *w,
                   const char  *reason,
                   const char  *extra)
{
  g_autofree char *choice = NULL;

  if (w->pieces == NULL)
    return;
  choice = g_strdup_printf ("\"finish_reason\":\"%s\","
                            "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}",
                            reason);
  writer_add_chunk (w, choice, extra);
}

static void
writer_add_raw_event (EventWriter *w,
                      const char  *payload)
{
  if (w->pieces != NULL)
    writer_add_data (w, payload, strlen (payload));
}

static GPtrArray *
split_bytewise (GPtrArray *pieces)
{
  GPtrArray *bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < pieces->len; i++)
    {
      gsize size;
      const guchar *data = g_bytes_get_data (g_ptr_array_index (pieces, i), &size);

      for (gsize j = 0; j < size; j++)
        g_ptr_array_add (bytes, g_bytes_new (data + j, 1));
    }
  return bytes;
}

static GPtrArray *
writer_steal_pieces (EventWriter *w,
                     gboolean     bytewise)
{
  writer_flush (w);
  if (bytewise)
    return split_bytewise (w->pieces);
  return g_steal_pointer (&w->pieces);
}

static void
build_normal (EventWriter *w)
{
  writer_add_tokens (w, "reasoning_content", CHAT_FAKE_REASONING);
  writer_add_tokens (w, "content", CHAT_FAKE_CONTENT);
  writer_add_finish (w, "stop", USAGE_JSON);
  writer_add_raw_event (w, "[DONE]");
}

static void
build_no_reasoning (EventWriter *w)
{
  writer_add_tokens (w, "content", CHAT_FAKE_CONTENT);
  writer_add_finish (w, "stop", USAGE_JSON);
  writer_add_raw_event (w, "[DONE]");
}

static void
build_crlf (EventWriter *w)
{
  w->crlf = TRUE;
  build_normal (w);
}

static void
build_truncated_json (EventWriter *w)
{
  g_autoptr(GPtrArray) tokens = split_tokens (CHAT_FAKE_CONTENT);

  writer_add_tokens (w, "reasoning_content", CHAT_FAKE_REASONING);
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);

      w->truncate = (i == tokens->len / 2);
      writer_add_delta (w, "content", token, strlen (token));
    }
  w->truncate = FALSE;
  writer_add_finish (w, "stop", USAGE_JSON);
  writer_add_raw_event (w, "[DONE]");
}

static void
build_partial (EventWriter *w)
{
  writer_add_tokens (w, "reasoning_content", CHAT_FAKE_REASONING);
  writer_add_tokens (w, "content", CHAT_FAKE_PARTIAL);
}

static void
build_error_midstream (EventWriter *w)
{
  build_partial (w);
  writer_add_raw_event (w, MIDSTREAM_ERROR_JSON);
}

static void
build_sensitive (EventWriter *w)
{
  build_partial (w);
  writer_add_finish (w, "sensitive", CONTENT_FILTER_JSON);
  writer_add_raw_event (w, "[DONE]");
}

static void
build_length (EventWriter *w)
{
  writer_add_tokens (w, "reasoning_content", CHAT_FAKE_REASONING);
  writer_add_tokens (w, "content", CHAT_FAKE_CONTENT);
  writer_add_finish (w, "length", USAGE_JSON);
  writer_add_raw_event (w, "[DONE]");
}

static void
build_network_error (EventWriter *w)
{
  build_partial (w);
  writer_add_finish (w, "network_error", USAGE_JSON);
  writer_add_raw_event (w, "[DONE]");
}

/* What some servers send first: the role, without any text yet. */
static void
build_role_only (EventWriter *w)
{
  if (w->pieces != NULL)
    writer_add_chunk (w, "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}", "");
}

/* A comment line: bytes of the stream that carry no event at all. */
static void
build_keep_alive (EventWriter *w)
{
  if (w->pieces == NULL)
    return;
  g_string_append (w->batch, ": keep-alive\n\n");
  writer_flush (w);
}

/* The headers of a stream, then a body that ends before its first byte. */
static void
build_nothing (EventWriter *w)
{
}

static void
build_big (EventWriter *w)
{
  g_autofree char *content = chat_fake_server_dup_big_content ();
  const char *start = content;

  w->events_per_piece = BIG_EVENTS_PER_PIECE;
  while (*start)
    {
      const char *end = start;

      while (*end && end - start < BIG_DELTA_BYTES)
        end = g_utf8_next_char (end);
      writer_add_delta (w, "content", start, end - start);
      start = end;
    }
  writer_add_finish (w, "stop", USAGE_JSON);
  writer_add_raw_event (w, "[DONE]");
}

static void
build_invalid_utf8 (EventWriter *w)
{
  writer_add_tokens (w, "content", CHAT_FAKE_INVALID_UTF8_BEFORE);
  writer_add_delta (w, "content", CHAT_FAKE_INVALID_UTF8_BAD,
                    strlen (CHAT_FAKE_INVALID_UTF8_BAD));
  writer_add_tokens (w, "content", CHAT_FAKE_INVALID_UTF8_AFTER);
  writer_add_finish (w, "stop", USAGE_JSON);
  writer_add_raw_event (w, "[DONE]");
}

static const Scenario scenarios[] = {
  { "normal", .build = build_normal },
  { "no-reasoning", .build = build_no_reasoning },
  { "split", .build = build_normal, .flags = SCENARIO_BYTEWISE },
  { "crlf", .build = build_crlf },
  { "truncated-json", .build = build_truncated_json },
  { "error-midstream", .build = build_error_midstream },
  { "cut", .build = build_partial, .ending = ENDING_CUT },
  { "eof-no-done", .build = build_partial },
  { "stall", .build = build_partial, .ending = ENDING_STALL },
  { "slow", .build = build_normal, .delay = SLOW_DELAY_MS },
  { "sensitive", .build = build_sensitive },
  { "length", .build = build_length },
  { "network-error", .build = build_network_error },
  { "role-then-cut", .build = build_role_only, .ending = ENDING_CUT },
  { "keep-alive-then-cut", .build = build_keep_alive, .ending = ENDING_CUT },
  { "empty-stream", .build = build_nothing },
  { "auth", SOUP_STATUS_UNAUTHORIZED, "1002",
    "Authorization Token is invalid, please ensure that the Authorization Token is correctly provided." },
  { "balance", STATUS_TOO_MANY_REQUESTS, "1113",
    "Insufficient balance or no resource package. Please recharge." },
  { "quota", STATUS_TOO_MANY_REQUESTS, "1308",
    "Usage limit reached for 5 hour. Your limit will reset at 2026-08-12 18:58:34",
    .flags = SCENARIO_NUMERIC_CODE },
  { "rate-limit-once", STATUS_TOO_MANY_REQUESTS, "1302", "Rate limit reached for requests",
    .flags = SCENARIO_ONCE, .build = build_normal },
  { "rate-limit", STATUS_TOO_MANY_REQUESTS, "1302", "Rate limit reached for requests" },
  { "frequency-limit", STATUS_TOO_MANY_REQUESTS, "1303", "Request frequency is too high" },
  { "overloaded", STATUS_TOO_MANY_REQUESTS, "1312",
    "The model is currently overloaded, please try again later or switch to glm-4.5-air" },
  { "server-error", SOUP_STATUS_INTERNAL_SERVER_ERROR, "500", "Internal error" },
  { "html-error", SOUP_STATUS_BAD_GATEWAY },
  { "service-unavailable", SOUP_STATUS_SERVICE_UNAVAILABLE },
  { "gateway-timeout", SOUP_STATUS_GATEWAY_TIMEOUT },
  { "wrong-type", SOUP_STATUS_OK, "1305",
    "The service may be temporarily overloaded, please try again later" },
  { "model-not-found", SOUP_STATUS_BAD_REQUEST, "1211", "Unknown Model, please check the model code." },
  { "invalid-parameter", SOUP_STATUS_BAD_REQUEST, "1214", "max_tokens参数非法" },
  { "big", .build = build_big },
  { "invalid-utf8", .build = build_invalid_utf8 },
};

static const Scenario *
find_scenario (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (g_str_equal (scenarios[i].name, name))
      return &scenarios[i];
  return NULL;
}

static char *
dup_expected (const char *name,
              gboolean    want_content)
{
  const Scenario *scenario = find_scenario (name);
  EventWriter w;
  char *text;

  if (scenario == NULL || scenario->build == NULL)
    return NULL;
  writer_init (&w, TRUE, "", 0, "");
  scenario->build (&w);
  if (want_content)
    text = g_utf8_make_valid (w.content->str, w.content->len);
  else
    text = g_strdup (w.reasoning->str);
  writer_clear (&w);
  return text;
}

/* JSON replies */

static void
set_status (SoupServerMessage *msg,
            guint              status)
{
  soup_server_message_set_status (msg, status,
                                  status == STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  set_status (msg, status);
  soup_server_message_set_response (msg, "application/json; charset=UTF-8",
                                    SOUP_MEMORY_TAKE, data, length);
}

static void
reply_error_full (SoupServerMessage *msg,
                  guint              status,
                  const char        *code,
                  gboolean           numeric,
                  const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  if (numeric)
    json_builder_add_int_value (builder, g_ascii_strtoll (code, NULL, 10));
  else
    json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  reply_json (msg, status, builder);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *message)
{
  reply_error_full (msg, status, code, FALSE, message);
}

/* The page nginx shows when the service behind it fails. */
static void
reply_html_error (SoupServerMessage *msg,
                  guint              status)
{
  const char *phrase = soup_status_get_phrase (status);
  char *page = g_strdup_printf ("<html>\r\n<head><title>%u %s</title></head>\r\n<body>\r\n"
                                "<center><h1>%u %s</h1></center>\r\n<hr><center>nginx</center>\r\n"
                                "</body>\r\n</html>\r\n", status, phrase, status, phrase);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_TAKE, page, strlen (page));
}

/* Answers the scenario's HTTP error, if it has one to give now. */
static gboolean
reply_scenario_error (ChatFakeServer    *self,
                      SoupServerMessage *msg,
                      const Scenario    *scenario)
{
  if (scenario->status == 0)
    return FALSE;
  if (scenario->flags & SCENARIO_ONCE)
    {
      if (!g_hash_table_add (self->used_once, (gpointer) scenario->name))
        return FALSE;
    }
  if (scenario->code == NULL)
    reply_html_error (msg, scenario->status);
  else
    reply_error_full (msg, scenario->status, scenario->code,
                      scenario->flags & SCENARIO_NUMERIC_CODE, scenario->message);
  return TRUE;
}

/* Requests */

static void
chat_fake_request_free (ChatFakeRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  soup_message_headers_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request);
}

static void
record_request (ChatFakeServer    *self,
                SoupServerMessage *msg,
                const char        *path)
{
  ChatFakeRequest *request = g_new0 (ChatFakeRequest, 1);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  request->received_at = g_get_monotonic_time ();
  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (path);
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (request->headers, name, value);
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_ptr_array_add (self->requests, request);
}

static gboolean
has_bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");

  return auth != NULL && g_str_has_prefix (auth, "Bearer ") && auth[strlen ("Bearer ")] != '\0';
}

static gboolean
check_request (SoupServerMessage *msg,
               const char        *method)
{
  if (!g_str_equal (soup_server_message_get_method (msg), method))
    reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "405", "Method not allowed");
  else if (!has_bearer_token (msg))
    reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "1001",
                 "Authentication parameter not received in Header");
  else
    return TRUE;
  return FALSE;
}

/* Lenient accessors: the body is whatever the client sent. */
static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gboolean
get_boolean (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Returns the request as a JSON object with a model and messages, or NULL. */
static JsonNode *
parse_chat_body (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  gsize size;
  const char *data = g_bytes_get_data (body, &size);

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      get_string (json_node_get_object (root), "model") == NULL ||
      get_array (json_node_get_object (root), "messages") == NULL)
    return NULL;
  return json_node_copy (root);
}

/* content is a string, or (vision models) an array of parts. */
static char *
dup_message_text (JsonObject *message)
{
  JsonArray *parts = get_array (message, "content");
  GString *text;

  if (parts == NULL)
    return g_strdup (get_string (message, "content"));
  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode *part = json_array_get_element (parts, i);
      const char *part_text = NULL;

      if (JSON_NODE_HOLDS_OBJECT (part))
        part_text = get_string (json_node_get_object (part), "text");
      if (part_text != NULL)
        g_string_append (text, part_text);
    }
  return g_string_free (text, FALSE);
}

static char *
dup_last_user_text (JsonArray *messages)
{
  for (guint i = json_array_get_length (messages); i > 0; i--)
    {
      JsonNode *node = json_array_get_element (messages, i - 1);
      JsonObject *message;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      message = json_node_get_object (node);
      if (g_strcmp0 (get_string (message, "role"), "user") == 0)
        return dup_message_text (message);
    }
  return NULL;
}

static char *
dup_requested_scenario (JsonObject *body)
{
  g_autofree char *text = dup_last_user_text (get_array (body, "messages"));
  const char *found = text != NULL ? strstr (text, "scenario:") : NULL;
  gsize length;

  if (found == NULL)
    return NULL;
  found += strlen ("scenario:");
  length = strspn (found, "abcdefghijklmnopqrstuvwxyz0123456789:._-");
  /* "… scenario:slow." ends a sentence: the dot is not part of the name. */
  while (length > 0 && (found[length - 1] == '.' || found[length - 1] == ':'))
    length--;
  return length > 0 ? g_strndup (found, length) : NULL;
}

/* Streams */

static void
source_clear (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static GSource *
attach_timeout (ChatFakeServer *self,
                guint           milliseconds,
                GSourceFunc     func,
                gpointer        data)
{
  GSource *source = g_timeout_source_new (milliseconds);

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
stream_free (Stream *stream)
{
  stream->server->streams = g_list_remove (stream->server->streams, stream);
  g_clear_signal_handler (&stream->finished_id, stream->msg);
  g_clear_signal_handler (&stream->wrote_chunk_id, stream->msg);
  source_clear (&stream->timer);
  source_clear (&stream->hangup);
  g_ptr_array_unref (stream->pieces);
  g_object_unref (stream->msg);
  g_free (stream);
}

/* libsoup writes the last chunk, then finishes the message. */
static void
stream_complete (Stream *stream)
{
  soup_message_body_complete (soup_server_message_get_response_body (stream->msg));
  soup_server_message_unpause (stream->msg);
}

/* Ends the connection in the middle of a chunk: libsoup clients take an end
 * of file between chunks for the end of the body.  The message is paused
 * with everything written, so the socket is ours for a moment. */
static void
stream_shut_mid_chunk (Stream *stream)
{
  static const char half_chunk[] = "80\r\ndata: {\"id\":";
  GSocket *socket = soup_server_message_get_socket (stream->msg);

  g_socket_send (socket, half_chunk, strlen (half_chunk), NULL, NULL);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* With the socket shut, libsoup fails to write the last chunk and finishes
 * the message (stealing the connection instead would still write it). */
static void
stream_cut (Stream *stream)
{
  source_clear (&stream->timer);
  source_clear (&stream->hangup);
  stream_shut_mid_chunk (stream);
  stream_complete (stream);
}

static gboolean
stream_cut_cb (gpointer data)
{
  stream_cut (data);
  return G_SOURCE_REMOVE;
}

static gboolean
stream_hangup_cb (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      data)
{
  stream_cut (data);
  return G_SOURCE_REMOVE;
}

/* A paused message does no I/O, so only its socket shows the client leaving. */
static void
stream_stall (Stream *stream)
{
  GSocket *socket = soup_server_message_get_socket (stream->msg);

  stream->hangup = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (stream->hangup, G_SOURCE_FUNC (stream_hangup_cb), stream, NULL);
  g_source_attach (stream->hangup, stream->server->context);
  stream->timer = attach_timeout (stream->server, STALL_SECONDS * 1000, stream_cut_cb, stream);
}

static void
stream_end (Stream *stream)
{
  switch (stream->ending)
    {
    case ENDING_COMPLETE:
      stream_complete (stream);
      break;
    case ENDING_CUT:
      stream_cut (stream);
      break;
    case ENDING_STALL:
      stream_stall (stream);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
stream_tick (gpointer data)
{
  Stream *stream = data;
  SoupMessageBody *body = soup_server_message_get_response_body (stream->msg);

  g_clear_pointer (&stream->timer, g_source_unref);
  if (stream->next < stream->pieces->len)
    {
      soup_message_body_append_bytes (body, g_ptr_array_index (stream->pieces, stream->next++));
      soup_server_message_unpause (stream->msg);
    }
  else
    stream_end (stream);
  return G_SOURCE_REMOVE;
}

/* One piece in flight at a time: the pace holds between pieces that really
 * left, and the ending comes after everything before it was written. */
static void
stream_schedule (Stream *stream)
{
  if (stream->timer == NULL)
    stream->timer = attach_timeout (stream->server, stream->delay, stream_tick, stream);
}

static void
stream_start (ChatFakeServer    *self,
              SoupServerMessage *msg,
              GPtrArray         *pieces,
              Ending             ending,
              guint              delay)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Stream *stream = g_new0 (Stream, 1);

  stream->server = self;
  stream->msg = g_object_ref (msg);
  stream->pieces = pieces;
  stream->ending = ending;
  stream->delay = self->event_delay_set ? self->event_delay : delay;
  self->streams = g_list_prepend (self->streams, stream);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Type", "text/event-stream;charset=UTF-8");
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  stream->finished_id = g_signal_connect_swapped (msg, "finished", G_CALLBACK (stream_free), stream);
  stream->wrote_chunk_id = g_signal_connect_swapped (msg, "wrote-chunk",
                                                     G_CALLBACK (stream_schedule), stream);
  soup_server_message_pause (msg);
  stream_schedule (stream);
}

/* Replies */

static char *
dup_reply_id (ChatFakeServer *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d%H%M%S");

  return g_strdup_printf ("%s%016x", stamp, ++self->n_replies);
}

static void
reply_stream (ChatFakeServer    *self,
              SoupServerMessage *msg,
              const Scenario    *scenario,
              const char        *model)
{
  g_autofree char *id = dup_reply_id (self);
  EventWriter w;

  writer_init (&w, FALSE, id, g_get_real_time () / G_USEC_PER_SEC, model);
  scenario->build (&w);
  stream_start (self, msg, writer_steal_pieces (&w, scenario->flags & SCENARIO_BYTEWISE),
                scenario->ending, scenario->delay);
  writer_clear (&w);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_choice (JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_member_string (builder, "finish_reason", "stop");
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  add_member_string (builder, "content", CHAT_FAKE_CONTENT);
  add_member_string (builder, "reasoning_content", CHAT_FAKE_REASONING);
  add_member_string (builder, "role", "assistant");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
}

/* The non-streamed chat.completion, keys in the recorded order. */
static void
reply_whole (ChatFakeServer    *self,
             SoupServerMessage *msg,
             const char        *model)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = dup_reply_id (self);

  json_builder_begin_object (builder);
  add_choice (builder);
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  add_member_string (builder, "id", id);
  add_member_string (builder, "model", model);
  add_member_string (builder, "object", "chat.completion");
  add_member_string (builder, "request_id", id);
  json_builder_set_member_name (builder, "usage");
  /* USAGE_JSON is ",\"usage\":{...}": parse just the object. */
  json_builder_add_value (builder, json_from_string (strchr (USAGE_JSON, '{'), NULL));
  json_builder_end_object (builder);
  reply_json (msg, SOUP_STATUS_OK, builder);
}

/* A recorded stream goes out one event (up to a blank line) per piece. */
static GPtrArray *
split_events (GBytes *bytes)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize size, start = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  for (gsize i = 0; i < size; i++)
    {
      if (data[i] == '\n' && i > 0 && data[i - 1] == '\n')
        {
          g_ptr_array_add (pieces, g_bytes_new_from_bytes (bytes, start, i + 1 - start));
          start = i + 1;
        }
    }
  if (start < size)
    g_ptr_array_add (pieces, g_bytes_new_from_bytes (bytes, start, size - start));
  return pieces;
}

static void
reply_fixture (ChatFakeServer    *self,
               SoupServerMessage *msg,
               const char        *name,
               gboolean           stream)
{
  g_autofree char *file = g_strconcat (name, stream ? ".sse" : ".json", NULL);
  g_autofree char *path = g_build_filename (self->fixtures_dir, file, NULL);
  g_autofree char *message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *data;
  gsize size;

  if (!g_file_get_contents (path, &data, &size, NULL))
    {
      message = g_strdup_printf ("fake server: no fixture %s", path);
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "404", message);
      return;
    }
  bytes = g_bytes_new_take (data, size);
  if (stream)
    stream_start (self, msg, split_events (bytes), ENDING_COMPLETE, 0);
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json; charset=UTF-8",
                                        SOUP_MEMORY_COPY, data, size);
    }
}

static const Scenario *
lookup_scenario (SoupServerMessage *msg,
                 const char        *name)
{
  const Scenario *scenario = find_scenario (name);
  g_autofree char *message = NULL;

  if (scenario == NULL)
    {
      message = g_strdup_printf ("fake server: unknown scenario “%s”", name);
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "1210", message);
    }
  return scenario;
}

static void
handle_chat (ChatFakeServer    *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *requested = NULL;
  const char *name;
  const Scenario *scenario;
  JsonObject *body;

  if (!check_request (msg, SOUP_METHOD_POST))
    return;
  if ((root = parse_chat_body (msg)) == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "1214", "Invalid request: model and messages are required");
      return;
    }
  body = json_node_get_object (root);
  requested = dup_requested_scenario (body);
  name = requested ? requested : self->scenario ? self->scenario : "normal";
  if (g_str_has_prefix (name, "fixture:"))
    {
      reply_fixture (self, msg, name + strlen ("fixture:"), get_boolean (body, "stream"));
      return;
    }
  scenario = lookup_scenario (msg, name);
  if (scenario == NULL || reply_scenario_error (self, msg, scenario))
    return;
  if (get_boolean (body, "stream"))
    reply_stream (self, msg, scenario, get_string (body, "model"));
  else
    reply_whole (self, msg, get_string (body, "model"));
}

static void
add_model (JsonBuilder *builder,
           const char  *id,
           gint64       created)
{
  json_builder_begin_object (builder);
  add_member_string (builder, "id", id);
  add_member_string (builder, "object", "model");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, created);
  add_member_string (builder, "owned_by", "z-ai");
  json_builder_end_object (builder);
}

static void
reply_models (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_member_string (builder, "object", "list");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  add_model (builder, "glm-4.7", 1766332800);
  add_model (builder, "glm-4.6", 1759190400);
  add_model (builder, "glm-4.5-air", 1753747200);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  reply_json (msg, SOUP_STATUS_OK, builder);
}

static void
handle_models (ChatFakeServer    *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  const char *name = query ? g_hash_table_lookup (query, "scenario") : NULL;
  const Scenario *scenario;

  if (!check_request (msg, SOUP_METHOD_GET))
    return;
  if (name == NULL)
    name = self->scenario ? self->scenario : "normal";
  if (g_str_has_prefix (name, "fixture:"))
    reply_models (msg);
  else if ((scenario = lookup_scenario (msg, name)) != NULL &&
           !reply_scenario_error (self, msg, scenario))
    reply_models (msg);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  ChatFakeServer *self = user_data;

  record_request (self, msg, path);
  if (g_str_has_suffix (path, "/chat/completions"))
    handle_chat (self, msg);
  else if (g_str_has_suffix (path, "/models"))
    handle_models (self, msg, query);
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND, "404", "Not found");
}

/* The object */

static void
chat_fake_server_dispose (GObject *object)
{
  ChatFakeServer *self = CHAT_FAKE_SERVER (object);

  /* Clients see the server vanish as a cut, not as a clean end. */
  while (self->streams != NULL)
    {
      stream_shut_mid_chunk (self->streams->data);
      stream_free (self->streams->data);
    }
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (chat_fake_server_parent_class)->dispose (object);
}

static void
chat_fake_server_finalize (GObject *object)
{
  ChatFakeServer *self = CHAT_FAKE_SERVER (object);

  g_main_context_unref (self->context);
  g_free (self->scenario);
  g_free (self->fixtures_dir);
  g_ptr_array_unref (self->requests);
  g_hash_table_unref (self->used_once);

  G_OBJECT_CLASS (chat_fake_server_parent_class)->finalize (object);
}

static void
chat_fake_server_class_init (ChatFakeServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chat_fake_server_dispose;
  object_class->finalize = chat_fake_server_finalize;
}

static void
chat_fake_server_init (ChatFakeServer *self)
{
  self->server = soup_server_new (NULL, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->fixtures_dir = g_strdup (CHAT_FIXTURES_DIR);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_fake_request_free);
  self->used_once = g_hash_table_new (g_str_hash, g_str_equal);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
}

ChatFakeServer *
chat_fake_server_new (GError **error)
{
  return chat_fake_server_new_for_port (0, error);
}

ChatFakeServer *
chat_fake_server_new_for_port (guint    port,
                               GError **error)
{
  g_autoptr(ChatFakeServer) self = g_object_new (CHAT_TYPE_FAKE_SERVER, NULL);
  g_autoslist(GUri) uris = NULL;

  if (!soup_server_listen_local (self->server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return NULL;
  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  return g_steal_pointer (&self);
}

guint
chat_fake_server_get_port (ChatFakeServer *self)
{
  g_return_val_if_fail (CHAT_IS_FAKE_SERVER (self), 0);

  return self->port;
}

char *
chat_fake_server_dup_base_url (ChatFakeServer *self)
{
  return chat_fake_server_dup_url (self, "/api/paas/v4");
}

char *
chat_fake_server_dup_url (ChatFakeServer *self,
                          const char     *base_path)
{
  g_return_val_if_fail (CHAT_IS_FAKE_SERVER (self), NULL);

  return g_strdup_printf ("http://127.0.0.1:%u%s", self->port, base_path ? base_path : "");
}

void
chat_fake_server_set_scenario (ChatFakeServer *self,
                               const char     *scenario)
{
  g_return_if_fail (CHAT_IS_FAKE_SERVER (self));

  g_free (self->scenario);
  self->scenario = g_strdup (scenario);
}

void
chat_fake_server_set_fixtures_dir (ChatFakeServer *self,
                                   const char     *path)
{
  g_return_if_fail (CHAT_IS_FAKE_SERVER (self));
  g_return_if_fail (path != NULL);

  g_free (self->fixtures_dir);
  self->fixtures_dir = g_strdup (path);
}

void
chat_fake_server_set_event_delay (ChatFakeServer *self,
                                  guint           milliseconds)
{
  g_return_if_fail (CHAT_IS_FAKE_SERVER (self));

  self->event_delay = milliseconds;
  self->event_delay_set = TRUE;
}

GPtrArray *
chat_fake_server_get_requests (ChatFakeServer *self)
{
  g_return_val_if_fail (CHAT_IS_FAKE_SERVER (self), NULL);

  return self->requests;
}

void
chat_fake_server_clear_requests (ChatFakeServer *self)
{
  g_return_if_fail (CHAT_IS_FAKE_SERVER (self));

  g_ptr_array_set_size (self->requests, 0);
}

guint
chat_fake_server_get_n_streams (ChatFakeServer *self)
{
  g_return_val_if_fail (CHAT_IS_FAKE_SERVER (self), 0);

  return g_list_length (self->streams);
}

const char * const *
chat_fake_server_get_scenarios (void)
{
  static const char *names[G_N_ELEMENTS (scenarios) + 1];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
        names[i] = scenarios[i].name;
      g_once_init_leave (&initialized, 1);
    }
  return names;
}

char *
chat_fake_server_dup_expected_content (const char *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);

  return dup_expected (scenario, TRUE);
}

char *
chat_fake_server_dup_expected_reasoning (const char *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);

  return dup_expected (scenario, FALSE);
}

char *
chat_fake_server_dup_big_content (void)
{
  GString *content = g_string_sized_new (CHAT_FAKE_BIG_SIZE + 128);

  for (guint i = 0; content->len < CHAT_FAKE_BIG_SIZE; i++)
    g_string_append_printf (content,
                            "%06u The quick brown fox jumps over the lazy dog. "
                            "敏捷的棕色狐狸跳过了懒狗。\n", i);
  return g_string_free (content, FALSE);
}
