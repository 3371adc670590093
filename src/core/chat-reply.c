/* chat-reply.c: a reply as it arrives */
#include "config.h"

#include "chat-reply.h"

struct _ChatReply {
  GObject    parent_instance;

  GString   *content;
  GString   *reasoning;
  GPtrArray *tool_calls;
  char      *finish_reason;
  char      *model;
  ChatUsage  usage;
  gboolean   has_usage;
  guint      n_deltas;
  guint      n_skipped_events;
  gint64     started_at;
  gint64     first_token_at;
  gint64     finished_at;
};

G_DEFINE_FINAL_TYPE (ChatReply, chat_reply, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONTENT,
  PROP_REASONING,
  PROP_FINISH_REASON,
  N_PROPS
};

enum {
  DELTA,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
chat_reply_finalize (GObject *object)
{
  ChatReply *self = CHAT_REPLY (object);

  g_string_free (self->content, TRUE);
  g_string_free (self->reasoning, TRUE);
  g_ptr_array_unref (self->tool_calls);
  g_free (self->finish_reason);
  g_free (self->model);

  G_OBJECT_CLASS (chat_reply_parent_class)->finalize (object);
}

static void
chat_reply_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ChatReply *self = CHAT_REPLY (object);

  switch (prop_id)
    {
    case PROP_CONTENT:
      g_value_set_string (value, self->content->str);
      break;
    case PROP_REASONING:
      g_value_set_string (value, self->reasoning->str);
      break;
    case PROP_FINISH_REASON:
      g_value_set_string (value, self->finish_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_reply_class_init (ChatReplyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_reply_finalize;
  object_class->get_property = chat_reply_get_property;

  properties[PROP_CONTENT] =
    g_param_spec_string ("content", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REASONING] =
    g_param_spec_string ("reasoning", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FINISH_REASON] =
    g_param_spec_string ("finish-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChatReply::delta:
   * @content_added: (nullable): text appended to the content
   * @reasoning_added: (nullable): text appended to the reasoning
   *
   * Emitted after a delta that added text has been applied.
   */
  signals[DELTA] =
    g_signal_new ("delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
chat_reply_init (ChatReply *self)
{
  self->content = g_string_new (NULL);
  self->reasoning = g_string_new (NULL);
  self->tool_calls = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_tool_call_free);
}

ChatReply *
chat_reply_new (void)
{
  return g_object_new (CHAT_TYPE_REPLY, NULL);
}

/* Returns @text when it added something, for the ::delta signal. */
static const char *
append_text (ChatReply  *self,
             GString    *text,
             const char *added,
             guint       prop_id)
{
  if (added == NULL || *added == '\0')
    return NULL;

  g_string_append (text, added);
  if (self->first_token_at == 0)
    self->first_token_at = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  return added;
}

static void
set_finish_reason (ChatReply  *self,
                   const char *finish_reason)
{
  if (g_strcmp0 (self->finish_reason, finish_reason) == 0)
    return;

  g_free (self->finish_reason);
  self->finish_reason = g_strdup (finish_reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISH_REASON]);
}

void
chat_reply_apply (ChatReply       *self,
                  const ChatDelta *delta)
{
  const char *content_added, *reasoning_added;

  g_return_if_fail (CHAT_IS_REPLY (self));
  g_return_if_fail (delta != NULL);

  self->n_deltas++;
  reasoning_added = append_text (self, self->reasoning, delta->reasoning, PROP_REASONING);
  content_added = append_text (self, self->content, delta->content, PROP_CONTENT);
  if (delta->tool_calls != NULL)
    chat_tool_calls_merge (self->tool_calls, delta->tool_calls);
  if (delta->model != NULL && g_strcmp0 (self->model, delta->model) != 0)
    {
      g_free (self->model);
      self->model = g_strdup (delta->model);
    }
  if (delta->has_usage)
    {
      self->usage = delta->usage;
      self->has_usage = TRUE;
    }
  if (delta->finish_reason != NULL)
    set_finish_reason (self, delta->finish_reason);

  if (content_added != NULL || reasoning_added != NULL)
    g_signal_emit (self, signals[DELTA], 0, content_added, reasoning_added);
}

void
chat_reply_reset (ChatReply *self)
{
  gboolean had_content, had_reasoning;

  g_return_if_fail (CHAT_IS_REPLY (self));

  had_content = self->content->len > 0;
  had_reasoning = self->reasoning->len > 0;
  g_string_truncate (self->content, 0);
  g_string_truncate (self->reasoning, 0);
  g_ptr_array_set_size (self->tool_calls, 0);
  g_clear_pointer (&self->model, g_free);
  self->usage = (ChatUsage) { 0 };
  self->has_usage = FALSE;
  self->n_deltas = 0;
  self->n_skipped_events = 0;
  self->started_at = self->first_token_at = self->finished_at = 0;

  if (had_content)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT]);
  if (had_reasoning)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASONING]);
  set_finish_reason (self, NULL);
}

const char *
chat_reply_get_content (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), NULL);

  return self->content->str;
}

gsize
chat_reply_get_content_length (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), 0);

  return self->content->len;
}

const char *
chat_reply_get_reasoning (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), NULL);

  return self->reasoning->str;
}

gsize
chat_reply_get_reasoning_length (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), 0);

  return self->reasoning->len;
}

const char *
chat_reply_get_finish_reason (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), NULL);

  return self->finish_reason;
}

const char *
chat_reply_get_model (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), NULL);

  return self->model;
}

const ChatUsage *
chat_reply_get_usage (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), NULL);

  return &self->usage;
}

gboolean
chat_reply_has_usage (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), FALSE);

  return self->has_usage;
}

GPtrArray *
chat_reply_get_tool_calls (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), NULL);

  return self->tool_calls;
}

guint
chat_reply_get_n_deltas (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), 0);

  return self->n_deltas;
}

gboolean
chat_reply_has_data (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), FALSE);

  return self->content->len > 0 || self->reasoning->len > 0 || self->tool_calls->len > 0;
}

void
chat_reply_add_skipped_event (ChatReply *self)
{
  g_return_if_fail (CHAT_IS_REPLY (self));

  self->n_skipped_events++;
}

guint
chat_reply_get_n_skipped_events (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), 0);

  return self->n_skipped_events;
}

gint64
chat_reply_get_started_at (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), 0);

  return self->started_at;
}

gint64
chat_reply_get_first_token_at (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), 0);

  return self->first_token_at;
}

gint64
chat_reply_get_finished_at (ChatReply *self)
{
  g_return_val_if_fail (CHAT_IS_REPLY (self), 0);

  return self->finished_at;
}

void
chat_reply_mark_started (ChatReply *self)
{
  g_return_if_fail (CHAT_IS_REPLY (self));

  self->started_at = g_get_monotonic_time ();
}

void
chat_reply_mark_finished (ChatReply *self)
{
  g_return_if_fail (CHAT_IS_REPLY (self));

  self->finished_at = g_get_monotonic_time ();
}
