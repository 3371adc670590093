/* chat-search-provider.c: Liao's conversations in GNOME Shell's search
 *
 * The Shell asks for results as the user types, then for their names and
 * descriptions, and says which one was chosen.  The store answers fast
 * enough to search again on every call.
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chat-search-provider.h"
#include "chat-sidebar.h"
#include "chat-store.h"
#include "chat-window.h"

#define INTERFACE_XML "/io/github/liaochat/Liao/shell/org.gnome.Shell.SearchProvider2.xml"
#define MAX_RESULTS 20
/* Hits are messages, several per conversation: ask for more than
 * MAX_RESULTS so that as many distinct conversations remain. */
#define MAX_HITS 200

struct _ChatSearchProvider
{
  GObject          parent_instance;

  GApplication    *application;   /* weak: it owns the provider */
  ChatStore       *store;
  GDBusConnection *connection;
  guint            registration_id;
  /* The last search's metas (a{sv}) by id, for GetResultMetas. */
  GHashTable      *metas;
};

G_DEFINE_FINAL_TYPE (ChatSearchProvider, chat_search_provider, G_TYPE_OBJECT)

/* Opened on the first search: the application exports the provider
 * before its startup opens the store, and most sessions never search. */
static ChatStore *
get_store (ChatSearchProvider *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store != NULL)
    return self->store;
  path = chat_store_dup_default_path ();
  self->store = chat_store_open (path, &error);
  if (self->store == NULL)
    g_debug ("Search provider: %s", error->message);
  return self->store;
}

static gboolean
parse_id (const char *id,
          gint64     *conversation_id)
{
  return g_ascii_string_to_signed (id, 10, 1, G_MAXINT64, conversation_id, NULL);
}

/* The snippet on one line, without the store's match marks. */
static char *
plain_snippet (const char *snippet)
{
  GString *plain = g_string_new (NULL);

  for (const char *p = snippet; *p != '\0'; p++)
    {
      if (*p == '\n' || *p == '\r' || *p == '\t')
        g_string_append_c (plain, ' ');
      else if (*p != CHAT_STORE_MARK_START[0] && *p != CHAT_STORE_MARK_END[0])
        g_string_append_c (plain, *p);
    }
  return g_strstrip (g_string_free (plain, FALSE));
}

static GVariant *
build_meta (const char *id,
            const char *title,
            const char *description)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "id", "s", id);
  g_variant_dict_insert (&dict, "name", "s", *title != '\0' ? title : _("New Conversation"));
  g_variant_dict_insert (&dict, "description", "s", description);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* A title match has no message text: its snippet is the title again. */
static void
remember_hit (ChatSearchProvider  *self,
              const ChatSearchHit *hit)
{
  char *id = g_strdup_printf ("%" G_GINT64_FORMAT, hit->conversation_id);
  g_autofree char *description = hit->message_id != 0 ? plain_snippet (hit->snippet) : g_strdup ("");

  g_hash_table_insert (self->metas, id, build_meta (id, hit->title, description));
}

/* Conversation ids, best first, each once. */
static GVariant *
search (ChatSearchProvider *self,
        const char * const *terms)
{
  g_autofree char *query = g_strjoinv (" ", (char **) terms);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder ids;

  g_hash_table_remove_all (self->metas);
  g_variant_builder_init (&ids, G_VARIANT_TYPE_STRING_ARRAY);
  if (get_store (self) != NULL)
    hits = chat_store_search (self->store, query, MAX_HITS, &error);
  if (error != NULL)
    g_debug ("Searching for “%s”: %s", query, error->message);
  for (guint i = 0; hits != NULL && i < hits->len && g_hash_table_size (self->metas) < MAX_RESULTS; i++)
    {
      ChatSearchHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, hit->conversation_id);

      if (g_hash_table_contains (self->metas, id))
        continue;
      remember_hit (self, hit);
      g_variant_builder_add (&ids, "s", id);
    }
  return g_variant_new ("(as)", &ids);
}

/* Ids from another search (or a stale one) still get their title. */
static GVariant *
lookup_meta (ChatSearchProvider *self,
             const char         *id)
{
  GVariant *meta = g_hash_table_lookup (self->metas, id);
  g_autoptr(ChatConversation) conversation = NULL;
  gint64 conversation_id;

  if (meta != NULL)
    return g_variant_ref (meta);
  if (!parse_id (id, &conversation_id) || get_store (self) == NULL)
    return NULL;
  conversation = chat_store_load_conversation (self->store, conversation_id, NULL);
  return conversation != NULL ? build_meta (id, chat_conversation_get_title (conversation), "") : NULL;
}

/* Unknown ids (deleted since) are left out. */
static GVariant *
result_metas (ChatSearchProvider *self,
              const char * const *ids)
{
  GVariantBuilder metas;

  g_variant_builder_init (&metas, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GVariant) meta = lookup_meta (self, ids[i]);

      if (meta != NULL)
        g_variant_builder_add_value (&metas, meta);
    }
  return g_variant_new ("(aa{sv})", &metas);
}

static ChatWindow *
find_window (GtkApplication *application)
{
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (CHAT_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

/* The most recently used window, or a new one as app.new-window opens it. */
static ChatWindow *
ensure_window (ChatSearchProvider *self)
{
  ChatWindow *window;

  if (!GTK_IS_APPLICATION (self->application))
    return NULL;
  window = find_window (GTK_APPLICATION (self->application));
  if (window == NULL && g_action_group_has_action (G_ACTION_GROUP (self->application), "new-window"))
    {
      g_action_group_activate_action (G_ACTION_GROUP (self->application), "new-window", NULL);
      window = find_window (GTK_APPLICATION (self->application));
    }
  return window;
}

static void
activate_result (ChatSearchProvider *self,
                 const char         *id,
                 guint32             timestamp)
{
  ChatConversationView *view;
  ChatWindow *window;
  gint64 conversation_id;

  if (self->application == NULL || !parse_id (id, &conversation_id))
    return;
  if (g_action_group_has_action (G_ACTION_GROUP (self->application), "open-conversation"))
    {
      g_action_group_activate_action (G_ACTION_GROUP (self->application), "open-conversation",
                                      g_variant_new_int64 (conversation_id));
      return;
    }
  window = ensure_window (self);
  if (window == NULL)
    return;
  view = chat_window_get_view (window);
  if (chat_conversation_view_get_conversation_id (view) != conversation_id)
    chat_conversation_view_show_conversation (view, conversation_id);
  gtk_window_present_with_time (GTK_WINDOW (window), timestamp);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The window's own search, showing the same terms. */
static void
launch_search (ChatSearchProvider *self,
               const char * const *terms,
               guint32             timestamp)
{
  g_autofree char *query = g_strjoinv (" ", (char **) terms);
  ChatWindow *window = ensure_window (self);
  GtkWidget *sidebar;

  if (window == NULL)
    return;
  gtk_window_present_with_time (GTK_WINDOW (window), timestamp);
  gtk_widget_activate_action (GTK_WIDGET (window), "window.search", NULL);
  sidebar = find_descendant (GTK_WIDGET (window), CHAT_TYPE_SIDEBAR);
  if (sidebar != NULL)
    chat_sidebar_set_search_text (CHAT_SIDEBAR (sidebar), query);
}

static GVariant *
call_method (ChatSearchProvider *self,
             const char         *method_name,
             GVariant           *parameters)
{
  g_autofree const char **previous = NULL;
  g_autofree const char **strings = NULL;
  const char *id;
  guint32 timestamp;

  if (g_str_equal (method_name, "GetInitialResultSet"))
    {
      g_variant_get (parameters, "(^a&s)", &strings);
      return search (self, strings);
    }
  if (g_str_equal (method_name, "GetSubsearchResultSet"))
    {
      g_variant_get (parameters, "(^a&s^a&s)", &previous, &strings);
      return search (self, strings);
    }
  if (g_str_equal (method_name, "GetResultMetas"))
    {
      g_variant_get (parameters, "(^a&s)", &strings);
      return result_metas (self, strings);
    }
  if (g_str_equal (method_name, "ActivateResult"))
    {
      g_variant_get (parameters, "(&s^a&su)", &id, &strings, &timestamp);
      activate_result (self, id, timestamp);
      return NULL;
    }
  g_variant_get (parameters, "(^a&su)", &strings, &timestamp);
  launch_search (self, strings, timestamp);
  return NULL;
}

/* GDBus checked the arguments against the interface; the last method
 * left is LaunchSearch. */
static void
handle_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  g_dbus_method_invocation_return_value (invocation, call_method (user_data, method_name, parameters));
}

static void
chat_search_provider_dispose (GObject *object)
{
  ChatSearchProvider *self = CHAT_SEARCH_PROVIDER (object);

  chat_search_provider_unexport (self);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (chat_search_provider_parent_class)->dispose (object);
}

static void
chat_search_provider_finalize (GObject *object)
{
  ChatSearchProvider *self = CHAT_SEARCH_PROVIDER (object);

  g_hash_table_unref (self->metas);

  G_OBJECT_CLASS (chat_search_provider_parent_class)->finalize (object);
}

static void
chat_search_provider_class_init (ChatSearchProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chat_search_provider_dispose;
  object_class->finalize = chat_search_provider_finalize;
}

static void
chat_search_provider_init (ChatSearchProvider *self)
{
  self->metas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
}

ChatSearchProvider *
chat_search_provider_new (GApplication *application)
{
  ChatSearchProvider *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  self = g_object_new (CHAT_TYPE_SEARCH_PROVIDER, NULL);
  g_set_weak_pointer (&self->application, application);
  return self;
}

gboolean
chat_search_provider_export (ChatSearchProvider  *self,
                             GDBusConnection     *connection,
                             GError             **error)
{
  static const GDBusInterfaceVTable vtable = { handle_method_call, NULL, NULL, { 0 } };
  g_autoptr(GBytes) xml = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;

  g_return_val_if_fail (CHAT_IS_SEARCH_PROVIDER (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (self->registration_id == 0, FALSE);

  /* Compiled into the resource, so it cannot be missing or malformed. */
  xml = g_resources_lookup_data (INTERFACE_XML, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  node = g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), NULL);
  self->registration_id = g_dbus_connection_register_object (connection, CHAT_SEARCH_PROVIDER_PATH,
                                                             node->interfaces[0], &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return FALSE;
  g_set_object (&self->connection, connection);
  return TRUE;
}

void
chat_search_provider_unexport (ChatSearchProvider *self)
{
  g_return_if_fail (CHAT_IS_SEARCH_PROVIDER (self));

  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);
}
