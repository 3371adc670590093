/* chat-markdown-page.h: a run of Markdown blocks, stacked
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ChatMarkdownView keeps a long answer's blocks in pages of a few dozen so
 * that a frame which changes the last block measures little.  A page
 * stacks its blocks top to bottom, hangs list markers left of their text,
 * and draws only the blocks it is told are near the viewport.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_MARKDOWN_PAGE (chat_markdown_page_get_type ())

G_DECLARE_FINAL_TYPE (ChatMarkdownPage, chat_markdown_page, CHAT, MARKDOWN_PAGE, GtkWidget)

GtkWidget  *chat_markdown_page_new            (void);
guint       chat_markdown_page_get_n_blocks   (ChatMarkdownPage *self);
/* Adds @block below the others; @marker (a list item's bullet or number,
 * or NULL) hangs left of it, and @block is placed right of the marker. */
void        chat_markdown_page_append         (ChatMarkdownPage *self,
                                               GtkWidget        *block,
                                               GtkWidget        *marker);
/* Removes block @index and all after it, with their markers. */
void        chat_markdown_page_truncate       (ChatMarkdownPage *self,
                                               guint             index);
/* Only blocks that reach into [@top, @bottom) (page coordinates) are
 * drawn; pass -G_MAXDOUBLE and G_MAXDOUBLE for all of them. */
void        chat_markdown_page_set_drawn_range (ChatMarkdownPage *self,
                                                double            top,
                                                double            bottom);

G_END_DECLS
