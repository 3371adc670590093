/* main.c: liao-fake-server, the fake GLM server as a program
 *
 * Binds 127.0.0.1 only, prints the port as the only line on stdout, then
 * serves until SIGTERM or SIGINT (or, with --stdin-lifetime, until stdin
 * closes, so a parent that dies takes the server with it).
 */
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat-fake-server.h"

static char *scenario;
static char *fixtures_dir;
static int event_delay = -1;
static int port;
static gboolean stdin_lifetime;
static gboolean list_scenarios;

static const GOptionEntry entries[] = {
  { "scenario", 0, 0, G_OPTION_ARG_STRING, &scenario, "Default scenario", "NAME" },
  { "fixtures", 0, 0, G_OPTION_ARG_FILENAME, &fixtures_dir, "Folder of recorded NAME.sse streams", "DIR" },
  { "event-delay", 0, 0, G_OPTION_ARG_INT, &event_delay, "Milliseconds between streamed events", "MS" },
  { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: any free one)", "N" },
  { "stdin-lifetime", 0, 0, G_OPTION_ARG_NONE, &stdin_lifetime, "Exit when stdin reaches end of file", NULL },
  { "list-scenarios", 0, 0, G_OPTION_ARG_NONE, &list_scenarios, "Print the scenario names and exit", NULL },
  { NULL }
};

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
stdin_cb (int          fd,
          GIOCondition condition,
          gpointer     data)
{
  char buffer[512];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n > 0 || (n < 0 && errno == EINTR))
    return G_SOURCE_CONTINUE;
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
print_scenarios (void)
{
  const char * const *names = chat_fake_server_get_scenarios ();

  for (guint i = 0; names[i] != NULL; i++)
    printf ("%s\n", names[i]);
  printf ("fixture:NAME\n");
}

/* --help names every scenario, from the same table --list-scenarios prints. */
static char *
dup_scenarios_description (void)
{
  const char * const *names = chat_fake_server_get_scenarios ();
  GString *text = g_string_new ("Scenarios (\"scenario:NAME\" in the last user message, else --scenario):\n");
  gsize line_start = text->len;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (text->len - line_start + 2 + strlen (names[i]) > 78)
        {
          g_string_append_c (text, '\n');
          line_start = text->len;
        }
      g_string_append_printf (text, "  %s", names[i]);
    }
  g_string_append (text, "  fixture:NAME");
  return g_string_free (text, FALSE);
}

static gboolean
parse_options (int     *argc,
               char  ***argv,
               GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autofree char *description = dup_scenarios_description ();

  g_option_context_set_summary (context, "A fake of the GLM chat-completions API, for tests.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (port < 0 || port > G_MAXUINT16)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--port %d is out of range", port);
      return FALSE;
    }
  return TRUE;
}

static void
configure (ChatFakeServer *server)
{
  if (scenario != NULL)
    chat_fake_server_set_scenario (server, scenario);
  if (fixtures_dir != NULL)
    chat_fake_server_set_fixtures_dir (server, fixtures_dir);
  if (event_delay >= 0)
    chat_fake_server_set_event_delay (server, event_delay);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatFakeServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  if (!parse_options (&argc, &argv, &error))
    {
      fprintf (stderr, "liao-fake-server: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (list_scenarios)
    {
      print_scenarios ();
      return EXIT_SUCCESS;
    }
  if ((server = chat_fake_server_new_for_port (port, &error)) == NULL)
    {
      fprintf (stderr, "liao-fake-server: %s\n", error->message);
      return EXIT_FAILURE;
    }
  configure (server);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  if (stdin_lifetime)
    g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, loop);

  printf ("%u\n", chat_fake_server_get_port (server));
  fflush (stdout);
  g_main_loop_run (loop);
  return EXIT_SUCCESS;
}
