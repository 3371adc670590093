/* chat-cli-export.c: `liao export` and `liao import`
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "chat-cli.h"
#include "chat-export.h"

typedef struct {
  char     *format;
  char     *output;
  char     *all;
} ExportOptions;

static void
export_options_clear (ExportOptions *o)
{
  g_free (o->format);
  g_free (o->output);
  g_free (o->all);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ExportOptions, export_options_clear)

static int
fail (GError *error)
{
  int status = chat_cli_exit_for_error (error);

  chat_cli_print_error (error);
  g_error_free (error);
  return status;
}

static int
usage (const char *message)
{
  chat_cli_print_usage_error (message);
  return CHAT_CLI_EXIT_USAGE;
}

/* Exports go to a file only the user can read: they hold whole conversations. */
static gboolean
write_private_file (const char  *path,
                    const char  *text,
                    GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileOutputStream) stream = g_file_replace (file, NULL, FALSE,
                                                        G_FILE_CREATE_PRIVATE, NULL, error);

  return stream != NULL &&
         g_output_stream_write_all (G_OUTPUT_STREAM (stream), text, strlen (text), NULL, NULL,
                                    error) &&
         g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}

static int
export_all (ChatStore  *store,
            const char *directory)
{
  GError *error = NULL;
  guint n_exported = 0;

  if (!chat_export_all (store, directory, &n_exported, &error))
    return fail (error);
  fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "Exported %u conversation to %s",
                                "Exported %u conversations to %s", n_exported),
           n_exported, directory);
  fputc ('\n', stderr);
  return CHAT_CLI_EXIT_OK;
}

static int
export_one (ChatStore     *store,
            const char    *id_text,
            ExportOptions *o)
{
  g_autofree char *text = NULL;
  GError *error = NULL;
  gint64 id = chat_cli_parse_conversation_id (store, id_text, &error);

  if (id == 0)
    return fail (error);
  text = g_str_equal (o->format, "md") ? chat_export_to_markdown (store, id, &error)
                                       : chat_export_to_json (store, id, &error);
  if (text == NULL)
    return fail (error);
  if (o->output == NULL)
    {
      fputs (text, stdout);
      return CHAT_CLI_EXIT_OK;
    }
  if (!write_private_file (o->output, text, &error))
    return fail (error);
  return CHAT_CLI_EXIT_OK;
}

int
chat_cli_export (int    argc,
                 char **argv)
{
  g_auto(ExportOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("md or json (default: md)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("Write to FILE instead of standard output"), N_("FILE") },
    { "all", 0, 0, G_OPTION_ARG_FILENAME, &o.all, N_("Export every conversation into DIR"), N_("DIR") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID — export a conversation"));
  g_autoptr(ChatStore) store = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage (error->message);

      g_error_free (error);
      return status;
    }
  if (o.format == NULL)
    o.format = g_strdup ("md");
  if (!g_str_equal (o.format, "md") && !g_str_equal (o.format, "json"))
    return usage (_("--format must be “md” or “json”."));
  if ((o.all == NULL) == (argc != 2))
    return usage (_("Give either a conversation ID or --all DIR."));

  if ((store = chat_cli_open_store (&error)) == NULL)
    return fail (error);
  return o.all != NULL ? export_all (store, o.all) : export_one (store, argv[1], &o);
}

int
chat_cli_import (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — import a conversation"));
  g_autoptr(ChatStore) store = NULL;
  GError *error = NULL;
  gint64 id;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage (error->message);

      g_error_free (error);
      return status;
    }
  if (argc != 2)
    return usage (_("Usage: liao import FILE"));
  if ((store = chat_cli_open_store (&error)) == NULL ||
      (id = chat_export_import_file (store, argv[1], &error)) == 0)
    return fail (error);
  printf ("%" G_GINT64_FORMAT "\n", id);
  return CHAT_CLI_EXIT_OK;
}
