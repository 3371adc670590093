/* chat-cli-key.c: `liao key set`, `clear` and `status`
 *
 * The key comes in on standard input only: on the command line it would land
 * in shell history and in what `ps` shows every user.  Nothing here prints a
 * key.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "chat-cli.h"
#include "chat-profile-settings.h"
#include "chat-secrets.h"

/* Room for a key with generous whitespace around it; a longer line is
 * refused rather than cut. */
#define LINE_MAX_BYTES (4 * CHAT_SECRETS_KEY_MAX_BYTES)

static struct termios saved_termios;
static volatile sig_atomic_t echo_hidden;

static void
show_typing (void)
{
  if (echo_hidden)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved_termios);
  echo_hidden = 0;
}

/* Ctrl+C at the prompt must not leave the terminal without echo. */
static void
on_fatal_signal (int signum)
{
  show_typing ();
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
hide_typing (void)
{
  struct termios quiet;

  if (tcgetattr (STDIN_FILENO, &saved_termios) != 0)
    return;
  quiet = saved_termios;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  signal (SIGINT, on_fatal_signal);
  signal (SIGTERM, on_fatal_signal);
  signal (SIGHUP, on_fatal_signal);
  if (tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
    echo_hidden = 1;
}

/* The first line of standard input; "" at the end of input. */
static char *
read_line (gboolean *too_long)
{
  char buffer[LINE_MAX_BYTES + 2] = "";
  size_t length;
  char *line;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    buffer[0] = '\0';
  length = strlen (buffer);
  *too_long = length == sizeof buffer - 1 && buffer[length - 1] != '\n';
  line = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);
  return line;
}

static char *
read_key (ChatProfile *profile,
          gboolean    *too_long)
{
  gboolean interactive = isatty (STDIN_FILENO);
  char *line;

  if (interactive)
    {
      /* Translators: the prompt of “liao key set”; %s is a profile name */
      fprintf (stderr, _("API key for %s (typing is hidden): "), chat_profile_get_name (profile));
      fflush (stderr);
      hide_typing ();
    }
  line = read_line (too_long);
  if (interactive)
    {
      show_typing ();
      fputc ('\n', stderr);
    }
  return line;
}

static void
free_key (char *key)
{
  memset (key, 0, strlen (key));
  g_free (key);
}

/* ~/.config/liao/keys.ini rather than the whole path. */
static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  size_t length = strlen (home);

  if (length > 1 && strncmp (path, home, length) == 0 && path[length] == '/')
    return g_strconcat ("~", path + length, NULL);
  return g_strdup (path);
}

static void
report_stored (ChatProfile   *profile,
               ChatKeySource  stored_in)
{
  g_autofree char *path = chat_secrets_dup_file_path ();
  g_autofree char *shown = display_path (path);

  if (stored_in == CHAT_KEY_SOURCE_KEYRING)
    /* Translators: %s is a profile name such as “General (open.bigmodel.cn)” */
    fprintf (stderr, _("Stored the key for %s in the keyring."), chat_profile_get_name (profile));
  else
    /* Translators: the first %s is a profile name, the second a file name */
    fprintf (stderr, _("Stored the key for %s in %s (no keyring available; the file is readable "
                       "only by you)."), chat_profile_get_name (profile), shown);
  fputc ('\n', stderr);
}

/* A key in the environment wins over the stored one; say so, or the user
 * wonders why the new key does nothing. */
static void
report_environment (ChatProfile *profile)
{
  g_autofree char *var = NULL;

  if (chat_secrets_describe (profile, &var) != CHAT_KEY_SOURCE_ENVIRONMENT)
    return;
  /* Translators: %s is an environment variable such as ZHIPUAI_API_KEY */
  fprintf (stderr, _("Note: %s is set in the environment and comes first; unset it to use the "
                     "stored key."), var);
  fputc ('\n', stderr);
}

static int
fail (const GError *error)
{
  if (g_error_matches (error, CHAT_SECRETS_ERROR, CHAT_SECRETS_ERROR_INVALID_KEY))
    {
      chat_cli_print_usage_error (error->message);
      return CHAT_CLI_EXIT_USAGE;
    }
  chat_cli_print_error (error);
  return chat_cli_exit_for_error (error);
}

static int
key_set (ChatProfile *profile)
{
  g_autoptr(GError) error = NULL;
  ChatKeySource stored_in;
  gboolean too_long;
  gboolean stored;
  char *key;

  key = read_key (profile, &too_long);
  stored = !too_long && chat_secrets_store_key (profile, key, &stored_in, &error);
  free_key (key);
  if (too_long)
    {
      chat_cli_print_usage_error (_("The API key is too long (more than 1 KiB); check what was "
                                    "pasted."));
      return CHAT_CLI_EXIT_USAGE;
    }
  if (!stored)
    return fail (error);
  report_stored (profile, stored_in);
  report_environment (profile);
  return CHAT_CLI_EXIT_OK;
}

static int
key_clear (ChatProfile *profile)
{
  g_autoptr(GError) error = NULL;

  if (!chat_secrets_clear_key (profile, &error))
    return fail (error);
  /* Translators: %s is a profile name */
  fprintf (stderr, _("The key for %s is no longer stored."), chat_profile_get_name (profile));
  fputc ('\n', stderr);
  report_environment (profile);
  return CHAT_CLI_EXIT_OK;
}

static char *
describe_source (ChatKeySource  source,
                 const char    *where)
{
  switch (source)
    {
    case CHAT_KEY_SOURCE_ENVIRONMENT:
      /* Translators: where a key is; %s is an environment variable */
      return g_strdup_printf (_("environment (%s)"), where);
    case CHAT_KEY_SOURCE_KEYRING:
      /* Translators: where a key is */
      return g_strdup (_("keyring"));
    case CHAT_KEY_SOURCE_FILE:
      /* Translators: where a key is; %s is a file name */
      return g_strdup_printf (_("file (%s)"), where);
    case CHAT_KEY_SOURCE_NONE:
    default:
      /* Translators: where a key is: nowhere */
      return g_strdup (_("not set"));
    }
}

static void
print_status (ChatProfile *profile)
{
  g_autofree char *where = NULL;
  ChatKeySource source = chat_secrets_describe (profile, &where);
  g_autofree char *text = describe_source (source, where);

  printf ("%s\t%s\t%s\n", chat_profile_get_id (profile), chat_profile_get_name (profile), text);
}

/* The built-in profiles, then the custom ones of the installed settings. */
static int
key_status (void)
{
  const char * const *ids = chat_profile_get_builtin_ids ();
  g_autoptr(GPtrArray) custom = chat_profile_settings_load_installed ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (ids[i]);

      print_status (profile);
    }
  for (guint i = 0; i < custom->len; i++)
    print_status (g_ptr_array_index (custom, i));
  return CHAT_CLI_EXIT_OK;
}

static ChatProfile *
lookup_profile (const char *id)
{
  ChatProfile *profile = chat_profile_settings_lookup (id);
  g_autofree char *known = NULL;
  g_autofree char *message = NULL;

  if (profile != NULL)
    return profile;
  known = chat_profile_settings_dup_known_ids ();
  message = g_strdup_printf (_("Unknown profile “%s”. Known profiles: %s."), id, known);
  chat_cli_print_usage_error (message);
  return NULL;
}

static gboolean
parse_options (int    *argc,
               char ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("set PROFILE | clear PROFILE | status");
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context,
                                _("“set” reads the key from standard input and stores it in the "
                                  "keyring, or in a file only you can read where there is no "
                                  "keyring. “status” shows where each profile’s key is."));
  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  chat_cli_print_usage_error (error->message);
  return FALSE;
}

static int
usage_error (const char *action,
             int         argc)
{
  if (g_strcmp0 (action, "set") == 0 && argc > 3)
    chat_cli_print_usage_error (_("“liao key set” reads the key from standard input, never from "
                                  "the command line, where shell history and other users could "
                                  "see it: liao key set PROFILE < FILE"));
  else
    chat_cli_print_usage_error (_("Usage: liao key set PROFILE | clear PROFILE | status"));
  return CHAT_CLI_EXIT_USAGE;
}

int
chat_cli_key (int    argc,
              char **argv)
{
  g_autoptr(ChatProfile) profile = NULL;
  const char *action;

  if (!parse_options (&argc, &argv))
    return CHAT_CLI_EXIT_USAGE;
  action = argc > 1 ? argv[1] : NULL;
  if (g_strcmp0 (action, "status") == 0 && argc == 2)
    return key_status ();
  if ((g_strcmp0 (action, "set") != 0 && g_strcmp0 (action, "clear") != 0) || argc != 3)
    return usage_error (action, argc);
  if ((profile = lookup_profile (argv[2])) == NULL)
    return CHAT_CLI_EXIT_USAGE;
  return g_str_equal (action, "set") ? key_set (profile) : key_clear (profile);
}
