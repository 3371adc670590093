/* fuzz-markdown.c: model output can only become the markup Liao allows
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whatever the text (any bytes), every block's markup parses as markup,
 * holds only <b>, <i>, <tt>, <s> and <a href>, and is UTF-8; source ranges
 * lie inside the text, in order.  The text streamed in pieces (the first
 * byte says how many, cut at UTF-8 boundaries as replies grow) gives after
 * every piece the blocks of a full parse of the text so far, and blocks
 * before the index an update returns are the very same blocks as before.
 */

#include <string.h>

#include "chat-fuzz.h"
#include "chat-markdown.h"

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  static const char * const simple[] = { "markup", "b", "i", "tt", "s", NULL };

  if (g_strv_contains (simple, element) && names[0] == NULL)
    return;
  if (g_str_equal (element, "a") && names[0] != NULL && g_str_equal (names[0], "href")
      && names[1] == NULL)
    return;
  g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT, "<%s> is not allowed", element);
}

static void
check_markup (const char *markup)
{
  static const GMarkupParser parser = { on_start_element, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autofree char *document = NULL;
  gboolean ok;

  chat_fuzz_check (markup != NULL && g_utf8_validate (markup, -1, NULL), "markup is UTF-8");
  document = g_strconcat ("<markup>", markup, "</markup>", NULL);
  context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  ok = g_markup_parse_context_parse (context, document, -1, NULL)
       && g_markup_parse_context_end_parse (context, NULL);
  chat_fuzz_check (ok, "markup parses and holds only the allowed elements");
}

static void
check_block (const ChatBlock *block,
             gsize            length)
{
  chat_fuzz_check (block->source_start <= block->source_end && block->source_end <= length,
                   "a block's range lies inside the text");
  switch (block->kind)
    {
    case CHAT_BLOCK_CODE:
      chat_fuzz_check (block->text != NULL, "a code block has text");
      break;
    case CHAT_BLOCK_TABLE:
      chat_fuzz_check (block->n_columns > 0 && block->cells->len % block->n_columns == 0,
                       "a table has whole rows");
      for (guint i = 0; i < block->cells->len; i++)
        check_markup (g_ptr_array_index (block->cells, i));
      break;
    case CHAT_BLOCK_RULE:
      break;
    default:
      check_markup (block->markup);
      break;
    }
}

static void
check_blocks (GPtrArray *blocks,
              gsize      length)
{
  for (guint i = 0; i < blocks->len; i++)
    {
      const ChatBlock *block = g_ptr_array_index (blocks, i);

      check_block (block, length);
      if (i > 0)
        chat_fuzz_check (((ChatBlock *) g_ptr_array_index (blocks, i - 1))->source_start
                         <= block->source_start, "blocks come in the order of the text");
    }
}

static void
check_same_blocks (GPtrArray *actual,
                   GPtrArray *expected)
{
  chat_fuzz_check (actual->len == expected->len, "as many blocks streamed as parsed whole");
  for (guint i = 0; i < actual->len; i++)
    {
      const ChatBlock *a = g_ptr_array_index (actual, i);
      const ChatBlock *b = g_ptr_array_index (expected, i);

      chat_fuzz_check (chat_block_equal (a, b) && a->source_start == b->source_start
                       && a->source_end == b->source_end, "the same blocks streamed as parsed whole");
    }
}

/* One update of @stream to the first @length bytes of @text. */
static void
check_update (ChatMarkdownStream *stream,
              const char         *text,
              gsize               length,
              GPtrArray          *previous)
{
  guint changed = chat_markdown_stream_update (stream, text, length);
  GPtrArray *blocks = chat_markdown_stream_get_blocks (stream);
  g_autoptr(GPtrArray) expected = chat_markdown_parse (text, length);

  check_same_blocks (blocks, expected);
  chat_fuzz_check (changed <= blocks->len, "the first changed block exists");
  for (guint i = 0; i < changed; i++)
    chat_fuzz_check (i < previous->len && g_ptr_array_index (blocks, i) == g_ptr_array_index (previous, i),
                     "blocks before the first changed one are untouched");
  g_ptr_array_set_size (previous, 0);
  for (guint i = 0; i < blocks->len; i++)
    g_ptr_array_add (previous, g_ptr_array_index (blocks, i));
}

static void
check_stream (const char *text,
              gsize       length,
              guint       n_pieces)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  g_autoptr(GPtrArray) previous = g_ptr_array_new ();
  gsize end = 0;

  for (guint i = 1; i <= n_pieces; i++)
    {
      gsize cut = length * i / n_pieces;

      while (cut < length && ((guchar) text[cut] & 0xC0) == 0x80)
        cut++;
      if (cut <= end && i < n_pieces)
        continue;
      end = cut;
      check_update (stream, text, end, previous);
    }
}

void
chat_fuzz_markdown (const guint8 *data,
                    gsize         size)
{
  const char *text = size > 1 ? (const char *) data + 1 : "";
  gsize length = size > 1 ? size - 1 : 0;
  g_autoptr(GPtrArray) blocks = chat_markdown_parse (text, length);

  check_blocks (blocks, length);
  check_stream (text, length, 1 + (size > 0 ? data[0] % 32 : 0));
}
