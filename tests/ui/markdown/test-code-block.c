/* test-code-block.c: a language's definition outlives its code blocks
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GtkSourceView frees a language's parsed definition with the last buffer
 * using it and reads the file again for the next one (up to 45 ms).  Here
 * the languages come from a folder of our own: after the first C block is
 * gone, the file is deleted, so a second C block is highlighted only if
 * the definition was kept.  This program sets the language manager's
 * search path before anything loads a language, so it is a program of its
 * own.
 */

#include <glib/gstdio.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "chat-code-block.h"

#define SYSTEM_SPECS "/usr/share/gtksourceview-5/language-specs"

static const char code[] = "int\nmain (void)\n{\n  return 0; /* done */\n}\n";

/* C and what its definition refers to. */
static const char *c_specs[] = { "c.lang", "def.lang", "gtk-doc.lang" };

static char *specs_dir;

static void
copy_spec (const char *name)
{
  g_autofree char *from = g_build_filename (SYSTEM_SPECS, name, NULL);
  g_autofree char *to = g_build_filename (specs_dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

static void
remove_spec (const char *name)
{
  g_autofree char *path = g_build_filename (specs_dir, name, NULL);

  g_assert_cmpint (g_remove (path), ==, 0);
}

/* Whether the block's first word ("int") carries a highlighting tag. */
static gboolean
highlighted (ChatCodeBlock *block)
{
  GtkTextView *view = GTK_TEXT_VIEW (chat_code_block_get_source_view (block));
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (view));
  GtkTextIter start, end;
  g_autoptr(GSList) tags = NULL;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (buffer), &start, &end);
  gtk_source_buffer_ensure_highlight (buffer, &start, &end);
  tags = gtk_text_iter_get_tags (&start);
  return tags != NULL;
}

static ChatCodeBlock *
new_c_block (void)
{
  ChatCodeBlock *block = CHAT_CODE_BLOCK (g_object_ref_sink (chat_code_block_new ()));

  chat_code_block_set_code (block, "c", code);
  return block;
}

static void
test_definition_kept (void)
{
  ChatCodeBlock *first = new_c_block ();

  g_assert_true (highlighted (first));
  g_object_unref (first);

  /* Without the file, only a kept definition can highlight. */
  for (gsize i = 0; i < G_N_ELEMENTS (c_specs); i++)
    remove_spec (c_specs[i]);

  {
    g_autoptr(ChatCodeBlock) second = new_c_block ();

    g_assert_true (highlighted (second));
  }
}

/* Plain text has nothing to keep and is never highlighted. */
static void
test_unknown_language (void)
{
  g_autoptr(ChatCodeBlock) block = CHAT_CODE_BLOCK (g_object_ref_sink (chat_code_block_new ()));

  chat_code_block_set_code (block, "no-such-language", code);
  g_assert_false (highlighted (block));
}

int
main (int   argc,
      char *argv[])
{
  const char *search_path[2] = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  gtk_source_init ();

  specs_dir = g_dir_make_tmp ("liao-specs-XXXXXX", &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (c_specs); i++)
    copy_spec (c_specs[i]);
  copy_spec ("language2.rng");
  search_path[0] = specs_dir;
  gtk_source_language_manager_set_search_path (gtk_source_language_manager_get_default (),
                                               search_path);

  g_test_add_func ("/code-block/definition-kept", test_definition_kept);
  g_test_add_func ("/code-block/unknown-language", test_unknown_language);
  status = g_test_run ();

  remove_spec ("language2.rng");
  g_rmdir (specs_dir);
  return status;
}
