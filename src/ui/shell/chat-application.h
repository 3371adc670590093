/* chat-application.h: Liao's GtkApplication (one instance, many windows) */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CHAT_TYPE_APPLICATION (chat_application_get_type ())

G_DECLARE_FINAL_TYPE (ChatApplication, chat_application, CHAT, APPLICATION, AdwApplication)

/* Handles command lines (--new-window, --base-url URL, LIAO_BASE_URL) as
 * well as @flags; tests pass G_APPLICATION_NON_UNIQUE or their own id. */
ChatApplication *chat_application_new    (const char        *application_id,
                                          GApplicationFlags  flags);
/* Runs the windowed application (options: --new-window, --base-url URL). */
int              chat_application_run    (int    argc,
                                          char **argv);

G_END_DECLS
