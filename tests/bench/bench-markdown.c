/* bench-markdown.c: what a streamed reply costs chat-markdown
 *
 * A 400 KB reply (about 100,000 tokens) is fed to a ChatMarkdownStream
 * 4 bytes at a time, as a fast model streams it, and the time of every
 * update is taken; then the whole text is parsed at once.  Three replies:
 * a mixed one (sections with paragraphs, lists, code, tables, quotes and
 * Chinese), one single code block, and one long list: the last two are
 * the worst cases, where the last top-level block grows with the reply.
 *
 * For each reply it prints one human line, then one JSON line per figure
 * (what tests/bench/run-all reads):
 *   markdown.NAME.update       microseconds per update: median, fastest,
 *                              slowest
 *   markdown.NAME.update_p99   the 99th percentile of those
 *   markdown.NAME.stream_rate  MB/s of reply through the incremental
 *                              parser (all updates together)
 *   markdown.NAME.full_parse   milliseconds to parse the whole reply at
 *                              once: median, min and max of 9
 *
 *   bench-markdown
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat-markdown.h"

#define REPLY_BYTES (400 * 1000)
#define STEP_BYTES  4
#define N_FULL_RUNS 9

static const char mixed_section[] =
  "## Section %u: *streaming* without stalls\n\n"
  "A paragraph with **bold**, `inline code`, a [link](https://example.com/%u) and "
  "some text that goes on for a while so that the paragraph wraps over a few "
  "lines in the transcript, the way a model explains things.\n"
  "这是一个中文段落，包含**粗体**和`代码`，用来测试中文文本的解析速度。\n\n"
  "1. First step\n2. Second step with `code`\n   - nested detail\n   - [ ] a task\n\n"
  "```c\nstatic int\nadd (int a, int b)\n{\n  return a + b; /* %u */\n}\n```\n\n"
  "| Name | Value | Note |\n|:-----|------:|:----:|\n| a | 1 | 甲 |\n| b | 2 | 乙 |\n\n"
  "> A quote that says something wise.\n\n";

static GString *
build_mixed (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; text->len < REPLY_BYTES; i++)
    g_string_append_printf (text, mixed_section, i, i, i);
  return text;
}

static GString *
build_code (void)
{
  GString *text = g_string_new ("Here is the file:\n\n```python\n");

  for (guint i = 0; text->len < REPLY_BYTES; i++)
    g_string_append_printf (text, "def function_%u(x):\n    return x * %u  # comment\n\n", i, i);
  return text;
}

static GString *
build_list (void)
{
  GString *text = g_string_new ("Items:\n\n");

  for (guint i = 1; text->len < REPLY_BYTES; i++)
    g_string_append_printf (text, "%u. Item number %u with **bold** text\n", i, i);
  return text;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_figure (const char *name,
              const char *figure,
              const char *unit,
              double      median,
              double      min,
              double      max)
{
  char json[3][G_ASCII_DTOSTR_BUF_SIZE];

  printf ("{\"name\":\"markdown.%s.%s\",\"unit\":\"%s\",\"median\":%s,\"min\":%s,\"max\":%s}\n",
          name, figure, unit,
          g_ascii_formatd (json[0], sizeof json[0], "%.3f", median),
          g_ascii_formatd (json[1], sizeof json[1], "%.3f", min),
          g_ascii_formatd (json[2], sizeof json[2], "%.3f", max));
}

/* The JSON lines of one reply: per-update time, its 99th percentile, the
 * incremental rate and the full parse. */
static void
print_figures (const char *name,
               gsize       bytes,
               GArray     *times,
               double      total,
               double     *full)
{
  double p99 = g_array_index (times, double, times->len * 99 / 100);

  print_figure (name, "update", "us", g_array_index (times, double, times->len / 2),
                g_array_index (times, double, 0), g_array_index (times, double, times->len - 1));
  print_figure (name, "update_p99", "us", p99, p99, p99);
  print_figure (name, "stream_rate", "MB/s", bytes / total, bytes / total, bytes / total);
  print_figure (name, "full_parse", "ms", full[N_FULL_RUNS / 2] / 1000.0, full[0] / 1000.0,
                full[N_FULL_RUNS - 1] / 1000.0);
}

static void
bench_stream (const char *name,
              GString    *text)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  double total = 0, full[N_FULL_RUNS];
  gsize position = 0;

  while (position < text->len)
    {
      gint64 start;
      double elapsed;

      position = MIN (text->len, position + STEP_BYTES);
      while (position < text->len && (text->str[position] & 0xC0) == 0x80)
        position++;
      start = g_get_monotonic_time ();
      chat_markdown_stream_update (stream, text->str, position);
      elapsed = g_get_monotonic_time () - start;
      g_array_append_val (times, elapsed);
      total += elapsed;
    }
  for (guint i = 0; i < N_FULL_RUNS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) blocks = chat_markdown_parse (text->str, text->len);

      full[i] = g_get_monotonic_time () - start;
    }
  qsort (times->data, times->len, sizeof (double), compare_doubles);
  qsort (full, N_FULL_RUNS, sizeof (double), compare_doubles);
  g_print ("%-6s %7zu bytes, %6u updates of %d bytes, %5u blocks: per update "
           "mean %.1f us, median %.0f us, p99 %.0f us, max %.0f us (total %.2f s); "
           "full parse median %.0f us\n",
           name, text->len, times->len, STEP_BYTES,
           chat_markdown_stream_get_blocks (stream)->len,
           total / times->len, g_array_index (times, double, times->len / 2),
           g_array_index (times, double, times->len * 99 / 100),
           g_array_index (times, double, times->len - 1),
           total / G_USEC_PER_SEC, full[N_FULL_RUNS / 2]);
  print_figures (name, text->len, times, total, full);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GString) mixed = build_mixed ();
  g_autoptr(GString) code = build_code ();
  g_autoptr(GString) list = build_list ();

  bench_stream ("mixed", mixed);
  bench_stream ("code", code);
  bench_stream ("list", list);
  return EXIT_SUCCESS;
}
