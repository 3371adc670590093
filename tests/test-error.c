/* test-error.c: the GLM error domain */
#include <string.h>

#include <libsoup/soup.h>

#include "chat-error.h"

typedef struct {
  guint         http_status;
  const char   *server_code;
  ChatErrorCode expected;
} MappingCase;

static const MappingCase mapping_cases[] = {
  { 401, NULL, CHAT_ERROR_AUTH },
  { 401, "1000", CHAT_ERROR_AUTH },
  { 401, "1001", CHAT_ERROR_AUTH },
  { 401, "1002", CHAT_ERROR_AUTH },
  { 401, "1003", CHAT_ERROR_AUTH },
  { 401, "1004", CHAT_ERROR_AUTH },
  { 400, "1110", CHAT_ERROR_AUTH },
  { 400, "1111", CHAT_ERROR_AUTH },
  { 400, "1112", CHAT_ERROR_AUTH },
  { 429, "1113", CHAT_ERROR_BALANCE },
  { 400, "1120", CHAT_ERROR_AUTH },
  { 400, "1121", CHAT_ERROR_AUTH },
  { 400, "1210", CHAT_ERROR_BAD_REQUEST },
  { 400, "1211", CHAT_ERROR_MODEL_NOT_FOUND },
  { 404, "1211", CHAT_ERROR_MODEL_NOT_FOUND },
  { 400, "1212", CHAT_ERROR_BAD_REQUEST },
  { 400, "1213", CHAT_ERROR_BAD_REQUEST },
  { 400, "1214", CHAT_ERROR_BAD_REQUEST },
  { 400, "1215", CHAT_ERROR_BAD_REQUEST },
  { 400, "1261", CHAT_ERROR_PROMPT_TOO_LONG },
  { 400, "1301", CHAT_ERROR_CONTENT_FILTER },
  { 429, "1302", CHAT_ERROR_RATE_LIMIT },
  { 429, "1303", CHAT_ERROR_RATE_LIMIT },
  { 429, "1304", CHAT_ERROR_QUOTA },
  { 429, "1305", CHAT_ERROR_RATE_LIMIT },
  { 200, "1305", CHAT_ERROR_RATE_LIMIT },
  { 429, "1308", CHAT_ERROR_QUOTA },
  { 429, "1309", CHAT_ERROR_QUOTA },
  { 429, "1310", CHAT_ERROR_QUOTA },
  { 429, "1311", CHAT_ERROR_QUOTA },
  { 429, "1312", CHAT_ERROR_RATE_LIMIT },
  { 429, "1313", CHAT_ERROR_RATE_LIMIT },
  { 429, NULL, CHAT_ERROR_RATE_LIMIT },
  { 429, "9999", CHAT_ERROR_RATE_LIMIT },
  { 500, "500", CHAT_ERROR_SERVER },
  { 200, "500", CHAT_ERROR_SERVER },
  { 500, NULL, CHAT_ERROR_SERVER },
  { 502, NULL, CHAT_ERROR_SERVER },
  { 503, NULL, CHAT_ERROR_SERVER },
  { 504, "gateway", CHAT_ERROR_SERVER },
  { 400, NULL, CHAT_ERROR_BAD_REQUEST },
  { 400, "1220", CHAT_ERROR_BAD_REQUEST },
  { 404, NULL, CHAT_ERROR_BAD_REQUEST },
  { 403, NULL, CHAT_ERROR_AUTH },
  { 200, NULL, CHAT_ERROR_FAILED },
  { 0, NULL, CHAT_ERROR_FAILED },
  { 0, "1113", CHAT_ERROR_BALANCE },
  { 400, " 1302", CHAT_ERROR_BAD_REQUEST },
};

static void
test_mapping (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (mapping_cases); i++)
    {
      const MappingCase *c = &mapping_cases[i];

      g_test_message ("HTTP %u, code %s", c->http_status, c->server_code ? c->server_code : "none");
      g_assert_cmpint (chat_error_code_for_server (c->http_status, c->server_code), ==, c->expected);
    }
}

static GError *
from_envelope (guint       http_status,
               const char *body)
{
  GError *error = chat_error_new_from_envelope (http_status, body, strlen (body));

  g_assert_nonnull (error);
  g_assert_true (error->domain == CHAT_ERROR);
  g_assert_cmpstr (error->message, !=, "");
  return error;
}

static void
assert_envelope (guint          http_status,
                 const char    *body,
                 ChatErrorCode  code,
                 const char    *server_code,
                 const char    *server_message)
{
  g_autoptr(GError) error = from_envelope (http_status, body);

  g_test_message ("%s", body);
  g_assert_error (error, CHAT_ERROR, (int) code);
  g_assert_cmpuint (chat_error_get_http_status (error), ==, http_status);
  g_assert_cmpstr (chat_error_get_server_code (error), ==, server_code);
  g_assert_cmpstr (chat_error_get_server_message (error), ==, server_message);
}

static void
test_envelopes (void)
{
  assert_envelope (401, "{\"error\":{\"code\":\"1002\",\"message\":\"Authorization Token is invalid, please ensure that the Authorization Token is correctly provided.\"}}",
                   CHAT_ERROR_AUTH, "1002",
                   "Authorization Token is invalid, please ensure that the Authorization Token is correctly provided.");
  assert_envelope (429, "{\"error\":{\"code\":1302,\"message\":\"Rate limit reached for requests\"}}",
                   CHAT_ERROR_RATE_LIMIT, "1302", "Rate limit reached for requests");
  assert_envelope (400, "{\"code\":1214,\"message\":\"max_tokens参数非法\"}",
                   CHAT_ERROR_BAD_REQUEST, "1214", "max_tokens参数非法");
  assert_envelope (429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"code\":\"1113\",\"message\":\"Insufficient balance or no resource package. Please recharge.\"}}",
                   CHAT_ERROR_BALANCE, "1113", "Insufficient balance or no resource package. Please recharge.");
  assert_envelope (200, "{\"code\":1001,\"msg\":\"Header中未收到Authorization参数\",\"success\":false}",
                   CHAT_ERROR_AUTH, "1001", "Header中未收到Authorization参数");
  assert_envelope (400, "{\"contentFilter\":[{\"level\":1,\"role\":\"user\"}],\"error\":{\"code\":\"1301\",\"message\":\"系统检测到输入或生成内容可能包含不安全或敏感内容\"}}",
                   CHAT_ERROR_CONTENT_FILTER, "1301", "系统检测到输入或生成内容可能包含不安全或敏感内容");
  assert_envelope (400, "{\"error\":{\"code\":\"1211\",\"message\":\"模型不存在，请检查模型代码。\"}}",
                   CHAT_ERROR_MODEL_NOT_FOUND, "1211", "模型不存在，请检查模型代码。");
  assert_envelope (400, "{\"error\":{\"code\":\"1261\",\"message\":\"Prompt exceeds max length\"}}",
                   CHAT_ERROR_PROMPT_TOO_LONG, "1261", "Prompt exceeds max length");
  assert_envelope (500, "{\"error\":{\"code\":\"500\",\"message\":\"Internal Error\"}}",
                   CHAT_ERROR_SERVER, "500", "Internal Error");
  assert_envelope (401, "{\"error\":\"invalid key\"}", CHAT_ERROR_AUTH, NULL, "invalid key");
  assert_envelope (400, "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"code\":null}}",
                   CHAT_ERROR_BAD_REQUEST, NULL, "bad");
  /* Nothing to pick out: the body itself is the detail. */
  assert_envelope (429, "{\"error\":{\"type\":\"rate_limit_error\"}}", CHAT_ERROR_RATE_LIMIT, NULL,
                   "{\"error\":{\"type\":\"rate_limit_error\"}}");
}

static void
test_context_length (void)
{
  assert_envelope (400, "{\"error\":{\"code\":\"1210\",\"message\":\"Invalid API parameter: the input tokens exceeds the model's maximum context length\"}}",
                   CHAT_ERROR_PROMPT_TOO_LONG, "1210",
                   "Invalid API parameter: the input tokens exceeds the model's maximum context length");
  assert_envelope (400, "{\"error\":{\"code\":\"1210\",\"message\":\"API 调用参数有误：超出模型上下文长度\"}}",
                   CHAT_ERROR_PROMPT_TOO_LONG, "1210", "API 调用参数有误：超出模型上下文长度");
  assert_envelope (400, "{\"error\":{\"code\":\"1210\",\"message\":\"This model always engages in thinking and cannot be disabled\"}}",
                   CHAT_ERROR_BAD_REQUEST, "1210", "This model always engages in thinking and cannot be disabled");
  /* An OpenAI-compatible server says it with a plain 400. */
  assert_envelope (400, "{\"error\":{\"code\":\"context_length_exceeded\",\"message\":\"This model's maximum context length is 8192 tokens.\"}}",
                   CHAT_ERROR_PROMPT_TOO_LONG, "context_length_exceeded",
                   "This model's maximum context length is 8192 tokens.");
  /* A known code is not second-guessed. */
  assert_envelope (400, "{\"error\":{\"code\":\"1214\",\"message\":\"max_tokens exceeds the context length\"}}",
                   CHAT_ERROR_BAD_REQUEST, "1214", "max_tokens exceeds the context length");
}

static void
test_not_json (void)
{
  g_autoptr(GString) long_page = g_string_new ("<html>\n  <body>");
  g_autoptr(GError) html = NULL;
  g_autoptr(GError) empty = from_envelope (502, "");
  g_autoptr(GError) invalid = NULL;
  g_autoptr(GError) broken = from_envelope (400, "{\"error\":{\"code\":\"1302\"");
  g_autoptr(GError) no_error = from_envelope (503, "{\"status\":\"down\"}");
  const char *excerpt;

  for (guint i = 0; i < 100; i++)
    g_string_append (long_page, "服务\t暂时\r\n不可用 ");
  html = chat_error_new_from_envelope (502, long_page->str, long_page->len);
  {
    const char body[] = "\xff\xfe{\"code\":1302}\x00zz";

    invalid = chat_error_new_from_envelope (500, body, sizeof body - 1);
  }

  g_assert_error (html, CHAT_ERROR, CHAT_ERROR_SERVER);
  g_assert_null (chat_error_get_server_code (html));
  excerpt = chat_error_get_server_message (html);
  g_assert_true (g_str_has_prefix (excerpt, "<html> <body>服务 暂时 不可用 服务"));
  g_assert_cmpuint (strlen (excerpt), <=, 200);
  g_assert_cmpuint (strlen (excerpt), >, 190);
  g_assert_true (g_utf8_validate (excerpt, -1, NULL));

  g_assert_error (empty, CHAT_ERROR, CHAT_ERROR_SERVER);
  g_assert_null (chat_error_get_server_message (empty));
  g_assert_error (invalid, CHAT_ERROR, CHAT_ERROR_SERVER);
  g_assert_null (chat_error_get_server_code (invalid));
  g_assert_true (g_utf8_validate (chat_error_get_server_message (invalid), -1, NULL));
  g_assert_error (broken, CHAT_ERROR, CHAT_ERROR_BAD_REQUEST);
  g_assert_null (chat_error_get_server_code (broken));
  g_assert_cmpstr (chat_error_get_server_message (broken), ==, "{\"error\":{\"code\":\"1302\"");
  g_assert_error (no_error, CHAT_ERROR, CHAT_ERROR_SERVER);
  g_assert_cmpstr (chat_error_get_server_message (no_error), ==, "{\"status\":\"down\"}");
}

static void
test_not_found (void)
{
  g_autoptr(GError) url = from_envelope (404, "<html><title>404 Not Found</title></html>");
  g_autoptr(GError) model = from_envelope (404, "{\"error\":{\"code\":\"1211\",\"message\":\"Unknown Model, please check the model code.\"}}");
  g_autoptr(GError) bad_request = from_envelope (400, "");

  g_assert_error (url, CHAT_ERROR, CHAT_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (url->message, "URL"));
  g_assert_cmpstr (url->message, !=, bad_request->message);
  g_assert_error (model, CHAT_ERROR, CHAT_ERROR_MODEL_NOT_FOUND);
}

static void
test_from_json (void)
{
  g_autoptr(JsonNode) object = json_from_string ("{\"code\":\"1312\",\"message\":\"busy\"}", NULL);
  g_autoptr(JsonNode) wrapped = json_from_string ("{\"error\":{\"code\":1113,\"message\":\"no money\"}}", NULL);
  g_autoptr(JsonNode) text = json_from_string ("\"something broke\"", NULL);
  g_autoptr(JsonNode) empty = json_from_string ("{}", NULL);
  g_autoptr(GError) from_object = chat_error_new_from_json (200, object);
  g_autoptr(GError) from_wrapped = chat_error_new_from_json (200, wrapped);
  g_autoptr(GError) from_text = chat_error_new_from_json (200, text);
  g_autoptr(GError) from_empty = chat_error_new_from_json (200, empty);
  g_autoptr(GError) from_null = chat_error_new_from_json (503, NULL);

  g_assert_error (from_object, CHAT_ERROR, CHAT_ERROR_RATE_LIMIT);
  g_assert_cmpstr (chat_error_get_server_code (from_object), ==, "1312");
  g_assert_cmpuint (chat_error_get_http_status (from_object), ==, 200);
  g_assert_error (from_wrapped, CHAT_ERROR, CHAT_ERROR_BALANCE);
  g_assert_cmpstr (chat_error_get_server_message (from_wrapped), ==, "no money");
  g_assert_error (from_text, CHAT_ERROR, CHAT_ERROR_FAILED);
  g_assert_cmpstr (chat_error_get_server_message (from_text), ==, "something broke");
  g_assert_error (from_empty, CHAT_ERROR, CHAT_ERROR_FAILED);
  g_assert_error (from_null, CHAT_ERROR, CHAT_ERROR_SERVER);
}

static void
assert_reset_time (const char *code,
                   const char *message,
                   const char *expected)
{
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);
  g_autoptr(GError) error = from_envelope (429, body);

  g_assert_cmpstr (chat_error_get_reset_time (error), ==, expected);
  if (expected != NULL && error->code == CHAT_ERROR_QUOTA)
    g_assert_nonnull (strstr (error->message, expected));
}

static void
test_reset_time (void)
{
  g_autoptr(GError) without = NULL;
  g_autoptr(GError) with = NULL;

  assert_reset_time ("1308", "Usage limit reached for 5 hour. Your limit will reset at 2026-08-12 18:58:34",
                     "2026-08-12 18:58:34");
  assert_reset_time ("1310", "Weekly/Monthly Limit Exhausted. Your limit will reset at 2025-12-01 00:00:00.",
                     "2025-12-01 00:00:00");
  assert_reset_time ("1308", "已达到 5 小时的使用上限。您的限额将在 2026-08-12 18:58:34 重置。",
                     "2026-08-12 18:58:34");
  assert_reset_time ("1310", "您的每周/每月使用上限已用完，将在2025-12-01T08:00:00重置",
                     "2025-12-01 08:00:00");
  assert_reset_time ("1309", "Your GLM Coding Plan package has expired", NULL);
  assert_reset_time ("1308", "Usage limit reached, resets at 2026-8-12 18:58", NULL);
  /* A date in an unrelated error is not a reset time. */
  assert_reset_time ("1113", "Balance checked at 2026-08-12 18:58:34", NULL);

  without = from_envelope (429, "{\"error\":{\"code\":\"1309\",\"message\":\"expired\"}}");
  with = from_envelope (429, "{\"error\":{\"code\":\"1308\",\"message\":\"reset at 2026-08-12 18:58:34\"}}");
  g_assert_error (without, CHAT_ERROR, CHAT_ERROR_QUOTA);
  g_assert_error (with, CHAT_ERROR, CHAT_ERROR_QUOTA);
  g_assert_cmpstr (without->message, !=, with->message);
  g_assert_null (strstr (with->message, "\n"));
}

static void
assert_line (GError     *error,
             const char *expected_suffix)
{
  g_autofree char *line = chat_error_format_line (error);
  g_autofree char *expected = g_strconcat (error->message, expected_suffix, NULL);

  g_assert_cmpstr (line, ==, expected);
  g_assert_null (strchr (line, '\n'));
  g_error_free (error);
}

static void
test_format_line (void)
{
  assert_line (chat_error_new (CHAT_ERROR_RATE_LIMIT, 429, "1302", "Rate limit reached"),
               " (server: 1302 Rate limit reached)");
  assert_line (chat_error_new (CHAT_ERROR_SERVER, 502, NULL, "Bad gateway"),
               " (server: HTTP 502 Bad gateway)");
  assert_line (chat_error_new (CHAT_ERROR_SERVER, 503, NULL, NULL), " (server: HTTP 503)");
  assert_line (chat_error_new (CHAT_ERROR_AUTH, 401, "1002", ""), " (server: 1002)");
  assert_line (chat_error_new (CHAT_ERROR_BAD_REQUEST, 400, "1214", "line one\nline two\r\n"),
               " (server: 1214 line one line two)");
  assert_line (chat_error_new (CHAT_ERROR_NETWORK, 0, NULL, "Connection refused"),
               " (Connection refused)");
  assert_line (chat_error_new (CHAT_ERROR_NO_KEY, 0, NULL, NULL), "");
}

static void
test_format_line_other_domain (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "plain\nerror");
  g_autofree char *line = chat_error_format_line (error);

  g_assert_cmpstr (line, ==, "plain error");
  g_assert_cmpuint (chat_error_get_http_status (error), ==, 0);
  g_assert_null (chat_error_get_server_code (error));
  g_assert_false (chat_error_is_retryable (error));
}

typedef struct {
  ChatErrorCode code;
  guint         http_status;
  const char   *server_code;
  gboolean      retryable;
} RetryCase;

static const RetryCase retry_cases[] = {
  { CHAT_ERROR_RATE_LIMIT, 429, "1302", TRUE },
  { CHAT_ERROR_RATE_LIMIT, 429, "1303", TRUE },
  { CHAT_ERROR_RATE_LIMIT, 429, "1305", TRUE },
  { CHAT_ERROR_RATE_LIMIT, 200, "1305", TRUE },
  { CHAT_ERROR_RATE_LIMIT, 503, "1303", TRUE },
  /* 1308 and up are never retried, 1312 ("model overloaded") included. */
  { CHAT_ERROR_RATE_LIMIT, 429, "1312", FALSE },
  { CHAT_ERROR_RATE_LIMIT, 503, "1312", FALSE },
  { CHAT_ERROR_RATE_LIMIT, 200, "1312", FALSE },
  { CHAT_ERROR_RATE_LIMIT, 429, "1313", FALSE },
  { CHAT_ERROR_QUOTA, 503, "1308", FALSE },
  { CHAT_ERROR_SERVER, 503, "1316", FALSE },
  { CHAT_ERROR_SERVER, 500, "1234", TRUE },
  { CHAT_ERROR_RATE_LIMIT, 429, NULL, FALSE },
  { CHAT_ERROR_SERVER, 500, NULL, TRUE },
  { CHAT_ERROR_SERVER, 500, "500", TRUE },
  { CHAT_ERROR_SERVER, 502, NULL, TRUE },
  { CHAT_ERROR_SERVER, 503, NULL, TRUE },
  { CHAT_ERROR_SERVER, 504, NULL, TRUE },
  { CHAT_ERROR_SERVER, 501, NULL, FALSE },
  { CHAT_ERROR_CONTENT_FILTER, 500, "1301", FALSE },
  { CHAT_ERROR_SERVER, 0, NULL, FALSE },
  { CHAT_ERROR_AUTH, 401, NULL, FALSE },
  { CHAT_ERROR_AUTH, 401, "1002", FALSE },
  { CHAT_ERROR_RATE_LIMIT, 401, "1302", FALSE },
  { CHAT_ERROR_BALANCE, 429, "1113", FALSE },
  { CHAT_ERROR_BALANCE, 503, "1113", FALSE },
  { CHAT_ERROR_QUOTA, 429, "1304", FALSE },
  { CHAT_ERROR_QUOTA, 429, "1308", FALSE },
  { CHAT_ERROR_QUOTA, 429, "1309", FALSE },
  { CHAT_ERROR_QUOTA, 429, "1310", FALSE },
  { CHAT_ERROR_QUOTA, 429, "1311", FALSE },
  { CHAT_ERROR_BAD_REQUEST, 400, NULL, FALSE },
  { CHAT_ERROR_BAD_REQUEST, 400, "1214", FALSE },
  { CHAT_ERROR_RATE_LIMIT, 400, "1305", FALSE },
  { CHAT_ERROR_PROMPT_TOO_LONG, 400, "1261", FALSE },
  { CHAT_ERROR_CONTENT_FILTER, 400, "1301", FALSE },
  { CHAT_ERROR_NETWORK, 0, NULL, TRUE },
  { CHAT_ERROR_TIMEOUT, 0, NULL, FALSE },
  { CHAT_ERROR_CANCELLED, 0, NULL, FALSE },
  { CHAT_ERROR_PROTOCOL, 0, NULL, FALSE },
  { CHAT_ERROR_NO_KEY, 0, NULL, FALSE },
};

static void
test_retryable (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (retry_cases); i++)
    {
      const RetryCase *c = &retry_cases[i];
      g_autoptr(GError) error = chat_error_new (c->code, c->http_status, c->server_code, NULL);

      g_test_message ("code %d, HTTP %u, server code %s", c->code, c->http_status,
                      c->server_code ? c->server_code : "none");
      g_assert_cmpint (chat_error_is_retryable (error), ==, c->retryable);
    }
}

typedef struct {
  GQuark        domain;
  int           code;
  ChatErrorCode expected;
} IoCase;

static void
test_from_io (void)
{
  const IoCase cases[] = {
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, CHAT_ERROR_CANCELLED },
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, CHAT_ERROR_TIMEOUT },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, CHAT_ERROR_NETWORK },
    { G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, CHAT_ERROR_NETWORK },
    { G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE, CHAT_ERROR_NETWORK },
    { G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, CHAT_ERROR_NETWORK },
    { G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, CHAT_ERROR_NETWORK },
    { G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, CHAT_ERROR_NETWORK },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, CHAT_ERROR_NETWORK },
    { G_IO_ERROR, G_IO_ERROR_PROXY_FAILED, CHAT_ERROR_NETWORK },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, CHAT_ERROR_NETWORK },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE, CHAT_ERROR_NETWORK },
    { G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, CHAT_ERROR_NETWORK },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING, CHAT_ERROR_NETWORK },
    { SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS, CHAT_ERROR_NETWORK },
    { G_FILE_ERROR, G_FILE_ERROR_NOENT, CHAT_ERROR_FAILED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) io_error = g_error_new (cases[i].domain, cases[i].code, "detail %zu", i);
      g_autoptr(GError) error = chat_error_new_from_io (io_error);

      g_assert_error (error, CHAT_ERROR, (int) cases[i].expected);
      g_assert_cmpstr (chat_error_get_server_message (error), ==, io_error->message);
      g_assert_cmpuint (chat_error_get_http_status (error), ==, 0);
      g_assert_cmpstr (error->message, !=, io_error->message);
      g_assert_cmpint (chat_error_is_retryable (error), ==, cases[i].expected == CHAT_ERROR_NETWORK);
    }
}

static void
test_from_io_keeps_chat_errors (void)
{
  g_autoptr(GError) original = chat_error_new (CHAT_ERROR_QUOTA, 429, "1308",
                                               "Your limit will reset at 2026-08-12 18:58:34");
  g_autoptr(GError) copy = chat_error_new_from_io (original);

  g_assert_error (copy, CHAT_ERROR, CHAT_ERROR_QUOTA);
  g_assert_cmpstr (copy->message, ==, original->message);
  g_assert_cmpuint (chat_error_get_http_status (copy), ==, 429);
  g_assert_cmpstr (chat_error_get_server_code (copy), ==, "1308");
  g_assert_cmpstr (chat_error_get_reset_time (copy), ==, "2026-08-12 18:58:34");
  g_assert_true (chat_error_get_server_code (copy) != chat_error_get_server_code (original));
}

static void
test_finish_reasons (void)
{
  g_autoptr(GError) sensitive = chat_error_new_from_finish_reason ("sensitive");
  g_autoptr(GError) network = chat_error_new_from_finish_reason ("network_error");
  g_autoptr(GError) window = chat_error_new_from_finish_reason ("model_context_window_exceeded");

  g_assert_error (sensitive, CHAT_ERROR, CHAT_ERROR_CONTENT_FILTER);
  g_assert_error (network, CHAT_ERROR, CHAT_ERROR_SERVER);
  g_assert_error (window, CHAT_ERROR, CHAT_ERROR_PROMPT_TOO_LONG);
  g_assert_nonnull (strstr (chat_error_get_server_message (network), "network_error"));
  g_assert_null (chat_error_new_from_finish_reason ("stop"));
  g_assert_null (chat_error_new_from_finish_reason ("length"));
  g_assert_null (chat_error_new_from_finish_reason ("tool_calls"));
  g_assert_null (chat_error_new_from_finish_reason (NULL));
}

/* Every code says something of its own; the 404 and reset-time variants too. */
static void
test_messages_differ (void)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) not_found = chat_error_new (CHAT_ERROR_BAD_REQUEST, 404, NULL, NULL);
  g_autoptr(GError) reset = chat_error_new (CHAT_ERROR_QUOTA, 429, "1308", "reset at 2026-08-12 18:58:34");
  g_autoptr(GError) overloaded = chat_error_new (CHAT_ERROR_RATE_LIMIT, 429, "1312", NULL);

  for (int code = CHAT_ERROR_FAILED; code <= CHAT_ERROR_CANCELLED; code++)
    {
      g_autoptr(GError) error = chat_error_new (code, 0, NULL, NULL);

      g_assert_error (error, CHAT_ERROR, code);
      g_assert_cmpuint (strlen (error->message), >, 10);
      g_ptr_array_add (messages, g_strdup (error->message));
    }
  g_ptr_array_add (messages, g_strdup (not_found->message));
  g_ptr_array_add (messages, g_strdup (reset->message));
  g_ptr_array_add (messages, g_strdup (overloaded->message));

  for (guint i = 0; i < messages->len; i++)
    for (guint j = i + 1; j < messages->len; j++)
      g_assert_cmpstr (messages->pdata[i], !=, messages->pdata[j]);
}

static void
test_auth_message (void)
{
  g_autoptr(GError) error = chat_error_new (CHAT_ERROR_AUTH, 401, "1002", "invalid");
  g_autoptr(GError) no_key = chat_error_new (CHAT_ERROR_NO_KEY, 0, NULL, NULL);

  g_assert_nonnull (strstr (error->message, "LIAO_API_KEY"));
  g_assert_nonnull (strstr (no_key->message, "LIAO_API_KEY"));
  /* The human sentence stays apart from the server's own words. */
  g_assert_null (strstr (error->message, "invalid"));
}

/* 1312 is not retried, so "wait a moment" would be the wrong advice. */
static void
test_overloaded_message (void)
{
  g_autoptr(GError) error = from_envelope (429, "{\"error\":{\"code\":1312,\"message\":\"The model is overloaded, please try again later or switch to glm-4.5-air\"}}");
  g_autoptr(GError) busy = chat_error_new (CHAT_ERROR_RATE_LIMIT, 429, "1302", NULL);
  g_autofree char *line = chat_error_format_line (error);

  g_assert_error (error, CHAT_ERROR, CHAT_ERROR_RATE_LIMIT);
  g_assert_cmpstr (error->message, !=, busy->message);
  g_assert_nonnull (strstr (error->message, "another model"));
  g_assert_false (chat_error_is_retryable (error));
  /* The model the server suggests is in the detail. */
  g_assert_nonnull (strstr (line, "glm-4.5-air"));
}

static void
test_copy (void)
{
  g_autoptr(GError) error = from_envelope (429, "{\"error\":{\"code\":\"1310\",\"message\":\"Your limit will reset at 2026-08-12 18:58:34\"}}");
  g_autoptr(GError) copy = g_error_copy (error);

  g_assert_cmpstr (chat_error_get_server_code (copy), ==, "1310");
  g_assert_cmpstr (chat_error_get_server_message (copy), ==, chat_error_get_server_message (error));
  g_assert_cmpstr (chat_error_get_reset_time (copy), ==, "2026-08-12 18:58:34");
  g_assert_cmpuint (chat_error_get_http_status (copy), ==, 429);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error/mapping", test_mapping);
  g_test_add_func ("/error/envelopes", test_envelopes);
  g_test_add_func ("/error/context-length", test_context_length);
  g_test_add_func ("/error/not-json", test_not_json);
  g_test_add_func ("/error/not-found", test_not_found);
  g_test_add_func ("/error/from-json", test_from_json);
  g_test_add_func ("/error/reset-time", test_reset_time);
  g_test_add_func ("/error/format-line", test_format_line);
  g_test_add_func ("/error/format-line-other-domain", test_format_line_other_domain);
  g_test_add_func ("/error/retryable", test_retryable);
  g_test_add_func ("/error/from-io", test_from_io);
  g_test_add_func ("/error/from-io-keeps-chat-errors", test_from_io_keeps_chat_errors);
  g_test_add_func ("/error/finish-reasons", test_finish_reasons);
  g_test_add_func ("/error/messages-differ", test_messages_differ);
  g_test_add_func ("/error/auth-message", test_auth_message);
  g_test_add_func ("/error/overloaded-message", test_overloaded_message);
  g_test_add_func ("/error/copy", test_copy);

  return g_test_run ();
}
