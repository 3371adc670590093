/* chat-markdown.c: Markdown (md4c) -> a list of blocks to draw
 *
 * md4c calls back with nested blocks, spans and text; this file flattens
 * them into ChatBlocks.  One block at a time is "open" and collects text in
 * a shared buffer: Pango markup for paragraphs, headings, list items, quotes
 * and table cells, raw text for code.
 *
 * Flattening rules:
 * - the innermost container decides the kind of a paragraph: inside a list
 *   item it is part of the item (the item's paragraphs are joined with
 *   "\n\n"), inside a quote it is a QUOTE block of level = quote depth;
 * - when a list item holds another block (a nested list, code, a quote...),
 *   the text before it is the item's block; text after it becomes a
 *   continuation LIST_ITEM block with an empty marker, so the view indents
 *   it under the item;
 * - an item that starts with such a block gets an empty block carrying its
 *   marker first;
 * - soft line breaks stay line breaks, as GitHub shows them in comments:
 *   models write poems, addresses and Chinese text with single newlines.
 *
 * Source ranges: md4c gives no positions, only text pointers into the
 * input.  A block covers the lines holding its first and last piece of text
 * (a fenced code block starts at its fence line; its closing fence is left
 * out).  A block without text (a rule, an empty code block) gets an empty
 * range where the next block starts.
 *
 * Streaming: the text before a "restart point" is final, and each update
 * parses only from there.  A restart point is a place where md4c proves a
 * top-level block to start: a line holding text that is not code, which
 * follows a blank line, is not indented and does not start a list item or
 * look like a fence.  Such a line can be neither part of the block before
 * it (a paragraph ends at a blank line, a list item needs indentation or a
 * new marker, a quote needs ">") nor inside a fenced code block (it holds
 * text that is not code), so parsing from there gives the same blocks as
 * parsing the whole text.  In a long list, an item of the top-level list
 * whose marker opens its line is one too (its number is handed on).
 *
 * md4c 0.4.8 has quirks that a part of a text can parse differently from
 * the whole: see dup_md4c_input(), restart_before() and is_item_restart().
 * The test feeds documents byte by byte and compares every step with a
 * parse of the whole text.
 *
 * The one thing that reaches across blocks is a link reference definition
 * ("[label]: url" makes "[label]" a link anywhere): once the text may hold
 * one, the stream parses the whole text on every update.  And the one
 * block that grows long without a restart point is a code block: while its
 * fence is open, new lines are appended to it without md4c.
 */
#include "config.h"

#include <string.h>

#include <md4c.h>

#include "chat-markdown.h"

#define MD_FLAGS (MD_DIALECT_GITHUB | MD_FLAG_NOHTML)
#define REPLACEMENT_CHAR "\xEF\xBF\xBD"
/* CommonMark limits a link label to 999 characters. */
#define MAX_LABEL_BYTES (999 * 4)

/* A top-level block or an item of a top-level list: where a stream may
 * restart parsing. */
typedef struct {
  MD_BLOCKTYPE type;
  guint        first_block;   /* index of its first ChatBlock */
  gssize       first_anchor;  /* offset of its first text that is not code, or -1 */
  guint        number;        /* an item of an ordered list: its number */
  gboolean     complex;       /* an item holding more than paragraphs and lists */
} Candidate;

typedef struct {
  gboolean ordered;
  guint    next_number;
} List;

typedef struct {
  char     *marker;
  gboolean  shown;      /* a block carries the marker already */
} Item;

/* A span md4c has entered and not yet left.  @closing is the tag that
 * ends it in the buffer, or NULL once it was closed early (see
 * close_open_spans) or when it wrote no tag. */
typedef struct {
  MD_SPANTYPE  type;
  const char  *closing;
} OpenSpan;

typedef struct {
  const char *source;   /* the whole text; offsets are relative to it */
  const char *piece;    /* the part md4c parses */
  gsize       piece_length;
  gsize       base;     /* offset of @piece in @source */
  GPtrArray  *blocks;
  guint       first_index;   /* of the piece's first block in @blocks */
  guint       first_number;  /* if not 0, the number of the first list item */
  GArray     *candidates;
  guint       top_level;     /* index in @candidates of the current top-level block */
  GArray     *lists;
  GArray     *items;
  GArray     *containers;    /* MD_BLOCK_QUOTE and MD_BLOCK_LI, innermost last */
  guint       quote_depth;
  guint       depth;
  ChatBlock  *open;          /* the block receiving text */
  gboolean    open_is_item;
  GString    *buffer;        /* markup (or code) of the open block or cell */
  gssize      first_anchor;  /* text of the open block, or -1 */
  gsize       last_anchor_end;
  guint       row_start;     /* table: cell index where the row began */
  GArray     *spans;         /* OpenSpan, innermost last */
  gboolean    in_code;
  gboolean    fence_unanchored;  /* a code fence whose line holds no text */
} Parser;

/* Blocks */

void
chat_block_free (ChatBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->markup);
  g_free (block->marker);
  g_free (block->language);
  g_free (block->text);
  g_clear_pointer (&block->cells, g_ptr_array_unref);
  g_free (block->alignments);
  g_free (block);
}

static gboolean
cells_equal (const ChatBlock *a,
             const ChatBlock *b)
{
  if (a->n_columns != b->n_columns || (a->cells == NULL) != (b->cells == NULL))
    return FALSE;
  if (a->cells == NULL)
    return TRUE;
  if (a->cells->len != b->cells->len
      || memcmp (a->alignments, b->alignments, a->n_columns * sizeof (ChatAlign)) != 0)
    return FALSE;
  for (guint i = 0; i < a->cells->len; i++)
    if (strcmp (g_ptr_array_index (a->cells, i), g_ptr_array_index (b->cells, i)) != 0)
      return FALSE;
  return TRUE;
}

gboolean
chat_block_equal (const ChatBlock *a,
                  const ChatBlock *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  /* What is shown: the source range may grow by a line end alone. */
  return a->kind == b->kind
         && a->level == b->level
         && g_strcmp0 (a->markup, b->markup) == 0
         && g_strcmp0 (a->marker, b->marker) == 0
         && g_strcmp0 (a->language, b->language) == 0
         && g_strcmp0 (a->text, b->text) == 0
         && cells_equal (a, b);
}

guint
chat_block_get_n_rows (const ChatBlock *block)
{
  g_return_val_if_fail (block != NULL, 0);

  if (block->kind != CHAT_BLOCK_TABLE || block->n_columns == 0)
    return 0;
  return block->cells->len / block->n_columns;
}

/* Text */

/* Appends @text escaped for Pango markup; bytes that are not UTF-8 become
 * U+FFFD, since one bad byte would make Pango reject the whole markup. */
static void
append_escaped (GString    *out,
                const char *text,
                gsize       length)
{
  const char *end = text + length;

  while (text < end)
    {
      const char *valid_end;
      const char *run = text;

      g_utf8_validate (text, end - text, &valid_end);
      for (; text < valid_end; text++)
        {
          const char *entity = NULL;

          switch (*text)
            {
            case '&': entity = "&amp;"; break;
            case '<': entity = "&lt;"; break;
            case '>': entity = "&gt;"; break;
            case '\'': entity = "&#39;"; break;
            case '"': entity = "&quot;"; break;
            default: continue;
            }
          g_string_append_len (out, run, text - run);
          g_string_append (out, entity);
          run = text + 1;
        }
      g_string_append_len (out, run, text - run);
      if (text < end)
        {
          g_string_append (out, REPLACEMENT_CHAR);
          text++;
        }
    }
}

char *
chat_markdown_escape (const char *text,
                      gssize      length)
{
  GString *out;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (text);
  out = g_string_sized_new (length + 16);
  append_escaped (out, text, length);
  return g_string_free (out, FALSE);
}

static const struct {
  const char *name;
  const char *utf8;
} named_entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
  { "nbsp", "\xC2\xA0" }, { "copy", "©" }, { "reg", "®" }, { "trade", "™" },
  { "hellip", "…" }, { "mdash", "—" }, { "ndash", "–" }, { "lsquo", "‘" },
  { "rsquo", "’" }, { "ldquo", "“" }, { "rdquo", "”" }, { "laquo", "«" },
  { "raquo", "»" }, { "middot", "·" }, { "bull", "•" }, { "times", "×" },
  { "divide", "÷" }, { "plusmn", "±" }, { "deg", "°" }, { "micro", "µ" },
  { "para", "¶" }, { "sect", "§" }, { "euro", "€" }, { "pound", "£" },
  { "yen", "¥" }, { "cent", "¢" }, { "larr", "←" }, { "rarr", "→" },
  { "uarr", "↑" }, { "darr", "↓" }, { "harr", "↔" }, { "rArr", "⇒" },
  { "le", "≤" }, { "ge", "≥" }, { "ne", "≠" }, { "asymp", "≈" },
  { "infin", "∞" }, { "frac12", "½" }, { "frac14", "¼" }, { "frac34", "¾" },
  { "sup2", "²" }, { "sup3", "³" }, { "check", "✓" }, { "zwj", "\xE2\x80\x8D" },
  { "zwnj", "\xE2\x80\x8C" }, { "shy", "\xC2\xAD" },
};

/* Appends what an entity stands for.  md4c hands over "&#123;",
 * "&#x1F600;" or "&name;" as written, the name unchecked: an unknown one
 * stays as it is. */
static void
append_decoded_entity (GString    *out,
                       const char *entity,
                       gsize       length)
{
  g_autofree char *name = g_strndup (entity + 1, length - 2);

  if (name[0] == '#')
    {
      gboolean hex = name[1] == 'x' || name[1] == 'X';
      guint64 value = g_ascii_strtoull (name + (hex ? 2 : 1), NULL, hex ? 16 : 10);

      /* CommonMark: invalid code points and U+0000 become U+FFFD. */
      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        value = 0xFFFD;
      g_string_append_unichar (out, (gunichar) value);
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (named_entities); i++)
    if (strcmp (named_entities[i].name, name) == 0)
      {
        g_string_append (out, named_entities[i].utf8);
        return;
      }
  g_string_append_len (out, entity, length);
}

static void
append_entity (GString    *out,
               const char *entity,
               gsize       length)
{
  g_autoptr(GString) decoded = g_string_new (NULL);

  append_decoded_entity (decoded, entity, length);
  append_escaped (out, decoded->str, decoded->len);
}

/* An md4c attribute (a link target, a code info string) as plain text. */
static char *
dup_attribute (const MD_ATTRIBUTE *attribute)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; attribute->substr_offsets[i] < attribute->size; i++)
    {
      const char *part = attribute->text + attribute->substr_offsets[i];
      gsize length = attribute->substr_offsets[i + 1] - attribute->substr_offsets[i];

      if (attribute->substr_types[i] == MD_TEXT_ENTITY)
        append_decoded_entity (out, part, length);
      else if (attribute->substr_types[i] == MD_TEXT_NULLCHAR)
        g_string_append (out, REPLACEMENT_CHAR);
      else
        g_string_append_len (out, part, length);
    }
  return g_utf8_make_valid (out->str, out->len);
}

/* Source ranges */

/* Lines end with "\n", "\r\n" or "\r" alone, as in CommonMark. */
static gboolean
is_line_end (char c)
{
  return c == '\n' || c == '\r';
}

static gsize
line_start (const char *source,
            gsize       floor,
            gsize       offset)
{
  while (offset > floor && !is_line_end (source[offset - 1]))
    offset--;
  return offset;
}

/* Where the line holding @offset ends, after its line end; or -1. */
static gssize
find_line_end (const char *source,
               gsize       length,
               gsize       offset)
{
  for (; offset < length; offset++)
    if (is_line_end (source[offset]))
      return offset + (source[offset] == '\r' && offset + 1 < length
                       && source[offset + 1] == '\n' ? 2 : 1);
  return -1;
}

static gsize
line_end (const char *source,
          gsize       length,
          gsize       offset)
{
  gssize end = find_line_end (source, length, offset);

  return end >= 0 ? (gsize) end : length;
}

static gboolean
in_piece (Parser     *parser,
          const char *text)
{
  /* Compared as integers: text may point into md4c's own buffers. */
  guintptr start = (guintptr) parser->piece;

  return (guintptr) text >= start && (guintptr) text < start + parser->piece_length;
}

static void
note_anchor (Parser     *parser,
             const char *text,
             gsize       length)
{
  gsize offset;

  if (length == 0 || !in_piece (parser, text))
    return;
  offset = parser->base + (text - parser->piece);
  if (parser->first_anchor < 0)
    parser->first_anchor = offset;
  parser->last_anchor_end = offset + length;
  if (!parser->in_code && parser->candidates->len > 0)
    {
      Candidate *top = &g_array_index (parser->candidates, Candidate, parser->top_level);
      Candidate *last = &g_array_index (parser->candidates, Candidate, parser->candidates->len - 1);

      if (top->first_anchor < 0)
        top->first_anchor = offset;
      if (last->first_anchor < 0)
        last->first_anchor = offset;
    }
}

static gboolean
is_blankish_line (const char *line)
{
  return line[strspn (line, " \t>")] == '\n' || line[strspn (line, " \t>")] == '\r';
}

/* The fence line of a code block whose first text is on the line at
 * @first_line: the lines between them are blank but for the marks of
 * their containers (quotes, list indentation). */
static gsize
fence_line_start (Parser *parser,
                  gsize   first_line)
{
  gsize line = first_line;

  if (line <= parser->base)
    return line;
  do
    {
      gsize end = line - 1;

      if (end > parser->base && parser->source[end] == '\n' && parser->source[end - 1] == '\r')
        end--;
      line = line_start (parser->source, parser->base, end);
    }
  while (line > parser->base && is_blankish_line (parser->source + line));
  return line;
}

static void
set_range (Parser    *parser,
           ChatBlock *block)
{
  gsize end = parser->base + parser->piece_length;

  /* place_textless_blocks() places it when the next block is known. */
  if (parser->first_anchor < 0)
    {
      block->source_start = block->source_end = G_MAXSIZE;
      return;
    }
  block->source_start = line_start (parser->source, parser->base, parser->first_anchor);
  block->source_end = line_end (parser->source, end, parser->last_anchor_end);
  if (block->kind == CHAT_BLOCK_CODE && parser->fence_unanchored)
    block->source_start = fence_line_start (parser, block->source_start);
}

/* A block without text gets an empty range where the next block starts
 * (or at the end); blocks with text have a range that is not empty. */
static void
place_textless_blocks (Parser *parser)
{
  gsize next_start = parser->base + parser->piece_length;

  for (guint i = parser->blocks->len; i-- > parser->first_index;)
    {
      ChatBlock *block = g_ptr_array_index (parser->blocks, i);

      if (block->source_start == G_MAXSIZE)
        block->source_start = block->source_end = next_start;
      next_start = block->source_start;
    }
}

/* Opening and closing blocks */

static ChatBlock *
open_block (Parser        *parser,
            ChatBlockKind  kind,
            guint          level)
{
  ChatBlock *block = g_new0 (ChatBlock, 1);

  g_assert (parser->open == NULL);
  block->kind = kind;
  block->level = level;
  g_ptr_array_add (parser->blocks, block);
  parser->open = block;
  parser->open_is_item = FALSE;
  parser->first_anchor = -1;
  parser->last_anchor_end = 0;
  g_string_truncate (parser->buffer, 0);
  return block;
}

static void
finish_code (ChatBlock *block,
             GString   *buffer)
{
  /* md4c ends every line with "\n", the last one too. */
  if (buffer->len > 0 && buffer->str[buffer->len - 1] == '\n')
    g_string_truncate (buffer, buffer->len - 1);
  block->text = g_utf8_make_valid (buffer->str, buffer->len);
}

/* md4c 0.4.8 can leave a table cell (or a block) while a span is still
 * open: a permissive autolink such as "ftp://.a|" runs past the cell's
 * end.  The markup of each cell and block must stand alone, so whatever is
 * open is closed here and its late leave_span writes nothing. */
static void
close_open_spans (Parser *parser)
{
  for (guint i = parser->spans->len; i > 0; i--)
    {
      OpenSpan *span = &g_array_index (parser->spans, OpenSpan, i - 1);

      if (span->closing != NULL)
        g_string_append (parser->buffer, span->closing);
      span->closing = NULL;
    }
}

static void
close_block (Parser *parser)
{
  ChatBlock *block = parser->open;

  if (block == NULL)
    return;
  close_open_spans (parser);
  if (block->kind == CHAT_BLOCK_CODE)
    finish_code (block, parser->buffer);
  else if (block->kind != CHAT_BLOCK_TABLE && block->kind != CHAT_BLOCK_RULE)
    block->markup = g_strndup (parser->buffer->str, parser->buffer->len);
  set_range (parser, block);
  parser->open = NULL;
  parser->open_is_item = FALSE;
  g_string_truncate (parser->buffer, 0);
}

static MD_BLOCKTYPE
innermost_container (Parser *parser)
{
  if (parser->containers->len == 0)
    return MD_BLOCK_DOC;
  return g_array_index (parser->containers, MD_BLOCKTYPE, parser->containers->len - 1);
}

static Item *
current_item (Parser *parser)
{
  return &g_array_index (parser->items, Item, parser->items->len - 1);
}

/* The block of the current list item; the first one carries its marker. */
static void
open_item_block (Parser *parser)
{
  Item *item = current_item (parser);
  ChatBlock *block = open_block (parser, CHAT_BLOCK_LIST_ITEM, parser->lists->len);

  block->marker = g_strdup (item->shown ? "" : item->marker);
  item->shown = TRUE;
  parser->open_is_item = TRUE;
}

/* Another block starts: the text of the open one (a list item's, say) is
 * complete, and a list item that had no text yet shows its marker. */
static void
close_for_nested_block (Parser *parser)
{
  close_block (parser);
  if (innermost_container (parser) == MD_BLOCK_LI && !current_item (parser)->shown)
    {
      open_item_block (parser);
      close_block (parser);
    }
}

static void
enter_paragraph (Parser *parser)
{
  MD_BLOCKTYPE container = innermost_container (parser);

  if (container == MD_BLOCK_LI)
    {
      if (!parser->open_is_item)
        open_item_block (parser);
      else if (parser->buffer->len > 0)
        g_string_append (parser->buffer, "\n\n");
    }
  else if (container == MD_BLOCK_QUOTE)
    open_block (parser, CHAT_BLOCK_QUOTE, parser->quote_depth);
  else
    open_block (parser, CHAT_BLOCK_PARAGRAPH, 0);
}

static void
enter_code (Parser                     *parser,
            const MD_BLOCK_CODE_DETAIL *detail)
{
  ChatBlock *block;

  close_for_nested_block (parser);
  block = open_block (parser, CHAT_BLOCK_CODE, 0);
  if (detail->lang.size > 0)
    block->language = dup_attribute (&detail->lang);
  parser->in_code = TRUE;
  if (detail->info.size > 0)
    note_anchor (parser, detail->info.text, detail->info.size);
  parser->fence_unanchored = detail->fence_char != 0 && parser->first_anchor < 0;
}

static void
enter_table (Parser                      *parser,
             const MD_BLOCK_TABLE_DETAIL *detail)
{
  ChatBlock *block;

  close_for_nested_block (parser);
  block = open_block (parser, CHAT_BLOCK_TABLE, 0);
  block->n_columns = detail->col_count;
  block->cells = g_ptr_array_new_with_free_func (g_free);
  block->alignments = g_new0 (ChatAlign, MAX (detail->col_count, 1));
}

static void
enter_cell (Parser                   *parser,
            const MD_BLOCK_TD_DETAIL *detail)
{
  ChatBlock *table = parser->open;

  if (table->cells->len < table->n_columns)
    table->alignments[table->cells->len] = (ChatAlign) detail->align;
  g_string_truncate (parser->buffer, 0);
}

/* Rows hold exactly n_columns cells, so cells stay row-major. */
static void
leave_row (Parser *parser)
{
  ChatBlock *table = parser->open;
  guint row_length = table->cells->len - parser->row_start;

  if (row_length > table->n_columns)
    g_ptr_array_remove_range (table->cells, parser->row_start + table->n_columns,
                              row_length - table->n_columns);
  while (table->cells->len - parser->row_start < table->n_columns)
    g_ptr_array_add (table->cells, g_strdup (""));
}

static char *
dup_marker (Parser                    *parser,
            const MD_BLOCK_LI_DETAIL  *detail,
            guint                      number)
{
  List *list = &g_array_index (parser->lists, List, parser->lists->len - 1);

  if (detail->is_task)
    return g_strdup (detail->task_mark == ' ' ? "☐" : "☑");
  if (list->ordered)
    return g_strdup_printf ("%u.", number);
  return g_strdup ("•");
}

static void
add_candidate (Parser       *parser,
               MD_BLOCKTYPE  type,
               guint         number)
{
  Candidate candidate = { type, parser->blocks->len - parser->first_index, -1, number, FALSE };

  g_array_append_val (parser->candidates, candidate);
}

static void
enter_list (Parser   *parser,
            gboolean  ordered,
            guint     start)
{
  List list = { ordered, start };

  /* A part of the text that starts at an item of an ordered list goes on
   * with its number. */
  if (parser->first_number > 0 && parser->depth == 2 && parser->top_level == 0)
    list.next_number = parser->first_number;
  close_for_nested_block (parser);
  g_array_append_val (parser->lists, list);
}

static void
enter_item (Parser                   *parser,
            const MD_BLOCK_LI_DETAIL *detail)
{
  List *list = &g_array_index (parser->lists, List, parser->lists->len - 1);
  guint number = list->next_number++;
  Item item = { dup_marker (parser, detail, number), FALSE };
  MD_BLOCKTYPE container = MD_BLOCK_LI;

  close_block (parser);
  if (parser->depth == 3)
    add_candidate (parser, MD_BLOCK_LI, list->ordered ? number : 0);
  g_array_append_val (parser->items, item);
  g_array_append_val (parser->containers, container);
}

static void
leave_item (Parser *parser)
{
  close_block (parser);
  if (!current_item (parser)->shown)
    {
      open_item_block (parser);
      close_block (parser);
    }
  g_free (current_item (parser)->marker);
  g_array_set_size (parser->items, parser->items->len - 1);
  g_array_set_size (parser->containers, parser->containers->len - 1);
}

static void
enter_quote (Parser *parser)
{
  MD_BLOCKTYPE container = MD_BLOCK_QUOTE;

  close_for_nested_block (parser);
  g_array_append_val (parser->containers, container);
  parser->quote_depth++;
}

static void
leave_quote (Parser *parser)
{
  close_block (parser);
  g_array_set_size (parser->containers, parser->containers->len - 1);
  parser->quote_depth--;
}

/* md4c callbacks */

static void
note_nested_block (Parser       *parser,
                   MD_BLOCKTYPE  type)
{
  Candidate *last = &g_array_index (parser->candidates, Candidate, parser->candidates->len - 1);

  if (last->type == MD_BLOCK_LI && type != MD_BLOCK_P && type != MD_BLOCK_UL
      && type != MD_BLOCK_OL && type != MD_BLOCK_LI)
    last->complex = TRUE;
}

static int
on_enter_block (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  Parser *parser = user_data;

  if (parser->depth++ == 1)
    {
      parser->top_level = parser->candidates->len;
      add_candidate (parser, type, 0);
    }
  else if (parser->depth > 3)
    note_nested_block (parser, type);
  switch (type)
    {
    case MD_BLOCK_QUOTE: enter_quote (parser); break;
    case MD_BLOCK_UL: enter_list (parser, FALSE, 1); break;
    case MD_BLOCK_OL: enter_list (parser, TRUE, ((MD_BLOCK_OL_DETAIL *) detail)->start); break;
    case MD_BLOCK_LI: enter_item (parser, detail); break;
    case MD_BLOCK_HR:
      close_for_nested_block (parser);
      open_block (parser, CHAT_BLOCK_RULE, 0);
      break;
    case MD_BLOCK_H:
      close_for_nested_block (parser);
      open_block (parser, CHAT_BLOCK_HEADING, ((MD_BLOCK_H_DETAIL *) detail)->level);
      break;
    case MD_BLOCK_CODE: enter_code (parser, detail); break;
    case MD_BLOCK_P: enter_paragraph (parser); break;
    case MD_BLOCK_TABLE: enter_table (parser, detail); break;
    case MD_BLOCK_TR: parser->row_start = parser->open->cells->len; break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: enter_cell (parser, detail); break;
    case MD_BLOCK_DOC:
    case MD_BLOCK_HTML:   /* never: MD_FLAG_NOHTML */
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
    default:
      break;
    }
  return 0;
}

static int
on_leave_block (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  Parser *parser = user_data;

  parser->depth--;
  switch (type)
    {
    case MD_BLOCK_QUOTE: leave_quote (parser); break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL: g_array_set_size (parser->lists, parser->lists->len - 1); break;
    case MD_BLOCK_LI: leave_item (parser); break;
    case MD_BLOCK_P:
      /* An item's paragraphs share its block. */
      if (!parser->open_is_item)
        close_block (parser);
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      close_open_spans (parser);
      g_ptr_array_add (parser->open->cells,
                       g_strndup (parser->buffer->str, parser->buffer->len));
      break;
    case MD_BLOCK_TR: leave_row (parser); break;
    case MD_BLOCK_CODE:
      parser->in_code = FALSE;
      close_block (parser);
      break;
    case MD_BLOCK_HR:
    case MD_BLOCK_H:
    case MD_BLOCK_TABLE: close_block (parser); break;
    default:
      break;
    }
  return 0;
}

/* Writes the start of a link and returns its closing tag, or NULL when
 * it writes none: Pango cannot nest links, so an image inside a link keeps
 * the outer one. */
static const char *
append_link_start (Parser             *parser,
                   const MD_ATTRIBUTE *target)
{
  g_autofree char *href = NULL;

  for (guint i = 0; i < parser->spans->len; i++)
    if (g_array_index (parser->spans, OpenSpan, i).closing != NULL
        && g_str_equal (g_array_index (parser->spans, OpenSpan, i).closing, "</a>"))
      return NULL;
  href = dup_attribute (target);
  g_string_append (parser->buffer, "<a href=\"");
  append_escaped (parser->buffer, href, strlen (href));
  g_string_append (parser->buffer, "\">");
  return "</a>";
}

static const char *
span_closing_tag (MD_SPANTYPE type)
{
  switch (type)
    {
    case MD_SPAN_EM: return "</i>";
    case MD_SPAN_STRONG: return "</b>";
    case MD_SPAN_CODE: return "</tt>";
    case MD_SPAN_DEL: return "</s>";
    default: return NULL;
    }
}

static int
on_enter_span (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  Parser *parser = user_data;
  OpenSpan span = { type, span_closing_tag (type) };

  if (parser->open == NULL && innermost_container (parser) == MD_BLOCK_LI)
    open_item_block (parser);
  if (type == MD_SPAN_A)
    span.closing = append_link_start (parser, &((MD_SPAN_A_DETAIL *) detail)->href);
  else if (type == MD_SPAN_IMG)
    span.closing = append_link_start (parser, &((MD_SPAN_IMG_DETAIL *) detail)->src);
  else if (span.closing != NULL)
    g_string_append_printf (parser->buffer, "<%s", span.closing + 2);
  g_array_append_val (parser->spans, span);
  return 0;
}

static int
on_leave_span (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  Parser *parser = user_data;
  OpenSpan *span;

  if (parser->spans->len == 0)
    return 0;
  span = &g_array_index (parser->spans, OpenSpan, parser->spans->len - 1);
  if (span->closing != NULL)
    g_string_append (parser->buffer, span->closing);
  g_array_set_size (parser->spans, parser->spans->len - 1);
  return 0;
}

static int
on_text (MD_TEXTTYPE     type,
         const MD_CHAR  *text,
         MD_SIZE         size,
         void           *user_data)
{
  Parser *parser = user_data;

  /* Text straight inside a list item: a tight list has no paragraphs. */
  if (parser->open == NULL && innermost_container (parser) == MD_BLOCK_LI)
    open_item_block (parser);
  if (parser->open == NULL)
    return 0;
  note_anchor (parser, text, size);
  if (type == MD_TEXT_NULLCHAR)
    g_string_append (parser->buffer, REPLACEMENT_CHAR);
  else if (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR)
    g_string_append_c (parser->buffer, '\n');
  else if (type == MD_TEXT_ENTITY)
    append_entity (parser->buffer, text, size);
  else if (parser->in_code)
    g_string_append_len (parser->buffer, text, size);
  else
    append_escaped (parser->buffer, text, size);
  return 0;
}

static const MD_PARSER md_parser = {
  .abi_version = 0,
  .flags = MD_FLAGS,
  .enter_block = on_enter_block,
  .leave_block = on_leave_block,
  .enter_span = on_enter_span,
  .leave_span = on_leave_span,
  .text = on_text,
};

/* What md4c parses for source[from, to): a copy, because md4c 0.4.8 reads
 * past the end it is given ("1" followed by ". x" parses as a list item),
 * after blank lines that put the text at its offset modulo 256.  md4c
 * 0.4.8 takes the last 8 bytes of its block store for a block header
 * after a blank line in a list item; when they are a line's offsets
 * instead, the low byte of an offset decides whether the item ends there.
 * Equal low bytes make a part parse as it does within the whole text. */
static char *
dup_md4c_input (const char *source,
                gsize       from,
                gsize       to,
                gsize      *padding)
{
  char *copy;

  *padding = from % 256;
  copy = g_malloc (*padding + (to - from) + 1);
  memset (copy, '\n', *padding);
  memcpy (copy + *padding, source + from, to - from);
  copy[*padding + (to - from)] = '\0';
  return copy;
}

/* Parses source[from, to) into @blocks (appended); @candidates receives
 * the top-level blocks and list items, their first_block counted from the
 * first block appended.  If @first_number is not 0, source[from] starts an
 * item of an ordered list that has that number. */
static void
parse_range (const char *source,
             gsize       from,
             gsize       to,
             guint       first_number,
             GPtrArray  *blocks,
             GArray     *candidates)
{
  gsize padding;
  g_autofree char *input = dup_md4c_input (source, from, to, &padding);
  Parser parser = {
    .source = source,
    .piece = input + padding,
    .piece_length = to - from,
    .base = from,
    .blocks = blocks,
    .first_index = blocks->len,
    .first_number = first_number,
    .candidates = candidates,
    .lists = g_array_new (FALSE, FALSE, sizeof (List)),
    .items = g_array_new (FALSE, FALSE, sizeof (Item)),
    .containers = g_array_new (FALSE, FALSE, sizeof (MD_BLOCKTYPE)),
    .buffer = g_string_new (NULL),
    .spans = g_array_new (FALSE, FALSE, sizeof (OpenSpan)),
    .first_anchor = -1,
  };

  md_parse (input, padding + parser.piece_length, &md_parser, &parser);
  place_textless_blocks (&parser);
  g_array_unref (parser.lists);
  g_array_unref (parser.items);
  g_array_unref (parser.containers);
  g_string_free (parser.buffer, TRUE);
  g_array_unref (parser.spans);
}

GPtrArray *
chat_markdown_parse (const char *text,
                     gssize      length)
{
  GPtrArray *blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_block_free);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  g_return_val_if_fail (text != NULL || length == 0, blocks);

  if (length < 0)
    length = strlen (text);
  parse_range (text, 0, length, 0, blocks, candidates);
  return blocks;
}

/* Streaming */

struct _ChatMarkdownStream {
  GString   *text;          /* the text of the last update */
  GPtrArray *blocks;
  gsize      restart;       /* blocks before it are final: the start of a
                             * blank line before a top-level block, or of
                             * an item of a top-level list */
  guint      restart_block; /* index of the first block after it */
  guint      restart_number; /* that item's number in an ordered list, or 0 */
  gboolean   references;    /* the text may define link references */
  /* The last block is a top-level fenced code block still open at the end
   * of the text, which grow_open_code() extends without md4c: */
  gboolean   open_code;
  char       fence_char;
  gsize      fence_end;     /* where its fence line ends */
  gsize      code_length;   /* of its text */
};

ChatMarkdownStream *
chat_markdown_stream_new (void)
{
  ChatMarkdownStream *self = g_new0 (ChatMarkdownStream, 1);

  self->text = g_string_new (NULL);
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_block_free);
  return self;
}

void
chat_markdown_stream_free (ChatMarkdownStream *self)
{
  if (self == NULL)
    return;
  g_string_free (self->text, TRUE);
  g_ptr_array_unref (self->blocks);
  g_free (self);
}

GPtrArray *
chat_markdown_stream_get_blocks (ChatMarkdownStream *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->blocks;
}

/* strchr() would find the terminating NUL too. */
static gboolean
is_one_of (char        c,
           const char *set)
{
  return c != '\0' && strchr (set, c) != NULL;
}

static gboolean
is_escaped (const char *text,
            gsize       offset)
{
  gsize backslashes = 0;

  while (offset > backslashes && text[offset - backslashes - 1] == '\\')
    backslashes++;
  return backslashes % 2 == 1;
}

/* Whether the "]:" at @close may end the label of a reference definition:
 * its "[" must open a line, after nothing but indentation and the marks of
 * quotes and list items. */
static gboolean
label_opens_line (const char *text,
                  gsize       close)
{
  gsize floor = close > MAX_LABEL_BYTES ? close - MAX_LABEL_BYTES : 0;
  gsize open = close;

  while (open > floor && !((text[open - 1] == '[' || text[open - 1] == ']')
                           && !is_escaped (text, open - 1)))
    open--;
  if (open == floor || text[open - 1] == ']')
    return FALSE;
  for (open--; open > 0 && !is_line_end (text[open - 1]); open--)
    if (text[open - 1] != '\0' && !is_one_of (text[open - 1], " \t>-+*.)0123456789"))
      return FALSE;
  return TRUE;
}

static gboolean
may_define_reference (const char *text,
                      gsize       from,
                      gsize       length)
{
  for (gsize i = from; i + 1 < length; i++)
    {
      const char *bracket = memchr (text + i, ']', length - 1 - i);

      if (bracket == NULL)
        return FALSE;
      i = bracket - text;
      if (text[i + 1] == ':' && label_opens_line (text, i))
        return TRUE;
    }
  return FALSE;
}

static gboolean
starts_list_item (const char *line)
{
  gsize digits = strspn (line, "0123456789");

  if (digits == 0 && is_one_of (line[0], "-+*"))
    return is_one_of (line[1], " \t\r\n");
  if (digits == 0 || digits > 9 || (line[digits] != '.' && line[digits] != ')'))
    return FALSE;
  return is_one_of (line[digits + 1], " \t\r\n");
}

/* See the top of the file: whether the line at @line starts a top-level
 * block that parses the same without the text before the blank line
 * before it; returns where that blank line starts, else -1.
 *
 * The line must be complete, so that what follows cannot turn it into a
 * list item.  A line that looks like a fence is never one: md4c 0.4.8
 * takes "```py" after a list item whose code block the item's end closed
 * for text, but for a fence when it parses the line on its own.  The parse
 * starts with the blank line, as md4c 0.4.8 also parses a list differently
 * when a paragraph before it is the first line of the text. */
static gssize
restart_before (const char *text,
                gsize       length,
                gsize       line)
{
  gsize blank = line - 1;   /* the end of the line before */

  if (find_line_end (text, length, line) < 0
      || text[line] == '\0' || is_one_of (text[line], " \t\xEF")
      || starts_list_item (text + line)
      || g_str_has_prefix (text + line, "```") || g_str_has_prefix (text + line, "~~~"))
    return -1;
  if (text[blank] == '\n' && blank > 0 && text[blank - 1] == '\r')
    blank--;
  while (blank > 0 && is_one_of (text[blank - 1], " \t"))
    blank--;
  return blank == 0 || is_line_end (text[blank - 1]) ? (gssize) blank : -1;
}

/* Whether a line is blank or plain text, maybe in list items. */
static gboolean
is_plain_line (const char *line)
{
  const guchar *p = (const guchar *) line;

  while (*p == ' ' || starts_list_item ((const char *) p))
    p += *p == ' ' ? 1 : strcspn ((const char *) p, " \t\r\n");
  return *p == '\n' || *p == '\r' || *p >= 0x80 || g_ascii_isalnum (*p)
         || is_one_of (*p, "*_[(\"'");
}

/* Whether parsing can start at the item of a top-level list that starts
 * at @line: it does if the item's marker opens the line, as it then cannot
 * continue the item before.  Only the numbers of an ordered list would
 * start over, so the stream hands them on.  md4c 0.4.8 carries a quote
 * over to the next item (missing its task box), so the item before must
 * hold nothing but paragraphs and lists, and its last line be plain. */
static gboolean
is_item_restart (const char *text,
                 gsize       length,
                 gsize       line)
{
  gsize previous = line_start (text, 0, line - 1 - (text[line - 1] == '\n' && line >= 2
                                                    && text[line - 2] == '\r'));

  return find_line_end (text, length, line) >= 0 && starts_list_item (text + line)
         && is_plain_line (text + previous);
}

/* The point where the candidate at @line lets parsing restart, or -1;
 * @previous is the candidate before it, if any. */
static gssize
restart_at (const char      *text,
            gsize            length,
            const Candidate *candidate,
            const Candidate *previous,
            gsize            line)
{
  if (candidate->type != MD_BLOCK_LI)
    return restart_before (text, length, line);
  if (previous == NULL || previous->type != MD_BLOCK_LI || previous->complex)
    return -1;
  return is_item_restart (text, length, line) ? (gssize) line : -1;
}

/* Moves the restart point to the last candidate of the text parsed from
 * it that allows one; @candidates are that parse's. */
static void
advance_restart (ChatMarkdownStream *self,
                 GArray             *candidates)
{
  const char *text = self->text->str;

  for (guint i = candidates->len; i-- > 0;)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);
      gsize line;
      gssize restart;

      if (candidate->first_anchor < 0)
        continue;
      line = line_start (text, self->restart, candidate->first_anchor);
      if (line <= self->restart)
        return;
      restart = restart_at (text, self->text->len, candidate,
                            i > 0 ? candidate - 1 : NULL, line);
      if (restart > (gssize) self->restart)
        {
          self->restart = restart;
          self->restart_block += candidate->first_block;
          self->restart_number = candidate->number;
          return;
        }
    }
}

/* Replaces the blocks from @from on with @fresh (taken over), keeping
 * those that show the same (with their new source range); returns the
 * index of the first that changed. */
static guint
replace_tail (ChatMarkdownStream *self,
              guint               from,
              GPtrArray          *fresh)
{
  guint same = 0;

  while (from + same < self->blocks->len && same < fresh->len
         && chat_block_equal (g_ptr_array_index (self->blocks, from + same),
                              g_ptr_array_index (fresh, same)))
    same++;
  g_ptr_array_set_size (self->blocks, from + same);
  for (guint i = 0; i < fresh->len; i++)
    {
      ChatBlock *block = g_ptr_array_index (fresh, i);

      if (i < same)
        {
          ChatBlock *kept = g_ptr_array_index (self->blocks, from + i);

          kept->source_start = block->source_start;
          kept->source_end = block->source_end;
          chat_block_free (block);
        }
      else
        g_ptr_array_add (self->blocks, block);
    }
  return from + same;
}

/* Blocks without text just before the restart point sit where the block
 * after them starts, which may have moved: its first text can turn into
 * markup ("\\" at a line end becomes a line break). */
static void
place_final_textless_blocks (ChatMarkdownStream *self)
{
  gsize next_start = self->restart_block < self->blocks->len
                     ? ((ChatBlock *) g_ptr_array_index (self->blocks, self->restart_block))->source_start
                     : self->text->len;

  for (guint i = self->restart_block; i-- > 0;)
    {
      ChatBlock *block = g_ptr_array_index (self->blocks, i);

      if (block->source_start != block->source_end)
        return;
      block->source_start = block->source_end = next_start;
    }
}

static void
forget_restart (ChatMarkdownStream *self)
{
  self->restart = 0;
  self->restart_block = 0;
  self->restart_number = 0;
}

/* Whether the last block is a top-level fenced code block followed by
 * nothing but blank lines: its fence is not closed.  @candidates are
 * those of the last parse, from the restart point. */
static void
note_open_code (ChatMarkdownStream *self,
                GArray             *candidates)
{
  Candidate *last;
  ChatBlock *block;
  const char *fence;

  self->open_code = FALSE;
  if (candidates->len == 0 || self->blocks->len == 0)
    return;
  last = &g_array_index (candidates, Candidate, candidates->len - 1);
  block = g_ptr_array_index (self->blocks, self->blocks->len - 1);
  if (last->type != MD_BLOCK_CODE || self->restart_block + last->first_block != self->blocks->len - 1
      || block->source_start == block->source_end
      || strspn (self->text->str + block->source_end, " \n") != self->text->len - block->source_end)
    return;
  /* An indented fence is left to md4c: after an empty list item and a
   * blank line, md4c 0.4.8 measures its indentation from the item's. */
  fence = self->text->str + block->source_start;
  self->fence_char = fence[0];
  if ((self->fence_char != '`' && self->fence_char != '~')
      || strspn (fence, self->fence_char == '`' ? "`" : "~") < 3)
    return;
  self->fence_end = line_end (self->text->str, self->text->len, block->source_start);
  self->code_length = strlen (block->text);
  self->open_code = TRUE;
}

/* Appends to @code the code line text[line, end) as md4c gives it (the
 * fence is not indented); FALSE if md4c may take it for something else (a
 * closing fence) or change it (tabs in its indentation). */
static gboolean
append_code_line (ChatMarkdownStream *self,
                  gsize               line,
                  gsize               end,
                  GString            *code)
{
  const char *text = self->text->str;
  gsize indent = 0;

  while (line + indent < end && text[line + indent] == ' ')
    indent++;
  if ((line + indent < end && text[line + indent] == '\t')
      || (indent <= 3 && end - line - indent >= 3 && text[line + indent] == self->fence_char
          && text[line + indent + 1] == self->fence_char
          && text[line + indent + 2] == self->fence_char))
    return FALSE;
  g_string_append_len (code, text + line, end - line);
  return TRUE;
}

/* The code lines of self->text from @from on, each but the first after
 * "\n" if @has_lines; NULL if one of them may not be code.  @text_end
 * receives the end of the last line that holds more than spaces, if any. */
static GString *
dup_code_lines (ChatMarkdownStream *self,
                gsize               from,
                gboolean            has_lines,
                gsize              *text_end)
{
  const char *text = self->text->str;
  gsize length = self->text->len;
  g_autoptr(GString) code = g_string_new (NULL);

  for (gsize line = from; line < length;)
    {
      const char *newline = memchr (text + line, '\n', length - line);
      gsize end = newline != NULL ? (gsize) (newline - text) : length;
      gsize next = newline != NULL ? end + 1 : length;

      if (has_lines)
        g_string_append_c (code, '\n');
      if (!append_code_line (self, line, end, code))
        return NULL;
      if (line + strspn (text + line, " ") < end)
        *text_end = next;
      has_lines = TRUE;
      line = next;
    }
  return g_steal_pointer (&code);
}

/* The fast way for the one block that can grow long: a code block whose
 * fence is still open takes the new lines as they are, as long as none of
 * them may close it.  Sets @changed as chat_markdown_stream_update()
 * returns it; FALSE if the text must be parsed. */
static gboolean
grow_open_code (ChatMarkdownStream *self,
                gsize               old_length,
                guint              *changed)
{
  const char *text = self->text->str;
  gsize length = self->text->len;
  ChatBlock *block;
  gsize region, kept, text_end;
  g_autoptr(GString) added = NULL;

  if (!self->open_code)
    return FALSE;
  block = g_ptr_array_index (self->blocks, self->blocks->len - 1);
  kept = self->code_length;
  text_end = block->source_end;
  /* The line that was last may grow, so it is taken again. */
  region = line_start (text, 0, old_length);
  if (region < self->fence_end || text[old_length - 1] == '\r'
      || !g_utf8_validate (text + region, length - region, NULL)
      || memchr (text + region, '\r', length - region) != NULL)
    return FALSE;
  if (region < old_length)
    kept -= (old_length - region) + (region > self->fence_end);
  added = dup_code_lines (self, region, kept > 0 || region > self->fence_end, &text_end);
  if (added == NULL)
    return FALSE;
  *changed = self->blocks->len;
  if (kept + added->len != self->code_length
      || memcmp (block->text + kept, added->str, added->len) != 0)
    *changed = self->blocks->len - 1;
  block->text = g_realloc (block->text, kept + added->len + 1);
  memcpy (block->text + kept, added->str, added->len + 1);
  self->code_length = kept + added->len;
  block->source_end = text_end;
  return TRUE;
}

/* Parses self->text from the restart point on. */
static guint
parse_tail (ChatMarkdownStream *self)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  guint changed;

  parse_range (self->text->str, self->restart, self->text->len, self->restart_number,
               fresh, candidates);
  changed = replace_tail (self, self->restart_block, fresh);
  place_final_textless_blocks (self);
  note_open_code (self, candidates);
  advance_restart (self, candidates);
  return changed;
}

guint
chat_markdown_stream_update (ChatMarkdownStream *self,
                             const char         *text,
                             gsize               length)
{
  gsize old_length;
  gboolean extends;
  guint changed;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (text != NULL || length == 0, 0);

  old_length = self->text->len;
  extends = length >= old_length && memcmp (text, self->text->str, old_length) == 0;
  if (extends)
    g_string_append_len (self->text, text + old_length, length - old_length);
  else
    {
      g_string_truncate (self->text, 0);
      g_string_append_len (self->text, text, length);
      self->references = FALSE;
    }
  if (extends && !self->references && length > old_length
      && !may_define_reference (self->text->str, line_start (self->text->str, 0, old_length), length)
      && grow_open_code (self, old_length, &changed))
    return changed;
  if (!extends || self->references)
    forget_restart (self);
  self->references = self->references
                     || may_define_reference (self->text->str, self->restart, length);
  if (self->references)
    forget_restart (self);
  changed = parse_tail (self);
  return extends ? changed : 0;
}
