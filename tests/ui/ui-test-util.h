/* ui-test-util.h: what every widget test needs to look at what it drew
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A widget paintable shows the widget as last drawn, and nothing while a
 * redraw is pending: this draws @widget once more and waits for that
 * frame, at most 10 s. */
void  ui_test_wait_for_paint  (GtkWidget  *widget);
/* Saves @widget, drawn once more, as screenshots/@name.png beside the
 * test program, and says where in the test log; returns the path. */
char *ui_test_save_screenshot (GtkWidget  *widget,
                               const char *name);

G_END_DECLS
