/* test-load.c: many replies through one ChatClient into one store
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each exchange is kept the way `liao ask` keeps it: the question and an
 * empty `streaming` answer first, the answer checkpointed on every delta
 * while it grows, and saved whole at the end.
 * - ten replies stream at the same time (the fake server sees ten streams
 *   open at once), all finish, and the store holds each one exactly;
 * - two hundred replies in a row: the resident memory after the last one
 *   is within 2 MiB of what it was after the twentieth.  Each conversation
 *   is deleted once checked, so the database (mapped into memory) keeps
 *   its size and only a leak could make the process grow.  Under a
 *   sanitizer or valgrind the figures are reported but not judged.
 */

#include <malloc.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "chat-client.h"
#include "chat-fake-server.h"
#include "chat-store.h"

#define TEST_KEY       "load-key.c2VjcmV0LWtleS01NTU1NQ"
#define N_AT_ONCE      10
#define N_IN_A_ROW     200
#define N_WARM_UP      20
#define GROWTH_LIMIT   (2 * 1024 * 1024)
#define WAIT_SECONDS   60

typedef struct {
  ChatFakeServer *server;
  char           *base_url;
  char           *folder;
  ChatStore      *store;
  ChatClient     *client;
} Fixture;

typedef struct {
  Fixture          *f;
  ChatConversation *conversation;
  ChatMessage      *answer;
  ChatReply        *reply;
  GError           *error;
  gboolean          done;
} Exchange;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  chat_fake_server_set_scenario (f->server, "normal");
  f->base_url = chat_fake_server_dup_base_url (f->server);
  f->folder = g_dir_make_tmp ("liao-load-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->folder, "liao.db", NULL);
  f->store = chat_store_open (path, &error);
  g_assert_no_error (error);
  f->client = chat_client_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->client);
  g_clear_object (&f->store);
  g_clear_object (&f->server);
  dir = g_dir_open (f->folder, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (f->folder, name, NULL);

      g_unlink (file);
    }
  g_rmdir (f->folder);
  g_free (f->folder);
  g_free (f->base_url);
}

static ChatMessage *
add_message (Fixture          *f,
             ChatConversation *conversation,
             const char       *role,
             const char       *content,
             gint64            parent_id)
{
  g_autoptr(GError) error = NULL;
  ChatMessage *message = chat_message_new (role, content);

  chat_message_set_conversation_id (message, chat_conversation_get_id (conversation));
  chat_message_set_parent_id (message, parent_id);
  g_assert_true (chat_store_add_message (f->store, message, &error));
  g_assert_no_error (error);
  return message;
}

static void
copy_text (Exchange *exchange)
{
  chat_message_set_content (exchange->answer, chat_reply_get_content (exchange->reply));
  chat_message_set_reasoning (exchange->answer, chat_reply_get_reasoning (exchange->reply));
}

static void
on_delta (ChatReply  *reply,
          const char *content_added,
          const char *reasoning_added,
          Exchange   *exchange)
{
  g_autoptr(GError) error = NULL;

  copy_text (exchange);
  g_assert_true (chat_store_checkpoint_message (exchange->f->store, exchange->answer, &error));
  g_assert_no_error (error);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *exchange = user_data;
  g_autoptr(GError) error = NULL;

  chat_client_send_finish (CHAT_CLIENT (source), result, &exchange->error);
  copy_text (exchange);
  chat_message_set_state (exchange->answer, exchange->error == NULL ? CHAT_MESSAGE_STATE_COMPLETE
                                                                    : CHAT_MESSAGE_STATE_ERROR);
  chat_message_set_finish_reason (exchange->answer, chat_reply_get_finish_reason (exchange->reply));
  chat_message_set_model (exchange->answer, chat_reply_get_model (exchange->reply));
  if (chat_reply_has_usage (exchange->reply))
    chat_message_set_usage (exchange->answer, chat_reply_get_usage (exchange->reply));
  chat_message_set_finished (exchange->answer, g_get_real_time ());
  g_assert_true (chat_store_save_message (exchange->f->store, exchange->answer, &error));
  g_assert_no_error (error);
  exchange->done = TRUE;
}

/* Stores the question and an empty answer, then sends the question. */
static Exchange *
exchange_start (Fixture *f,
                guint    number)
{
  g_autofree char *question = g_strdup_printf ("Question %u under load: 你好？", number);
  g_autoptr(ChatRequest) request = chat_request_new ("glm-4.7");
  g_autoptr(ChatMessage) asked = NULL;
  g_autoptr(GError) error = NULL;
  Exchange *exchange = g_new0 (Exchange, 1);

  exchange->f = f;
  exchange->conversation = chat_conversation_new (question);
  g_assert_true (chat_store_add_conversation (f->store, exchange->conversation, &error));
  g_assert_no_error (error);
  asked = add_message (f, exchange->conversation, "user", question, 0);
  exchange->answer = add_message (f, exchange->conversation, "assistant", "",
                                  chat_message_get_id (asked));
  chat_message_set_state (exchange->answer, CHAT_MESSAGE_STATE_STREAMING);

  chat_request_add_message (request, "user", question);
  chat_request_set_stream (request, TRUE);
  exchange->reply = chat_reply_new ();
  g_signal_connect (exchange->reply, "delta", G_CALLBACK (on_delta), exchange);
  chat_client_send_async (f->client, f->base_url, TEST_KEY, request, exchange->reply, NULL,
                          on_sent, exchange);
  return exchange;
}

static void
exchange_free (Exchange *exchange)
{
  g_clear_error (&exchange->error);
  g_object_unref (exchange->reply);
  g_object_unref (exchange->answer);
  g_object_unref (exchange->conversation);
  g_free (exchange);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Exchange, exchange_free)

/* The stored answer is the reply, exactly, and the reply is the stream. */
static void
assert_stored (Fixture  *f,
               Exchange *exchange)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatMessage) stored = chat_store_load_message (f->store,
                                                           chat_message_get_id (exchange->answer),
                                                           &error);

  g_assert_no_error (exchange->error);
  g_assert_no_error (error);
  g_assert_true (chat_message_equal (stored, exchange->answer));
  g_assert_cmpstr (chat_message_get_content (stored), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_reasoning (stored), ==, CHAT_FAKE_REASONING);
  g_assert_cmpstr (chat_message_get_finish_reason (stored), ==, "stop");
  g_assert_cmpint (chat_message_get_state (stored), ==, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_cmpint (chat_message_get_usage (stored)->total_tokens, ==, CHAT_FAKE_TOTAL_TOKENS);
}

static void
test_at_once (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) exchanges = g_ptr_array_new_with_free_func ((GDestroyNotify) exchange_free);
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint n_done = 0, peak = 0;

  /* About a second per reply, so that all of them are open together. */
  chat_fake_server_set_event_delay (f->server, 20);
  for (guint i = 0; i < N_AT_ONCE; i++)
    g_ptr_array_add (exchanges, exchange_start (f, i));
  while (n_done < N_AT_ONCE && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, TRUE);
      peak = MAX (peak, chat_fake_server_get_n_streams (f->server));
      n_done = 0;
      for (guint i = 0; i < exchanges->len; i++)
        n_done += ((Exchange *) g_ptr_array_index (exchanges, i))->done;
    }
  g_assert_cmpuint (n_done, ==, N_AT_ONCE);
  g_assert_cmpuint (peak, ==, N_AT_ONCE);
  for (guint i = 0; i < exchanges->len; i++)
    assert_stored (f, g_ptr_array_index (exchanges, i));
}

static gsize
resident_bytes (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  /* Give freed memory back first, so that only what is still held counts. */
  malloc_trim (0);
  g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  fields = g_strsplit (statm, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  return g_ascii_strtoull (fields[1], NULL, 10) * (gsize) sysconf (_SC_PAGESIZE);
}

/* A sanitizer's quarantine or valgrind's own heap make resident memory meaningless. */
static gboolean
memory_is_instrumented (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return TRUE;
#else
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
#endif
}

static void
one_in_a_row (Fixture *f,
              guint    number)
{
  g_autoptr(Exchange) exchange = exchange_start (f, number);
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!exchange->done && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (exchange->done);
  assert_stored (f, exchange);
  g_assert_true (chat_store_delete_conversation (f->store,
                                                 chat_conversation_get_id (exchange->conversation),
                                                 &error));
  g_assert_no_error (error);
}

static void
test_in_a_row (Fixture       *f,
               gconstpointer  data)
{
  gsize warm = 0, last;

  chat_fake_server_set_event_delay (f->server, 0);
  for (guint i = 1; i <= N_IN_A_ROW; i++)
    {
      one_in_a_row (f, i);
      if (i == N_WARM_UP)
        warm = resident_bytes ();
    }
  last = resident_bytes ();
  g_test_message ("resident after reply %u: %zu KiB, after reply %u: %zu KiB (%+ld KiB)",
                  N_WARM_UP, warm / 1024, N_IN_A_ROW, last / 1024,
                  ((long) last - (long) warm) / 1024);
  if (memory_is_instrumented ())
    return;
  g_assert_cmpuint (last, <=, warm + GROWTH_LIMIT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/load/ten-at-once", Fixture, NULL, fixture_set_up, test_at_once,
              fixture_tear_down);
  g_test_add ("/load/two-hundred-in-a-row", Fixture, NULL, fixture_set_up, test_in_a_row,
              fixture_tear_down);

  return g_test_run ();
}
