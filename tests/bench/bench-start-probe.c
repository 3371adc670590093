/* bench-start-probe.c: start a program, time its first painted window
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same external measure for any X11 program, so that liao, GNOME Text
 * Editor and the floor are timed alike: the probe watches the X server
 * (SubstructureNotify on the root window, and a DAMAGE object on every new
 * top-level window), starts PROGRAM, and takes
 *
 *   map_ms    until a top-level window of the program is mapped;
 *   paint_ms  until the first drawing into a mapped window leaves it not
 *             uniform (the server's background fill is one colour; the
 *             program's first frame has a header bar and text), read back
 *             with XGetImage on each damage;
 *
 * then waits --settle-ms, reads VmHWM (peak RSS) and VmRSS from
 * /proc/PID/status, stops the program (SIGTERM, then SIGKILL) and prints
 * one JSON line.  Run it on a display of its own (xvfb-run): any window
 * created there while it waits counts.
 *
 *   bench-start-probe [--settle-ms N] [--timeout-ms N] -- PROGRAM [ARG...]
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>

#define MAX_WINDOWS 64

typedef struct {
  Display      *display;
  int           damage_event;
  Window        windows[MAX_WINDOWS];
  Damage        damages[MAX_WINDOWS];
  int           mapped[MAX_WINDOWS];
  int           n_windows;
  double        map_ms;
  double        paint_ms;
} Probe;

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Windows may go away between an event and our request: not an error. */
static int
ignore_x_error (Display     *display,
                XErrorEvent *event)
{
  return 0;
}

static int
find_window (Probe  *probe,
             Window  window)
{
  for (int i = 0; i < probe->n_windows; i++)
    if (probe->windows[i] == window)
      return i;
  return -1;
}

static void
watch_window (Probe  *probe,
              Window  window)
{
  if (probe->n_windows == MAX_WINDOWS || find_window (probe, window) >= 0)
    return;
  probe->windows[probe->n_windows] = window;
  probe->damages[probe->n_windows] = XDamageCreate (probe->display, window, XDamageReportNonEmpty);
  probe->mapped[probe->n_windows] = 0;
  probe->n_windows++;
}

/* Whether @window shows more than one colour (sampled on a 4-pixel grid). */
static int
window_painted (Display *display,
                Window   window)
{
  XWindowAttributes attributes;
  XImage *image;
  unsigned long first;
  int painted = 0;

  if (!XGetWindowAttributes (display, window, &attributes) || attributes.map_state != IsViewable)
    return 0;
  image = XGetImage (display, window, 0, 0, attributes.width, attributes.height, AllPlanes, ZPixmap);
  if (image == NULL)
    return 0;
  first = XGetPixel (image, 0, 0);
  for (int y = 0; y < attributes.height && !painted; y += 4)
    for (int x = 0; x < attributes.width && !painted; x += 4)
      painted = XGetPixel (image, x, y) != first;
  XDestroyImage (image);
  return painted;
}

static void
handle_event (Probe  *probe,
              XEvent *event,
              double  started)
{
  int i;

  if (event->type == CreateNotify)
    watch_window (probe, event->xcreatewindow.window);
  else if (event->type == MapNotify && (i = find_window (probe, event->xmap.window)) >= 0)
    {
      probe->mapped[i] = 1;
      if (probe->map_ms < 0)
        probe->map_ms = now_ms () - started;
    }
  else if (event->type == probe->damage_event + XDamageNotify)
    {
      XDamageNotifyEvent *damage = (XDamageNotifyEvent *) event;

      i = find_window (probe, damage->drawable);
      XDamageSubtract (probe->display, damage->damage, None, None);
      if (i >= 0 && probe->mapped[i] && probe->paint_ms < 0 && window_painted (probe->display, damage->drawable))
        probe->paint_ms = now_ms () - started;
    }
}

/* Handles X events until the first paint or @deadline. */
static void
wait_for_paint (Probe  *probe,
                double  started,
                double  deadline)
{
  struct pollfd fd = { ConnectionNumber (probe->display), POLLIN, 0 };

  while (probe->paint_ms < 0 && now_ms () < deadline)
    {
      XEvent event;

      while (XPending (probe->display) > 0 && probe->paint_ms < 0)
        {
          XNextEvent (probe->display, &event);
          handle_event (probe, &event, started);
        }
      if (probe->paint_ms < 0)
        poll (&fd, 1, 10);
    }
}

static long
status_kb (pid_t       pid,
           const char *field)
{
  char path[64], line[256];
  long kb = -1;
  FILE *file;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  if ((file = fopen (path, "r")) == NULL)
    return -1;
  while (fgets (line, sizeof line, file) != NULL)
    if (strncmp (line, field, strlen (field)) == 0)
      kb = strtol (line + strlen (field), NULL, 10);
  fclose (file);
  return kb;
}

/* SIGTERM, then SIGKILL after 3 s; always reaps the child. */
static void
stop_child (pid_t pid)
{
  double deadline = now_ms () + 3000;
  int status;

  kill (pid, SIGTERM);
  while (now_ms () < deadline)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        return;
      usleep (10000);
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

static pid_t
spawn (char **argv)
{
  pid_t pid = fork ();

  if (pid == 0)
    {
      execvp (argv[0], argv);
      fprintf (stderr, "bench-start-probe: %s: %s\n", argv[0], strerror (errno));
      _exit (127);
    }
  return pid;
}

int
main (int    argc,
      char **argv)
{
  Probe probe = { .map_ms = -1, .paint_ms = -1 };
  int settle_ms = 1000, timeout_ms = 30000, arg = 1, damage_error;
  long hwm, rss;
  double started;
  pid_t pid;

  for (; arg < argc && strcmp (argv[arg], "--") != 0; arg++)
    if (strncmp (argv[arg], "--settle-ms=", 12) == 0)
      settle_ms = atoi (argv[arg] + 12);
    else if (strncmp (argv[arg], "--timeout-ms=", 13) == 0)
      timeout_ms = atoi (argv[arg] + 13);
  if (arg + 1 >= argc)
    {
      fprintf (stderr, "usage: bench-start-probe [--settle-ms=N] [--timeout-ms=N] -- PROGRAM [ARG...]\n");
      return 2;
    }
  if ((probe.display = XOpenDisplay (NULL)) == NULL ||
      !XDamageQueryExtension (probe.display, &probe.damage_event, &damage_error))
    {
      fprintf (stderr, "bench-start-probe: no X display with DAMAGE\n");
      return 2;
    }
  XSetErrorHandler (ignore_x_error);
  XSelectInput (probe.display, DefaultRootWindow (probe.display), SubstructureNotifyMask);
  XSync (probe.display, False);

  started = now_ms ();
  if ((pid = spawn (argv + arg + 1)) < 0)
    return 2;
  wait_for_paint (&probe, started, started + timeout_ms);
  if (probe.paint_ms >= 0)
    usleep (settle_ms * 1000);
  hwm = status_kb (pid, "VmHWM:");
  rss = status_kb (pid, "VmRSS:");
  stop_child (pid);
  printf ("{\"map_ms\":%.3f,\"paint_ms\":%.3f,\"vmhwm_kb\":%ld,\"vmrss_kb\":%ld,\"ok\":%s}\n",
          probe.map_ms, probe.paint_ms, hwm, rss, probe.paint_ms >= 0 ? "true" : "false");
  XCloseDisplay (probe.display);
  return probe.paint_ms >= 0 ? 0 : 1;
}
