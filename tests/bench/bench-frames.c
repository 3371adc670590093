/* bench-frames.c: frame intervals, as bench-stream and bench-frame-floor print them
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>

#include "bench-frames.h"

int
bench_compare_int64 (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

void
bench_print_intervals (const char *label,
                       GArray     *times)
{
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 1; i < times->len; i++)
    {
      gint64 interval = g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1);

      g_array_append_val (intervals, interval);
    }
  if (intervals->len == 0)
    {
      printf ("%s: none\n", label);
      return;
    }
  g_array_sort (intervals, bench_compare_int64);
  printf ("%s: %u, interval p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", label, intervals->len + 1,
          g_array_index (intervals, gint64, intervals->len / 2) / 1000.0,
          g_array_index (intervals, gint64, intervals->len * 99 / 100) / 1000.0,
          g_array_index (intervals, gint64, intervals->len - 1) / 1000.0);
}
