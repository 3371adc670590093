/* bench-decode.c: how fast a stream decodes (chat-sse + chat-chunk + ChatReply)
 *
 * Builds a 50 MB stream out of the recorded glm-4.5 thinking stream: its real
 * event lines (reasoning chunks, content chunks, the tool call, the final
 * usage chunk, [DONE]), one reply after another, every other reply with its
 * tokens swapped for Chinese ones.  The stream is fed in 64 KiB pieces, as a
 * socket would hand it over.  1 MB = 10^6 bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "chat-reply.h"
#include "chat-sse.h"

#define STREAM_BYTES (50 * 1000 * 1000)
#define PIECE_BYTES  (64 * 1024)
#define N_RUNS       5
#define TARGET_MB_S  50.0
#define RECORDING    "glm-4.5-thinking-thinking-streaming-0.sse"

static const char * const chinese_tokens[] = {
  "用户", "在", "询问", "意大利", "佛罗伦萨", "的", "天气", "。", "我", "可以",
  "调用", "天气", "函数", "，", "参数", "是", "地点", "“", "Florence", "”",
  "今天", "气温", "约", "40", "°C", "，", "非常", "炎热", "！",
};

typedef enum {
  KIND_OTHER,
  KIND_REASONING,
  KIND_CONTENT,
} EventKind;

typedef struct {
  char      *json;
  EventKind  kind;
  gsize      text_length;   /* bytes of reasoning or content it adds */
} Event;

typedef struct {
  GString *bytes;
  gsize    content_length;
  gsize    reasoning_length;
  guint    n_chunks;
} Stream;

typedef struct {
  ChatReply *reply;
  gsize      content_length;
  gsize      reasoning_length;
  guint      n_chunks;
} Sink;

static void
event_free (Event *event)
{
  g_free (event->json);
  g_free (event);
}

static const char *
delta_text (JsonObject *root,
            const char *name)
{
  JsonObject *choice = json_array_get_object_element (json_object_get_array_member (root, "choices"), 0);
  JsonObject *delta = json_object_get_object_member (choice, "delta");
  JsonNode *node = json_object_get_member (delta, name);

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/* Classified with json-glib directly, not with the code being measured. */
static Event *
classify (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  Event *event = g_new0 (Event, 1);
  const char *reasoning, *content;
  JsonObject *root;

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_error ("the recording has a broken event: %s", json);
  root = json_node_get_object (json_parser_get_root (parser));
  reasoning = delta_text (root, "reasoning_content");
  content = delta_text (root, "content");

  event->json = g_strdup (json);
  if (reasoning && *reasoning)
    {
      event->kind = KIND_REASONING;
      event->text_length = strlen (reasoning);
    }
  else if (content && *content)
    {
      event->kind = KIND_CONTENT;
      event->text_length = strlen (content);
    }
  return event;
}

static GPtrArray *
load_recording (void)
{
  g_autofree char *path = g_build_filename (CHAT_FIXTURES_DIR, RECORDING, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "data: {"))
      g_ptr_array_add (events, classify (lines[i] + strlen ("data: ")));
  return events;
}

/* The event with the text of @key's string value replaced by @text. */
static void
append_varied (GString    *out,
               const char *json,
               const char *key,
               const char *text)
{
  const char *value = strstr (json, key) + strlen (key);
  const char *end = value;

  while (*end != '"')
    end += end[0] == '\\' ? 2 : 1;
  g_string_append_len (out, json, value - json);
  g_string_append (out, text);
  g_string_append (out, end);
}

static void
append_reply (Stream    *stream,
              GPtrArray *events,
              gboolean   chinese,
              guint     *token)
{
  for (guint i = 0; i < events->len; i++)
    {
      Event *event = g_ptr_array_index (events, i);
      const char *text = chinese_tokens[*token % G_N_ELEMENTS (chinese_tokens)];
      gboolean vary = chinese && event->kind != KIND_OTHER;
      gsize added = vary ? strlen (text) : event->text_length;

      g_string_append (stream->bytes, "data: ");
      if (vary)
        append_varied (stream->bytes, event->json,
                       event->kind == KIND_REASONING ? "\"reasoning_content\":\"" : "\"content\":\"",
                       text);
      else
        g_string_append (stream->bytes, event->json);
      g_string_append (stream->bytes, "\n\n");

      *token += vary;
      stream->n_chunks++;
      if (event->kind == KIND_REASONING)
        stream->reasoning_length += added;
      else if (event->kind == KIND_CONTENT)
        stream->content_length += added;
    }
  g_string_append (stream->bytes, "data: [DONE]\n\n");
}

static Stream
build_stream (GPtrArray *events)
{
  Stream stream = { g_string_sized_new (STREAM_BYTES + 64 * 1024), 0, 0, 0 };
  guint token = 0;

  for (guint reply = 0; stream.bytes->len < STREAM_BYTES; reply++)
    append_reply (&stream, events, reply % 2 == 1, &token);
  return stream;
}

static gboolean
on_event (const char *data,
          gsize       length,
          gpointer    user_data)
{
  Sink *sink = user_data;
  g_autoptr(ChatDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  /* One reply per stream in real use: count it and start the next. */
  if (chat_chunk_is_done (data, length))
    {
      sink->content_length += chat_reply_get_content_length (sink->reply);
      sink->reasoning_length += chat_reply_get_reasoning_length (sink->reply);
      chat_reply_reset (sink->reply);
      return TRUE;
    }

  delta = chat_chunk_parse (data, length, &error);
  if (delta == NULL)
    g_error ("chunk %u did not decode: %s", sink->n_chunks, error->message);
  chat_reply_apply (sink->reply, delta);
  sink->n_chunks++;
  return TRUE;
}

/* Returns the time one pass took, in microseconds. */
static gint64
run_once (const Stream *stream)
{
  Sink sink = { chat_reply_new (), 0, 0, 0 };
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (on_event, &sink);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  for (gsize offset = 0; offset < stream->bytes->len; offset += PIECE_BYTES)
    if (!chat_sse_parser_feed (parser, stream->bytes->str + offset,
                               MIN (PIECE_BYTES, stream->bytes->len - offset), &error))
      g_error ("feed: %s", error->message);
  if (!chat_sse_parser_finish (parser, &error))
    g_error ("finish: %s", error->message);
  elapsed = g_get_monotonic_time () - start;

  /* Checked after the clock stops, but it uses every result: nothing can be skipped. */
  if (sink.content_length != stream->content_length
      || sink.reasoning_length != stream->reasoning_length
      || sink.n_chunks != stream->n_chunks)
    g_error ("decoded %zu content bytes, %zu reasoning bytes, %u chunks; expected %zu, %zu, %u",
             sink.content_length, sink.reasoning_length, sink.n_chunks,
             stream->content_length, stream->reasoning_length, stream->n_chunks);
  g_object_unref (sink.reply);
  return elapsed;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) events = load_recording ();
  Stream stream = build_stream (events);
  double mb = stream.bytes->len / 1e6;
  double rates[N_RUNS], us_per_chunk[N_RUNS];

  for (guint i = 0; i < N_RUNS; i++)
    {
      gint64 elapsed = run_once (&stream);

      rates[i] = mb / (elapsed / 1e6);
      us_per_chunk[i] = (double) elapsed / stream.n_chunks;
    }
  qsort (rates, N_RUNS, sizeof (double), compare_doubles);
  qsort (us_per_chunk, N_RUNS, sizeof (double), compare_doubles);

  g_print ("decode: %.1f MB/s, %.2f us/chunk (median of %d runs, %u chunks, %.1f MB)\n",
           rates[N_RUNS / 2], us_per_chunk[N_RUNS / 2], N_RUNS, stream.n_chunks, mb);
  g_print ("{\"name\":\"decode\",\"unit\":\"MB/s\",\"median\":%.1f,\"min\":%.1f,\"max\":%.1f,\"target\":%.0f}\n",
           rates[N_RUNS / 2], rates[0], rates[N_RUNS - 1], TARGET_MB_S);
  g_string_free (stream.bytes, TRUE);
  return EXIT_SUCCESS;
}
