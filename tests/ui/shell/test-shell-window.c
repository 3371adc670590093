/* test-shell-window.c: the window, its sidebar and header, in-process
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "chat-composer.h"
#include "chat-conversation-settings.h"
#include "chat-fake-server.h"
#include "chat-model-button.h"
#include "chat-profile-button.h"
#include "chat-request.h"
#include "chat-secrets.h"
#include "chat-sidebar.h"
#include "chat-sidebar-item.h"
#include "chat-welcome-page.h"
#include "chat-window.h"
#include "shell-test-util.h"

#define TIMEOUT_MS 10000

typedef struct {
  char           *dir;
  ChatStore      *store;
  ChatClient     *client;
  ChatFakeServer *server;
  char           *base_url;
  ChatWindow     *window;
  /* The chat requests (POST) the fake server is to have seen. */
  guint           n_posts_wanted;
  gint64          pinned;
  gint64          rust;
  gint64          weekend;
  gint64          yesterday;
  gint64          trip;
  gint64          old;
} Fixture;

static const char * const rust_messages[] = {
  "How do lifetimes work in Rust?",
  "Lifetimes tell the compiler how long references stay valid. <b>Not markup</b> & friends.",
  NULL
};
static const char * const weekend_messages[] = {
  "这个周末去哪里爬山比较好？",
  "可以去香山，秋天的红叶很美。",
  NULL
};

static void
clear_keys (void)
{
  g_setenv ("LIAO_API_KEY", "", TRUE);
  g_setenv ("ZHIPUAI_API_KEY", "", TRUE);
  g_setenv ("ZAI_API_KEY", "", TRUE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  clear_keys ();
  f->dir = shell_test_make_dir ();
  path = g_build_filename (f->dir, "liao.db", NULL);
  f->store = chat_store_open (path, &error);
  g_assert_no_error (error);
  f->client = chat_client_new ();
  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->base_url = chat_fake_server_dup_base_url (f->server);
}

static void
fixture_seed (Fixture *f)
{
  f->old = shell_test_seed (f->store, "Old archive", 30, FALSE, NULL);
  f->trip = shell_test_seed (f->store, "Trip ideas", 3, FALSE, NULL);
  f->yesterday = shell_test_seed (f->store, "Yesterday’s recipe", 1, FALSE, NULL);
  f->pinned = shell_test_seed (f->store, "Pinned notes", 40, TRUE, NULL);
  f->rust = shell_test_seed (f->store, "Rust lifetimes", 0, FALSE, rust_messages);
  f->weekend = shell_test_seed (f->store, "周末计划", 0, FALSE, weekend_messages);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  shell_test_settle (50);
  g_clear_object (&f->store);
  g_clear_object (&f->client);
  g_clear_object (&f->server);
  g_free (f->base_url);
  shell_test_remove_dir (f->dir);
  g_free (f->dir);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  clear_keys ();
}

static gboolean
window_is_drawn (gpointer data)
{
  GtkWidget *window = data;

  return gtk_widget_get_mapped (window) && gtk_widget_get_width (window) > 0;
}

static void
open_window (Fixture    *f,
             int         width,
             const char *base_url)
{
  f->window = chat_window_new (NULL, f->store, f->client, base_url);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  shell_test_wait_until (window_is_drawn, f->window, TIMEOUT_MS, "the window to show");
  shell_test_settle (400);
}

static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *object = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (object);
  return object;
}

static gpointer
child (Fixture    *f,
       const char *name)
{
  return template_child (f->window, CHAT_TYPE_WINDOW, name);
}

static ChatSidebar *
sidebar (Fixture *f)
{
  return child (f, "sidebar");
}

static ChatConversationView *
view (Fixture *f)
{
  return chat_window_get_view (f->window);
}

/* "H:Today|C:Rust lifetimes|…" */
static char *
describe_sidebar (Fixture *f)
{
  GListModel *items = chat_sidebar_get_items (sidebar (f));
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(ChatSidebarItem) item = g_list_model_get_item (items, i);
      static const char kinds[] = { 'H', 'C', 'S' };

      g_string_append_printf (text, "%s%c:%s", i > 0 ? "|" : "",
                              kinds[chat_sidebar_item_get_kind (item)], chat_sidebar_item_get_title (item));
    }
  return g_strdup (text->str);
}

static guint
find_item (Fixture *f,
           gint64   conversation_id)
{
  GListModel *items = chat_sidebar_get_items (sidebar (f));

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(ChatSidebarItem) item = g_list_model_get_item (items, i);

      if (chat_sidebar_item_get_kind (item) != CHAT_SIDEBAR_ITEM_HEADER &&
          chat_sidebar_item_get_conversation_id (item) == conversation_id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static ChatConversation *
load (Fixture *f,
      gint64   conversation_id)
{
  g_autoptr(GError) error = NULL;
  ChatConversation *conversation = chat_store_load_conversation (f->store, conversation_id, &error);

  g_assert_no_error (error);
  return conversation;
}

static gboolean
is_gone (Fixture *f,
         gint64   conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation = chat_store_load_conversation (f->store, conversation_id, &error);

  return conversation == NULL && g_error_matches (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_NOT_FOUND);
}

static void
activate (Fixture    *f,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->window), action, parameter));
}

static const char *
subtitle (Fixture *f)
{
  return adw_window_title_get_subtitle (child (f, "window_title"));
}

static const char *
title (Fixture *f)
{
  return adw_window_title_get_title (child (f, "window_title"));
}

static void
test_groups (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *described = NULL;
  g_autofree char *shot = NULL;

  fixture_seed (f);
  open_window (f, 1000, NULL);

  described = describe_sidebar (f);
  g_assert_cmpstr (described, ==,
                   "H:Pinned|C:Pinned notes|H:Today|C:周末计划|C:Rust lifetimes|H:Yesterday|"
                   "C:Yesterday’s recipe|H:Previous 7 Days|C:Trip ideas|H:Older|C:Old archive");
  g_assert_cmpuint (chat_sidebar_get_n_conversations (sidebar (f)), ==, 6);
  /* A fresh window starts a new conversation, and has no welcome page. */
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, 0);
  g_assert_cmpstr (title (f), ==, "New Conversation");
  g_assert_false (gtk_widget_get_visible (child (f, "welcome_page")));

  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->rust);
  g_assert_cmpstr (title (f), ==, "Rust lifetimes");
  g_assert_cmpstr (subtitle (f), ==, "General (open.bigmodel.cn)");
  shell_test_settle (300);
  shot = shell_test_screenshot (GTK_WIDGET (f->window), "window-light");
}

static void
test_dark (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *shot = NULL;

  fixture_seed (f);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  open_window (f, 1000, NULL);
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->weekend));
  g_assert_cmpstr (title (f), ==, "周末计划");
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  shell_test_settle (300);
  shot = shell_test_screenshot (GTK_WIDGET (f->window), "window-dark-chinese");
}

static gboolean
focus_in_view (gpointer data)
{
  Fixture *f = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (view (f)));
}

static void
test_new_conversation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ChatConversation) created = NULL;
  GtkSingleSelection *selection;
  g_autofree char *described = NULL;

  fixture_seed (f);
  open_window (f, 1000, NULL);
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->rust);

  activate (f, "window.new-conversation", NULL);
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, 0);
  g_assert_cmpstr (title (f), ==, "New Conversation");
  shell_test_wait_until (focus_in_view, f, TIMEOUT_MS, "the composer to have the focus");

  /* The view stores a conversation on its first message and says so. */
  created = chat_conversation_new ("A brand new question");
  chat_store_add_conversation (f->store, created, NULL);
  g_signal_emit_by_name (view (f), "conversation-changed", chat_conversation_get_id (created));
  described = describe_sidebar (f);
  g_assert_true (g_str_has_prefix (described, "H:Pinned|C:Pinned notes|H:Today|C:A brand new question|"));

  /* The shown conversation stays selected across reloads. */
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->weekend));
  selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (
    GTK_LIST_VIEW (template_child (sidebar (f), CHAT_TYPE_SIDEBAR, "list_view"))));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, find_item (f, f->weekend));
  chat_window_reload_sidebar (f->window);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, find_item (f, f->weekend));
}

static gboolean
is_button_labelled (GtkWidget *widget,
                    gpointer   data)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0 && gtk_widget_get_mapped (widget);
}

static gboolean
is_message_dialog (gpointer data)
{
  return shell_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL) != NULL;
}

static gboolean
no_message_dialog (gpointer data)
{
  return !is_message_dialog (data);
}

static void
rename_via_dialog (Fixture    *f,
                   gint64      conversation_id,
                   const char *new_title,
                   const char *shot_name)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  activate (f, "window.rename-conversation", g_variant_new_int64 (conversation_id));
  shell_test_wait_until (is_message_dialog, NULL, TIMEOUT_MS, "the rename dialog");
  dialog = ADW_MESSAGE_DIALOG (shell_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_EDITABLE (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), new_title);
  if (shot_name != NULL)
    {
      g_autofree char *shot = NULL;

      shell_test_settle (300);
      shot = shell_test_screenshot (GTK_WIDGET (dialog), shot_name);
    }
  /* As a click does: the response, then the dialog closes. */
  gtk_widget_activate (shell_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON,
                                               is_button_labelled, "_Rename"));
  shell_test_wait_until (no_message_dialog, NULL, TIMEOUT_MS, "the rename dialog to close");
}

static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ChatConversation) trip = NULL;
  g_autoptr(ChatConversation) rust = NULL;
  g_autofree char *described = NULL;

  fixture_seed (f);
  open_window (f, 1000, NULL);

  rename_via_dialog (f, f->trip, "  旅行计划 Trip  ", "rename-dialog");
  trip = load (f, f->trip);
  g_assert_cmpstr (chat_conversation_get_title (trip), ==, "旅行计划 Trip");
  /* Renaming does not make a conversation newer. */
  described = describe_sidebar (f);
  g_assert_true (strstr (described, "H:Previous 7 Days|C:旅行计划 Trip|") != NULL);

  /* The shown one: the header follows and the view's copy has the title. */
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));
  rename_via_dialog (f, f->rust, "Borrowing", NULL);
  rust = load (f, f->rust);
  g_assert_cmpstr (chat_conversation_get_title (rust), ==, "Borrowing");
  g_assert_cmpstr (title (f), ==, "Borrowing");
  g_assert_cmpstr (chat_conversation_get_title (chat_conversation_view_get_conversation (view (f))), ==, "Borrowing");
}

static void
test_pin (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(ChatConversation) old = NULL;
  g_autofree char *described = NULL;
  g_autofree char *unpinned = NULL;

  fixture_seed (f);
  open_window (f, 1000, NULL);

  activate (f, "window.toggle-pin", g_variant_new_int64 (f->old));
  old = load (f, f->old);
  g_assert_true (chat_conversation_get_pinned (old));
  described = describe_sidebar (f);
  g_assert_true (g_str_has_prefix (described, "H:Pinned|C:Old archive|C:Pinned notes|H:Today|"));

  activate (f, "window.toggle-pin", g_variant_new_int64 (f->pinned));
  unpinned = describe_sidebar (f);
  g_assert_true (g_str_has_prefix (unpinned, "H:Pinned|C:Old archive|H:Today|"));
  g_assert_true (g_str_has_suffix (unpinned, "H:Older|C:Pinned notes"));
}

static gboolean
is_button_with_icon (GtkWidget *widget,
                     gpointer   data)
{
  return g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), data) == 0 && gtk_widget_get_mapped (widget);
}

static gboolean
has_toast_button (gpointer data)
{
  Fixture *f = data;

  return shell_test_find_widget (child (f, "toast_overlay"), GTK_TYPE_BUTTON, is_button_labelled, "_Undo") != NULL;
}

static void
test_delete_undo (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ChatConversation) kept = NULL;
  g_autofree char *shot = NULL;
  GtkWidget *undo;

  fixture_seed (f);
  open_window (f, 1000, NULL);
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));

  activate (f, "window.delete-conversation", g_variant_new_int64 (f->rust));
  g_assert_cmpuint (find_item (f, f->rust), ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (chat_sidebar_get_n_conversations (sidebar (f)), ==, 5);
  /* The deleted conversation is no longer shown. */
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, 0);

  shell_test_wait_until (has_toast_button, f, TIMEOUT_MS, "the Undo toast");
  shell_test_settle (400);
  shot = shell_test_screenshot (GTK_WIDGET (f->window), "delete-toast");
  undo = shell_test_find_widget (child (f, "toast_overlay"), GTK_TYPE_BUTTON, is_button_labelled, "_Undo");
  gtk_widget_activate (undo);
  shell_test_settle (600);

  g_assert_cmpuint (find_item (f, f->rust), !=, GTK_INVALID_LIST_POSITION);
  kept = load (f, f->rust);
  g_assert_cmpstr (chat_conversation_get_title (kept), ==, "Rust lifetimes");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (kept)), ==, 2);
}

static gboolean
is_deleted (gpointer data)
{
  Fixture *f = data;

  return is_gone (f, f->trip);
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *close;

  fixture_seed (f);
  open_window (f, 1000, NULL);

  activate (f, "window.delete-conversation", g_variant_new_int64 (f->trip));
  g_assert_cmpuint (find_item (f, f->trip), ==, GTK_INVALID_LIST_POSITION);
  /* Hidden, not yet deleted: Undo could still bring it back. */
  g_assert_false (is_gone (f, f->trip));

  shell_test_wait_until (has_toast_button, f, TIMEOUT_MS, "the Undo toast");
  close = shell_test_find_widget (child (f, "toast_overlay"), GTK_TYPE_BUTTON,
                                  is_button_with_icon, "window-close-symbolic");
  g_assert_nonnull (close);
  gtk_widget_activate (close);
  shell_test_wait_until (is_deleted, f, TIMEOUT_MS, "the deletion");
  g_assert_cmpuint (find_item (f, f->trip), ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (chat_sidebar_get_n_conversations (sidebar (f)), ==, 5);
}

static void
test_delete_on_close (Fixture       *f,
                      gconstpointer  data)
{
  fixture_seed (f);
  open_window (f, 1000, NULL);

  activate (f, "window.delete-conversation", g_variant_new_int64 (f->old));
  activate (f, "window.delete-conversation", g_variant_new_int64 (f->trip));
  activate (f, "window.undo-delete", g_variant_new_int64 (f->trip));
  g_assert_false (is_gone (f, f->old));

  /* Closing (or quitting) while the toast shows still deletes. */
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  g_assert_true (is_gone (f, f->old));
  g_assert_false (is_gone (f, f->trip));
}

static ChatSidebarItem *
item_at (Fixture *f,
         guint    position)
{
  return g_list_model_get_item (chat_sidebar_get_items (sidebar (f)), position);
}

static void
search_and_open (Fixture    *f,
                 const char *query,
                 gint64      expected_id,
                 const char *expected_bold,
                 const char *shot_name)
{
  g_autoptr(ChatSidebarItem) hit = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *shot = NULL;

  chat_sidebar_set_search_text (sidebar (f), query);
  g_assert_cmpuint (g_list_model_get_n_items (chat_sidebar_get_items (sidebar (f))), >, 0);
  hit = item_at (f, 0);
  g_assert_cmpint (chat_sidebar_item_get_kind (hit), ==, CHAT_SIDEBAR_ITEM_HIT);
  g_assert_cmpint (chat_sidebar_item_get_conversation_id (hit), ==, expected_id);
  g_assert_cmpint (chat_sidebar_item_get_message_id (hit), !=, 0);
  markup = chat_sidebar_item_dup_snippet_markup (hit);
  g_assert_nonnull (strstr (markup, expected_bold));
  shell_test_settle (300);
  shot = shell_test_screenshot (GTK_WIDGET (f->window), shot_name);

  chat_sidebar_activate_position (sidebar (f), 0);
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, expected_id);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ChatSidebarItem) title_hit = NULL;
  g_autofree char *listed = NULL;

  fixture_seed (f);
  open_window (f, 1000, NULL);

  search_and_open (f, "compiler", f->rust, "<b>compiler</b>", "search-english");
  g_assert_cmpstr (title (f), ==, "Rust lifetimes");
  search_and_open (f, "红叶", f->weekend, "<b>红叶</b>", "search-chinese");
  g_assert_cmpstr (title (f), ==, "周末计划");

  /* A title match in a conversation whose messages match too shows once. */
  chat_sidebar_set_search_text (sidebar (f), "lifetimes");
  for (guint i = 0; i < g_list_model_get_n_items (chat_sidebar_get_items (sidebar (f))); i++)
    {
      g_autoptr(ChatSidebarItem) hit = item_at (f, i);

      g_assert_cmpint (chat_sidebar_item_get_message_id (hit), !=, 0);
    }

  /* A title-only match opens its conversation. */
  chat_sidebar_set_search_text (sidebar (f), "archive");
  g_assert_cmpuint (g_list_model_get_n_items (chat_sidebar_get_items (sidebar (f))), ==, 1);
  title_hit = item_at (f, 0);
  g_assert_cmpint (chat_sidebar_item_get_message_id (title_hit), ==, 0);
  chat_sidebar_activate_position (sidebar (f), 0);
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->old);

  chat_sidebar_set_search_text (sidebar (f), "nothing-matches-this");
  g_assert_cmpuint (g_list_model_get_n_items (chat_sidebar_get_items (sidebar (f))), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
    template_child (sidebar (f), CHAT_TYPE_SIDEBAR, "stack")), ==, "no-results");

  /* Clearing the search lists the conversations again, the shown one selected. */
  chat_sidebar_set_search_text (sidebar (f), "");
  listed = describe_sidebar (f);
  g_assert_true (g_str_has_prefix (listed, "H:Pinned|"));
}

static void
test_snippet_markup (void)
{
  ChatSearchHit hit = {
    .conversation_id = 1, .message_id = 2, .title = (char *) "t",
    .snippet = (char *) "a <i>&\n" CHAT_STORE_MARK_START "红叶" CHAT_STORE_MARK_END " b " CHAT_STORE_MARK_START "open",
  };
  g_autoptr(ChatSidebarItem) item = chat_sidebar_item_new_hit (&hit);
  g_autofree char *markup = chat_sidebar_item_dup_snippet_markup (item);

  g_assert_cmpstr (markup, ==, "a &lt;i&gt;&amp; <b>红叶</b> b <b>open</b>");
  g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL));
}

static void
test_switch_conversation (Fixture       *f,
                          gconstpointer  data)
{
  fixture_seed (f);
  open_window (f, 1000, NULL);

  chat_sidebar_activate_position (sidebar (f), find_item (f, f->weekend));
  activate (f, "window.switch-conversation", g_variant_new_int32 (1));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->rust);
  activate (f, "window.switch-conversation", g_variant_new_int32 (1));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->yesterday);
  activate (f, "window.switch-conversation", g_variant_new_int32 (-1));
  activate (f, "window.switch-conversation", g_variant_new_int32 (-1));
  activate (f, "window.switch-conversation", g_variant_new_int32 (-1));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->pinned);
  /* The first stays first. */
  activate (f, "window.switch-conversation", g_variant_new_int32 (-1));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->pinned);
}

static gboolean
leaflet_settled (gpointer data)
{
  return !adw_leaflet_get_child_transition_running (data);
}

static void
test_folded (Fixture       *f,
             gconstpointer  data)
{
  AdwLeaflet *leaflet;
  g_autofree char *content_shot = NULL;
  g_autofree char *sidebar_shot = NULL;

  fixture_seed (f);
  open_window (f, 400, NULL);
  leaflet = child (f, "leaflet");

  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (f, "content_pane"));
  g_assert_true (gtk_widget_get_visible (child (f, "back_button")));
  content_shot = shell_test_screenshot (GTK_WIDGET (f->window), "narrow-content");

  activate (f, "window.show-sidebar", NULL);
  shell_test_wait_until (leaflet_settled, leaflet, TIMEOUT_MS, "the leaflet");
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (f, "sidebar_pane"));
  shell_test_settle (200);
  sidebar_shot = shell_test_screenshot (GTK_WIDGET (f->window), "narrow-sidebar");

  /* Choosing a conversation goes to it. */
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->weekend));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (f, "content_pane"));
  g_assert_cmpint (chat_conversation_view_get_conversation_id (view (f)), ==, f->weekend);

  /* Ctrl+F goes back to the sidebar's search field. */
  activate (f, "window.search", NULL);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == child (f, "sidebar_pane"));

  /* Wide again: both panes, no back button. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 700);
  shell_test_settle (400);
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (gtk_widget_get_visible (child (f, "back_button")));
}

static gboolean
key_checked (gpointer data)
{
  return !chat_welcome_page_get_checking (data);
}

static void
test_welcome_without_key (Fixture       *f,
                          gconstpointer  data)
{
  ChatWelcomePage *welcome;
  GtkLabel *key_label;
  GtkLabel *command_label;
  g_autofree char *shot = NULL;

  open_window (f, 1000, NULL);
  welcome = child (f, "welcome_page");
  shell_test_wait_until (key_checked, welcome, TIMEOUT_MS, "the key lookup");

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (welcome)));
  g_assert_true (chat_welcome_page_get_needs_key (welcome));
  key_label = template_child (welcome, CHAT_TYPE_WELCOME_PAGE, "key_label");
  command_label = template_child (welcome, CHAT_TYPE_WELCOME_PAGE, "command_label");
  g_assert_nonnull (strstr (gtk_label_get_text (key_label), "LIAO_API_KEY"));
  g_assert_nonnull (strstr (gtk_label_get_text (key_label), "ZHIPUAI_API_KEY"));
  g_assert_cmpstr (gtk_label_get_text (command_label), ==, "liao key set general");
  g_assert_cmpstr (gtk_link_button_get_uri (template_child (welcome, CHAT_TYPE_WELCOME_PAGE, "console_button")),
                   ==, CHAT_WELCOME_BIGMODEL_CONSOLE);
  /* The composer is there to type into. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view (f))));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (view (f))), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chat_sidebar_get_items (sidebar (f))), ==, 0);
  shot = shell_test_screenshot (GTK_WIDGET (f->window), "welcome-no-key");

  /* The first conversation takes the welcome page away. */
  shell_test_seed (f->store, "First", 0, FALSE, NULL);
  g_signal_emit_by_name (view (f), "conversation-changed", (gint64) 1);
  activate (f, "window.switch-conversation", g_variant_new_int32 (1));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (welcome)));
}

static gboolean
models_from_server (gpointer data)
{
  Fixture *f = data;
  const char * const *models = chat_model_button_get_models (child (f, "model_button"));

  return g_strv_length ((char **) models) == 3 && g_str_equal (models[2], "glm-4.5-air");
}

static void
test_welcome_with_key (Fixture       *f,
                       gconstpointer  data)
{
  ChatWelcomePage *welcome;
  g_autofree char *shot = NULL;

  g_setenv ("LIAO_API_KEY", "test-key", TRUE);
  open_window (f, 1000, f->base_url);
  welcome = child (f, "welcome_page");
  shell_test_wait_until (key_checked, welcome, TIMEOUT_MS, "the key lookup");

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (welcome)));
  g_assert_false (chat_welcome_page_get_needs_key (welcome));
  /* With a key, the model list comes from the server (GET /models). */
  shell_test_wait_until (models_from_server, f, TIMEOUT_MS, "the server's model list");
  shot = shell_test_screenshot (GTK_WIDGET (f->window), "welcome-with-key");
}

/* A key saved with `liao key set` (here: the file store) counts too. */
static void
test_welcome_with_stored_key (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(ChatProfile) general = chat_profile_lookup_builtin ("general");
  g_autoptr(GError) error = NULL;
  ChatWelcomePage *welcome;

  chat_secrets_store_key (general, "stored-test-key", NULL, &error);
  g_assert_no_error (error);
  open_window (f, 1000, f->base_url);
  welcome = child (f, "welcome_page");
  shell_test_wait_until (key_checked, welcome, TIMEOUT_MS, "the key lookup");

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (welcome)));
  g_assert_false (chat_welcome_page_get_needs_key (welcome));
  shell_test_wait_until (models_from_server, f, TIMEOUT_MS, "the server's model list");
  chat_secrets_clear_key (general, &error);
  g_assert_no_error (error);
}

static void
test_base_url_header (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *expected = g_strdup_printf ("%s instead of General (open.bigmodel.cn)", f->base_url);

  fixture_seed (f);
  open_window (f, 1000, f->base_url);

  g_assert_cmpstr (chat_window_get_base_url_override (f->window), ==, f->base_url);
  g_assert_cmpstr (subtitle (f), ==, expected);
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));
  g_assert_cmpstr (subtitle (f), ==, expected);
}

static void
screenshot_popover (GtkPopover *popover,
                    const char *name)
{
  g_autofree char *shot = NULL;

  gtk_popover_popup (popover);
  shell_test_settle (400);
  shot = shell_test_screenshot (GTK_WIDGET (popover), name);
  gtk_popover_popdown (popover);
}

static void
test_profile_and_model (Fixture       *f,
                        gconstpointer  data)
{
  ChatProfileButton *profile_button;
  ChatModelButton *model_button;
  g_autoptr(ChatConversation) stored = NULL;
  g_autoptr(ChatConversation) other = NULL;
  GtkWidget *entry;

  fixture_seed (f);
  open_window (f, 1000, NULL);
  profile_button = child (f, "profile_button");
  model_button = child (f, "model_button");

  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));
  g_assert_cmpstr (chat_profile_button_get_profile_id (profile_button), ==, "general");
  g_assert_cmpstr (chat_model_button_get_model (model_button), ==, "glm-4.7");
  /* Without a key: the profile's own list. */
  g_assert_true (g_strv_contains (chat_model_button_get_models (model_button), "glm-4.5-flash"));

  chat_profile_button_activate_profile (profile_button, "coding");
  chat_model_button_activate_model (model_button, "my-custom-model");
  stored = load (f, f->rust);
  g_assert_cmpstr (chat_conversation_get_profile (stored), ==, "coding");
  g_assert_cmpstr (chat_conversation_get_model (stored), ==, "my-custom-model");
  g_assert_cmpstr (subtitle (f), ==, "Coding Plan (open.bigmodel.cn)");
  g_assert_cmpstr (chat_model_button_get_model (model_button), ==, "my-custom-model");

  /* Any model name can be typed. */
  entry = template_child (model_button, CHAT_TYPE_MODEL_BUTTON, "entry");
  gtk_editable_set_text (GTK_EDITABLE (entry), "  glm-typed  ");
  g_signal_emit_by_name (entry, "activate");
  g_clear_object (&stored);
  stored = load (f, f->rust);
  g_assert_cmpstr (chat_conversation_get_model (stored), ==, "glm-typed");
  g_assert_cmpstr (gtk_menu_button_get_label (template_child (model_button, CHAT_TYPE_MODEL_BUTTON, "menu_button")),
                   ==, "glm-typed");

  /* Each conversation keeps its own. */
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->weekend));
  g_assert_cmpstr (chat_profile_button_get_profile_id (profile_button), ==, "general");
  g_assert_cmpstr (chat_model_button_get_model (model_button), ==, "glm-4.7");
  other = load (f, f->weekend);
  g_assert_cmpstr (chat_conversation_get_profile (other), ==, "general");
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));
  g_assert_cmpstr (chat_profile_button_get_profile_id (profile_button), ==, "coding");

  screenshot_popover (template_child (profile_button, CHAT_TYPE_PROFILE_BUTTON, "popover"), "profile-popover");
  screenshot_popover (template_child (model_button, CHAT_TYPE_MODEL_BUTTON, "popover"), "model-popover");
}

static void
test_toggle_coding_plan (Fixture       *f,
                         gconstpointer  data)
{
  ChatProfileButton *profile_button;
  g_autoptr(ChatConversation) stored = NULL;

  fixture_seed (f);
  open_window (f, 1000, NULL);
  profile_button = child (f, "profile_button");
  chat_sidebar_activate_position (sidebar (f), find_item (f, f->rust));

  activate (f, "window.toggle-coding-plan", NULL);
  g_assert_cmpstr (chat_profile_button_get_profile_id (profile_button), ==, "coding");
  stored = load (f, f->rust);
  g_assert_cmpstr (chat_conversation_get_profile (stored), ==, "coding");
  activate (f, "window.toggle-coding-plan", NULL);
  g_assert_cmpstr (chat_profile_button_get_profile_id (profile_button), ==, "general");

  chat_profile_button_activate_profile (profile_button, "zai");
  activate (f, "window.toggle-coding-plan", NULL);
  g_assert_cmpstr (chat_profile_button_get_profile_id (profile_button), ==, "zai-coding");
  g_assert_cmpstr (subtitle (f), ==, "Z.ai Coding Plan");
  activate (f, "window.toggle-coding-plan", NULL);
  g_assert_cmpstr (chat_profile_button_get_profile_id (profile_button), ==, "zai");
}

static void
test_default_profile (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GVariantBuilder) models = g_variant_builder_new (G_VARIANT_TYPE ("a{ss}"));
  ChatConversation *conversation;

  g_variant_builder_add (models, "{ss}", "zai", "glm-4.5-air");
  g_settings_set_value (settings, "default-models", g_variant_builder_end (models));
  g_settings_set_string (settings, "default-profile", "zai");
  open_window (f, 1000, NULL);
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_cmpstr (chat_conversation_get_profile (conversation), ==, "zai");
  g_assert_cmpstr (chat_conversation_get_model (conversation), ==, "glm-4.5-air");
  g_assert_cmpstr (chat_profile_button_get_profile_id (child (f, "profile_button")), ==, "zai");

  /* No model set for the profile: its own default; an unknown id: General. */
  g_settings_set_string (settings, "default-profile", "zai-coding");
  activate (f, "window.new-conversation", NULL);
  activate (f, "window.toggle-coding-plan", NULL);
  activate (f, "window.new-conversation", NULL);
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_cmpstr (chat_conversation_get_profile (conversation), ==, "zai-coding");
  g_assert_cmpstr (chat_conversation_get_model (conversation), ==, "glm-4.7");
  g_settings_set_string (settings, "default-profile", "no-such-profile");
  chat_window_show_conversation (f->window, 0);
  activate (f, "window.toggle-coding-plan", NULL);
  activate (f, "window.new-conversation", NULL);
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_cmpstr (chat_conversation_get_profile (conversation), ==, "general");

  g_settings_reset (settings, "default-profile");
  g_settings_reset (settings, "default-models");
}

static void
test_conversation_settings (Fixture       *f,
                            gconstpointer  data)
{
  GtkMenuButton *button;
  GtkPopover *popover;
  g_autoptr(ChatConversation) stored = NULL;
  g_autofree char *shot = NULL;
  const char *name;

  fixture_seed (f);
  open_window (f, 1000, NULL);
  chat_window_show_conversation (f->window, f->weekend);
  chat_conversation_set_parameters (chat_conversation_view_get_conversation (view (f)), "{\"top_p\":0.5}");
  button = child (f, "settings_button");
  name = gtk_widget_get_tooltip_text (GTK_WIDGET (button));
  g_assert_cmpstr (name, ==, "Conversation Settings");
  /* The popover is made when it first opens. */
  gtk_menu_button_popup (button);
  popover = gtk_menu_button_get_popover (button);
  shell_test_settle (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                                                      "system_prompt_view")),
                            "你是一位登山向导。\nAnswer briefly.", -1);
  gtk_editable_set_text (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS, "model_entry"), "glm-4.6");
  gtk_check_button_set_active (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                               "temperature_default_check"), FALSE);
  gtk_spin_button_set_value (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS, "temperature_spin"), 0.3);
  gtk_drop_down_set_selected (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS, "thinking_dropdown"), 2);
  shell_test_settle (100);
  shot = shell_test_screenshot (GTK_WIDGET (popover), "conversation-settings");
  gtk_menu_button_popdown (button);
  shell_test_settle (100);

  stored = load (f, f->weekend);
  g_assert_cmpstr (chat_conversation_get_system_prompt (stored), ==, "你是一位登山向导。\nAnswer briefly.");
  g_assert_cmpstr (chat_conversation_get_model (stored), ==, "glm-4.6");
  /* The keys chat-exchange.c reads; top_p stays. */
  g_assert_cmpstr (chat_conversation_get_parameters (stored), ==,
                   "{\"top_p\":0.5,\"temperature\":0.29999999999999999,\"thinking\":\"disabled\"}");
  g_assert_cmpstr (chat_model_button_get_model (child (f, "model_button")), ==, "glm-4.6");

  /* Back to the model's defaults: only what was there before remains. */
  gtk_menu_button_popup (button);
  shell_test_settle (100);
  g_assert_false (gtk_check_button_get_active (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                                               "temperature_default_check")));
  g_assert_cmpuint (gtk_drop_down_get_selected (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                                                "thinking_dropdown")), ==, 2);
  gtk_check_button_set_active (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                               "temperature_default_check"), TRUE);
  gtk_drop_down_set_selected (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS, "thinking_dropdown"), 0);
  gtk_menu_button_popdown (button);
  g_clear_object (&stored);
  stored = load (f, f->weekend);
  g_assert_cmpstr (chat_conversation_get_parameters (stored), ==, "{\"top_p\":0.5}");
}

static gboolean
shortcuts_shown (gpointer data)
{
  return shell_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, NULL) != NULL;
}

static void
test_shortcuts_window (Fixture       *f,
                       gconstpointer  data)
{
  GtkWindow *shortcuts;
  g_autofree char *shot = NULL;

  open_window (f, 1000, NULL);
  activate (f, "win.show-help-overlay", NULL);
  shell_test_wait_until (shortcuts_shown, NULL, TIMEOUT_MS, "the shortcuts window");
  shortcuts = shell_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, NULL);
  shell_test_wait_until (window_is_drawn, shortcuts, TIMEOUT_MS, "the shortcuts window to draw");
  shell_test_settle (300);
  shot = shell_test_screenshot (GTK_WIDGET (shortcuts), "shortcuts-window");
  gtk_window_close (shortcuts);
}

static void
test_copy_last_reply (Fixture       *f,
                      gconstpointer  data)
{
  GdkClipboard *clipboard;
  g_auto(GValue) value = G_VALUE_INIT;

  fixture_seed (f);
  open_window (f, 1000, NULL);
  chat_window_show_conversation (f->window, f->weekend);
  activate (f, "window.copy-last-reply", NULL);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->window));
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (gdk_clipboard_get_content (clipboard), &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, weekend_messages[1]);
}

/* --- requests through the window ----------------------------------------- */

/* The fake server's chat requests; model lists (GET) are left out. */
static GPtrArray *
dup_posts (Fixture *f)
{
  GPtrArray *requests = chat_fake_server_get_requests (f->server);
  GPtrArray *posts = g_ptr_array_new ();

  for (guint i = 0; i < requests->len; i++)
    {
      ChatFakeRequest *request = g_ptr_array_index (requests, i);

      if (g_str_equal (request->method, "POST"))
        g_ptr_array_add (posts, request);
    }
  return posts;
}

static gboolean
reply_done (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GPtrArray) posts = dup_posts (f);
  ChatConversation *conversation = chat_conversation_view_get_conversation (view (f));
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (conversation));

  return posts->len == f->n_posts_wanted && !chat_conversation_view_get_busy (view (f)) && n_items > 0 &&
         chat_message_get_state (chat_conversation_get_message (conversation, n_items - 1))
           != CHAT_MESSAGE_STATE_STREAMING;
}

/* Sends @text as the composer's Send button does; returns once the reply,
 * the fake server's chat request number @n_posts, has ended. */
static void
send_question (Fixture    *f,
               const char *text,
               guint       n_posts)
{
  ChatComposer *composer = CHAT_COMPOSER (shell_test_find_widget (GTK_WIDGET (view (f)), CHAT_TYPE_COMPOSER,
                                                                  NULL, NULL));

  chat_composer_set_text (composer, text);
  f->n_posts_wanted = n_posts;
  g_signal_emit_by_name (composer, "send");
  shell_test_wait_until (reply_done, f, TIMEOUT_MS, "the reply");
}

static ChatFakeRequest *
nth_post (Fixture *f,
          guint    n)
{
  g_autoptr(GPtrArray) posts = dup_posts (f);

  g_assert_cmpuint (n, <, posts->len);
  return g_ptr_array_index (posts, n);
}

static JsonObject *
parse_body (ChatFakeRequest *request)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (request->body, &size);

  json_parser_load_from_data (parser, data, size, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* "user:text|assistant:text|…" */
static char *
describe_messages (JsonObject *body)
{
  JsonArray *messages = json_object_get_array_member (body, "messages");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      g_string_append_printf (text, "%s%s:%s", i > 0 ? "|" : "",
                              json_object_get_string_member (message, "role"),
                              json_object_get_string_member (message, "content"));
    }
  return g_strdup (text->str);
}

/* "Title|Title|…" of the profile switcher's rows. */
static char *
describe_profile_rows (Fixture *f)
{
  GtkWidget *list_box = template_child (child (f, "profile_button"), CHAT_TYPE_PROFILE_BUTTON, "list_box");
  g_autoptr(GString) text = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (list_box); row != NULL; row = gtk_widget_get_next_sibling (row))
    g_string_append_printf (text, "%s%s", text->len > 0 ? "|" : "",
                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  return g_strdup (text->str);
}

static void
set_custom_profiles (GSettings          *settings,
                     const char * const *entries)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sss)"));

  for (guint i = 0; entries[i] != NULL; i += 3)
    g_variant_builder_add (&builder, "(sss)", entries[i], entries[i + 1], entries[i + 2]);
  g_settings_set_value (settings, "custom-profiles", g_variant_builder_end (&builder));
}

static void
store_key (ChatProfile *profile,
           const char  *key)
{
  g_autoptr(GError) error = NULL;

  chat_secrets_store_key (profile, key, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
has_models_request (Fixture    *f,
                    const char *path,
                    const char *authorization)
{
  GPtrArray *requests = chat_fake_server_get_requests (f->server);

  for (guint i = 0; i < requests->len; i++)
    {
      ChatFakeRequest *request = g_ptr_array_index (requests, i);

      if (g_str_equal (request->method, "GET") && g_str_equal (request->path, path) &&
          g_strcmp0 (soup_message_headers_get_one (request->headers, "Authorization"), authorization) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
beta_models_requested (gpointer data)
{
  return has_models_request (data, "/api/coding/paas/v4/models", "Bearer key-beta");
}

/* Two custom profiles on the fake server, at the general and the coding
 * path, each with its own key: switching the conversation's profile in the
 * header moves the next request, and its key, and keeps the history. */
static void
test_profile_switch_endpoint (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *alpha_url = chat_fake_server_dup_url (f->server, "/api/paas/v4");
  g_autofree char *beta_url = chat_fake_server_dup_url (f->server, "/api/coding/paas/v4");
  g_autofree char *gamma_url = chat_fake_server_dup_url (f->server, "/gamma/v1");
  g_autoptr(ChatProfile) alpha = chat_profile_new_custom ("alpha", "Alpha", alpha_url, NULL);
  /* Names are the user's: plain text, not markup. */
  g_autoptr(ChatProfile) beta = chat_profile_new_custom ("beta", "Beta <&> 测试", beta_url, NULL);
  g_autoptr(ChatConversation) stored = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *changed_rows = NULL;
  g_autofree char *history = NULL;
  ChatProfileButton *button;
  ChatConversation *conversation;
  ChatFakeRequest *request;

  store_key (alpha, "key-alpha");
  store_key (beta, "key-beta");
  set_custom_profiles (settings, (const char *[]) { "alpha", "Alpha", alpha_url,
                                                    "beta", "Beta <&> 测试", beta_url, NULL });
  /* A custom default profile is taken, not turned into General. */
  g_settings_set_string (settings, "default-profile", "alpha");
  open_window (f, 1000, NULL);
  button = child (f, "profile_button");

  rows = describe_profile_rows (f);
  g_assert_cmpstr (rows, ==, "General (open.bigmodel.cn)|Coding Plan (open.bigmodel.cn)|"
                             "Z.ai General|Z.ai Coding Plan|Alpha|Beta <&> 测试");
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_cmpstr (chat_conversation_get_profile (conversation), ==, "alpha");
  g_assert_cmpstr (chat_profile_button_get_profile_id (button), ==, "alpha");
  g_assert_cmpstr (subtitle (f), ==, "Alpha");
  screenshot_popover (template_child (button, CHAT_TYPE_PROFILE_BUTTON, "popover"), "profile-popover-custom");

  send_question (f, "First question, on Alpha", 1);
  chat_profile_button_activate_profile (button, "beta");
  g_assert_cmpstr (subtitle (f), ==, "Beta <&> 测试");
  /* The model list comes from the custom profile's server too. */
  shell_test_wait_until (beta_models_requested, f, TIMEOUT_MS, "Beta's model list");
  send_question (f, "Second question, on Beta", 2);

  request = nth_post (f, 0);
  g_assert_cmpstr (request->path, ==, "/api/paas/v4/chat/completions");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer key-alpha");
  request = nth_post (f, 1);
  g_assert_cmpstr (request->path, ==, "/api/coding/paas/v4/chat/completions");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==, "Bearer key-beta");
  body = parse_body (request);
  history = describe_messages (body);
  g_assert_cmpstr (history, ==, "user:First question, on Alpha|assistant:" CHAT_FAKE_CONTENT
                                "|user:Second question, on Beta");

  stored = load (f, chat_conversation_view_get_conversation_id (view (f)));
  g_assert_cmpstr (chat_conversation_get_profile (stored), ==, "beta");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (stored)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (chat_conversation_view_get_conversation (view (f)))),
                    ==, 4);

  /* The switcher follows the setting. */
  set_custom_profiles (settings, (const char *[]) { "gamma", "Gamma", gamma_url, NULL });
  changed_rows = describe_profile_rows (f);
  g_assert_cmpstr (changed_rows, ==, "General (open.bigmodel.cn)|Coding Plan (open.bigmodel.cn)|"
                                     "Z.ai General|Z.ai Coding Plan|Gamma");

  chat_secrets_clear_key (alpha, NULL);
  chat_secrets_clear_key (beta, NULL);
  g_settings_reset (settings, "custom-profiles");
  g_settings_reset (settings, "default-profile");
}

static void
assert_number (JsonObject *object,
               const char *name,
               double      expected)
{
  g_assert_true (json_object_has_member (object, name));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, name), expected, 1e-9);
}

static void
set_request_defaults (GSettings *settings)
{
  g_settings_set_double (settings, "temperature", 0.3);
  g_settings_set_double (settings, "top-p", 0.8);
  g_settings_set_int (settings, "max-tokens", 512);
  g_settings_set_enum (settings, "thinking", CHAT_THINKING_DISABLED);
  g_settings_set_string (settings, "system-prompt", "你是一位简洁的助手。Answer briefly.");
}

static void
reset_request_defaults (GSettings *settings)
{
  static const char * const keys[] = { "temperature", "top-p", "max-tokens", "thinking", "system-prompt" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

/* The settings popover shows the defaults a new conversation took. */
static void
assert_popover_shows_defaults (Fixture *f)
{
  GtkMenuButton *button = child (f, "settings_button");
  GtkPopover *popover;
  GtkTextBuffer *buffer;
  g_autofree char *prompt = NULL;
  GtkTextIter start, end;

  gtk_menu_button_popup (button);
  popover = gtk_menu_button_get_popover (button);
  shell_test_settle (200);
  g_assert_false (gtk_check_button_get_active (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                                               "temperature_default_check")));
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                                                             "temperature_spin")), 0.3, 1e-9);
  g_assert_cmpuint (gtk_drop_down_get_selected (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS,
                                                                "thinking_dropdown")), ==, 2);
  buffer = gtk_text_view_get_buffer (template_child (popover, CHAT_TYPE_CONVERSATION_SETTINGS, "system_prompt_view"));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  prompt = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (prompt, ==, "你是一位简洁的助手。Answer briefly.");
  gtk_menu_button_popdown (button);
  shell_test_settle (100);
}

/* Preferences' request defaults go into a new conversation, and from it
 * into the request; at their "unset" values nothing is sent. */
static void
test_default_parameters (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(JsonObject) odd = NULL;
  g_autofree char *messages = NULL;
  g_autofree char *plain_messages = NULL;
  ChatConversation *conversation;

  g_setenv ("LIAO_API_KEY", "test-key", TRUE);
  set_request_defaults (settings);
  open_window (f, 1000, f->base_url);
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_cmpstr (chat_conversation_get_system_prompt (conversation), ==, "你是一位简洁的助手。Answer briefly.");
  g_assert_nonnull (chat_conversation_get_parameters (conversation));
  assert_popover_shows_defaults (f);

  send_question (f, "Hello", 1);
  body = parse_body (nth_post (f, 0));
  assert_number (body, "temperature", 0.3);
  assert_number (body, "top_p", 0.8);
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 512);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "thinking"), "type"),
                   ==, "disabled");
  messages = describe_messages (body);
  g_assert_cmpstr (messages, ==, "system:你是一位简洁的助手。Answer briefly.|user:Hello");

  /* Back at the keys' defaults: the model's own values, no system prompt. */
  reset_request_defaults (settings);
  activate (f, "window.new-conversation", NULL);
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_null (chat_conversation_get_parameters (conversation));
  g_assert_null (chat_conversation_get_system_prompt (conversation));
  send_question (f, "Hello again", 2);
  plain = parse_body (nth_post (f, 1));
  g_assert_false (json_object_has_member (plain, "temperature"));
  g_assert_false (json_object_has_member (plain, "top_p"));
  g_assert_false (json_object_has_member (plain, "max_tokens"));
  g_assert_false (json_object_has_member (plain, "thinking"));
  plain_messages = describe_messages (plain);
  g_assert_cmpstr (plain_messages, ==, "user:Hello again");

  /* Values of the wrong type are left to the model too. */
  activate (f, "window.new-conversation", NULL);
  chat_conversation_set_parameters (chat_conversation_view_get_conversation (view (f)),
                                    "{\"temperature\":null,\"top_p\":\"high\",\"max_tokens\":64.0}");
  send_question (f, "Hello once more", 3);
  odd = parse_body (nth_post (f, 2));
  g_assert_false (json_object_has_member (odd, "temperature"));
  g_assert_false (json_object_has_member (odd, "top_p"));
  g_assert_cmpint (json_object_get_int_member (odd, "max_tokens"), ==, 64);
}

static void
add_window_test (const char *path,
                 void      (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

/* Ctrl+R regenerates the last reply: a second answer to the same question,
 * the first one kept as its sibling. */
static void
test_regenerate_last_reply (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) variants = NULL;
  g_autoptr(GError) error = NULL;
  ChatConversation *conversation;
  ChatMessage *answer;

  g_setenv ("LIAO_API_KEY", "test-key", TRUE);
  open_window (f, 1000, f->base_url);
  send_question (f, "Hello", 1);
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);

  f->n_posts_wanted = 2;
  activate (f, "window.regenerate-last-reply", NULL);
  shell_test_wait_until (reply_done, f, TIMEOUT_MS, "the regenerated reply");
  conversation = chat_conversation_view_get_conversation (view (f));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  answer = chat_conversation_get_message (conversation, 1);
  g_assert_cmpstr (chat_message_get_content (answer), ==, CHAT_FAKE_CONTENT);
  variants = chat_store_list_children (f->store, chat_conversation_get_id (conversation),
                                       chat_message_get_parent_id (answer), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (variants->len, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config_home = shell_test_make_dir ();
  int status;

  /* Keys only from the environment and a file of this run's own. */
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("LIAO_SECRETS_BACKEND", "file", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/shell/sidebar/snippet-markup", test_snippet_markup);
  add_window_test ("/shell/window/groups", test_groups);
  add_window_test ("/shell/window/dark", test_dark);
  add_window_test ("/shell/window/new-conversation", test_new_conversation);
  add_window_test ("/shell/window/rename", test_rename);
  add_window_test ("/shell/window/pin", test_pin);
  add_window_test ("/shell/window/delete-undo", test_delete_undo);
  add_window_test ("/shell/window/delete", test_delete);
  add_window_test ("/shell/window/delete-on-close", test_delete_on_close);
  add_window_test ("/shell/window/search", test_search);
  add_window_test ("/shell/window/switch-conversation", test_switch_conversation);
  add_window_test ("/shell/window/folded", test_folded);
  add_window_test ("/shell/window/welcome-without-key", test_welcome_without_key);
  add_window_test ("/shell/window/welcome-with-key", test_welcome_with_key);
  add_window_test ("/shell/window/welcome-with-stored-key", test_welcome_with_stored_key);
  add_window_test ("/shell/window/base-url-header", test_base_url_header);
  add_window_test ("/shell/window/profile-and-model", test_profile_and_model);
  add_window_test ("/shell/window/toggle-coding-plan", test_toggle_coding_plan);
  add_window_test ("/shell/window/default-profile", test_default_profile);
  add_window_test ("/shell/window/conversation-settings", test_conversation_settings);
  add_window_test ("/shell/window/shortcuts-window", test_shortcuts_window);
  add_window_test ("/shell/window/copy-last-reply", test_copy_last_reply);
  add_window_test ("/shell/window/profile-switch-endpoint", test_profile_switch_endpoint);
  add_window_test ("/shell/window/default-parameters", test_default_parameters);
  add_window_test ("/shell/window/regenerate-last-reply", test_regenerate_last_reply);

  status = g_test_run ();
  shell_test_remove_dir (config_home);
  return status;
}
