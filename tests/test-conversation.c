/* test-conversation.c: ChatConversation properties, the branch model, default titles */

#include "chat-conversation.h"

typedef struct {
  guint calls;
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *record)
{
  record->calls++;
  record->position = position;
  record->removed = removed;
  record->added = added;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_conversation_properties (void)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new ("Hello");
  guint count = 0;

  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "Hello");
  g_assert_cmpint (chat_conversation_get_created (conversation), >, 0);
  g_assert_cmpint (chat_conversation_get_updated (conversation), ==,
                   chat_conversation_get_created (conversation));
  g_assert_false (chat_conversation_get_pinned (conversation));
  g_assert_null (chat_conversation_get_parameters (conversation));

  g_signal_connect (conversation, "notify", G_CALLBACK (count_notify), &count);
  chat_conversation_set_title (conversation, "Hello");
  chat_conversation_set_pinned (conversation, FALSE);
  chat_conversation_set_model (conversation, NULL);
  chat_conversation_set_current_leaf (conversation, 0);
  g_assert_cmpuint (count, ==, 0);

  chat_conversation_set_title (conversation, "Bye");
  chat_conversation_set_pinned (conversation, TRUE);
  chat_conversation_set_profile (conversation, "coding");
  chat_conversation_set_model (conversation, "glm-4.7");
  chat_conversation_set_system_prompt (conversation, "Be brief.");
  chat_conversation_set_parameters (conversation, "{\"temperature\":0.5}");
  chat_conversation_set_current_leaf (conversation, 9);
  g_assert_cmpuint (count, ==, 7);
  g_assert_cmpstr (chat_conversation_get_profile (conversation), ==, "coding");
  g_assert_cmpstr (chat_conversation_get_system_prompt (conversation), ==, "Be brief.");
  g_assert_cmpint (chat_conversation_get_current_leaf (conversation), ==, 9);
}

static void
test_conversation_list_model (void)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (NULL);
  g_autoptr(GPtrArray) branch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ChatMessage) reply = chat_message_new ("assistant", "Hi!");
  g_autoptr(ChatMessage) item = NULL;
  ItemsChanged record = { 0 };

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (conversation)) == CHAT_TYPE_MESSAGE);
  g_signal_connect (conversation, "items-changed", G_CALLBACK (on_items_changed), &record);

  g_ptr_array_add (branch, chat_message_new ("system", "Be brief."));
  g_ptr_array_add (branch, chat_message_new ("user", "Hello"));
  chat_conversation_set_branch (conversation, branch);
  g_assert_cmpuint (record.calls, ==, 1);
  g_assert_cmpuint (record.removed, ==, 0);
  g_assert_cmpuint (record.added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);

  chat_conversation_append (conversation, reply);
  g_assert_cmpuint (record.calls, ==, 2);
  g_assert_cmpuint (record.position, ==, 2);
  g_assert_cmpuint (record.added, ==, 1);
  g_assert_true (chat_conversation_get_message (conversation, 2) == reply);
  g_assert_null (chat_conversation_get_message (conversation, 3));

  item = g_list_model_get_item (G_LIST_MODEL (conversation), 1);
  g_assert_cmpstr (chat_message_get_content (item), ==, "Hello");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (conversation), 3));

  /* The conversation keeps its own references. */
  g_ptr_array_set_size (branch, 0);
  g_assert_cmpstr (chat_message_get_role (chat_conversation_get_message (conversation, 0)), ==,
                   "system");

  chat_conversation_set_branch (conversation, NULL);
  g_assert_cmpuint (record.calls, ==, 3);
  g_assert_cmpuint (record.removed, ==, 3);
  g_assert_cmpuint (record.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 0);
}

static void
test_conversation_title_from_question (void)
{
  static const struct {
    const char *question;
    const char *title;
  } cases[] = {
    { "How do I sort a list?", "How do I sort a list?" },
    { "\n\n   \n  First line  \nsecond line", "First line" },
    { "  trimmed\t", "trimmed" },
    { "", "New conversation" },
    { " \n\t\n ", "New conversation" },
    { NULL, "New conversation" },
    /* 61 characters: the last one is cut */
    { "123456789012345678901234567890123456789012345678901234567890X",
      "123456789012345678901234567890123456789012345678901234567890" },
    /* 70 Chinese characters (210 bytes): 60 characters are kept */
    { "模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型"
      "模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型",
      "模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型模型"
      "模型模型模型模型模型模型模型模型模型模型" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *title = chat_conversation_title_from_question (cases[i].question);

      g_assert_cmpstr (title, ==, cases[i].title);
      g_assert_cmpint (g_utf8_strlen (title, -1), <=, 60);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conversation/properties", test_conversation_properties);
  g_test_add_func ("/conversation/list-model", test_conversation_list_model);
  g_test_add_func ("/conversation/title-from-question", test_conversation_title_from_question);

  return g_test_run ();
}
