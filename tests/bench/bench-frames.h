/* bench-frames.h: frame intervals, as bench-stream and bench-frame-floor print them
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For g_array_sort () of gint64. */
int  bench_compare_int64   (gconstpointer a,
                            gconstpointer b);
/* The intervals between @times (gint64 monotonic µs, in order), printed
 * as "LABEL: N, interval p50 … ms, p99 … ms, max … ms" (what run-all
 * reads), or "LABEL: none". */
void bench_print_intervals (const char   *label,
                            GArray       *times);

G_END_DECLS
