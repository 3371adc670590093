/* test-store.c: the SQLite store, each test on a real file in a temporary folder */

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "chat-search-tokenizer.h"
#include "chat-store.h"

#define N_CONCURRENT_MESSAGES 200
#define WAIT_SECONDS 60

typedef struct {
  char      *dir;
  char      *path;
  ChatStore *store;
} Fixture;

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
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The store goes in a folder that does not exist yet: open creates it. */
static void
fixture_set_up_empty (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("liao-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "liao", "liao.db", NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_set_up_empty (f, data);
  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->store);
  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
make_parent_folder (Fixture *f)
{
  g_autofree char *folder = g_path_get_dirname (f->path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
}

static ChatConversation *
add_conversation (Fixture    *f,
                  const char *title)
{
  g_autoptr(GError) error = NULL;
  ChatConversation *conversation = chat_conversation_new (title);

  g_assert_true (chat_store_add_conversation (f->store, conversation, &error));
  g_assert_no_error (error);
  g_assert_cmpint (chat_conversation_get_id (conversation), >, 0);
  return conversation;
}

static ChatMessage *
add_message (Fixture    *f,
             gint64      conversation_id,
             gint64      parent_id,
             const char *role,
             const char *content)
{
  g_autoptr(GError) error = NULL;
  ChatMessage *message = chat_message_new (role, content);

  chat_message_set_conversation_id (message, conversation_id);
  chat_message_set_parent_id (message, parent_id);
  g_assert_true (chat_store_add_message (f->store, message, &error));
  g_assert_no_error (error);
  g_assert_cmpint (chat_message_get_id (message), >, 0);
  return message;
}

static gint64
current_leaf (Fixture *f,
              gint64   conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation = chat_store_load_conversation (f->store,
                                                                           conversation_id,
                                                                           &error);

  g_assert_no_error (error);
  return chat_conversation_get_current_leaf (conversation);
}

static guint
file_mode (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_mode & 0777;
}

/* Runs @sql on a raw connection to @path (no tokenizer, no store). */
static void
exec_raw (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static char *
query_raw_text (const char *path,
                const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

/* --- files ---------------------------------------------------------------- */

static void
test_store_files (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *folder = g_path_get_dirname (f->path);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autofree char *journal_mode = NULL;
  g_autoptr(ChatConversation) conversation = NULL;
  mode_t old_umask = umask (0);
  g_autoptr(GError) error = NULL;

  /* The modes must not depend on the umask. */
  f->store = chat_store_open (f->path, &error);
  umask (old_umask);
  g_assert_no_error (error);
  conversation = add_conversation (f, "modes");

  g_assert_cmpstr (chat_store_get_path (f->store), ==, f->path);
  g_assert_cmpint (chat_store_get_schema_version (f->store), ==, 2);
  g_assert_null (chat_store_get_moved_aside_path (f->store));
  g_assert_null (chat_store_get_backup_path (f->store));
  g_assert_cmpuint (file_mode (folder), ==, 0700);
  g_assert_cmpuint (file_mode (f->path), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);

  journal_mode = query_raw_text (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");
}

static void
test_store_default_path (void)
{
  g_autofree char *path = chat_store_dup_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "liao", "liao.db", NULL);

  g_assert_cmpstr (path, ==, expected);
}

/* --- conversations -------------------------------------------------------- */

static void
test_store_conversations (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ChatConversation) first = add_conversation (f, "First");
  g_autoptr(ChatConversation) second = add_conversation (f, "Second");
  g_autoptr(ChatConversation) third = add_conversation (f, "Third");
  g_autoptr(ChatConversation) loaded = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  /* updated never goes back, so the test's times are in the future */
  gint64 later = g_get_real_time () + G_USEC_PER_SEC;

  chat_conversation_set_updated (first, later + 3000);
  chat_conversation_set_updated (second, later + 1000);
  chat_conversation_set_updated (third, later + 2000);
  chat_conversation_set_pinned (second, TRUE);
  chat_conversation_set_title (third, "Third, renamed");
  chat_conversation_set_profile (third, "coding");
  chat_conversation_set_model (third, "glm-4.7");
  chat_conversation_set_system_prompt (third, "Be brief.");
  chat_conversation_set_parameters (third, "{\"temperature\":0.2}");
  for (guint i = 0; i < 3; i++)
    {
      ChatConversation *c = (ChatConversation *[]) { first, second, third }[i];

      g_assert_true (chat_store_save_conversation (f->store, c, &error));
      g_assert_no_error (error);
    }

  list = chat_store_list_conversations (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  /* pinned first, then most recently updated */
  g_assert_cmpint (chat_conversation_get_id (g_ptr_array_index (list, 0)), ==,
                   chat_conversation_get_id (second));
  g_assert_cmpint (chat_conversation_get_id (g_ptr_array_index (list, 1)), ==,
                   chat_conversation_get_id (first));
  g_assert_cmpint (chat_conversation_get_id (g_ptr_array_index (list, 2)), ==,
                   chat_conversation_get_id (third));
  g_assert_cmpuint (g_list_model_get_n_items (g_ptr_array_index (list, 0)), ==, 0);

  loaded = chat_store_load_conversation (f->store, chat_conversation_get_id (third), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (loaded), ==, "Third, renamed");
  g_assert_cmpstr (chat_conversation_get_profile (loaded), ==, "coding");
  g_assert_cmpstr (chat_conversation_get_model (loaded), ==, "glm-4.7");
  g_assert_cmpstr (chat_conversation_get_system_prompt (loaded), ==, "Be brief.");
  g_assert_cmpstr (chat_conversation_get_parameters (loaded), ==, "{\"temperature\":0.2}");
  g_assert_cmpint (chat_conversation_get_created (loaded), ==,
                   chat_conversation_get_created (third));
  g_assert_false (chat_conversation_get_pinned (loaded));

  g_assert_true (chat_store_delete_conversation (f->store, chat_conversation_get_id (first),
                                                 &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = chat_store_list_conversations (f->store, &error);
  g_assert_cmpuint (list->len, ==, 2);
}

static void
test_store_not_found (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ChatConversation) missing = chat_conversation_new ("missing");
  g_autoptr(ChatConversation) other = add_conversation (f, "other");
  g_autoptr(ChatConversation) conversation = add_conversation (f, "one");
  g_autoptr(ChatMessage) foreign = add_message (f, chat_conversation_get_id (other), 0,
                                                "user", "hi");
  g_autoptr(ChatMessage) orphan = chat_message_new ("user", "no conversation");
  g_autoptr(ChatMessage) cross = chat_message_new ("user", "parent elsewhere");
  GError *error = NULL;

  chat_conversation_set_id (missing, 9999);
  g_assert_false (chat_store_save_conversation (f->store, missing, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (chat_store_load_conversation (f->store, 9999, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (chat_store_delete_conversation (f->store, 9999, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  chat_message_set_conversation_id (orphan, 9999);
  g_assert_false (chat_store_add_message (f->store, orphan, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (chat_message_get_id (orphan), ==, 0);

  /* A parent must be in the same conversation. */
  chat_message_set_conversation_id (cross, chat_conversation_get_id (conversation));
  chat_message_set_parent_id (cross, chat_message_get_id (foreign));
  g_assert_false (chat_store_add_message (f->store, cross, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (chat_store_load_message (f->store, 9999, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  chat_message_set_id (orphan, 9999);
  g_assert_false (chat_store_save_message (f->store, orphan, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (chat_store_checkpoint_message (f->store, orphan, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (chat_store_delete_message (f->store, 9999, &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (chat_store_select_branch (f->store, chat_conversation_get_id (conversation),
                                            chat_message_get_id (foreign), &error));
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* --- messages ------------------------------------------------------------- */

static void
test_store_message_round_trip (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "round trip");
  gint64 conversation_id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) question = add_message (f, conversation_id, 0, "user", "Why?");
  g_autoptr(ChatMessage) answer = chat_message_new ("assistant", "Because.");
  g_autoptr(ChatMessage) loaded = NULL;
  g_autoptr(ChatConversation) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  chat_message_set_conversation_id (answer, conversation_id);
  chat_message_set_parent_id (answer, chat_message_get_id (question));
  chat_message_set_reasoning (answer, "The user asks why.");
  chat_message_set_model (answer, "glm-4.7");
  chat_message_set_state (answer, CHAT_MESSAGE_STATE_ERROR);
  chat_message_set_finish_reason (answer, "network_error");
  chat_message_set_error (answer, "1234", "Network error");
  chat_message_set_created (answer, 1700000000000000);
  chat_message_set_finished (answer, 1700000001000000);
  chat_message_set_usage (answer, &(ChatUsage) { 11, 22, 33, 4, 5 });
  chat_message_set_first_token_ms (answer, 250);
  chat_message_set_duration_ms (answer, 1000);
  g_assert_true (chat_store_add_message (f->store, answer, &error));
  g_assert_no_error (error);

  loaded = chat_store_load_message (f->store, chat_message_get_id (answer), &error);
  g_assert_no_error (error);
  g_assert_true (chat_message_equal (loaded, answer));

  /* save_message writes every field that can change */
  chat_message_set_content (answer, "Because it is.");
  chat_message_set_state (answer, CHAT_MESSAGE_STATE_COMPLETE);
  chat_message_set_error (answer, NULL, NULL);
  chat_message_set_finish_reason (answer, "stop");
  chat_message_set_usage (answer, &(ChatUsage) { 1, 2, 3, 0, 0 });
  g_assert_true (chat_store_save_message (f->store, answer, &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = chat_store_load_message (f->store, chat_message_get_id (answer), &error);
  g_assert_true (chat_message_equal (loaded, answer));

  /* the last added message is the current leaf, and the branch is loaded */
  reloaded = chat_store_load_conversation (f->store, conversation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chat_conversation_get_current_leaf (reloaded), ==, chat_message_get_id (answer));
  g_assert_cmpint (chat_conversation_get_updated (reloaded), >=,
                   chat_conversation_get_updated (conversation));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 2);
  g_assert_true (chat_message_equal (chat_conversation_get_message (reloaded, 0), question));
  g_assert_true (chat_message_equal (chat_conversation_get_message (reloaded, 1), answer));
}

static void
test_store_checkpoint (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "stream");
  gint64 conversation_id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) question = add_message (f, conversation_id, 0, "user", "Count");
  g_autoptr(ChatMessage) reply = chat_message_new ("assistant", NULL);
  g_autoptr(ChatMessage) loaded = NULL;
  g_autoptr(GError) error = NULL;

  chat_message_set_conversation_id (reply, conversation_id);
  chat_message_set_parent_id (reply, chat_message_get_id (question));
  chat_message_set_state (reply, CHAT_MESSAGE_STATE_STREAMING);
  chat_message_set_model (reply, "glm-4.7");
  g_assert_true (chat_store_add_message (f->store, reply, &error));

  chat_message_set_content (reply, "one two");
  chat_message_set_reasoning (reply, "counting");
  chat_message_set_first_token_ms (reply, 300);
  g_assert_true (chat_store_checkpoint_message (f->store, reply, &error));
  g_assert_no_error (error);
  loaded = chat_store_load_message (f->store, chat_message_get_id (reply), &error);
  g_assert_true (chat_message_equal (loaded, reply));

  chat_message_set_content (reply, "one two three");
  chat_message_set_state (reply, CHAT_MESSAGE_STATE_COMPLETE);
  chat_message_set_finished (reply, g_get_real_time ());
  chat_message_set_usage (reply, &(ChatUsage) { 5, 3, 8, 0, 1 });
  chat_message_set_duration_ms (reply, 900);
  g_assert_true (chat_store_checkpoint_message (f->store, reply, &error));
  g_clear_object (&loaded);
  loaded = chat_store_load_message (f->store, chat_message_get_id (reply), &error);
  g_assert_true (chat_message_equal (loaded, reply));
}

/* --- the tree ------------------------------------------------------------- */

static void
assert_branch (Fixture     *f,
               gint64       conversation_id,
               ChatMessage *expected[],
               guint        n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation = chat_store_load_conversation (f->store,
                                                                           conversation_id,
                                                                           &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (chat_message_get_id (chat_conversation_get_message (conversation, i)), ==,
                     chat_message_get_id (expected[i]));
}

static void
assert_children (Fixture     *f,
                 gint64       conversation_id,
                 gint64       parent_id,
                 ChatMessage *expected[],
                 guint        n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) children = chat_store_list_children (f->store, conversation_id,
                                                            parent_id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (children->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (chat_message_get_id (g_ptr_array_index (children, i)), ==,
                     chat_message_get_id (expected[i]));
}

static void
test_store_tree (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "tree");
  gint64 id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) q1 = add_message (f, id, 0, "user", "Question");
  g_autoptr(ChatMessage) a1 = add_message (f, id, chat_message_get_id (q1), "assistant", "A1");
  g_autoptr(ChatMessage) q2 = add_message (f, id, chat_message_get_id (a1), "user", "Follow-up");
  g_autoptr(ChatMessage) a2 = add_message (f, id, chat_message_get_id (q2), "assistant", "A2");
  /* regenerate the first answer: a variant, a sibling of a1 */
  g_autoptr(ChatMessage) a1b = add_message (f, id, chat_message_get_id (q1), "assistant", "A1b");
  /* edit the first question: a new branch from the root */
  g_autoptr(ChatMessage) q1e = add_message (f, id, 0, "user", "Question, edited");
  g_autoptr(ChatMessage) a1e = add_message (f, id, chat_message_get_id (q1e), "assistant", "A1e");
  g_autoptr(GPtrArray) tree = NULL;
  g_autoptr(GError) error = NULL;

  assert_children (f, id, chat_message_get_id (q1), (ChatMessage *[]) { a1, a1b }, 2);
  assert_children (f, id, 0, (ChatMessage *[]) { q1, q1e }, 2);
  assert_branch (f, id, (ChatMessage *[]) { q1e, a1e }, 2);

  /* down the newest child: q1 -> a1b */
  g_assert_true (chat_store_select_branch (f->store, id, chat_message_get_id (q1), &error));
  g_assert_no_error (error);
  assert_branch (f, id, (ChatMessage *[]) { q1, a1b }, 2);
  g_assert_true (chat_store_select_branch (f->store, id, chat_message_get_id (a1), &error));
  assert_branch (f, id, (ChatMessage *[]) { q1, a1, q2, a2 }, 4);

  tree = chat_store_load_tree (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tree->len, ==, 7);
  for (guint i = 0; i < tree->len; i++)
    {
      ChatMessage *message = g_ptr_array_index (tree, i);
      gboolean parent_seen = chat_message_get_parent_id (message) == 0;

      for (guint j = 0; j < i; j++)
        parent_seen |= chat_message_get_id (g_ptr_array_index (tree, j)) ==
                       chat_message_get_parent_id (message);
      g_assert_true (parent_seen);
    }

  /* deleting off the branch leaves the leaf alone */
  g_assert_true (chat_store_delete_message (f->store, chat_message_get_id (a1b), &error));
  g_assert_no_error (error);
  assert_branch (f, id, (ChatMessage *[]) { q1, a1, q2, a2 }, 4);

  /* deleting q2 (and a2 with it) moves the leaf up to a1 */
  g_assert_true (chat_store_delete_message (f->store, chat_message_get_id (q2), &error));
  assert_branch (f, id, (ChatMessage *[]) { q1, a1 }, 2);
  g_assert_null (chat_store_load_message (f->store, chat_message_get_id (a2), NULL));

  /* deleting the root: the newest remaining branch */
  g_assert_true (chat_store_delete_message (f->store, chat_message_get_id (q1), &error));
  assert_branch (f, id, (ChatMessage *[]) { q1e, a1e }, 2);

  g_assert_true (chat_store_delete_message (f->store, chat_message_get_id (q1e), &error));
  assert_branch (f, id, NULL, 0);
  g_assert_cmpint (current_leaf (f, id), ==, 0);
}

/* A variant deleted from the branch: the leaf goes down the parent's
 * newest remaining child, not just to the parent. */
static void
test_store_delete_variant (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "variants");
  gint64 id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) q = add_message (f, id, 0, "user", "Question");
  g_autoptr(ChatMessage) a = add_message (f, id, chat_message_get_id (q), "assistant", "A");
  g_autoptr(ChatMessage) b = add_message (f, id, chat_message_get_id (q), "assistant", "B");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (current_leaf (f, id), ==, chat_message_get_id (b));
  g_assert_true (chat_store_delete_message (f->store, chat_message_get_id (b), &error));
  g_assert_no_error (error);
  assert_branch (f, id, (ChatMessage *[]) { q, a }, 2);
  g_assert_true (chat_store_delete_message (f->store, chat_message_get_id (a), &error));
  assert_branch (f, id, (ChatMessage *[]) { q }, 1);
}

/* Deeper than SQLite's 1,000 levels of cascading: deleting the root of a
 * long chain, and the conversation, must still work. */
static void
test_store_deep_chain (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "deep");
  g_autoptr(ChatConversation) second = add_conversation (f, "deep too");
  gint64 id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) root = add_message (f, id, 0, "user", "root");
  g_autoptr(GPtrArray) tree = NULL;
  g_autoptr(GError) error = NULL;
  gint64 parent_id = chat_message_get_id (root);

  for (guint i = 0; i < 1500; i++)
    {
      g_autoptr(ChatMessage) message = add_message (f, id, parent_id, "user", "deeper");

      parent_id = chat_message_get_id (message);
    }
  g_assert_true (chat_store_delete_message (f->store, chat_message_get_id (root), &error));
  g_assert_no_error (error);
  tree = chat_store_load_tree (f->store, id, &error);
  g_assert_cmpuint (tree->len, ==, 0);

  id = chat_conversation_get_id (second);
  parent_id = 0;
  for (guint i = 0; i < 1500; i++)
    {
      g_autoptr(ChatMessage) message = add_message (f, id, parent_id, "user", "deeper");

      parent_id = chat_message_get_id (message);
    }
  g_assert_true (chat_store_delete_conversation (f->store, id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&tree, g_ptr_array_unref);
  tree = chat_store_load_tree (f->store, id, &error);
  g_assert_cmpuint (tree->len, ==, 0);
}

/* Opened at its end, a conversation holds the last messages of its branch
 * (not of a variant beside it), and the older ones come in chunks, in
 * order, until it starts at the root; the model signals each chunk as put
 * in front. */
static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *prepended)
{
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (removed, ==, 0);
  *prepended += added;
}

static void
test_store_load_end (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ChatConversation) added = add_conversation (f, "long");
  gint64 id = chat_conversation_get_id (added);
  g_autoptr(GPtrArray) branch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(ChatConversation) whole = NULL;
  g_autoptr(GError) error = NULL;
  gint64 parent_id = 0;
  guint prepended = 0;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      ChatMessage *message = add_message (f, id, parent_id, i % 2 ? "assistant" : "user", text);

      /* A variant beside every fifth message, off the branch. */
      if (i % 5 == 4)
        g_object_unref (add_message (f, id, parent_id, "assistant", "variant"));
      g_ptr_array_add (branch, message);
      parent_id = chat_message_get_id (message);
    }
  g_assert_true (chat_store_select_branch (f->store, id, parent_id, &error));

  conversation = chat_store_load_conversation_end (f->store, id, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 10);
  g_assert_true (chat_conversation_has_older (conversation));
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (chat_message_get_id (chat_conversation_get_message (conversation, i)), ==,
                     chat_message_get_id (g_ptr_array_index (branch, 15 + i)));

  g_signal_connect (conversation, "items-changed", G_CALLBACK (count_changes), &prepended);
  g_assert_cmpint (chat_store_load_older (f->store, conversation, 8, &error), ==, 8);
  g_assert_cmpuint (prepended, ==, 8);
  g_assert_true (chat_conversation_has_older (conversation));
  g_assert_cmpint (chat_store_load_older (f->store, conversation, 8, &error), ==, 7);
  g_assert_false (chat_conversation_has_older (conversation));
  g_assert_cmpint (chat_store_load_older (f->store, conversation, 8, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (prepended, ==, 15);

  whole = chat_store_load_conversation (f->store, id, &error);
  g_assert_false (chat_conversation_has_older (whole));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 25);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (whole)), ==, 25);
  for (guint i = 0; i < 25; i++)
    {
      g_assert_true (chat_message_equal (chat_conversation_get_message (conversation, i),
                                         g_ptr_array_index (branch, i)));
      g_assert_true (chat_message_equal (chat_conversation_get_message (whole, i),
                                         g_ptr_array_index (branch, i)));
    }

  /* A short conversation is all there at once. */
  g_clear_object (&conversation);
  conversation = chat_store_load_conversation_end (f->store, id, 100, &error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 25);
  g_assert_false (chat_conversation_has_older (conversation));
}

/* The rest of the branch gone from under an open conversation (another
 * process deleted it) is an error, not a loop. */
static void
test_store_load_older_gone (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ChatConversation) added = add_conversation (f, "gone");
  gint64 id = chat_conversation_get_id (added);
  g_autoptr(ChatMessage) first = add_message (f, id, 0, "user", "first");
  g_autoptr(ChatMessage) second = add_message (f, id, chat_message_get_id (first), "assistant", "second");
  g_autoptr(ChatMessage) third = add_message (f, id, chat_message_get_id (second), "user", "third");
  g_autoptr(ChatConversation) conversation = chat_store_load_conversation_end (f->store, id, 1, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (chat_conversation_has_older (conversation));
  g_assert_true (chat_store_delete_conversation (f->store, id, &error));
  g_assert_cmpint (chat_store_load_older (f->store, conversation, 100, &error), ==, -1);
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 1);
}

/* --- nothing is lost ------------------------------------------------------ */

static guint
count_hits (Fixture    *f,
            const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = chat_store_search (f->store, query, 0, &error);

  g_assert_no_error (error);
  return hits->len;
}

static void
test_store_streaming_recovered (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "crash");
  gint64 id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) question = add_message (f, id, 0, "user", "Tell a story");
  g_autoptr(ChatMessage) reply = chat_message_new ("assistant", "Once upon");
  g_autoptr(ChatMessage) loaded = NULL;
  g_autoptr(GError) error = NULL;

  chat_message_set_conversation_id (reply, id);
  chat_message_set_parent_id (reply, chat_message_get_id (question));
  chat_message_set_state (reply, CHAT_MESSAGE_STATE_STREAMING);
  g_assert_true (chat_store_add_message (f->store, reply, &error));
  chat_message_set_content (reply, "Once upon a midnight dreary");
  g_assert_true (chat_store_checkpoint_message (f->store, reply, &error));
  g_assert_no_error (error);

  /* a streaming reply is not indexed yet */
  g_assert_cmpuint (count_hits (f, "dreary"), ==, 0);

  reopen (f);
  loaded = chat_store_load_message (f->store, chat_message_get_id (reply), &error);
  g_assert_no_error (error);
  g_assert_cmpint (chat_message_get_state (loaded), ==, CHAT_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpstr (chat_message_get_content (loaded), ==, "Once upon a midnight dreary");
  /* and now it is */
  g_assert_cmpuint (count_hits (f, "dreary"), ==, 1);
  g_assert_cmpuint (count_hits (f, "story"), ==, 1);
}

/* Another process opening the store (`liao list` while the window streams)
 * marks the live reply interrupted; the writer's next checkpoint puts it
 * back, and its text is never touched. */
static void
test_store_streaming_second_opener (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "live");
  gint64 id = chat_conversation_get_id (conversation);
  g_autoptr(ChatMessage) reply = chat_message_new ("assistant", "Still");
  g_autoptr(ChatStore) other = NULL;
  g_autoptr(ChatMessage) seen = NULL;
  g_autoptr(GError) error = NULL;

  chat_message_set_conversation_id (reply, id);
  chat_message_set_state (reply, CHAT_MESSAGE_STATE_STREAMING);
  g_assert_true (chat_store_add_message (f->store, reply, &error));

  other = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  seen = chat_store_load_message (other, chat_message_get_id (reply), &error);
  g_assert_cmpint (chat_message_get_state (seen), ==, CHAT_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpstr (chat_message_get_content (seen), ==, "Still");

  chat_message_set_content (reply, "Still going");
  g_assert_true (chat_store_checkpoint_message (f->store, reply, &error));
  g_clear_object (&seen);
  seen = chat_store_load_message (other, chat_message_get_id (reply), &error);
  g_assert_true (chat_message_equal (seen, reply));
  /* out of the index again while it streams */
  g_assert_cmpuint (count_hits (f, "still"), ==, 0);

  chat_message_set_state (reply, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_true (chat_store_checkpoint_message (f->store, reply, &error));
  g_assert_cmpuint (count_hits (f, "going"), ==, 1);
}

/* --- migration ------------------------------------------------------------ */

/* The schema of version 1 as it was released, written out by hand. */
static const char v1_schema[] =
  "CREATE TABLE conversations (id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT '',"
  " created INTEGER NOT NULL, updated INTEGER NOT NULL, pinned INTEGER NOT NULL DEFAULT 0,"
  " profile TEXT, model TEXT, system_prompt TEXT, parameters TEXT, current_leaf INTEGER);"
  "CREATE TABLE messages (id INTEGER PRIMARY KEY,"
  " conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  " parent_id INTEGER REFERENCES messages (id) ON DELETE CASCADE, role TEXT NOT NULL,"
  " content TEXT NOT NULL DEFAULT '', reasoning TEXT, model TEXT, created INTEGER NOT NULL,"
  " finished INTEGER NOT NULL DEFAULT 0, finish_reason TEXT,"
  " state TEXT NOT NULL DEFAULT 'complete' CHECK (state IN"
  " ('complete', 'streaming', 'interrupted', 'error', 'cancelled')),"
  " error_code TEXT, error_message TEXT, prompt_tokens INTEGER NOT NULL DEFAULT 0,"
  " completion_tokens INTEGER NOT NULL DEFAULT 0, total_tokens INTEGER NOT NULL DEFAULT 0,"
  " reasoning_tokens INTEGER NOT NULL DEFAULT 0, cached_tokens INTEGER NOT NULL DEFAULT 0,"
  " first_token_ms INTEGER NOT NULL DEFAULT -1, duration_ms INTEGER NOT NULL DEFAULT -1);"
  "CREATE INDEX messages_conversation_parent ON messages (conversation_id, parent_id, created);"
  "CREATE INDEX messages_parent ON messages (parent_id, created);"
  "CREATE INDEX messages_streaming ON messages (id) WHERE state = 'streaming';"
  "CREATE INDEX conversations_list ON conversations (pinned, updated);"
  "CREATE TABLE store_info (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
  "INSERT INTO conversations VALUES (1, 'Old times', 100, 200, 1, 'general', 'glm-4.5',"
  " NULL, NULL, 2);"
  "INSERT INTO messages (id, conversation_id, parent_id, role, content, created, state)"
  " VALUES (1, 1, NULL, 'user', 'What is a database index?', 100, 'complete'),"
  "        (2, 1, 1, 'assistant', '数据库索引是一种数据结构', 150, 'streaming');"
  "PRAGMA user_version = 1;";

static const char v1_dump_sql[] =
  "SELECT group_concat (row, '|') FROM ("
  " SELECT id || ',' || title || ',' || updated || ',' || current_leaf AS row FROM conversations"
  " UNION ALL"
  " SELECT id || ',' || IFNULL (parent_id, '-') || ',' || content || ',' || state FROM messages)";

static void
test_store_migration (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *backup_dump = NULL;
  g_autofree char *backup_version = NULL;
  g_autofree char *expected_backup = NULL;
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;

  make_parent_folder (f);
  exec_raw (f->path, v1_schema);
  before = query_raw_text (f->path, v1_dump_sql);
  g_assert_nonnull (before);

  reopen (f);
  g_assert_cmpint (chat_store_get_schema_version (f->store), ==, 2);
  expected_backup = g_strconcat (f->path, ".backup-v1", NULL);
  g_assert_cmpstr (chat_store_get_backup_path (f->store), ==, expected_backup);
  g_assert_cmpuint (file_mode (expected_backup), ==, 0600);

  /* the copy is the old database, as it was */
  backup_version = query_raw_text (expected_backup, "PRAGMA user_version");
  g_assert_cmpstr (backup_version, ==, "1");
  backup_dump = query_raw_text (expected_backup, v1_dump_sql);
  g_assert_cmpstr (backup_dump, ==, before);

  /* the old data is there, searchable, the streaming reply recovered */
  conversation = chat_store_load_conversation (f->store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "Old times");
  g_assert_true (chat_conversation_get_pinned (conversation));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  g_assert_cmpint (chat_message_get_state (chat_conversation_get_message (conversation, 1)), ==,
                   CHAT_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpuint (count_hits (f, "index"), ==, 1);
  g_assert_cmpuint (count_hits (f, "索引"), ==, 1);
  g_assert_cmpuint (count_hits (f, "times"), ==, 1);

  /* a second open has nothing to migrate */
  reopen (f);
  g_assert_null (chat_store_get_backup_path (f->store));
}

/* A migration that fails rolls back: the database stays at version 1. */
static void
test_store_migration_rollback (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *version = NULL;
  g_autofree char *after = NULL;
  g_autofree char *before = NULL;
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(GError) error = NULL;

  make_parent_folder (f);
  exec_raw (f->path, v1_schema);
  /* in the way of version 2's table */
  exec_raw (f->path, "CREATE TABLE conversations_fts (x)");
  before = query_raw_text (f->path, v1_dump_sql);

  store = chat_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_FAILED);
  g_assert_true (strstr (error->message, "conversations_fts") != NULL);

  version = query_raw_text (f->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "1");
  after = query_raw_text (f->path, v1_dump_sql);
  g_assert_cmpstr (after, ==, before);
}

/* --- damage --------------------------------------------------------------- */

static void
assert_moved_aside (Fixture    *f,
                    const char *contents,
                    gsize       length)
{
  g_autofree char *moved = NULL;
  g_autofree char *prefix = g_strconcat (f->path, ".damaged-", NULL);
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gsize moved_length;

  g_assert_nonnull (f->store);
  g_assert_nonnull (chat_store_get_moved_aside_path (f->store));
  g_assert_true (g_str_has_prefix (chat_store_get_moved_aside_path (f->store), prefix));
  /* liao.db.damaged-YYYYMMDD-HHMMSS */
  g_assert_cmpuint (strlen (chat_store_get_moved_aside_path (f->store)), ==,
                    strlen (prefix) + 15);

  g_file_get_contents (chat_store_get_moved_aside_path (f->store), &moved, &moved_length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (moved, moved_length, contents, length);

  /* a fresh, working store */
  list = chat_store_list_conversations (f->store, &error);
  g_assert_cmpuint (list->len, ==, 0);
  conversation = add_conversation (f, "fresh start");
}

static void
test_store_damaged_random (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char garbage[65536];

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = g_random_int_range (0, 256);
  make_parent_folder (f);
  g_file_set_contents (f->path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  assert_moved_aside (f, garbage, sizeof garbage);
}

/* Shorter than a page: SQLite alone would call it an empty database. */
static void
test_store_damaged_short (Fixture       *f,
                          gconstpointer  data)
{
  static const char garbage[] = "not a database, just some text";
  g_autoptr(GError) error = NULL;

  make_parent_folder (f);
  g_file_set_contents (f->path, garbage, strlen (garbage), &error);

  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  assert_moved_aside (f, garbage, strlen (garbage));
}

/* A store of a few hundred messages, closed; its file's contents. */
static char *
fill_and_close (Fixture *f,
                gsize   *length)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "soon damaged");
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u with some text to fill pages, "
                                               "这是第%u条消息", i, i);
      g_autoptr(ChatMessage) message = add_message (f, chat_conversation_get_id (conversation),
                                                    0, "user", text);
    }
  g_clear_object (&f->store);

  g_file_get_contents (f->path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

/* Caught on every open, from the header alone. */
static void
test_store_damaged_truncated (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gsize length;
  g_autofree char *contents = fill_and_close (f, &length);

  g_assert_cmpuint (length, >, 16 * 4096);
  length /= 2;
  g_file_set_contents (f->path, contents, length, &error);
  g_assert_no_error (error);

  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  assert_moved_aside (f, contents, length);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  if (!chat_store_check_finish (CHAT_STORE (source), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "sound");
}

/* The daily check, run as the window runs it; "sound" (G_IO_ERROR_NONE)
 * when it passes. */
static GError *
run_daily_check (ChatStore *store)
{
  GError *error = NULL;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  chat_store_check_async (store, NULL, on_checked, &error);
  while (error == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (error);
  return error;
}

static void
age_last_full_check (Fixture *f)
{
  g_autofree char *last_check = query_raw_text (f->path, "SELECT value FROM store_info"
                                                         " WHERE key = 'last_full_check'");

  g_assert_nonnull (last_check);
  exec_raw (f->path, "UPDATE store_info SET value = value - 86400000000"
                     " WHERE key = 'last_full_check'");
}

/* Pages overwritten in the middle: the open checks only what is cheap and
 * opens; the daily check, in a thread, finds the damage and says so; the
 * next open moves the file aside. */
static void
test_store_damaged_pages (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) checked = NULL;
  g_autofree char *check_failed = g_strconcat (f->path, ".check-failed", NULL);
  gsize length;
  g_autofree char *contents = fill_and_close (f, &length);

  age_last_full_check (f);
  g_free (contents);
  g_file_get_contents (f->path, &contents, &length, &error);
  g_assert_cmpuint (length, >, 16 * 4096);
  for (gsize i = length / 2; i < length / 2 + 4 * 4096; i++)
    contents[i] = g_random_int_range (0, 256);
  g_file_set_contents (f->path, contents, length, &error);
  g_assert_no_error (error);

  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_null (chat_store_get_moved_aside_path (f->store));
  checked = run_daily_check (f->store);
  g_assert_error (checked, CHAT_STORE_ERROR, CHAT_STORE_ERROR_DAMAGED);
  g_assert_true (g_file_test (check_failed, G_FILE_TEST_EXISTS));
  g_clear_object (&f->store);

  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  assert_moved_aside (f, contents, length);
  g_assert_false (g_file_test (check_failed, G_FILE_TEST_EXISTS));
}

/* A sound store: the daily check passes and is remembered; not due, it
 * does nothing. */
static void
test_store_daily_check (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) checked = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize length;
  g_autofree char *contents = fill_and_close (f, &length);

  age_last_full_check (f);
  before = query_raw_text (f->path, "SELECT value FROM store_info WHERE key = 'last_full_check'");
  f->store = chat_store_open (f->path, &error);
  g_assert_no_error (error);
  checked = run_daily_check (f->store);
  g_assert_error (checked, G_IO_ERROR, G_IO_ERROR_NONE);
  after = query_raw_text (f->path, "SELECT value FROM store_info WHERE key = 'last_full_check'");
  g_assert_cmpint (g_ascii_strtoll (after, NULL, 10), >, g_ascii_strtoll (before, NULL, 10));

  /* Done today: not again, even on the next open. */
  g_clear_error (&checked);
  checked = run_daily_check (f->store);
  g_assert_error (checked, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_object (&f->store);
  f->store = chat_store_open (f->path, &error);
  g_clear_error (&checked);
  checked = run_daily_check (f->store);
  g_assert_error (checked, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_pointer (&before, g_free);
  before = query_raw_text (f->path, "SELECT value FROM store_info WHERE key = 'last_full_check'");
  g_assert_cmpstr (before, ==, after);
}

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint count = 0;

  while (g_dir_read_name (dir) != NULL)
    count++;

  return count;
}

static void
test_store_too_new (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *folder = g_path_get_dirname (f->path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(ChatStore) store = NULL;
  gsize before_length;
  gsize after_length;
  GError *error = NULL;

  make_parent_folder (f);
  exec_raw (f->path, "CREATE TABLE future (x); INSERT INTO future VALUES (42);"
                     "PRAGMA user_version = 99;");
  g_file_get_contents (f->path, &before, &before_length, NULL);

  store = chat_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_TOO_NEW);
  g_clear_error (&error);

  g_file_get_contents (f->path, &after, &after_length, NULL);
  g_assert_cmpmem (after, after_length, before, before_length);
  /* nothing moved aside, no backup */
  g_assert_cmpuint (count_files (folder), ==, 1);
}

/* --- search --------------------------------------------------------------- */

typedef struct {
  gint64 conversation;
  gint64 english;
  gint64 chinese;
  gint64 mixed;
  gint64 other;
  gint64 repeated;
  gint64 once;
} SearchCorpus;

static gint64
add_text (Fixture    *f,
          gint64      conversation_id,
          const char *content)
{
  g_autoptr(ChatMessage) message = add_message (f, conversation_id, 0, "assistant", content);

  return chat_message_get_id (message);
}

static SearchCorpus
add_search_corpus (Fixture *f)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "Sorting lists in Python");
  g_autoptr(ChatConversation) other = add_conversation (f, "数据库设计");
  SearchCorpus corpus = { .conversation = chat_conversation_get_id (conversation) };
  gint64 id = corpus.conversation;

  corpus.english = add_text (f, id, "Well, the model answered in a single line.");
  corpus.chinese = add_text (f, id, "这个模型很好，回答得很快。");
  corpus.mixed = add_text (f, id, "我们用GLM-4.7模型写了一个Python脚本。");
  corpus.other = add_text (f, chat_conversation_get_id (other), "索引让查询更快。");
  corpus.repeated = add_text (f, id, "Tokenizer, tokenizer, tokenizer.");
  corpus.once = add_text (f, id, "A long story about many things, and once about a tokenizer, "
                                 "then about weather, food, travel, music, books and trains.");
  return corpus;
}

static GPtrArray *
search (Fixture    *f,
        const char *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = chat_store_search (f->store, query, 20, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

/* The hit on @message_id (0: a title) must be there. */
static ChatSearchHit *
find_hit (GPtrArray *hits,
          gint64     message_id)
{
  for (guint i = 0; i < hits->len; i++)
    {
      ChatSearchHit *hit = g_ptr_array_index (hits, i);

      if (hit->message_id == message_id)
        return hit;
    }

  g_error ("no hit on message %" G_GINT64_FORMAT, message_id);
}

static void
assert_only_hit (Fixture    *f,
                 const char *query,
                 gint64      message_id,
                 const char *marked)
{
  g_autoptr(GPtrArray) hits = search (f, query);
  ChatSearchHit *hit;

  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpint (hit->message_id, ==, message_id);
  if (marked != NULL)
    {
      g_autofree char *expected = g_strconcat (CHAT_STORE_MARK_START, marked,
                                               CHAT_STORE_MARK_END, NULL);


      g_assert_nonnull (strstr (hit->snippet, expected));
    }
}

static void
test_store_search_english (Fixture       *f,
                           gconstpointer  data)
{
  SearchCorpus corpus = add_search_corpus (f);
  g_autoptr(GPtrArray) hits = NULL;
  ChatSearchHit *hit;

  assert_only_hit (f, "model", corpus.english, "model");
  assert_only_hit (f, "MODEL", corpus.english, "model");
  assert_only_hit (f, "answered", corpus.english, "answered");
  /* the last word is also a prefix */
  assert_only_hit (f, "answ", corpus.english, "answered");
  /* every word must match */
  assert_only_hit (f, "model line", corpus.english, NULL);
  g_assert_cmpuint (count_hits (f, "model weather"), ==, 0);

  hits = search (f, "model");
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpint (hit->conversation_id, ==, corpus.conversation);
  g_assert_cmpstr (hit->title, ==, "Sorting lists in Python");
  g_assert_cmpfloat (hit->rank, <, 0);
}

static void
test_store_search_chinese (Fixture       *f,
                           gconstpointer  data)
{
  SearchCorpus corpus = add_search_corpus (f);
  g_autoptr(GPtrArray) hits = NULL;

  /* a two-character word */
  hits = search (f, "模型");
  g_assert_cmpuint (hits->len, ==, 2);
  find_hit (hits, corpus.mixed);
  g_assert_nonnull (strstr (find_hit (hits, corpus.chinese)->snippet,
                            CHAT_STORE_MARK_START "模型" CHAT_STORE_MARK_END));

  /* single characters */
  assert_only_hit (f, "好", corpus.chinese, "好");
  assert_only_hit (f, "索", corpus.other, "索");
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search (f, "模");
  g_assert_cmpuint (hits->len, ==, 2);

  /* both characters occur, but not side by side */
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search (f, "模快");
  g_assert_cmpuint (hits->len, ==, 0);

  /* longer words are whole phrases */
  assert_only_hit (f, "这个模型", corpus.chinese, "这个模型");
  assert_only_hit (f, "查询更快", corpus.other, "查询更快");
}

static void
test_store_search_mixed (Fixture       *f,
                         gconstpointer  data)
{
  SearchCorpus corpus = add_search_corpus (f);
  g_autoptr(GPtrArray) hits = NULL;

  assert_only_hit (f, "GLM-4.7模型", corpus.mixed, NULL);
  assert_only_hit (f, "glm 脚本", corpus.mixed, "脚本");
  assert_only_hit (f, "python 模型", corpus.mixed, NULL);
  /* the ideographic space separates words too */
  assert_only_hit (f, "脚本　glm", corpus.mixed, "GLM");

  /* Python is also in a title */
  hits = search (f, "python");
  g_assert_cmpuint (hits->len, ==, 2);
  find_hit (hits, corpus.mixed);
  g_assert_nonnull (strstr (find_hit (hits, 0)->snippet,
                            CHAT_STORE_MARK_START "Python" CHAT_STORE_MARK_END));
}

static void
test_store_search_titles (Fixture       *f,
                          gconstpointer  data)
{
  SearchCorpus corpus = add_search_corpus (f);
  g_autoptr(ChatConversation) renamed = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  ChatSearchHit *hit;

  hits = search (f, "数据库");
  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpint (hit->message_id, ==, 0);
  g_assert_cmpint (hit->conversation_id, !=, corpus.conversation);
  g_assert_cmpstr (hit->title, ==, "数据库设计");
  g_assert_cmpstr (hit->snippet, ==, CHAT_STORE_MARK_START "数据库" CHAT_STORE_MARK_END "设计");

  /* renaming re-indexes the title */
  renamed = chat_store_load_conversation (f->store, corpus.conversation, &error);
  chat_conversation_set_title (renamed, "Sorting tuples");
  g_assert_true (chat_store_save_conversation (f->store, renamed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (f, "lists"), ==, 0);
  g_assert_cmpuint (count_hits (f, "tuples"), ==, 1);
}

static void
test_store_search_ranking (Fixture       *f,
                           gconstpointer  data)
{
  SearchCorpus corpus = add_search_corpus (f);
  g_autoptr(GPtrArray) hits = search (f, "tokenizer");

  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpint (((ChatSearchHit *) g_ptr_array_index (hits, 0))->message_id, ==,
                   corpus.repeated);
  g_assert_cmpint (((ChatSearchHit *) g_ptr_array_index (hits, 1))->message_id, ==, corpus.once);
  g_assert_cmpfloat (((ChatSearchHit *) g_ptr_array_index (hits, 0))->rank, <,
                     ((ChatSearchHit *) g_ptr_array_index (hits, 1))->rank);

  /* the limit cuts after ranking */
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = chat_store_search (f->store, "tokenizer", 1, NULL);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((ChatSearchHit *) g_ptr_array_index (hits, 0))->message_id, ==,
                   corpus.repeated);
}

/* More matches than are ranked (4,000): the newest are ranked, the
 * search stays fast, and a rarer word still finds an old message. */
static void
test_store_search_many_matches (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "many");
  gint64 id = chat_conversation_get_id (conversation);
  gint64 oldest = add_text (f, id, "common common common, and unique");
  g_autoptr(GPtrArray) hits = NULL;

  for (guint i = 0; i < 4100; i++)
    {
      g_autofree char *text = g_strdup_printf ("a common word, number %u", i);

      add_text (f, id, text);
    }

  hits = search (f, "common");
  g_assert_cmpuint (hits->len, ==, 20);
  for (guint i = 0; i < hits->len; i++)
    g_assert_cmpint (((ChatSearchHit *) g_ptr_array_index (hits, i))->message_id, !=, oldest);
  assert_only_hit (f, "unique", oldest, "unique");
}

static void
test_store_search_syntax (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const queries[] = {
    "\"", "*", "AND", "(", ")", "model AND", "\"model", "mod*", "NEAR(model line)",
    "content:model", "-model", "^model", "'", "OR OR", "NOT", "{model}", "model:", "\"\"",
    "", "   ", "，。", "a\"b", "模型\"", "\xff\xfe invalid",
  };
  SearchCorpus corpus = add_search_corpus (f);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) hits = search (f, queries[i]);

      g_test_message ("query %u: %u hits", i, hits->len);
    }

  /* the words still count */
  assert_only_hit (f, "(model)", corpus.english, "model");
  assert_only_hit (f, "\"answered\"", corpus.english, "answered");
  g_assert_cmpuint (count_hits (f, "*"), ==, 0);
}

static void
test_store_search_follows_changes (Fixture       *f,
                                   gconstpointer  data)
{
  SearchCorpus corpus = add_search_corpus (f);
  g_autoptr(ChatMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  message = chat_store_load_message (f->store, corpus.english, &error);
  chat_message_set_content (message, "The engine replied at once.");
  g_assert_true (chat_store_save_message (f->store, message, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (f, "answered"), ==, 0);
  assert_only_hit (f, "engine", corpus.english, "engine");

  g_assert_true (chat_store_delete_message (f->store, corpus.chinese, &error));
  g_assert_cmpuint (count_hits (f, "很好"), ==, 0);

  g_assert_true (chat_store_delete_conversation (f->store, corpus.conversation, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (f, "engine"), ==, 0);
  g_assert_cmpuint (count_hits (f, "python"), ==, 0);
  g_assert_cmpuint (count_hits (f, "索引"), ==, 1);
}

static void
test_store_match_query (void)
{
  static const struct {
    const char *query;
    const char *match;
  } cases[] = {
    { "model", "\"model\" *" },
    { "mo", "\"mo\"" },
    { "the", "\"the\"" },
    { "migr", "\"migr\" *" },
    { "模型", "\"模型\"" },
    { "the model 模型", "\"the\" \"model\" \"模型\"" },
    { "a\"b", "\"a\"\"b\"" },
    { "GLM-4模型", "\"GLM-4模型\"" },
    { "( * )", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *match = chat_search_build_match_query (cases[i].query);

      g_assert_cmpstr (match, ==, cases[i].match);
    }
}

/* --- import --------------------------------------------------------------- */

#define IMPORT_T0 G_GINT64_CONSTANT (1700000000000000)

/* A message with the caller's ids, as an import file gives them. */
static ChatMessage *
import_message_new (gint64      id,
                    gint64      parent_id,
                    const char *role,
                    const char *content)
{
  ChatMessage *message = chat_message_new (role, content);

  chat_message_set_id (message, id);
  chat_message_set_parent_id (message, parent_id);
  chat_message_set_created (message, IMPORT_T0 + id);
  return message;
}

/* The caller's ids are neither in order nor small; the current leaf is a
 * variant that is not the last message. */
static GPtrArray *
import_tree_new (void)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);
  ChatMessage *old, *answer, *stopped;

  g_ptr_array_add (messages, import_message_new (900, 0, "user", "Explain fsync"));
  old = import_message_new (42, 900, "assistant", "An old answer");
  chat_message_set_model (old, "glm-4.7");
  chat_message_set_reasoning (old, "Think of the disk.");
  chat_message_set_state (old, CHAT_MESSAGE_STATE_ERROR);
  chat_message_set_error (old, "1302", "请求过多");
  chat_message_set_finished (old, IMPORT_T0 + 50);
  chat_message_set_usage (old, &(ChatUsage) { 11, 22, 33, 4, 5 });
  chat_message_set_first_token_ms (old, 250);
  chat_message_set_duration_ms (old, 1000);
  g_ptr_array_add (messages, old);
  answer = import_message_new (7, 900, "assistant", "fsync flushes the 缓存 to the disk");
  chat_message_set_finish_reason (answer, "stop");
  g_ptr_array_add (messages, answer);
  g_ptr_array_add (messages, import_message_new (1000, 7, "user", "Thanks"));
  stopped = import_message_new (3, 1000, "assistant", "You are");
  chat_message_set_state (stopped, CHAT_MESSAGE_STATE_CANCELLED);
  g_ptr_array_add (messages, stopped);
  return messages;
}

static ChatConversation *
import_conversation_new (gint64 leaf)
{
  ChatConversation *conversation = chat_conversation_new ("Imported 导入");

  chat_conversation_set_created (conversation, IMPORT_T0);
  chat_conversation_set_updated (conversation, IMPORT_T0 + 9000000);
  chat_conversation_set_pinned (conversation, TRUE);
  chat_conversation_set_model (conversation, "glm-4.7");
  chat_conversation_set_current_leaf (conversation, leaf);
  return conversation;
}

static gint64
message_id_at (GPtrArray *messages,
               guint      i)
{
  return chat_message_get_id (g_ptr_array_index (messages, i));
}

static void
test_store_import (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ChatConversation) existing = add_conversation (f, "existing");
  g_autoptr(ChatMessage) first = add_message (f, chat_conversation_get_id (existing), 0, "user",
                                              "first");
  g_autoptr(ChatConversation) conversation = import_conversation_new (42);
  g_autoptr(GPtrArray) messages = import_tree_new ();
  g_autoptr(ChatConversation) loaded = NULL;
  g_autoptr(GPtrArray) tree = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_assert_true (chat_store_import_conversation (f->store, conversation, messages, &error));
  g_assert_no_error (error);
  id = chat_conversation_get_id (conversation);
  g_assert_cmpint (id, >, chat_conversation_get_id (existing));

  /* New ids, in the caller's order, after the store's own; parents mapped. */
  g_assert_cmpint (message_id_at (messages, 0), >, chat_message_get_id (first));
  for (guint i = 1; i < messages->len; i++)
    g_assert_cmpint (message_id_at (messages, i), >, message_id_at (messages, i - 1));
  g_assert_cmpint (chat_message_get_parent_id (g_ptr_array_index (messages, 1)), ==,
                   message_id_at (messages, 0));
  g_assert_cmpint (chat_message_get_parent_id (g_ptr_array_index (messages, 3)), ==,
                   message_id_at (messages, 2));
  g_assert_cmpint (chat_conversation_get_current_leaf (conversation), ==,
                   message_id_at (messages, 1));

  /* Every field as given, updated included. */
  tree = chat_store_load_tree (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tree->len, ==, messages->len);
  for (guint i = 0; i < tree->len; i++)
    {
      g_assert_cmpint (chat_message_get_conversation_id (g_ptr_array_index (messages, i)), ==, id);
      g_assert_true (chat_message_equal (g_ptr_array_index (tree, i),
                                         g_ptr_array_index (messages, i)));
    }
  loaded = chat_store_load_conversation (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chat_conversation_get_title (loaded), ==, "Imported 导入");
  g_assert_cmpint (chat_conversation_get_created (loaded), ==, IMPORT_T0);
  g_assert_cmpint (chat_conversation_get_updated (loaded), ==, IMPORT_T0 + 9000000);
  g_assert_true (chat_conversation_get_pinned (loaded));
  g_assert_cmpint (chat_conversation_get_current_leaf (loaded), ==, message_id_at (messages, 1));
  assert_branch (f, id, (ChatMessage *[]) { g_ptr_array_index (messages, 0),
                                            g_ptr_array_index (messages, 1) }, 2);

  /* The triggers indexed the messages and the title. */
  assert_only_hit (f, "缓存", message_id_at (messages, 2), "缓存");
  g_assert_cmpuint (count_hits (f, "导入"), ==, 1);

  /* The store's own ids go on after the imported ones. */
  g_clear_object (&first);
  first = add_message (f, id, message_id_at (messages, 4), "user", "More");
  g_assert_cmpint (chat_message_get_id (first), >, message_id_at (messages, 4));
}

/* Times left at 0 become now; no current leaf named makes the last message current. */
static void
test_store_import_defaults (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new ("defaults");
  g_autoptr(ChatConversation) empty = chat_conversation_new ("empty");
  g_autoptr(GPtrArray) messages = import_tree_new ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time ();
  ChatMessage *last = g_ptr_array_index (messages, messages->len - 1);

  chat_conversation_set_created (conversation, 0);
  chat_conversation_set_updated (conversation, 0);
  chat_message_set_created (last, 0);
  g_assert_true (chat_store_import_conversation (f->store, conversation, messages, &error));
  g_assert_no_error (error);
  g_assert_cmpint (chat_conversation_get_created (conversation), >=, before);
  g_assert_cmpint (chat_conversation_get_updated (conversation), ==,
                   chat_conversation_get_created (conversation));
  g_assert_cmpint (chat_message_get_created (last), >=, before);
  g_assert_cmpint (current_leaf (f, chat_conversation_get_id (conversation)), ==,
                   chat_message_get_id (last));

  g_assert_true (chat_store_import_conversation (f->store, empty, none, &error));
  g_assert_no_error (error);
  g_assert_cmpint (current_leaf (f, chat_conversation_get_id (empty)), ==, 0);
}

static guint
count_messages (Fixture *f)
{
  g_autofree char *count = query_raw_text (f->path, "SELECT count(*) FROM messages");

  return g_ascii_strtoull (count, NULL, 10);
}

/* The import fails with @code (and @text in the message), writes nothing
 * (no conversation, no message, nothing in the search index) and leaves
 * the objects' ids alone. */
static void
assert_import_fails (Fixture          *f,
                     ChatConversation *conversation,
                     GPtrArray        *messages,
                     ChatStoreError    code,
                     const char       *text)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n_messages = count_messages (f);
  GError *error = NULL;

  for (guint i = 0; i < messages->len; i++)
    {
      gint64 id = message_id_at (messages, i);

      g_array_append_val (ids, id);
    }
  g_assert_false (chat_store_import_conversation (f->store, conversation, messages, &error));
  g_assert_error (error, CHAT_STORE_ERROR, (int) code);
  if (strstr (error->message, text) == NULL)
    g_error ("“%s” is not in the error “%s”", text, error->message);
  g_clear_error (&error);

  g_assert_cmpint (chat_conversation_get_id (conversation), ==, 0);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpint (message_id_at (messages, i), ==, g_array_index (ids, gint64, i));
  list = chat_store_list_conversations (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpuint (count_messages (f), ==, n_messages);
  g_assert_cmpuint (count_hits (f, "导入"), ==, 0);
  g_assert_cmpuint (count_hits (f, "fsync"), ==, 0);
}

static void
test_store_import_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(ChatConversation) existing = add_conversation (f, "existing");
  g_autoptr(ChatMessage) first = add_message (f, chat_conversation_get_id (existing), 0, "user",
                                              "first");
  g_autoptr(ChatConversation) conversation = import_conversation_new (0);
  g_autoptr(GPtrArray) messages = import_tree_new ();
  ChatMessage *third = g_ptr_array_index (messages, 3);

  /* A parent that comes later (or never) */
  chat_message_set_parent_id (third, 3);
  assert_import_fails (f, conversation, messages, CHAT_STORE_ERROR_NOT_FOUND,
                       "No such conversation or message");
  chat_message_set_parent_id (third, 7);

  chat_message_set_id (third, 42);
  assert_import_fails (f, conversation, messages, CHAT_STORE_ERROR_FAILED, "the same id");
  chat_message_set_id (third, 1000);

  chat_conversation_set_current_leaf (conversation, 5);
  assert_import_fails (f, conversation, messages, CHAT_STORE_ERROR_NOT_FOUND,
                       "No such conversation or message");
}

/* A failure halfway through the messages (a trigger refuses the 5,000th)
 * undoes everything; the next import starts clean. */
static void
test_store_import_rolled_back (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(ChatConversation) existing = add_conversation (f, "existing");
  g_autoptr(ChatConversation) conversation = import_conversation_new (0);
  g_autoptr(GPtrArray) messages = import_tree_new ();
  g_autoptr(GError) error = NULL;
  guint n_given;

  for (guint i = 1; i <= 10000; i++)
    g_ptr_array_add (messages, import_message_new (10000 + i, i > 1 ? 10000 + i - 1 : 3, "user",
                                                   i == 5000 ? "boom" : "fsync again"));
  n_given = messages->len;
  exec_raw (f->path, "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN new.content = 'boom'"
                     " BEGIN SELECT RAISE (ABORT, 'refused by the test'); END");
  assert_import_fails (f, conversation, messages, CHAT_STORE_ERROR_FAILED,
                       "Could not import the conversation: refused by the test");

  exec_raw (f->path, "DROP TRIGGER refuse");
  g_assert_true (chat_store_import_conversation (f->store, conversation, messages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_messages (f), ==, n_given);
  g_assert_cmpint (current_leaf (f, chat_conversation_get_id (conversation)), ==,
                   message_id_at (messages, n_given - 1));
}

/* --- two processes -------------------------------------------------------- */

static int
run_writer (const char *path,
            gint64      conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatStore) store = chat_store_open (path, &error);
  char line[16];

  if (store == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }

  /* ready; start when the test says go */
  g_print ("ready\n");
  if (fgets (line, sizeof line, stdin) == NULL)
    return 1;

  for (guint i = 0; i < N_CONCURRENT_MESSAGES; i++)
    {
      g_autoptr(ChatMessage) message = chat_message_new ("user", "from the writer process");

      chat_message_set_conversation_id (message, conversation_id);
      if (!chat_store_add_message (store, message, &error))
        {
          g_printerr ("writer: %s\n", error->message);
          return 1;
        }
    }

  return 0;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("the writer process did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
on_writer_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;

  g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, error);
  *(gboolean *) g_object_get_data (source, "done") = TRUE;
}

static GSubprocess *
spawn_writer (Fixture *f,
              gint64   conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, conversation_id);
  GSubprocess *writer;

  g_assert_no_error (error);
  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, self_exe, "--writer", f->path, id, NULL);
  g_assert_no_error (error);
  return writer;
}

static void
wait_ready (GSubprocess *writer)
{
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
}

static void
test_store_two_processes (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ChatConversation) conversation = add_conversation (f, "shared");
  gint64 id = chat_conversation_get_id (conversation);
  g_autoptr(GSubprocess) writer = spawn_writer (f, id);
  g_autoptr(GPtrArray) tree = NULL;
  g_autoptr(GError) writer_error = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  guint timeout;

  wait_ready (writer);
  g_object_set_data (G_OBJECT (writer), "done", &done);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (writer), "go\n", 3, NULL, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (writer, NULL, on_writer_done, &writer_error);

  for (guint i = 0; i < N_CONCURRENT_MESSAGES; i++)
    {
      g_autoptr(ChatMessage) message = add_message (f, id, 0, "user", "from the test process");
    }

  timeout = g_timeout_add_seconds (WAIT_SECONDS, on_timeout, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_assert_no_error (writer_error);

  tree = chat_store_load_tree (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tree->len, ==, 2 * N_CONCURRENT_MESSAGES);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2], g_ascii_strtoll (argv[3], NULL, 10));

  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_EMPTY(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_set_up_empty, func, fixture_tear_down)

  g_test_add_func ("/store/default-path", test_store_default_path);
  g_test_add_func ("/store/match-query", test_store_match_query);
  ADD_EMPTY ("files", test_store_files);
  ADD ("conversations", test_store_conversations);
  ADD ("not-found", test_store_not_found);
  ADD ("message-round-trip", test_store_message_round_trip);
  ADD ("checkpoint", test_store_checkpoint);
  ADD ("tree", test_store_tree);
  ADD ("delete-variant", test_store_delete_variant);
  ADD ("deep-chain", test_store_deep_chain);
  ADD ("load-end", test_store_load_end);
  ADD ("load-older-gone", test_store_load_older_gone);
  ADD ("streaming-recovered", test_store_streaming_recovered);
  ADD ("streaming-second-opener", test_store_streaming_second_opener);
  ADD_EMPTY ("migration", test_store_migration);
  ADD_EMPTY ("migration-rollback", test_store_migration_rollback);
  ADD_EMPTY ("damaged-random", test_store_damaged_random);
  ADD_EMPTY ("damaged-short", test_store_damaged_short);
  ADD ("damaged-truncated", test_store_damaged_truncated);
  ADD ("damaged-pages", test_store_damaged_pages);
  ADD ("daily-check", test_store_daily_check);
  ADD_EMPTY ("too-new", test_store_too_new);
  ADD ("search-english", test_store_search_english);
  ADD ("search-chinese", test_store_search_chinese);
  ADD ("search-mixed", test_store_search_mixed);
  ADD ("search-titles", test_store_search_titles);
  ADD ("search-ranking", test_store_search_ranking);
  ADD ("search-many-matches", test_store_search_many_matches);
  ADD ("search-syntax", test_store_search_syntax);
  ADD ("search-follows-changes", test_store_search_follows_changes);
  ADD ("import", test_store_import);
  ADD ("import-defaults", test_store_import_defaults);
  ADD ("import-refused", test_store_import_refused);
  ADD ("import-rolled-back", test_store_import_rolled_back);
  ADD ("two-processes", test_store_two_processes);

#undef ADD
#undef ADD_EMPTY

  return g_test_run ();
}
