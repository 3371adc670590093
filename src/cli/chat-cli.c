/* chat-cli.c: command dispatch and what the commands share
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "chat-cli.h"
#include "chat-profile-settings.h"
#include "chat-error.h"
#include "chat-secrets.h"

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
} ChatCliCommand;

static const ChatCliCommand commands[] = {
  { "ask", chat_cli_ask },
  { "models", chat_cli_models },
  { "list", chat_cli_list },
  { "show", chat_cli_show },
  { "search", chat_cli_search },
  { "export", chat_cli_export },
  { "import", chat_cli_import },
  { "rename", chat_cli_rename },
  { "delete", chat_cli_delete },
  { "key", chat_cli_key },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: liao COMMAND [OPTION…]"));
  fprintf (out, "%s\n", _("Chat with Zhipu GLM models from the command line."));
  fprintf (out, "\n%s\n", _("Commands:"));
  fprintf (out, "  ask PROMPT     %s\n", _("Ask a question and stream the reply (PROMPT - reads standard input)"));
  fprintf (out, "  models         %s\n", _("List the models the endpoint offers"));
  fprintf (out, "  list           %s\n", _("List saved conversations"));
  fprintf (out, "  show ID        %s\n", _("Print a conversation"));
  fprintf (out, "  search QUERY   %s\n", _("Search all conversations"));
  fprintf (out, "  export ID      %s\n", _("Export a conversation as Markdown or JSON (--all DIR: every one)"));
  fprintf (out, "  import FILE    %s\n", _("Import a conversation (Liao JSON or an OpenAI messages array)"));
  fprintf (out, "  rename ID TITLE  %s\n", _("Rename a conversation"));
  fprintf (out, "  delete ID      %s\n", _("Delete a conversation"));
  fprintf (out, "  key set|clear|status  %s\n", _("Store, remove or show where the API keys are"));
  fprintf (out, "\n%s\n", _("Without a command, liao opens its window:"));
  fprintf (out, "  --new-window   %s\n", _("Open another window"));
  fprintf (out, "  --base-url URL %s\n", _("Send this run’s requests to URL (also LIAO_BASE_URL)"));
  fprintf (out, "\n%s\n", _("Run “liao COMMAND --help” for a command’s options."));
  fprintf (out, "%s\n", _("Profiles: general, coding, zai, zai-coding, and the custom ones made in Preferences."));
  fprintf (out, "%s\n", _("The API key comes from LIAO_API_KEY, ZHIPUAI_API_KEY or ZAI_API_KEY, "
                           "else from the keyring (“liao key set PROFILE”)."));
}

gboolean
chat_cli_handles (int    argc,
                  char **argv)
{
  const char *first = argc > 1 ? argv[1] : NULL;

  if (first == NULL)
    return FALSE;
  if (g_str_equal (first, "--help") || g_str_equal (first, "-h") || g_str_equal (first, "help") ||
      g_str_equal (first, "--version"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (first, commands[i].name))
      return TRUE;
  /* Anything else that is not an option is a mistyped command. */
  return first[0] != '-';
}

int
chat_cli_run (int    argc,
              char **argv)
{
  /* stdout carries only replies and listings: debug messages must not mix in. */
  g_log_writer_default_set_use_stderr (TRUE);
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help (stdout);
      return CHAT_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("liao %s\n", PACKAGE_VERSION);
      return CHAT_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("liao: unknown command “%s”"), argv[1]);
  fputc ('\n', stderr);
  print_help (stderr);
  return CHAT_CLI_EXIT_USAGE;
}

static ChatProfile *
lookup_profile (const char  *profile_id,
                GError     **error)
{
  ChatProfile *profile = chat_profile_settings_lookup (profile_id);
  g_autofree char *known = NULL;

  if (profile != NULL)
    return profile;

  known = chat_profile_settings_dup_known_ids ();
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Unknown profile “%s”. Known profiles: %s."), profile_id, known);
  return NULL;
}

gboolean
chat_cli_target_init (ChatCliTarget  *target,
                      const char     *profile_id,
                      const char     *base_url,
                      GError        **error)
{
  ChatKeySource source;
  g_autofree char *where = NULL;
  const char *env_base = g_getenv ("LIAO_BASE_URL");

  memset (target, 0, sizeof *target);
  target->profile = lookup_profile (profile_id != NULL ? profile_id : "general", error);
  if (target->profile == NULL)
    return FALSE;

  if (base_url == NULL && env_base != NULL && *env_base != '\0')
    base_url = env_base;
  target->base_url = g_strdup (base_url != NULL ? base_url
                                                : chat_profile_get_base_url (target->profile));
  target->api_key = chat_secrets_lookup_key (target->profile, &source, &where);
  return TRUE;
}

void
chat_cli_target_clear (ChatCliTarget *target)
{
  g_clear_object (&target->profile);
  g_clear_pointer (&target->base_url, g_free);
  if (target->api_key != NULL)
    memset (target->api_key, 0, strlen (target->api_key));
  g_clear_pointer (&target->api_key, g_free);
}

ChatCliExit
chat_cli_exit_for_error (const GError *error)
{
  if (error->domain != CHAT_ERROR)
    return CHAT_CLI_EXIT_FAILED;

  switch ((ChatErrorCode) error->code)
    {
    case CHAT_ERROR_NO_KEY:
    case CHAT_ERROR_AUTH:
      return CHAT_CLI_EXIT_AUTH;
    case CHAT_ERROR_BALANCE:
    case CHAT_ERROR_RATE_LIMIT:
    case CHAT_ERROR_QUOTA:
      return CHAT_CLI_EXIT_LIMIT;
    case CHAT_ERROR_NETWORK:
    case CHAT_ERROR_TIMEOUT:
      return CHAT_CLI_EXIT_NETWORK;
    case CHAT_ERROR_CONTENT_FILTER:
      return CHAT_CLI_EXIT_FILTERED;
    case CHAT_ERROR_CANCELLED:
      return CHAT_CLI_EXIT_INTERRUPTED;
    case CHAT_ERROR_FAILED:
    case CHAT_ERROR_PROMPT_TOO_LONG:
    case CHAT_ERROR_BAD_REQUEST:
    case CHAT_ERROR_MODEL_NOT_FOUND:
    case CHAT_ERROR_SERVER:
    case CHAT_ERROR_PROTOCOL:
    default:
      return CHAT_CLI_EXIT_FAILED;
    }
}

void
chat_cli_print_error (const GError *error)
{
  g_autofree char *line = NULL;

  if (error->domain == CHAT_ERROR)
    line = chat_error_format_line (error);
  fprintf (stderr, "liao: %s\n", line != NULL ? line : error->message);
  fflush (stderr);
}

void
chat_cli_print_usage_error (const char *message)
{
  fprintf (stderr, "liao: %s\n", message);
  fprintf (stderr, "%s\n", _("Run “liao --help” for usage."));
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

void
chat_cli_wait (gboolean     *done,
               GCancellable *cancellable)
{
  guint sigint_id = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
  guint sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, cancellable);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
}

void
chat_cli_warn (const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* Translators: a warning on the command line; %s says what happened. */
  fprintf (stderr, _("liao: warning: %s"), message);
  fputc ('\n', stderr);
}

ChatStore *
chat_cli_open_store (GError **error)
{
  g_autofree char *path = chat_store_dup_default_path ();
  g_autoptr(ChatStore) store = chat_store_open (path, error);

  if (store == NULL)
    return NULL;
  if (chat_store_get_moved_aside_path (store) != NULL)
    chat_cli_warn (_("the conversation database was damaged; it was moved to %s and a new one "
                     "was started"), chat_store_get_moved_aside_path (store));
  return g_steal_pointer (&store);
}

static gint64
newest_conversation_id (ChatStore  *store,
                        GError    **error)
{
  g_autoptr(GPtrArray) conversations = chat_store_list_conversations (store, error);
  gint64 newest = 0;
  gint64 newest_updated = G_MININT64;

  if (conversations == NULL)
    return 0;
  /* The list puts pinned ones first, so look at every one. */
  for (guint i = 0; i < conversations->len; i++)
    {
      ChatConversation *conversation = g_ptr_array_index (conversations, i);

      if (chat_conversation_get_updated (conversation) > newest_updated)
        {
          newest_updated = chat_conversation_get_updated (conversation);
          newest = chat_conversation_get_id (conversation);
        }
    }
  if (newest == 0)
    g_set_error_literal (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND,
                         _("There are no saved conversations yet."));
  return newest;
}

gint64
chat_cli_parse_conversation_id (ChatStore   *store,
                                const char  *text,
                                GError     **error)
{
  guint64 id = 0;

  if (g_str_equal (text, "last"))
    return newest_conversation_id (store, error);
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_set_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not a conversation ID. “liao list” shows them."), text);
      return 0;
    }
  return (gint64) id;
}
