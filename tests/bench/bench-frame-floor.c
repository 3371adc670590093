/* bench-frame-floor.c: the frame intervals of a window doing almost nothing
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A 1000x800 window whose one label changes at every frame, for --seconds
 * (10): the frame intervals GTK's frame clock gives on this display and
 * machine with no work to speak of, the floor under bench-stream's.  Under
 * Xvfb the clock runs on a millisecond timer, so the intervals are about
 * 17 ms, not 16.7.  Prints one line in bench-stream's words.
 */

#include <stdio.h>
#include <gtk/gtk.h>

#include "bench-frames.h"

static int seconds = 10;

static const GOptionEntry entries[] = {
  { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long to measure (10)", "N" },
  { NULL }
};

static gboolean
change_label (GtkWidget     *label,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, gdk_frame_clock_get_frame_counter (frame_clock));
  gtk_label_set_text (GTK_LABEL (label), text);
  return G_SOURCE_CONTINUE;
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                GArray        *times)
{
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (times, now);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkWidget *window, *label;
  gint64 end;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  gtk_init ();
  window = gtk_window_new ();
  label = gtk_label_new (NULL);
  gtk_window_set_child (GTK_WINDOW (window), label);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 800);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint), times);
  gtk_widget_add_tick_callback (label, change_label, NULL, NULL);
  end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  printf ("renderer: %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  bench_print_intervals ("frames", times);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
