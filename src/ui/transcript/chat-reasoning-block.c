/* chat-reasoning-block.c: the model's reasoning, folded above its answer
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chat-markdown.h"
#include "chat-markdown-view.h"
#include "chat-reasoning-block.h"

struct _ChatReasoningBlock {
  GtkWidget        parent_instance;

  GtkImage        *arrow;
  GtkRevealer     *revealer;
  GtkLabel        *title_label;
  GtkToggleButton *toggle;

  /* Made the first time the block opens: in a long conversation nearly
   * every block GtkListView keeps bound is folded.  Markdown, as models
   * write their reasoning, in a ChatMarkdownView: a long reasoning
   * streams in pages drawn only where in view, where a text view drew all
   * of it at every frame (20,000 tokens: 48% of a core, bench-stream
   * --reasoning). */
  ChatMarkdownView   *text_view;
  ChatMarkdownStream *stream;
  GString            *shown;   /* the text */
  gboolean         setting;    /* a toggle from code, not from the user */
};

G_DEFINE_FINAL_TYPE (ChatReasoningBlock, chat_reasoning_block, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EXPANDED,
  N_PROPS
};

enum {
  TOGGLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_in_view (ChatReasoningBlock *self,
              const char         *text,
              gsize               length)
{
  guint first_changed = chat_markdown_stream_update (self->stream, text, length);

  chat_markdown_view_set_blocks (self->text_view, chat_markdown_stream_get_blocks (self->stream),
                                 first_changed);
}

static void
ensure_text_view (ChatReasoningBlock *self)
{
  if (self->text_view != NULL)
    return;
  self->text_view = CHAT_MARKDOWN_VIEW (chat_markdown_view_new ());
  self->stream = chat_markdown_stream_new ();
  gtk_widget_add_css_class (GTK_WIDGET (self->text_view), "reasoning-text");
  show_in_view (self, self->shown->str, self->shown->len);
  gtk_revealer_set_child (self->revealer, GTK_WIDGET (self->text_view));
}

static void
on_toggled (ChatReasoningBlock *self)
{
  gboolean expanded = gtk_toggle_button_get_active (self->toggle);

  if (expanded)
    ensure_text_view (self);
  gtk_revealer_set_reveal_child (self->revealer, expanded);
  gtk_image_set_from_icon_name (self->arrow, expanded ? "pan-down-symbolic" : "pan-end-symbolic");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->toggle),
                               GTK_ACCESSIBLE_STATE_EXPANDED, expanded, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
  if (!self->setting)
    g_signal_emit (self, signals[TOGGLED], 0);
}

static void
chat_reasoning_block_dispose (GObject *object)
{
  ChatReasoningBlock *self = CHAT_REASONING_BLOCK (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_REASONING_BLOCK);
  /* The template's top child is not bound, so it is still there; the text
   * view goes with it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  self->text_view = NULL;

  G_OBJECT_CLASS (chat_reasoning_block_parent_class)->dispose (object);
}

static void
chat_reasoning_block_finalize (GObject *object)
{
  ChatReasoningBlock *self = CHAT_REASONING_BLOCK (object);

  g_string_free (self->shown, TRUE);
  g_clear_pointer (&self->stream, chat_markdown_stream_free);

  G_OBJECT_CLASS (chat_reasoning_block_parent_class)->finalize (object);
}

static void
chat_reasoning_block_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ChatReasoningBlock *self = CHAT_REASONING_BLOCK (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      g_value_set_boolean (value, chat_reasoning_block_get_expanded (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_reasoning_block_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ChatReasoningBlock *self = CHAT_REASONING_BLOCK (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      chat_reasoning_block_set_expanded (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_reasoning_block_class_init (ChatReasoningBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_reasoning_block_dispose;
  object_class->finalize = chat_reasoning_block_finalize;
  object_class->get_property = chat_reasoning_block_get_property;
  object_class->set_property = chat_reasoning_block_set_property;

  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TOGGLED] = g_signal_new ("toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/transcript/chat-reasoning-block.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatReasoningBlock, arrow);
  gtk_widget_class_bind_template_child (widget_class, ChatReasoningBlock, revealer);
  gtk_widget_class_bind_template_child (widget_class, ChatReasoningBlock, title_label);
  gtk_widget_class_bind_template_child (widget_class, ChatReasoningBlock, toggle);
  gtk_widget_class_bind_template_callback (widget_class, on_toggled);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "reasoning");
}

static void
chat_reasoning_block_init (ChatReasoningBlock *self)
{
  self->shown = g_string_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_reasoning_block_new (void)
{
  return g_object_new (CHAT_TYPE_REASONING_BLOCK, NULL);
}

void
chat_reasoning_block_set_text (ChatReasoningBlock *self,
                               const char         *text)
{
  gsize length;

  g_return_if_fail (CHAT_IS_REASONING_BLOCK (self));

  if (text == NULL)
    text = "";
  length = strlen (text);
  if (length == self->shown->len && memcmp (text, self->shown->str, length) == 0)
    return;
  if (self->text_view != NULL)
    show_in_view (self, text, length);
  g_string_assign (self->shown, text);
}

char *
chat_reasoning_block_dup_text (ChatReasoningBlock *self)
{
  g_return_val_if_fail (CHAT_IS_REASONING_BLOCK (self), NULL);

  return g_strdup (self->shown->str);
}

void
chat_reasoning_block_set_title (ChatReasoningBlock *self,
                                const char         *title)
{
  g_return_if_fail (CHAT_IS_REASONING_BLOCK (self));

  gtk_label_set_text (self->title_label, title);
}

const char *
chat_reasoning_block_get_title (ChatReasoningBlock *self)
{
  g_return_val_if_fail (CHAT_IS_REASONING_BLOCK (self), NULL);

  return gtk_label_get_text (self->title_label);
}

gboolean
chat_reasoning_block_get_expanded (ChatReasoningBlock *self)
{
  g_return_val_if_fail (CHAT_IS_REASONING_BLOCK (self), FALSE);

  return gtk_toggle_button_get_active (self->toggle);
}

void
chat_reasoning_block_set_expanded (ChatReasoningBlock *self,
                                   gboolean            expanded)
{
  g_return_if_fail (CHAT_IS_REASONING_BLOCK (self));

  if (chat_reasoning_block_get_expanded (self) == !!expanded)
    return;
  /* Only the user's click slides: a row rebound while scrolling must not
   * change its height over a quarter of a second. */
  self->setting = TRUE;
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_NONE);
  gtk_toggle_button_set_active (self->toggle, expanded);
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  self->setting = FALSE;
}
