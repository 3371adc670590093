/* chat-composer.c: where the user types a question
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <adwaita.h>

#include "chat-composer.h"

#define MAX_LINES 10

struct _ChatComposer {
  GtkWidget          parent_instance;

  GtkLabel          *placeholder;
  GtkScrolledWindow *scroller;
  GtkButton         *send_button;
  GtkTextView       *text_view;

  gboolean           busy;
  gboolean           composing;   /* an input method holds unfinished text */
  ChatSendWith       send_with;
};

G_DEFINE_ENUM_TYPE (ChatSendWith, chat_send_with,
                    G_DEFINE_ENUM_VALUE (CHAT_SEND_WITH_ENTER, "enter"),
                    G_DEFINE_ENUM_VALUE (CHAT_SEND_WITH_CTRL_ENTER, "ctrl-enter"))

G_DEFINE_FINAL_TYPE (ChatComposer, chat_composer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_SEND_WITH,
  N_PROPS
};

enum {
  SEND,
  STOP,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


/* The tooltip names the key that sends, which the user may have changed. */
static const char *
button_tooltip (ChatComposer *self)
{
  if (self->busy)
    return _("Stop (Esc)");
  if (self->send_with == CHAT_SEND_WITH_CTRL_ENTER)
    /* Translators: the tooltip of the Send button when Ctrl+Enter sends */
    return _("Send (Ctrl+Enter)");
  return _("Send (Enter)");
}

static void
update_button (ChatComposer *self)
{
  GtkWidget *button = GTK_WIDGET (self->send_button);

  gtk_button_set_icon_name (self->send_button,
                            self->busy ? "media-playback-stop-symbolic" : "go-up-symbolic");
  gtk_widget_set_tooltip_text (button, button_tooltip (self));
  /* An icon button has no name of its own for a screen reader. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->busy ? _("Stop") : _("Send"), -1);
  if (self->busy)
    gtk_widget_remove_css_class (button, "suggested-action");
  else
    gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_sensitive (button, self->busy || !chat_composer_is_empty (self));
}

static void
on_send_clicked (ChatComposer *self)
{
  g_signal_emit (self, signals[self->busy ? STOP : SEND], 0);
}

static void
on_preedit_changed (ChatComposer *self,
                    const char   *preedit)
{
  self->composing = preedit != NULL && *preedit != '\0';
}

/* Whether Enter with @state sends.  Shift+Enter never does; Ctrl+Enter
 * always does, so a habit from the other setting still works. */
static gboolean
enter_sends (ChatComposer    *self,
             GdkModifierType  state)
{
  if ((state & GDK_SHIFT_MASK) != 0)
    return FALSE;
  return self->send_with == CHAT_SEND_WITH_ENTER || (state & GDK_CONTROL_MASK) != 0;
}

/* An Enter that does not send goes on to the text view, a new line; so
 * does Enter that finishes an input method's composition (pinyin and the
 * like). */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ChatComposer          *self)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return GDK_EVENT_PROPAGATE;
  if (!enter_sends (self, state) || self->composing)
    return GDK_EVENT_PROPAGATE;
  if (!self->busy && !chat_composer_is_empty (self))
    g_signal_emit (self, signals[SEND], 0);
  return GDK_EVENT_STOP;
}

static void
on_buffer_changed (ChatComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), gtk_text_buffer_get_char_count (buffer) == 0);
  update_button (self);
}

/* About ten lines of the text view's font, then it scrolls. */
static void
chat_composer_realize (GtkWidget *widget)
{
  ChatComposer *self = CHAT_COMPOSER (widget);
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self->text_view));
  PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
  int line = PANGO_PIXELS (pango_font_metrics_get_height (metrics));

  pango_font_metrics_unref (metrics);
  GTK_WIDGET_CLASS (chat_composer_parent_class)->realize (widget);
  if (line > 0)
    gtk_scrolled_window_set_max_content_height (self->scroller,
                                                MAX_LINES * line
                                                + gtk_text_view_get_top_margin (self->text_view)
                                                + gtk_text_view_get_bottom_margin (self->text_view));
}

static gboolean
chat_composer_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (CHAT_COMPOSER (widget)->text_view));
}

static void
chat_composer_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_COMPOSER);
  /* The template's top child is not bound, so it is still there. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (chat_composer_parent_class)->dispose (object);
}

static void
chat_composer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ChatComposer *self = CHAT_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_SEND_WITH:
      g_value_set_enum (value, self->send_with);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_composer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ChatComposer *self = CHAT_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      chat_composer_set_busy (self, g_value_get_boolean (value));
      break;
    case PROP_SEND_WITH:
      chat_composer_set_send_with (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_composer_class_init (ChatComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_composer_dispose;
  object_class->get_property = chat_composer_get_property;
  object_class->set_property = chat_composer_set_property;
  widget_class->realize = chat_composer_realize;
  widget_class->grab_focus = chat_composer_grab_focus;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SEND_WITH] =
    g_param_spec_enum ("send-with", NULL, NULL, CHAT_TYPE_SEND_WITH, CHAT_SEND_WITH_ENTER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[STOP] = g_signal_new ("stop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/transcript/chat-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatComposer, placeholder);
  gtk_widget_class_bind_template_child (widget_class, ChatComposer, scroller);
  gtk_widget_class_bind_template_child (widget_class, ChatComposer, send_button);
  gtk_widget_class_bind_template_child (widget_class, ChatComposer, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_preedit_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "composer");
}

static void
chat_composer_init (ChatComposer *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (on_buffer_changed), self, G_CONNECT_SWAPPED);
  update_button (self);
}

GtkWidget *
chat_composer_new (void)
{
  return g_object_new (CHAT_TYPE_COMPOSER, NULL);
}

char *
chat_composer_dup_text (ChatComposer *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (CHAT_IS_COMPOSER (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
chat_composer_set_text (ChatComposer *self,
                        const char   *text)
{
  g_return_if_fail (CHAT_IS_COMPOSER (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text != NULL ? text : "", -1);
}

gboolean
chat_composer_is_empty (ChatComposer *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (CHAT_IS_COMPOSER (self), TRUE);

  text = chat_composer_dup_text (self);
  return *g_strstrip (text) == '\0';
}

gboolean
chat_composer_get_busy (ChatComposer *self)
{
  g_return_val_if_fail (CHAT_IS_COMPOSER (self), FALSE);

  return self->busy;
}

void
chat_composer_set_busy (ChatComposer *self,
                        gboolean      busy)
{
  g_return_if_fail (CHAT_IS_COMPOSER (self));

  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  update_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

ChatSendWith
chat_composer_get_send_with (ChatComposer *self)
{
  g_return_val_if_fail (CHAT_IS_COMPOSER (self), CHAT_SEND_WITH_ENTER);

  return self->send_with;
}

void
chat_composer_set_send_with (ChatComposer *self,
                             ChatSendWith  send_with)
{
  g_return_if_fail (CHAT_IS_COMPOSER (self));
  g_return_if_fail (send_with == CHAT_SEND_WITH_ENTER || send_with == CHAT_SEND_WITH_CTRL_ENTER);

  if (self->send_with == send_with)
    return;
  self->send_with = send_with;
  update_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_WITH]);
}
