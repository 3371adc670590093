/* chat-markdown-page.c: a run of Markdown blocks, stacked
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A layout of its own rather than a box, for three reasons measured on
 * GTK 4.8 while a long answer streams:
 *  - a list item's marker hangs beside its text without a horizontal
 *    GtkBox, which asks a wrapping label its width for dozens of heights
 *    to find its own height, each a Pango layout of the whole text;
 *  - text asks for the width the page has as its natural width (see
 *    measure_width()), so the heights GTK asks for at that width come
 *    from its cache;
 *  - only blocks near the viewport are drawn (set_drawn_range): the cairo
 *    renderer draws every text node it is given, on screen or not.
 */

#include "config.h"

#include "chat-markdown-page.h"

/* Text's natural width before the page has one of its own. */
#define TEXT_NATURAL_WIDTH 600
/* Between a list item's marker and its text. */
#define MARKER_GAP     6

typedef struct {
  GtkWidget *block;
  GtkWidget *marker;   /* a list item's, or NULL */
} Entry;

struct _ChatMarkdownPage {
  GtkWidget  parent_instance;

  GArray    *entries;      /* Entry, top to bottom */
  guint      first_drawn;  /* the entries drawn: near the viewport */
  guint      end_drawn;
};

G_DEFINE_FINAL_TYPE (ChatMarkdownPage, chat_markdown_page, GTK_TYPE_WIDGET)

static Entry *
entry_at (ChatMarkdownPage *self,
          guint             index)
{
  return &g_array_index (self->entries, Entry, index);
}

/* Where the block starts: right of its marker, whose width includes the
 * list's indent (its start margin). */
static int
block_x (const Entry *entry)
{
  int width = 0;

  if (entry->marker == NULL)
    return 0;
  gtk_widget_measure (entry->marker, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  return width + MARKER_GAP;
}

static void
measure_height (const Entry *entry,
                int          width,
                int         *minimum,
                int         *natural)
{
  int for_width = width < 0 ? -1 : MAX (1, width - block_x (entry));
  int marker_height = 0;

  gtk_widget_measure (entry->block, GTK_ORIENTATION_VERTICAL, for_width, minimum, natural, NULL, NULL);
  if (entry->marker == NULL)
    return;
  gtk_widget_measure (entry->marker, GTK_ORIENTATION_VERTICAL, -1, NULL, &marker_height, NULL, NULL);
  marker_height += gtk_widget_get_margin_top (entry->block);
  *minimum = MAX (*minimum, marker_height);
  *natural = MAX (*natural, marker_height);
}

/* A wrapping label's natural width is its text on one line, and an
 * AdwClamp above measures heights at that width (clamped) whenever it is
 * asked for a height at no particular width, as the window's size
 * computation does at every frame: a Pango layout of each changed
 * paragraph at a width it is never shown at.  Asking for the width the
 * page already has instead makes those heights the ones GTK has cached. */
static void
measure_width (ChatMarkdownPage *self,
               const Entry      *entry,
               int              *minimum,
               int              *natural)
{
  int x = block_x (entry);
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  gtk_widget_measure (entry->block, GTK_ORIENTATION_HORIZONTAL, -1, minimum, natural, NULL, NULL);
  *minimum += x;
  *natural += x;
  if (GTK_IS_LABEL (entry->block))
    *natural = MAX (*minimum, width > 0 ? width : TEXT_NATURAL_WIDTH);
}

static void
chat_markdown_page_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ChatMarkdownPage *self = CHAT_MARKDOWN_PAGE (widget);

  *minimum = *natural = 0;
  for (guint i = 0; i < self->entries->len; i++)
    {
      int child_min, child_nat;

      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          measure_height (entry_at (self, i), for_size, &child_min, &child_nat);
          *minimum += child_min;
          *natural += child_nat;
        }
      else
        {
          measure_width (self, entry_at (self, i), &child_min, &child_nat);
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
    }
}

static GtkSizeRequestMode
chat_markdown_page_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
allocate_entry (const Entry *entry,
                int          y,
                int          width,
                int          height)
{
  int x = block_x (entry);

  gtk_widget_size_allocate (entry->block, &(GtkAllocation) { x, y, MAX (0, width - x), height }, -1);
  if (entry->marker != NULL)
    {
      int marker_width = x - MARKER_GAP, marker_height;

      gtk_widget_measure (entry->marker, GTK_ORIENTATION_VERTICAL, -1, NULL, &marker_height, NULL, NULL);
      gtk_widget_size_allocate (entry->marker,
                                &(GtkAllocation) { 0, y + gtk_widget_get_margin_top (entry->block),
                                                   marker_width, marker_height }, -1);
    }
}

/* Each block its natural height if there is room, as a box would. */
static void
chat_markdown_page_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  ChatMarkdownPage *self = CHAT_MARKDOWN_PAGE (widget);
  g_autofree GtkRequestedSize *sizes = g_new0 (GtkRequestedSize, MAX (1, self->entries->len));
  int extra = height;
  int y = 0;

  for (guint i = 0; i < self->entries->len; i++)
    {
      measure_height (entry_at (self, i), width, &sizes[i].minimum_size, &sizes[i].natural_size);
      extra -= sizes[i].minimum_size;
    }
  gtk_distribute_natural_allocation (MAX (0, extra), self->entries->len, sizes);
  for (guint i = 0; i < self->entries->len; i++)
    {
      allocate_entry (entry_at (self, i), y, width, sizes[i].minimum_size);
      y += sizes[i].minimum_size;
    }
}

static void
chat_markdown_page_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ChatMarkdownPage *self = CHAT_MARKDOWN_PAGE (widget);

  for (guint i = self->first_drawn; i < MIN (self->end_drawn, self->entries->len); i++)
    {
      Entry *entry = entry_at (self, i);

      if (entry->marker != NULL)
        gtk_widget_snapshot_child (widget, entry->marker, snapshot);
      gtk_widget_snapshot_child (widget, entry->block, snapshot);
    }
}

static void
chat_markdown_page_dispose (GObject *object)
{
  ChatMarkdownPage *self = CHAT_MARKDOWN_PAGE (object);

  chat_markdown_page_truncate (self, 0);

  G_OBJECT_CLASS (chat_markdown_page_parent_class)->dispose (object);
}

static void
chat_markdown_page_finalize (GObject *object)
{
  ChatMarkdownPage *self = CHAT_MARKDOWN_PAGE (object);

  g_array_unref (self->entries);

  G_OBJECT_CLASS (chat_markdown_page_parent_class)->finalize (object);
}

static void
chat_markdown_page_class_init (ChatMarkdownPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_markdown_page_dispose;
  object_class->finalize = chat_markdown_page_finalize;
  widget_class->measure = chat_markdown_page_measure;
  widget_class->get_request_mode = chat_markdown_page_get_request_mode;
  widget_class->size_allocate = chat_markdown_page_size_allocate;
  widget_class->snapshot = chat_markdown_page_snapshot;

  gtk_widget_class_set_css_name (widget_class, "markdownpage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
chat_markdown_page_init (ChatMarkdownPage *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  self->end_drawn = G_MAXUINT;
}

GtkWidget *
chat_markdown_page_new (void)
{
  return g_object_new (CHAT_TYPE_MARKDOWN_PAGE, NULL);
}

guint
chat_markdown_page_get_n_blocks (ChatMarkdownPage *self)
{
  g_return_val_if_fail (CHAT_IS_MARKDOWN_PAGE (self), 0);

  return self->entries->len;
}

void
chat_markdown_page_append (ChatMarkdownPage *self,
                           GtkWidget        *block,
                           GtkWidget        *marker)
{
  Entry entry = { block, marker };

  g_return_if_fail (CHAT_IS_MARKDOWN_PAGE (self));
  g_return_if_fail (GTK_IS_WIDGET (block));

  /* The marker first: it is read first. */
  if (marker != NULL)
    gtk_widget_set_parent (marker, GTK_WIDGET (self));
  gtk_widget_set_parent (block, GTK_WIDGET (self));
  g_array_append_val (self->entries, entry);
}

void
chat_markdown_page_truncate (ChatMarkdownPage *self,
                             guint             index)
{
  g_return_if_fail (CHAT_IS_MARKDOWN_PAGE (self));

  for (guint i = index; i < self->entries->len; i++)
    {
      Entry *entry = entry_at (self, i);

      if (entry->marker != NULL)
        gtk_widget_unparent (entry->marker);
      gtk_widget_unparent (entry->block);
    }
  if (index < self->entries->len)
    g_array_set_size (self->entries, index);
}

static gboolean
entry_is_above (ChatMarkdownPage *self,
                guint             index,
                double            y)
{
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (entry_at (self, index)->block, GTK_WIDGET (self), &bounds)
         && bounds.origin.y + bounds.size.height <= y;
}

static gboolean
entry_is_below (ChatMarkdownPage *self,
                guint             index,
                double            y)
{
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (entry_at (self, index)->block, GTK_WIDGET (self), &bounds)
         && bounds.origin.y >= y;
}

void
chat_markdown_page_set_drawn_range (ChatMarkdownPage *self,
                                    double            top,
                                    double            bottom)
{
  guint first = 0, end = G_MAXUINT;

  g_return_if_fail (CHAT_IS_MARKDOWN_PAGE (self));

  if (top > -G_MAXDOUBLE || bottom < G_MAXDOUBLE)
    {
      while (first < self->entries->len && entry_is_above (self, first, top))
        first++;
      for (end = first; end < self->entries->len && !entry_is_below (self, end, bottom);)
        end++;
    }
  if (first == self->first_drawn && end == self->end_drawn)
    return;
  self->first_drawn = first;
  self->end_drawn = end;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
