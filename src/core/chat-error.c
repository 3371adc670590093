/* chat-error.c: the GLM error domain
 *
 * The mapping follows glm-api.md §5: the business code in the body decides
 * first, the HTTP status only when there is no code we know.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "chat-error.h"

/* Bodies are shown to people only as a hint of what came back. */
#define EXCERPT_MAX_BYTES 200

typedef struct {
  guint  http_status;
  char  *server_code;
  char  *server_message;
  char  *reset_time;
} ChatErrorPrivate;

static void
chat_error_private_init (ChatErrorPrivate *priv)
{
}

static void
chat_error_private_copy (const ChatErrorPrivate *src,
                         ChatErrorPrivate       *dest)
{
  /* The generated accessor returns NULL for another domain; never here. */
  g_return_if_fail (src != NULL && dest != NULL);

  dest->http_status = src->http_status;
  dest->server_code = g_strdup (src->server_code);
  dest->server_message = g_strdup (src->server_message);
  dest->reset_time = g_strdup (src->reset_time);
}

static void
chat_error_private_clear (ChatErrorPrivate *priv)
{
  g_return_if_fail (priv != NULL);

  g_clear_pointer (&priv->server_code, g_free);
  g_clear_pointer (&priv->server_message, g_free);
  g_clear_pointer (&priv->reset_time, g_free);
}

G_DEFINE_EXTENDED_ERROR (ChatError, chat_error)

static const struct {
  guint         first;
  guint         last;
  ChatErrorCode code;
} server_codes[] = {
  { 500, 500, CHAT_ERROR_SERVER },
  { 1000, 1004, CHAT_ERROR_AUTH },
  { 1110, 1112, CHAT_ERROR_AUTH },
  { 1113, 1113, CHAT_ERROR_BALANCE },
  { 1120, 1121, CHAT_ERROR_AUTH },
  { 1210, 1210, CHAT_ERROR_BAD_REQUEST },
  { 1211, 1211, CHAT_ERROR_MODEL_NOT_FOUND },
  { 1212, 1215, CHAT_ERROR_BAD_REQUEST },
  { 1234, 1234, CHAT_ERROR_SERVER },       /* "network error" inside the platform */
  { 1261, 1261, CHAT_ERROR_PROMPT_TOO_LONG },
  { 1301, 1301, CHAT_ERROR_CONTENT_FILTER },
  { 1302, 1303, CHAT_ERROR_RATE_LIMIT },
  { 1304, 1304, CHAT_ERROR_QUOTA },
  { 1305, 1305, CHAT_ERROR_RATE_LIMIT },
  { 1308, 1311, CHAT_ERROR_QUOTA },
  { 1312, 1313, CHAT_ERROR_RATE_LIMIT },
};

/* Throttling that goes away by itself within seconds (issue 2).  Not 1312
 * ("model overloaded"), although glm-api.md §5.4 suggests it: the rule is
 * never to retry 1308 and up, and the server asks to switch models. */
static const guint retryable_server_codes[] = { 1302, 1303, 1305 };

/* 1308 and up are plan limits, expiry and fair-use throttles: a retry
 * within seconds cannot help, and only spends more of the quota. */
#define FIRST_FINAL_LIMIT_CODE 1308
#define MODEL_OVERLOADED_CODE  1312

static gboolean
parse_server_code (const char *server_code,
                   guint      *number)
{
  guint64 value;

  if (server_code == NULL
      || !g_ascii_string_to_unsigned (server_code, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;
  *number = (guint) value;
  return TRUE;
}

/* Returns FALSE for a code that is not in the table. */
static gboolean
lookup_server_code (const char    *server_code,
                    ChatErrorCode *code)
{
  guint number;

  if (!parse_server_code (server_code, &number))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (server_codes); i++)
    if (number >= server_codes[i].first && number <= server_codes[i].last)
      {
        *code = server_codes[i].code;
        return TRUE;
      }
  return FALSE;
}

static ChatErrorCode
code_for_status (guint http_status)
{
  if (http_status == 401 || http_status == 403)
    return CHAT_ERROR_AUTH;
  if (http_status == 429)
    return CHAT_ERROR_RATE_LIMIT;
  if (http_status >= 500 && http_status < 600)
    return CHAT_ERROR_SERVER;
  if (http_status >= 400 && http_status < 500)
    return CHAT_ERROR_BAD_REQUEST;
  return CHAT_ERROR_FAILED;
}

ChatErrorCode
chat_error_code_for_server (guint       http_status,
                            const char *server_code)
{
  ChatErrorCode code;

  if (lookup_server_code (server_code, &code))
    return code;
  return code_for_status (http_status);
}

static gboolean
mentions_context_length (const char *message)
{
  g_autofree char *lower = NULL;

  if (message == NULL)
    return FALSE;
  lower = g_ascii_strdown (message, -1);
  return strstr (lower, "context length") != NULL
         || strstr (lower, "context window") != NULL
         || strstr (lower, "上下文") != NULL;
}

/* 1210 ("invalid parameters") is also what an overflowing context gets, and
 * so is a plain 400 from OpenAI-compatible servers: only the text tells. */
static ChatErrorCode
code_for_reply (guint       http_status,
                const char *server_code,
                const char *server_message)
{
  ChatErrorCode code = chat_error_code_for_server (http_status, server_code);
  ChatErrorCode known;

  if (code == CHAT_ERROR_BAD_REQUEST
      && (g_strcmp0 (server_code, "1210") == 0
          || !lookup_server_code (server_code, &known))
      && mentions_context_length (server_message))
    return CHAT_ERROR_PROMPT_TOO_LONG;
  return code;
}

static gboolean
is_digits (const char *p,
           gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return TRUE;
}

/* "YYYY-MM-DD HH:MM:SS" at @p, as 1308 and 1310 messages carry it in both
 * languages ("Your limit will reset at …", "将在 … 重置"). */
static gboolean
is_date_time (const char *p)
{
  return is_digits (p, 4) && p[4] == '-' && is_digits (p + 5, 2) && p[7] == '-'
         && is_digits (p + 8, 2) && (p[10] == ' ' || p[10] == 'T')
         && is_digits (p + 11, 2) && p[13] == ':' && is_digits (p + 14, 2)
         && p[16] == ':' && is_digits (p + 17, 2);
}

static char *
find_reset_time (const char *message)
{
  const gsize date_length = strlen ("2026-08-12 18:58:34");
  gsize length = message ? strlen (message) : 0;
  char *found;

  for (gsize i = 0; i + date_length <= length; i++)
    if (is_date_time (message + i))
      {
        found = g_strndup (message + i, date_length);
        found[10] = ' ';
        return found;
      }
  return NULL;
}

static const char *
human_message (ChatErrorCode code,
               guint         http_status)
{
  switch (code)
    {
    case CHAT_ERROR_NO_KEY:
      return _("No API key is set for this endpoint. Add one in Preferences, store one with “liao key set PROFILE”, or set the LIAO_API_KEY environment variable.");
    case CHAT_ERROR_AUTH:
      return _("The API key was refused. Check the key in Preferences or the LIAO_API_KEY environment variable.");
    case CHAT_ERROR_BALANCE:
      return _("The account has no balance or resource package left. Recharge it on the provider’s website, or use the endpoint that your plan covers.");
    case CHAT_ERROR_RATE_LIMIT:
      return _("The server is busy or received too many requests. Wait a moment, then try again.");
    case CHAT_ERROR_QUOTA:
      return _("Your plan does not allow this request now: its usage limit is reached, it has expired, or it does not include this model. Wait for the limit to reset, renew the plan or choose another model.");
    case CHAT_ERROR_CONTENT_FILTER:
      return _("The provider’s content filter blocked the message or the reply. Rephrase the message and try again.");
    case CHAT_ERROR_PROMPT_TOO_LONG:
      return _("The conversation is too long for this model. Start a new conversation or remove some earlier messages.");
    case CHAT_ERROR_BAD_REQUEST:
      if (http_status == 404)
        return _("The server has nothing at this address. The endpoint’s base URL may be wrong: check it in Preferences.");
      return _("The server rejected the request as invalid. Check the model and its settings in Preferences.");
    case CHAT_ERROR_MODEL_NOT_FOUND:
      return _("The server does not know this model. Check the model name in Preferences.");
    case CHAT_ERROR_SERVER:
      return _("The server had a problem handling the request. Try again in a moment.");
    case CHAT_ERROR_NETWORK:
      return _("The server could not be reached or the connection was cut. Check the network connection and try again.");
    case CHAT_ERROR_TIMEOUT:
      return _("The server took too long to answer. Check the network connection and try again.");
    case CHAT_ERROR_PROTOCOL:
      return _("The server sent a reply that is not understood. Check that the endpoint speaks the GLM chat-completions API.");
    case CHAT_ERROR_CANCELLED:
      return _("The request was stopped.");
    case CHAT_ERROR_FAILED:
    default:
      return _("Something went wrong while talking to the server. Try again; if it keeps happening, check the details.");
    }
}

static gboolean
is_server_code (const char *server_code,
                guint       wanted)
{
  guint number;

  return parse_server_code (server_code, &number) && number == wanted;
}

static char *
dup_human_message (ChatErrorCode  code,
                   guint          http_status,
                   const char    *server_code,
                   const char    *reset_time)
{
  if (code == CHAT_ERROR_QUOTA && reset_time != NULL)
    /* Translators: %s is a date and time such as 2026-08-12 18:58:34. */
    return g_strdup_printf (_("The usage limit of your plan is reached until %s (Beijing time). Wait until then, or upgrade the plan."),
                            reset_time);
  /* Liao does not retry it, and waiting a moment is not what the server advises. */
  if (code == CHAT_ERROR_RATE_LIMIT && is_server_code (server_code, MODEL_OVERLOADED_CODE))
    return g_strdup (_("This model is overloaded right now. Try again later, or choose another model in Preferences."));
  return g_strdup (human_message (code, http_status));
}

static ChatErrorPrivate *
peek_private (const GError *error)
{
  if (error == NULL || error->domain != CHAT_ERROR)
    return NULL;
  return chat_error_get_private (error);
}

/* The server's own words, kept as they came but always valid UTF-8: a
 * JSON "\ud800" arrives from json-glib as bytes that are not. */
static char *
dup_valid_text (const char *text)
{
  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

GError *
chat_error_new (ChatErrorCode  code,
                guint          http_status,
                const char    *server_code,
                const char    *server_message)
{
  g_autofree char *message = NULL;
  ChatErrorPrivate *priv;
  GError *error;

  message = dup_human_message (code, http_status, server_code, NULL);
  error = g_error_new_literal (CHAT_ERROR, code, message);
  priv = chat_error_get_private (error);
  g_return_val_if_fail (priv != NULL, error);
  priv->http_status = http_status;
  priv->server_code = dup_valid_text (server_code);
  priv->server_message = dup_valid_text (server_message);
  if (code == CHAT_ERROR_QUOTA || code == CHAT_ERROR_RATE_LIMIT)
    priv->reset_time = find_reset_time (priv->server_message);
  if (priv->reset_time != NULL)
    {
      g_free (error->message);
      error->message = dup_human_message (code, http_status, server_code, priv->reset_time);
    }
  return error;
}

static GError *
new_from_reply (guint       http_status,
                const char *server_code,
                const char *server_message)
{
  ChatErrorCode code = code_for_reply (http_status, server_code, server_message);

  return chat_error_new (code, http_status, server_code, server_message);
}

static char *
dup_code_member (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "code");
  GType type = node ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The error object itself, or the whole body of a flat envelope. */
static GError *
new_from_error_object (guint       http_status,
                       JsonObject *object)
{
  g_autofree char *server_code = dup_code_member (object);
  const char *message = get_string_member (object, "message");

  if (message == NULL)
    message = get_string_member (object, "msg");
  if (server_code == NULL && message == NULL)
    return NULL;
  return new_from_reply (http_status, server_code, message);
}

/* Any of {"error":{..}}, {"error":".."}, {"type":"error","error":{..}} or a
 * flat {"code":..,"message"|"msg":..}; NULL when none of them is there. */
static GError *
new_from_node (guint     http_status,
               JsonNode *node)
{
  JsonObject *object;
  JsonNode *inner;

  if (node == NULL)
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return new_from_reply (http_status, NULL, json_node_get_string (node));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  inner = json_object_get_member (object, "error");
  if (inner != NULL && !JSON_NODE_HOLDS_NULL (inner))
    {
      GError *error = new_from_node (http_status, inner);

      if (error != NULL)
        return error;
    }
  return new_from_error_object (http_status, object);
}

GError *
chat_error_new_from_json (guint     http_status,
                          JsonNode *error_node)
{
  GError *error = new_from_node (http_status, error_node);

  if (error == NULL)
    error = chat_error_new (code_for_status (http_status), http_status, NULL, NULL);
  return error;
}

/* At most EXCERPT_MAX_BYTES of valid UTF-8, whitespace runs as one space. */
static char *
dup_excerpt (const char *body,
             gsize       length)
{
  g_autofree char *valid = g_utf8_make_valid (body, MIN (length, 4 * EXCERPT_MAX_BYTES));
  GString *excerpt = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p++)
    {
      gboolean space = g_ascii_isspace (*p);

      if (!space)
        g_string_append_c (excerpt, *p);
      else if (excerpt->len > 0 && excerpt->str[excerpt->len - 1] != ' ')
        g_string_append_c (excerpt, ' ');
    }
  if (excerpt->len > EXCERPT_MAX_BYTES)
    g_string_truncate (excerpt, g_utf8_find_prev_char (excerpt->str,
                                                       excerpt->str + EXCERPT_MAX_BYTES + 1)
                                - excerpt->str);
  while (excerpt->len > 0 && excerpt->str[excerpt->len - 1] == ' ')
    g_string_truncate (excerpt, excerpt->len - 1);
  return g_string_free (excerpt, excerpt->len == 0);
}

static JsonNode *
parse_body (JsonParser *parser,
            const char *body,
            gsize       length)
{
  if (length == 0 || !g_utf8_validate_len (body, length, NULL)
      || !json_parser_load_from_data (parser, body, length, NULL))
    return NULL;
  return json_parser_get_root (parser);
}

GError *
chat_error_new_from_envelope (guint       http_status,
                              const char *body,
                              gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *excerpt = NULL;
  GError *error;

  g_return_val_if_fail (body != NULL || length == 0, NULL);

  error = new_from_node (http_status, parse_body (parser, body, length));
  if (error != NULL)
    return error;

  /* An HTML page from a proxy, an empty body, or JSON without an error in it. */
  excerpt = length > 0 ? dup_excerpt (body, length) : NULL;
  return chat_error_new (code_for_status (http_status), http_status, NULL, excerpt);
}

GError *
chat_error_new_from_finish_reason (const char *finish_reason)
{
  g_autofree char *detail = NULL;
  ChatErrorCode code;

  if (g_strcmp0 (finish_reason, "sensitive") == 0)
    code = CHAT_ERROR_CONTENT_FILTER;
  else if (g_strcmp0 (finish_reason, "network_error") == 0)
    code = CHAT_ERROR_SERVER;
  else if (g_strcmp0 (finish_reason, "model_context_window_exceeded") == 0)
    code = CHAT_ERROR_PROMPT_TOO_LONG;
  else
    return NULL;

  detail = g_strdup_printf ("finish_reason: %s", finish_reason);
  return chat_error_new (code, 0, NULL, detail);
}

static ChatErrorCode
code_for_io (const GError *io_error)
{
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return CHAT_ERROR_CANCELLED;
  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return CHAT_ERROR_TIMEOUT;
  /* Refused, unreachable, not resolved, cut short, TLS or HTTP framing:
   * whatever stopped the bytes, the connection is what failed. */
  if (io_error->domain == G_IO_ERROR || io_error->domain == G_RESOLVER_ERROR
      || io_error->domain == G_TLS_ERROR || io_error->domain == SOUP_SESSION_ERROR)
    return CHAT_ERROR_NETWORK;
  return CHAT_ERROR_FAILED;
}

GError *
chat_error_new_from_io (const GError *io_error)
{
  g_return_val_if_fail (io_error != NULL, NULL);

  if (io_error->domain == CHAT_ERROR)
    return g_error_copy (io_error);
  return chat_error_new (code_for_io (io_error), 0, NULL, io_error->message);
}

guint
chat_error_get_http_status (const GError *error)
{
  ChatErrorPrivate *priv = peek_private (error);

  return priv ? priv->http_status : 0;
}

const char *
chat_error_get_server_code (const GError *error)
{
  ChatErrorPrivate *priv = peek_private (error);

  return priv ? priv->server_code : NULL;
}

const char *
chat_error_get_server_message (const GError *error)
{
  ChatErrorPrivate *priv = peek_private (error);

  return priv ? priv->server_message : NULL;
}

const char *
chat_error_get_reset_time (const GError *error)
{
  ChatErrorPrivate *priv = peek_private (error);

  return priv ? priv->reset_time : NULL;
}

static gboolean
is_retryable_status (guint http_status)
{
  return http_status == 500 || http_status == 502
         || http_status == 503 || http_status == 504;
}

/* A bad request or a refused key stays so whatever code comes with it. */
static gboolean
is_final_status (guint http_status)
{
  return http_status == 400 || http_status == 401;
}

static gboolean
is_final_server_code (guint number)
{
  return number == 1113 || number >= FIRST_FINAL_LIMIT_CODE;
}

/* The retry rule of issue 2: 1302, 1303, 1305, HTTP 500/502/503/504 and
 * connection failures; never 400, 401, 1113 or 1308 and up. */
gboolean
chat_error_is_retryable (const GError *error)
{
  ChatErrorPrivate *priv = peek_private (error);
  ChatErrorCode known;
  guint number;

  if (priv == NULL)
    return FALSE;
  /* Time-outs and cancellations have codes of their own. */
  if (error->code == CHAT_ERROR_NETWORK)
    return TRUE;
  if (is_final_status (priv->http_status))
    return FALSE;
  if (parse_server_code (priv->server_code, &number))
    {
      if (is_final_server_code (number))
        return FALSE;
      for (gsize i = 0; i < G_N_ELEMENTS (retryable_server_codes); i++)
        if (number == retryable_server_codes[i])
          return TRUE;
    }

  /* A 5xx that carries a code saying "your request is wrong" stays wrong. */
  if (lookup_server_code (priv->server_code, &known) && known != CHAT_ERROR_SERVER)
    return FALSE;
  return is_retryable_status (priv->http_status);
}

static void
append_detail (GString                *line,
               const ChatErrorPrivate *priv)
{
  g_autofree char *message = g_strstrip (g_strdup (priv->server_message ? priv->server_message : ""));
  const char *space = *message ? " " : "";

  if (priv->server_code != NULL)
    g_string_append_printf (line, " (server: %s%s%s)", priv->server_code, space, message);
  else if (priv->http_status != 0)
    g_string_append_printf (line, " (server: HTTP %u%s%s)", priv->http_status, space, message);
  else if (*message)
    g_string_append_printf (line, " (%s)", message);
}

char *
chat_error_format_line (const GError *error)
{
  ChatErrorPrivate *priv = peek_private (error);
  GString *line;

  g_return_val_if_fail (error != NULL, NULL);

  line = g_string_new (error->message);
  if (priv != NULL)
    append_detail (line, priv);
  for (gsize i = 0; i < line->len; i++)
    if (line->str[i] == '\n' || line->str[i] == '\r' || line->str[i] == '\t')
      line->str[i] = ' ';
  return g_string_free (line, FALSE);
}
