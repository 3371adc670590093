/* test-kill.c: `liao ask` killed at any moment loses at most a second
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fifty runs of `liao ask` against a slow stream of the fake server, all
 * into one database, each killed with SIGKILL at a random moment between
 * 0.1 and 3 s after it started (a seeded GRand: set LIAO_KILL_SEED to
 * replay other moments).  After every kill:
 * - SQLite's own `PRAGMA integrity_check` passes on the file liao left;
 * - every question the server received, in this run or an earlier one,
 *   is in the database;
 * - this run's answer holds at least the text the server had written one
 *   second before the kill (it checkpoints twice a second), and nothing
 *   that was not streamed.
 * When each event left the server is recorded with an emission hook on
 * SoupServerMessage::wrote-chunk: every event of the slow scenario is one
 * HTTP chunk, so the first N chunks carry the first N events.
 */

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "chat-chunk.h"
#include "chat-fake-server.h"
#include "chat-reply.h"
#include "chat-sse.h"
#include "chat-store.h"

#define TEST_KEY       "kill-key.c2VjcmV0LWtleS05ODc2NQ"
#define N_RUNS         50
#define EVENT_DELAY_MS 60
#define KILL_MIN_MS    100
#define KILL_MAX_MS    3000
#define MARGIN_US      G_USEC_PER_SEC
#define DEFAULT_SEED   20261125
#define WAIT_SECONDS   30

/* The texts a decoder has after each event of the stream. */
typedef struct {
  GArray *reasoning_lengths;  /* gsize, [0] = 0, [n] = after n events */
  GArray *content_lengths;
  char   *reasoning;          /* the whole texts */
  char   *content;
} Expected;

typedef struct {
  ChatFakeServer *server;
  char           *base_url;
  char           *data_home;
  char           *db_path;
  Expected        expected;
  GArray         *chunk_times;  /* gint64, monotonic: this run's written chunks */
  gpointer        stream;       /* the SoupServerMessage of this run */
  GPtrArray      *received;     /* questions the server got, in order */
  gpointer        message_class;
  guint           signal_id;
  gulong          hook_id;
} Fixture;

static gboolean
on_wrote_chunk (GSignalInvocationHint *hint,
                guint                  n_values,
                const GValue          *values,
                gpointer               user_data)
{
  Fixture *f = user_data;
  gpointer message = g_value_get_object (&values[0]);
  gint64 now = g_get_monotonic_time ();

  if (f->stream == NULL)
    f->stream = message;
  if (message == f->stream)
    g_array_append_val (f->chunk_times, now);
  return TRUE;
}

/* Waits on the main context for @done or the time-out; FALSE on time-out. */
static gboolean
run_until (gboolean *done,
           guint     seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!*done && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  return *done;
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context (the fake server lives there) for @ms. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Expected texts */

typedef struct {
  Expected  *expected;
  ChatReply *reply;
} Learner;

static gboolean
learn_event (const char *data,
             gsize       length,
             gpointer    user_data)
{
  Learner *learner = user_data;
  g_autoptr(ChatDelta) delta = NULL;
  gsize reasoning, content;

  if (!chat_chunk_is_done (data, length))
    {
      delta = chat_chunk_parse (data, length, NULL);
      g_assert_nonnull (delta);
      chat_reply_apply (learner->reply, delta);
    }
  reasoning = chat_reply_get_reasoning_length (learner->reply);
  content = chat_reply_get_content_length (learner->reply);
  g_array_append_val (learner->expected->reasoning_lengths, reasoning);
  g_array_append_val (learner->expected->content_lengths, content);
  return TRUE;
}

typedef struct {
  GBytes   *body;
  gboolean  done;
} Fetch;

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  fetch->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  fetch->done = TRUE;
}

/* The body of one streamed reply of the server's default scenario. */
static GBytes *
fetch_stream (Fixture *f)
{
  static const char request[] =
    "{\"model\":\"glm-4.7\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (f->base_url, "/chat/completions", NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = g_bytes_new_static (request, strlen (request));
  Fetch fetch = { 0 };

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                "Bearer " TEST_KEY);
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, on_read, &fetch);
  g_assert_true (run_until (&fetch.done, WAIT_SECONDS));
  return fetch.body;
}

/* What the slow scenario streams, event by event, and that it is one chunk per event. */
static void
learn_expected (Fixture *f)
{
  g_autoptr(ChatReply) reply = chat_reply_new ();
  Learner learner = { &f->expected, reply };
  g_autoptr(ChatSseParser) parser = chat_sse_parser_new (learn_event, &learner);
  g_autoptr(GBytes) stream = NULL;
  g_autoptr(GError) error = NULL;
  gsize zero = 0;
  guint n_events;

  g_array_append_val (f->expected.reasoning_lengths, zero);
  g_array_append_val (f->expected.content_lengths, zero);
  chat_fake_server_set_event_delay (f->server, 0);
  stream = fetch_stream (f);
  g_assert_true (chat_sse_parser_feed (parser, g_bytes_get_data (stream, NULL),
                                       g_bytes_get_size (stream), &error));
  g_assert_true (chat_sse_parser_finish (parser, &error));
  g_assert_no_error (error);

  f->expected.reasoning = g_strdup (chat_reply_get_reasoning (reply));
  f->expected.content = g_strdup (chat_reply_get_content (reply));
  g_assert_cmpstr (f->expected.content, ==, CHAT_FAKE_CONTENT);
  n_events = f->expected.content_lengths->len - 1;
  /* The empty last chunk may count as one more. */
  g_assert_cmpuint (f->chunk_times->len, >=, n_events);
  g_assert_cmpuint (f->chunk_times->len, <=, n_events + 1);
  chat_fake_server_set_event_delay (f->server, EVENT_DELAY_MS);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  chat_fake_server_set_scenario (f->server, "slow");
  f->base_url = chat_fake_server_dup_base_url (f->server);
  f->data_home = g_dir_make_tmp ("liao-kill-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->data_home, "liao", "liao.db", NULL);
  f->expected.reasoning_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  f->expected.content_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  f->chunk_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->received = g_ptr_array_new_with_free_func (g_free);
  /* The signal exists once the class does. */
  f->message_class = g_type_class_ref (SOUP_TYPE_SERVER_MESSAGE);
  f->signal_id = g_signal_lookup ("wrote-chunk", SOUP_TYPE_SERVER_MESSAGE);
  f->hook_id = g_signal_add_emission_hook (f->signal_id, 0, on_wrote_chunk, f, NULL);
  learn_expected (f);
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
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_remove_emission_hook (f->signal_id, f->hook_id);
  g_type_class_unref (f->message_class);
  remove_tree (f->data_home);
  g_clear_object (&f->server);
  g_free (f->base_url);
  g_free (f->data_home);
  g_free (f->db_path);
  g_array_unref (f->expected.reasoning_lengths);
  g_array_unref (f->expected.content_lengths);
  g_free (f->expected.reasoning);
  g_free (f->expected.content);
  g_array_unref (f->chunk_times);
  g_ptr_array_unref (f->received);
}

/* One run */

typedef struct {
  char     *err;
  gboolean  done;
} Pending;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *pending = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, NULL, &pending->err, NULL);
  pending->done = TRUE;
}

static GSubprocess *
spawn_ask (Fixture    *f,
           const char *question)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  const char *argv[] = { g_getenv ("LIAO_EXE"), "ask", question, NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "LIAO_API_KEY", TEST_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "LIAO_BASE_URL", f->base_url, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-warnings", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static gboolean
no_streams_left (ChatFakeServer *server)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (chat_fake_server_get_n_streams (server) > 0 && g_get_monotonic_time () < end)
    spin (10);
  return chat_fake_server_get_n_streams (server) == 0;
}

/* Starts `liao ask`, kills it after @kill_ms; returns when the kill happened. */
static gint64
run_and_kill (Fixture    *f,
              const char *question,
              guint       kill_ms)
{
  g_autoptr(GSubprocess) process = NULL;
  GPtrArray *requests = chat_fake_server_get_requests (f->server);
  guint n_requests = requests->len;
  Pending pending = { 0 };
  gint64 killed_at;

  f->stream = NULL;
  g_array_set_size (f->chunk_times, 0);
  process = spawn_ask (f, question);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &pending);
  spin (kill_ms);
  killed_at = g_get_monotonic_time ();
  g_subprocess_force_exit (process);
  g_assert_true (run_until (&pending.done, WAIT_SECONDS));
  if (pending.err != NULL && *pending.err != '\0')
    g_test_message ("liao said: %s", pending.err);
  g_free (pending.err);

  if (requests->len > n_requests)
    g_ptr_array_add (f->received, g_strdup (question));
  /* The next run must not see this run's stream write its last chunks. */
  g_assert_true (no_streams_left (f->server));
  return killed_at;
}

/* Checks */

static void
check_integrity (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, WAIT_SECONDS * 1000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &statement, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (statement, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
  sqlite3_close (db);
}

/* Every question in the database, with its answer (or NULL). */
static GHashTable *
load_exchanges (ChatStore *store)
{
  GHashTable *exchanges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GError) error = NULL;

  conversations = chat_store_list_conversations (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < conversations->len; i++)
    {
      gint64 id = chat_conversation_get_id (g_ptr_array_index (conversations, i));
      g_autoptr(GPtrArray) tree = chat_store_load_tree (store, id, &error);

      g_assert_no_error (error);
      /* `liao ask` writes one question and its answer per conversation. */
      g_assert_cmpuint (tree->len, ==, 2);
      g_assert_cmpstr (chat_message_get_role (g_ptr_array_index (tree, 0)), ==, "user");
      g_hash_table_insert (exchanges,
                           g_strdup (chat_message_get_content (g_ptr_array_index (tree, 0))),
                           g_object_ref (g_ptr_array_index (tree, 1)));
    }
  return exchanges;
}

/* How many events had left the server by @moment. */
static guint
count_events_sent (Fixture *f,
                   gint64   moment)
{
  guint n_events = f->expected.content_lengths->len - 1;
  guint sent = 0;

  while (sent < f->chunk_times->len && g_array_index (f->chunk_times, gint64, sent) <= moment)
    sent++;
  return MIN (sent, n_events);
}

/* @stored is a prefix of @whole at least @at_least bytes long. */
static void
assert_kept (const char *stored,
             const char *whole,
             gsize       at_least)
{
  if (stored == NULL)
    stored = "";
  g_assert_true (g_str_has_prefix (whole, stored));
  g_assert_cmpuint (strlen (stored), >=, at_least);
}

/* Returns whether the stored answer is the whole reply. */
static gboolean
check_answer (Fixture     *f,
              ChatMessage *answer,
              gint64       killed_at)
{
  guint sent = count_events_sent (f, killed_at - MARGIN_US);
  const char *content = chat_message_get_content (answer);
  const char *reasoning = chat_message_get_reasoning (answer);

  g_assert_cmpstr (chat_message_get_role (answer), ==, "assistant");
  assert_kept (reasoning, f->expected.reasoning,
               g_array_index (f->expected.reasoning_lengths, gsize, sent));
  assert_kept (content, f->expected.content,
               g_array_index (f->expected.content_lengths, gsize, sent));
  return g_strcmp0 (content, f->expected.content) == 0;
}

typedef struct {
  guint answered;   /* runs whose question reached the server */
  guint partial;    /* ... and whose answer was cut by the kill */
} Tally;

static void
check_after_kill (Fixture    *f,
                  const char *question,
                  gint64      killed_at,
                  Tally      *tally)
{
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(GHashTable) exchanges = NULL;
  g_autoptr(GError) error = NULL;
  gboolean received = f->received->len > 0
                      && g_str_equal (g_ptr_array_index (f->received, f->received->len - 1), question);

  if (!g_file_test (f->db_path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpuint (f->received->len, ==, 0);
      return;
    }
  check_integrity (f);
  store = chat_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_null (chat_store_get_moved_aside_path (store));
  exchanges = load_exchanges (store);
  for (guint i = 0; i < f->received->len; i++)
    g_assert_true (g_hash_table_contains (exchanges, g_ptr_array_index (f->received, i)));
  if (!received)
    return;
  tally->answered++;
  if (!check_answer (f, g_hash_table_lookup (exchanges, question), killed_at))
    tally->partial++;
}

static void
test_kill_at_random (Fixture       *f,
                     gconstpointer  data)
{
  const char *seed_text = g_getenv ("LIAO_KILL_SEED");
  guint32 seed = seed_text != NULL && *seed_text ? (guint32) g_ascii_strtoull (seed_text, NULL, 10)
                                                 : DEFAULT_SEED;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  Tally tally = { 0 };

  g_test_message ("seed %u (LIAO_KILL_SEED), %u events %u ms apart", seed,
                  f->expected.content_lengths->len - 1, EVENT_DELAY_MS);
  for (guint run = 0; run < N_RUNS; run++)
    {
      g_autofree char *question = g_strdup_printf ("Question %u before a kill: 你好？", run);
      guint kill_ms = g_rand_int_range (rand, KILL_MIN_MS, KILL_MAX_MS + 1);
      gint64 killed_at = run_and_kill (f, question, kill_ms);

      g_test_message ("run %u: killed after %u ms, %u chunks sent", run, kill_ms,
                      f->chunk_times->len);
      check_after_kill (f, question, killed_at, &tally);
    }
  g_test_message ("%u of %u questions reached the server, %u answers were cut", tally.answered,
                  N_RUNS, tally.partial);
  /* Otherwise the kills all fell before the request or after the reply. */
  g_assert_cmpuint (tally.answered, >=, N_RUNS / 2);
  g_assert_cmpuint (tally.partial, >=, N_RUNS / 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kill/at-random", Fixture, NULL, fixture_set_up, test_kill_at_random,
              fixture_tear_down);

  return g_test_run ();
}
