/* test-export.c: Markdown and JSON export, import of every shape, bad files */

#include "chat-export.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* 2024-05-01 14:30:15.123456 UTC */
#define T0 G_GINT64_CONSTANT (1714573815123456)
#define N_CHAIN_MESSAGES 10000
/* What import_conversation promises (10,000 messages well under a second),
 * checked with -m perf only: sanitizers and loaded machines are slower. */
#define CHAIN_IMPORT_MAX_MS 1000

typedef struct {
  char      *dir;
  ChatStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("liao-export-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "liao.db", NULL);
  f->store = chat_store_open (path, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->dir);
}

static ChatConversation *
add_conversation (ChatStore  *store,
                  const char *title,
                  gint64      created)
{
  g_autoptr(GError) error = NULL;
  ChatConversation *conversation = chat_conversation_new (title);

  chat_conversation_set_created (conversation, created);
  chat_conversation_set_updated (conversation, created);
  chat_store_add_conversation (store, conversation, &error);
  g_assert_no_error (error);
  return conversation;
}

/* A message added to the store; tests set more fields and save it again. */
static ChatMessage *
add_message (ChatStore   *store,
             gint64       conversation_id,
             ChatMessage *parent,
             const char  *role,
             const char  *content,
             gint64       created)
{
  g_autoptr(GError) error = NULL;
  ChatMessage *message = chat_message_new (role, content);

  chat_message_set_conversation_id (message, conversation_id);
  chat_message_set_parent_id (message, parent != NULL ? chat_message_get_id (parent) : 0);
  chat_message_set_created (message, created);
  chat_store_add_message (store, message, &error);
  g_assert_no_error (error);
  return message;
}

static void
save_message (ChatStore   *store,
              ChatMessage *message)
{
  g_autoptr(GError) error = NULL;

  chat_store_save_message (store, message, &error);
  g_assert_no_error (error);
}

static guint
count_conversations (ChatStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversations = chat_store_list_conversations (store, &error);

  g_assert_no_error (error);
  return conversations->len;
}

static gint64
import_ok (ChatStore  *store,
           const char *data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = chat_export_import_data (store, data, strlen (data), &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The conversation of the Markdown test: a variant off the branch, reasoning,
 * code, Chinese, and an answer interrupted inside a code block. */
static gint64
add_sorting_conversation (ChatStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation = chat_conversation_new ("Sorting in C");
  g_autoptr(ChatMessage) question = NULL, old = NULL, answer = NULL, again = NULL, cut = NULL;
  gint64 id;

  chat_conversation_set_created (conversation, T0);
  chat_conversation_set_updated (conversation, T0);
  chat_conversation_set_profile (conversation, "general");
  chat_conversation_set_model (conversation, "glm-4.7");
  chat_conversation_set_system_prompt (conversation, "Answer briefly.\nUse C11.");
  chat_store_add_conversation (store, conversation, &error);
  g_assert_no_error (error);
  id = chat_conversation_get_id (conversation);

  question = add_message (store, id, NULL, "user", "How do I sort an array in C? 请用中文解释。", T0);
  old = add_message (store, id, question, "assistant", "OLD VARIANT", T0 + 1);
  answer = add_message (store, id, question, "assistant",
                        "用 `qsort`：\n\n```c\n#include <stdlib.h>\n\nint cmp (const void *a, "
                        "const void *b);\n```\n\n完成。", T0 + 2);
  chat_message_set_model (answer, "glm-4.7");
  chat_message_set_reasoning (answer, "The user wants **qsort**.\n\n- compare function");
  save_message (store, answer);
  again = add_message (store, id, answer, "user", "And in reverse?", T0 + 3);
  cut = add_message (store, id, again, "assistant", "Flip the comparison:\n\n```c\nreturn b - a;", T0 + 4);
  chat_message_set_state (cut, CHAT_MESSAGE_STATE_INTERRUPTED);
  save_message (store, cut);
  return id;
}

static const char expected_markdown[] =
  "# Sorting in C\n"
  "\n"
  "*Created: 2024-05-01 14:30 · Profile: general · Model: glm-4.7*\n"
  "\n"
  "## System prompt\n"
  "\n"
  "Answer briefly.\n"
  "Use C11.\n"
  "\n"
  "## You\n"
  "\n"
  "How do I sort an array in C? 请用中文解释。\n"
  "\n"
  "## Assistant (glm-4.7)\n"
  "\n"
  "<details><summary>Reasoning</summary>\n"
  "\n"
  "The user wants **qsort**.\n"
  "\n"
  "- compare function\n"
  "\n"
  "</details>\n"
  "\n"
  "用 `qsort`：\n"
  "\n"
  "```c\n"
  "#include <stdlib.h>\n"
  "\n"
  "int cmp (const void *a, const void *b);\n"
  "```\n"
  "\n"
  "完成。\n"
  "\n"
  "## You\n"
  "\n"
  "And in reverse?\n"
  "\n"
  "## GLM\n"
  "\n"
  "Flip the comparison:\n"
  "\n"
  "```c\n"
  "return b - a;\n"
  "```\n"
  "\n"
  "*Interrupted*\n";

static void
test_markdown (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = add_sorting_conversation (f->store);
  g_autofree char *markdown = chat_export_to_markdown (f->store, id, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (markdown, ==, expected_markdown);
  g_assert_null (strstr (markdown, "OLD VARIANT"));
}

static void
test_markdown_notes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation = add_conversation (f->store, "Notes", T0);
  gint64 id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) question = add_message (f->store, id, NULL, "user", "Show a fence", T0);
  g_autoptr(ChatMessage) failed = add_message (f->store, id, question, "assistant",
                                               "````md\n```c\nx\n```\n````", T0 + 1);
  g_autoptr(ChatMessage) again = add_message (f->store, id, failed, "user", "Again", T0 + 2);
  g_autoptr(ChatMessage) stopped = add_message (f->store, id, again, "assistant", "Par", T0 + 3);
  g_autofree char *markdown = NULL;

  chat_message_set_state (failed, CHAT_MESSAGE_STATE_ERROR);
  chat_message_set_error (failed, "1302", "Rate limit\nreached");
  save_message (f->store, failed);
  chat_message_set_state (stopped, CHAT_MESSAGE_STATE_CANCELLED);
  save_message (f->store, stopped);
  markdown = chat_export_to_markdown (f->store, id, &error);
  g_assert_no_error (error);

  /* The four-backtick fence closes itself: nothing is added after it. */
  g_assert_nonnull (strstr (markdown, "## GLM\n\n````md\n```c\nx\n```\n````\n\n"
                                      "*Error: 1302 Rate limit reached*\n\n## You\n"));
  g_assert_true (g_str_has_suffix (markdown, "## GLM\n\nPar\n\n*Stopped*\n"));
  g_assert_null (strstr (markdown, "System prompt"));
  g_assert_null (strstr (markdown, "Profile"));
}

static void
test_export_missing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *markdown = chat_export_to_markdown (f->store, 4242, &error);
  g_autofree char *json = NULL;

  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_assert_null (markdown);
  g_clear_error (&error);
  json = chat_export_to_json (f->store, 4242, &error);
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_assert_null (json);
}

static char *
make_parameters (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "temperature");
  json_builder_add_double_value (builder, 0.7);
  json_builder_set_member_name (builder, "max_tokens");
  json_builder_add_int_value (builder, 4096);
  json_builder_set_member_name (builder, "thinking");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "enabled");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
finish_answer (ChatStore        *store,
               ChatMessage      *message,
               ChatMessageState  state,
               gint64            finished)
{
  ChatUsage usage = { 12, 340, 352, 8, 120 };

  chat_message_set_state (message, state);
  chat_message_set_model (message, "glm-4.7");
  chat_message_set_finished (message, finished);
  chat_message_set_finish_reason (message, state == CHAT_MESSAGE_STATE_COMPLETE ? "stop" : NULL);
  chat_message_set_usage (message, &usage);
  chat_message_set_first_token_ms (message, 350);
  chat_message_set_duration_ms (message, finished / 1000 % 100000);
  save_message (store, message);
}

/* Two roots (an edited first question), variants in every state. */
static gint64
add_tree_conversation (ChatStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parameters = make_parameters ();
  g_autoptr(ChatConversation) c = chat_conversation_new ("Round trip 往返");
  g_autoptr(ChatMessage) m1 = NULL, m2 = NULL, m3 = NULL, m4 = NULL, m5 = NULL, m6 = NULL;
  g_autoptr(ChatMessage) m7 = NULL, m8 = NULL;
  gint64 id;

  chat_conversation_set_created (c, T0);
  chat_conversation_set_pinned (c, TRUE);
  chat_conversation_set_profile (c, "coding");
  chat_conversation_set_model (c, "glm-4.7");
  chat_conversation_set_system_prompt (c, "Be exact.\n准确。");
  chat_conversation_set_parameters (c, parameters);
  chat_store_add_conversation (store, c, &error);
  g_assert_no_error (error);
  id = chat_conversation_get_id (c);

  m1 = add_message (store, id, NULL, "user", "Explain WAL.", T0 + 1);
  m2 = add_message (store, id, m1, "assistant",
                   "Write-ahead logging:\n\n```sql\nPRAGMA journal_mode=WAL;\n```", T0 + 999999);
  chat_message_set_reasoning (m2, "Think about **fsync**.");
  finish_answer (store, m2, CHAT_MESSAGE_STATE_COMPLETE, T0 + 2000001);
  m3 = add_message (store, id, m1, "assistant", "", T0 + 3000000);
  chat_message_set_error (m3, "1302", "请求过多");
  finish_answer (store, m3, CHAT_MESSAGE_STATE_ERROR, T0 + 3000007);
  m4 = add_message (store, id, m2, "user", "用中文再说一遍", T0 + 4000000);
  m5 = add_message (store, id, m4, "assistant", "预写日志是", T0 + 5000000);
  finish_answer (store, m5, CHAT_MESSAGE_STATE_INTERRUPTED, 0);
  m6 = add_message (store, id, m4, "assistant", "预", T0 + 6000000);
  finish_answer (store, m6, CHAT_MESSAGE_STATE_CANCELLED, T0 + 6500000);
  m7 = add_message (store, id, NULL, "user", "Explain WAL briefly.", T0 + 7000000);
  m8 = add_message (store, id, m7, "assistant", "A log of changes.", T0 + 8000000);
  finish_answer (store, m8, CHAT_MESSAGE_STATE_COMPLETE, T0 + 8000001);
  /* The current branch is not the last one written. */
  chat_store_select_branch (store, id, chat_message_get_id (m5), &error);
  g_assert_no_error (error);
  return id;
}

static void
assert_json_shape (const char *json,
                   guint       n_messages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *conversation, *first;
  JsonArray *messages;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "liao-conversation");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  conversation = json_object_get_object_member (root, "conversation");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (conversation, "parameters")));
  g_assert_cmpstr (json_object_get_string_member (conversation, "created"), ==,
                   "2024-05-01T14:30:15.123456Z");
  messages = json_object_get_array_member (root, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, n_messages);
  first = json_array_get_object_element (messages, 0);
  g_assert_true (json_object_get_null_member (first, "parent_id"));
  g_assert_cmpstr (json_object_get_string_member (first, "created"), ==,
                   "2024-05-01T14:30:15.123457Z");
  g_assert_true (json_object_get_null_member (first, "error"));
  g_assert_null (strstr (json, "http"));
  /* Pretty-printed: one member a line. */
  g_assert_nonnull (strstr (json, "\n  \"conversation\" : {\n"));
}

static void
assert_conversations_equal (ChatConversation *original,
                            ChatConversation *copy,
                            GHashTable       *new_ids)
{
  gint64 leaf = chat_conversation_get_current_leaf (original);

  g_assert_cmpint (chat_conversation_get_id (copy), !=, chat_conversation_get_id (original));
  g_assert_cmpstr (chat_conversation_get_title (copy), ==, chat_conversation_get_title (original));
  g_assert_cmpint (chat_conversation_get_created (copy), ==, chat_conversation_get_created (original));
  g_assert_cmpint (chat_conversation_get_updated (copy), ==, chat_conversation_get_updated (original));
  g_assert_cmpint (chat_conversation_get_pinned (copy), ==, chat_conversation_get_pinned (original));
  g_assert_cmpstr (chat_conversation_get_profile (copy), ==, chat_conversation_get_profile (original));
  g_assert_cmpstr (chat_conversation_get_model (copy), ==, chat_conversation_get_model (original));
  g_assert_cmpstr (chat_conversation_get_system_prompt (copy), ==,
                   chat_conversation_get_system_prompt (original));
  g_assert_cmpstr (chat_conversation_get_parameters (copy), ==,
                   chat_conversation_get_parameters (original));
  g_assert_cmpint (chat_conversation_get_current_leaf (copy), ==,
                   *(gint64 *) g_hash_table_lookup (new_ids, &leaf));
}

/* Gives @message the ids its copy should have, then compares every field. */
static void
assert_message_copied (ChatMessage *message,
                       ChatMessage *copy,
                       GHashTable  *new_ids)
{
  gint64 id = chat_message_get_id (message);
  gint64 parent_id = chat_message_get_parent_id (message);

  chat_message_set_id (message, *(gint64 *) g_hash_table_lookup (new_ids, &id));
  chat_message_set_conversation_id (message, chat_message_get_conversation_id (copy));
  if (parent_id != 0)
    chat_message_set_parent_id (message, *(gint64 *) g_hash_table_lookup (new_ids, &parent_id));
  g_assert_true (chat_message_equal (message, copy));
}

static GHashTable *
map_ids (GPtrArray *tree,
         GPtrArray *copy)
{
  GHashTable *new_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  g_assert_cmpuint (copy->len, ==, tree->len);
  for (guint i = 0; i < tree->len; i++)
    {
      gint64 id = chat_message_get_id (g_ptr_array_index (tree, i));
      gint64 new_id = chat_message_get_id (g_ptr_array_index (copy, i));

      g_assert_cmpstr (chat_message_get_content (g_ptr_array_index (copy, i)), ==,
                       chat_message_get_content (g_ptr_array_index (tree, i)));
      g_hash_table_insert (new_ids, g_memdup2 (&id, sizeof id), g_memdup2 (&new_id, sizeof new_id));
    }
  return new_ids;
}

static void
test_json_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = add_tree_conversation (f->store);
  g_autofree char *json = chat_export_to_json (f->store, id, &error);
  g_autoptr(ChatConversation) original = NULL, copy = NULL;
  g_autoptr(GPtrArray) tree = NULL, copy_tree = NULL;
  g_autoptr(GHashTable) new_ids = NULL;
  gint64 copy_id;

  g_assert_no_error (error);
  assert_json_shape (json, 8);
  copy_id = import_ok (f->store, json);
  g_assert_cmpint (copy_id, !=, id);
  g_assert_cmpuint (count_conversations (f->store), ==, 2);

  tree = chat_store_load_tree (f->store, id, &error);
  g_assert_no_error (error);
  copy_tree = chat_store_load_tree (f->store, copy_id, &error);
  g_assert_no_error (error);
  new_ids = map_ids (tree, copy_tree);
  for (guint i = 0; i < tree->len; i++)
    assert_message_copied (g_ptr_array_index (tree, i), g_ptr_array_index (copy_tree, i), new_ids);

  original = chat_store_load_conversation (f->store, id, &error);
  g_assert_no_error (error);
  copy = chat_store_load_conversation (f->store, copy_id, &error);
  g_assert_no_error (error);
  assert_conversations_equal (original, copy, new_ids);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (copy)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (copy)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (original)));
  for (guint i = 0; i < 4; i++)
    assert_message_copied (chat_conversation_get_message (original, i),
                           chat_conversation_get_message (copy, i), new_ids);
}

/* Parameters typed by hand keep their meaning, if not their spacing. */
static void
test_json_parameters (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation = chat_conversation_new ("Parameters");
  g_autoptr(ChatConversation) copy = NULL;
  g_autoptr(JsonNode) before = NULL, after = NULL;
  g_autofree char *json = NULL;

  chat_conversation_set_parameters (conversation, "{ \"temperature\": 0.7, \"top_p\": 0.95 }");
  chat_store_add_conversation (f->store, conversation, &error);
  g_assert_no_error (error);
  json = chat_export_to_json (f->store, chat_conversation_get_id (conversation), &error);
  g_assert_no_error (error);
  copy = chat_store_load_conversation (f->store, import_ok (f->store, json), &error);
  g_assert_no_error (error);
  before = json_from_string (chat_conversation_get_parameters (conversation), &error);
  g_assert_no_error (error);
  after = json_from_string (chat_conversation_get_parameters (copy), &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (before, after));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (copy)), ==, 0);
}

static void
test_import_openai (Fixture       *f,
                    gconstpointer  data)
{
  static const char file[] =
    "{\"model\": \"glm-4.7\", \"messages\": ["
    " {\"role\": \"system\", \"content\": \"You are terse.\"},"
    " {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Describe this picture\"},"
    "   {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,AAAA\"}},"
    "   {\"type\": \"text\", \"text\": \"in one line.\"}]},"
    " {\"role\": \"assistant\", \"content\": \"A cat.\", \"reasoning_content\": \"Whiskers.\"},"
    " {\"role\": \"user\", \"content\": \"Thanks\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation =
    chat_store_load_conversation (f->store, import_ok (f->store, file), &error);
  ChatMessage *question, *answer, *thanks;

  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "Describe this picture");
  g_assert_cmpstr (chat_conversation_get_system_prompt (conversation), ==, "You are terse.");
  g_assert_cmpstr (chat_conversation_get_model (conversation), ==, "glm-4.7");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 3);
  question = chat_conversation_get_message (conversation, 0);
  answer = chat_conversation_get_message (conversation, 1);
  thanks = chat_conversation_get_message (conversation, 2);
  g_assert_cmpstr (chat_message_get_content (question), ==, "Describe this picture\n\nin one line.");
  g_assert_cmpint (chat_message_get_parent_id (question), ==, 0);
  g_assert_cmpstr (chat_message_get_role (answer), ==, "assistant");
  g_assert_cmpstr (chat_message_get_reasoning (answer), ==, "Whiskers.");
  g_assert_cmpint (chat_message_get_parent_id (answer), ==, chat_message_get_id (question));
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (chat_message_get_parent_id (thanks), ==, chat_message_get_id (answer));
  g_assert_cmpint (chat_conversation_get_current_leaf (conversation), ==, chat_message_get_id (thanks));
  g_assert_cmpint (chat_message_get_created (thanks), >, 0);
}

static void
test_import_bare_array (Fixture       *f,
                        gconstpointer  data)
{
  static const char file[] =
    "[{\"role\": \"user\", \"content\": \"你好，模型\\n第二行\"},"
    " {\"role\": \"assistant\", \"content\": \"你好！\"},"
    " {\"role\": \"system\", \"content\": \"Later system note\"},"
    " {\"role\": \"tool\", \"content\": \"{}\"}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation =
    chat_store_load_conversation (f->store, import_ok (f->store, file), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "你好，模型");
  /* Only system messages before the conversation starts become the prompt. */
  g_assert_null (chat_conversation_get_system_prompt (conversation));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 4);
  g_assert_cmpstr (chat_message_get_content (chat_conversation_get_message (conversation, 1)), ==,
                   "你好！");
  g_assert_cmpstr (chat_message_get_role (chat_conversation_get_message (conversation, 2)), ==, "system");
  g_assert_cmpstr (chat_message_get_role (chat_conversation_get_message (conversation, 3)), ==, "tool");
}

/* A message that was streaming when exported is interrupted in the copy;
 * what the file leaves out gets defaults. */
static void
test_import_defaults (Fixture       *f,
                      gconstpointer  data)
{
  static const char file[] =
    "{\"format\": \"liao-conversation\", \"version\": 1, \"conversation\": {},"
    " \"messages\": [{\"id\": 7, \"role\": \"user\", \"content\": \"Why is the sky blue?\"},"
    "  {\"id\": 9, \"parent_id\": 7, \"role\": \"assistant\", \"content\": \"Rayleigh\","
    "   \"state\": \"streaming\"}]}";
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time ();
  gint64 id = import_ok (f->store, file);
  g_autoptr(ChatConversation) conversation = chat_store_load_conversation (f->store, id, &error);
  ChatMessage *answer;

  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "Why is the sky blue?");
  g_assert_cmpint (chat_conversation_get_created (conversation), >=, before);
  g_assert_false (chat_conversation_get_pinned (conversation));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  answer = chat_conversation_get_message (conversation, 1);
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpint (chat_message_get_first_token_ms (answer), ==, -1);
  g_assert_cmpint (chat_message_get_created (answer), >=, before);

  /* No question to take a title from. */
  g_clear_object (&conversation);
  id = import_ok (f->store, "[{\"role\": \"assistant\", \"content\": \"Hi\"}]");
  conversation = chat_store_load_conversation (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "Imported conversation");
}

typedef struct {
  const char      *data;
  gsize            length;    /* one test holds a NUL */
  ChatExportError  code;
  const char      *message;   /* a part of the error message */
} BadFile;

#define LIAO(conversation, messages) \
  "{\"format\": \"liao-conversation\", \"version\": 1, \"conversation\": {" conversation "}," \
  " \"messages\": [" messages "]}"
#define BAD(data, code, message) { data, sizeof (data) - 1, code, message }
#define MSG(id, parent, extra) \
  "{\"id\": " #id ", \"parent_id\": " #parent ", \"role\": \"user\", \"content\": \"x\"" extra "}"

static const BadFile bad_files[] = {
  BAD ("", CHAT_EXPORT_ERROR_INVALID, "The file is empty."),
  BAD ("not json", CHAT_EXPORT_ERROR_INVALID, "The file is not valid JSON: "),
  BAD ("{\"messages\": [", CHAT_EXPORT_ERROR_INVALID, "The file is not valid JSON: "),
  BAD ("42", CHAT_EXPORT_ERROR_INVALID, "not a conversation that Liao knows"),
  BAD ("{}", CHAT_EXPORT_ERROR_INVALID, "not a conversation that Liao knows"),
  BAD ("{\"messages\": 3}", CHAT_EXPORT_ERROR_INVALID, "not a conversation that Liao knows"),
  BAD ("{\"format\": \"other\", \"messages\": []}", CHAT_EXPORT_ERROR_INVALID, "not a conversation"),
  BAD ("[]", CHAT_EXPORT_ERROR_INVALID, "The file has no messages."),
  BAD ("[{\"role\": \"system\", \"content\": \"only a prompt\"}]", CHAT_EXPORT_ERROR_INVALID,
    "The file has no messages."),
  BAD ("[1]", CHAT_EXPORT_ERROR_INVALID, "Message 1 is not an object."),
  BAD ("[{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"robot\", \"content\": \"beep\"}]",
    CHAT_EXPORT_ERROR_INVALID, "Message 2 has an unknown role “robot”."),
  BAD ("[{\"content\": \"hi\"}]", CHAT_EXPORT_ERROR_INVALID, "Message 1 has no role."),
  BAD ("[{\"role\": 1, \"content\": \"hi\"}]", CHAT_EXPORT_ERROR_INVALID,
    "Message 1: “role” must be a string."),
  BAD ("[{\"role\": \"user\", \"content\": 5}]", CHAT_EXPORT_ERROR_INVALID,
    "Message 1: the content must be a string or a list of parts."),
  BAD ("[{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]", CHAT_EXPORT_ERROR_INVALID,
    "Message 1: part 1 of the content is not a valid part."),
  BAD ("{\"format\": \"liao-conversation\", \"version\": 99, \"conversation\": {}, \"messages\": []}",
    CHAT_EXPORT_ERROR_UNSUPPORTED, "version 99 of the Liao format"),
  BAD ("{\"format\": \"liao-conversation\", \"version\": \"1\", \"conversation\": {}, \"messages\": []}",
    CHAT_EXPORT_ERROR_INVALID, "“version” must be a whole number."),
  BAD ("{\"format\": \"liao-conversation\", \"version\": 1, \"messages\": []}",
    CHAT_EXPORT_ERROR_INVALID, "needs a “version”, a “conversation” and “messages”"),
  BAD (LIAO ("\"pinned\": \"yes\"", ""), CHAT_EXPORT_ERROR_INVALID,
    "The conversation: “pinned” must be true or false."),
  BAD (LIAO ("\"parameters\": \"{}\"", ""), CHAT_EXPORT_ERROR_INVALID,
    "The conversation: “parameters” must be an object."),
  BAD (LIAO ("\"current_leaf\": 42", MSG (1, null, "")), CHAT_EXPORT_ERROR_INVALID,
    "The current message (id 42) is not in the file."),
  BAD (LIAO ("", MSG (1, 2, "") "," MSG (2, null, "")), CHAT_EXPORT_ERROR_INVALID,
    "Message 1 refers to a parent (id 2) that comes later in the file"),
  BAD (LIAO ("", MSG (1, null, "") "," MSG (2, 9, "")), CHAT_EXPORT_ERROR_INVALID,
    "Message 2 refers to a parent (id 9) that is not in the file."),
  BAD (LIAO ("", MSG (1, 2, "") "," MSG (2, 1, "")), CHAT_EXPORT_ERROR_INVALID,
    "Message 1 is its own ancestor"),
  BAD (LIAO ("", MSG (5, 5, "")), CHAT_EXPORT_ERROR_INVALID, "Message 1 is its own ancestor"),
  BAD (LIAO ("", MSG (1, null, "") "," MSG (1, 1, "")), CHAT_EXPORT_ERROR_INVALID,
    "Message 2 has the same id (1) as message 1."),
  BAD (LIAO ("", MSG (0, null, "")), CHAT_EXPORT_ERROR_INVALID, "Message 1 needs an “id”"),
  BAD (LIAO ("", MSG (1, null, ", \"state\": \"thinking\"")), CHAT_EXPORT_ERROR_INVALID,
    "Message 1 has an unknown state “thinking”."),
  BAD (LIAO ("", MSG (1, null, ", \"created\": \"yesterday\"")), CHAT_EXPORT_ERROR_INVALID,
    "Message 1: “created” is not a date and time: “yesterday”."),
  BAD (LIAO ("", MSG (1, null, ", \"usage\": {\"prompt\": 1.5}")), CHAT_EXPORT_ERROR_INVALID,
    "Message 1: “prompt” must be a whole number."),
  BAD (LIAO ("", MSG (1, null, ", \"error\": \"bad\"")), CHAT_EXPORT_ERROR_INVALID,
    "Message 1: “error” must be an object."),
  BAD (LIAO ("", "{\"id\": 1, \"role\": \"user\"}"), CHAT_EXPORT_ERROR_INVALID,
    "Message 1 has no content."),
  BAD (LIAO ("", "[]"), CHAT_EXPORT_ERROR_INVALID, "Message 1 is not an object."),
  BAD ("[{\"role\": \"user\", \"content\": \"\xff\"}]", CHAT_EXPORT_ERROR_INVALID,
    "not valid UTF-8 text (at byte 30)"),
  BAD ("[{\"role\": \"user\", \"content\": \"a\0b\"}]", CHAT_EXPORT_ERROR_INVALID,
    "not valid UTF-8 text (at byte 31)"),
};

static void
assert_import_fails (ChatStore       *store,
                     const char      *data,
                     gsize            length,
                     ChatExportError  code,
                     const char      *message)
{
  g_autoptr(GError) error = NULL;
  guint before = count_conversations (store);

  g_assert_cmpint (chat_export_import_data (store, data, length, &error), ==, 0);
  g_assert_error (error, CHAT_EXPORT_ERROR, (int) code);
  if (strstr (error->message, message) == NULL)
    g_error ("“%s” is not in the error “%s”", message, error->message);
  g_assert_cmpuint (count_conversations (store), ==, before);
}

static void
test_import_bad (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ChatConversation) existing = add_conversation (f->store, "Existing", T0);

  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      const BadFile *bad = &bad_files[i];

      g_test_message ("bad file %u: %s", i, bad->message);
      assert_import_fails (f->store, bad->data, bad->length, bad->code, bad->message);
    }
  g_assert_cmpuint (count_conversations (f->store), ==, 1);
}

/* Nesting deep enough to overflow json-glib's recursive parser is refused. */
static void
test_import_deep (Fixture       *f,
                  gconstpointer  data)
{
  gsize length = 200000;
  g_autofree char *deep = g_strnfill (length, '[');
  g_autofree char *in_string = g_strdup_printf ("[{\"role\": \"user\", \"content\": \"%s\"}]", deep);

  assert_import_fails (f->store, deep, length, CHAT_EXPORT_ERROR_INVALID, "more than 64 levels");
  /* Brackets inside strings do not count. */
  import_ok (f->store, in_string);
}

static void
test_import_too_large (Fixture       *f,
                       gconstpointer  data)
{
  gsize length = CHAT_EXPORT_MAX_IMPORT_SIZE + 1;
  /* calloc'd pages are not touched: the size is checked first. */
  g_autofree char *big = g_malloc0 (length);
  g_autoptr(GString) many = g_string_new ("[");

  /* g_format_size puts a no-break space before the unit. */
  assert_import_fails (f->store, big, length, CHAT_EXPORT_ERROR_TOO_LARGE,
                       "too large to import: 64.0\u00a0MiB (67108865 bytes), "
                       "and Liao imports at most 64.0\u00a0MiB.");
  for (guint i = 0; i <= 1000000; i++)
    g_string_append (many, i > 0 ? ",0" : "0");
  g_string_append_c (many, ']');
  assert_import_fails (f->store, many->str, many->len, CHAT_EXPORT_ERROR_TOO_LARGE,
                       "The file has 1000001 messages; Liao imports at most 1000000.");
}

/* A Liao file of one chain of @n_messages, each answering the one before;
 * message @refused (from 1; 0 for none) says only “boom”. */
static char *
make_chain_file (guint n_messages,
                 guint refused)
{
  GString *file = g_string_new ("{\"format\": \"liao-conversation\", \"version\": 1,"
                                " \"conversation\": {\"title\": \"Chain\"}, \"messages\": [");

  for (guint i = 1; i <= n_messages; i++)
    {
      g_autofree char *content = i == refused ? g_strdup ("boom")
        : g_strdup_printf ("Step %u: the index makes the query faster. 索引让查询更快。", i);

      g_string_append_printf (file, "%s{\"id\": %u, \"parent_id\": %u, \"role\": \"%s\","
                              " \"content\": \"%s\", \"usage\": {\"total\": %u}}",
                              i > 1 ? ", " : "", i, i - 1, i % 2 ? "user" : "assistant",
                              content, i);
    }
  g_string_append (file, "]}");
  return g_string_free (file, FALSE);
}

static guint
count_hits (ChatStore  *store,
            const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = chat_store_search (store, query, 0, &error);

  g_assert_no_error (error);
  return hits->len;
}

/* A long conversation comes in whole, in one transaction, fast. */
static void
test_import_chain (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *file = make_chain_file (N_CHAIN_MESSAGES, 0);
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 id = import_ok (f->store, file);
  double ms = (g_get_monotonic_time () - start) / 1000.0;
  ChatMessage *last;

  g_test_message ("imported %u messages (%.1f MB) in %.0f ms", N_CHAIN_MESSAGES,
                  strlen (file) / 1e6, ms);
  if (g_test_perf ())
    g_assert_cmpfloat (ms, <, CHAIN_IMPORT_MAX_MS);

  conversation = chat_store_load_conversation (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, N_CHAIN_MESSAGES);
  last = chat_conversation_get_message (conversation, N_CHAIN_MESSAGES - 1);
  g_assert_cmpint (chat_message_get_usage (last)->total_tokens, ==, N_CHAIN_MESSAGES);
  g_assert_cmpint (chat_conversation_get_current_leaf (conversation), ==, chat_message_get_id (last));
  g_assert_cmpuint (count_hits (f->store, "查询"), ==, 50);
}

/* Runs @sql on a connection of its own; the first column of the last row. */
static gint64
exec_raw (ChatStore  *store,
          const char *sql)
{
  sqlite3 *db = NULL;
  char **table = NULL;
  int n_rows = 0;
  int n_columns = 0;
  gint64 result = 0;

  g_assert_cmpint (sqlite3_open (chat_store_get_path (store), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_get_table (db, sql, &table, &n_rows, &n_columns, NULL), ==, SQLITE_OK);
  if (n_rows > 0)
    result = g_ascii_strtoll (table[n_rows * n_columns], NULL, 10);
  sqlite3_free_table (table);
  sqlite3_close (db);
  return result;
}

/* A file that passes every check but that the store refuses halfway
 * through (a trigger stands in for a full disk) leaves nothing behind. */
static void
test_import_rolled_back (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *file = make_chain_file (N_CHAIN_MESSAGES, N_CHAIN_MESSAGES / 2);
  g_autoptr(ChatConversation) existing = add_conversation (f->store, "Existing", T0);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (exec_raw (f->store, "SELECT count(*) FROM messages"), ==, 0);
  exec_raw (f->store, "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN new.content = 'boom'"
                      " BEGIN SELECT RAISE (ABORT, 'refused by the test'); END");
  g_assert_cmpint (chat_export_import_data (f->store, file, strlen (file), &error), ==, 0);
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "refused by the test"));
  g_assert_cmpuint (count_conversations (f->store), ==, 1);
  g_assert_cmpuint (count_hits (f->store, "查询"), ==, 0);
  g_assert_cmpuint (count_hits (f->store, "chain"), ==, 0);
  g_assert_cmpint (exec_raw (f->store, "SELECT count(*) FROM messages"), ==, 0);
}

static void
test_import_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = chat_export_to_json (f->store, add_sorting_conversation (f->store), &error);
  g_autofree char *path = g_build_filename (f->dir, "sorting.json", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.json", NULL);
  g_autofree char *sparse = g_build_filename (f->dir, "sparse.json", NULL);
  g_autoptr(ChatConversation) copy = NULL;
  int fd;

  g_assert_no_error (error);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
  copy = chat_store_load_conversation (f->store, chat_export_import_file (f->store, path, &error), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (copy), ==, "Sorting in C");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (copy)), ==, 4);

  g_assert_cmpint (chat_export_import_file (f->store, missing, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (chat_export_import_file (f->store, f->dir, &error), ==, 0);
  g_assert_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID);
  g_clear_error (&error);

  /* A sparse file: large in size, nothing on disk, never read. */
  fd = g_open (sparse, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) CHAT_EXPORT_MAX_IMPORT_SIZE + 1), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  g_assert_cmpint (chat_export_import_file (f->store, sparse, &error), ==, 0);
  g_assert_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_TOO_LARGE);
  g_assert_cmpuint (count_conversations (f->store), ==, 2);
}

typedef struct {
  const char *title;
  const char *slug;
} SlugCase;

static const SlugCase slug_cases[] = {
  { "Sorting / in C", "Sorting-in-C" },
  { "你好：模型\t测试 a:b*c?", "你好：模型-测试-a-b-c" },
  { "A title that is longer than forty characters, by far", "A-title-that-is-longer-than-forty-charac" },
  { "///", "conversation" },
};

static void
assert_private_file (const char *directory,
                     const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    g_error ("%s was not written", path);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_export_all (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_build_filename (f->dir, "exports", "all", NULL);
  g_autoptr(GPtrArray) conversations = NULL;
  guint n_exported = 0;
  GStatBuf st;

  for (guint i = 0; i < G_N_ELEMENTS (slug_cases); i++)
    g_object_unref (add_conversation (f->store, slug_cases[i].title, T0 + i));
  g_assert_true (chat_export_all (f->store, directory, &n_exported, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_exported, ==, G_N_ELEMENTS (slug_cases));
  g_assert_cmpint (g_stat (directory, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  conversations = chat_store_list_conversations (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < conversations->len; i++)
    {
      const char *title = chat_conversation_get_title (g_ptr_array_index (conversations, i));

      for (guint j = 0; j < G_N_ELEMENTS (slug_cases); j++)
        if (g_str_equal (title, slug_cases[j].title))
          {
            g_autofree char *json = g_strdup_printf ("%04u-%s.json", i + 1, slug_cases[j].slug);
            g_autofree char *markdown = g_strdup_printf ("%04u-%s.md", i + 1, slug_cases[j].slug);
            g_autofree char *json_path = g_build_filename (directory, json, NULL);

            assert_private_file (directory, json);
            assert_private_file (directory, markdown);
            g_assert_cmpint (chat_export_import_file (f->store, json_path, &error), >, 0);
            g_assert_no_error (error);
          }
    }
  g_assert_cmpuint (count_conversations (f->store), ==, 2 * G_N_ELEMENTS (slug_cases));
}

int
main (int   argc,
      char *argv[])
{
  /* Markdown shows local times: make them predictable. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/export/markdown", Fixture, NULL, fixture_set_up, test_markdown, fixture_tear_down);
  g_test_add ("/export/markdown-notes", Fixture, NULL, fixture_set_up, test_markdown_notes,
              fixture_tear_down);
  g_test_add ("/export/missing", Fixture, NULL, fixture_set_up, test_export_missing, fixture_tear_down);
  g_test_add ("/export/json-round-trip", Fixture, NULL, fixture_set_up, test_json_round_trip,
              fixture_tear_down);
  g_test_add ("/export/json-parameters", Fixture, NULL, fixture_set_up, test_json_parameters,
              fixture_tear_down);
  g_test_add ("/export/import-openai", Fixture, NULL, fixture_set_up, test_import_openai,
              fixture_tear_down);
  g_test_add ("/export/import-bare-array", Fixture, NULL, fixture_set_up, test_import_bare_array,
              fixture_tear_down);
  g_test_add ("/export/import-defaults", Fixture, NULL, fixture_set_up, test_import_defaults,
              fixture_tear_down);
  g_test_add ("/export/import-bad", Fixture, NULL, fixture_set_up, test_import_bad, fixture_tear_down);
  g_test_add ("/export/import-deep", Fixture, NULL, fixture_set_up, test_import_deep, fixture_tear_down);
  g_test_add ("/export/import-too-large", Fixture, NULL, fixture_set_up, test_import_too_large,
              fixture_tear_down);
  g_test_add ("/export/import-chain", Fixture, NULL, fixture_set_up, test_import_chain,
              fixture_tear_down);
  g_test_add ("/export/import-rolled-back", Fixture, NULL, fixture_set_up, test_import_rolled_back,
              fixture_tear_down);
  g_test_add ("/export/import-file", Fixture, NULL, fixture_set_up, test_import_file, fixture_tear_down);
  g_test_add ("/export/all", Fixture, NULL, fixture_set_up, test_export_all, fixture_tear_down);

  return g_test_run ();
}
