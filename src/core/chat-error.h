/* chat-error.h: the GLM error domain
 *
 * One GError domain for everything that can go wrong talking to a GLM-style
 * server.  The GError message is a translated sentence that says what happened
 * and what to do; the server's own code and message, the HTTP status and a
 * quota reset time travel with the error as detail (an extended GError).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CHAT_ERROR (chat_error_quark ())

typedef enum {
  CHAT_ERROR_FAILED,            /* anything else */
  CHAT_ERROR_NO_KEY,            /* no API key configured */
  CHAT_ERROR_AUTH,              /* 401, 1000-1004, 1110-1121 but 1113 */
  CHAT_ERROR_BALANCE,           /* 1113 */
  CHAT_ERROR_RATE_LIMIT,        /* 1302, 1303, 1305, 1312, 1313, other 429 */
  CHAT_ERROR_QUOTA,             /* 1304, 1308, 1309, 1310, 1311 */
  CHAT_ERROR_CONTENT_FILTER,    /* 1301, finish_reason "sensitive" */
  CHAT_ERROR_PROMPT_TOO_LONG,   /* 1261, context window exceeded */
  CHAT_ERROR_BAD_REQUEST,       /* 400, 1210-1215 */
  CHAT_ERROR_MODEL_NOT_FOUND,   /* 1211 */
  CHAT_ERROR_SERVER,            /* 5xx, 500, finish_reason "network_error" */
  CHAT_ERROR_NETWORK,           /* connection failed or cut */
  CHAT_ERROR_TIMEOUT,           /* connect or idle time-out */
  CHAT_ERROR_PROTOCOL,          /* the server sent something that is not the API */
  CHAT_ERROR_CANCELLED,         /* the user stopped it */
} ChatErrorCode;

GQuark      chat_error_quark              (void);

GError     *chat_error_new                (ChatErrorCode  code,
                                           guint          http_status,
                                           const char    *server_code,
                                           const char    *server_message);
GError     *chat_error_new_from_envelope  (guint          http_status,
                                           const char    *body,
                                           gsize          length);
GError     *chat_error_new_from_json      (guint          http_status,
                                           JsonNode      *error_node);
GError     *chat_error_new_from_finish_reason (const char *finish_reason);
GError     *chat_error_new_from_io        (const GError  *io_error);
ChatErrorCode chat_error_code_for_server  (guint          http_status,
                                           const char    *server_code);

guint       chat_error_get_http_status    (const GError  *error);
const char *chat_error_get_server_code    (const GError  *error);
const char *chat_error_get_server_message (const GError  *error);
const char *chat_error_get_reset_time     (const GError  *error);
/* 1302, 1303, 1305, HTTP 500/502/503/504 and connection failures; never
 * 400, 401, 1113 or 1308 and up. */
gboolean    chat_error_is_retryable       (const GError  *error);
char       *chat_error_format_line        (const GError  *error);

G_END_DECLS
