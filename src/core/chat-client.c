/* chat-client.c: talking to a GLM-style server
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One request is a ChatSendOp carried by a GTask.  It goes through at most
 * CHAT_CLIENT_MAX_TRIES attempts; each attempt sends the message, checks the
 * status and Content-Type, then reads the body either as SSE (streaming) or
 * whole (errors, non-streaming replies, model lists).  A single timer guards
 * every wait: the connect time-out until the headers arrive, then the idle
 * time-out between two reads.  When it fires it cancels the attempt's own
 * GCancellable, which is how a stalled socket is abandoned at once.
 *
 * Every source a request adds (that timer, the wait before a retry, the
 * reaction to a cancel) goes to the GTask's context, the thread-default one
 * of the caller, never the global default: a caller in a worker thread or on
 * a context of its own may never iterate that one.  For the same reason the
 * sources are kept as GSource pointers; g_source_remove() only knows ids of
 * the global default context.
 */

#define G_LOG_DOMAIN "liao-client"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "chat-chunk.h"
#include "chat-client.h"
#include "chat-error.h"
#include "chat-profile.h"
#include "chat-sse.h"

#define READ_CHUNK_SIZE       (64 * 1024)
#define MAX_WHOLE_BODY        (64 * 1024 * 1024)
#define MAX_ERROR_BODY        (1024 * 1024)
#define DEFAULT_RETRY_DELAY_MS 500

struct _ChatClient
{
  GObject      parent_instance;

  SoupSession *session;
  guint        connect_timeout;
  guint        idle_timeout;
  guint        retry_delay_ms;
  int          n_attempts;      /* atomic: libsoup 3.2 sends from any thread */
};

G_DEFINE_FINAL_TYPE (ChatClient, chat_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECT_TIMEOUT,
  PROP_IDLE_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum {
  BODY_SSE,        /* a streamed reply */
  BODY_COMPLETION, /* a whole chat.completion JSON */
  BODY_MODELS,     /* a whole model list */
  BODY_ERROR,      /* a whole error envelope */
} BodyKind;

typedef struct {
  ChatClient    *client;
  char          *url;
  char          *api_key;
  GBytes        *body;            /* NULL for GET */
  gboolean       stream;
  ChatReply     *reply;
  GCancellable  *user_cancellable;
  gulong         user_cancel_id;

  guint          attempt;
  GCancellable  *attempt_cancellable;
  SoupMessage   *message;
  GInputStream  *input;
  GSource       *timer;
  GSource       *retry;
  gboolean       timed_out;
  guint64        body_bytes;      /* of this attempt's response body */

  BodyKind       body_kind;
  GByteArray    *whole;
  ChatSseParser *sse;
  GError        *stream_error;
  gboolean       done_seen;
  guint8         buffer[READ_CHUNK_SIZE];
} ChatSendOp;

static void start_attempt (GTask *task);
static void read_next     (GTask *task);

/* Op lifetime */

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static GSource *
attach_source (GTask       *task,
               GSource     *source,
               GSourceFunc  func,
               gpointer     data)
{
  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, g_task_get_context (task));
  return source;
}

static void
clear_timer (ChatSendOp *op)
{
  clear_source (&op->timer);
}

static void
clear_attempt (ChatSendOp *op)
{
  clear_timer (op);
  g_clear_object (&op->input);
  g_clear_object (&op->message);
  g_clear_object (&op->attempt_cancellable);
  g_clear_pointer (&op->whole, g_byte_array_unref);
  g_clear_pointer (&op->sse, chat_sse_parser_free);
  g_clear_error (&op->stream_error);
  op->timed_out = FALSE;
  op->body_bytes = 0;
  op->done_seen = FALSE;
}

/* Once the task has its result, a cancel has nothing left to stop. */
static void
disconnect_user_cancellable (ChatSendOp *op)
{
  if (op->user_cancel_id != 0)
    g_cancellable_disconnect (op->user_cancellable, op->user_cancel_id);
  op->user_cancel_id = 0;
}

static void
chat_send_op_free (ChatSendOp *op)
{
  clear_attempt (op);
  clear_source (&op->retry);
  disconnect_user_cancellable (op);
  g_clear_object (&op->user_cancellable);
  g_clear_object (&op->reply);
  g_clear_pointer (&op->body, g_bytes_unref);
  g_clear_pointer (&op->url, g_free);
  if (op->api_key != NULL)
    memset (op->api_key, 0, strlen (op->api_key));
  g_clear_pointer (&op->api_key, g_free);
  g_free (op);
}

/* Ending */

static void
finish_with_error (GTask  *task,
                   GError *error)
{
  ChatSendOp *op = g_task_get_task_data (task);

  clear_attempt (op);
  disconnect_user_cancellable (op);
  if (op->reply != NULL)
    chat_reply_mark_finished (op->reply);
  g_debug ("request to %s failed: %s", op->url, error->message);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
finish_ok (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);

  clear_attempt (op);
  disconnect_user_cancellable (op);
  if (op->reply != NULL)
    chat_reply_mark_finished (op->reply);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
retry_or_fail (GTask  *task,
               GError *error);

/* The error to report when an I/O step fails: ours if we cancelled it. */
static GError *
map_io_error (ChatSendOp   *op,
              const GError *io_error)
{
  if (g_cancellable_is_cancelled (op->user_cancellable))
    return chat_error_new (CHAT_ERROR_CANCELLED, 0, NULL, NULL);
  if (op->timed_out)
    return chat_error_new (CHAT_ERROR_TIMEOUT, 0, NULL, NULL);
  return chat_error_new_from_io (io_error);
}

/* Timers and cancellation */

static gboolean
on_timer_expired (gpointer user_data)
{
  ChatSendOp *op = user_data;

  /* The context holds the source while it dispatches. */
  g_clear_pointer (&op->timer, g_source_unref);
  op->timed_out = TRUE;
  g_cancellable_cancel (op->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (GTask *task,
           guint  seconds)
{
  ChatSendOp *op = g_task_get_task_data (task);

  clear_timer (op);
  if (seconds > 0)
    op->timer = attach_source (task, g_timeout_source_new_seconds (seconds),
                               on_timer_expired, op);
}

/* Runs on the task's context, whichever thread cancelled. */
static gboolean
on_cancel_due (gpointer user_data)
{
  GTask *task = user_data;
  ChatSendOp *op = g_task_get_task_data (task);

  if (op->attempt_cancellable != NULL)
    g_cancellable_cancel (op->attempt_cancellable);

  /* Between two tries nothing is pending that a cancel would wake. */
  if (op->retry != NULL)
    {
      clear_source (&op->retry);
      finish_with_error (task, chat_error_new (CHAT_ERROR_CANCELLED, 0, NULL, NULL));
    }
  return G_SOURCE_REMOVE;
}

/* A GCancellable may be cancelled from any thread, so this only hands the
 * cancel to the task's context; the source keeps the task alive until then. */
static void
on_user_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_cancel_due, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

/* Headers */

static char *
language_tag_from_locale (const char *locale)
{
  g_autofree char *tag = g_strdup (locale);
  char *cut = strpbrk (tag, ".@");

  if (cut != NULL)
    *cut = '\0';
  g_strdelimit (tag, "_", '-');
  return g_steal_pointer (&tag);
}

char *
chat_client_dup_accept_language (void)
{
  const char * const *names = g_get_language_names ();
  g_autofree char *tag = NULL;
  g_autofree char *primary = NULL;

  if (names[0] == NULL || g_str_equal (names[0], "C") || g_str_equal (names[0], "POSIX"))
    return g_strdup ("en-US,en");

  tag = language_tag_from_locale (names[0]);
  primary = g_strndup (tag, strcspn (tag, "-"));
  if (g_str_equal (primary, "en"))
    return g_strdup_printf ("%s,en;q=0.9", tag);
  if (g_str_equal (tag, primary))
    return g_strdup_printf ("%s,en;q=0.8", tag);
  return g_strdup_printf ("%s,%s;q=0.9,en;q=0.8", tag, primary);
}

char *
chat_client_dup_user_agent (void)
{
  return g_strdup_printf ("Liao/%s (%s; libsoup/%u.%u)", PACKAGE_VERSION, APP_ID,
                          soup_get_major_version (), soup_get_minor_version ());
}

static SoupMessage *
build_message (ChatSendOp *op)
{
  SoupMessage *message;
  SoupMessageHeaders *headers;
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", op->api_key);
  g_autofree char *language = chat_client_dup_accept_language ();

  message = soup_message_new (op->body != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET, op->url);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Accept-Language", language);
  soup_message_headers_replace (headers, "Accept",
                                op->stream ? "text/event-stream" : "application/json");
  if (op->body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json; charset=UTF-8",
                                              op->body);
  memset (authorization, 0, strlen (authorization));
  return message;
}

/* Body handling */

static gboolean
on_sse_event (const char *data,
              gsize       length,
              gpointer    user_data)
{
  ChatSendOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatDelta) delta = NULL;

  if (chat_chunk_is_done (data, length))
    {
      op->done_seen = TRUE;
      return FALSE;
    }

  delta = chat_chunk_parse (data, length, &error);
  if (delta != NULL)
    {
      chat_reply_apply (op->reply, delta);
      return TRUE;
    }

  /* A damaged frame loses its own text only; the rest of the reply still counts. */
  if (g_error_matches (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL))
    {
      g_debug ("skipping a damaged stream event (%" G_GSIZE_FORMAT " bytes): %s",
               length, error->message);
      chat_reply_add_skipped_event (op->reply);
      return TRUE;
    }

  op->stream_error = g_steal_pointer (&error);
  return FALSE;
}

/* What a finished stream means, from its finish reason. */
static void
finish_stream (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);
  const char *reason = chat_reply_get_finish_reason (op->reply);
  GError *error = NULL;

  if (reason == NULL && !op->done_seen)
    error = chat_error_new (CHAT_ERROR_NETWORK, 0, NULL, NULL);
  else if (reason != NULL)
    error = chat_error_new_from_finish_reason (reason);

  if (error != NULL)
    retry_or_fail (task, error);
  else
    finish_ok (task);
}

static void
consume_sse (GTask        *task,
             const guint8 *bytes,
             gsize         length)
{
  ChatSendOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!chat_sse_parser_feed (op->sse, (const char *) bytes, length, &error))
    {
      retry_or_fail (task, error);
      return;
    }
  if (op->stream_error != NULL)
    retry_or_fail (task, g_steal_pointer (&op->stream_error));
  else if (chat_sse_parser_is_stopped (op->sse))
    finish_stream (task);
  else
    read_next (task);
}

static void
end_sse (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!chat_sse_parser_finish (op->sse, &error))
    retry_or_fail (task, error);
  else if (op->stream_error != NULL)
    retry_or_fail (task, g_steal_pointer (&op->stream_error));
  else
    finish_stream (task);
}

static void
end_completion (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);
  g_autoptr(ChatDelta) delta = NULL;
  GError *error = NULL;

  delta = chat_chunk_parse_completion ((const char *) op->whole->data, op->whole->len, &error);
  if (delta == NULL)
    {
      /* A whole error envelope under status 200 is an error answer, not a reply. */
      if (!g_error_matches (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL))
        op->body_kind = BODY_ERROR;
      retry_or_fail (task, error);
      return;
    }
  chat_reply_apply (op->reply, delta);
  finish_stream (task);
}

static GStrv
parse_model_list (const guint8  *data,
                  gsize          length,
                  GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  JsonNode *root;
  JsonNode *list_node = NULL;
  JsonArray *list;

  if (json_parser_load_from_data (parser, (const char *) data, length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)))
    list_node = json_object_get_member (json_node_get_object (root), "data");
  if (list_node == NULL || !JSON_NODE_HOLDS_ARRAY (list_node))
    {
      g_set_error_literal (error, CHAT_ERROR, CHAT_ERROR_PROTOCOL,
                           _("The server sent a model list Liao cannot read. Check the base URL."));
      return NULL;
    }

  list = json_node_get_array (list_node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      const char *id = JSON_NODE_HOLDS_OBJECT (item)
        ? json_object_get_string_member_with_default (json_node_get_object (item), "id", NULL)
        : NULL;

      if (id != NULL && *id != '\0')
        g_strv_builder_add (ids, id);
    }
  return g_strv_builder_end (ids);
}

static void
end_models (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);
  GError *error = NULL;
  GStrv models = parse_model_list (op->whole->data, op->whole->len, &error);

  if (models == NULL)
    {
      finish_with_error (task, error);
      return;
    }
  clear_attempt (op);
  g_task_return_pointer (task, models, (GDestroyNotify) g_strfreev);
  g_object_unref (task);
}

static void
end_error_body (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);
  guint status = soup_message_get_status (op->message);

  retry_or_fail (task, chat_error_new_from_envelope (status, (const char *) op->whole->data,
                                                     op->whole->len));
}

static void
end_of_body (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);

  switch (op->body_kind)
    {
    case BODY_SSE:        end_sse (task);        break;
    case BODY_COMPLETION: end_completion (task); break;
    case BODY_MODELS:     end_models (task);     break;
    case BODY_ERROR:      end_error_body (task); break;
    default:              g_assert_not_reached ();
    }
}

static void
consume_whole (GTask        *task,
               const guint8 *bytes,
               gsize         length)
{
  ChatSendOp *op = g_task_get_task_data (task);
  gsize limit = op->body_kind == BODY_ERROR ? MAX_ERROR_BODY : MAX_WHOLE_BODY;

  /* An error body only needs its start; anything else must fit. */
  if (op->whole->len + length > limit)
    {
      if (op->body_kind == BODY_ERROR)
        {
          end_of_body (task);
          return;
        }
      finish_with_error (task, g_error_new_literal (CHAT_ERROR, CHAT_ERROR_PROTOCOL,
                                                    _("The server’s reply is too large.")));
      return;
    }
  g_byte_array_append (op->whole, bytes, length);
  read_next (task);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  ChatSendOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  clear_timer (op);
  if (n_read < 0)
    retry_or_fail (task, map_io_error (op, error));
  else if (n_read == 0)
    end_of_body (task);
  else
    {
      op->body_bytes += n_read;
      if (op->body_kind == BODY_SSE)
        consume_sse (task, op->buffer, n_read);
      else
        consume_whole (task, op->buffer, n_read);
    }
}

static void
read_next (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);

  arm_timer (task, op->client->idle_timeout);
  g_input_stream_read_async (op->input, op->buffer, sizeof op->buffer, G_PRIORITY_DEFAULT,
                             op->attempt_cancellable, on_read, task);
}

/* Response headers */

static gboolean
content_type_is (SoupMessage *message,
                 const char  *wanted)
{
  const char *type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (message), NULL);

  return type != NULL && g_ascii_strcasecmp (type, wanted) == 0;
}

static void
start_reading (GTask    *task,
               BodyKind  kind)
{
  ChatSendOp *op = g_task_get_task_data (task);

  op->body_kind = kind;
  if (kind == BODY_SSE)
    op->sse = chat_sse_parser_new (on_sse_event, op);
  else
    op->whole = g_byte_array_new ();
  read_next (task);
}

/* Picks how to read the body from the status and the Content-Type. */
static void
dispatch_response (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);
  guint status = soup_message_get_status (op->message);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    start_reading (task, BODY_ERROR);
  else if (op->reply == NULL)
    start_reading (task, BODY_MODELS);
  else if (content_type_is (op->message, "text/event-stream"))
    start_reading (task, BODY_SSE);
  else if (content_type_is (op->message, "application/json"))
    /* A stream request answered with JSON is an error envelope or a whole reply. */
    start_reading (task, BODY_COMPLETION);
  else
    {
      const char *type = soup_message_headers_get_one (
        soup_message_get_response_headers (op->message), "Content-Type");

      finish_with_error (task, type != NULL
        /* Translators: %s is a Content-Type such as text/html. */
        ? g_error_new (CHAT_ERROR, CHAT_ERROR_PROTOCOL,
                       _("The server answered with “%s” instead of a chat reply. Check the base URL."),
                       type)
        : g_error_new_literal (CHAT_ERROR, CHAT_ERROR_PROTOCOL,
                               _("The server answered without saying what it sent, instead of a "
                                 "chat reply. Check the base URL.")));
    }
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  ChatSendOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  clear_timer (op);
  op->input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (op->input == NULL)
    retry_or_fail (task, map_io_error (op, error));
  else
    dispatch_response (task);
}

/* Attempts and retries */

static gboolean
on_retry_due (gpointer user_data)
{
  GTask *task = user_data;
  ChatSendOp *op = g_task_get_task_data (task);

  g_clear_pointer (&op->retry, g_source_unref);
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

/* Any byte of a successful response counts, even a keep-alive comment or a
 * chunk with only the role in it: past that point a new try could answer
 * differently from what the reader may have seen, so the partial reply is
 * kept and the error goes with it.  An error body is no reply. */
static gboolean
reply_bytes_arrived (ChatSendOp *op)
{
  return op->body_kind != BODY_ERROR && op->body_bytes > 0;
}

static void
retry_or_fail (GTask  *task,
               GError *error)
{
  ChatSendOp *op = g_task_get_task_data (task);
  guint delay;

  if (reply_bytes_arrived (op) || op->attempt >= CHAT_CLIENT_MAX_TRIES
      || !chat_error_is_retryable (error))
    {
      finish_with_error (task, error);
      return;
    }

  delay = op->client->retry_delay_ms << (op->attempt - 1);
  g_debug ("attempt %u failed (%s); retrying in %u ms", op->attempt, error->message, delay);
  g_error_free (error);
  clear_attempt (op);
  op->retry = attach_source (task, g_timeout_source_new (delay), on_retry_due, task);
}

static void
start_attempt (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);

  op->attempt++;
  g_atomic_int_inc (&op->client->n_attempts);
  if (op->reply != NULL)
    chat_reply_reset (op->reply);
  op->attempt_cancellable = g_cancellable_new ();
  op->message = build_message (op);
  arm_timer (task, op->client->connect_timeout);
  soup_session_send_async (op->client->session, op->message, G_PRIORITY_DEFAULT,
                           op->attempt_cancellable, on_sent, task);
}

static GTask *
create_task (ChatClient          *self,
             const char          *base_url,
             const char          *path,
             const char          *api_key,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  /* The task refs the caller's thread-default context: all our sources go there. */
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ChatSendOp *op = g_new0 (ChatSendOp, 1);

  /* Cancellation is reported as CHAT_ERROR_CANCELLED, not as a GIOError. */
  g_task_set_check_cancellable (task, FALSE);
  op->client = self;
  op->url = chat_profile_build_url (base_url, path);
  op->api_key = g_strdup (api_key);
  op->user_cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_task_set_task_data (task, op, (GDestroyNotify) chat_send_op_free);
  return task;
}

/* Checks what can be checked before any byte is sent; FALSE when the task already failed. */
static gboolean
validate_task (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);

  if (op->url == NULL)
    finish_with_error (task, g_error_new_literal (CHAT_ERROR, CHAT_ERROR_BAD_REQUEST,
                                                  _("The base URL is not a valid http:// or "
                                                    "https:// address. Check the profile.")));
  else if (op->api_key == NULL || *op->api_key == '\0')
    finish_with_error (task, chat_error_new (CHAT_ERROR_NO_KEY, 0, NULL, NULL));
  else if (g_cancellable_is_cancelled (op->user_cancellable))
    finish_with_error (task, chat_error_new (CHAT_ERROR_CANCELLED, 0, NULL, NULL));
  else
    return TRUE;
  return FALSE;
}

static void
run_task (GTask *task)
{
  ChatSendOp *op = g_task_get_task_data (task);

  if (!validate_task (task))
    return;
  op->user_cancel_id = g_cancellable_connect (op->user_cancellable,
                                              G_CALLBACK (on_user_cancelled), task, NULL);
  start_attempt (task);
}

/* Public API */

void
chat_client_send_async (ChatClient          *self,
                        const char          *base_url,
                        const char          *api_key,
                        ChatRequest         *request,
                        ChatReply           *reply,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  ChatSendOp *op;

  g_return_if_fail (CHAT_IS_CLIENT (self));
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (CHAT_IS_REPLY (reply));

  task = create_task (self, base_url, "chat/completions", api_key, cancellable, callback,
                      user_data);
  g_task_set_source_tag (task, chat_client_send_async);
  op = g_task_get_task_data (task);
  op->body = chat_request_to_bytes (request);
  op->stream = chat_request_get_stream (request);
  op->reply = g_object_ref (reply);
  chat_reply_mark_started (reply);
  run_task (task);
}

gboolean
chat_client_send_finish (ChatClient    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
chat_client_list_models_async (ChatClient          *self,
                               const char          *base_url,
                               const char          *api_key,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CHAT_IS_CLIENT (self));
  g_return_if_fail (base_url != NULL);

  task = create_task (self, base_url, "models", api_key, cancellable, callback, user_data);
  g_task_set_source_tag (task, chat_client_list_models_async);
  run_task (task);
}

GStrv
chat_client_list_models_finish (ChatClient    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Settings */

guint
chat_client_get_connect_timeout (ChatClient *self)
{
  g_return_val_if_fail (CHAT_IS_CLIENT (self), 0);

  return self->connect_timeout;
}

void
chat_client_set_connect_timeout (ChatClient *self,
                                 guint       seconds)
{
  g_return_if_fail (CHAT_IS_CLIENT (self));

  if (self->connect_timeout == seconds)
    return;
  self->connect_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
chat_client_get_idle_timeout (ChatClient *self)
{
  g_return_val_if_fail (CHAT_IS_CLIENT (self), 0);

  return self->idle_timeout;
}

void
chat_client_set_idle_timeout (ChatClient *self,
                              guint       seconds)
{
  g_return_if_fail (CHAT_IS_CLIENT (self));

  if (self->idle_timeout == seconds)
    return;
  self->idle_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
}

void
chat_client_set_retry_delay_ms (ChatClient *self,
                                guint       milliseconds)
{
  g_return_if_fail (CHAT_IS_CLIENT (self));

  self->retry_delay_ms = milliseconds;
}

guint
chat_client_get_n_attempts (ChatClient *self)
{
  g_return_val_if_fail (CHAT_IS_CLIENT (self), 0);

  return (guint) g_atomic_int_get (&self->n_attempts);
}

/* GObject */

ChatClient *
chat_client_new (void)
{
  return g_object_new (CHAT_TYPE_CLIENT, NULL);
}

static void
chat_client_finalize (GObject *object)
{
  ChatClient *self = CHAT_CLIENT (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (chat_client_parent_class)->finalize (object);
}

static void
chat_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ChatClient *self = CHAT_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_client_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ChatClient *self = CHAT_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      chat_client_set_connect_timeout (self, g_value_get_uint (value));
      break;
    case PROP_IDLE_TIMEOUT:
      chat_client_set_idle_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_client_class_init (ChatClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_client_finalize;
  object_class->get_property = chat_client_get_property;
  object_class->set_property = chat_client_set_property;

  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL,
                       0, 3600, CHAT_CLIENT_DEFAULT_CONNECT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL,
                       0, 3600, CHAT_CLIENT_DEFAULT_IDLE_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chat_client_init (ChatClient *self)
{
  g_autofree char *user_agent = chat_client_dup_user_agent ();

  self->connect_timeout = CHAT_CLIENT_DEFAULT_CONNECT_TIMEOUT;
  self->idle_timeout = CHAT_CLIENT_DEFAULT_IDLE_TIMEOUT;
  self->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
  /* Our own timers guard every wait; libsoup's would cut a long silent think. Several
   * replies may stream from one host at once, so allow more than libsoup's 2. */
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 0,
                                                 "max-conns-per-host", 16,
                                                 "max-conns", 32,
                                                 NULL);
}
