/* chat-cli-store.c: `liao list`, `show`, `search`, `rename` and `delete`
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "chat-cli.h"
#include "chat-export.h"

/* Parses a command's options and checks it got @n_args arguments. */
static gboolean
parse_command (int          *argc,
               char       ***argv,
               const char   *usage,
               gboolean     *json,
               int           n_args)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;

  if (json != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      chat_cli_print_usage_error (error->message);
      return FALSE;
    }
  if (*argc - 1 != n_args)
    {
      /* Translators: the command (e.g. “show”), then its arguments (e.g. “ID”). */
      g_autofree char *message = g_strdup_printf (_("Usage: liao %s %s"), (*argv)[0], usage);

      chat_cli_print_usage_error (message);
      return FALSE;
    }
  return TRUE;
}

static int
fail (GError *error)
{
  int status = chat_cli_exit_for_error (error);

  chat_cli_print_error (error);
  g_error_free (error);
  return status;
}

static char *
format_time (gint64 microseconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (microseconds / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static void
print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

/* list */

static JsonNode *
conversations_to_json (GPtrArray *conversations)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < conversations->len; i++)
    {
      ChatConversation *c = g_ptr_array_index (conversations, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, chat_conversation_get_id (c));
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, chat_conversation_get_title (c));
      json_builder_set_member_name (builder, "updated");
      json_builder_add_int_value (builder, chat_conversation_get_updated (c));
      json_builder_set_member_name (builder, "pinned");
      json_builder_add_boolean_value (builder, chat_conversation_get_pinned (c));
      json_builder_set_member_name (builder, "profile");
      json_builder_add_string_value (builder, chat_conversation_get_profile (c));
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, chat_conversation_get_model (c));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

int
chat_cli_list (int    argc,
               char **argv)
{
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  GError *error = NULL;
  gboolean json = FALSE;

  if (!parse_command (&argc, &argv, "", &json, 0))
    return CHAT_CLI_EXIT_USAGE;
  if ((store = chat_cli_open_store (&error)) == NULL ||
      (conversations = chat_store_list_conversations (store, &error)) == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = conversations_to_json (conversations);

      print_json (root);
      return CHAT_CLI_EXIT_OK;
    }
  for (guint i = 0; i < conversations->len; i++)
    {
      ChatConversation *c = g_ptr_array_index (conversations, i);
      g_autofree char *updated = format_time (chat_conversation_get_updated (c));

      printf ("%" G_GINT64_FORMAT "\t%s\t%s%s\n", chat_conversation_get_id (c), updated,
              chat_conversation_get_pinned (c) ? "📌 " : "", chat_conversation_get_title (c));
    }
  return CHAT_CLI_EXIT_OK;
}

/* show */

static void
print_message (ChatMessage *message)
{
  const char *reasoning = chat_message_get_reasoning (message);
  const char *error = chat_message_get_error_message (message);

  printf ("[%s, %s]\n", chat_message_get_role (message),
          chat_message_state_to_string (chat_message_get_state (message)));
  if (reasoning != NULL && *reasoning != '\0')
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (reasoning));

      printf ("(%s)\n%s\n\n", _("reasoning"), trimmed);
    }
  printf ("%s\n", chat_message_get_content (message));
  if (error != NULL)
    printf ("(%s: %s)\n", _("error"), error);
  printf ("\n");
}

static int
show_text (ChatStore *store,
           gint64     id)
{
  g_autoptr(ChatConversation) conversation = NULL;
  GError *error = NULL;
  guint n_items;

  if ((conversation = chat_store_load_conversation (store, id, &error)) == NULL)
    return fail (error);
  printf ("# %s\n\n", chat_conversation_get_title (conversation));
  n_items = g_list_model_get_n_items (G_LIST_MODEL (conversation));
  for (guint i = 0; i < n_items; i++)
    print_message (chat_conversation_get_message (conversation, i));
  return CHAT_CLI_EXIT_OK;
}

int
chat_cli_show (int    argc,
               char **argv)
{
  g_autoptr(ChatStore) store = NULL;
  g_autofree char *json_text = NULL;
  GError *error = NULL;
  gboolean json = FALSE;
  gint64 id;

  if (!parse_command (&argc, &argv, _("ID"), &json, 1))
    return CHAT_CLI_EXIT_USAGE;
  if ((store = chat_cli_open_store (&error)) == NULL ||
      (id = chat_cli_parse_conversation_id (store, argv[1], &error)) == 0)
    return fail (error);
  if (!json)
    return show_text (store, id);
  if ((json_text = chat_export_to_json (store, id, &error)) == NULL)
    return fail (error);
  printf ("%s\n", json_text);
  return CHAT_CLI_EXIT_OK;
}

/* search */

/* Marks the match with brackets, for a terminal or a script. */
static char *
mark_snippet (const char *snippet)
{
  g_autoptr(GString) text = g_string_new (snippet);

  g_string_replace (text, CHAT_STORE_MARK_START, "[", 0);
  g_string_replace (text, CHAT_STORE_MARK_END, "]", 0);
  g_string_replace (text, "\n", " ", 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonNode *
hits_to_json (GPtrArray *hits)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < hits->len; i++)
    {
      ChatSearchHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *snippet = mark_snippet (hit->snippet);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "conversation_id");
      json_builder_add_int_value (builder, hit->conversation_id);
      json_builder_set_member_name (builder, "message_id");
      json_builder_add_int_value (builder, hit->message_id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, hit->title);
      json_builder_set_member_name (builder, "snippet");
      json_builder_add_string_value (builder, snippet);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

int
chat_cli_search (int    argc,
                 char **argv)
{
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  GError *error = NULL;
  gboolean json = FALSE;

  if (!parse_command (&argc, &argv, _("QUERY"), &json, 1))
    return CHAT_CLI_EXIT_USAGE;
  if ((store = chat_cli_open_store (&error)) == NULL ||
      (hits = chat_store_search (store, argv[1], 50, &error)) == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = hits_to_json (hits);

      print_json (root);
      return CHAT_CLI_EXIT_OK;
    }
  for (guint i = 0; i < hits->len; i++)
    {
      ChatSearchHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *snippet = mark_snippet (hit->snippet);

      printf ("%" G_GINT64_FORMAT "\t%s\t%s\n", hit->conversation_id, hit->title, snippet);
    }
  return CHAT_CLI_EXIT_OK;
}

/* rename, delete */

int
chat_cli_rename (int    argc,
                 char **argv)
{
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(ChatConversation) conversation = NULL;
  GError *error = NULL;
  gint64 id;

  if (!parse_command (&argc, &argv, _("ID TITLE"), NULL, 2))
    return CHAT_CLI_EXIT_USAGE;
  if (!g_utf8_validate (argv[2], -1, NULL) || *g_strstrip (argv[2]) == '\0')
    {
      chat_cli_print_usage_error (_("The title must be non-empty UTF-8 text."));
      return CHAT_CLI_EXIT_USAGE;
    }
  if ((store = chat_cli_open_store (&error)) == NULL ||
      (id = chat_cli_parse_conversation_id (store, argv[1], &error)) == 0 ||
      (conversation = chat_store_load_conversation (store, id, &error)) == NULL)
    return fail (error);
  chat_conversation_set_title (conversation, argv[2]);
  if (!chat_store_save_conversation (store, conversation, &error))
    return fail (error);
  return CHAT_CLI_EXIT_OK;
}

int
chat_cli_delete (int    argc,
                 char **argv)
{
  g_autoptr(ChatStore) store = NULL;
  GError *error = NULL;
  gint64 id;

  if (!parse_command (&argc, &argv, _("ID"), NULL, 1))
    return CHAT_CLI_EXIT_USAGE;
  if ((store = chat_cli_open_store (&error)) == NULL ||
      (id = chat_cli_parse_conversation_id (store, argv[1], &error)) == 0 ||
      !chat_store_delete_conversation (store, id, &error))
    return fail (error);
  return CHAT_CLI_EXIT_OK;
}
