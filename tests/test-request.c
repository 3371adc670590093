/* test-request.c: the request body, parsed back with JsonParser */

#include <json-glib/json-glib.h>

#include "chat-request.h"

/* Builds the body and parses it back; the parser owns the returned object. */
static JsonObject *
parse_request (ChatRequest  *request,
               JsonParser  **parser_out)
{
  g_autoptr(GBytes) bytes = chat_request_to_bytes (request);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  json_parser_load_from_data (parser, data, size, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  *parser_out = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

static void
assert_message (JsonObject *body,
                guint       index,
                const char *role,
                const char *content)
{
  JsonArray *messages = json_object_get_array_member (body, "messages");
  JsonObject *message = json_array_get_object_element (messages, index);

  g_assert_cmpuint (json_object_get_size (message), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, role);
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, content);
}

static void
assert_double_member (JsonObject *body,
                      const char *name,
                      double      expected)
{
  JsonNode *node = json_object_get_member (body, name);

  g_assert_nonnull (node);
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_node_get_double (node), ==, expected);
}

static void
test_request_minimal (void)
{
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *body;
  JsonNode *stream;

  chat_request_add_message (request, "user", "Hi");
  body = parse_request (request, &parser);

  /* model, messages, stream and nothing else: unset fields are omitted. */
  g_assert_cmpuint (json_object_get_size (body), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "glm-4.7");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")), ==, 1);
  assert_message (body, 0, "user", "Hi");
  stream = json_object_get_member (body, "stream");
  g_assert_cmpint (json_node_get_value_type (stream), ==, G_TYPE_BOOLEAN);
  g_assert_false (json_node_get_boolean (stream));
  g_assert_false (chat_request_get_stream (request));
}

static void
test_request_all_fields (void)
{
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.5");
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *body;
  JsonObject *thinking;

  chat_request_set_model (request, "glm-4.7");
  chat_request_add_message (request, "system", "Be brief.");
  chat_request_add_message (request, "user", "Hi");
  chat_request_set_stream (request, TRUE);
  chat_request_set_temperature (request, 0.7);
  chat_request_set_top_p (request, 0.95);
  chat_request_set_max_tokens (request, 4096);
  chat_request_set_thinking (request, CHAT_THINKING_ENABLED);
  body = parse_request (request, &parser);

  g_assert_cmpuint (json_object_get_size (body), ==, 7);
  g_assert_cmpstr (chat_request_get_model (request), ==, "glm-4.7");
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "glm-4.7");
  g_assert_true (chat_request_get_stream (request));
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  assert_double_member (body, "temperature", 0.7);
  assert_double_member (body, "top_p", 0.95);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (body, "max_tokens")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 4096);
  thinking = json_object_get_object_member (body, "thinking");
  g_assert_cmpuint (json_object_get_size (thinking), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (thinking, "type"), ==, "enabled");
  g_assert_false (json_object_has_member (body, "stream_options"));
}

static void
test_request_thinking (void)
{
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *body;

  chat_request_add_message (request, "user", "Hi");
  chat_request_set_thinking (request, CHAT_THINKING_DISABLED);
  body = parse_request (request, &parser);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "thinking"), "type"),
                   ==, "disabled");

  chat_request_set_thinking (request, CHAT_THINKING_DEFAULT);
  body = parse_request (request, &parser2);
  g_assert_false (json_object_has_member (body, "thinking"));
}

static void
test_request_temperature_double (void)
{
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  JsonObject *body;

  chat_request_add_message (request, "user", "Hi");
  chat_request_set_temperature (request, 1.0);
  chat_request_set_top_p (request, 1.0);
  body = parse_request (request, &parser);

  /* 1.0 must not be written as the integer 1. */
  assert_double_member (body, "temperature", 1.0);
  assert_double_member (body, "top_p", 1.0);
  bytes = chat_request_to_bytes (request);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (text, "\"temperature\":1.00"));
}

/* The API takes at most two decimals; 0.7 must not go out as 0.69999999999999996. */
static void
test_request_two_decimals (void)
{
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  chat_request_add_message (request, "user", "Hi");
  chat_request_set_temperature (request, 0.7);
  chat_request_set_top_p (request, 0.956);
  bytes = chat_request_to_bytes (request);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (text, "\"temperature\":0.70"));
  g_assert_nonnull (strstr (text, "\"top_p\":0.96"));
  g_assert_null (strstr (text, "9999"));
}

static void
test_request_clamp (void)
{
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) parser2 = NULL;
  JsonObject *body;

  chat_request_add_message (request, "user", "Hi");
  chat_request_set_temperature (request, 1.5);
  chat_request_set_top_p (request, 0.0);
  body = parse_request (request, &parser);
  assert_double_member (body, "temperature", 1.0);
  assert_double_member (body, "top_p", 0.01);

  chat_request_set_temperature (request, -0.3);
  chat_request_set_top_p (request, 2.0);
  body = parse_request (request, &parser2);
  assert_double_member (body, "temperature", 0.0);
  assert_double_member (body, "top_p", 1.0);
}

/* A subprocess, so that the check does not depend on the library's log domain. */
static void
test_request_max_tokens_invalid (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");

      chat_request_set_max_tokens (request, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*max_tokens >= 1*");
}

static void
test_request_text_round_trip (void)
{
  static const char * const texts[] = {
    "你好，世界！请用中文回答。",
    "He said \"hi\" \\ and left",
    "line one\nline two\r\n\ttabbed",
    "controls \x01\x02\x1f\x7f end",
    "emoji 😀👍🏽 and 𝄞",
    "</script><!-- & ' \" -->",
    "",
  };
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *body;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    chat_request_add_message (request, "user", texts[i]);
  body = parse_request (request, &parser);

  g_assert_cmpuint (chat_request_get_n_messages (request), ==, G_N_ELEMENTS (texts));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_message (body, i, "user", texts[i]);
}

static void
test_request_message_order (void)
{
  static const char * const roles[] = { "system", "user", "assistant", "user", "assistant", "user" };
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *body;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *content = g_strdup_printf ("message %u", i);

      chat_request_add_message (request, roles[i], content);
    }
  body = parse_request (request, &parser);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")),
                    ==, G_N_ELEMENTS (roles));
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *content = g_strdup_printf ("message %u", i);

      assert_message (body, i, roles[i], content);
    }
}

static void
test_request_refcount (void)
{
  ChatRequest *request = chat_request_new ("glm-4.7");
  ChatRequest *ref = chat_request_ref (request);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  g_assert_true (ref == request);
  chat_request_add_message (request, "user", "Hi");
  before = chat_request_to_bytes (request);
  chat_request_unref (request);

  /* Still alive through the second reference, and unchanged. */
  g_assert_cmpstr (chat_request_get_model (ref), ==, "glm-4.7");
  after = chat_request_to_bytes (ref);
  g_assert_true (g_bytes_equal (before, after));
  chat_request_unref (ref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/request/minimal", test_request_minimal);
  g_test_add_func ("/request/all-fields", test_request_all_fields);
  g_test_add_func ("/request/thinking", test_request_thinking);
  g_test_add_func ("/request/temperature-double", test_request_temperature_double);
  g_test_add_func ("/request/two-decimals", test_request_two_decimals);
  g_test_add_func ("/request/clamp", test_request_clamp);
  g_test_add_func ("/request/max-tokens-invalid", test_request_max_tokens_invalid);
  g_test_add_func ("/request/text-round-trip", test_request_text_round_trip);
  g_test_add_func ("/request/message-order", test_request_message_order);
  g_test_add_func ("/request/refcount", test_request_refcount);

  return g_test_run ();
}
