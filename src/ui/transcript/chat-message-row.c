/* chat-message-row.c: one message of the transcript
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <adwaita.h>

#include "chat-exchange-registry.h"
#include "chat-markdown.h"
#include "chat-markdown-view.h"
#include "chat-message-editor.h"
#include "chat-message-notice.h"
#include "chat-message-row.h"
#include "chat-reasoning-block.h"
#include "chat-variant-switcher.h"

/* Kept on each ChatMessage (g_object_set_data) across rows. */
#define MARKDOWN_KEY  "chat-markdown-stream"
#define REASONING_KEY "chat-reasoning-open"   /* the user's choice: 1 closed, 2 open */
#define DRAFT_KEY     "chat-edit-draft"

struct _ChatMessageRow {
  GtkWidget            parent_instance;

  GtkBox              *column;
  GtkButton           *copy_button;
  GtkButton           *delete_button;
  GtkButton           *edit_button;
  GtkBox              *footer;
  GtkLabel            *footer_label;
  GtkLabel            *question_label;
  GtkButton           *regenerate_button;
  GtkLabel            *role_label;

  /* Built when a message first needs them, then kept for the messages the
   * row shows later (hidden where those do not need them).  GtkListView
   * keeps some 200 rows bound, nearly all of them off screen: a part every
   * row carries costs 200 times over, and most messages have no reasoning,
   * no notice, no variants and are never edited. */
  ChatMarkdownView    *answer_view;
  ChatMessageEditor   *editor;
  ChatMessageNotice   *notice;
  ChatReasoningBlock  *reasoning_block;
  GtkSpinner          *spinner;
  ChatVariantSwitcher *variant_switcher;

  ChatMessage         *message;
  gboolean             editing;
  gboolean             locked;
  gboolean             had_content;
};

G_DEFINE_FINAL_TYPE (ChatMessageRow, chat_message_row, GTK_TYPE_WIDGET)

static gboolean
is_user (ChatMessageRow *self)
{
  return g_str_equal (chat_message_get_role (self->message), "user");
}

static gboolean
is_streaming (ChatMessageRow *self)
{
  return chat_message_get_state (self->message) == CHAT_MESSAGE_STATE_STREAMING;
}

/* --- parts built late ---------------------------------------------------- */

/* Puts @part into @box after @sibling (first when NULL), where the
 * template would have had it. */
static gpointer
add_part (GtkBox    *box,
          GtkWidget *part,
          GtkWidget *sibling)
{
  gtk_box_insert_child_after (box, part, sibling);
  return part;
}

static void
on_reasoning_toggled (ChatMessageRow *self)
{
  gboolean open = chat_reasoning_block_get_expanded (self->reasoning_block);

  if (self->message != NULL)
    g_object_set_data (G_OBJECT (self->message), REASONING_KEY, GUINT_TO_POINTER (open ? 2 : 1));
}

static ChatReasoningBlock *
ensure_reasoning_block (ChatMessageRow *self)
{
  if (self->reasoning_block == NULL)
    {
      self->reasoning_block = add_part (self->column, chat_reasoning_block_new (),
                                        GTK_WIDGET (self->role_label));
      g_signal_connect_object (self->reasoning_block, "toggled",
                               G_CALLBACK (on_reasoning_toggled), self, G_CONNECT_SWAPPED);
    }
  return self->reasoning_block;
}

static ChatMarkdownView *
ensure_answer_view (ChatMessageRow *self)
{
  if (self->answer_view == NULL)
    self->answer_view = add_part (self->column, chat_markdown_view_new (),
                                  GTK_WIDGET (self->question_label));
  return self->answer_view;
}

static void on_editor_send (ChatMessageRow *self);

static ChatMessageEditor *
ensure_editor (ChatMessageRow *self)
{
  GtkWidget *above = self->answer_view != NULL ? GTK_WIDGET (self->answer_view)
                                               : GTK_WIDGET (self->question_label);

  if (self->editor == NULL)
    {
      self->editor = add_part (self->column, chat_message_editor_new (), above);
      chat_message_editor_set_locked (self->editor, self->locked);
      g_signal_connect_object (self->editor, "send", G_CALLBACK (on_editor_send),
                               self, G_CONNECT_SWAPPED);
    }
  return self->editor;
}

static ChatMessageNotice *
ensure_notice (ChatMessageRow *self)
{
  if (self->notice == NULL)
    {
      self->notice = add_part (self->column, chat_message_notice_new (),
                               gtk_widget_get_prev_sibling (GTK_WIDGET (self->footer)));
      chat_message_notice_set_locked (self->notice, self->locked);
      chat_message_notice_set_target (self->notice, chat_message_get_id (self->message));
    }
  return self->notice;
}

static GtkSpinner *
ensure_spinner (ChatMessageRow *self)
{
  if (self->spinner == NULL)
    {
      self->spinner = add_part (self->footer, gtk_spinner_new (), NULL);
      gtk_widget_set_margin_end (GTK_WIDGET (self->spinner), 6);
    }
  return self->spinner;
}

static ChatVariantSwitcher *
ensure_variant_switcher (ChatMessageRow *self)
{
  if (self->variant_switcher == NULL)
    self->variant_switcher = add_part (self->footer, chat_variant_switcher_new (),
                                       GTK_WIDGET (self->footer_label));
  return self->variant_switcher;
}

static void
hide_part (gpointer part)
{
  if (part != NULL)
    gtk_widget_set_visible (GTK_WIDGET (part), FALSE);
}

/* --- the answer ---------------------------------------------------------- */

static ChatMarkdownStream *
markdown_cache (ChatMessage *message)
{
  ChatMarkdownStream *stream = g_object_get_data (G_OBJECT (message), MARKDOWN_KEY);

  if (stream == NULL)
    {
      stream = chat_markdown_stream_new ();
      g_object_set_data_full (G_OBJECT (message), MARKDOWN_KEY, stream,
                              (GDestroyNotify) chat_markdown_stream_free);
    }
  return stream;
}

/* Draws the answer's Markdown: from its first changed block while it grows,
 * all of it when the row shows another message (@rebind). */
static void
show_answer (ChatMessageRow *self,
             gboolean        rebind)
{
  const char *content = chat_message_get_content (self->message);
  ChatMarkdownStream *stream = markdown_cache (self->message);

  guint first_changed = chat_markdown_stream_update (stream, content, strlen (content));

  chat_markdown_view_set_blocks (ensure_answer_view (self), chat_markdown_stream_get_blocks (stream),
                                 rebind ? 0 : first_changed);
}

/* --- the reasoning ------------------------------------------------------- */

static char *
dup_reasoning_title (ChatMessageRow *self)
{
  gint64 thought_ms;

  if (is_streaming (self) && !self->had_content)
    return g_strdup (_("Thinking…"));
  thought_ms = chat_exchange_registry_get_thought_ms (self->message);
  if (thought_ms < 0)
    return g_strdup (_("Reasoning"));
  if (thought_ms < 1000)
    return g_strdup (_("Thought for less than a second"));
  /* Translators: how long the model reasoned before answering, in seconds. */
  return g_strdup_printf (_("Thought for %u s"), (guint) ((thought_ms + 500) / 1000));
}

/* Open while only the reasoning arrives, folded once the answer starts,
 * unless the user chose. */
static void
update_reasoning (ChatMessageRow *self)
{
  const char *reasoning = chat_message_get_reasoning (self->message);
  guint choice = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self->message), REASONING_KEY));
  g_autofree char *title = NULL;
  ChatReasoningBlock *block;

  if (reasoning == NULL || *reasoning == '\0')
    {
      hide_part (self->reasoning_block);
      return;
    }
  block = ensure_reasoning_block (self);
  gtk_widget_set_visible (GTK_WIDGET (block), TRUE);
  title = dup_reasoning_title (self);
  chat_reasoning_block_set_title (block, title);
  chat_reasoning_block_set_expanded (block,
                                     choice != 0 ? choice == 2 : is_streaming (self) && !self->had_content);
  /* Models often start their reasoning with a blank line. */
  chat_reasoning_block_set_text (block, reasoning + strspn (reasoning, "\n"));
}

/* --- the notice and the footer ------------------------------------------- */

static void
set_notice (ChatMessageRow *self,
            const char     *text,
            const char     *icon_name,
            const char     *button_label,
            const char     *action_name)
{
  if (text == NULL)
    {
      hide_part (self->notice);
      return;
    }
  chat_message_notice_set (ensure_notice (self), text, icon_name, button_label, action_name);
  gtk_widget_set_visible (GTK_WIDGET (self->notice), TRUE);
}

static void
update_notice (ChatMessageRow *self)
{
  ChatMessageState state = chat_message_get_state (self->message);
  const char *reason = chat_message_get_finish_reason (self->message);
  const char *error = chat_message_get_error_message (self->message);

  if (g_strcmp0 (reason, "sensitive") == 0)
    set_notice (self, error != NULL ? error : _("The content filter stopped this answer."),
                "dialog-information-symbolic", NULL, NULL);
  else if (state == CHAT_MESSAGE_STATE_ERROR)
    set_notice (self, error != NULL ? error : _("The answer failed."),
                "dialog-warning-symbolic", _("_Retry"), "transcript.retry");
  else if (state == CHAT_MESSAGE_STATE_INTERRUPTED)
    set_notice (self, _("Liao closed before this answer was complete."),
                "dialog-warning-symbolic", _("_Retry"), "transcript.retry");
  else if (state == CHAT_MESSAGE_STATE_COMPLETE && g_strcmp0 (reason, "length") == 0)
    set_notice (self, _("The answer reached the token limit."),
                "dialog-information-symbolic", _("C_ontinue"), "transcript.continue");
  else
    set_notice (self, NULL, NULL, NULL, NULL);
}

static void
add_usage (GPtrArray       *parts,
           const ChatUsage *usage)
{
  g_autofree char *prompt = g_strdup_printf ("%" G_GINT64_FORMAT, usage->prompt_tokens);
  g_autofree char *completion = g_strdup_printf ("%" G_GINT64_FORMAT, usage->completion_tokens);
  g_autofree char *cached = g_strdup_printf ("%" G_GINT64_FORMAT, usage->cached_tokens);

  if (usage->prompt_tokens <= 0 && usage->completion_tokens <= 0)
    return;
  /* Translators: tokens sent and received, e.g. "16 → 45 tokens". */
  g_ptr_array_add (parts, g_strdup_printf (_("%s → %s tokens"), prompt, completion));
  if (usage->cached_tokens > 0)
    /* Translators: how many of the tokens sent the server had cached. */
    g_ptr_array_add (parts, g_strdup_printf (_("%s cached"), cached));
}

static void
add_timing (GPtrArray   *parts,
            ChatMessage *message)
{
  gint64 first = chat_message_get_first_token_ms (message);
  gint64 duration = chat_message_get_duration_ms (message);
  gint64 completion = chat_message_get_usage (message)->completion_tokens;

  if (first >= 0)
    /* Translators: time to the first token of the answer. */
    g_ptr_array_add (parts, g_strdup_printf (_("first token %.1f s"), first / 1000.0));
  if (first >= 0 && duration > first && completion > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%.0f tokens/s"),
                                             completion * 1000.0 / (duration - first)));
}

static void
update_spinner (ChatMessageRow *self)
{
  if (!is_streaming (self))
    {
      if (self->spinner != NULL)
        gtk_spinner_set_spinning (self->spinner, FALSE);
      hide_part (self->spinner);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (ensure_spinner (self)), TRUE);
  gtk_spinner_set_spinning (self->spinner, TRUE);
}

static void
update_footer (ChatMessageRow *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  const char *model = chat_message_get_model (self->message);

  if (!is_user (self) && !is_streaming (self))
    {
      if (model != NULL)
        g_ptr_array_add (parts, g_strdup (model));
      add_usage (parts, chat_message_get_usage (self->message));
      add_timing (parts, self->message);
      if (chat_message_get_state (self->message) == CHAT_MESSAGE_STATE_CANCELLED)
        g_ptr_array_add (parts, g_strdup (_("stopped")));
    }
  g_ptr_array_add (parts, NULL);
  text = g_strjoinv (" · ", (char **) parts->pdata);
  gtk_label_set_text (self->footer_label, text);
  update_spinner (self);
}

static void
update_role (ChatMessageRow *self)
{
  const char *model = chat_message_get_model (self->message);

  if (is_user (self))
    gtk_label_set_text (self->role_label, _("You"));
  else
    gtk_label_set_text (self->role_label, model != NULL ? model : _("Assistant"));
}

/* Everything but the text: state, finish reason, usage, timing, model. */
static void
update_details (ChatMessageRow *self)
{
  update_role (self);
  update_notice (self);
  update_footer (self);
  update_reasoning (self);
  gtk_widget_set_visible (GTK_WIDGET (self->regenerate_button), !is_user (self) && !is_streaming (self));
  gtk_widget_set_visible (GTK_WIDGET (self->edit_button), is_user (self));
}

/* --- following the message ----------------------------------------------- */

static void
on_content_changed (ChatMessageRow *self)
{
  gboolean has_content = *chat_message_get_content (self->message) != '\0';

  if (is_user (self))
    {
      gtk_label_set_text (self->question_label, chat_message_get_content (self->message));
      return;
    }
  show_answer (self, FALSE);
  if (has_content != self->had_content)
    {
      self->had_content = has_content;
      update_reasoning (self);
    }
}

static void
on_reasoning_changed (ChatMessageRow *self)
{
  update_reasoning (self);
}

static void
on_details_changed (ChatMessageRow *self)
{
  update_details (self);
}

static void
set_targets (ChatMessageRow *self,
             gint64          id)
{
  GtkWidget *buttons[] = { GTK_WIDGET (self->copy_button), GTK_WIDGET (self->regenerate_button),
                           GTK_WIDGET (self->edit_button), GTK_WIDGET (self->delete_button) };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (buttons[i]), g_variant_new_int64 (id));
  if (self->notice != NULL)
    chat_message_notice_set_target (self->notice, id);
}

static void
connect_message (ChatMessageRow *self)
{
  const char *details[] = { "notify::state", "notify::finish-reason", "notify::usage",
                            "notify::model", "notify::error-message", "notify::duration-ms" };

  g_signal_connect_object (self->message, "notify::content",
                           G_CALLBACK (on_content_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->message, "notify::reasoning",
                           G_CALLBACK (on_reasoning_changed), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < G_N_ELEMENTS (details); i++)
    g_signal_connect_object (self->message, details[i],
                             G_CALLBACK (on_details_changed), self, G_CONNECT_SWAPPED);
}

static void
show_message (ChatMessageRow *self)
{
  gboolean user = is_user (self);

  self->had_content = *chat_message_get_content (self->message) != '\0';
  gtk_widget_set_visible (GTK_WIDGET (self->question_label), user);
  hide_part (self->editor);
  if (user)
    {
      hide_part (self->answer_view);
      gtk_label_set_text (self->question_label, chat_message_get_content (self->message));
    }
  else
    {
      show_answer (self, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->answer_view), TRUE);
    }
  set_targets (self, chat_message_get_id (self->message));
  update_details (self);
}

/* --- the editor ---------------------------------------------------------- */

/* A draft survives the row being reused for another message. */
static void
keep_draft (ChatMessageRow *self)
{
  if (self->message != NULL && self->editing)
    g_object_set_data_full (G_OBJECT (self->message), DRAFT_KEY,
                            chat_message_editor_dup_text (self->editor), g_free);
}

static void
fill_editor (ChatMessageRow *self)
{
  const char *draft = g_object_get_data (G_OBJECT (self->message), DRAFT_KEY);

  chat_message_editor_set_text (ensure_editor (self),
                                draft != NULL ? draft : chat_message_get_content (self->message));
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

static void
on_editor_send (ChatMessageRow *self)
{
  g_autofree char *text = chat_message_editor_dup_text (self->editor);

  if (self->message == NULL || is_blank (text))
    return;
  g_object_set_data (G_OBJECT (self->message), DRAFT_KEY, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "transcript.resend", "(xs)",
                              chat_message_get_id (self->message), text);
}

/* --- the class ----------------------------------------------------------- */

/* GTK 4.8 asks the X server where the pointer is (two round trips) each
 * time a shown widget gets a tooltip, bound to a window or not: from the
 * template, the four buttons of each of some 200 rows made 1,600 of them
 * when a conversation opened.  Hidden, a button does not ask. */
static void
add_tooltips (ChatMessageRow *self)
{
  struct { GtkButton *button; const char *text; } tooltips[] = {
    { self->copy_button, _("Copy as Markdown") },
    { self->regenerate_button, _("Regenerate") },
    { self->edit_button, _("Edit and Resend") },
    { self->delete_button, _("Delete") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tooltips); i++)
    {
      GtkWidget *button = GTK_WIDGET (tooltips[i].button);
      gboolean visible = gtk_widget_get_visible (button);

      gtk_widget_set_visible (button, FALSE);
      gtk_widget_set_tooltip_text (button, tooltips[i].text);
      gtk_widget_set_visible (button, visible);
    }
}

static void
chat_message_row_dispose (GObject *object)
{
  ChatMessageRow *self = CHAT_MESSAGE_ROW (object);
  GtkWidget *child;

  chat_message_row_set_message (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_MESSAGE_ROW);
  /* The template's top child is not bound, so it is still there; the
   * parts built late go with it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  self->answer_view = NULL;
  self->editor = NULL;
  self->notice = NULL;
  self->reasoning_block = NULL;
  self->spinner = NULL;
  self->variant_switcher = NULL;

  G_OBJECT_CLASS (chat_message_row_parent_class)->dispose (object);
}

static void
chat_message_row_class_init (ChatMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_message_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/transcript/chat-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, column);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, footer);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, footer_label);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, question_label);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, regenerate_button);
  gtk_widget_class_bind_template_child (widget_class, ChatMessageRow, role_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
}

static void
chat_message_row_init (ChatMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_tooltips (self);
}

GtkWidget *
chat_message_row_new (void)
{
  return g_object_new (CHAT_TYPE_MESSAGE_ROW, NULL);
}

void
chat_message_row_set_message (ChatMessageRow *self,
                              ChatMessage    *message)
{
  g_return_if_fail (CHAT_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || CHAT_IS_MESSAGE (message));

  if (self->message == message)
    return;
  if (self->message != NULL)
    {
      keep_draft (self);
      g_signal_handlers_disconnect_by_data (self->message, self);
    }
  g_set_object (&self->message, message);
  self->editing = FALSE;
  if (message == NULL)
    return;
  connect_message (self);
  show_message (self);
}

ChatMessage *
chat_message_row_get_message (ChatMessageRow *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

void
chat_message_row_set_variants (ChatMessageRow *self,
                               GArray         *ids,
                               guint           current)
{
  g_return_if_fail (CHAT_IS_MESSAGE_ROW (self));

  if (ids != NULL && ids->len > 1)
    ensure_variant_switcher (self);
  if (self->variant_switcher != NULL)
    chat_variant_switcher_set (self->variant_switcher, ids, current);
}

void
chat_message_row_set_editing (ChatMessageRow *self,
                              gboolean        editing)
{
  g_return_if_fail (CHAT_IS_MESSAGE_ROW (self));

  editing = !!editing && self->message != NULL && is_user (self);
  if (self->editing == editing)
    return;
  keep_draft (self);
  self->editing = editing;
  if (editing)
    fill_editor (self);
  else if (self->message != NULL)
    g_object_set_data (G_OBJECT (self->message), DRAFT_KEY, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->question_label), !editing && self->message != NULL && is_user (self));
  if (!editing)
    {
      hide_part (self->editor);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->editor), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->editor));
}

/* Sensitivity set here, not by disabling the view's actions: GTK 4.8 tells
 * every widget below the view of an action's change (about 30 M
 * instructions each with a conversation open), where this touches a few
 * buttons a row.  The view's handlers refuse the actions while busy. */
void
chat_message_row_set_locked (ChatMessageRow *self,
                             gboolean        locked)
{
  GtkWidget *buttons[] = {
    GTK_WIDGET (self->regenerate_button), GTK_WIDGET (self->edit_button),
    GTK_WIDGET (self->delete_button),
  };

  g_return_if_fail (CHAT_IS_MESSAGE_ROW (self));

  locked = !!locked;
  if (self->locked == locked)
    return;
  self->locked = locked;
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_widget_set_sensitive (buttons[i], !locked);
  if (self->notice != NULL)
    chat_message_notice_set_locked (self->notice, locked);
  if (self->editor != NULL)
    chat_message_editor_set_locked (self->editor, locked);
}
