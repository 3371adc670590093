/* test-fuzz-replay.c: every fuzz target on every kept input
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the code of all fuzz targets (chat-fuzz.h) on each file of
 * tests/fuzz/regressions (inputs that once crashed a fuzzer), of
 * tests/fuzz/seeds and of the recorded fixtures, in the normal build: no
 * clang or libFuzzer needed, and the sanitizer build checks them too.
 */

#include "chat-fuzz.h"

static void
test_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (path, &contents, &size, &error));
  g_assert_no_error (error);
  for (const ChatFuzzTarget *target = chat_fuzz_targets; target->name != NULL; target++)
    target->func ((const guint8 *) contents, size);
}

/* One test per file, named after its folder and file. */
static guint
add_folder (const char *path,
            const char *group)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n_files = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *test_path = NULL;

      if (g_file_test (file, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *subgroup = g_strconcat (group, "/", name, NULL);

          n_files += add_folder (file, subgroup);
          continue;
        }
      test_path = g_strconcat ("/fuzz-replay/", group, "/", name, NULL);
      /* The path lives as long as the test: an interned string is never freed. */
      g_test_add_data_func (test_path, g_intern_string (file), test_file);
      n_files++;
    }
  return n_files;
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  chat_fuzz_init ();

  add_folder (CHAT_FUZZ_DIR "/regressions", "regressions");
  g_assert_cmpuint (add_folder (CHAT_FUZZ_DIR "/seeds", "seeds"), >, 0);
  g_assert_cmpuint (add_folder (CHAT_FIXTURES_DIR, "fixtures"), >, 0);

  status = g_test_run ();
  chat_fuzz_clean_up ();
  return status;
}
