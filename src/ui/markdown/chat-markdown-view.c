/* chat-markdown-view.c: draws Markdown blocks as widgets
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One widget per block; no template, since the children are the blocks.
 * A streamed answer changes its last blocks only: their widgets are
 * updated in place where the kind stays (a label gets its new markup, a
 * code block appends), so a growing paragraph or code block keeps its
 * widget.
 *
 * A long answer has thousands of blocks, and GTK 4.8 measures, allocates
 * and draws every child of a widget at each frame.  So blocks go into
 * pages (ChatMarkdownPage) of PAGE_BLOCKS: a frame that changes the last
 * block measures the pages, whose sizes GTK has cached, and the blocks of
 * the last page.  After each layout the view tells its pages which part of
 * them is near the viewport, and only that is drawn.
 */

#include "config.h"

#include <string.h>

#include "chat-code-block.h"
#include "chat-markdown.h"
#include "chat-markdown-page.h"
#include "chat-markdown-view.h"

#define BLOCK_SPACING     12
#define HEADING_SPACING   18
#define ITEM_SPACING      4
#define LIST_INDENT       22
#define QUOTE_INDENT      14
#define CELL_MAX_CHARS    40
#define PAGE_BLOCKS       32
/* A paragraph's minimum width, in characters.  GTK measures a label's
 * minimum width before each height, and at the default (a character) that
 * is a Pango line per character: about 3 ms for 500 characters, at every
 * frame of a streamed paragraph. */
#define TEXT_MIN_CHARS    16

struct _ChatMarkdownView {
  GtkWidget      parent_instance;

  GPtrArray     *blocks;       /* shown; a ref of the caller's array */
  GPtrArray     *rows;         /* BlockRow, one per block */
  GPtrArray     *pages;        /* ChatMarkdownPage, the children; PAGE_BLOCKS rows each */
  GtkWidget     *viewport;     /* the scrolled window it is in, while mapped */
  GdkSurface    *surface;      /* whose layouts it follows, while mapped */
  guint          first_drawn;  /* the pages near the viewport */
  guint          end_drawn;
};

/* The widget of one block and what it shows. */
typedef struct {
  GtkWidget     *widget;   /* the child */
  ChatBlockKind  kind;
  guint          level;
  GtkLabel      *label;    /* paragraph, heading, list item, quote */
  GtkLabel      *marker;   /* list item: hangs left of the label */
} BlockRow;

G_DEFINE_FINAL_TYPE (ChatMarkdownView, chat_markdown_view, GTK_TYPE_WIDGET)

gboolean
chat_markdown_view_uri_is_openable (const char *uri)
{
  /* In lower case, interned. */
  const char *scheme = uri != NULL ? g_uri_peek_scheme (uri) : NULL;

  return g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0;
}

/* Every link of every label: only the web opens; file:, javascript:,
 * data: and the like are swallowed. */
static gboolean
on_activate_link (GtkLabel   *label,
                  const char *uri,
                  gpointer    user_data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (label));

  if (chat_markdown_view_uri_is_openable (uri))
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  else
    g_debug ("Not opening a link to %s", uri);
  return TRUE;
}

static GtkLabel *
new_label (const char *markup)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_width_chars (GTK_LABEL (label), TEXT_MIN_CHARS);
  gtk_widget_set_hexpand (label, TRUE);
  g_signal_connect (label, "activate-link", G_CALLBACK (on_activate_link), NULL);
  return GTK_LABEL (label);
}

static void
set_label_markup (GtkLabel   *label,
                  const char *markup)
{
  if (g_strcmp0 (gtk_label_get_label (label), markup) != 0)
    gtk_label_set_markup (label, markup);
}

/* Block rows */

static void
build_text (BlockRow        *row,
            const ChatBlock *block)
{
  row->label = new_label (block->markup);
  row->widget = GTK_WIDGET (row->label);
  if (block->kind == CHAT_BLOCK_HEADING)
    {
      g_autofree char *title = g_strdup_printf ("title-%u", MIN (block->level, 4));

      gtk_widget_add_css_class (row->widget, block->level <= 4 ? title : "heading");
    }
  gtk_widget_add_css_class (row->widget, block->kind == CHAT_BLOCK_HEADING ? "markdown-heading"
                                                                           : "markdown-paragraph");
}

/* The item's text is the block; its page hangs the marker beside it. */
static void
build_list_item (BlockRow        *row,
                 const ChatBlock *block)
{
  row->label = new_label (block->markup);
  row->widget = GTK_WIDGET (row->label);
  row->marker = GTK_LABEL (gtk_label_new (block->marker));
  gtk_label_set_xalign (row->marker, 1);
  gtk_label_set_width_chars (row->marker, 2);
  gtk_widget_add_css_class (GTK_WIDGET (row->marker), "list-marker");
  gtk_widget_set_margin_start (GTK_WIDGET (row->marker), (block->level - 1) * LIST_INDENT);
  gtk_widget_add_css_class (row->widget, "markdown-list-item");
}

/* The label itself draws the bar (style.css). */
static void
build_quote (BlockRow        *row,
             const ChatBlock *block)
{
  row->label = new_label (block->markup);
  row->widget = GTK_WIDGET (row->label);
  gtk_widget_add_css_class (row->widget, "dim-label");
  gtk_widget_set_margin_start (row->widget, (block->level - 1) * QUOTE_INDENT);
  gtk_widget_add_css_class (row->widget, "markdown-quote");
}

static void
build_code (BlockRow        *row,
            const ChatBlock *block)
{
  row->widget = chat_code_block_new ();
  chat_code_block_set_code (CHAT_CODE_BLOCK (row->widget), block->language, block->text);
}

static GtkWidget *
new_cell (const ChatBlock *block,
          guint            index)
{
  const char *markup = g_ptr_array_index (block->cells, index);
  g_autofree char *header = index < block->n_columns ? g_strdup_printf ("<b>%s</b>", markup) : NULL;
  GtkLabel *cell = new_label (header != NULL ? header : markup);
  gboolean long_text = g_utf8_strlen (gtk_label_get_text (cell), -1) > CELL_MAX_CHARS;

  /* Only long cells wrap, at a fixed width: a wrapping label asks for the
   * height of its narrowest shape, and the table would leave that much
   * room below it. */
  gtk_label_set_wrap (cell, long_text);
  gtk_label_set_width_chars (cell, long_text ? CELL_MAX_CHARS : -1);
  gtk_label_set_max_width_chars (cell, CELL_MAX_CHARS);
  gtk_widget_set_hexpand (GTK_WIDGET (cell), FALSE);
  switch (block->alignments[index % block->n_columns])
    {
    case CHAT_ALIGN_CENTER: gtk_label_set_xalign (cell, 0.5); break;
    case CHAT_ALIGN_RIGHT: gtk_label_set_xalign (cell, 1); break;
    case CHAT_ALIGN_DEFAULT:
    case CHAT_ALIGN_LEFT:
    default: break;
    }
  return GTK_WIDGET (cell);
}

/* A grid (header, a line, the rows) that scrolls sideways when wide. */
static void
build_table (BlockRow        *row,
             const ChatBlock *block)
{
  GtkWidget *grid = gtk_grid_new ();
  guint n_columns = MAX (block->n_columns, 1);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_add_css_class (grid, "markdown-table");
  for (guint i = 0; i < block->cells->len; i++)
    gtk_grid_attach (GTK_GRID (grid), new_cell (block, i),
                     i % n_columns, i / n_columns + (i >= n_columns), 1, 1);
  gtk_grid_attach (GTK_GRID (grid), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL), 0, 1, n_columns, 1);
  row->widget = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (row->widget), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (row->widget), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (row->widget), grid);
}

static BlockRow *
block_row_new (const ChatBlock *block)
{
  BlockRow *row = g_new0 (BlockRow, 1);

  row->kind = block->kind;
  row->level = block->level;
  switch (block->kind)
    {
    case CHAT_BLOCK_PARAGRAPH:
    case CHAT_BLOCK_HEADING: build_text (row, block); break;
    case CHAT_BLOCK_LIST_ITEM: build_list_item (row, block); break;
    case CHAT_BLOCK_QUOTE: build_quote (row, block); break;
    case CHAT_BLOCK_CODE: build_code (row, block); break;
    case CHAT_BLOCK_TABLE: build_table (row, block); break;
    case CHAT_BLOCK_RULE:
    default:
      row->widget = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
      gtk_widget_add_css_class (row->widget, "markdown-rule");
      break;
    }
  return row;
}

/* Shows @block in @row's widget if its kind allows; FALSE if the row must
 * be built anew. */
static gboolean
block_row_update (BlockRow        *row,
                  const ChatBlock *block)
{
  if (row->kind != block->kind || row->level != block->level)
    return FALSE;
  switch (block->kind)
    {
    case CHAT_BLOCK_PARAGRAPH:
    case CHAT_BLOCK_HEADING:
    case CHAT_BLOCK_QUOTE:
      set_label_markup (row->label, block->markup);
      return TRUE;
    case CHAT_BLOCK_LIST_ITEM:
      gtk_label_set_text (row->marker, block->marker);
      set_label_markup (row->label, block->markup);
      return TRUE;
    case CHAT_BLOCK_CODE:
      chat_code_block_set_code (CHAT_CODE_BLOCK (row->widget), block->language, block->text);
      return TRUE;
    case CHAT_BLOCK_RULE:
      return TRUE;
    case CHAT_BLOCK_TABLE:
    default:
      return FALSE;
    }
}

/* The view */

/* Items of a list and paragraphs of a quote stay together; headings get
 * room above them. */
static int
spacing_before (const BlockRow  *previous,
                const ChatBlock *block)
{
  if (block->kind == CHAT_BLOCK_HEADING)
    return HEADING_SPACING;
  if (block->kind == previous->kind
      && (block->kind == CHAT_BLOCK_LIST_ITEM || block->kind == CHAT_BLOCK_QUOTE))
    return ITEM_SPACING;
  return BLOCK_SPACING;
}

/* Pages */

static void watch_layouts (ChatMarkdownView *self);

static ChatMarkdownPage *
ensure_page (ChatMarkdownView *self,
             guint             index)
{
  GtkWidget *page;

  if (index < self->pages->len)
    return g_ptr_array_index (self->pages, index);
  page = chat_markdown_page_new ();
  gtk_widget_set_parent (page, GTK_WIDGET (self));
  g_ptr_array_add (self->pages, page);
  /* A second page starts the culling. */
  watch_layouts (self);
  return CHAT_MARKDOWN_PAGE (page);
}

static void
remove_pages_from (ChatMarkdownView *self,
                   guint             index)
{
  for (guint i = index; i < self->pages->len; i++)
    gtk_widget_unparent (g_ptr_array_index (self->pages, i));
  if (index < self->pages->len)
    g_ptr_array_set_size (self->pages, index);
}

static void
remove_rows_from (ChatMarkdownView *self,
                  guint             index)
{
  guint page = index / PAGE_BLOCKS;

  if (index >= self->rows->len)
    return;
  chat_markdown_page_truncate (g_ptr_array_index (self->pages, page), index % PAGE_BLOCKS);
  remove_pages_from (self, index % PAGE_BLOCKS == 0 ? page : page + 1);
  g_ptr_array_set_size (self->rows, index);
}

static void
append_row (ChatMarkdownView *self,
            BlockRow         *row)
{
  ChatMarkdownPage *page = ensure_page (self, self->rows->len / PAGE_BLOCKS);

  chat_markdown_page_append (page, row->widget, row->marker != NULL ? GTK_WIDGET (row->marker) : NULL);
  g_ptr_array_add (self->rows, row);
}

static void
show_block (ChatMarkdownView *self,
            guint             index)
{
  const ChatBlock *block = g_ptr_array_index (self->blocks, index);
  BlockRow *row;

  if (index < self->rows->len)
    {
      row = g_ptr_array_index (self->rows, index);
      if (block_row_update (row, block))
        return;
      remove_rows_from (self, index);
    }
  row = block_row_new (block);
  if (index > 0)
    gtk_widget_set_margin_top (row->widget,
                               spacing_before (g_ptr_array_index (self->rows, index - 1), block));
  append_row (self, row);
}

void
chat_markdown_view_set_blocks (ChatMarkdownView *self,
                               GPtrArray        *blocks,
                               guint             first_changed)
{
  g_return_if_fail (CHAT_IS_MARKDOWN_VIEW (self));
  g_return_if_fail (blocks != NULL);

  if (blocks != self->blocks)
    {
      g_clear_pointer (&self->blocks, g_ptr_array_unref);
      self->blocks = g_ptr_array_ref (blocks);
    }
  first_changed = MIN (first_changed, MIN (blocks->len, self->rows->len));
  for (guint i = first_changed; i < blocks->len; i++)
    show_block (self, i);
  remove_rows_from (self, blocks->len);
}

void
chat_markdown_view_set_markdown (ChatMarkdownView *self,
                                 const char       *markdown)
{
  g_autoptr(GPtrArray) blocks = NULL;

  g_return_if_fail (CHAT_IS_MARKDOWN_VIEW (self));

  blocks = chat_markdown_parse (markdown != NULL ? markdown : "", -1);
  chat_markdown_view_set_blocks (self, blocks, 0);
}

guint
chat_markdown_view_get_n_blocks (ChatMarkdownView *self)
{
  g_return_val_if_fail (CHAT_IS_MARKDOWN_VIEW (self), 0);

  return self->rows->len;
}

GtkWidget *
chat_markdown_view_get_block_widget (ChatMarkdownView *self,
                                     guint             index)
{
  g_return_val_if_fail (CHAT_IS_MARKDOWN_VIEW (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return ((BlockRow *) g_ptr_array_index (self->rows, index))->widget;
}

GtkWidget *
chat_markdown_view_get_block_marker (ChatMarkdownView *self,
                                     guint             index)
{
  g_return_val_if_fail (CHAT_IS_MARKDOWN_VIEW (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return (GtkWidget *) ((BlockRow *) g_ptr_array_index (self->rows, index))->marker;
}

GtkWidget *
chat_markdown_view_new (void)
{
  return g_object_new (CHAT_TYPE_MARKDOWN_VIEW, NULL);
}

/* Drawing only what can be seen */

/* The part of the view in the viewport, in the view's coordinates; FALSE
 * when there is no viewport, and all of it is drawn. */
static gboolean
get_drawn_range (ChatMarkdownView *self,
                 double           *top,
                 double           *bottom)
{
  graphene_rect_t bounds;
  int height;

  if (self->viewport == NULL || self->pages->len < 2
      || !gtk_widget_compute_bounds (GTK_WIDGET (self), self->viewport, &bounds))
    return FALSE;
  height = gtk_widget_get_height (self->viewport);
  *top = -bounds.origin.y;
  *bottom = -bounds.origin.y + height;
  return TRUE;
}

/* Tells page @index what of it to draw; FALSE if nothing. */
static gboolean
cull_page (ChatMarkdownView *self,
           guint             index,
           gboolean          culling,
           double            top,
           double            bottom)
{
  ChatMarkdownPage *page = g_ptr_array_index (self->pages, index);
  graphene_rect_t bounds;

  if (!culling || !gtk_widget_compute_bounds (GTK_WIDGET (page), GTK_WIDGET (self), &bounds))
    {
      chat_markdown_page_set_drawn_range (page, -G_MAXDOUBLE, G_MAXDOUBLE);
      return TRUE;
    }
  if (bounds.origin.y >= bottom || bounds.origin.y + bounds.size.height <= top)
    return FALSE;
  chat_markdown_page_set_drawn_range (page, top - bounds.origin.y, bottom - bounds.origin.y);
  return TRUE;
}

/* After each layout (rows move as the list scrolls or grows), what is
 * near the viewport is drawn, and only that. */
static void
cull (ChatMarkdownView *self)
{
  double top = 0, bottom = 0;
  gboolean culling = get_drawn_range (self, &top, &bottom);
  guint first = self->pages->len, end = 0;

  for (guint i = 0; i < self->pages->len; i++)
    if (cull_page (self, i, culling, top, bottom))
      {
        first = MIN (first, i);
        end = i + 1;
      }
  if (first == self->first_drawn && end == self->end_drawn)
    return;
  self->first_drawn = first;
  self->end_drawn = end;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
chat_markdown_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ChatMarkdownView *self = CHAT_MARKDOWN_VIEW (widget);
  gboolean culling = self->surface != NULL;

  for (guint i = culling ? self->first_drawn : 0; i < self->pages->len; i++)
    {
      if (culling && i >= self->end_drawn)
        break;
      gtk_widget_snapshot_child (widget, g_ptr_array_index (self->pages, i), snapshot);
    }
}

static void
unwatch_layouts (ChatMarkdownView *self)
{
  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_data (self->surface, self);
  g_clear_object (&self->surface);
  self->viewport = NULL;
  for (guint i = 0; i < self->pages->len; i++)
    chat_markdown_page_set_drawn_range (g_ptr_array_index (self->pages, i), -G_MAXDOUBLE, G_MAXDOUBLE);
}

/* Culling needs a viewport and more than one page; answers of one page
 * draw whole, and cost nothing per layout. */
static void
watch_layouts (ChatMarkdownView *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GtkWidget *viewport = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);

  if (self->surface != NULL || self->pages->len < 2 || viewport == NULL || native == NULL
      || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->viewport = viewport;
  self->surface = g_object_ref (gtk_native_get_surface (native));
  self->first_drawn = 0;
  self->end_drawn = self->pages->len;
  /* After GTK's own handler, which allocates the window. */
  g_signal_connect_object (self->surface, "layout", G_CALLBACK (cull), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

static void
chat_markdown_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (chat_markdown_view_parent_class)->map (widget);

  watch_layouts (CHAT_MARKDOWN_VIEW (widget));
  /* A transcript is on screen: replies with code may follow. */
  chat_code_block_preload ();
}

static void
chat_markdown_view_unmap (GtkWidget *widget)
{
  unwatch_layouts (CHAT_MARKDOWN_VIEW (widget));

  GTK_WIDGET_CLASS (chat_markdown_view_parent_class)->unmap (widget);
}

static void
chat_markdown_view_dispose (GObject *object)
{
  ChatMarkdownView *self = CHAT_MARKDOWN_VIEW (object);

  unwatch_layouts (self);
  remove_rows_from (self, 0);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);

  G_OBJECT_CLASS (chat_markdown_view_parent_class)->dispose (object);
}

static void
chat_markdown_view_finalize (GObject *object)
{
  ChatMarkdownView *self = CHAT_MARKDOWN_VIEW (object);

  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->pages);

  G_OBJECT_CLASS (chat_markdown_view_parent_class)->finalize (object);
}

static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL)
    return;
  gtk_css_provider_load_from_resource (provider, "/io/github/liaochat/Liao/markdown/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
chat_markdown_view_class_init (ChatMarkdownViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_markdown_view_dispose;
  object_class->finalize = chat_markdown_view_finalize;

  widget_class->snapshot = chat_markdown_view_snapshot;
  widget_class->map = chat_markdown_view_map;
  widget_class->unmap = chat_markdown_view_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "markdownview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  /* ChatCodeBlock's class registers the resources that hold the style. */
  g_type_class_unref (g_type_class_ref (CHAT_TYPE_CODE_BLOCK));
  load_style ();
}

static void
chat_markdown_view_init (ChatMarkdownView *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  /* Blocks are spaced by their top margins: see spacing_before(). */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  self->rows = g_ptr_array_new_with_free_func (g_free);
  self->pages = g_ptr_array_new ();
}
