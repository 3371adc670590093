/* test-markdown-view.c: ChatMarkdownView and ChatCodeBlock under Xvfb
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the user would see is read from the view's widgets.  A rich sample
 * is saved as screenshots/markdown-light.png and markdown-dark.png beside
 * this program.
 */

#include <string.h>

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "chat-code-block.h"
#include "chat-markdown.h"
#include "chat-markdown-view.h"
#include "ui-test-util.h"

#define WAIT_SECONDS 30

static const char rich_sample[] =
  "# Streaming Markdown\n\n"
  "A paragraph with **bold**, *italic*, `inline code`, ~~struck~~ text and a "
  "[link to GNOME](https://www.gnome.org). Model text such as <b>tags</b> & "
  "<span foreground=\"red\">spans</span> stays literal.\n\n"
  "## Lists\n\n"
  "1. First step\n2. Second step\n   - a nested point\n   - another one\n3. Third step\n\n"
  "- [x] Parse incrementally\n- [ ] Highlight on idle\n\n"
  "> A quote: only the unfinished last block is parsed again.\n\n"
  "| Language | Lines | Notes |\n|:---------|------:|:-----:|\n"
  "| C | 1200 | fast |\n| Python | 300 | 简洁 |\n\n"
  "```c\n#include <stdio.h>\n\nint\nmain (void)\n{\n  printf (\"Hello, %s!\\n\", \"world\");\n"
  "  return 0; /* a long comment that makes this line wider than the view, so it scrolls */\n}\n```\n\n"
  "```python\ndef greet(name: str) -> str:\n    \"\"\"Say hello.\"\"\"\n    return f\"你好, {name}\"\n```\n\n"
  "---\n\n"
  "### 中文段落\n\n"
  "这是一个中文段落，包含**粗体**、`代码`和[链接](https://example.cn)。流式输出时，只重新解析最后一个未完成的块，"
  "所以即使回复很长，界面也能保持流畅。\n";

/* --- waiting ------------------------------------------------------------- */

static gboolean
keep_awake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

#define WAIT_UNTIL(condition) \
  G_STMT_START { \
    gint64 end_ = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC; \
    guint awake_ = g_timeout_add (10, keep_awake, NULL); \
    while (!(condition)) \
      { \
        if (g_get_monotonic_time () > end_) \
          g_error ("timed out waiting for %s", #condition); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (awake_); \
  } G_STMT_END

/* Lets a few frames go by (layout, drawing, highlighting on idle). */
static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  WAIT_UNTIL (g_get_monotonic_time () > end);
}

/* --- reading the view ---------------------------------------------------- */

static GPtrArray *
children (GtkWidget *widget)
{
  GPtrArray *list = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_ptr_array_add (list, child);
  return list;
}

/* The widgets of the view's blocks, in order (they sit in pages). */
static GPtrArray *
blocks_of (ChatMarkdownView *view)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; i < chat_markdown_view_get_n_blocks (view); i++)
    g_ptr_array_add (list, chat_markdown_view_get_block_widget (view, i));
  return list;
}

static GtkWidget *
block_at (ChatMarkdownView *view,
          guint             index)
{
  g_assert_cmpuint (index, <, chat_markdown_view_get_n_blocks (view));
  return chat_markdown_view_get_block_widget (view, index);
}

/* The first widget of @type in @widget's tree, depth first. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
dup_buffer_text (GtkWidget *source_view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (source_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static ChatMarkdownView *
new_view (const char *markdown)
{
  ChatMarkdownView *view = CHAT_MARKDOWN_VIEW (g_object_ref_sink (chat_markdown_view_new ()));

  chat_markdown_view_set_markdown (view, markdown);
  return view;
}

/* --- tests --------------------------------------------------------------- */

static void
test_block_widgets (void)
{
  g_autoptr(ChatMarkdownView) view = new_view ("# Title\n\nText *here*.\n\n- item\n  - nested\n\n"
                                               "> quoted\n\n```py\nx = 1\n```\n\n"
                                               "| a | b |\n|---|--:|\n| 1 | 2 |\n\n---\n");
  g_autoptr(GPtrArray) list = blocks_of (view);
  GtkWidget *item, *code, *grid;

  g_assert_cmpuint (list->len, ==, 8);
  g_assert_true (GTK_IS_LABEL (list->pdata[0]));
  g_assert_true (gtk_widget_has_css_class (list->pdata[0], "title-1"));
  g_assert_cmpstr (gtk_label_get_text (list->pdata[0]), ==, "Title");
  g_assert_true (GTK_IS_LABEL (list->pdata[1]));
  g_assert_cmpstr (gtk_label_get_text (list->pdata[1]), ==, "Text here.");
  g_assert_true (gtk_label_get_selectable (list->pdata[1]));
  g_assert_true (gtk_label_get_wrap (list->pdata[1]));

  /* A list item: the marker hangs left of the text; nested items are
   * indented. */
  item = list->pdata[2];
  g_assert_true (GTK_IS_LABEL (item));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (chat_markdown_view_get_block_marker (view, 2))), ==, "•");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (item)), ==, "item");
  g_assert_cmpint (gtk_widget_get_margin_start (chat_markdown_view_get_block_marker (view, 3)), >,
                   gtk_widget_get_margin_start (chat_markdown_view_get_block_marker (view, 2)));
  g_assert_null (chat_markdown_view_get_block_marker (view, 1));

  g_assert_true (gtk_widget_has_css_class (list->pdata[4], "markdown-quote"));
  g_assert_true (GTK_IS_LABEL (list->pdata[4]));
  g_assert_true (gtk_widget_has_css_class (list->pdata[4], "dim-label"));
  g_assert_cmpstr (gtk_label_get_text (list->pdata[4]), ==, "quoted");

  code = list->pdata[5];
  g_assert_true (CHAT_IS_CODE_BLOCK (code));
  g_assert_true (GTK_SOURCE_IS_VIEW (chat_code_block_get_source_view (CHAT_CODE_BLOCK (code))));

  g_assert_true (GTK_IS_SCROLLED_WINDOW (list->pdata[6]));
  grid = find_widget (list->pdata[6], GTK_TYPE_GRID);
  g_assert_nonnull (grid);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 0, 0))), ==,
                   "<b>a</b>");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 1, 2))), ==, "2");
  g_assert_cmpfloat (gtk_label_get_xalign (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 1, 2))), ==, 1);

  g_assert_true (GTK_IS_SEPARATOR (list->pdata[7]));
}

static void
on_text_read (GObject      *clipboard,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (clipboard), result, &error);
  g_assert_no_error (error);
}

static void
test_code_block (void)
{
  g_autoptr(ChatMarkdownView) view = new_view ("```c++\nint x = 1 < 2 && 3 > 2; // <b>\n```");
  ChatCodeBlock *code = CHAT_CODE_BLOCK (block_at (view, 0));
  GtkWidget *source_view = chat_code_block_get_source_view (code);
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (source_view)));
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (source_view, GTK_TYPE_SCROLLED_WINDOW));
  g_autofree char *text = dup_buffer_text (source_view);
  GtkPolicyType hpolicy, vpolicy;
  GtkWidget *copy;
  g_autofree char *copied = NULL;

  /* Raw text, no markup; C++ highlighting; read-only and monospace. */
  g_assert_cmpstr (text, ==, "int x = 1 < 2 && 3 > 2; // <b>");
  g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (buffer)), ==, "cpp");
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (source_view)));
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (source_view)));
  g_assert_cmpint (gtk_text_view_get_wrap_mode (GTK_TEXT_VIEW (source_view)), ==, GTK_WRAP_NONE);
  gtk_scrolled_window_get_policy (scroller, &hpolicy, &vpolicy);
  g_assert_cmpint (hpolicy, ==, GTK_POLICY_AUTOMATIC);
  g_assert_cmpint (vpolicy, ==, GTK_POLICY_NEVER);

  /* The copy button is named for screen readers. */
  copy = find_widget (GTK_WIDGET (code), GTK_TYPE_BUTTON);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (copy)), ==, "edit-copy-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (copy), ==, "Copy code");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (code), "code.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (code)), NULL, on_text_read, &copied);
  WAIT_UNTIL (copied != NULL);
  g_assert_cmpstr (copied, ==, "int x = 1 < 2 && 3 > 2; // <b>");
}

static void
test_languages (void)
{
  static const char * const expected[][2] = {
    { "py", "python3" }, { "Python", "python3" }, { "js", "js" }, { "ts", "typescript" },
    { "sh", "sh" }, { "bash", "sh" }, { "c++", "cpp" }, { "C", "c" }, { "rust", "rust" },
    { "rs", "rust" }, { "go", "go" }, { "json", "json" }, { "yml", "yaml" }, { "cs", "c-sharp" },
    { "java", "java" }, { "toml", "toml" }, { "dockerfile", "docker" }, { "diff", "diff" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (chat_code_block_lookup_language (expected[i][0]), ==, expected[i][1]);
  g_assert_null (chat_code_block_lookup_language ("no-such-language"));
  g_assert_null (chat_code_block_lookup_language (""));
  g_assert_null (chat_code_block_lookup_language (NULL));
}

/* A huge block is shown plain: highlighting it would stall. */
static void
test_huge_code (void)
{
  g_autoptr(GString) markdown = g_string_new ("```python\n");
  g_autoptr(ChatMarkdownView) view = NULL;
  GtkSourceBuffer *buffer;

  for (guint i = 0; i < 2500; i++)
    g_string_append_printf (markdown, "x_%u = %u\n", i, i);
  view = new_view (markdown->str);
  buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
             chat_code_block_get_source_view (CHAT_CODE_BLOCK (block_at (view, 0))))));
  g_assert_false (gtk_source_buffer_get_highlight_syntax (buffer));
  chat_markdown_view_set_markdown (view, "```python\nx = 1\n```");
  g_assert_true (gtk_source_buffer_get_highlight_syntax (buffer));
}

static void
test_markup_literal (void)
{
  const char *source = "<b>x</b> & <span foreground=\"red\">y</span> &amp; 'q' \"d\"";
  g_autoptr(ChatMarkdownView) view = new_view (source);
  GtkLabel *label = GTK_LABEL (block_at (view, 0));

  g_assert_cmpstr (gtk_label_get_text (label), ==,
                   "<b>x</b> & <span foreground=\"red\">y</span> & 'q' \"d\"");
  chat_markdown_view_set_markdown (view, "`<i>code</i>` and **<u>bold</u>**");
  label = GTK_LABEL (block_at (view, 0));
  g_assert_cmpstr (gtk_label_get_text (label), ==, "<i>code</i> and <u>bold</u>");
}

static void
test_chinese (void)
{
  g_autoptr(ChatMarkdownView) view = new_view ("## 标题\n\n这是**中文**，不是乱码。\n\n- 第一项\n");
  g_autoptr(GPtrArray) list = blocks_of (view);

  g_assert_cmpstr (gtk_label_get_text (list->pdata[0]), ==, "标题");
  g_assert_cmpstr (gtk_label_get_text (list->pdata[1]), ==, "这是中文，不是乱码。");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (list->pdata[2])), ==, "第一项");
}

static void
test_link_policy (void)
{
  static const char * const openable[] = {
    "http://example.com", "https://example.com/a?b=c#d", "HTTPS://EXAMPLE.COM", "Http://x.org",
  };
  static const char * const refused[] = {
    "file:///etc/passwd", "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>",
    "mailto:me@example.com", "ftp://example.com", "liao://x", "example.com", "//example.com",
    "/etc/passwd", "", " https://example.com", "httpx://example.com",
  };
  g_autoptr(ChatMarkdownView) view = new_view ("[run](javascript:alert(1)) [file](file:///etc/passwd)");
  GtkLabel *label = GTK_LABEL (block_at (view, 0));
  gboolean handled = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (openable); i++)
    g_assert_true (chat_markdown_view_uri_is_openable (openable[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_false (chat_markdown_view_uri_is_openable (refused[i]));
  g_assert_false (chat_markdown_view_uri_is_openable (NULL));

  /* The label's own handler would open anything: the view's swallows it. */
  g_signal_emit_by_name (label, "activate-link", "javascript:alert(1)", &handled);
  g_assert_true (handled);
  handled = FALSE;
  g_signal_emit_by_name (label, "activate-link", "file:///etc/passwd", &handled);
  g_assert_true (handled);
}

/* Streaming: the widgets of blocks before the first changed one stay. */
static void
test_incremental (void)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  g_autoptr(ChatMarkdownView) view = CHAT_MARKDOWN_VIEW (g_object_ref_sink (chat_markdown_view_new ()));
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GPtrArray *blocks = chat_markdown_stream_get_blocks (stream);
  const char *text = "# Title\n\nFirst paragraph.\n\nSecond";
  guint changed;

  changed = chat_markdown_stream_update (stream, text, strlen (text));
  chat_markdown_view_set_blocks (view, blocks, changed);
  before = blocks_of (view);
  g_assert_cmpuint (before->len, ==, 3);

  text = "# Title\n\nFirst paragraph.\n\nSecond paragraph.\n\n- one\n- two";
  changed = chat_markdown_stream_update (stream, text, strlen (text));
  g_assert_cmpuint (changed, ==, 2);
  chat_markdown_view_set_blocks (view, blocks, changed);
  after = blocks_of (view);
  g_assert_cmpuint (after->len, ==, blocks->len);
  g_assert_cmpuint (after->len, ==, 5);
  for (guint i = 0; i < 3; i++)
    g_assert_true (after->pdata[i] == before->pdata[i]);
  g_assert_cmpstr (gtk_label_get_text (after->pdata[2]), ==, "Second paragraph.");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (after->pdata[4])), ==, "two");

  /* A shorter, different text: what is gone goes. */
  text = "Other";
  changed = chat_markdown_stream_update (stream, text, strlen (text));
  chat_markdown_view_set_blocks (view, blocks, changed);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = blocks_of (view);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (gtk_label_get_text (after->pdata[0]), ==, "Other");
}

/* A code block that grows keeps its widget; the new lines are appended. */
static void
test_code_grows (void)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  g_autoptr(ChatMarkdownView) view = CHAT_MARKDOWN_VIEW (g_object_ref_sink (chat_markdown_view_new ()));
  GPtrArray *blocks = chat_markdown_stream_get_blocks (stream);
  g_autoptr(GString) text = g_string_new ("Some code:\n\n```python\n");
  GtkWidget *code = NULL, *source_view = NULL;

  for (guint i = 0; i < 200; i++)
    {
      guint changed;
      g_autofree char *shown = NULL;
      ChatBlock *last;

      g_string_append_printf (text, "print(%u)  # 第%u行\n", i, i);
      changed = chat_markdown_stream_update (stream, text->str, text->len);
      chat_markdown_view_set_blocks (view, blocks, changed);
      if (code == NULL)
        {
          code = block_at (view, 1);
          source_view = chat_code_block_get_source_view (CHAT_CODE_BLOCK (code));
        }
      g_assert_true (block_at (view, 1) == code);
      g_assert_true (chat_code_block_get_source_view (CHAT_CODE_BLOCK (code)) == source_view);
      last = g_ptr_array_index (blocks, blocks->len - 1);
      shown = dup_buffer_text (source_view);
      g_assert_cmpstr (shown, ==, last->text);
    }
  /* The fence closes and text follows: still the same code widget. */
  g_string_append (text, "```\n\nDone.");
  chat_markdown_view_set_blocks (view, blocks, chat_markdown_stream_update (stream, text->str, text->len));
  g_assert_true (block_at (view, 1) == code);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (block_at (view, 2))), ==, "Done.");
}


/* --- long answers: pages, and drawing what can be seen -------------------- */

static char *
paragraphs (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "Paragraph %u: a few words so that it is a line of text.\n\n", i);
  return g_string_free (text, FALSE);
}

static guint
n_children (GtkWidget *widget)
{
  g_autoptr(GPtrArray) list = children (widget);

  return list->len;
}

/* Blocks are grouped in pages, in order; a shorter text drops pages. */
static void
test_pages (void)
{
  g_autofree char *long_text = paragraphs (100);
  g_autofree char *short_text = paragraphs (40);
  g_autoptr(ChatMarkdownView) view = new_view (long_text);
  GtkWidget *first_page;

  g_assert_cmpuint (chat_markdown_view_get_n_blocks (view), ==, 100);
  g_assert_cmpuint (n_children (GTK_WIDGET (view)), ==, 4);
  for (guint i = 0; i < 100; i++)
    {
      GtkWidget *block = block_at (view, i);
      g_autofree char *expected = g_strdup_printf ("Paragraph %u: a few words so that it is a line of text.", i);

      g_assert_true (gtk_widget_get_parent (gtk_widget_get_parent (block)) == GTK_WIDGET (view));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (block)), ==, expected);
    }
  first_page = gtk_widget_get_first_child (GTK_WIDGET (view));
  g_assert_cmpuint (n_children (first_page), ==, 32);

  chat_markdown_view_set_markdown (view, short_text);
  g_assert_cmpuint (chat_markdown_view_get_n_blocks (view), ==, 40);
  g_assert_cmpuint (n_children (GTK_WIDGET (view)), ==, 2);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (block_at (view, 39))), ==,
                   "Paragraph 39: a few words so that it is a line of text.");
  chat_markdown_view_set_markdown (view, "");
  g_assert_cmpuint (n_children (GTK_WIDGET (view)), ==, 0);
}

/* Streaming across a page boundary keeps every earlier widget. */
static void
test_pages_stream (void)
{
  g_autoptr(ChatMarkdownStream) stream = chat_markdown_stream_new ();
  g_autoptr(ChatMarkdownView) view = CHAT_MARKDOWN_VIEW (g_object_ref_sink (chat_markdown_view_new ()));
  GPtrArray *blocks = chat_markdown_stream_get_blocks (stream);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) before = NULL;

  for (guint i = 0; i < 70; i++)
    {
      g_string_append_printf (text, "Item %u\n\n", i);
      chat_markdown_view_set_blocks (view, blocks, chat_markdown_stream_update (stream, text->str, text->len));
      if (i == 30)
        before = blocks_of (view);
    }
  g_assert_cmpuint (chat_markdown_view_get_n_blocks (view), ==, 70);
  g_assert_cmpuint (n_children (GTK_WIDGET (view)), ==, 3);
  for (guint i = 0; i < before->len - 1; i++)
    g_assert_true (block_at (view, i) == before->pdata[i]);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (block_at (view, 69))), ==, "Item 69");
}

static guint
count_text_nodes (GskRenderNode *node)
{
  guint n = 0;

  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXT_NODE:
      return 1;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        n += count_text_nodes (gsk_container_node_get_child (node, i));
      return n;
    case GSK_TRANSFORM_NODE: return count_text_nodes (gsk_transform_node_get_child (node));
    case GSK_CLIP_NODE: return count_text_nodes (gsk_clip_node_get_child (node));
    case GSK_ROUNDED_CLIP_NODE: return count_text_nodes (gsk_rounded_clip_node_get_child (node));
    case GSK_OPACITY_NODE: return count_text_nodes (gsk_opacity_node_get_child (node));
    case GSK_COLOR_MATRIX_NODE: return count_text_nodes (gsk_color_matrix_node_get_child (node));
    case GSK_DEBUG_NODE: return count_text_nodes (gsk_debug_node_get_child (node));
    default:
      return 0;
    }
}

static guint
drawn_text_nodes (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_to_node (snapshot);
  return node != NULL ? count_text_nodes (node) : 0;
}

/* Whether the band of @height rows at @y of the window's picture holds
 * text: some pixels much darker than the light background. */
static gboolean
band_has_text (GtkWidget *window,
               int        y,
               int        height)
{
  int width = gtk_widget_get_width (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  gsize stride = width * 4;
  guint dark = 0;

  gdk_paintable_snapshot (paintable, snapshot, width, gtk_widget_get_height (window));
  node = gtk_snapshot_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, y, width, height));
  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * height; i += 4)
    dark += pixels[i] < 100 && pixels[i + 1] < 100 && pixels[i + 2] < 100;
  return dark > 20;
}

static void
assert_view_drawn (GtkWidget     *window,
                   GtkWidget     *view,
                   GtkAdjustment *adjustment)
{
  guint drawn = drawn_text_nodes (view);

  g_test_message ("at %.0f of %.0f px: %u text nodes drawn", gtk_adjustment_get_value (adjustment),
                  gtk_adjustment_get_upper (adjustment), drawn);
  /* The viewport holds about fifteen one-line paragraphs. */
  g_assert_cmpuint (drawn, >, 0);
  g_assert_cmpuint (drawn, <=, 32);
  g_assert_true (band_has_text (window, 10, 40));
  g_assert_true (band_has_text (window, 180, 40));
  g_assert_true (band_has_text (window, 350, 40));
}

/* A long answer in a scrolled window draws only the blocks in view, and
 * what is in view is always drawn: wherever it is scrolled, and when the
 * view moves in its row without any scrolling. */
static void
test_draws_visible_blocks (void)
{
  g_autofree char *text = paragraphs (600);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *above = gtk_label_new ("Above the answer");
  GtkWidget *view = chat_markdown_view_new ();
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  double positions[] = { 0.0, 0.37, 0.5, 1.0 };

  chat_markdown_view_set_markdown (CHAT_MARKDOWN_VIEW (view), text);
  gtk_widget_set_size_request (above, -1, 700);
  gtk_widget_set_visible (above, FALSE);
  gtk_box_append (GTK_BOX (box), above);
  gtk_box_append (GTK_BOX (box), view);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_window_set_child (window, scroller);
  gtk_window_set_default_size (window, 600, 400);
  gtk_window_present (window);
  WAIT_UNTIL (gtk_adjustment_get_upper (adjustment) > 10000);
  settle (300);

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

      gtk_adjustment_set_value (adjustment, positions[i] * bottom);
      settle (200);
      assert_view_drawn (GTK_WIDGET (window), view, adjustment);
    }
  /* The answer moves down 700 px in its box; the scroll position stays. */
  gtk_adjustment_set_value (adjustment, 2000);
  settle (200);
  gtk_widget_set_visible (above, TRUE);
  settle (200);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 2000);
  assert_view_drawn (GTK_WIDGET (window), view, adjustment);
  gtk_window_destroy (window);
}

/* --- screenshots --------------------------------------------------------- */

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_free (ui_test_save_screenshot (widget, name));
}

/* The rich sample in a window @width wide, drawn. */
static GtkWindow *
present_sample (int width)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *view = chat_markdown_view_new ();
  GtkWidget *focus;

  gtk_widget_set_margin_start (view, 24);
  gtk_widget_set_margin_end (view, 24);
  gtk_widget_set_margin_top (view, 24);
  gtk_widget_set_margin_bottom (view, 24);
  chat_markdown_view_set_markdown (CHAT_MARKDOWN_VIEW (view), rich_sample);
  gtk_window_set_child (window, view);
  gtk_window_set_default_size (window, width, -1);
  gtk_window_present (window);
  WAIT_UNTIL (gtk_widget_get_mapped (view) && gtk_widget_get_height (view) > 100);
  /* Alone in a window, a selectable label takes the focus and selects all
   * of its text; in Liao the composer has the focus. */
  focus = gtk_window_get_focus (window);
  if (GTK_IS_LABEL (focus))
    gtk_label_select_region (GTK_LABEL (focus), 0, 0);
  gtk_window_set_focus (window, NULL);
  settle (500);
  /* Nothing is wider than the window: code and tables scroll sideways. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, width);
  return window;
}

static void
test_screenshots (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWindow *window = present_sample (720);

  save_screenshot (GTK_WIDGET (window), "markdown-light");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  WAIT_UNTIL (adw_style_manager_get_dark (style));
  settle (500);
  save_screenshot (GTK_WIDGET (window), "markdown-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (window);

  window = present_sample (360);
  save_screenshot (GTK_WIDGET (window), "markdown-narrow");
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  /* Software rendering: GL under Xvfb is slow and varies. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/markdown-view/block-widgets", test_block_widgets);
  g_test_add_func ("/markdown-view/code-block", test_code_block);
  g_test_add_func ("/markdown-view/languages", test_languages);
  g_test_add_func ("/markdown-view/huge-code", test_huge_code);
  g_test_add_func ("/markdown-view/markup-literal", test_markup_literal);
  g_test_add_func ("/markdown-view/chinese", test_chinese);
  g_test_add_func ("/markdown-view/link-policy", test_link_policy);
  g_test_add_func ("/markdown-view/incremental", test_incremental);
  g_test_add_func ("/markdown-view/code-grows", test_code_grows);
  g_test_add_func ("/markdown-view/pages", test_pages);
  g_test_add_func ("/markdown-view/pages-stream", test_pages_stream);
  g_test_add_func ("/markdown-view/draws-visible-blocks", test_draws_visible_blocks);
  g_test_add_func ("/markdown-view/screenshots", test_screenshots);

  return g_test_run ();
}
