/* chat-cli-ask.c: `liao ask`, one question and its streamed reply
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * stdout carries exactly the reply's content, flushed as it arrives, then
 * one newline; everything else (reasoning on request, errors) goes to stderr.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gunixinputstream.h>

#include "chat-cli.h"
#include "chat-cli-record.h"
#include "chat-client.h"
#include "chat-error.h"

#define MAX_STDIN_PROMPT (16 * 1024 * 1024)
#define IDLE_TIMEOUT_UNSET G_MININT

typedef struct {
  char     *profile;
  char     *base_url;
  char     *model;
  char     *system;
  double    temperature;
  gint64    max_tokens;
  char     *thinking;
  gboolean  show_thinking;
  int       idle_timeout;
  char     *continue_id;
  gboolean  no_save;
  char    **prompt_words;
} AskOptions;

typedef struct {
  gboolean  show_thinking;
  gboolean  printed_content;
  gboolean  printed_reasoning;
  gboolean  done;
  GError   *error;
} AskState;

static void
ask_options_clear (AskOptions *options)
{
  g_free (options->profile);
  g_free (options->base_url);
  g_free (options->model);
  g_free (options->system);
  g_free (options->thinking);
  g_free (options->continue_id);
  g_strfreev (options->prompt_words);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AskOptions, ask_options_clear)

static GOptionContext *
build_option_context (AskOptions *o)
{
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &o->profile, N_("Endpoint profile (general, coding, zai, zai-coding)"), N_("NAME") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &o->base_url, N_("Send the request to this base URL instead"), N_("URL") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &o->model, N_("Model to ask"), N_("ID") },
    { "system", 0, 0, G_OPTION_ARG_STRING, &o->system, N_("System prompt"), N_("TEXT") },
    { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &o->temperature, N_("Sampling temperature, 0 to 1"), N_("T") },
    { "max-tokens", 0, 0, G_OPTION_ARG_INT64, &o->max_tokens, N_("Longest reply, in tokens"), N_("N") },
    { "thinking", 0, 0, G_OPTION_ARG_STRING, &o->thinking, N_("Let the model think first: on or off"), N_("on|off") },
    { "show-thinking", 0, 0, G_OPTION_ARG_NONE, &o->show_thinking, N_("Print the model’s reasoning on standard error"), NULL },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &o->idle_timeout, N_("Give up after this many seconds without data"), N_("SECONDS") },
    { "continue", 0, 0, G_OPTION_ARG_STRING, &o->continue_id, N_("Go on with a saved conversation (an ID from “liao list”, or “last”)"), N_("ID") },
    { "no-save", 0, 0, G_OPTION_ARG_NONE, &o->no_save, N_("Do not save this exchange"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->prompt_words, NULL, N_("PROMPT") },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (_("PROMPT — ask a question (PROMPT “-” reads standard input)"));

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/* Checks values GOption cannot; sets @error with a usage message. */
static gboolean
validate_options (AskOptions  *o,
                  GError     **error)
{
  if (o->prompt_words == NULL || o->prompt_words[0] == NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("No prompt given."));
  else if (!isnan (o->temperature) && (o->temperature < 0.0 || o->temperature > 1.0))
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--temperature must be between 0 and 1."));
  else if (o->max_tokens != -1 && o->max_tokens < 1)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--max-tokens must be at least 1."));
  else if (o->thinking != NULL && !g_str_equal (o->thinking, "on") &&
           !g_str_equal (o->thinking, "off"))
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--thinking must be “on” or “off”."));
  else if (o->continue_id != NULL && o->no_save)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--continue and --no-save cannot be used together."));
  else if (o->idle_timeout != IDLE_TIMEOUT_UNSET && o->idle_timeout < 0)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--idle-timeout must be 0 or more seconds."));
  else
    return TRUE;
  return FALSE;
}

/* Reads standard input to its end, stopping early once it is over the limit. */
static char *
read_standard_input (GError **error)
{
  g_autoptr(GInputStream) input = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GByteArray) text = g_byte_array_new ();
  guint8 buffer[64 * 1024];
  gssize n_read;

  while ((n_read = g_input_stream_read (input, buffer, sizeof buffer, NULL, error)) > 0)
    {
      g_byte_array_append (text, buffer, n_read);
      if (text->len > MAX_STDIN_PROMPT)
        break;
    }
  if (n_read < 0)
    return NULL;
  g_byte_array_append (text, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&text), FALSE);
}

static char *
read_prompt (AskOptions  *o,
             GError     **error)
{
  g_autofree char *prompt = NULL;

  if (g_str_equal (o->prompt_words[0], "-") && o->prompt_words[1] == NULL)
    prompt = read_standard_input (error);
  else
    prompt = g_strjoinv (" ", o->prompt_words);
  if (prompt == NULL)
    return NULL;

  if (strlen (prompt) > MAX_STDIN_PROMPT || !g_utf8_validate (prompt, -1, NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("The prompt must be UTF-8 text of at most 16 MiB."));
      return NULL;
    }
  return g_steal_pointer (&prompt);
}

/* The options given on the command line win over the conversation's own settings. */
static void
apply_options (AskOptions       *o,
               ChatConversation *conversation)
{
  if (o->profile != NULL || chat_conversation_get_profile (conversation) == NULL)
    chat_conversation_set_profile (conversation, o->profile != NULL ? o->profile : "general");
  if (o->model != NULL)
    chat_conversation_set_model (conversation, o->model);
  if (o->system != NULL)
    chat_conversation_set_system_prompt (conversation, o->system);
}

/* What the model sees of the conversation: its finished turns. */
static void
add_history (ChatRequest      *request,
             ChatConversation *conversation)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (conversation));

  for (guint i = 0; i < n_items; i++)
    {
      ChatMessage *message = chat_conversation_get_message (conversation, i);
      gboolean answered = chat_message_get_state (message) == CHAT_MESSAGE_STATE_COMPLETE;
      const char *role = chat_message_get_role (message);

      if (g_str_equal (role, "user") || (g_str_equal (role, "assistant") && answered))
        chat_request_add_message (request, role, chat_message_get_content (message));
    }
}

static ChatRequest *
build_request (AskOptions       *o,
               ChatConversation *conversation,
               const char       *model,
               const char       *prompt)
{
  ChatRequest *request = chat_request_new (model);
  const char *system = chat_conversation_get_system_prompt (conversation);

  if (system != NULL && *system != '\0')
    chat_request_add_message (request, "system", system);
  add_history (request, conversation);
  chat_request_add_message (request, "user", prompt);
  chat_request_set_stream (request, TRUE);
  if (!isnan (o->temperature))
    chat_request_set_temperature (request, o->temperature);
  if (o->max_tokens != -1)
    chat_request_set_max_tokens (request, o->max_tokens);
  if (o->thinking != NULL)
    chat_request_set_thinking (request, g_str_equal (o->thinking, "on")
                                        ? CHAT_THINKING_ENABLED : CHAT_THINKING_DISABLED);
  return request;
}

static void
on_delta (ChatReply  *reply,
          const char *content_added,
          const char *reasoning_added,
          AskState   *state)
{
  if (reasoning_added != NULL && state->show_thinking)
    {
      fputs (reasoning_added, stderr);
      fflush (stderr);
      state->printed_reasoning = TRUE;
    }
  if (content_added != NULL && *content_added != '\0')
    {
      /* The reasoning ends where the answer begins. */
      if (state->printed_reasoning && !state->printed_content)
        fputc ('\n', stderr);
      fputs (content_added, stdout);
      fflush (stdout);
      state->printed_content = TRUE;
    }
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AskState *state = user_data;

  chat_client_send_finish (CHAT_CLIENT (source), result, &state->error);
  state->done = TRUE;
}

static void
warn_about_skipped_events (ChatReply *reply)
{
  guint skipped = chat_reply_get_n_skipped_events (reply);

  if (skipped == 0)
    return;
  chat_cli_warn (g_dngettext (GETTEXT_PACKAGE,
                              "%u damaged part of the reply was skipped; the text may have a gap.",
                              "%u damaged parts of the reply were skipped; the text may have gaps.",
                              skipped), skipped);
}

static int
finish_output (AskState  *state,
               ChatReply *reply)
{
  const char *reason = chat_reply_get_finish_reason (reply);

  if (state->printed_reasoning && !state->printed_content)
    fputc ('\n', stderr);
  if (state->error == NULL || state->printed_content)
    {
      fputc ('\n', stdout);
      fflush (stdout);
    }
  warn_about_skipped_events (reply);
  if (state->error != NULL)
    {
      chat_cli_print_error (state->error);
      return chat_cli_exit_for_error (state->error);
    }
  if (g_strcmp0 (reason, "length") == 0)
    {
      fprintf (stderr, "liao: %s\n", _("The reply was cut off at the token limit (--max-tokens)."));
      return CHAT_CLI_EXIT_TRUNCATED;
    }
  return CHAT_CLI_EXIT_OK;
}

static int
run_ask (AskOptions    *o,
         ChatCliTarget *target,
         ChatRequest   *request,
         ChatCliRecord *record)
{
  g_autoptr(ChatClient) client = chat_client_new ();
  g_autoptr(ChatReply) reply = chat_reply_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AskState state = { .show_thinking = o->show_thinking };
  int status;

  if (o->idle_timeout != IDLE_TIMEOUT_UNSET)
    chat_client_set_idle_timeout (client, o->idle_timeout);
  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), &state);
  if (record != NULL)
    chat_cli_record_follow (record, reply);
  chat_client_send_async (client, target->base_url, target->api_key, request, reply,
                          cancellable, on_sent, &state);
  chat_cli_wait (&state.done, cancellable);
  if (record != NULL)
    chat_cli_record_finish (record, reply, state.error);
  status = finish_output (&state, reply);
  g_clear_error (&state.error);
  return status;
}

/* The exchange's record in the store; NULL (with a warning) when it cannot be kept. */
static ChatCliRecord *
open_record (AskOptions  *o,
             GError     **error)
{
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 conversation_id = 0;

  if (o->no_save)
    return NULL;
  store = chat_cli_open_store (&local_error);
  if (store != NULL && o->continue_id != NULL)
    conversation_id = chat_cli_parse_conversation_id (store, o->continue_id, &local_error);
  if (local_error == NULL)
    return chat_cli_record_begin (store, conversation_id, error);

  /* Going on with a conversation needs it; a new question can be answered unsaved. */
  if (o->continue_id != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  chat_cli_warn (_("this exchange will not be saved: %s"), local_error->message);
  return NULL;
}

static int
ask_in_conversation (AskOptions    *o,
                     ChatCliRecord *record,
                     const char    *prompt)
{
  g_autoptr(ChatConversation) conversation = NULL;
  g_auto(ChatCliTarget) target = { 0 };
  g_autoptr(ChatRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  const char *model;

  conversation = record != NULL ? g_object_ref (chat_cli_record_get_conversation (record))
                                : chat_conversation_new (NULL);
  apply_options (o, conversation);
  if (!chat_cli_target_init (&target, chat_conversation_get_profile (conversation),
                             o->base_url, &error))
    {
      chat_cli_print_usage_error (error->message);
      return CHAT_CLI_EXIT_USAGE;
    }
  model = chat_conversation_get_model (conversation);
  if (model == NULL)
    chat_conversation_set_model (conversation, chat_profile_get_default_model (target.profile));
  model = chat_conversation_get_model (conversation);
  request = build_request (o, conversation, model, prompt);

  /* The question is kept before it is sent: a failure below cannot lose it. */
  if (record != NULL && !chat_cli_record_add_question (record, prompt, model, &error))
    {
      chat_cli_warn (_("this exchange will not be saved: %s"), error->message);
      record = NULL;
    }
  return run_ask (o, &target, request, record);
}

int
chat_cli_ask (int    argc,
              char **argv)
{
  g_auto(AskOptions) options = { .temperature = NAN, .max_tokens = -1,
                                 .idle_timeout = IDLE_TIMEOUT_UNSET };
  g_autoptr(GOptionContext) context = build_option_context (&options);
  g_autoptr(ChatCliRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !validate_options (&options, &error) ||
      (prompt = read_prompt (&options, &error)) == NULL)
    {
      chat_cli_print_usage_error (error->message);
      return CHAT_CLI_EXIT_USAGE;
    }
  record = open_record (&options, &error);
  if (error != NULL)
    {
      chat_cli_print_error (error);
      return CHAT_CLI_EXIT_FAILED;
    }
  return ask_in_conversation (&options, record, prompt);
}
