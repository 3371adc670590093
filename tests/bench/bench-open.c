/* bench-open.c: the first frame after opening a long conversation
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under Xvfb: a ChatConversationView in a window shows an empty
 * conversation; then, --runs times, it opens a stored conversation of
 * --messages messages and measures from the call to
 * chat_conversation_view_show_conversation (what a click in the sidebar
 * does) to the frame clock's next after-paint, i.e. until the frame that
 * shows it has been drawn.  Between runs it goes back to an empty
 * conversation, so every run builds the transcript from the store; with
 * --from N, to the stored conversation of N messages instead, so that the
 * run also takes down the rows of the one it leaves (figures named
 * open.switch_…).
 *
 * It also reports the resident memory of the window with the empty
 * conversation and with the long one open (VmRSS), to show how memory
 * grows with the length of a conversation, and the longest frame in the
 * 1.5 s after the first (the transcript fills in above the shown rows).
 * One JSON line per figure.
 *
 *   xvfb-run -a -s "-screen 0 1280x1024x24" env GDK_BACKEND=x11 \
 *     bench-open --db /tmp/open.db --messages 10000
 *
 * --db keeps the store, and the conversation "bench-open N" in it, for
 * the next run.  --reasoning gives every answer a paragraph of reasoning,
 * as a thinking model's answers have (a conversation of its own, "bench-open
 * N reasoning").  --prepare only makes sure the conversation is there (no
 * display needed): run it first, so that the import's memory does not count
 * in the empty window's RSS of the measured run.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "chat-conversation-view.h"

#define SETTLE_US (300 * 1000)
#define FRAME_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define TARGET_MS 100.0

#define REASONING \
  "\nThe user asks whether a long conversation opens at once. The list view binds " \
  "about two hundred rows, so what each row holds matters more than the number of " \
  "messages; the answer should say so, show a short loop and end with a summary."

#define ANSWER \
  "Here is what I found.\n\nThe **first** point is simple; the second needs `code`:\n\n" \
  "```python\nfor i in range (10):\n    print (i)\n```\n\n- one item\n- two items\n\n" \
  "最后，总结一下：打开很长的对话也应该立即显示。"

static int n_messages = 10000;
static int n_runs = 7;
static char *db_path;
static gboolean prepare_only;
static gboolean with_reasoning;
static int from_messages;

static const GOptionEntry entries[] = {
  { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages in the conversation (10000)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Times to open it (7)", "N" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Keep (or reuse) the store here", "PATH" },
  { "prepare", 0, 0, G_OPTION_ARG_NONE, &prepare_only, "Only store the conversation (with --db)", NULL },
  { "reasoning", 0, 0, G_OPTION_ARG_NONE, &with_reasoning, "Answers with reasoning", NULL },
  { "from", 0, 0, G_OPTION_ARG_INT, &from_messages,
    "Switch from the stored conversation of N messages, not from an empty one", "N" },
  { NULL }
};

/* --- the conversation ---------------------------------------------------- */

static gint64
find_conversation (ChatStore  *store,
                   const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversations = chat_store_list_conversations (store, &error);

  if (conversations == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < conversations->len; i++)
    {
      ChatConversation *conversation = g_ptr_array_index (conversations, i);

      if (g_strcmp0 (chat_conversation_get_title (conversation), title) == 0)
        return chat_conversation_get_id (conversation);
    }
  return 0;
}

/* One branch of @n_messages questions and answers, in one transaction. */
static gint64
import_conversation (ChatStore  *store,
                     const char *title)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (title);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < n_messages; i++)
    {
      g_autofree char *question = g_strdup_printf ("Question %d: does it open at once?", i / 2);
      ChatMessage *message = chat_message_new (i % 2 == 0 ? "user" : "assistant",
                                               i % 2 == 0 ? question : ANSWER);

      chat_message_set_id (message, i + 1);
      if (with_reasoning && i % 2 == 1)
        chat_message_set_reasoning (message, REASONING);
      chat_message_set_parent_id (message, i);
      g_ptr_array_add (messages, message);
    }
  if (!chat_store_import_conversation (store, conversation, messages, &error))
    g_error ("%s", error->message);
  return chat_conversation_get_id (conversation);
}

/* --- measuring ----------------------------------------------------------- */

static gint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

static void
iterate_for (gint64 microseconds)
{
  gint64 end = g_get_monotonic_time () + microseconds;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
on_after_paint (GdkFrameClock *clock,
                gint64        *painted)
{
  if (*painted == 0)
    *painted = g_get_monotonic_time ();
}

/* The frames after the first: the transcript may go on filling in (rows
 * above the shown ones), and how long such a frame takes is what the
 * reader feels while scrolling. */
typedef struct {
  gint64 started;  /* this frame's update, 0 outside a frame */
  double longest;  /* ms */
} FrameWatch;

static void
on_update (GdkFrameClock *clock,
           FrameWatch    *watch)
{
  watch->started = g_get_monotonic_time ();
}

static void
on_watch_after_paint (GdkFrameClock *clock,
                      FrameWatch    *watch)
{
  if (watch->started != 0)
    watch->longest = MAX (watch->longest, (g_get_monotonic_time () - watch->started) / 1000.0);
  watch->started = 0;
}

static GtkScrolledWindow *
find_scroller (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = GTK_IS_SCROLLED_WINDOW (child) ? GTK_SCROLLED_WINDOW (child)
                                                                : find_scroller (child);

      if (found != NULL && gtk_widget_get_mapped (GTK_WIDGET (found)))
        return found;
    }
  return NULL;
}

/* The longest frame (ms) in @microseconds after the first, and whether the
 * transcript ended at its bottom, as opening it should leave it. */
static double
watch_frames (ChatConversationView *view,
              gint64                microseconds)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  FrameWatch watch = { 0, 0.0 };
  gulong update = g_signal_connect (clock, "update", G_CALLBACK (on_update), &watch);
  gulong painted = g_signal_connect (clock, "after-paint", G_CALLBACK (on_watch_after_paint), &watch);
  GtkScrolledWindow *scroller;

  iterate_for (microseconds);
  g_signal_handler_disconnect (clock, update);
  g_signal_handler_disconnect (clock, painted);
  scroller = find_scroller (GTK_WIDGET (view));
  if (scroller != NULL)
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
      double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

      if (gtk_adjustment_get_value (adjustment) < bottom - 8)
        g_printerr ("bench-open: not at the bottom after opening (%.0f of %.0f)\n",
                    gtk_adjustment_get_value (adjustment), bottom);
    }
  return watch.longest;
}

/* Milliseconds from showing @conversation_id to the end of the next frame. */
static double
open_once (ChatConversationView *view,
           gint64                from_id,
           gint64                conversation_id)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  gint64 painted = 0, started, deadline;
  gulong handler;

  chat_conversation_view_show_conversation (view, from_id);
  /* A long one to switch from: shown whole, its older messages loaded. */
  iterate_for (from_id != 0 ? 4 * SETTLE_US : SETTLE_US);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  started = g_get_monotonic_time ();
  chat_conversation_view_show_conversation (view, conversation_id);
  deadline = g_get_monotonic_time () + FRAME_TIMEOUT_US;
  while (painted == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  if (painted == 0)
    g_error ("no frame within %d s of opening the conversation", (int) (FRAME_TIMEOUT_US / G_USEC_PER_SEC));
  return (painted - started) / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_figure (const char *name,
              const char *unit,
              double      median,
              double      min,
              double      max,
              double      target)
{
  char json[4][G_ASCII_DTOSTR_BUF_SIZE];

  printf ("{\"name\":\"%s\",\"unit\":\"%s\",\"median\":%s,\"min\":%s,\"max\":%s,\"target\":%s,"
          "\"messages\":%d}\n", name, unit,
          g_ascii_formatd (json[0], sizeof json[0], "%.3f", median),
          g_ascii_formatd (json[1], sizeof json[1], "%.3f", min),
          g_ascii_formatd (json[2], sizeof json[2], "%.3f", max),
          target > 0 ? g_ascii_formatd (json[3], sizeof json[3], "%g", target) : "null",
          n_messages);
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
open_window (ChatStore *store)
{
  g_autoptr(ChatClient) client = chat_client_new ();
  GtkWidget *view = chat_conversation_view_new (store, client);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gint64 deadline = g_get_monotonic_time () + FRAME_TIMEOUT_US;

  gtk_window_set_default_size (window, 1000, 800);
  gtk_window_set_child (window, view);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (view) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!gtk_widget_get_mapped (view))
    g_error ("the window did not show");
  iterate_for (G_USEC_PER_SEC);
  return CHAT_CONVERSATION_VIEW (view);
}

static void
run (ChatStore *store,
     gint64     from_id,
     gint64     conversation_id)
{
  ChatConversationView *view = open_window (store);
  const char *kind = from_id != 0 ? "switch_" : "";
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 rss_empty = status_kb ("VmRSS:"), rss_open;
  g_autofree char *name = g_strdup_printf ("open.%sfirst_frame.%d", kind, n_messages);
  g_autofree char *rss_name = g_strdup_printf ("open.rss.%d", n_messages);
  g_autofree char *frame_name = g_strdup_printf ("open.%slongest_frame.%d", kind, n_messages);
  double median;

  for (int i = 0; i < n_runs; i++)
    {
      double ms = open_once (view, from_id, conversation_id);
      double longest = watch_frames (view, 3 * G_USEC_PER_SEC / 2);

      g_array_append_val (samples, ms);
      g_array_append_val (frames, longest);
    }
  rss_open = status_kb ("VmRSS:");
  g_array_sort (samples, compare_double);
  median = g_array_index (samples, double, samples->len / 2);
  printf ("renderer: %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (view)))));
  print_figure (name, "ms", median, g_array_index (samples, double, 0),
                g_array_index (samples, double, samples->len - 1), n_messages == 10000 ? TARGET_MS : 0);
  g_array_sort (frames, compare_double);
  print_figure (frame_name, "ms", g_array_index (frames, double, frames->len / 2),
                g_array_index (frames, double, 0), g_array_index (frames, double, frames->len - 1), 0);
  print_figure ("open.rss_empty", "MB", rss_empty / 1024.0, rss_empty / 1024.0, rss_empty / 1024.0, 0);
  print_figure (rss_name, "MB", rss_open / 1024.0, rss_open / 1024.0, rss_open / 1024.0, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *title = NULL;
  gint64 conversation_id;
  gint64 from_id = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (n_messages < 1 || n_runs < 1 || (prepare_only && db_path == NULL))
    g_error ("usage: bench-open [--db PATH] [--messages N] [--runs N] [--prepare]");
  if (!prepare_only)
    {
      gtk_init ();
      adw_init ();
    }

  if (db_path == NULL)
    {
      dir = g_dir_make_tmp ("liao-bench-open-XXXXXX", &error);
      if (dir == NULL)
        g_error ("%s", error->message);
      db_path = g_build_filename (dir, "liao.db", NULL);
    }
  store = chat_store_open (db_path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  title = g_strdup_printf ("bench-open %d%s", n_messages, with_reasoning ? " reasoning" : "");
  conversation_id = find_conversation (store, title);
  if (conversation_id == 0)
    conversation_id = import_conversation (store, title);
  if (from_messages > 0)
    {
      g_autofree char *from_title = g_strdup_printf ("bench-open %d%s", from_messages,
                                                     with_reasoning ? " reasoning" : "");

      from_id = find_conversation (store, from_title);
      if (from_id == 0)
        g_error ("no conversation “%s”: run with --messages %d --prepare first", from_title, from_messages);
    }
  if (!prepare_only)
    run (store, from_id, conversation_id);

  g_clear_object (&store);
  if (dir != NULL)
    remove_tree (dir);
  return EXIT_SUCCESS;
}
