/* fuzz-import.c: a file to import is taken whole or changes nothing
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One store in a temporary folder serves the whole process.  A rejected
 * input must leave the number of conversations as it was and say why in
 * the export or store domain.  An accepted one must export to JSON that
 * imports again with as many messages; both copies are then deleted so
 * the store stays small and every run stays cheap.
 */

#include <string.h>
#include <glib/gstdio.h>

#include "chat-export.h"
#include "chat-fuzz.h"

static ChatStore *store;
static char *folder;

static ChatStore *
get_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (store != NULL)
    return store;
  folder = g_dir_make_tmp ("liao-fuzz-import-XXXXXX", &error);
  chat_fuzz_check (folder != NULL, "a temporary folder");
  path = g_build_filename (folder, "liao.db", NULL);
  store = chat_store_open (path, &error);
  chat_fuzz_check (store != NULL, "the store opens");
  return store;
}

static guint
count_conversations (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conversations = chat_store_list_conversations (store, &error);

  chat_fuzz_check (conversations != NULL, "the store lists its conversations");
  return conversations->len;
}

static guint
count_messages (gint64 conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tree = chat_store_load_tree (store, conversation_id, &error);

  chat_fuzz_check (tree != NULL, "an imported conversation loads");
  return tree->len;
}

static void
delete_conversation (gint64 conversation_id)
{
  g_autoptr(GError) error = NULL;

  chat_fuzz_check (chat_store_delete_conversation (store, conversation_id, &error),
                   "an imported conversation can be deleted");
}

/* What was imported exports, and the export imports again. */
static void
check_round_trip (gint64 conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = chat_export_to_json (store, conversation_id, &error);
  gint64 again;

  chat_fuzz_check (json != NULL, "an imported conversation exports");
  again = chat_export_import_data (store, json, strlen (json), &error);
  if (again == 0)
    {
      g_autofree char *what = g_strdup_printf ("an export imports again (%s)", error->message);

      chat_fuzz_fail (G_STRLOC, what);
    }
  chat_fuzz_check (count_messages (again) == count_messages (conversation_id),
                   "an export keeps every message");
  delete_conversation (again);
}

void
chat_fuzz_import (const guint8 *data,
                  gsize         size)
{
  g_autoptr(GError) error = NULL;
  guint before;
  gint64 id;

  get_store ();
  before = count_conversations ();
  id = chat_export_import_data (store, size > 0 ? (const char *) data : "", size, &error);
  if (id == 0)
    {
      chat_fuzz_check (error != NULL && (error->domain == CHAT_EXPORT_ERROR
                                         || error->domain == CHAT_STORE_ERROR),
                       "a rejected file says why");
      chat_fuzz_check (count_conversations () == before, "a rejected file changes nothing");
      return;
    }
  chat_fuzz_check (error == NULL, "an accepted file sets no error");
  chat_fuzz_check (count_conversations () == before + 1, "an accepted file adds one conversation");
  check_round_trip (id);
  delete_conversation (id);
}

static void
remove_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_folder (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
chat_fuzz_clean_up (void)
{
  g_clear_object (&store);
  if (folder != NULL)
    remove_folder (folder);
  g_clear_pointer (&folder, g_free);
}
