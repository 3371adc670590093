/* bench-stream.c: a long reply streaming into a long conversation
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under Xvfb: a ChatConversationView shows a conversation of --messages
 * stored messages while liao-fake-server streams --tokens tokens into it at
 * --rate tokens a second (a recorded stream in the fake server's fixture
 * format, one event per piece, --tokens-per-event tokens per event).  The
 * text is Markdown of the usual shape: paragraphs, lists, code, Chinese.
 *
 * It prints the renderer, the rate reached, the frame intervals (p50, p99,
 * max; from the frame clock's after-paint), the longest main-loop stall (a
 * 5 ms timer's longest lateness, and when it ended), CPU time over wall time (getrusage, this
 * process only: the server runs in its own) and RSS growth.
 *
 *   xvfb-run -a -s "-screen 0 1280x1024x24" env GDK_BACKEND=x11 \
 *     GSK_RENDERER=cairo bench-stream --server _build/tests/liao-fake-server
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <adwaita.h>

#include "bench-frames.h"
#include "chat-composer.h"
#include "chat-conversation-view.h"
#include "chat-exchange-registry.h"

#define STALL_TIMER_MS 5

static int n_tokens = 100000;
static int rate = 1000;
static int n_messages = 2000;
static int tokens_per_event = 4;
static int reasoning_tokens = 0;
static char *server_path;

static const GOptionEntry entries[] = {
  { "tokens", 0, 0, G_OPTION_ARG_INT, &n_tokens, "Tokens to stream (100000)", "N" },
  { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Tokens a second (1000)", "N" },
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages already in the conversation (2000)", "N" },
  { "tokens-per-event", 0, 0, G_OPTION_ARG_INT, &tokens_per_event, "Tokens in each streamed event (4)", "N" },
  { "reasoning", 0, 0, G_OPTION_ARG_INT, &reasoning_tokens, "Of the tokens, how many come first as reasoning (0)", "N" },
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "liao-fake-server (default: $LIAO_FAKE_SERVER)", "PATH" },
  { NULL }
};

typedef struct {
  GArray *frames;         /* gint64 monotonic times of after-paint */
  GArray *starts;         /* gint64 monotonic times of the frames' update */
  GArray *work;           /* gint64 durations, frame clock update to after-paint */
  gint64  update_started;
  gint64  last_timer;
  gint64  longest_stall;
  gint64  longest_stall_at;  /* when it ended, monotonic */
  gboolean measuring;
} Measure;

/* --- the text ------------------------------------------------------------ */

static const char * const words[] = {
  "the", "model", "streams", "an", "answer", "while", "the", "window", "stays",
  "smooth,", "and", "every", "frame", "draws", "only", "what", "changed.", "GLM",
  "模型", "正在", "回答", "问题，", "界面", "保持", "流畅。", "tokens", "arrive",
};

/* Token @i of a reply: words, with a paragraph break, a list or a code
 * block now and then. */
static const char *
token_at (guint i)
{
  static char token[64];
  guint in_part = i % 400;

  if (in_part == 399)
    return "\n\n";
  if (in_part == 300)
    return "\n\n```c\n";
  if (in_part > 300 && in_part < 340)
    {
      g_snprintf (token, sizeof token, "x%u = f (x%u);\n", i % 97, i % 89);
      return token;
    }
  if (in_part == 340)
    return "```\n\n";
  if (in_part >= 200 && in_part < 260 && in_part % 12 == 0)
    return "\n- ";
  if (in_part % 80 == 79)
    return "\n\n";
  g_snprintf (token, sizeof token, "%s ", words[i % G_N_ELEMENTS (words)]);
  return token;
}

static char *
event_json (const char *content,
            const char *finish_reason,
            gboolean    reasoning)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "bench");
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, "glm-4.7");
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "delta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, reasoning ? "reasoning_content" : "content");
  json_builder_add_string_value (builder, content);
  json_builder_end_object (builder);
  if (finish_reason != NULL)
    {
      json_builder_set_member_name (builder, "finish_reason");
      json_builder_add_string_value (builder, finish_reason);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Writes DIR/bench.sse; returns the content it streams. */
static char *
write_fixture (const char *dir)
{
  g_autoptr(GString) sse = g_string_new (NULL);
  g_autoptr(GString) content = g_string_new (NULL);
  g_autofree char *path = g_build_filename (dir, "bench.sse", NULL);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < n_tokens; i += tokens_per_event)
    {
      g_autoptr(GString) piece = g_string_new (NULL);
      g_autofree char *json = NULL;

      for (int j = i; j < MIN (i + tokens_per_event, n_tokens); j++)
        g_string_append (piece, token_at (j));
      if (i >= reasoning_tokens)
        g_string_append (content, piece->str);
      json = event_json (piece->str, NULL, i < reasoning_tokens);
      g_string_append_printf (sse, "data: %s\n\n", json);
    }
  {
    g_autofree char *last = event_json ("", "stop", FALSE);

    g_string_append_printf (sse, "data: %s\n\ndata: [DONE]\n\n", last);
  }
  if (!g_file_set_contents (path, sse->str, sse->len, &error))
    g_error ("%s", error->message);
  return g_strdup (content->str);
}

/* --- the conversation ---------------------------------------------------- */

#define STORED_ANSWER \
  "Here is what I found.\n\nThe **first** point is simple; the second needs `code`:\n\n" \
  "```python\nfor i in range (10):\n    print (i)\n```\n\n- one item\n- two items\n\n" \
  "最后，总结一下：流式输出不应让界面卡顿。"

static gint64
fill_store (ChatStore *store)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new ("Benchmark");
  g_autoptr(GError) error = NULL;
  gint64 parent = 0;

  if (!chat_store_add_conversation (store, conversation, &error))
    g_error ("%s", error->message);
  for (int i = 0; i < n_messages; i++)
    {
      g_autofree char *text = g_strdup_printf ("Question %d: how does it stream?", i / 2);
      g_autoptr(ChatMessage) message = chat_message_new (i % 2 == 0 ? "user" : "assistant",
                                                         i % 2 == 0 ? text : STORED_ANSWER);

      chat_message_set_conversation_id (message, chat_conversation_get_id (conversation));
      chat_message_set_parent_id (message, parent);
      if (!chat_store_add_message (store, message, &error))
        g_error ("%s", error->message);
      parent = chat_message_get_id (message);
    }
  return chat_conversation_get_id (conversation);
}

/* --- the server ---------------------------------------------------------- */

static GSubprocess *
start_server (const char  *fixtures,
              char       **base_url)
{
  g_autofree char *delay = g_strdup_printf ("%d", MAX (1, tokens_per_event * 1000 / rate));
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *port = NULL;
  GSubprocess *server;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                             server_path, "--fixtures", fixtures, "--event-delay", delay,
                             "--stdin-lifetime", NULL);
  if (server == NULL)
    g_error ("%s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  port = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (port == NULL)
    g_error ("no port from %s", server_path);
  *base_url = g_strdup_printf ("http://127.0.0.1:%s/api/paas/v4", port);
  return server;
}

/* --- measuring ----------------------------------------------------------- */

static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

static gint64
cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC
         + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static void
on_update (GdkFrameClock *clock,
           Measure       *measure)
{
  measure->update_started = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Measure       *measure)
{
  gint64 now = g_get_monotonic_time ();
  gint64 work = now - measure->update_started;

  if (!measure->measuring)
    return;
  if (g_getenv ("BENCH_STALLS") && measure->update_started != 0 && work > 12000)
    fprintf (stderr, "slow frame %.1f ms from %.4f to %.4f\n", work / 1000.0, measure->update_started / 1e6, now / 1e6);
  if (g_getenv ("BENCH_TRACE") && measure->update_started != 0)
    fprintf (stderr, "frame %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", measure->update_started, work);
  g_array_append_val (measure->frames, now);
  if (measure->update_started != 0)
    {
      g_array_append_val (measure->starts, measure->update_started);
      g_array_append_val (measure->work, work);
    }
  measure->update_started = 0;
}

static gboolean
on_stall_timer (gpointer user_data)
{
  Measure *measure = user_data;
  gint64 now = g_get_monotonic_time ();

  if (g_getenv ("BENCH_STALLS") && measure->measuring && measure->last_timer != 0 &&
      now - measure->last_timer - STALL_TIMER_MS * 1000 > 12000)
    fprintf (stderr, "stall %.1f ms at %.3f s\n", (now - measure->last_timer - STALL_TIMER_MS * 1000) / 1000.0,
             now / 1e6);
  if (measure->measuring && measure->last_timer != 0 &&
      now - measure->last_timer - STALL_TIMER_MS * 1000 > measure->longest_stall)
    {
      measure->longest_stall = now - measure->last_timer - STALL_TIMER_MS * 1000;
      measure->longest_stall_at = now;
    }
  measure->last_timer = now;
  return G_SOURCE_CONTINUE;
}

/* How long the frames' own work took (update, layout and paint): a long
 * interval with short work is the machine, not Liao. */
static void
print_work (GArray *work)
{
  if (work->len == 0)
    return;
  g_array_sort (work, bench_compare_int64);
  printf ("frame work: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
          g_array_index (work, gint64, work->len / 2) / 1000.0,
          g_array_index (work, gint64, work->len * 99 / 100) / 1000.0,
          g_array_index (work, gint64, work->len - 1) / 1000.0);
}

static void
iterate_for (gint64 microseconds)
{
  gint64 end = g_get_monotonic_time () + microseconds;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

/* --- main ---------------------------------------------------------------- */

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static ChatConversationView *
open_window (ChatStore  *store,
             const char *base_url,
             gint64      conversation_id)
{
  g_autoptr(ChatClient) client = chat_client_new ();
  GtkWidget *view = chat_conversation_view_new (store, client);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  chat_conversation_view_set_base_url_override (CHAT_CONVERSATION_VIEW (view), base_url);
  gtk_window_set_default_size (window, 1000, 800);
  gtk_window_set_child (window, view);
  gtk_window_present (window);
  chat_conversation_view_show_conversation (CHAT_CONVERSATION_VIEW (view), conversation_id);
  while (!gtk_widget_get_mapped (view))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (G_USEC_PER_SEC);
  return CHAT_CONVERSATION_VIEW (view);
}

static ChatComposer *
find_composer (GtkWidget *widget)
{
  if (CHAT_IS_COMPOSER (widget))
    return CHAT_COMPOSER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ChatComposer *found = find_composer (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
run (ChatStore *store,
     gint64     conversation_id,
     const char *base_url,
     const char *expected)
{
  ChatConversationView *view = open_window (store, base_url, conversation_id);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  ChatComposer *composer = find_composer (GTK_WIDGET (view));
  Measure measure = { .frames = g_array_new (FALSE, FALSE, sizeof (gint64)),
                      .starts = g_array_new (FALSE, FALSE, sizeof (gint64)),
                      .work = g_array_new (FALSE, FALSE, sizeof (gint64)) };
  gint64 rss_before = rss_kb (), cpu_before = cpu_us (), started, wall;
  ChatConversation *conversation = chat_conversation_view_get_conversation (view);
  ChatMessage *answer;

  g_signal_connect (clock, "update", G_CALLBACK (on_update), &measure);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &measure);
  g_timeout_add (STALL_TIMER_MS, on_stall_timer, &measure);
  chat_composer_set_text (composer, "Stream the benchmark, please. scenario:fixture:bench");
  measure.measuring = TRUE;
  started = g_get_monotonic_time ();
  g_signal_emit_by_name (composer, "send");
  while (chat_conversation_view_get_busy (view))
    g_main_context_iteration (NULL, TRUE);
  wall = g_get_monotonic_time () - started;
  measure.measuring = FALSE;

  answer = chat_conversation_get_message (conversation, g_list_model_get_n_items (G_LIST_MODEL (conversation)) - 1);
  printf ("renderer: %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (view)))));
  printf ("conversation: %d messages before; reply: %d tokens, %zu bytes, %s\n", n_messages, n_tokens,
          strlen (chat_message_get_content (answer)),
          g_str_equal (chat_message_get_content (answer), expected) ? "exact" : "DIFFERENT");
  printf ("streamed in %.1f s: %.0f tokens/s\n", wall / 1e6, n_tokens / (wall / 1e6));
  bench_print_intervals ("frames", measure.frames);
  print_work (measure.work);
  /* When the frames began: late starts are the main loop or the machine;
   * on-time starts with late ends are uneven work (see README.md). */
  bench_print_intervals ("frame starts", measure.starts);
  /* Where in the stream it was tells a per-token cost from a one-off. */
  printf ("longest main-loop stall: %.1f ms, ending %.2f s into the stream\n",
          measure.longest_stall / 1000.0,
          measure.longest_stall_at != 0 ? (measure.longest_stall_at - started) / 1e6 : 0.0);
  printf ("CPU: %.1f%% of one core\n", 100.0 * (cpu_us () - cpu_before) / wall);
  printf ("RSS: %" G_GINT64_FORMAT " kB before, %+" G_GINT64_FORMAT " kB after\n", rss_before, rss_kb () - rss_before);
  g_array_unref (measure.frames);
  g_array_unref (measure.starts);
  g_array_unref (measure.work);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(ChatStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *expected = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (server_path == NULL)
    server_path = g_strdup (g_getenv ("LIAO_FAKE_SERVER"));
  if (server_path == NULL || n_tokens < 1 || rate < 1 || tokens_per_event < 1)
    g_error ("usage: bench-stream --server PATH [--tokens N] [--rate N] [--messages N]");
  g_setenv ("LIAO_API_KEY", "bench-key", TRUE);
  gtk_init ();
  adw_init ();

  dir = g_dir_make_tmp ("liao-bench-stream-XXXXXX", &error);
  db = g_build_filename (dir, "liao.db", NULL);
  store = chat_store_open (db, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  expected = write_fixture (dir);
  server = start_server (dir, &base_url);
  run (store, fill_store (store), base_url, expected);

  g_subprocess_force_exit (server);
  g_clear_object (&store);
  remove_tree (dir);
  return EXIT_SUCCESS;
}
