/* test-message.c: ChatMessage fields, notifications, states and equality */

#include "chat-message.h"

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_message_defaults (void)
{
  g_autoptr(ChatMessage) message = chat_message_new ("assistant", NULL);
  const ChatUsage *usage = chat_message_get_usage (message);

  g_assert_cmpstr (chat_message_get_role (message), ==, "assistant");
  g_assert_cmpstr (chat_message_get_content (message), ==, "");
  g_assert_null (chat_message_get_reasoning (message));
  g_assert_cmpint (chat_message_get_state (message), ==, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (chat_message_get_id (message), ==, 0);
  g_assert_cmpint (chat_message_get_parent_id (message), ==, 0);
  g_assert_cmpint (chat_message_get_first_token_ms (message), ==, -1);
  g_assert_cmpint (chat_message_get_duration_ms (message), ==, -1);
  g_assert_cmpint (chat_message_get_finished (message), ==, 0);
  g_assert_cmpint (chat_message_get_created (message), >, 0);
  g_assert_cmpint (usage->prompt_tokens + usage->completion_tokens, ==, 0);
}

static void
test_message_notify_only_on_change (void)
{
  g_autoptr(ChatMessage) message = chat_message_new ("user", "hello");
  guint count = 0;

  g_signal_connect (message, "notify", G_CALLBACK (count_notify), &count);

  chat_message_set_content (message, "hello");
  chat_message_set_reasoning (message, NULL);
  chat_message_set_reasoning (message, "");
  chat_message_set_state (message, CHAT_MESSAGE_STATE_COMPLETE);
  chat_message_set_usage (message, NULL);
  g_assert_cmpuint (count, ==, 0);

  chat_message_set_content (message, "hello there");
  chat_message_set_state (message, CHAT_MESSAGE_STATE_STREAMING);
  chat_message_set_usage (message, &(ChatUsage) { .prompt_tokens = 3 });
  chat_message_set_duration_ms (message, 42);
  g_assert_cmpuint (count, ==, 4);

  chat_message_set_error (message, "1302", "Too many requests");
  g_assert_cmpuint (count, ==, 6);
  g_assert_cmpstr (chat_message_get_error_code (message), ==, "1302");
  g_assert_cmpstr (chat_message_get_error_message (message), ==, "Too many requests");
}

static void
test_message_role_construct_only (void)
{
  g_autoptr(ChatMessage) message = chat_message_new ("system", "be brief");
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (message), "role");

  g_assert_nonnull (pspec);
  g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
  g_assert_cmpstr (chat_message_get_role (message), ==, "system");
}

static void
test_message_state_strings (void)
{
  static const char * const names[] = {
    "complete", "streaming", "interrupted", "error", "cancelled"
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      ChatMessageState state = CHAT_MESSAGE_STATE_COMPLETE;

      g_assert_cmpstr (chat_message_state_to_string (i), ==, names[i]);
      g_assert_true (chat_message_state_from_string (names[i], &state));
      g_assert_cmpint (state, ==, i);
    }

  {
    ChatMessageState state = CHAT_MESSAGE_STATE_ERROR;

    g_assert_false (chat_message_state_from_string ("done", &state));
    g_assert_false (chat_message_state_from_string (NULL, &state));
    g_assert_cmpint (state, ==, CHAT_MESSAGE_STATE_ERROR);
  }
}

static ChatMessage *
make_full_message (void)
{
  ChatMessage *message = chat_message_new ("assistant", "The answer is 42.");

  chat_message_set_id (message, 7);
  chat_message_set_conversation_id (message, 3);
  chat_message_set_parent_id (message, 6);
  chat_message_set_reasoning (message, "Think first.");
  chat_message_set_model (message, "glm-4.7");
  chat_message_set_state (message, CHAT_MESSAGE_STATE_ERROR);
  chat_message_set_finish_reason (message, "stop");
  chat_message_set_error (message, "1301", "Unsafe content");
  chat_message_set_created (message, 1000);
  chat_message_set_finished (message, 2000);
  chat_message_set_usage (message, &(ChatUsage) { 10, 20, 30, 4, 5 });
  chat_message_set_first_token_ms (message, 120);
  chat_message_set_duration_ms (message, 900);
  return message;
}

/* Changes one stored field of a make_full_message () message; FALSE past the last. */
static gboolean
mutate (ChatMessage *m,
        guint        field)
{
  switch (field)
    {
    case 0: chat_message_set_id (m, 8); break;
    case 1: chat_message_set_parent_id (m, 0); break;
    case 2: chat_message_set_conversation_id (m, 4); break;
    case 3: chat_message_set_content (m, "43"); break;
    case 4: chat_message_set_reasoning (m, NULL); break;
    case 5: chat_message_set_model (m, "glm-4.6"); break;
    case 6: chat_message_set_state (m, CHAT_MESSAGE_STATE_COMPLETE); break;
    case 7: chat_message_set_finish_reason (m, "length"); break;
    case 8: chat_message_set_error (m, "1302", "Unsafe content"); break;
    case 9: chat_message_set_error (m, "1301", "x"); break;
    case 10: chat_message_set_created (m, 1001); break;
    case 11: chat_message_set_finished (m, 0); break;
    case 12: chat_message_set_usage (m, &(ChatUsage) { 11, 20, 30, 4, 5 }); break;
    case 13: chat_message_set_usage (m, &(ChatUsage) { 10, 21, 30, 4, 5 }); break;
    case 14: chat_message_set_usage (m, &(ChatUsage) { 10, 20, 31, 4, 5 }); break;
    case 15: chat_message_set_usage (m, &(ChatUsage) { 10, 20, 30, 0, 5 }); break;
    case 16: chat_message_set_usage (m, &(ChatUsage) { 10, 20, 30, 4, 6 }); break;
    case 17: chat_message_set_first_token_ms (m, -1); break;
    case 18: chat_message_set_duration_ms (m, 901); break;
    default: return FALSE;
    }

  return TRUE;
}

static void
test_message_equal (void)
{
  g_autoptr(ChatMessage) a = make_full_message ();
  g_autoptr(ChatMessage) b = make_full_message ();
  g_autoptr(ChatMessage) other_role = chat_message_new ("user", "The answer is 42.");

  g_assert_true (chat_message_equal (a, b));
  g_assert_false (chat_message_equal (a, other_role));

  for (guint field = 0; ; field++)
    {
      g_autoptr(ChatMessage) changed = make_full_message ();

      if (!mutate (changed, field))
        {
          g_assert_cmpuint (field, ==, 19);
          break;
        }
      g_assert_false (chat_message_equal (a, changed));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message/defaults", test_message_defaults);
  g_test_add_func ("/message/notify-only-on-change", test_message_notify_only_on_change);
  g_test_add_func ("/message/role-construct-only", test_message_role_construct_only);
  g_test_add_func ("/message/state-strings", test_message_state_strings);
  g_test_add_func ("/message/equal", test_message_equal);

  return g_test_run ();
}
