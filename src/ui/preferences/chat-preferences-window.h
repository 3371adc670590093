/* chat-preferences-window.h: Liao's Preferences window */
#pragma once

#include <adwaita.h>

#include "chat-client.h"

G_BEGIN_DECLS

#define CHAT_TYPE_PREFERENCES_WINDOW (chat_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (ChatPreferencesWindow, chat_preferences_window, CHAT, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* A modal Preferences window over @parent (may be NULL) for the settings of
 * io.github.liaochat.Liao.  @client (NULL: a new one) tests connections and
 * lists models; @base_url_override (normally NULL: the shell's --base-url)
 * sends those requests elsewhere for every profile.  Show it with
 * gtk_window_present(). */
GtkWidget *chat_preferences_window_new         (GtkWindow  *parent,
                                                ChatClient *client,
                                                const char *base_url_override);
/* Applies the color-scheme key of @settings to the default AdwStyleManager;
 * the window does it whenever the key changes, the application once at
 * start-up. */
void       chat_preferences_apply_color_scheme (GSettings  *settings);

G_END_DECLS
