/* test-markdown.c: Markdown -> blocks, escaping, and incremental parsing */
#include <string.h>

#include "chat-markdown.h"

static const char * const kind_names[] = {
  "P", "H", "LI", "Q", "CODE", "TABLE", "HR",
};

/* One line per block, e.g. "H2 Title", "LI1 3. item", "CODE py|text". */
static char *
describe (GPtrArray *blocks)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      ChatBlock *block = g_ptr_array_index (blocks, i);

      g_string_append (out, kind_names[block->kind]);
      if (block->level > 0)
        g_string_append_printf (out, "%u", block->level);
      if (block->marker != NULL)
        g_string_append_printf (out, " %s", block->marker);
      if (block->kind == CHAT_BLOCK_CODE)
        g_string_append_printf (out, " %s|%s", block->language ? block->language : "-", block->text);
      if (block->markup != NULL)
        g_string_append_printf (out, " %s", block->markup);
      for (guint c = 0; block->cells != NULL && c < block->cells->len; c++)
        g_string_append_printf (out, "%s%s", c % block->n_columns ? "|" : " / ",
                                (char *) g_ptr_array_index (block->cells, c));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static void
assert_blocks (const char *markdown,
               const char *expected)
{
  g_autoptr(GPtrArray) blocks = chat_markdown_parse (markdown, -1);
  g_autofree char *described = describe (blocks);

  g_assert_cmpstr (described, ==, expected);
}

static void
collect_text (GMarkupParseContext  *context,
              const char           *text,
              gsize                 length,
              gpointer              user_data,
              GError              **error)
{
  g_string_append_len (user_data, text, length);
}

static void
check_element (GMarkupParseContext  *context,
               const char           *name,
               const char          **attribute_names,
               const char          **attribute_values,
               gpointer              user_data,
               GError              **error)
{
  static const char * const allowed[] = { "markup", "b", "i", "tt", "s", "a", NULL };

  if (!g_strv_contains (allowed, name))
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT, "<%s>", name);
}

/* The text a label shows for @markup; fails unless it is well-formed
 * markup made of the tags Liao emits. */
static char *
markup_to_text (const char *markup)
{
  static const GMarkupParser parser = { check_element, NULL, collect_text, NULL, NULL };
  GString *text = g_string_new (NULL);
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, text, NULL);
  g_autofree char *wrapped = g_strdup_printf ("<markup>%s</markup>", markup);
  g_autoptr(GError) error = NULL;

  g_markup_parse_context_parse (context, wrapped, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  return g_string_free (text, FALSE);
}

static ChatBlock *
parse_one (GPtrArray  **blocks,
           const char  *markdown)
{
  *blocks = chat_markdown_parse (markdown, -1);
  g_assert_cmpuint ((*blocks)->len, ==, 1);
  return g_ptr_array_index (*blocks, 0);
}

static void
test_escape (void)
{
  g_autofree char *escaped = chat_markdown_escape ("<b>\"x\" & 'y'</b>", -1);
  g_autofree char *partial = chat_markdown_escape ("a<b", 2);
  g_autofree char *invalid = chat_markdown_escape ("ok\xff\xfe中", -1);
  g_autofree char *empty = chat_markdown_escape ("", 0);

  g_assert_cmpstr (escaped, ==, "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
  g_assert_cmpstr (partial, ==, "a&lt;");
  g_assert_cmpstr (invalid, ==, "ok\xEF\xBF\xBD\xEF\xBF\xBD中");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_inline (void)
{
  assert_blocks ("Some **bold**, *it*, __b2__, _i2_, `co de`, ~~gone~~ and ***both***.",
                 "P Some <b>bold</b>, <i>it</i>, <b>b2</b>, <i>i2</i>, <tt>co de</tt>, "
                 "<s>gone</s> and <i><b>both</b></i>.\n");
  assert_blocks ("hard  \nbreak\\\nand\nsoft",
                 "P hard\nbreak\nand\nsoft\n");
  assert_blocks ("[site](https://example.com/a_b) and ![a cat](cat.png \"t\")",
                 "P <a href=\"https://example.com/a_b\">site</a> and "
                 "<a href=\"cat.png\">a cat</a>\n");
  /* A linked image (a badge) keeps one link: Pango cannot nest them. */
  assert_blocks ("[![badge](b.svg)](https://ci.example)",
                 "P <a href=\"https://ci.example\">badge</a>\n");
  assert_blocks ("see www.example.com and https://x.org/p?a=1 and me@example.com",
                 "P see <a href=\"http://www.example.com\">www.example.com</a> and "
                 "<a href=\"https://x.org/p?a=1\">https://x.org/p?a=1</a> and "
                 "<a href=\"mailto:me@example.com\">me@example.com</a>\n");
}

static void
test_markup_literal (void)
{
  const char *source = "<b>not bold</b> & <span foreground=\"red\">red</span> 'q' <i";
  g_autoptr(GPtrArray) blocks = NULL;
  ChatBlock *block = parse_one (&blocks, source);
  g_autofree char *text = markup_to_text (block->markup);

  g_assert_cmpint (block->kind, ==, CHAT_BLOCK_PARAGRAPH);
  g_assert_cmpstr (text, ==, source);
  assert_blocks ("`<b>&amp;</b>`", "P <tt>&lt;b&gt;&amp;amp;&lt;/b&gt;</tt>\n");
  assert_blocks ("<div>\n*x*\n</div>", "P &lt;div&gt;\n<i>x</i>\n&lt;/div&gt;\n");
}

static void
test_link_quotes (void)
{
  g_autoptr(GPtrArray) blocks = NULL;
  ChatBlock *block = parse_one (&blocks, "[x](http://a.com/?q=\"1\"&r='2'&amp;s=<3>) "
                                         "[y](<http://b.com/a b> \"T\")");
  g_autofree char *text = markup_to_text (block->markup);

  g_assert_cmpstr (block->markup, ==,
                   "<a href=\"http://a.com/?q=&quot;1&quot;&amp;r=&#39;2&#39;&amp;s=&lt;3&gt;\">x</a> "
                   "<a href=\"http://b.com/a b\">y</a>");
  g_assert_cmpstr (text, ==, "x y");
}

static void
test_entities (void)
{
  g_autoptr(GPtrArray) blocks = NULL;
  ChatBlock *block = parse_one (&blocks, "&amp; &lt;b&gt; &copy; &#x4E2D;&#25991; &#0; "
                                         "&#x110000; &nosuch; &nbsp;.");
  g_autofree char *text = markup_to_text (block->markup);

  g_assert_cmpstr (text, ==, "& <b> © 中文 \xEF\xBF\xBD \xEF\xBF\xBD &nosuch; \xC2\xA0.");
  g_assert_cmpstr (block->markup, ==, "&amp; &lt;b&gt; © 中文 \xEF\xBF\xBD \xEF\xBF\xBD "
                                      "&amp;nosuch; \xC2\xA0.");
  /* In a link target too. */
  assert_blocks ("[a](http://x/?a=1&amp;b=&#50;)", "P <a href=\"http://x/?a=1&amp;b=2\">a</a>\n");
}

static void
test_headings (void)
{
  assert_blocks ("# One\n## Two *em*\n### Three\n#### Four\n##### Five\n###### Six\n"
                 "####### Seven\n\nSetext\n===\n\nSub\n---\n",
                 "H1 One\nH2 Two <i>em</i>\nH3 Three\nH4 Four\nH5 Five\nH6 Six\n"
                 "P ####### Seven\nH1 Setext\nH2 Sub\n");
}

static void
test_lists (void)
{
  assert_blocks ("- one\n- two\n  - nested\n    1. deep\n- three\n",
                 "LI1 • one\nLI1 • two\nLI2 • nested\nLI3 1. deep\nLI1 • three\n");
  assert_blocks ("3. three\n1. four\n\n   more\n10. five\n",
                 "LI1 3. three\nLI1 4. four\n\nmore\nLI1 5. five\n");
  assert_blocks ("- [ ] todo\n- [x] done\n- [X] **Done**\n",
                 "LI1 ☐ todo\nLI1 ☑ done\nLI1 ☑ <b>Done</b>\n");
  /* After a code block, the rest of the item continues without a marker;
   * an item that starts with a block shows its marker on its own. */
  assert_blocks ("- first\n\n  ```sh\n  ls\n  ```\n\n  after\n-\n- - inner\n",
                 "LI1 • first\nCODE sh|ls\nLI1  after\nLI1 • \nLI1 • \nLI2 • inner\n");
}

static void
test_quotes (void)
{
  assert_blocks ("> one\n> **two**\n>\n> > nested\n> ```c\n> int x;\n> ```\n> - item\n\nafter",
                 "Q1 one\n<b>two</b>\nQ2 nested\nCODE c|int x;\nLI1 • item\nP after\n");
}

static void
test_code (void)
{
  assert_blocks ("```python extra words\nif a < b and c & d:\n    print(\"<b>\")\n```\n",
                 "CODE python|if a < b and c & d:\n    print(\"<b>\")\n");
  assert_blocks ("~~~\n\n  keep\t spaces  \n\n~~~\n", "CODE -|\n  keep\t spaces  \n\n");
  assert_blocks ("    indented\n      more\n", "CODE -|indented\n  more\n");
  assert_blocks ("```\n```\n", "CODE -|\n");
  assert_blocks ("```js\nlet a = 1;\nlet b", "CODE js|let a = 1;\nlet b\n");
  assert_blocks ("```c++\nx\n````\n", "CODE c++|x\n");
  /* The language is plain text, not markup. */
  assert_blocks ("```a&amp;<b> more\nx\n```\n", "CODE a&<b>|x\n");
}

static void
test_tables (void)
{
  g_autoptr(GPtrArray) blocks = NULL;
  ChatBlock *table = parse_one (&blocks, "| Name | 数量 | Price | Note |\n"
                                         "|:-----|:----:|------:|------|\n"
                                         "| *a* | 一 | 1 & 2 | <b> |\n"
                                         "| b | 二 |\n");

  g_assert_cmpint (table->kind, ==, CHAT_BLOCK_TABLE);
  g_assert_cmpuint (table->n_columns, ==, 4);
  g_assert_cmpuint (chat_block_get_n_rows (table), ==, 3);
  g_assert_cmpint (table->alignments[0], ==, CHAT_ALIGN_LEFT);
  g_assert_cmpint (table->alignments[1], ==, CHAT_ALIGN_CENTER);
  g_assert_cmpint (table->alignments[2], ==, CHAT_ALIGN_RIGHT);
  g_assert_cmpint (table->alignments[3], ==, CHAT_ALIGN_DEFAULT);
  assert_blocks ("| Name | 数量 | Price | Note |\n|:-----|:----:|------:|------|\n"
                 "| *a* | 一 | 1 & 2 | <b> |\n| b | 二 |\n| c | d | e | f | extra |\n",
                 "TABLE / Name|数量|Price|Note / <i>a</i>|一|1 &amp; 2|&lt;b&gt;"
                 " / b|二|| / c|d|e|f\n");
  g_assert_cmpuint (chat_block_get_n_rows (g_ptr_array_index (blocks, 0)), ==, 3);
}

static void
test_rule_and_chinese (void)
{
  assert_blocks ("前言\n\n---\n\n***\n\n## 第二章 *重点*\n\n这是**中文**段落，包含`代码`和[链接](https://example.cn/路径)。\n",
                 "P 前言\nHR\nHR\nH2 第二章 <i>重点</i>\n"
                 "P 这是<b>中文</b>段落，包含<tt>代码</tt>和"
                 "<a href=\"https://example.cn/路径\">链接</a>。\n");
}

static void
assert_range (GPtrArray  *blocks,
              guint       index,
              const char *source,
              const char *expected)
{
  ChatBlock *block = g_ptr_array_index (blocks, index);
  g_autofree char *range = g_strndup (source + block->source_start,
                                      block->source_end - block->source_start);

  g_assert_cmpstr (range, ==, expected);
}

static void
test_ranges (void)
{
  const char *source = "# Title\n\ntext\nmore\n\n---\n```py\ncode\n```\n- a\n- b\n\n| x |\n|---|\n| 1 |";
  g_autoptr(GPtrArray) blocks = chat_markdown_parse (source, -1);

  g_assert_cmpuint (blocks->len, ==, 7);
  assert_range (blocks, 0, source, "# Title\n");
  assert_range (blocks, 1, source, "text\nmore\n");
  assert_range (blocks, 2, source, "");   /* the rule has no text */
  g_assert_cmpuint (((ChatBlock *) g_ptr_array_index (blocks, 2))->source_start, ==, 24);
  assert_range (blocks, 3, source, "```py\ncode\n");
  assert_range (blocks, 4, source, "- a\n");
  assert_range (blocks, 5, source, "- b\n");
  assert_range (blocks, 6, source, "| x |\n|---|\n| 1 |");
}

static void
test_block_equal (void)
{
  g_autoptr(GPtrArray) a = chat_markdown_parse ("| a | b |\n|---|--:|\n| 1 | 2 |\n\n```c\nx\n```", -1);
  g_autoptr(GPtrArray) b = chat_markdown_parse ("| a | b |\n|---|--:|\n| 1 | 2 |\n\n```c\nx\n```", -1);
  g_autoptr(GPtrArray) c = chat_markdown_parse ("| a | b |\n|---|:-:|\n| 1 | 2 |\n\n```cc\nx\n```", -1);

  for (guint i = 0; i < a->len; i++)
    {
      g_assert_true (chat_block_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
      g_assert_false (chat_block_equal (g_ptr_array_index (a, i), g_ptr_array_index (c, i)));
    }
}

/* Streaming */

static void
assert_same_blocks (GPtrArray  *actual,
                    GPtrArray  *expected,
                    const char *text,
                    gsize       length)
{
  gboolean same = actual->len == expected->len;

  for (guint i = 0; same && i < actual->len; i++)
    {
      ChatBlock *a = g_ptr_array_index (actual, i);
      ChatBlock *b = g_ptr_array_index (expected, i);

      same = chat_block_equal (a, b) && a->source_start == b->source_start
             && a->source_end == b->source_end;
    }
  if (!same)
    {
      g_autofree char *got = describe (actual);
      g_autofree char *want = describe (expected);

      g_test_message ("after %" G_GSIZE_FORMAT " bytes of:\n%.*s", length, (int) length, text);
      g_assert_cmpstr (got, ==, want);
      g_assert_not_reached ();   /* same text, different ranges */
    }
}

static void
test_stream_basic (void)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  GPtrArray *blocks = chat_markdown_stream_get_blocks (stream);
  const char *text = "# Title\n\nFirst paragraph.\n\nSecond";
  ChatBlock *title, *first;

  g_assert_cmpuint (chat_markdown_stream_update (stream, text, strlen (text)), ==, 0);
  g_assert_cmpuint (blocks->len, ==, 3);
  title = g_ptr_array_index (blocks, 0);
  first = g_ptr_array_index (blocks, 1);

  text = "# Title\n\nFirst paragraph.\n\nSecond one";
  g_assert_cmpuint (chat_markdown_stream_update (stream, text, strlen (text)), ==, 2);
  g_assert_true (g_ptr_array_index (blocks, 0) == title);
  g_assert_true (g_ptr_array_index (blocks, 1) == first);

  /* Nothing visible changes: the count of blocks comes back. */
  text = "# Title\n\nFirst paragraph.\n\nSecond one\n";
  g_assert_cmpuint (chat_markdown_stream_update (stream, text, strlen (text)), ==, 3);

  text = "# Title\n\nFirst paragraph.\n\nSecond one\n\n";
  g_assert_cmpuint (chat_markdown_stream_update (stream, text, strlen (text)), ==, 3);

  /* A text that does not extend the last one starts over. */
  text = "# Other";
  g_assert_cmpuint (chat_markdown_stream_update (stream, text, strlen (text)), ==, 0);
  g_assert_cmpuint (blocks->len, ==, 1);
  g_assert_cmpstr (((ChatBlock *) g_ptr_array_index (blocks, 0))->markup, ==, "Other");
}

static void
test_stream_unclosed_fence (void)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  GPtrArray *blocks = chat_markdown_stream_get_blocks (stream);
  const char *steps[] = {
    "Intro.\n\n``", "Intro.\n\n```py", "Intro.\n\n```py\ndef f", "Intro.\n\n```py\ndef f():\n\n\n",
    "Intro.\n\n```py\ndef f():\n\n\nOutside?\n\n", "Intro.\n\n```py\ndef f():\n\n\nOutside?\n\n``",
    "Intro.\n\n```py\ndef f():\n\n\nOutside?\n\n```\n\nAfter.",
  };
  const char *described[] = {
    "P Intro.\nP ``\n", "P Intro.\nCODE py|\n", "P Intro.\nCODE py|def f\n",
    "P Intro.\nCODE py|def f():\n\n\n", "P Intro.\nCODE py|def f():\n\n\nOutside?\n\n",
    "P Intro.\nCODE py|def f():\n\n\nOutside?\n\n``\n",
    "P Intro.\nCODE py|def f():\n\n\nOutside?\n\nP After.\n",
  };
  ChatBlock *intro = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      guint changed = chat_markdown_stream_update (stream, steps[i], strlen (steps[i]));
      g_autofree char *got = describe (blocks);

      g_assert_cmpstr (got, ==, described[i]);
      g_assert_cmpuint (changed, ==, i == 0 ? 0 : 1);
      if (intro != NULL)
        g_assert_true (g_ptr_array_index (blocks, 0) == intro);
      intro = g_ptr_array_index (blocks, 0);
    }
}

/* Documents for the property test: every block kind, and the places where
 * a naive "parse the last block" goes wrong. */
static const char * const documents[] = {
  "# 标题\n\n这是一个**中文**段落，带有`代码`。\n第二行。\n\n- 项目一\n- 项目二\n  - 嵌套\n\n"
  "> 引用\n> > 嵌套引用\n\n| 列一 | 列二 |\n|:---|---:|\n| 甲 | 乙 |\n\n---\n\n结束。",
  "Intro paragraph.\n\n```python\ndef f(x):\n\n    return x < 1 and x & 2\n\n\nNot after\n"
  "```\n\nAfter the fence.\n\n~~~\nunclosed tilde fence\n\nstill code\n",
  "1. one\n2. two\n\n   para in two\n\n3. three\n   - sub\n\n     sub para\n\n"
  "   ```\n   code in item\n   ```\n\n4. four\n\nOutside.\n\n- [ ] task\n- [x] done\n",
  "> quote one\nlazy line\n\n> quote two\n>\n> > deeper\n\n```\nin fence\n\n> not quote\n```\n"
  "Para\n===\n\nPara two\n---\n\n- a\n\n\n- b\n\nend",
  "Some [ref] text.\n\nMore [text][r2].\n\n[ref]: https://example.com\n[r2]: <http://x.y> \"T\"\n\nEnd.",
  "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\nnot a row?\n\n| c |\n|:-:|\n\n"
  "    indented code\n\n    more\nText\n\n***\n* item\n\n* item2\n\n2) paren\n3) list\n",
  "Line one\r\n\r\n- crlf item\r\n\r\nText\r\n\r\n```\r\ncode\r\n```\r\n\r\n中文\r\n",
  "tab\tseparated\n\n\t- not a list\n\n-\tlist with tab\n\n10. ten\n11. eleven\n\n"
  "&amp; entity &#x4E2D; <b>raw</b> **bold *both*** ~~del~~ ![img](u.png) www.example.com\n\n"
  "```\n\n\n```\n\n* * *\n\nfin",
  "Here is the code:\n\n```python\nimport os\n\n\ndef main():\n    print(\"你好\")  # 中文\n"
  "    return [x for x in range(3)]\n\n  \n        deep\n\tlet tab\n``\n````\n```x\n```\n"
  "after\n\n```\nopen at the end\n\n   \n",
  "3. three\n4. four **bold**\n   - nested\n   - [ ] task\n5. five\n6. [x] six\n7. seven\n"
  "   continued\nlazy line\n8. eight\n9. nine\n10. ten\n11. eleven\n\n12. twelve\n\nEnd.\n",
};

static const char * const fragments[] = {
  "Text", "more text", "中文字", "**bold", "*em*", "`code`", "# H", "## Title", "- item",
  "* star", "1. one", "2) two", "- [ ] task", "> quote", "> > deep", "```py", "```", "~~~",
  "    indent", "  two spaces", "| a | b |", "|---|:-:|", "---", "===", "***", "[r]: /u",
  "[r]", "<b>x</b>", "&amp;", "\t", "", "", "", "https://a.b", "\\", "a  ", ">",
};

/* Feeds @text growing by 1..max_step bytes (at UTF-8 boundaries) and
 * checks the stream against a full parse after every step. */
static void
check_stream (const char *text,
              guint       max_step)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GPtrArray) previous = g_ptr_array_new ();
  gsize length = strlen (text);
  gsize position = 0;

  while (position < length)
    {
      gsize step = g_test_rand_int_range (1, max_step + 1);
      GPtrArray *expected;
      GPtrArray *blocks;
      guint changed;

      position = MIN (length, position + step);
      while (position < length && (text[position] & 0xC0) == 0x80)
        position++;
      changed = chat_markdown_stream_update (stream, text, position);
      blocks = chat_markdown_stream_get_blocks (stream);
      expected = chat_markdown_parse (text, position);
      assert_same_blocks (blocks, expected, text, position);
      /* Blocks before @changed are the very same; the one at it is not
       * (or it is gone). */
      g_assert_cmpuint (changed, <=, blocks->len);
      for (guint i = 0; i < changed; i++)
        g_assert_true (g_ptr_array_index (blocks, i) == g_ptr_array_index (kept, i));
      if (changed < blocks->len && changed < previous->len)
        g_assert_false (chat_block_equal (g_ptr_array_index (blocks, changed),
                                          g_ptr_array_index (previous, changed)));
      g_ptr_array_set_size (kept, 0);
      for (guint i = 0; i < blocks->len; i++)
        g_ptr_array_add (kept, g_ptr_array_index (blocks, i));
      g_ptr_array_unref (previous);
      previous = expected;
    }
}

static void
test_stream_property (void)
{
  static const guint max_steps[] = { 1, 3, 8, 40 };

  for (guint d = 0; d < G_N_ELEMENTS (documents); d++)
    for (guint s = 0; s < G_N_ELEMENTS (max_steps); s++)
      check_stream (documents[d], max_steps[s]);
}

/* Random documents out of fragments that start and stop blocks. */
static void
test_stream_random (void)
{
  static const char * const separators[] = { "\n", "\n\n", " ", "\n   ", "\n\n  " };

  for (guint n = 0; n < 300; n++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint n_fragments = g_test_rand_int_range (1, 40);

      for (guint i = 0; i < n_fragments; i++)
        {
          g_string_append (text, fragments[g_test_rand_int_range (0, G_N_ELEMENTS (fragments))]);
          g_string_append (text, separators[g_test_rand_int_range (0, G_N_ELEMENTS (separators))]);
        }
      check_stream (text->str, g_test_rand_int_range (1, 12));
    }
}

/* A reference definition arriving last turns an earlier "[ref]" into a
 * link, so the stream must look back past its restart point. */
static void
test_stream_reference (void)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  const char *before = "See [ref].\n\nMiddle.\n\nMore.\n\n";
  g_autofree char *after = g_strconcat (before, "[ref]: https://example.com\n", NULL);
  GPtrArray *blocks;

  chat_markdown_stream_update (stream, before, strlen (before));
  g_assert_cmpuint (chat_markdown_stream_update (stream, after, strlen (after)), ==, 0);
  blocks = chat_markdown_stream_get_blocks (stream);
  g_assert_cmpstr (((ChatBlock *) g_ptr_array_index (blocks, 0))->markup, ==,
                   "See <a href=\"https://example.com\">ref</a>.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/markdown/escape", test_escape);
  g_test_add_func ("/markdown/inline", test_inline);
  g_test_add_func ("/markdown/markup-literal", test_markup_literal);
  g_test_add_func ("/markdown/link-quotes", test_link_quotes);
  g_test_add_func ("/markdown/entities", test_entities);
  g_test_add_func ("/markdown/headings", test_headings);
  g_test_add_func ("/markdown/lists", test_lists);
  g_test_add_func ("/markdown/quotes", test_quotes);
  g_test_add_func ("/markdown/code", test_code);
  g_test_add_func ("/markdown/tables", test_tables);
  g_test_add_func ("/markdown/rule-and-chinese", test_rule_and_chinese);
  g_test_add_func ("/markdown/ranges", test_ranges);
  g_test_add_func ("/markdown/block-equal", test_block_equal);
  g_test_add_func ("/markdown/stream/basic", test_stream_basic);
  g_test_add_func ("/markdown/stream/unclosed-fence", test_stream_unclosed_fence);
  g_test_add_func ("/markdown/stream/property", test_stream_property);
  g_test_add_func ("/markdown/stream/random", test_stream_random);
  g_test_add_func ("/markdown/stream/reference", test_stream_reference);

  return g_test_run ();
}
