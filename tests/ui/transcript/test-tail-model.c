/* test-tail-model.c: ChatTailModel, the last messages of a conversation
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No display needed.  Every change the model signals is applied to a copy
 * of its items; the copy must always equal the model.
 */

#include "chat-message.h"
#include "chat-tail-model.h"

typedef struct {
  GListStore    *source;
  ChatTailModel *tail;
  GPtrArray     *mirror;     /* the tail's items, as its signals say */
  guint          n_changes;
} Fixture;

static void
on_changed (GListModel *model,
            guint       position,
            guint       removed,
            guint       added,
            Fixture    *f)
{
  g_ptr_array_remove_range (f->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (f->mirror, position + i, g_list_model_get_item (model, position + i));
  f->n_changes++;
}

static ChatMessage *
numbered (guint number)
{
  g_autofree char *text = g_strdup_printf ("%u", number);

  return chat_message_new ("user", text);
}

/* Messages @first to @first + @count - 1, at @position of the source. */
static void
insert_numbered (Fixture *f,
                 guint    position,
                 guint    first,
                 guint    count)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < count; i++)
    g_ptr_array_add (messages, numbered (first + i));
  g_list_store_splice (f->source, position, 0, messages->pdata, count);
}

/* The tail is the source's items from @first_shown, and agrees with its signals. */
static void
assert_tail (Fixture *f,
             guint    first_shown)
{
  guint n_source = g_list_model_get_n_items (G_LIST_MODEL (f->source));
  guint n_tail = g_list_model_get_n_items (G_LIST_MODEL (f->tail));

  g_assert_cmpuint (chat_tail_model_get_n_hidden (f->tail), ==, first_shown);
  g_assert_cmpuint (n_tail, ==, n_source - first_shown);
  g_assert_cmpuint (f->mirror->len, ==, n_tail);
  for (guint i = 0; i < n_tail; i++)
    {
      g_autoptr(ChatMessage) shown = g_list_model_get_item (G_LIST_MODEL (f->tail), i);
      g_autoptr(ChatMessage) expected = g_list_model_get_item (G_LIST_MODEL (f->source), first_shown + i);

      g_assert_true (shown == expected);
      g_assert_true (g_ptr_array_index (f->mirror, i) == shown);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->tail), n_tail));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->source = g_list_store_new (CHAT_TYPE_MESSAGE);
  f->tail = chat_tail_model_new ();
  f->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (f->tail, "items-changed", G_CALLBACK (on_changed), f);
  insert_numbered (f, 0, 0, 100);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->tail);
  g_clear_object (&f->source);
  g_ptr_array_unref (f->mirror);
}

static void
test_shows_the_end (Fixture       *f,
                    gconstpointer  data)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->tail)), ==, 0);
  chat_tail_model_set_source (f->tail, G_LIST_MODEL (f->source), 12);
  assert_tail (f, 88);

  g_assert_true (chat_tail_model_grow (f->tail, 8));
  assert_tail (f, 80);
  g_assert_false (chat_tail_model_grow (f->tail, 1000));
  assert_tail (f, 0);
  g_assert_false (chat_tail_model_grow (f->tail, 1));
  assert_tail (f, 0);

  /* Shorter than asked: all of it. */
  chat_tail_model_set_source (f->tail, G_LIST_MODEL (f->source), 500);
  assert_tail (f, 0);
  chat_tail_model_set_source (f->tail, NULL, 12);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->tail)), ==, 0);
  g_assert_cmpuint (f->mirror->len, ==, 0);
}

/* New messages at the end show; older ones put in front wait, unsignalled. */
static void
test_follows_the_source (Fixture       *f,
                         gconstpointer  data)
{
  guint n_changes;

  chat_tail_model_set_source (f->tail, G_LIST_MODEL (f->source), 10);
  insert_numbered (f, 100, 100, 2);
  assert_tail (f, 90);

  n_changes = f->n_changes;
  insert_numbered (f, 0, 1000, 500);
  g_assert_cmpuint (f->n_changes, ==, n_changes);
  assert_tail (f, 590);

  /* Within what is shown: only that changes. */
  g_list_store_remove (f->source, 595);
  assert_tail (f, 590);

  /* Above what is shown (a new branch, a deletion): everything shows. */
  g_list_store_remove (f->source, 3);
  assert_tail (f, 0);
}

/* Into an empty source, the first messages show. */
static void
test_empty_source (Fixture       *f,
                   gconstpointer  data)
{
  g_list_store_remove_all (f->source);
  chat_tail_model_set_source (f->tail, G_LIST_MODEL (f->source), 10);
  insert_numbered (f, 0, 0, 3);
  assert_tail (f, 0);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/tail-model/shows-the-end", test_shows_the_end);
  ADD ("/tail-model/follows-the-source", test_follows_the_source);
  ADD ("/tail-model/empty-source", test_empty_source);

  return g_test_run ();
}
