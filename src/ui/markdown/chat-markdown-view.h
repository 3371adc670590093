/* chat-markdown-view.h: draws Markdown blocks as widgets
 *
 * Paragraphs, headings, list items and quotes are selectable GtkLabels with
 * escaped Pango markup; code blocks are GtkSourceViews (highlighted by the
 * fence's language, monospace, scrolling sideways, with a copy button);
 * tables are grids.  Links open in the browser only for http and https.
 * Updating with a grown text rebuilds only the blocks that changed.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_MARKDOWN_VIEW (chat_markdown_view_get_type ())

G_DECLARE_FINAL_TYPE (ChatMarkdownView, chat_markdown_view, CHAT, MARKDOWN_VIEW, GtkWidget)

GtkWidget  *chat_markdown_view_new       (void);
/* Shows @blocks (ChatBlock, borrowed: the view keeps a ref of the array);
 * widgets for blocks before @first_changed are kept as they are. */
void        chat_markdown_view_set_blocks (ChatMarkdownView *self,
                                          GPtrArray        *blocks,
                                          guint             first_changed);
/* Convenience: parses and shows @markdown in full. */
void        chat_markdown_view_set_markdown (ChatMarkdownView *self,
                                          const char       *markdown);
/* The widget that shows block @index (a label, a code block, a scrolled
 * table, a separator), and a list item's marker (a label; NULL for other
 * blocks).  The blocks are grouped in pages: not the view's children. */
guint       chat_markdown_view_get_n_blocks     (ChatMarkdownView *self);
GtkWidget  *chat_markdown_view_get_block_widget (ChatMarkdownView *self,
                                                 guint             index);
GtkWidget  *chat_markdown_view_get_block_marker (ChatMarkdownView *self,
                                                 guint             index);
/* TRUE for the link schemes Liao opens (http, https). */
gboolean    chat_markdown_view_uri_is_openable (const char *uri);

G_END_DECLS
