/* chat-cli-record.c: how `liao ask` keeps an exchange in the store
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "chat-cli.h"
#include "chat-cli-record.h"
#include "chat-error.h"

struct _ChatCliRecord {
  ChatStore        *store;
  ChatConversation *conversation;
  ChatMessage      *answer;
  ChatReply        *reply;
  guint             checkpoint_id;
  gboolean          dirty;
  gboolean          failed;
};

/* Saving must never stop the answer: one warning, then the reply goes on unsaved. */
static void
warn_not_saved (ChatCliRecord *self,
                const GError  *error)
{
  if (self->failed)
    return;
  self->failed = TRUE;
  chat_cli_warn (_("could not save this conversation: %s"), error->message);
}

ChatCliRecord *
chat_cli_record_begin (ChatStore  *store,
                       gint64      conversation_id,
                       GError    **error)
{
  g_autoptr(ChatConversation) conversation = NULL;
  ChatCliRecord *self;

  if (conversation_id != 0)
    conversation = chat_store_load_conversation (store, conversation_id, error);
  else
    conversation = chat_conversation_new (NULL);
  if (conversation == NULL)
    return NULL;

  self = g_new0 (ChatCliRecord, 1);
  self->store = g_object_ref (store);
  self->conversation = g_steal_pointer (&conversation);
  return self;
}

ChatConversation *
chat_cli_record_get_conversation (ChatCliRecord *self)
{
  return self->conversation;
}

static ChatMessage *
add_message (ChatCliRecord  *self,
             ChatMessage    *message,
             GError        **error)
{
  ChatConversation *conversation = self->conversation;

  chat_message_set_conversation_id (message, chat_conversation_get_id (conversation));
  chat_message_set_parent_id (message, chat_conversation_get_current_leaf (conversation));
  if (!chat_store_add_message (self->store, message, error))
    return NULL;
  chat_conversation_set_current_leaf (conversation, chat_message_get_id (message));
  chat_conversation_append (conversation, message);
  return message;
}

gboolean
chat_cli_record_add_question (ChatCliRecord  *self,
                              const char     *question,
                              const char     *model,
                              GError        **error)
{
  g_autoptr(ChatMessage) asked = chat_message_new ("user", question);
  g_autoptr(ChatMessage) answer = chat_message_new ("assistant", "");

  if (chat_conversation_get_id (self->conversation) == 0)
    {
      g_autofree char *title = chat_conversation_title_from_question (question);

      chat_conversation_set_title (self->conversation, title);
      if (!chat_store_add_conversation (self->store, self->conversation, error))
        return FALSE;
    }
  chat_message_set_model (answer, model);
  chat_message_set_state (answer, CHAT_MESSAGE_STATE_STREAMING);
  if (add_message (self, asked, error) == NULL || add_message (self, answer, error) == NULL)
    return FALSE;
  self->answer = g_steal_pointer (&answer);
  return TRUE;
}

static void
copy_text (ChatCliRecord *self)
{
  chat_message_set_content (self->answer, chat_reply_get_content (self->reply));
  chat_message_set_reasoning (self->answer, chat_reply_get_reasoning (self->reply));
}

static gboolean
on_checkpoint_due (gpointer user_data)
{
  ChatCliRecord *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!self->dirty)
    return G_SOURCE_CONTINUE;
  self->dirty = FALSE;
  copy_text (self);
  if (!chat_store_checkpoint_message (self->store, self->answer, &error))
    warn_not_saved (self, error);
  return G_SOURCE_CONTINUE;
}

static void
on_delta (ChatReply     *reply,
          const char    *content_added,
          const char    *reasoning_added,
          ChatCliRecord *self)
{
  self->dirty = TRUE;
}

void
chat_cli_record_follow (ChatCliRecord *self,
                        ChatReply     *reply)
{
  if (self->answer == NULL)
    return;
  g_set_object (&self->reply, reply);
  g_signal_connect (reply, "delta", G_CALLBACK (on_delta), self);
  self->checkpoint_id = g_timeout_add (CHAT_CLI_CHECKPOINT_INTERVAL_MS, on_checkpoint_due, self);
}

static ChatMessageState
state_for (const GError *error)
{
  if (error == NULL)
    return CHAT_MESSAGE_STATE_COMPLETE;
  if (g_error_matches (error, CHAT_ERROR, CHAT_ERROR_CANCELLED))
    return CHAT_MESSAGE_STATE_CANCELLED;
  return CHAT_MESSAGE_STATE_ERROR;
}

static void
set_error_detail (ChatMessage  *message,
                  const GError *error)
{
  const char *code = error->domain == CHAT_ERROR ? chat_error_get_server_code (error) : NULL;

  chat_message_set_error (message, code, error->message);
}

static void
set_timing (ChatMessage *message,
            ChatReply   *reply)
{
  gint64 started = chat_reply_get_started_at (reply);
  gint64 first = chat_reply_get_first_token_at (reply);
  gint64 finished = chat_reply_get_finished_at (reply);

  chat_message_set_finished (message, g_get_real_time ());
  if (first != 0)
    chat_message_set_first_token_ms (message, (first - started) / 1000);
  if (finished != 0)
    chat_message_set_duration_ms (message, (finished - started) / 1000);
}

void
chat_cli_record_finish (ChatCliRecord *self,
                        ChatReply     *reply,
                        const GError  *error)
{
  g_autoptr(GError) save_error = NULL;

  if (self->answer == NULL)
    return;
  g_clear_handle_id (&self->checkpoint_id, g_source_remove);
  copy_text (self);
  chat_message_set_state (self->answer, state_for (error));
  chat_message_set_finish_reason (self->answer, chat_reply_get_finish_reason (reply));
  if (chat_reply_get_model (reply) != NULL)
    chat_message_set_model (self->answer, chat_reply_get_model (reply));
  if (chat_reply_has_usage (reply))
    chat_message_set_usage (self->answer, chat_reply_get_usage (reply));
  if (error != NULL)
    set_error_detail (self->answer, error);
  set_timing (self->answer, reply);
  if (!chat_store_save_message (self->store, self->answer, &save_error))
    warn_not_saved (self, save_error);
}

void
chat_cli_record_free (ChatCliRecord *self)
{
  g_clear_handle_id (&self->checkpoint_id, g_source_remove);
  if (self->reply != NULL)
    g_signal_handlers_disconnect_by_data (self->reply, self);
  g_clear_object (&self->reply);
  g_clear_object (&self->answer);
  g_clear_object (&self->conversation);
  g_clear_object (&self->store);
  g_free (self);
}
