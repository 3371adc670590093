/* fuzz-sse.c: an event stream, split anywhere, gives the same events
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte picks where the rest is cut in two and after how many
 * events the callback stops the parser; streams up to 1 KiB are also fed
 * one byte at a time.  The events must be those of the stream fed whole,
 * each one NUL-terminated and without a "\r".  Every
 * event then goes through the chunk decoder into a ChatReply, the way
 * ChatClient uses them.
 */

#include <string.h>

#include "chat-chunk.h"
#include "chat-error.h"
#include "chat-fuzz.h"
#include "chat-reply.h"
#include "chat-sse.h"

typedef struct {
  GPtrArray *events;      /* GBytes */
  guint      stop_after;  /* 0: never stop */
} Collector;

static gboolean
collect (const char *data,
         gsize       length,
         gpointer    user_data)
{
  Collector *collector = user_data;

  chat_fuzz_check (data[length] == '\0', "event data is NUL-terminated");
  chat_fuzz_check (memchr (data, '\r', length) == NULL, "event data holds no CR");
  g_ptr_array_add (collector->events, g_bytes_new (data, length));
  return collector->stop_after == 0 || collector->events->len < collector->stop_after;
}

/* Feeds @stream cut before each of @cuts (ascending); FALSE when the parser failed. */
static gboolean
parse (const guint8 *stream,
       gsize         length,
       const gsize  *cuts,
       guint         n_cuts,
       Collector    *collector)
{
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (collect, collector);
  g_autoptr(GError) error = NULL;
  gsize start = 0;

  for (guint i = 0; i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : length;

      if (!chat_sse_parser_feed (parser, (const char *) stream + start, end - start, &error))
        {
          chat_fuzz_check (g_error_matches (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL),
                           "a feed fails with a protocol error");
          return FALSE;
        }
      start = end;
    }
  if (!chat_sse_parser_finish (parser, &error))
    return FALSE;
  chat_fuzz_check (chat_sse_parser_is_stopped (parser)
                   == (collector->stop_after != 0 && collector->events->len >= collector->stop_after),
                   "the parser is stopped exactly when the callback said so");
  return TRUE;
}

static void
check_same_events (GPtrArray *a,
                   GPtrArray *b)
{
  chat_fuzz_check (a->len == b->len, "as many events split as whole");
  for (guint i = 0; i < a->len; i++)
    chat_fuzz_check (g_bytes_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)),
                     "the same events split as whole");
}

/* What ChatClient does with each event, up to [DONE]. */
static void
decode_events (GPtrArray *events)
{
  g_autoptr(ChatReply) reply = chat_reply_new ();

  for (guint i = 0; i < events->len; i++)
    {
      gsize length;
      const char *data = g_bytes_get_data (g_ptr_array_index (events, i), &length);
      g_autoptr(ChatDelta) delta = NULL;
      g_autoptr(GError) error = NULL;

      /* An empty GBytes gives NULL; the parser gave ChatClient "". */
      if (data == NULL)
        data = "";
      if (chat_chunk_is_done (data, length))
        break;
      delta = chat_chunk_parse (data, length, &error);
      chat_fuzz_check ((delta == NULL) != (error == NULL), "a delta or an error");
      if (delta != NULL)
        chat_reply_apply (reply, delta);
    }
  chat_fuzz_check (g_utf8_validate (chat_reply_get_content (reply), -1, NULL),
                   "the reply's content is UTF-8");
  chat_fuzz_check (g_utf8_validate (chat_reply_get_reasoning (reply), -1, NULL),
                   "the reply's reasoning is UTF-8");
}

static Collector
collector_new (guint stop_after)
{
  return (Collector) { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), stop_after };
}

/* Small streams are also fed one byte at a time. */
static void
check_bytewise (const guint8 *stream,
                gsize         length,
                Collector    *whole,
                gboolean      whole_ok)
{
  Collector bytewise = collector_new (0);
  g_autofree gsize *cuts = g_new (gsize, length);

  for (gsize i = 1; i < length; i++)
    cuts[i - 1] = i;
  chat_fuzz_check (parse (stream, length, cuts, length > 0 ? length - 1 : 0, &bytewise) == whole_ok,
                   "a stream fed byte by byte fails as the whole one");
  check_same_events (whole->events, bytewise.events);
  g_ptr_array_unref (bytewise.events);
}

void
chat_fuzz_sse (const guint8 *data,
               gsize         size)
{
  static const guint8 nothing[1] = { 0 };
  Collector whole = collector_new (0);
  Collector split;
  const guint8 *stream;
  gsize length, cut;
  gboolean whole_ok, split_ok;

  if (size == 0)
    {
      data = nothing;
      size = 1;
    }
  stream = data + 1;
  length = size - 1;
  cut = length * data[0] / 255;
  whole_ok = parse (stream, length, NULL, 0, &whole);
  decode_events (whole.events);
  if (length <= 1024)
    check_bytewise (stream, length, &whole, whole_ok);

  /* Stop after 1..8 events, or never. */
  split = collector_new (data[0] % 9);
  split_ok = parse (stream, length, &cut, 1, &split);
  if (split.stop_after != 0 && whole.events->len >= split.stop_after)
    g_ptr_array_set_size (whole.events, split.stop_after);
  else
    chat_fuzz_check (whole_ok == split_ok, "a split stream fails as the whole one");
  check_same_events (whole.events, split.events);

  g_ptr_array_unref (whole.events);
  g_ptr_array_unref (split.events);
}
