/* fuzz-chunk.c: the fast and the json-glib chunk decoders agree
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every input is decoded as a stream chunk ("delta") and as a whole reply
 * ("message"), by chat_chunk_parse(), chat_chunk_parse_completion() and by
 * both decoders behind them (chat-chunk-private.h).  Whenever the fast one
 * answers, it answers what json-glib says; the public call answers exactly
 * what json-glib says, errors included; every text is UTF-8.
 */

#include <string.h>

#include "chat-chunk-private.h"
#include "chat-error.h"
#include "chat-fuzz.h"
#include "chat-reply.h"

static gboolean
same_tool_call (const ChatToolCall *a,
                const ChatToolCall *b)
{
  return a->index == b->index && g_strcmp0 (a->id, b->id) == 0
         && g_strcmp0 (a->type, b->type) == 0 && g_strcmp0 (a->name, b->name) == 0
         && g_strcmp0 (a->arguments, b->arguments) == 0;
}

static gboolean
same_tool_calls (GPtrArray *a,
                 GPtrArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!same_tool_call (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static gboolean
same_delta (const ChatDelta *a,
            const ChatDelta *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->content, b->content) == 0 && g_strcmp0 (a->reasoning, b->reasoning) == 0
         && same_tool_calls (a->tool_calls, b->tool_calls)
         && g_strcmp0 (a->finish_reason, b->finish_reason) == 0
         && g_strcmp0 (a->model, b->model) == 0 && g_strcmp0 (a->id, b->id) == 0
         && a->has_usage == b->has_usage
         && (!a->has_usage || memcmp (&a->usage, &b->usage, sizeof a->usage) == 0);
}

static gboolean
same_error (const GError *a,
            const GError *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->domain == b->domain && a->code == b->code && g_strcmp0 (a->message, b->message) == 0;
}

static gboolean
is_text (const char *text)
{
  return text == NULL || g_utf8_validate (text, -1, NULL);
}

static void
check_texts (const ChatDelta *delta)
{
  chat_fuzz_check (is_text (delta->content) && is_text (delta->reasoning)
                   && is_text (delta->finish_reason) && is_text (delta->model)
                   && is_text (delta->id), "a delta's texts are UTF-8");
  for (guint i = 0; delta->tool_calls != NULL && i < delta->tool_calls->len; i++)
    {
      const ChatToolCall *call = g_ptr_array_index (delta->tool_calls, i);

      chat_fuzz_check (is_text (call->id) && is_text (call->type) && is_text (call->name)
                       && is_text (call->arguments), "a tool call's texts are UTF-8");
    }
}

/* Merging and applying must take whatever the decoder made. */
static void
apply (ChatDelta *delta)
{
  g_autoptr(ChatReply) reply = chat_reply_new ();

  chat_reply_apply (reply, delta);
  chat_reply_apply (reply, delta);
  if (delta->content != NULL)
    chat_fuzz_check (chat_reply_get_content_length (reply) == 2 * strlen (delta->content),
                     "applying a delta twice doubles its content");
}

static void
check_member (const char *data,
              gsize       length,
              const char *member)
{
  g_autoptr(GError) slow_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) slow = chat_chunk_parse_slow (data, length, member, &slow_error);
  g_autoptr(ChatDelta) fast = chat_chunk_parse_fast (data, length, member);
  g_autoptr(ChatDelta) delta = g_str_equal (member, "delta")
                               ? chat_chunk_parse (data, length, &error)
                               : chat_chunk_parse_completion (data, length, &error);

  chat_fuzz_check ((slow == NULL) != (slow_error == NULL), "json-glib gives a delta or an error");
  chat_fuzz_check (slow_error == NULL || slow_error->domain == CHAT_ERROR, "errors are CHAT_ERRORs");
  chat_fuzz_check (fast == NULL || same_delta (fast, slow), "the fast decoder agrees with json-glib");
  chat_fuzz_check (same_delta (delta, slow) && same_error (error, slow_error),
                   "the public decoder answers what json-glib says");
  if (delta == NULL)
    return;
  check_texts (delta);
  apply (delta);
}

void
chat_fuzz_chunk (const guint8 *data,
                 gsize         size)
{
  const char *text = size > 0 ? (const char *) data : "";

  check_member (text, size, "delta");
  check_member (text, size, "message");
  chat_chunk_is_done (text, size);
}
