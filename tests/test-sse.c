/* test-sse.c: the incremental SSE parser, split at every byte */
#include <string.h>

#include <json-glib/json-glib.h>

#include "chat-chunk.h"
#include "chat-error.h"
#include "chat-sse.h"

#define MIB (1024 * 1024)

/* Compares each event as it comes with the expected list, so that parsing a
 * fixture at every split point stays cheap. */
typedef struct {
  GPtrArray *expected;   /* of GBytes */
  guint      n_seen;
  guint      n_wrong;
  guint      stop_after; /* 0: never stop */
} Checker;

static gboolean
check_event (const char *data,
             gsize       length,
             gpointer    user_data)
{
  Checker *checker = user_data;
  GBytes *expected = checker->n_seen < checker->expected->len
                     ? g_ptr_array_index (checker->expected, checker->n_seen) : NULL;
  gsize expected_length;
  const char *expected_data;

  expected_data = expected ? g_bytes_get_data (expected, &expected_length) : NULL;
  if (expected == NULL || expected_length != length
      || (length > 0 && memcmp (expected_data, data, length) != 0))
    checker->n_wrong++;
  checker->n_seen++;
  return checker->stop_after == 0 || checker->n_seen < checker->stop_after;
}

static gboolean
collect_event (const char *data,
               gsize       length,
               gpointer    user_data)
{
  g_assert_cmpint (data[length], ==, '\0');
  g_ptr_array_add (user_data, g_bytes_new (data, length));
  return TRUE;
}

static GPtrArray *
parse_whole (const char *input,
             gsize       length)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (collect_event, events);
  g_autoptr(GError) error = NULL;

  g_assert_true (chat_sse_parser_feed (parser, input, length, &error));
  g_assert_no_error (error);
  g_assert_true (chat_sse_parser_finish (parser, &error));
  g_assert_no_error (error);
  return events;
}

static GPtrArray *
bytes_array_from_strv (const char * const *strings)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (gsize i = 0; strings[i] != NULL; i++)
    g_ptr_array_add (array, g_bytes_new (strings[i], strlen (strings[i])));
  return array;
}

static void
feed_ok (ChatSseParser *parser,
         const char    *bytes,
         gsize          length)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (chat_sse_parser_feed (parser, bytes, length, &error));
  g_assert_no_error (error);
}

static void
finish_and_check (ChatSseParser *parser,
                  Checker       *checker)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (chat_sse_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (checker->n_wrong, ==, 0);
  g_assert_cmpuint (checker->n_seen, ==, checker->expected->len);
}

/* Two feeds [0, i) and [i, n) for every i, then one byte per feed. */
static void
assert_events_at_every_split (const char *input,
                              gsize       length,
                              GPtrArray  *expected)
{
  for (gsize i = 0; i <= length; i++)
    {
      Checker checker = { expected, 0, 0, 0 };
      g_autoptr(ChatSseParser) parser = chat_sse_parser_new (check_event, &checker);

      feed_ok (parser, input, i);
      feed_ok (parser, input + i, length - i);
      finish_and_check (parser, &checker);
    }

  {
    Checker checker = { expected, 0, 0, 0 };
    g_autoptr(ChatSseParser) parser = chat_sse_parser_new (check_event, &checker);

    for (gsize i = 0; i < length; i++)
      feed_ok (parser, input + i, 1);
    finish_and_check (parser, &checker);
  }
}

static void
assert_events (const char         *input,
               const char * const *expected_strings)
{
  g_autoptr(GPtrArray) expected = bytes_array_from_strv (expected_strings);
  g_autoptr(GPtrArray) whole = parse_whole (input, strlen (input));

  g_assert_cmpuint (whole->len, ==, expected->len);
  for (guint i = 0; i < whole->len; i++)
    g_assert_true (g_bytes_equal (whole->pdata[i], expected->pdata[i]));
  assert_events_at_every_split (input, strlen (input), expected);
}

static gint64
expected_event_count (const char *sse_path)
{
  g_autoptr(GString) path = g_string_new (sse_path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_string_truncate (path, path->len - strlen (".sse"));
  g_string_append (path, ".expected.json");
  json_parser_load_from_file (parser, path->str, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  return json_object_get_int_member (root, "events");
}

static void
check_fixture (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  gsize length;
  GBytes *last;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  events = parse_whole (contents, length);

  /* "events" in NAME.expected.json counts the JSON chunks: [DONE] is not one. */
  g_assert_cmpuint (events->len, >, 1);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_true (chat_chunk_is_done (g_bytes_get_data (last, NULL), g_bytes_get_size (last)));
  g_assert_cmpint (events->len - 1, ==, expected_event_count (path));

  assert_events_at_every_split (contents, length, events);
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

static void
test_line_ends (void)
{
  assert_events ("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n",
                 (const char *[]) { "a", "b", "c", "d", NULL });
  assert_events ("data: crlf\r\n\r\n", (const char *[]) { "crlf", NULL });
  assert_events ("data: cr\r\r", (const char *[]) { "cr", NULL });
  /* "\r\n" is one line end, "\n\r" two. */
  assert_events ("data: a\r\ndata: b\r\n\r\n", (const char *[]) { "a\nb", NULL });
  assert_events ("data: a\n\rdata: b\n\n", (const char *[]) { "a", "b", NULL });
}

static void
test_cr_then_lf_across_feeds (void)
{
  g_autoptr(GPtrArray) expected = bytes_array_from_strv ((const char *[]) { "a\nb", NULL });
  Checker checker = { expected, 0, 0, 0 };
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (check_event, &checker);

  feed_ok (parser, "data: a\r", 8);
  feed_ok (parser, "", 0);
  feed_ok (parser, "\ndata: b\n\n", 10);
  finish_and_check (parser, &checker);
}

static void
test_data_field (void)
{
  assert_events ("data:x\n\n", (const char *[]) { "x", NULL });
  /* Only one space after the colon belongs to the syntax. */
  assert_events ("data:  two\n\n", (const char *[]) { " two", NULL });
  assert_events ("data: a\ndata: b\ndata:\n\n", (const char *[]) { "a\nb\n", NULL });
  assert_events ("data\n\n", (const char *[]) { "", NULL });
  assert_events ("data: {\"a\":\ndata: 1}\n\n", (const char *[]) { "{\"a\":\n1}", NULL });
  assert_events ("dataX: no\ndata : no\nDATA: no\n\n", (const char *[]) { NULL });
}

static void
test_ignored_lines (void)
{
  assert_events (": keep-alive\n"
                 "event: message\n"
                 "id: 42\n"
                 "retry: 1000\n"
                 "vendor-field: 1\n"
                 "data: x\n"
                 ":data: not data\n"
                 "\n"
                 "event: error\nid: 7\n\n"
                 ": only a comment\n\n",
                 (const char *[]) { "x", NULL });
}

static void
test_bom (void)
{
  assert_events ("\xEF\xBB\xBF" "data: a\n\n", (const char *[]) { "a", NULL });
  /* Only at the very start; later it is part of the line (an unknown field). */
  assert_events ("data: a\n\n\xEF\xBB\xBF" "data: b\n\n", (const char *[]) { "a", NULL });
  assert_events ("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\n", (const char *[]) { NULL });
  /* Half a BOM is not one: its bytes stay on the first line. */
  assert_events ("\xEF\xBB" "data: a\n\ndata: b\n\n", (const char *[]) { "b", NULL });
  assert_events ("\xEF" "\ndata: b\n\n", (const char *[]) { "b", NULL });
}

static void
test_bom_at_end_of_stream (void)
{
  g_autoptr(GPtrArray) events = parse_whole ("\xEF\xBB", 2);

  g_assert_cmpuint (events->len, ==, 0);
}

static void
feed_repeated (ChatSseParser *parser,
               const char    *piece,
               gsize          piece_length,
               guint          n_pieces)
{
  for (guint i = 0; i < n_pieces; i++)
    feed_ok (parser, piece, piece_length);
}

/* A line of exactly the limit is fine, one byte more is not. */
static void
test_line_limit (void)
{
  g_autofree char *piece = g_malloc (MIB);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (collect_event, events);

  G_STATIC_ASSERT (CHAT_SSE_MAX_LINE_LENGTH == 16 * MIB);
  memset (piece, 'a', MIB);
  feed_ok (parser, "data:", 5);
  feed_ok (parser, piece, MIB - 5);
  feed_repeated (parser, piece, MIB, 15);
  feed_ok (parser, "\n\n", 2);

  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (events->pdata[0]), ==, 16 * MIB - 5);
}

static gboolean
fail_on_event (const char *data,
               gsize       length,
               gpointer    user_data)
{
  g_assert_not_reached ();
  return FALSE;
}

static void
assert_too_long (ChatSseParser *parser,
                 const char    *bytes,
                 gsize          length)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (chat_sse_parser_feed (parser, bytes, length, &error));
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL);
}

static void
test_line_too_long (void)
{
  g_autofree char *piece = g_malloc (MIB);
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (fail_on_event, NULL);
  g_autoptr(GError) error = NULL;

  memset (piece, 'a', MIB);
  feed_ok (parser, "data: ", 6);
  feed_ok (parser, piece, MIB - 6);
  feed_repeated (parser, piece, MIB, 15);
  assert_too_long (parser, "a", 1);

  /* The stream stays broken: nothing more is buffered or dispatched. */
  assert_too_long (parser, "\n\n", 2);
  g_assert_false (chat_sse_parser_finish (parser, &error));
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL);
}

/* Lines longer than the limit inside one feed fail before being copied. */
static void
test_line_too_long_in_one_feed (void)
{
  gsize length = 16 * MIB + 16;
  g_autofree char *input = g_malloc (length);
  g_autoptr(ChatSseParser) complete = chat_sse_parser_new (fail_on_event, NULL);
  g_autoptr(ChatSseParser) partial = chat_sse_parser_new (fail_on_event, NULL);

  memcpy (input, "data: ", 6);
  memset (input + 6, 'a', length - 6);
  input[length - 2] = input[length - 1] = '\n';
  assert_too_long (complete, input, length);
  assert_too_long (partial, input, length - 2);
}

static void
test_event_too_long (void)
{
  g_autofree char *line = g_malloc (MIB);
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (fail_on_event, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  memcpy (line, "data: ", 6);
  memset (line + 6, 'a', MIB - 7);
  line[MIB - 1] = '\n';
  for (guint i = 0; i < 17 && ok; i++)
    ok = chat_sse_parser_feed (parser, line, MIB, &error);
  g_assert_false (ok);
  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL);
}

static void
test_stop_from_callback (void)
{
  g_autoptr(GPtrArray) expected = bytes_array_from_strv ((const char *[]) { "a", NULL });
  Checker checker = { expected, 0, 0, 1 };
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (check_event, &checker);
  g_autoptr(GError) error = NULL;

  g_assert_false (chat_sse_parser_is_stopped (parser));
  feed_ok (parser, "data: a\n\ndata: b\n\ndata: c", 25);
  g_assert_true (chat_sse_parser_is_stopped (parser));
  feed_ok (parser, "\n\ndata: d\n\n", 11);
  finish_and_check (parser, &checker);
  g_assert_true (chat_sse_parser_is_stopped (parser));
}

static void
test_finish_dispatches_pending (void)
{
  g_autoptr(GPtrArray) lines = parse_whole ("data: a\ndata: b\n", 16);
  g_autoptr(GPtrArray) no_line_end = parse_whole ("data: a\n\ndata: [DONE]", 21);
  g_autoptr(GPtrArray) cr = parse_whole ("data: x\r", 8);
  g_autoptr(GPtrArray) complete = parse_whole ("data: a\n\n", 9);
  g_autoptr(GPtrArray) no_data = parse_whole ("event: x\nid: 1", 14);

  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpmem (g_bytes_get_data (lines->pdata[0], NULL), 3, "a\nb", 3);
  g_assert_cmpuint (no_line_end->len, ==, 2);
  g_assert_cmpmem (g_bytes_get_data (no_line_end->pdata[1], NULL), 6, "[DONE]", 6);
  g_assert_cmpuint (cr->len, ==, 1);
  g_assert_cmpuint (complete->len, ==, 1);
  g_assert_cmpuint (no_data->len, ==, 0);
}

static void
test_empty_stream (void)
{
  g_autoptr(GPtrArray) nothing = parse_whole ("", 0);
  g_autoptr(GPtrArray) blank = parse_whole ("\n\n\r\n\r\r", 6);

  g_assert_cmpuint (nothing->len, ==, 0);
  g_assert_cmpuint (blank->len, ==, 0);
}

/* Events are handed over NUL-terminated even when they were never copied
 * through a partial line: the chunk parser relies on it. */
static void
test_buffers_reused (void)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GPtrArray) events = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (input, "data: {\"n\":%u}\n\n", i);
  events = parse_whole (input->str, input->len);

  g_assert_cmpuint (events->len, ==, 1000);
  g_assert_cmpmem (g_bytes_get_data (events->pdata[999], NULL),
                   g_bytes_get_size (events->pdata[999]), "{\"n\":999}", 9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sse/fixtures", test_fixtures);
  g_test_add_func ("/sse/line-ends", test_line_ends);
  g_test_add_func ("/sse/cr-then-lf-across-feeds", test_cr_then_lf_across_feeds);
  g_test_add_func ("/sse/data-field", test_data_field);
  g_test_add_func ("/sse/ignored-lines", test_ignored_lines);
  g_test_add_func ("/sse/bom", test_bom);
  g_test_add_func ("/sse/bom-at-end-of-stream", test_bom_at_end_of_stream);
  g_test_add_func ("/sse/line-limit", test_line_limit);
  g_test_add_func ("/sse/line-too-long", test_line_too_long);
  g_test_add_func ("/sse/line-too-long-in-one-feed", test_line_too_long_in_one_feed);
  g_test_add_func ("/sse/event-too-long", test_event_too_long);
  g_test_add_func ("/sse/stop-from-callback", test_stop_from_callback);
  g_test_add_func ("/sse/finish-dispatches-pending", test_finish_dispatches_pending);
  g_test_add_func ("/sse/empty-stream", test_empty_stream);
  g_test_add_func ("/sse/many-events", test_buffers_reused);

  return g_test_run ();
}
