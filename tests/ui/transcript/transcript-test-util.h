/* transcript-test-util.h: finding widgets, for the transcript's tests
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The first widget of @type in @root's tree (@root included), depth first. */
GtkWidget *find_descendant (GtkWidget  *root,
                            GType       type);
/* The first widget with @css_class in @root's tree, depth first. */
GtkWidget *find_with_class (GtkWidget  *root,
                            const char *css_class);

G_END_DECLS
