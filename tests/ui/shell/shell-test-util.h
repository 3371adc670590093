/* shell-test-util.h: what the shell's widget tests share */
#pragma once

#include <adwaita.h>

#include "chat-store.h"

G_BEGIN_DECLS

typedef gboolean (*ShellTestCondition) (gpointer data);

/* Iterates the main context until @condition holds; fails after @timeout_ms. */
void              shell_test_wait_until        (ShellTestCondition  condition,
                                                gpointer            data,
                                                guint               timeout_ms,
                                                const char         *what);
/* Lets the main loop run for @ms (transitions settle, toasts show). */
void              shell_test_settle            (guint               ms);
/* A fresh empty folder, removed with its files by shell_test_remove_dir. */
char             *shell_test_make_dir          (void);
void              shell_test_remove_dir        (const char         *path);
/* A conversation updated @days_ago days ago at noon (0: now), with
 * @messages (user, assistant, ... texts, NULL-terminated) when non-NULL;
 * messages make it updated now, so past ones have none. */
gint64            shell_test_seed              (ChatStore          *store,
                                                const char         *title,
                                                int                 days_ago,
                                                gboolean            pinned,
                                                const char * const *messages);
/* The first widget under @root (itself included) of @type for which
 * @match (may be NULL) says yes. */
GtkWidget        *shell_test_find_widget       (GtkWidget          *root,
                                                GType               type,
                                                gboolean          (*match) (GtkWidget *widget,
                                                                            gpointer   data),
                                                gpointer            data);
/* The toplevel window of @type (other than @except), or NULL. */
GtkWindow        *shell_test_find_toplevel     (GType               type,
                                                GtkWindow          *except);
/* Renders @widget to BUILDDIR/screenshots/NAME.png; returns the path. */
char             *shell_test_screenshot        (GtkWidget          *widget,
                                                const char         *name);

G_END_DECLS
