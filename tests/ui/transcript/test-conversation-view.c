/* test-conversation-view.c: the transcript and composer under Xvfb
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In-process: a real ChatStore in a temporary folder, the fake GLM server,
 * the view in a window.  What the user would see is read from the rows'
 * widgets; what is kept, from the store.  Screenshots of the main states go
 * to screenshots/ beside this program.
 */

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "chat-composer.h"
#include "chat-conversation-view.h"
#include "chat-exchange-registry.h"
#include "chat-fake-server.h"
#include "chat-markdown.h"
#include "chat-message-row.h"
#include "chat-reasoning-block.h"
#include "chat-variant-switcher.h"
#include "transcript-test-util.h"
#include "ui-test-util.h"

#define TEST_KEY "test-key.0123456789abcdef"
#define WAIT_SECONDS 30

typedef struct {
  char                 *dir;
  ChatStore            *store;
  ChatFakeServer       *server;
  ChatClient           *client;
  GtkWindow            *window;
  ChatConversationView *view;
  GArray               *changed;      /* ids from ::conversation-changed */
  guint                 n_finished;   /* ::reply-finished */
} Fixture;

/* --- waiting ------------------------------------------------------------- */

static gboolean
keep_awake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

#define WAIT_UNTIL(condition) \
  G_STMT_START { \
    gint64 end_ = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC; \
    guint awake_ = g_timeout_add (10, keep_awake, NULL); \
    while (!(condition)) \
      { \
        if (g_get_monotonic_time () > end_) \
          g_error ("timed out waiting for %s", #condition); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (awake_); \
  } G_STMT_END

/* Lets a few frames go by (layout, drawing). */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  WAIT_UNTIL (g_get_monotonic_time () > end);
}

/* --- the fixture --------------------------------------------------------- */

static void
on_conversation_changed (ChatConversationView *view,
                         gint64                id,
                         Fixture              *f)
{
  g_array_append_val (f->changed, id);
}

static void
on_reply_finished (ChatConversationView *view,
                   gint64                id,
                   const GError         *error,
                   Fixture              *f)
{
  g_assert_false (chat_conversation_view_get_busy (view) && id == chat_conversation_view_get_conversation_id (view));
  f->n_finished++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base_url = NULL;

  g_setenv ("LIAO_API_KEY", TEST_KEY, TRUE);
  f->dir = g_dir_make_tmp ("liao-view-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "liao.db", NULL);
  f->store = chat_store_open (path, &error);
  g_assert_no_error (error);
  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->client = chat_client_new ();
  chat_client_set_retry_delay_ms (f->client, 10);
  f->changed = g_array_new (FALSE, FALSE, sizeof (gint64));

  f->view = CHAT_CONVERSATION_VIEW (chat_conversation_view_new (f->store, f->client));
  base_url = chat_fake_server_dup_base_url (f->server);
  chat_conversation_view_set_base_url_override (f->view, base_url);
  g_signal_connect (f->view, "conversation-changed", G_CALLBACK (on_conversation_changed), f);
  g_signal_connect (f->view, "reply-finished", G_CALLBACK (on_reply_finished), f);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 720);
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->view)));
  /* As the window does when it shows a conversation. */
  chat_conversation_view_focus_composer (f->view);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  WAIT_UNTIL (chat_fake_server_get_n_streams (f->server) == 0);
  g_clear_object (&f->client);
  g_clear_object (&f->server);
  g_clear_object (&f->store);
  g_array_unref (f->changed);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* --- finding widgets ----------------------------------------------------- */

/* The first of @type that is visible with all its ancestors up to @root. */
static GtkWidget *
find_shown (GtkWidget *root,
            GType      type)
{
  if (!gtk_widget_get_visible (root))
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shown (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (CHAT_IS_MESSAGE_ROW (widget) && chat_message_row_get_message (CHAT_MESSAGE_ROW (widget)) != NULL)
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static GtkWidget *
row_for (Fixture *f,
         gint64   message_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (f->view), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      ChatMessageRow *row = g_ptr_array_index (rows, i);

      if (chat_message_get_id (chat_message_row_get_message (row)) == message_id)
        return GTK_WIDGET (row);
    }
  return NULL;
}

/* The text of every label and text view the user can see, one per line. */
static void
append_text (GtkWidget *widget,
             GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;
      g_autofree char *shown = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      g_string_append_printf (text, "%s\n", shown);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_text (child, text);
}

static char *
dup_widget_text (GtkWidget *widget)
{
  GString *text = g_string_new (NULL);

  if (widget != NULL)
    append_text (widget, text);
  return g_string_free (text, FALSE);
}

static char *
dup_row_text (Fixture *f,
              gint64   message_id)
{
  return dup_widget_text (row_for (f, message_id));
}

/* Every block of @markdown, as plain text, is in @shown. */
static gboolean
shows_markdown (const char *shown,
                const char *markdown)
{
  g_autoptr(GPtrArray) blocks = chat_markdown_parse (markdown, -1);

  for (guint i = 0; i < blocks->len; i++)
    {
      ChatBlock *block = g_ptr_array_index (blocks, i);
      g_autofree char *plain = NULL;

      if (block->markup == NULL)
        continue;
      g_assert_true (pango_parse_markup (block->markup, -1, 0, NULL, &plain, NULL, NULL));
      if (strstr (shown, plain) == NULL)
        return FALSE;
    }
  return blocks->len > 0;
}

static ChatComposer *
get_composer (Fixture *f)
{
  return CHAT_COMPOSER (find_descendant (GTK_WIDGET (f->view), CHAT_TYPE_COMPOSER));
}

/* Presses a key in the composer's text view, through its key controller. */
static gboolean
press_key (Fixture         *f,
           guint            keyval,
           GdkModifierType  state)
{
  GtkWidget *text_view = find_descendant (GTK_WIDGET (get_composer (f)), GTK_TYPE_TEXT_VIEW);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (text_view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
    }
  return handled;
}

/* Presses a key as GTK delivers it: to the composer's capture handler,
 * then, if that lets it go, to the text view's own (a new line). */
static void
press_key_through (Fixture         *f,
                   guint            keyval,
                   GdkModifierType  state)
{
  GtkWidget *text_view = find_descendant (GTK_WIDGET (get_composer (f)), GTK_TYPE_TEXT_VIEW);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (text_view);
  gboolean handled = press_key (f, keyval, state);

  for (guint i = 0; !handled && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
    }
  g_assert_true (handled);
}

/* Sets the composer's text with the cursor at its end, as typing leaves it. */
static void
type_text (Fixture    *f,
           const char *text)
{
  GtkWidget *text_view = find_descendant (GTK_WIDGET (get_composer (f)), GTK_TYPE_TEXT_VIEW);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  GtkTextIter end;

  chat_composer_set_text (get_composer (f), text);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
}

static const char *
send_tooltip (Fixture *f)
{
  GtkWidget *button = find_descendant (GTK_WIDGET (get_composer (f)), GTK_TYPE_BUTTON);

  return gtk_widget_get_tooltip_text (button);
}

static gboolean
is_busy (Fixture *f)
{
  return chat_conversation_view_get_busy (f->view);
}

static ChatConversation *
shown (Fixture *f)
{
  return chat_conversation_view_get_conversation (f->view);
}

static guint
n_shown (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (shown (f)));
}

static ChatMessage *
shown_message (Fixture *f,
               guint    position)
{
  return chat_conversation_get_message (shown (f), position);
}

static ChatMessage *
last_shown (Fixture *f)
{
  return shown_message (f, n_shown (f) - 1);
}

/* Types @text and presses Enter; returns once the reply has ended. */
static void
send_text_no_wait (Fixture    *f,
                   const char *text)
{
  chat_composer_set_text (get_composer (f), text);
  g_assert_true (press_key (f, GDK_KEY_Return, 0));
}

static void
wait_reply (Fixture *f)
{
  WAIT_UNTIL (!is_busy (f) && n_shown (f) > 0 &&
              chat_message_get_state (last_shown (f)) != CHAT_MESSAGE_STATE_STREAMING);
  settle ();
}

static void
send_text (Fixture    *f,
           const char *text)
{
  guint finished = f->n_finished;

  send_text_no_wait (f, text);
  WAIT_UNTIL (f->n_finished > finished);
  wait_reply (f);
}

static ChatMessage *
load (Fixture *f,
      gint64   id)
{
  g_autoptr(GError) error = NULL;
  ChatMessage *message = chat_store_load_message (f->store, id, &error);

  g_assert_no_error (error);
  return message;
}

static ChatReasoningBlock *
reasoning_of (Fixture *f,
              gint64   id)
{
  return CHAT_REASONING_BLOCK (find_descendant (row_for (f, id), CHAT_TYPE_REASONING_BLOCK));
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_is_visible (root) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
switcher_label (Fixture *f,
                gint64   id)
{
  GtkWidget *switcher = find_descendant (row_for (f, id), CHAT_TYPE_VARIANT_SWITCHER);

  if (switcher == NULL || !gtk_widget_get_visible (switcher))
    return NULL;
  return chat_variant_switcher_get_label (CHAT_VARIANT_SWITCHER (switcher));
}

static gint64
stored_leaf (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) conversation =
    chat_store_load_conversation (f->store, chat_conversation_view_get_conversation_id (f->view), &error);

  g_assert_no_error (error);
  return chat_conversation_get_current_leaf (conversation);
}

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static char *
dup_clipboard_text (Fixture *f)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (f->view)), NULL,
                                 on_clipboard_read, &text);
  WAIT_UNTIL (text != NULL);
  return text;
}

/* Presses Esc on the view, through the shortcut its class binds. */
static void
press_escape (Fixture *f)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->view));
  g_autoptr(GtkShortcutTrigger) escape = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);
  gboolean pressed = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), escape))
            pressed = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                    GTK_WIDGET (f->view), gtk_shortcut_get_arguments (shortcut));
        }
    }
  g_assert_true (pressed);
}

/* --- screenshots --------------------------------------------------------- */

static void
save_screenshot (Fixture    *f,
                 const char *name)
{
  settle ();
  g_free (ui_test_save_screenshot (GTK_WIDGET (f->window), name));
}

/* --- tests --------------------------------------------------------------- */

static void
test_send_shows_reply (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ChatMessage) stored = NULL;
  g_autofree char *answer_text = NULL;
  g_autofree char *reasoning_text = NULL;
  g_autofree char *copied = NULL;
  ChatReasoningBlock *reasoning;
  ChatMessage *answer;
  gint64 id;

  g_assert_cmpint (chat_conversation_view_get_conversation_id (f->view), ==, 0);
  /* Some time between the first token and the last, or there is no rate
   * to show: a whole reply can arrive within one millisecond. */
  chat_fake_server_set_event_delay (f->server, 5);
  send_text (f, "Hello, fake server");

  id = chat_conversation_view_get_conversation_id (f->view);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpuint (f->changed->len, >, 0);
  g_assert_cmpint (g_array_index (f->changed, gint64, 0), ==, id);
  g_assert_cmpstr (chat_conversation_get_title (shown (f)), ==, "Hello, fake server");
  g_assert_true (chat_composer_is_empty (get_composer (f)));
  g_assert_cmpuint (n_shown (f), ==, 2);

  answer = last_shown (f);
  stored = load (f, chat_message_get_id (answer));
  g_assert_cmpstr (chat_message_get_content (stored), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_reasoning (stored), ==, CHAT_FAKE_REASONING);
  g_assert_cmpint (chat_message_get_state (stored), ==, CHAT_MESSAGE_STATE_COMPLETE);

  answer_text = dup_row_text (f, chat_message_get_id (answer));
  g_assert_true (shows_markdown (answer_text, CHAT_FAKE_CONTENT));
  g_assert_nonnull (strstr (answer_text, "16 → 45 tokens · 6 cached"));
  g_assert_nonnull (strstr (answer_text, "tokens/s"));
  reasoning = reasoning_of (f, chat_message_get_id (answer));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (reasoning)));
  g_assert_false (chat_reasoning_block_get_expanded (reasoning));
  g_assert_true (g_str_has_prefix (chat_reasoning_block_get_title (reasoning), "Thought for "));
  /* Without the newline it starts with. */
  reasoning_text = chat_reasoning_block_dup_text (reasoning);
  g_assert_cmpstr (reasoning_text, ==, CHAT_FAKE_REASONING + 1);
  save_screenshot (f, "finished");

  /* Copy gives the Markdown source. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.copy", "x",
                                             chat_message_get_id (answer)));
  copied = dup_clipboard_text (f);
  g_assert_cmpstr (copied, ==, CHAT_FAKE_CONTENT);
}

static void
test_reasoning_folds (Fixture       *f,
                      gconstpointer  data)
{
  ChatReasoningBlock *reasoning = NULL;
  GtkWidget *toggle;
  gint64 answer_id;

  chat_fake_server_set_event_delay (f->server, 60);
  send_text_no_wait (f, "Think first");
  WAIT_UNTIL (n_shown (f) == 2);
  answer_id = chat_message_get_id (last_shown (f));
  WAIT_UNTIL ((reasoning = reasoning_of (f, answer_id)) != NULL &&
              gtk_widget_get_visible (GTK_WIDGET (reasoning)));
  g_assert_cmpstr (chat_message_get_content (last_shown (f)), ==, "");
  g_assert_true (chat_reasoning_block_get_expanded (reasoning));
  g_assert_cmpstr (chat_reasoning_block_get_title (reasoning), ==, "Thinking…");
  save_screenshot (f, "thinking");

  WAIT_UNTIL (*chat_message_get_content (last_shown (f)) != '\0');
  settle ();
  g_assert_false (chat_reasoning_block_get_expanded (reasoning));
  g_assert_true (g_str_has_prefix (chat_reasoning_block_get_title (reasoning), "Thought for "));
  save_screenshot (f, "streaming");

  /* The user opens it again: it stays open. */
  toggle = find_descendant (GTK_WIDGET (reasoning), GTK_TYPE_TOGGLE_BUTTON);
  g_signal_emit_by_name (toggle, "clicked");
  g_assert_true (chat_reasoning_block_get_expanded (reasoning));
  wait_reply (f);
  g_assert_true (chat_reasoning_block_get_expanded (reasoning_of (f, answer_id)));
}

static GtkWidget *
find_by_tooltip (GtkWidget  *root,
                 const char *tooltip)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
can_change (Fixture *f,
            gint64   message_id)
{
  GtkWidget *row = row_for (f, message_id);

  return gtk_widget_is_sensitive (find_by_tooltip (row, "Edit and Resend")) &&
         gtk_widget_is_sensitive (find_by_tooltip (row, "Delete"));
}

/* While a reply streams, the other messages cannot change; afterwards they
 * can again.  Refused by the handler too, not only greyed out. */
static void
test_locked_while_streaming (Fixture       *f,
                             gconstpointer  data)
{
  gint64 first;

  send_text (f, "First question");
  first = chat_message_get_id (chat_conversation_get_message (chat_conversation_view_get_conversation (f->view), 0));
  g_assert_true (can_change (f, first));

  chat_fake_server_set_event_delay (f->server, 60);
  send_text_no_wait (f, "Second question");
  WAIT_UNTIL (is_busy (f));
  settle ();
  g_assert_false (can_change (f, first));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.delete", "x", first));
  settle ();
  g_assert_nonnull (row_for (f, first));

  wait_reply (f);
  settle ();
  g_assert_true (can_change (f, first));
}

static void
test_stop_mid_stream (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ChatMessage) stored = NULL;
  g_autofree char *answer_text = NULL;
  const char *content;
  gint64 answer_id;

  chat_fake_server_set_event_delay (f->server, 60);
  send_text_no_wait (f, "Tell me a long story");
  WAIT_UNTIL (n_shown (f) == 2 && *chat_message_get_content (last_shown (f)) != '\0');
  g_assert_true (is_busy (f));
  g_assert_true (chat_composer_get_busy (get_composer (f)));
  answer_id = chat_message_get_id (last_shown (f));

  press_escape (f);
  wait_reply (f);

  stored = load (f, answer_id);
  content = chat_message_get_content (stored);
  g_assert_cmpint (chat_message_get_state (stored), ==, CHAT_MESSAGE_STATE_CANCELLED);
  g_assert_cmpuint (strlen (content), >, 0);
  g_assert_cmpuint (strlen (content), <, strlen (CHAT_FAKE_CONTENT));
  g_assert_true (g_str_has_prefix (CHAT_FAKE_CONTENT, content));
  answer_text = dup_row_text (f, answer_id);
  g_assert_nonnull (strstr (answer_text, "stopped"));
  g_assert_false (chat_composer_get_busy (get_composer (f)));

  /* The composer works again. */
  chat_fake_server_set_event_delay (f->server, 0);
  send_text (f, "Shorter, please");
  g_assert_cmpuint (n_shown (f), ==, 4);
  g_assert_cmpstr (chat_message_get_content (last_shown (f)), ==, CHAT_FAKE_CONTENT);
}

static void
test_regenerate_and_switch (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) variants = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first_id, second_id, question_id;

  send_text (f, "Pick a colour");
  first_id = chat_message_get_id (last_shown (f));
  question_id = chat_message_get_parent_id (last_shown (f));
  g_assert_null (switcher_label (f, first_id));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.regenerate", "x", first_id));
  g_assert_true (is_busy (f));
  wait_reply (f);
  second_id = chat_message_get_id (last_shown (f));
  g_assert_cmpint (second_id, !=, first_id);
  g_assert_cmpuint (n_shown (f), ==, 2);
  g_assert_cmpint (stored_leaf (f), ==, second_id);
  variants = chat_store_list_children (f->store, chat_conversation_view_get_conversation_id (f->view),
                                       question_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (variants->len, ==, 2);
  g_assert_cmpstr (switcher_label (f, second_id), ==, "2/2");
  save_screenshot (f, "variants");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.show-variant", "x", first_id));
  settle ();
  g_assert_cmpint (chat_message_get_id (last_shown (f)), ==, first_id);
  g_assert_cmpint (stored_leaf (f), ==, first_id);
  g_assert_cmpstr (switcher_label (f, first_id), ==, "1/2");

  /* A search hit on the other branch switches to it. */
  chat_conversation_view_reveal_message (f->view, second_id);
  settle ();
  g_assert_cmpint (chat_message_get_id (last_shown (f)), ==, second_id);
  g_assert_cmpint (stored_leaf (f), ==, second_id);
  g_assert_cmpstr (switcher_label (f, second_id), ==, "2/2");
}

static void
test_edit_and_resend (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) siblings = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row, *editor, *send;
  ChatMessage *first_answer;
  gint64 question_id;

  send_text (f, "First question scenario:no-reasoning");
  first_answer = g_object_ref (last_shown (f));
  send_text (f, "Second question");
  question_id = chat_message_get_id (shown_message (f, 2));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.edit", "x", question_id));
  row = row_for (f, question_id);
  editor = find_shown (row, GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (editor);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), "Second question, edited", -1);
  send = find_button (row, "_Send");
  g_assert_nonnull (send);
  g_signal_emit_by_name (send, "clicked");
  wait_reply (f);

  g_assert_cmpuint (n_shown (f), ==, 4);
  g_assert_true (shown_message (f, 1) == first_answer);
  g_assert_cmpstr (chat_message_get_content (shown_message (f, 2)), ==, "Second question, edited");
  g_assert_cmpint (chat_message_get_id (shown_message (f, 2)), !=, question_id);
  g_assert_cmpstr (chat_message_get_content (last_shown (f)), ==, CHAT_FAKE_CONTENT);
  siblings = chat_store_list_children (f->store, chat_conversation_view_get_conversation_id (f->view),
                                       chat_message_get_id (first_answer), &error);
  g_assert_cmpuint (siblings->len, ==, 2);
  g_assert_cmpstr (switcher_label (f, chat_message_get_id (shown_message (f, 2))), ==, "2/2");
  g_object_unref (first_answer);
}

static void
test_error_and_retry (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ChatMessage) question = NULL;
  g_autoptr(ChatMessage) stored = NULL;
  g_autofree char *answer_text = NULL;
  g_autofree char *question_text = NULL;
  g_autofree char *after_retry = NULL;
  GtkWidget *retry;
  ChatMessage *answer;
  gint64 answer_id;

  chat_fake_server_set_scenario (f->server, "auth");
  send_text (f, "Keep this question");
  answer = last_shown (f);
  answer_id = chat_message_get_id (answer);
  g_assert_cmpint (chat_message_get_state (answer), ==, CHAT_MESSAGE_STATE_ERROR);
  answer_text = dup_row_text (f, answer_id);
  g_assert_nonnull (strstr (answer_text, chat_message_get_error_message (answer)));
  retry = find_button (row_for (f, answer_id), "_Retry");
  g_assert_nonnull (retry);
  question = load (f, chat_message_get_parent_id (answer));
  g_assert_cmpstr (chat_message_get_content (question), ==, "Keep this question");
  question_text = dup_row_text (f, chat_message_get_id (question));
  g_assert_nonnull (strstr (question_text, "Keep this question"));
  save_screenshot (f, "error");

  chat_fake_server_set_scenario (f->server, "normal");
  g_signal_emit_by_name (retry, "clicked");
  wait_reply (f);
  g_assert_true (last_shown (f) == answer);
  stored = load (f, answer_id);
  g_assert_cmpstr (chat_message_get_content (stored), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpint (chat_message_get_state (stored), ==, CHAT_MESSAGE_STATE_COMPLETE);
  g_assert_null (find_button (row_for (f, answer_id), "_Retry"));
  after_retry = dup_row_text (f, answer_id);
  g_assert_true (shows_markdown (after_retry, CHAT_FAKE_CONTENT));
  g_assert_null (chat_message_get_error_message (answer));
}

/* When the question cannot be stored, it stays in the composer. */
static void
test_unsaved_question_stays (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToastOverlay *toasts;

  send_text (f, "A conversation that goes away");
  g_assert_true (chat_store_delete_conversation (f->store, chat_conversation_view_get_conversation_id (f->view),
                                                 &error));
  g_assert_no_error (error);
  chat_composer_set_text (get_composer (f), "Do not lose me");
  g_assert_true (press_key (f, GDK_KEY_Return, 0));
  settle ();
  text = chat_composer_dup_text (get_composer (f));
  g_assert_cmpstr (text, ==, "Do not lose me");
  g_assert_false (is_busy (f));
  toasts = ADW_TOAST_OVERLAY (find_descendant (GTK_WIDGET (f->view), ADW_TYPE_TOAST_OVERLAY));
  g_assert_nonnull (toasts);
  save_screenshot (f, "not-saved");
}

static void
test_length_continue (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ChatMessage) stored = NULL;
  GtkWidget *button;
  gint64 answer_id;

  send_text (f, "A long answer scenario:length");
  answer_id = chat_message_get_id (last_shown (f));
  g_assert_cmpstr (chat_message_get_finish_reason (last_shown (f)), ==, "length");
  button = find_button (row_for (f, answer_id), "C_ontinue");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  wait_reply (f);

  stored = load (f, answer_id);
  g_assert_cmpstr (chat_message_get_content (stored), ==, CHAT_FAKE_CONTENT CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_finish_reason (stored), ==, "stop");
  g_assert_null (find_button (row_for (f, answer_id), "C_ontinue"));
}

static void
test_sensitive_notice (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *answer_text = NULL;
  ChatMessage *answer;

  send_text (f, "Something touchy scenario:sensitive");
  answer = last_shown (f);
  g_assert_cmpstr (chat_message_get_finish_reason (answer), ==, "sensitive");
  g_assert_cmpstr (chat_message_get_content (answer), ==, CHAT_FAKE_PARTIAL);
  answer_text = dup_row_text (f, chat_message_get_id (answer));
  g_assert_nonnull (strstr (answer_text, chat_message_get_error_message (answer)));
  g_assert_true (shows_markdown (answer_text, CHAT_FAKE_PARTIAL));
  g_assert_null (find_button (row_for (f, chat_message_get_id (answer)), "_Retry"));
  save_screenshot (f, "sensitive");
}

static void
test_switch_while_streaming (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(ChatMessage) stored = NULL;
  gint64 id, answer_id;

  chat_fake_server_set_event_delay (f->server, 60);
  send_text_no_wait (f, "Stream while I look elsewhere");
  WAIT_UNTIL (n_shown (f) == 2 && *chat_message_get_content (last_shown (f)) != '\0');
  id = chat_conversation_view_get_conversation_id (f->view);
  answer_id = chat_message_get_id (last_shown (f));

  chat_conversation_view_show_conversation (f->view, 0);
  g_assert_false (is_busy (f));
  g_assert_false (chat_composer_get_busy (get_composer (f)));
  settle ();
  chat_conversation_view_show_conversation (f->view, id);
  g_assert_true (is_busy (f));
  g_assert_true (chat_composer_get_busy (get_composer (f)));
  settle ();
  before = dup_row_text (f, answer_id);

  /* The row keeps growing while shown. */
  WAIT_UNTIL (!is_busy (f));
  settle ();
  after = dup_row_text (f, answer_id);
  g_assert_true (shows_markdown (after, CHAT_FAKE_CONTENT));
  g_assert_false (shows_markdown (before, CHAT_FAKE_CONTENT));
  stored = load (f, answer_id);
  g_assert_cmpstr (chat_message_get_content (stored), ==, CHAT_FAKE_CONTENT);
}

static void
test_two_at_once (Fixture       *f,
                  gconstpointer  data)
{
  ChatExchangeRegistry *registry = chat_exchange_registry_get_for_store (f->store);
  g_autoptr(ChatMessage) first = NULL;
  g_autoptr(ChatMessage) second = NULL;
  gint64 first_id, second_id, first_answer, second_answer;

  chat_fake_server_set_event_delay (f->server, 40);
  send_text_no_wait (f, "First conversation");
  first_id = chat_conversation_view_get_conversation_id (f->view);
  first_answer = chat_message_get_id (last_shown (f));
  chat_conversation_view_show_conversation (f->view, 0);
  send_text_no_wait (f, "第二个对话");
  second_id = chat_conversation_view_get_conversation_id (f->view);
  second_answer = chat_message_get_id (last_shown (f));
  g_assert_cmpint (first_id, !=, second_id);
  g_assert_nonnull (chat_exchange_registry_lookup (registry, first_id));
  g_assert_nonnull (chat_exchange_registry_lookup (registry, second_id));

  WAIT_UNTIL (chat_exchange_registry_lookup (registry, first_id) == NULL &&
              chat_exchange_registry_lookup (registry, second_id) == NULL);
  g_assert_cmpuint (f->n_finished, ==, 2);
  first = load (f, first_answer);
  second = load (f, second_answer);
  g_assert_cmpstr (chat_message_get_content (first), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_content (second), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_reasoning (first), ==, CHAT_FAKE_REASONING);
  g_assert_cmpstr (chat_message_get_reasoning (second), ==, CHAT_FAKE_REASONING);
}

/* Adds a finished exchange straight to the store. */
static gint64
store_exchange (Fixture    *f,
                gint64      conversation_id,
                gint64      parent_id,
                const char *question,
                const char *answer)
{
  g_autoptr(ChatMessage) asked = chat_message_new ("user", question);
  g_autoptr(ChatMessage) answered = chat_message_new ("assistant", answer);
  g_autoptr(GError) error = NULL;

  chat_message_set_conversation_id (asked, conversation_id);
  chat_message_set_parent_id (asked, parent_id);
  g_assert_true (chat_store_add_message (f->store, asked, &error));
  chat_message_set_conversation_id (answered, conversation_id);
  chat_message_set_parent_id (answered, chat_message_get_id (asked));
  chat_message_set_model (answered, "glm-4.7");
  g_assert_true (chat_store_add_message (f->store, answered, &error));
  g_assert_no_error (error);
  return chat_message_get_id (answered);
}

static gint64
store_conversation (Fixture *f,
                    guint    n_exchanges,
                    const char *answer)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new ("Stored");
  g_autoptr(GError) error = NULL;
  gint64 parent = 0;

  g_assert_true (chat_store_add_conversation (f->store, conversation, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n_exchanges; i++)
    {
      g_autofree char *question = g_strdup_printf ("Question %u", i + 1);

      parent = store_exchange (f, chat_conversation_get_id (conversation), parent, question, answer);
    }
  return chat_conversation_get_id (conversation);
}

#define MARKUP_LIKE "Use <b>x</b> & <span foreground=\"red\">y</span> &amp; <i>z"

static void
test_markup_shown_literally (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *question_text = NULL;
  g_autofree char *answer_text = NULL;
  gint64 id = store_conversation (f, 1, MARKUP_LIKE);

  chat_conversation_view_show_conversation (f->view, id);
  settle ();
  /* Markdown decodes the entity (&amp; is "&"), and nothing else. */
  answer_text = dup_row_text (f, chat_message_get_id (last_shown (f)));
  g_assert_nonnull (strstr (answer_text, "Use <b>x</b> & <span foreground=\"red\">y</span> & <i>z"));

  chat_conversation_view_show_conversation (f->view, 0);
  send_text (f, MARKUP_LIKE);
  question_text = dup_row_text (f, chat_message_get_id (shown_message (f, 0)));
  g_assert_nonnull (strstr (question_text, MARKUP_LIKE "\n"));
}

static void
test_chinese (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *question_text = NULL;
  g_autofree char *answer_text = NULL;

  send_text (f, "请用中文介绍一下你自己，谢谢！");
  g_assert_cmpstr (chat_conversation_get_title (shown (f)), ==, "请用中文介绍一下你自己，谢谢！");
  question_text = dup_row_text (f, chat_message_get_id (shown_message (f, 0)));
  g_assert_nonnull (strstr (question_text, "请用中文介绍一下你自己，谢谢！"));
  answer_text = dup_row_text (f, chat_message_get_id (last_shown (f)));
  g_assert_nonnull (strstr (answer_text, "你好，我是测试服务器。"));
  save_screenshot (f, "chinese");
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static guint
n_stored (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tree = chat_store_load_tree (f->store, chat_conversation_view_get_conversation_id (f->view),
                                                    &error);

  g_assert_no_error (error);
  return tree->len;
}

static void
test_delete_message (Fixture       *f,
                     gconstpointer  data)
{
  AdwMessageDialog *dialog = NULL;
  GtkStack *stack;
  gint64 id = store_conversation (f, 2, "An answer");

  chat_conversation_view_show_conversation (f->view, id);
  settle ();
  g_assert_cmpuint (n_shown (f), ==, 4);

  /* The last message goes at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.delete", "x",
                                             chat_message_get_id (last_shown (f))));
  g_assert_cmpuint (n_shown (f), ==, 3);
  g_assert_cmpuint (n_stored (f), ==, 3);
  g_assert_cmpint (stored_leaf (f), ==, chat_message_get_id (last_shown (f)));

  /* One with messages after it asks first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.delete", "x",
                                             chat_message_get_id (shown_message (f, 0))));
  WAIT_UNTIL ((dialog = find_dialog ()) != NULL);
  g_assert_cmpuint (n_shown (f), ==, 3);
  adw_message_dialog_response (dialog, "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (n_shown (f), ==, 0);
  g_assert_cmpuint (n_stored (f), ==, 0);
  stack = GTK_STACK (find_descendant (GTK_WIDGET (f->view), GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
}

static void
test_enter_and_shift_enter (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *text = NULL;

  chat_composer_set_text (get_composer (f), "Line one");
  g_assert_false (press_key (f, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_cmpuint (n_shown (f), ==, 0);
  chat_composer_set_text (get_composer (f), "  \n ");
  g_assert_true (press_key (f, GDK_KEY_Return, 0));
  settle ();
  g_assert_cmpuint (n_shown (f), ==, 0);
  text = chat_composer_dup_text (get_composer (f));
  g_assert_cmpstr (text, ==, "  \n ");
}

static const char *
hint_text (Fixture *f)
{
  GtkStack *stack = GTK_STACK (find_descendant (GTK_WIDGET (f->view), GTK_TYPE_STACK));

  return gtk_label_get_label (GTK_LABEL (gtk_stack_get_child_by_name (stack, "empty")));
}

/* With "ctrl-enter", Enter is a new line and Ctrl+Enter sends; the tooltip
 * and the empty transcript's hint say so. */
static void
test_ctrl_enter_sends (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *text = NULL;

  g_assert_cmpstr (send_tooltip (f), ==, "Send (Enter)");
  g_object_set (f->view, "send-with", CHAT_SEND_WITH_CTRL_ENTER, NULL);
  g_assert_cmpint (chat_composer_get_send_with (get_composer (f)), ==, CHAT_SEND_WITH_CTRL_ENTER);
  g_assert_cmpstr (send_tooltip (f), ==, "Send (Ctrl+Enter)");
  g_assert_cmpstr (hint_text (f), ==, "Type a question below. Ctrl+Enter sends it; Enter starts a new line.");

  type_text (f, "Line one");
  g_assert_false (press_key (f, GDK_KEY_Return, 0));
  press_key_through (f, GDK_KEY_Return, 0);
  press_key_through (f, GDK_KEY_KP_Enter, 0);
  settle ();
  g_assert_cmpuint (n_shown (f), ==, 0);
  text = chat_composer_dup_text (get_composer (f));
  g_assert_cmpstr (text, ==, "Line one\n\n");

  type_text (f, "Line one\nline two");
  g_assert_true (press_key (f, GDK_KEY_Return, GDK_CONTROL_MASK));
  WAIT_UNTIL (f->n_finished > 0);
  wait_reply (f);
  g_assert_cmpuint (n_shown (f), ==, 2);
  g_assert_cmpstr (chat_message_get_content (shown_message (f, 0)), ==, "Line one\nline two");
  g_assert_true (chat_composer_is_empty (get_composer (f)));
  g_assert_cmpstr (send_tooltip (f), ==, "Send (Ctrl+Enter)");

  /* Back to Enter: Enter sends again. */
  chat_conversation_view_set_send_with (f->view, CHAT_SEND_WITH_ENTER);
  g_assert_cmpstr (send_tooltip (f), ==, "Send (Enter)");
  g_assert_cmpstr (hint_text (f), ==, "Type a question below. Enter sends it; Shift+Enter starts a new line.");
  send_text (f, "Enter sends");
  g_assert_cmpuint (n_shown (f), ==, 4);
}

static int
font_size (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);

  return pango_font_description_get_size (pango_context_get_font_description (context));
}

static int
layout_height (GtkWidget *label)
{
  int height;

  pango_layout_get_pixel_size (gtk_label_get_layout (GTK_LABEL (label)), NULL, &height);
  return height;
}

/* The transcript's text follows "font-scale", at once; the composer's does not. */
static void
test_font_scale (Fixture       *f,
                 gconstpointer  data)
{
  gint64 id = store_conversation (f, 1, "An answer");
  GtkWidget *question;
  GtkWidget *composer_text = find_descendant (GTK_WIDGET (get_composer (f)), GTK_TYPE_TEXT_VIEW);
  int size, height, composer_size = font_size (composer_text);

  chat_conversation_view_show_conversation (f->view, id);
  settle ();
  question = find_with_class (row_for (f, chat_message_get_id (shown_message (f, 0))), "question");
  g_assert_nonnull (question);
  size = font_size (question);
  height = layout_height (question);
  g_assert_cmpint (size, >, 0);

  g_object_set (f->view, "font-scale", 2.0, NULL);
  settle ();
  g_assert_cmpfloat (chat_conversation_view_get_font_scale (f->view), ==, 2.0);
  g_assert_cmpint (ABS (font_size (question) - 2 * size), <=, 2 * size / 100);
  g_assert_cmpint (layout_height (question), >=, height * 3 / 2);
  g_assert_cmpint (font_size (composer_text), ==, composer_size);
  save_screenshot (f, "font-scale-2");

  chat_conversation_view_set_font_scale (f->view, 1.0);
  settle ();
  g_assert_cmpint (font_size (question), ==, size);
  g_assert_cmpint (layout_height (question), ==, height);
}

static int
composer_height (Fixture    *f,
                 const char *text)
{
  chat_composer_set_text (get_composer (f), text);
  settle ();
  return gtk_widget_get_height (GTK_WIDGET (get_composer (f)));
}

/* One line, then it grows, to about ten lines. */
static void
test_composer_grows (Fixture       *f,
                     gconstpointer  data)
{
  int one = composer_height (f, "One line");
  int three = composer_height (f, "One\nTwo\nThree");
  int ten = composer_height (f, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10");
  int forty = composer_height (f, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20"
                                  "\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40");
  int line = (three - one) / 2;


  g_assert_cmpint (line, >, 10);
  g_assert_cmpint (ten, >=, one + 8 * line);
  g_assert_cmpint (forty, <=, one + 10 * line);
  g_assert_cmpint (forty, <, 400);
}

static void
test_drafts_per_conversation (Fixture       *f,
                              gconstpointer  data)
{
  gint64 first = store_conversation (f, 1, "One");
  gint64 second = store_conversation (f, 1, "Two");
  g_autofree char *text = NULL;

  chat_composer_set_text (get_composer (f), "Unsaved draft");
  chat_conversation_view_show_conversation (f->view, first);
  g_assert_true (chat_composer_is_empty (get_composer (f)));
  chat_composer_set_text (get_composer (f), "Draft for the first");
  chat_conversation_view_show_conversation (f->view, second);
  g_assert_true (chat_composer_is_empty (get_composer (f)));
  chat_conversation_view_show_conversation (f->view, first);
  text = chat_composer_dup_text (get_composer (f));
  g_assert_cmpstr (text, ==, "Draft for the first");
  g_clear_pointer (&text, g_free);
  chat_conversation_view_show_conversation (f->view, 0);
  text = chat_composer_dup_text (get_composer (f));
  g_assert_cmpstr (text, ==, "Unsaved draft");
}

static gboolean
at_bottom (Fixture *f)
{
  GtkScrolledWindow *scroller =
    GTK_SCROLLED_WINDOW (gtk_widget_get_parent (find_descendant (GTK_WIDGET (f->view), GTK_TYPE_LIST_VIEW)));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - 8;
}

static GtkAdjustment *
vadjustment (Fixture *f)
{
  GtkWidget *list = find_descendant (GTK_WIDGET (f->view), GTK_TYPE_LIST_VIEW);

  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (gtk_widget_get_parent (list)));
}

/* The view's own revealer, over the list (rows have revealers too). */
static GtkRevealer *
find_jump_revealer (GtkWidget *root)
{
  if (GTK_IS_REVEALER (root) && GTK_IS_OVERLAY (gtk_widget_get_parent (root)))
    return GTK_REVEALER (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkRevealer *found = find_jump_revealer (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
jump_shown (Fixture *f)
{
  return gtk_revealer_get_reveal_child (find_jump_revealer (GTK_WIDGET (f->view)));
}

/* The messages in the list (the rest wait above it). */
static guint
n_listed (Fixture *f)
{
  GtkListView *list = GTK_LIST_VIEW (find_descendant (GTK_WIDGET (f->view), GTK_TYPE_LIST_VIEW));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list)));
}

/* The reader scrolls up, as a wheel does, one event after another: the
 * view takes a move in the frame the list resized rows in for the list's
 * own, so a single programmatic move between frames may not count. */
static gboolean
scroll_up (Fixture *f)
{
  gtk_adjustment_set_value (vadjustment (f), 100);
  return TRUE;
}

static void
test_follow_and_jump (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *long_answer = g_strnfill (3000, 'x');
  gint64 id;

  for (guint i = 0; i < 3000; i += 80)
    long_answer[i] = ' ';
  id = store_conversation (f, 30, long_answer);
  chat_conversation_view_show_conversation (f->view, id);
  /* Open: the list has grown to its last fifty, a few rows a frame. */
  WAIT_UNTIL (at_bottom (f) && n_listed (f) == 50);
  settle ();
  g_assert_true (at_bottom (f));
  g_assert_false (jump_shown (f));

  /* Reading further up: the view stays there while a reply streams. */
  chat_fake_server_set_event_delay (f->server, 30);
  send_text_no_wait (f, "Follow me");
  settle ();
  g_assert_true (at_bottom (f));
  WAIT_UNTIL (scroll_up (f) && jump_shown (f));
  save_screenshot (f, "jump-to-latest");
  wait_reply (f);
  g_assert_false (at_bottom (f));
  g_assert_true (jump_shown (f));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "transcript.jump-to-latest", NULL));
  WAIT_UNTIL (at_bottom (f));
  settle ();
  g_assert_true (at_bottom (f));
  g_assert_false (jump_shown (f));

  /* At the bottom, it follows the reply to its end. */
  send_text (f, "And again");
  g_assert_true (at_bottom (f));
}

/* A long conversation lists its last fifty messages; scrolling to the top
 * brings older ones, a batch at a time, until all are there. */
static void
test_older_on_scroll (Fixture       *f,
                      gconstpointer  data)
{
  gint64 id = store_conversation (f, 150, "An answer.");
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  chat_conversation_view_show_conversation (f->view, id);
  WAIT_UNTIL (at_bottom (f) && n_listed (f) == 50);
  settle ();
  g_assert_cmpuint (n_listed (f), ==, 50);
  collect_rows (GTK_WIDGET (f->view), rows);
  g_assert_cmpuint (rows->len, <=, 50);

  for (guint i = 0; i < 40 && n_listed (f) < 300; i++)
    {
      gtk_adjustment_set_value (vadjustment (f), 0);
      settle ();
    }
  g_assert_cmpuint (n_listed (f), ==, 300);
  gtk_adjustment_set_value (vadjustment (f), 0);
  settle ();
  g_assert_nonnull (row_for (f, chat_message_get_id (shown_message (f, 0))));
}

/* A long conversation opens with the end of its branch loaded, the rest
 * following on idle without being listed; a search hit above what is
 * loaded is found all the same. */
static void
test_opens_at_end (Fixture       *f,
                   gconstpointer  data)
{
  gint64 id = store_conversation (f, 150, "An answer.");
  g_autoptr(GError) error = NULL;
  g_autoptr(ChatConversation) stored = chat_store_load_conversation (f->store, id, &error);
  ChatMessage *first = chat_conversation_get_message (stored, 0);
  ChatMessage *last = chat_conversation_get_message (stored, 299);
  g_autoptr(ChatMessage) variant = chat_message_new ("assistant", "A newer variant.");

  /* A newer branch beside the current one, which the hit must not switch to. */
  chat_message_set_conversation_id (variant, id);
  chat_message_set_parent_id (variant, chat_message_get_id (chat_conversation_get_message (stored, 100)));
  g_assert_true (chat_store_add_message (f->store, variant, &error));
  g_assert_true (chat_store_select_branch (f->store, id, chat_message_get_id (last), &error));
  g_assert_no_error (error);

  chat_conversation_view_show_conversation (f->view, id);
  g_assert_true (chat_conversation_has_older (shown (f)));
  g_assert_cmpuint (n_shown (f), <, 300);
  g_assert_cmpint (chat_message_get_id (last_shown (f)), ==, chat_message_get_id (last));
  WAIT_UNTIL (!chat_conversation_has_older (shown (f)) && at_bottom (f) && n_listed (f) == 50);
  g_assert_cmpuint (n_shown (f), ==, 300);
  for (guint i = 0; i < 300; i++)
    g_assert_true (chat_message_equal (shown_message (f, i), chat_conversation_get_message (stored, i)));
  settle ();
  g_assert_cmpuint (n_listed (f), ==, 50);
  g_assert_true (at_bottom (f));

  chat_conversation_view_show_conversation (f->view, 0);
  chat_conversation_view_show_conversation (f->view, id);
  g_assert_true (chat_conversation_has_older (shown (f)));
  chat_conversation_view_reveal_message (f->view, chat_message_get_id (first));
  g_assert_false (chat_conversation_has_older (shown (f)));
  WAIT_UNTIL (row_for (f, chat_message_get_id (first)) != NULL);
  g_assert_cmpuint (n_shown (f), ==, 300);
  g_assert_cmpint (chat_message_get_id (last_shown (f)), ==, chat_message_get_id (last));
}

/* Of the rows @refs point to, those alive with no parent. */
static guint
count_let_go (GWeakRef *refs,
              guint     n_refs)
{
  guint n = 0;

  for (guint i = 0; i < n_refs; i++)
    {
      g_autoptr(GObject) row = g_weak_ref_get (&refs[i]);

      n += row != NULL && gtk_widget_get_parent (GTK_WIDGET (row)) == NULL;
    }
  return n;
}

/* Switching away from a conversation leaves its rows to be freed on idle,
 * after the new one's first frame; all of them are freed. */
static void
test_switch_frees_rows (Fixture       *f,
                        gconstpointer  data)
{
  gint64 first = store_conversation (f, 30, "An answer with **Markdown**.");
  gint64 second = store_conversation (f, 2, "Another answer.");
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GWeakRef *refs;
  guint alive = 0;

  chat_conversation_view_show_conversation (f->view, first);
  WAIT_UNTIL (at_bottom (f) && n_listed (f) == 50);
  settle ();
  collect_rows (GTK_WIDGET (f->view), rows);
  g_assert_cmpuint (rows->len, >, 10);
  refs = g_new0 (GWeakRef, rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_weak_ref_init (&refs[i], g_ptr_array_index (rows, i));

  /* Let go of (no parent) but not freed yet. */
  chat_conversation_view_show_conversation (f->view, second);
  alive = count_let_go (refs, rows->len);
  g_assert_cmpuint (alive, >, 0);
  WAIT_UNTIL (count_let_go (refs, rows->len) == 0);
  for (guint i = 0; i < rows->len; i++)
    g_weak_ref_clear (&refs[i]);
  g_free (refs);
  g_assert_cmpuint (n_listed (f), ==, 4);
}

/* A search hit opens its conversation at that message: "Jump to latest"
 * shows only when there is more below it. */
static void
test_reveal_hit (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *long_answer = g_strnfill (3000, 'x');
  ChatConversation *conversation;
  gint64 id;

  for (guint i = 0; i < 3000; i += 80)
    long_answer[i] = ' ';
  id = store_conversation (f, 1, "Short");
  chat_conversation_view_show_conversation (f->view, id);
  settle ();
  conversation = chat_conversation_view_get_conversation (f->view);
  chat_conversation_view_reveal_message (f->view,
                                         chat_message_get_id (chat_conversation_get_message (conversation, 0)));
  settle ();
  g_assert_false (jump_shown (f));

  id = store_conversation (f, 30, long_answer);
  chat_conversation_view_show_conversation (f->view, id);
  WAIT_UNTIL (at_bottom (f) && gtk_adjustment_get_upper (vadjustment (f)) > 2000);
  conversation = chat_conversation_view_get_conversation (f->view);
  chat_conversation_view_reveal_message (f->view,
                                         chat_message_get_id (chat_conversation_get_message (conversation, 0)));
  WAIT_UNTIL (!at_bottom (f));
  settle ();
  g_assert_true (jump_shown (f));
}

static ChatProfile *
lookup_local (const char *profile_id,
              gpointer    user_data)
{
  Fixture *f = user_data;
  g_autofree char *base_url = chat_fake_server_dup_url (f->server, "/local/v1");

  if (!g_str_equal (profile_id, "local"))
    return NULL;
  return chat_profile_new_custom ("local", "Local", base_url, "glm-local");
}

/* A conversation on a custom profile goes where that profile says. */
static void
test_custom_profile (Fixture       *f,
                     gconstpointer  data)
{
  GPtrArray *requests;
  ChatFakeRequest *request;

  chat_conversation_view_set_base_url_override (f->view, NULL);
  chat_conversation_view_set_profile_lookup (f->view, lookup_local, f, NULL);
  chat_conversation_view_set_profile (f->view, "local");
  send_text (f, "Ask the local server");
  g_assert_cmpstr (chat_message_get_content (last_shown (f)), ==, CHAT_FAKE_CONTENT);
  g_assert_cmpstr (chat_message_get_model (last_shown (f)), ==, "glm-local");
  requests = chat_fake_server_get_requests (f->server);
  request = g_ptr_array_index (requests, requests->len - 1);
  g_assert_cmpstr (request->path, ==, "/local/v1/chat/completions");
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  ADD ("/view/send", test_send_shows_reply);
  ADD ("/view/reasoning-folds", test_reasoning_folds);
  ADD ("/view/stop", test_stop_mid_stream);
  ADD ("/view/regenerate", test_regenerate_and_switch);
  ADD ("/view/edit", test_edit_and_resend);
  ADD ("/view/error", test_error_and_retry);
  ADD ("/view/unsaved-question", test_unsaved_question_stays);
  ADD ("/view/length", test_length_continue);
  ADD ("/view/sensitive", test_sensitive_notice);
  ADD ("/view/switch-while-streaming", test_switch_while_streaming);
  ADD ("/view/two-at-once", test_two_at_once);
  ADD ("/view/markup-literal", test_markup_shown_literally);
  ADD ("/view/chinese", test_chinese);
  ADD ("/view/delete", test_delete_message);
  ADD ("/view/enter", test_enter_and_shift_enter);
  ADD ("/view/ctrl-enter", test_ctrl_enter_sends);
  ADD ("/view/font-scale", test_font_scale);
  ADD ("/view/composer-grows", test_composer_grows);
  ADD ("/view/drafts", test_drafts_per_conversation);
  ADD ("/view/follow", test_follow_and_jump);
  ADD ("/view/locked-while-streaming", test_locked_while_streaming);
  ADD ("/view/older-on-scroll", test_older_on_scroll);
  ADD ("/view/opens-at-end", test_opens_at_end);
  ADD ("/view/switch-frees-rows", test_switch_frees_rows);
  ADD ("/view/reveal-hit", test_reveal_hit);
  ADD ("/view/custom-profile", test_custom_profile);

  return g_test_run ();
}
