/* chat-cli-models.c: `liao models`, the models an endpoint offers
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "chat-cli.h"
#include "chat-client.h"

typedef struct {
  GStrv    models;
  GError  *error;
  gboolean done;
} ModelsState;

static void
on_models_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ModelsState *state = user_data;

  state->models = chat_client_list_models_finish (CHAT_CLIENT (source), result, &state->error);
  state->done = TRUE;
}

static int
print_models (ModelsState *state)
{
  int status = CHAT_CLI_EXIT_OK;

  if (state->error != NULL)
    {
      chat_cli_print_error (state->error);
      status = chat_cli_exit_for_error (state->error);
    }
  for (guint i = 0; state->models != NULL && state->models[i] != NULL; i++)
    printf ("%s\n", state->models[i]);
  g_clear_error (&state->error);
  g_clear_pointer (&state->models, g_strfreev);
  return status;
}

int
chat_cli_models (int    argc,
                 char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *base_url = NULL;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("Endpoint profile (general, coding, zai, zai-coding)"), N_("NAME") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Ask this base URL instead"), N_("URL") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the models an endpoint offers"));
  g_autoptr(ChatClient) client = chat_client_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(ChatCliTarget) target = { 0 };
  g_autoptr(GError) error = NULL;
  ModelsState state = { 0 };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !chat_cli_target_init (&target, profile, base_url, &error))
    {
      chat_cli_print_usage_error (error->message);
      return CHAT_CLI_EXIT_USAGE;
    }

  chat_client_list_models_async (client, target.base_url, target.api_key, cancellable,
                                 on_models_listed, &state);
  chat_cli_wait (&state.done, cancellable);
  return print_models (&state);
}
