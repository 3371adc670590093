/* shell-test-util.c: what the shell's widget tests share
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "shell-test-util.h"
#include "ui-test-util.h"

void
shell_test_wait_until (ShellTestCondition  condition,
                       gpointer            data,
                       guint               timeout_ms,
                       const char         *what)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
shell_test_settle (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

char *
shell_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("liao-shell-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
shell_test_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        shell_test_remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gint64
noon_days_ago (int days_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) noon = g_date_time_new_local (g_date_time_get_year (now),
                                                     g_date_time_get_month (now),
                                                     g_date_time_get_day_of_month (now),
                                                     12, 0, 0);
  g_autoptr(GDateTime) then = g_date_time_add_days (noon, -days_ago);

  return g_date_time_to_unix (then) * G_USEC_PER_SEC;
}

gint64
shell_test_seed (ChatStore          *store,
                 const char         *title,
                 int                 days_ago,
                 gboolean            pinned,
                 const char * const *messages)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (title);
  g_autoptr(GError) error = NULL;
  gint64 parent = 0;

  if (days_ago > 0)
    {
      chat_conversation_set_created (conversation, noon_days_ago (days_ago));
      chat_conversation_set_updated (conversation, noon_days_ago (days_ago));
    }
  chat_conversation_set_pinned (conversation, pinned);
  chat_conversation_set_profile (conversation, "general");
  chat_store_add_conversation (store, conversation, &error);
  g_assert_no_error (error);

  for (guint i = 0; messages != NULL && messages[i] != NULL; i++)
    {
      g_autoptr(ChatMessage) message = chat_message_new (i % 2 == 0 ? "user" : "assistant", messages[i]);

      chat_message_set_conversation_id (message, chat_conversation_get_id (conversation));
      chat_message_set_parent_id (message, parent);
      chat_message_set_state (message, CHAT_MESSAGE_STATE_COMPLETE);
      chat_store_add_message (store, message, &error);
      g_assert_no_error (error);
      parent = chat_message_get_id (message);
    }
  return chat_conversation_get_id (conversation);
}

GtkWidget *
shell_test_find_widget (GtkWidget  *root,
                        GType       type,
                        gboolean  (*match) (GtkWidget *widget,
                                            gpointer   data),
                        gpointer    data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root, data)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = shell_test_find_widget (child, type, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWindow *
shell_test_find_toplevel (GType      type,
                          GtkWindow *except)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != except && G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

/* A window just presented (a dialog, say) may not have had its first
 * layout yet on a loaded machine: wait for it, at most 10 s. */
static void
wait_until_drawn (GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((gtk_widget_get_width (widget) <= 0 || !gtk_widget_get_mapped (widget))
         && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

char *
shell_test_screenshot (GtkWidget  *widget,
                       const char *name)
{
  wait_until_drawn (widget);
  return ui_test_save_screenshot (widget, name);
}
