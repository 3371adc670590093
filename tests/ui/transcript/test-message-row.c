/* test-message-row.c: one ChatMessageRow under Xvfb, without the view
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row builds its rarely needed parts (reasoning, editor, notice, spinner,
 * variant switcher) only when a message needs them: GtkListView 4.8 keeps
 * some 200 rows bound, so whatever a plain row carries costs 200 times.
 * These tests hold a plain row to that (and a folded reasoning block to
 * no text view), and check that each part, once built, sits where it
 * belongs and works.  The "transcript" actions are the
 * test's own, so what the buttons ask for can be read back.
 */

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "chat-markdown-view.h"
#include "chat-message-editor.h"
#include "chat-message-notice.h"
#include "chat-message-row.h"
#include "chat-reasoning-block.h"
#include "chat-variant-switcher.h"
#include "transcript-test-util.h"
#include "ui-test-util.h"

/* Widgets in a bound row of a plain question, the row included: the clamp,
 * its column, the role, the question, the footer, its label and four
 * buttons with their icons.  More means every row pays for it. */
#define PLAIN_ROW_WIDGETS 15

typedef struct {
  GtkWindow      *window;
  ChatMessageRow *row;
  GPtrArray      *activated;  /* "name id" or "name id text" */
} Fixture;

/* --- waiting ------------------------------------------------------------- */

static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* --- the fixture --------------------------------------------------------- */

static void
on_action (GSimpleAction *action,
           GVariant      *parameter,
           Fixture       *f)
{
  const char *name = g_action_get_name (G_ACTION (action));
  const char *text;
  gint64 id;

  if (g_variant_is_of_type (parameter, G_VARIANT_TYPE ("(xs)")))
    {
      g_variant_get (parameter, "(x&s)", &id, &text);
      g_ptr_array_add (f->activated, g_strdup_printf ("%s %" G_GINT64_FORMAT " %s", name, id, text));
    }
  else
    g_ptr_array_add (f->activated, g_strdup_printf ("%s %" G_GINT64_FORMAT, name,
                                                    g_variant_get_int64 (parameter)));
}

static void
add_actions (Fixture *f)
{
  const char *with_id[] = { "copy", "regenerate", "edit", "delete", "retry", "continue", "show-variant" };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) resend = g_simple_action_new ("resend", G_VARIANT_TYPE ("(xs)"));
  g_autoptr(GSimpleAction) cancel = g_simple_action_new ("edit-cancel", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (with_id); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (with_id[i], G_VARIANT_TYPE_INT64);

      g_signal_connect (action, "activate", G_CALLBACK (on_action), f);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
    }
  g_signal_connect (resend, "activate", G_CALLBACK (on_action), f);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (resend));
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (cancel));
  gtk_widget_insert_action_group (GTK_WIDGET (f->window), "transcript", G_ACTION_GROUP (group));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->activated = g_ptr_array_new_with_free_func (g_free);
  f->row = CHAT_MESSAGE_ROW (chat_message_row_new ());
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 700, 400);
  gtk_window_set_child (f->window, GTK_WIDGET (f->row));
  add_actions (f);
  gtk_window_present (f->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (f->row)))
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  g_ptr_array_unref (f->activated);
}

/* --- messages ------------------------------------------------------------ */

static ChatMessage *
new_message (const char *role,
             gint64      id,
             const char *content)
{
  ChatMessage *message = chat_message_new (role, content);

  chat_message_set_id (message, id);
  if (g_str_equal (role, "assistant"))
    chat_message_set_model (message, "glm-4.7");
  return message;
}

/* --- finding widgets ----------------------------------------------------- */

static guint
count_widgets (GtkWidget *root)
{
  guint n = 1;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child);
  return n;
}

/* Shown, with all its ancestors up to the row. */
static gboolean
is_shown (Fixture   *f,
          GtkWidget *widget)
{
  for (; widget != NULL && widget != GTK_WIDGET (f->row); widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget))
      return FALSE;
  return widget != NULL;
}

static GtkWidget *
find_shown (Fixture *f,
            GType    type)
{
  GtkWidget *found = find_descendant (GTK_WIDGET (f->row), type);

  return found != NULL && is_shown (f, found) ? found : NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
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

/* Whether @first comes before @second among their common parent's children. */
static gboolean
comes_before (GtkWidget *first,
              GtkWidget *second)
{
  g_assert_true (gtk_widget_get_parent (first) == gtk_widget_get_parent (second));
  for (GtkWidget *next = gtk_widget_get_next_sibling (first); next != NULL;
       next = gtk_widget_get_next_sibling (next))
    if (next == second)
      return TRUE;
  return FALSE;
}

static void
save_screenshot (Fixture    *f,
                 const char *name)
{
  settle ();
  g_free (ui_test_save_screenshot (GTK_WIDGET (f->window), name));
}

/* --- tests --------------------------------------------------------------- */

static void
assert_no_extras (Fixture *f)
{
  GType types[] = { CHAT_TYPE_REASONING_BLOCK, CHAT_TYPE_MESSAGE_EDITOR, CHAT_TYPE_MESSAGE_NOTICE,
                    CHAT_TYPE_VARIANT_SWITCHER, GTK_TYPE_SPINNER, GTK_TYPE_TEXT_VIEW };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    g_assert_null (find_descendant (GTK_WIDGET (f->row), types[i]));
}

/* A question and a finished answer build none of the rare parts. */
static void
test_plain_rows (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ChatMessage) question = new_message ("user", 1, "What is two and two?");
  g_autoptr(ChatMessage) answer = new_message ("assistant", 2, "Four.");

  chat_message_row_set_message (f->row, question);
  chat_message_row_set_variants (f->row, NULL, 0);
  chat_message_row_set_editing (f->row, FALSE);
  chat_message_row_set_locked (f->row, TRUE);
  settle ();
  assert_no_extras (f);
  g_assert_cmpuint (count_widgets (GTK_WIDGET (f->row)), <=, PLAIN_ROW_WIDGETS);

  chat_message_row_set_message (f->row, answer);
  chat_message_row_set_locked (f->row, FALSE);
  settle ();
  assert_no_extras (f);
  g_assert_nonnull (find_shown (f, GTK_TYPE_LABEL));
}

/* Reasoning above the answer, the notice above the footer, the spinner
 * first in it and the switcher after its text; hidden again for a message
 * without them. */
static void
test_parts_when_needed (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ChatMessage) answer = new_message ("assistant", 2, "");
  g_autoptr(ChatMessage) plain = new_message ("assistant", 4, "Plain.");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkWidget *reasoning, *notice, *spinner, *switcher, *answer_view, *footer;

  chat_message_set_state (answer, CHAT_MESSAGE_STATE_STREAMING);
  chat_message_row_set_message (f->row, answer);
  g_assert_null (find_descendant (GTK_WIDGET (f->row), CHAT_TYPE_REASONING_BLOCK));
  chat_message_set_reasoning (answer, "\nFirst I think.");
  reasoning = find_shown (f, CHAT_TYPE_REASONING_BLOCK);
  g_assert_nonnull (reasoning);
  g_assert_cmpstr (chat_reasoning_block_get_title (CHAT_REASONING_BLOCK (reasoning)), ==, "Thinking…");
  g_assert_true (chat_reasoning_block_get_expanded (CHAT_REASONING_BLOCK (reasoning)));
  spinner = find_shown (f, GTK_TYPE_SPINNER);
  g_assert_nonnull (spinner);
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_assert_null (gtk_widget_get_prev_sibling (spinner));

  chat_message_set_content (answer, "The answer.");
  chat_message_set_error (answer, "1302", "Too many requests.");
  chat_message_set_state (answer, CHAT_MESSAGE_STATE_ERROR);
  g_assert_false (chat_reasoning_block_get_expanded (CHAT_REASONING_BLOCK (reasoning)));
  g_assert_false (is_shown (f, spinner));
  notice = find_shown (f, CHAT_TYPE_MESSAGE_NOTICE);
  g_assert_nonnull (notice);
  g_assert_true (find_with_class (notice, "notice") == notice);
  answer_view = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (reasoning));
  footer = gtk_widget_get_next_sibling (notice);
  g_assert_true (comes_before (reasoning, answer_view));
  g_assert_true (comes_before (answer_view, notice));
  g_assert_true (footer != NULL && gtk_widget_get_next_sibling (footer) == NULL);
  g_signal_emit_by_name (find_button (notice, "_Retry"), "clicked");
  g_assert_cmpuint (f->activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->activated, 0), ==, "retry 2");

  g_array_append_vals (ids, (gint64[]) { 2, 3 }, 2);
  chat_message_row_set_variants (f->row, ids, 0);
  switcher = find_shown (f, CHAT_TYPE_VARIANT_SWITCHER);
  g_assert_nonnull (switcher);
  g_assert_cmpstr (chat_variant_switcher_get_label (CHAT_VARIANT_SWITCHER (switcher)), ==, "1/2");
  g_assert_true (GTK_IS_LABEL (gtk_widget_get_prev_sibling (switcher)));
  save_screenshot (f, "row-parts");

  chat_message_row_set_message (f->row, plain);
  chat_message_row_set_variants (f->row, NULL, 0);
  settle ();
  g_assert_false (is_shown (f, reasoning));
  g_assert_false (is_shown (f, notice));
  g_assert_false (is_shown (f, spinner));
  g_assert_false (is_shown (f, switcher));
}

static char *
dup_view_text (GtkWidget *view)
{
  ChatMarkdownView *markdown = CHAT_MARKDOWN_VIEW (view);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < chat_markdown_view_get_n_blocks (markdown); i++)
    g_string_append (text, gtk_label_get_text (GTK_LABEL (chat_markdown_view_get_block_widget (markdown, i))));
  return g_string_free (text, FALSE);
}

/* A finished answer's reasoning is folded, and holds no view of its text
 * until the reader opens it: most bound rows never are. */
static void
test_reasoning_folded (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ChatMessage) answer = new_message ("assistant", 3, "The answer.");
  g_autofree char *shown = NULL;
  GtkWidget *reasoning, *text_view;

  chat_message_set_reasoning (answer, "\nFirst this, then *that*.");
  chat_message_row_set_message (f->row, answer);
  reasoning = find_shown (f, CHAT_TYPE_REASONING_BLOCK);
  g_assert_nonnull (reasoning);
  g_assert_false (chat_reasoning_block_get_expanded (CHAT_REASONING_BLOCK (reasoning)));
  g_assert_null (find_descendant (reasoning, CHAT_TYPE_MARKDOWN_VIEW));

  chat_message_set_reasoning (answer, "\nFirst this, then *that*, and more.");
  g_signal_emit_by_name (find_descendant (reasoning, GTK_TYPE_TOGGLE_BUTTON), "clicked");
  g_assert_true (chat_reasoning_block_get_expanded (CHAT_REASONING_BLOCK (reasoning)));
  text_view = find_descendant (reasoning, CHAT_TYPE_MARKDOWN_VIEW);
  g_assert_nonnull (text_view);
  shown = dup_view_text (text_view);
  g_assert_cmpstr (shown, ==, "First this, then that, and more.");
  save_screenshot (f, "row-reasoning-open");

  /* Open, it follows the reasoning as it grows, as Markdown. */
  chat_message_set_reasoning (answer, "\nFirst this, then *that*, and more.\n\n- Done.");
  g_clear_pointer (&shown, g_free);
  shown = dup_view_text (text_view);
  g_assert_cmpstr (shown, ==, "First this, then that, and more.Done.");
  g_assert_nonnull (chat_markdown_view_get_block_marker (CHAT_MARKDOWN_VIEW (text_view), 1));
}

/* The editor replaces the question, keeps a draft across rebinding, and
 * Send asks for "transcript.resend" with the text; greyed out when locked,
 * also when the lock came before the editor. */
static void
test_editing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ChatMessage) question = new_message ("user", 7, "Original question");
  g_autoptr(ChatMessage) other = new_message ("user", 9, "Another");
  GtkWidget *editor, *question_label, *send;
  g_autofree char *text = NULL;

  chat_message_row_set_message (f->row, question);
  chat_message_row_set_locked (f->row, TRUE);
  question_label = find_with_class (GTK_WIDGET (f->row), "question");
  chat_message_row_set_editing (f->row, TRUE);
  editor = find_shown (f, CHAT_TYPE_MESSAGE_EDITOR);
  g_assert_nonnull (editor);
  g_assert_false (is_shown (f, question_label));
  g_assert_true (comes_before (question_label, editor));
  text = chat_message_editor_dup_text (CHAT_MESSAGE_EDITOR (editor));
  g_assert_cmpstr (text, ==, "Original question");
  send = find_button (editor, "_Send");
  g_assert_false (gtk_widget_get_sensitive (send));
  chat_message_row_set_locked (f->row, FALSE);
  g_assert_true (gtk_widget_get_sensitive (send));
  settle ();
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == find_descendant (editor, GTK_TYPE_TEXT_VIEW));
  chat_message_editor_set_text (CHAT_MESSAGE_EDITOR (editor), "Edited question");
  save_screenshot (f, "row-editing");

  /* Reused for another message and back: the draft is still there. */
  chat_message_row_set_message (f->row, other);
  chat_message_row_set_editing (f->row, FALSE);
  g_assert_false (is_shown (f, editor));
  g_assert_true (is_shown (f, question_label));
  chat_message_row_set_message (f->row, question);
  chat_message_row_set_editing (f->row, TRUE);
  g_clear_pointer (&text, g_free);
  text = chat_message_editor_dup_text (CHAT_MESSAGE_EDITOR (editor));
  g_assert_cmpstr (text, ==, "Edited question");

  g_signal_emit_by_name (send, "clicked");
  g_assert_cmpuint (f->activated->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->activated, 0), ==, "resend 7 Edited question");

  chat_message_row_set_editing (f->row, FALSE);
  g_assert_false (is_shown (f, editor));
  g_assert_true (is_shown (f, question_label));
}

/* The footer's buttons ask for their actions with the message id. */
static void
test_footer_actions (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ChatMessage) answer = new_message ("assistant", 5, "Answer.");
  const char *tooltips[] = { "Copy as Markdown", "Regenerate", "Delete" };
  const char *expected[] = { "copy 5", "regenerate 5", "delete 5" };

  chat_message_row_set_message (f->row, answer);
  settle ();
  for (guint i = 0; i < G_N_ELEMENTS (tooltips); i++)
    {
      GtkWidget *button = NULL;

      for (GtkWidget *w = find_descendant (GTK_WIDGET (f->row), GTK_TYPE_BUTTON); w != NULL;
           w = gtk_widget_get_next_sibling (w))
        if (g_strcmp0 (gtk_widget_get_tooltip_text (w), tooltips[i]) == 0)
          button = w;
      g_assert_nonnull (button);
      g_assert_true (is_shown (f, button));
      g_signal_emit_by_name (button, "clicked");
      g_assert_cmpstr (g_ptr_array_index (f->activated, i), ==, expected[i]);
    }
}

/* The transcript's look, which the view loads. */
static void
load_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/liaochat/Liao/transcript/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  load_style ();

  ADD ("/row/plain", test_plain_rows);
  ADD ("/row/parts-when-needed", test_parts_when_needed);
  ADD ("/row/reasoning-folded", test_reasoning_folded);
  ADD ("/row/editing", test_editing);
  ADD ("/row/footer-actions", test_footer_actions);

  return g_test_run ();
}
