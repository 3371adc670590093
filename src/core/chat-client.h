/* chat-client.h: talking to a GLM-style server
 *
 * One SoupSession for the whole program.  A reply streams in asynchronously;
 * its deltas are applied to a caller-owned ChatReply (which emits ::delta) on
 * the main context that was current when the request started.  A failure
 * that chat_error_is_retryable() allows is tried again, at most
 * CHAT_CLIENT_MAX_TRIES times in all, but only while no byte of a reply has
 * arrived; after that the partial reply stays and the error comes with it.
 */
#pragma once

#include <gio/gio.h>

#include "chat-reply.h"
#include "chat-request.h"

G_BEGIN_DECLS

#define CHAT_TYPE_CLIENT (chat_client_get_type ())

G_DECLARE_FINAL_TYPE (ChatClient, chat_client, CHAT, CLIENT, GObject)

#define CHAT_CLIENT_DEFAULT_CONNECT_TIMEOUT 30
#define CHAT_CLIENT_DEFAULT_IDLE_TIMEOUT    120
#define CHAT_CLIENT_MAX_TRIES               3

ChatClient *chat_client_new                  (void);

guint       chat_client_get_connect_timeout  (ChatClient          *self);
void        chat_client_set_connect_timeout  (ChatClient          *self,
                                              guint                seconds);
guint       chat_client_get_idle_timeout     (ChatClient          *self);
void        chat_client_set_idle_timeout     (ChatClient          *self,
                                              guint                seconds);
/* The first retry waits this long, then twice as long each time (tests shorten it). */
void        chat_client_set_retry_delay_ms   (ChatClient          *self,
                                              guint                milliseconds);

/* Streams when @request asks for it, else reads one whole JSON reply. */
void        chat_client_send_async           (ChatClient          *self,
                                              const char          *base_url,
                                              const char          *api_key,
                                              ChatRequest         *request,
                                              ChatReply           *reply,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean    chat_client_send_finish          (ChatClient          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

void        chat_client_list_models_async    (ChatClient          *self,
                                              const char          *base_url,
                                              const char          *api_key,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GStrv       chat_client_list_models_finish   (ChatClient          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Tries sent over the client's life, retries included (for tests and diagnostics). */
guint       chat_client_get_n_attempts       (ChatClient          *self);

/* Header values, exposed for tests. */
char       *chat_client_dup_user_agent       (void);
char       *chat_client_dup_accept_language  (void);

G_END_DECLS
