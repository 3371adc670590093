/* chat-search-provider.h: Liao's conversations in GNOME Shell's search
 *
 * Exports org.gnome.Shell.SearchProvider2 on the application's D-Bus
 * connection: results are conversations found by chat_store_search,
 * activating one shows it in a window.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHAT_SEARCH_PROVIDER_PATH "/io/github/liaochat/Liao/SearchProvider"

#define CHAT_TYPE_SEARCH_PROVIDER (chat_search_provider_get_type ())

G_DECLARE_FINAL_TYPE (ChatSearchProvider, chat_search_provider, CHAT, SEARCH_PROVIDER, GObject)

/* Searches the default store (opened on the first search); results open
 * through @application (not referenced: it owns the provider). */
ChatSearchProvider *chat_search_provider_new      (GApplication       *application);
/* Exports the provider at CHAT_SEARCH_PROVIDER_PATH on @connection. */
gboolean            chat_search_provider_export   (ChatSearchProvider *self,
                                                   GDBusConnection    *connection,
                                                   GError            **error);
void                chat_search_provider_unexport (ChatSearchProvider *self);

G_END_DECLS
