/* test-cli-store.c: the command line keeps, finds, exports and imports conversations
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test runs `liao` as a subprocess with its own XDG_DATA_HOME, against
 * the fake GLM server, and reads the real SQLite file it leaves behind.
 */

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "chat-fake-server.h"
#include "chat-store.h"

#define TEST_KEY "store-key.c2VjcmV0LWtleS0xMjM0NQ"

typedef struct {
  ChatFakeServer *server;
  char           *base_url;
  char           *data_home;
} Fixture;

typedef struct {
  int    status;
  char  *out;
  char  *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

typedef struct {
  char     *out;
  char     *err;
  gboolean  done;
} Pending;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->base_url = chat_fake_server_dup_base_url (f->server);
  f->data_home = g_dir_make_tmp ("liao-cli-store-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (
    file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      remove_tree (child);
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->data_home);
  g_clear_pointer (&f->data_home, g_free);
  g_clear_object (&f->server);
  g_clear_pointer (&f->base_url, g_free);
}

static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("liao did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &pending->out,
                                        &pending->err, NULL);
  pending->done = TRUE;
}

static GSubprocess *
spawn_liao (Fixture            *f,
            const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
    G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "LIAO_API_KEY", TEST_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LIAO_BASE_URL", f->base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-warnings", TRUE);
  g_ptr_array_add (args, (char *) g_getenv ("LIAO_EXE"));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static void
wait_for (GSubprocess *process,
          Run         *run)
{
  Pending pending = { 0 };
  guint watchdog = g_timeout_add_seconds (60, on_watchdog, NULL);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &pending);
  while (!pending.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (watchdog);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                     : -1;
  run->out = pending.out;
  run->err = pending.err;
}

static void
liao (Fixture            *f,
      const char * const *argv,
      Run                *run)
{
  g_autoptr(GSubprocess) process = spawn_liao (f, argv);

  wait_for (process, run);
}

static void
liao_ok (Fixture            *f,
         const char * const *argv,
         Run                *run)
{
  liao (f, argv, run);
  if (run->status != 0)
    g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, 0);
}

static ChatStore *
open_store (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->data_home, "liao", "liao.db", NULL);
  g_autoptr(GError) error = NULL;
  ChatStore *store = chat_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static GPtrArray *
list_conversations (Fixture *f)
{
  g_autoptr(ChatStore) store = open_store (f);
  g_autoptr(GError) error = NULL;
  GPtrArray *conversations = chat_store_list_conversations (store, &error);

  g_assert_no_error (error);
  return conversations;
}

static ChatConversation *
load_only_conversation (Fixture *f)
{
  g_autoptr(GPtrArray) conversations = list_conversations (f);
  g_autoptr(ChatStore) store = open_store (f);
  g_autoptr(GError) error = NULL;
  ChatConversation *conversation;

  g_assert_cmpuint (conversations->len, ==, 1);
  conversation = chat_store_load_conversation (
    store, chat_conversation_get_id (g_ptr_array_index (conversations, 0)), &error);
  g_assert_no_error (error);
  return conversation;
}

/* Saving */

static void
test_ask_saves (Fixture       *f,
                gconstpointer  data)
{
  const char *argv[] = { "ask", "告诉我关于这个模型的事 scenario:normal\nsecond line", NULL };
  g_auto(Run) run = { 0 };
  g_autoptr(ChatConversation) conversation = NULL;
  ChatMessage *question, *answer;
  g_autofree char *db = g_build_filename (f->data_home, "liao", "liao.db", NULL);
  g_autofree char *folder = g_path_get_dirname (db);
  GStatBuf st;

  liao_ok (f, argv, &run);
  g_assert_cmpstr (run.out, ==, CHAT_FAKE_CONTENT "\n");
  conversation = load_only_conversation (f);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "告诉我关于这个模型的事 scenario:normal");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  question = chat_conversation_get_message (conversation, 0);
  answer = chat_conversation_get_message (conversation, 1);
  g_assert_cmpstr (chat_message_get_role (question), ==, "user");
  g_assert_cmpstr (chat_message_get_content (answer), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_reasoning (answer), ==, CHAT_FAKE_REASONING);
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_cmpstr (chat_message_get_finish_reason (answer), ==, "stop");
  g_assert_cmpint (chat_message_get_usage (answer)->total_tokens, ==, CHAT_FAKE_TOTAL_TOKENS);
  g_assert_cmpint (chat_message_get_parent_id (answer), ==, chat_message_get_id (question));
  g_assert_cmpint (chat_message_get_first_token_ms (answer), >=, 0);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_long_title (Fixture       *f,
                 gconstpointer  data)
{
  const char *question = "This question is deliberately much longer than sixty characters so "
                         "the title is cut scenario:normal";
  const char *argv[] = { "ask", question, NULL };
  g_auto(Run) run = { 0 };
  g_autoptr(ChatConversation) conversation = NULL;

  liao_ok (f, argv, &run);
  conversation = load_only_conversation (f);
  g_assert_cmpint (g_utf8_strlen (chat_conversation_get_title (conversation), -1), <=, 60);
  g_assert_true (g_str_has_prefix (question, chat_conversation_get_title (conversation)));
}

static void
test_continue (Fixture       *f,
               gconstpointer  data)
{
  const char *first[] = { "ask", "--system", "Be brief.", "First question scenario:normal", NULL };
  const char *second[] = { "ask", "--continue", "last", "Second question scenario:normal", NULL };
  g_auto(Run) run1 = { 0 };
  g_auto(Run) run2 = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ChatConversation) conversation = NULL;
  GPtrArray *requests = chat_fake_server_get_requests (f->server);
  ChatFakeRequest *request;
  JsonArray *messages;

  liao_ok (f, first, &run1);
  liao_ok (f, second, &run2);
  request = g_ptr_array_index (requests, requests->len - 1);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                                             g_bytes_get_size (request->body), NULL));
  messages = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "messages");
  /* The system prompt, the first exchange, the new question. */
  g_assert_cmpuint (json_array_get_length (messages), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0),
                                                  "content"), ==, "Be brief.");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 2),
                                                  "content"), ==, CHAT_FAKE_CONTENT);
  conversation = load_only_conversation (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 4);
}

static void
test_no_save (Fixture       *f,
              gconstpointer  data)
{
  const char *argv[] = { "ask", "--no-save", "Hello scenario:normal", NULL };
  g_auto(Run) run = { 0 };
  g_autofree char *db = g_build_filename (f->data_home, "liao", "liao.db", NULL);

  liao_ok (f, argv, &run);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

static void
test_error_is_saved (Fixture       *f,
                     gconstpointer  data)
{
  const char *argv[] = { "ask", "Hello scenario:cut", NULL };
  g_auto(Run) run = { 0 };
  g_autoptr(ChatConversation) conversation = NULL;
  ChatMessage *answer;

  liao (f, argv, &run);
  g_assert_cmpint (run.status, ==, 5);
  conversation = load_only_conversation (f);
  answer = chat_conversation_get_message (conversation, 1);
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_ERROR);
  g_assert_true (g_str_has_prefix (chat_message_get_content (answer), CHAT_FAKE_PARTIAL));
  g_assert_nonnull (chat_message_get_error_message (answer));
}

/* A SIGKILL in the middle of a slow stream keeps the question and the text so far. */
/* What `liao show` prints after the kill: the question, and the reply as
 * interrupted with the reasoning it had streamed. */
static void
assert_show_has_interrupted_reply (Fixture    *f,
                                   const char *reasoning)
{
  const char *show[] = { "show", "last", NULL };
  g_autofree char *trimmed = g_strstrip (g_strdup (reasoning));
  g_auto(Run) run = { 0 };

  liao_ok (f, show, &run);
  g_assert_nonnull (strstr (run.out, "[user, complete]\nHello scenario:slow\n"));
  g_assert_nonnull (strstr (run.out, "[assistant, interrupted]\n"));
  g_assert_nonnull (strstr (run.out, trimmed));
}

static void
test_killed_midstream (Fixture       *f,
                       gconstpointer  data)
{
  const char *argv[] = { "ask", "Hello scenario:slow", NULL };
  g_autoptr(GSubprocess) process = spawn_liao (f, argv);
  g_autoptr(ChatConversation) conversation = NULL;
  g_auto(Run) run = { 0 };
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  ChatMessage *answer;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_subprocess_force_exit (process);
  wait_for (process, &run);

  conversation = load_only_conversation (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  g_assert_cmpstr (chat_message_get_content (chat_conversation_get_message (conversation, 0)),
                   ==, "Hello scenario:slow");
  answer = chat_conversation_get_message (conversation, 1);
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_INTERRUPTED);
  g_assert_cmpuint (strlen (chat_message_get_reasoning (answer)) +
                    strlen (chat_message_get_content (answer)), >, 0);
  g_assert_true (g_str_has_prefix (CHAT_FAKE_REASONING, chat_message_get_reasoning (answer)));
  assert_show_has_interrupted_reply (f, chat_message_get_reasoning (answer));
}

/* Finding, showing, changing */

static void
test_list_show_search (Fixture       *f,
                       gconstpointer  data)
{
  const char *english[] = { "ask", "Which model answers best? scenario:normal", NULL };
  const char *chinese[] = { "ask", "哪个模型回答得最好？ scenario:normal", NULL };
  const char *list[] = { "list", "--json", NULL };
  const char *show[] = { "show", "last", NULL };
  const char *search_model[] = { "search", "model", NULL };
  const char *search_moxing[] = { "search", "--json", "模型", NULL };
  g_auto(Run) r1 = { 0 };
  g_auto(Run) r2 = { 0 };
  g_auto(Run) r3 = { 0 };
  g_auto(Run) r4 = { 0 };
  g_auto(Run) r5 = { 0 };
  g_auto(Run) r6 = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *hits;

  liao_ok (f, english, &r1);
  liao_ok (f, chinese, &r2);
  liao_ok (f, list, &r3);
  g_assert_true (json_parser_load_from_data (parser, r3.out, -1, NULL));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))),
                    ==, 2);
  liao_ok (f, show, &r4);
  g_assert_nonnull (strstr (r4.out, "[user, complete]"));
  g_assert_nonnull (strstr (r4.out, "[assistant, complete]"));
  g_assert_nonnull (strstr (r4.out, "哪个模型回答得最好？"));
  liao_ok (f, search_model, &r5);
  g_assert_nonnull (strstr (r5.out, "[model]"));
  g_assert_null (strstr (r5.out, "哪个"));
  liao_ok (f, search_moxing, &r6);
  g_assert_true (json_parser_load_from_data (parser, r6.out, -1, NULL));
  hits = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (hits), >=, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (hits, 0),
                                                           "snippet"), "[模型]"));
}

static void
test_rename_delete (Fixture       *f,
                    gconstpointer  data)
{
  const char *ask[] = { "ask", "Hello scenario:normal", NULL };
  const char *rename[] = { "rename", "last", "新的标题", NULL };
  const char *remove[] = { "delete", "last", NULL };
  const char *missing[] = { "show", "999", NULL };
  g_auto(Run) r1 = { 0 };
  g_auto(Run) r2 = { 0 };
  g_auto(Run) r3 = { 0 };
  g_auto(Run) r4 = { 0 };
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(GPtrArray) after = NULL;

  liao_ok (f, ask, &r1);
  liao_ok (f, rename, &r2);
  conversation = load_only_conversation (f);
  g_assert_cmpstr (chat_conversation_get_title (conversation), ==, "新的标题");
  liao_ok (f, remove, &r3);
  after = list_conversations (f);
  g_assert_cmpuint (after->len, ==, 0);
  liao (f, missing, &r4);
  g_assert_cmpint (r4.status, ==, 1);
  g_assert_true (g_str_has_prefix (r4.err, "liao: "));
}

static void
test_export_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *json_path = g_build_filename (f->data_home, "export.json", NULL);
  g_autofree char *all_dir = g_build_filename (f->data_home, "all", NULL);
  const char *ask[] = { "ask", "Export me 导出 scenario:normal", NULL };
  const char *to_md[] = { "export", "last", "--format", "md", NULL };
  const char *to_json[] = { "export", "last", "--format", "json", "-o", json_path, NULL };
  const char *import[] = { "import", json_path, NULL };
  const char *all[] = { "export", "--all", all_dir, NULL };
  const char *bad_format[] = { "export", "last", "--format", "pdf", NULL };
  g_auto(Run) r1 = { 0 };
  g_auto(Run) r2 = { 0 };
  g_auto(Run) r3 = { 0 };
  g_auto(Run) r4 = { 0 };
  g_auto(Run) r5 = { 0 };
  g_auto(Run) r6 = { 0 };
  g_autoptr(GPtrArray) conversations = NULL;
  GStatBuf st;

  liao_ok (f, ask, &r1);
  liao_ok (f, to_md, &r2);
  g_assert_nonnull (strstr (r2.out, "Export me 导出"));
  g_assert_nonnull (strstr (r2.out, "你好，我是测试服务器。"));
  liao_ok (f, to_json, &r3);
  g_assert_cmpint (g_stat (json_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  liao_ok (f, import, &r4);
  conversations = list_conversations (f);
  g_assert_cmpuint (conversations->len, ==, 2);
  liao_ok (f, all, &r5);
  g_assert_true (g_file_test (all_dir, G_FILE_TEST_IS_DIR));
  liao (f, bad_format, &r6);
  g_assert_cmpint (r6.status, ==, 2);
}

static void
test_bad_import_changes_nothing (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->data_home, "bad.json", NULL);
  const char *ask[] = { "ask", "Hello scenario:normal", NULL };
  const char *import[] = { "import", path, NULL };
  g_auto(Run) r1 = { 0 };
  g_auto(Run) r2 = { 0 };
  g_autoptr(GPtrArray) conversations = NULL;

  liao_ok (f, ask, &r1);
  g_assert_true (g_file_set_contents (path, "{\"messages\": [{\"role\": \"robot\"}]}", -1, NULL));
  liao (f, import, &r2);
  g_assert_cmpint (r2.status, !=, 0);
  g_assert_true (g_str_has_prefix (r2.err, "liao: "));
  conversations = list_conversations (f);
  g_assert_cmpuint (conversations->len, ==, 1);
}

/* The window and the command line use one database at the same time. */
static void
test_concurrent_writers (Fixture       *f,
                         gconstpointer  data)
{
  const char *ask[] = { "ask", "Concurrent 并发 scenario:normal", NULL };
  g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ChatStore) store = open_store (f);
  g_autoptr(ChatConversation) mine = chat_conversation_new ("in-process writer");
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GError) error = NULL;

  chat_fake_server_set_event_delay (f->server, 5);
  g_assert_true (chat_store_add_conversation (store, mine, &error));
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (processes, spawn_liao (f, ask));
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(ChatMessage) message = chat_message_new ("user", "from the window 窗口");

      chat_message_set_conversation_id (message, chat_conversation_get_id (mine));
      g_assert_true (chat_store_add_message (store, message, &error));
      g_main_context_iteration (NULL, FALSE);
    }
  for (guint i = 0; i < processes->len; i++)
    {
      g_auto(Run) run = { 0 };

      wait_for (g_ptr_array_index (processes, i), &run);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (run.err, ==, "");
    }
  conversations = chat_store_list_conversations (store, &error);
  g_assert_cmpuint (conversations->len, ==, 5);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/cli-store/ask-saves", test_ask_saves);
  ADD ("/cli-store/long-title", test_long_title);
  ADD ("/cli-store/continue", test_continue);
  ADD ("/cli-store/no-save", test_no_save);
  ADD ("/cli-store/error-is-saved", test_error_is_saved);
  ADD ("/cli-store/killed-midstream", test_killed_midstream);
  ADD ("/cli-store/list-show-search", test_list_show_search);
  ADD ("/cli-store/rename-delete", test_rename_delete);
  ADD ("/cli-store/export-import", test_export_import);
  ADD ("/cli-store/bad-import-changes-nothing", test_bad_import_changes_nothing);
  ADD ("/cli-store/concurrent-writers", test_concurrent_writers);

  return g_test_run ();
}
