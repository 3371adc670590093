/* chat-message.c: one message of a conversation */

#include "chat-message.h"

struct _ChatMessage
{
  GObject           parent_instance;

  gint64            id;
  gint64            conversation_id;
  gint64            parent_id;
  char             *role;
  char             *content;
  char             *reasoning;
  char             *model;
  ChatMessageState  state;
  char             *finish_reason;
  char             *error_code;
  char             *error_message;
  gint64            created;
  gint64            finished;
  ChatUsage         usage;
  gint64            first_token_ms;
  gint64            duration_ms;
};

G_DEFINE_FINAL_TYPE (ChatMessage, chat_message, G_TYPE_OBJECT)

/* The nicks are what the store and the JSON export write. */
G_DEFINE_ENUM_TYPE (ChatMessageState, chat_message_state,
  G_DEFINE_ENUM_VALUE (CHAT_MESSAGE_STATE_COMPLETE, "complete"),
  G_DEFINE_ENUM_VALUE (CHAT_MESSAGE_STATE_STREAMING, "streaming"),
  G_DEFINE_ENUM_VALUE (CHAT_MESSAGE_STATE_INTERRUPTED, "interrupted"),
  G_DEFINE_ENUM_VALUE (CHAT_MESSAGE_STATE_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (CHAT_MESSAGE_STATE_CANCELLED, "cancelled"))

enum {
  PROP_0,
  PROP_ID,
  PROP_CONVERSATION_ID,
  PROP_PARENT_ID,
  PROP_ROLE,
  PROP_CONTENT,
  PROP_REASONING,
  PROP_MODEL,
  PROP_STATE,
  PROP_FINISH_REASON,
  PROP_ERROR_CODE,
  PROP_ERROR_MESSAGE,
  PROP_CREATED,
  PROP_FINISHED,
  PROP_USAGE,
  PROP_FIRST_TOKEN_MS,
  PROP_DURATION_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
chat_message_state_to_string (ChatMessageState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CHAT_TYPE_MESSAGE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_return_val_if_fail (value != NULL, NULL);

  return value->value_nick;
}

gboolean
chat_message_state_from_string (const char       *text,
                                ChatMessageState *state)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *value;

  g_return_val_if_fail (state != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  klass = g_type_class_ref (CHAT_TYPE_MESSAGE_STATE);
  value = g_enum_get_value_by_nick (klass, text);
  if (value == NULL)
    return FALSE;

  *state = value->value;
  return TRUE;
}

/* Optional strings are NULL rather than empty, so that a message read back
 * from the store or from an export compares equal to the one written. */
static gboolean
set_optional_string (char       **field,
                     const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
chat_message_finalize (GObject *object)
{
  ChatMessage *self = CHAT_MESSAGE (object);

  g_free (self->role);
  g_free (self->content);
  g_free (self->reasoning);
  g_free (self->model);
  g_free (self->finish_reason);
  g_free (self->error_code);
  g_free (self->error_message);

  G_OBJECT_CLASS (chat_message_parent_class)->finalize (object);
}

static void
chat_message_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChatMessage *self = CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_CONVERSATION_ID:
      g_value_set_int64 (value, self->conversation_id);
      break;
    case PROP_PARENT_ID:
      g_value_set_int64 (value, self->parent_id);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_CONTENT:
      g_value_set_string (value, self->content);
      break;
    case PROP_REASONING:
      g_value_set_string (value, self->reasoning);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_FINISH_REASON:
      g_value_set_string (value, self->finish_reason);
      break;
    case PROP_ERROR_CODE:
      g_value_set_string (value, self->error_code);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;
    case PROP_FINISHED:
      g_value_set_int64 (value, self->finished);
      break;
    case PROP_USAGE:
      g_value_set_pointer (value, &self->usage);
      break;
    case PROP_FIRST_TOKEN_MS:
      g_value_set_int64 (value, self->first_token_ms);
      break;
    case PROP_DURATION_MS:
      g_value_set_int64 (value, self->duration_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_message_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ChatMessage *self = CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      chat_message_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_CONVERSATION_ID:
      chat_message_set_conversation_id (self, g_value_get_int64 (value));
      break;
    case PROP_PARENT_ID:
      chat_message_set_parent_id (self, g_value_get_int64 (value));
      break;
    case PROP_ROLE:
      self->role = g_value_dup_string (value);
      break;
    case PROP_CONTENT:
      chat_message_set_content (self, g_value_get_string (value));
      break;
    case PROP_REASONING:
      chat_message_set_reasoning (self, g_value_get_string (value));
      break;
    case PROP_MODEL:
      chat_message_set_model (self, g_value_get_string (value));
      break;
    case PROP_STATE:
      chat_message_set_state (self, g_value_get_enum (value));
      break;
    case PROP_FINISH_REASON:
      chat_message_set_finish_reason (self, g_value_get_string (value));
      break;
    case PROP_CREATED:
      chat_message_set_created (self, g_value_get_int64 (value));
      break;
    case PROP_FINISHED:
      chat_message_set_finished (self, g_value_get_int64 (value));
      break;
    case PROP_FIRST_TOKEN_MS:
      chat_message_set_first_token_ms (self, g_value_get_int64 (value));
      break;
    case PROP_DURATION_MS:
      chat_message_set_duration_ms (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
int64_property (const char *name,
                gint64      minimum,
                gint64      default_value)
{
  return g_param_spec_int64 (name, NULL, NULL, minimum, G_MAXINT64, default_value,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                             G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_property (const char  *name,
                 GParamFlags  access)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              access | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
chat_message_class_init (ChatMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_message_finalize;
  object_class->get_property = chat_message_get_property;
  object_class->set_property = chat_message_set_property;

  properties[PROP_ID] = int64_property ("id", 0, 0);
  properties[PROP_CONVERSATION_ID] = int64_property ("conversation-id", 0, 0);
  properties[PROP_PARENT_ID] = int64_property ("parent-id", 0, 0);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, "user",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTENT] = string_property ("content", G_PARAM_READWRITE);
  properties[PROP_REASONING] = string_property ("reasoning", G_PARAM_READWRITE);
  properties[PROP_MODEL] = string_property ("model", G_PARAM_READWRITE);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       CHAT_TYPE_MESSAGE_STATE, CHAT_MESSAGE_STATE_COMPLETE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FINISH_REASON] = string_property ("finish-reason", G_PARAM_READWRITE);
  properties[PROP_ERROR_CODE] = string_property ("error-code", G_PARAM_READABLE);
  properties[PROP_ERROR_MESSAGE] = string_property ("error-message", G_PARAM_READABLE);
  properties[PROP_CREATED] = int64_property ("created", 0, 0);
  properties[PROP_FINISHED] = int64_property ("finished", 0, 0);
  /* A const ChatUsage *: not a boxed type, so read-only; notified on change. */
  properties[PROP_USAGE] =
    g_param_spec_pointer ("usage", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_TOKEN_MS] = int64_property ("first-token-ms", -1, -1);
  properties[PROP_DURATION_MS] = int64_property ("duration-ms", -1, -1);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chat_message_init (ChatMessage *self)
{
  self->content = g_strdup ("");
  self->first_token_ms = -1;
  self->duration_ms = -1;
}

/* created is now; the store keeps whatever it is when the message is added. */
ChatMessage *
chat_message_new (const char *role,
                  const char *content)
{
  g_return_val_if_fail (role != NULL, NULL);

  return g_object_new (CHAT_TYPE_MESSAGE,
                       "role", role,
                       "content", content,
                       "created", g_get_real_time (),
                       NULL);
}

static void
set_int64 (ChatMessage *self,
           gint64      *field,
           gint64       value,
           guint        prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_string (ChatMessage *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (set_optional_string (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

gint64
chat_message_get_id (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), 0);

  return self->id;
}

void
chat_message_set_id (ChatMessage *self,
                     gint64       id)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_int64 (self, &self->id, id, PROP_ID);
}

gint64
chat_message_get_conversation_id (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), 0);

  return self->conversation_id;
}

void
chat_message_set_conversation_id (ChatMessage *self,
                                  gint64       conversation_id)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_int64 (self, &self->conversation_id, conversation_id, PROP_CONVERSATION_ID);
}

gint64
chat_message_get_parent_id (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), 0);

  return self->parent_id;
}

void
chat_message_set_parent_id (ChatMessage *self,
                            gint64       parent_id)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_int64 (self, &self->parent_id, parent_id, PROP_PARENT_ID);
}

const char *
chat_message_get_role (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return self->role;
}

const char *
chat_message_get_content (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return self->content;
}

/* Content is never NULL: an absent text is the empty string. */
void
chat_message_set_content (ChatMessage *self,
                          const char  *content)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  if (content == NULL)
    content = "";
  if (g_str_equal (self->content, content))
    return;

  g_free (self->content);
  self->content = g_strdup (content);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT]);
}

const char *
chat_message_get_reasoning (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return self->reasoning;
}

void
chat_message_set_reasoning (ChatMessage *self,
                            const char  *reasoning)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_string (self, &self->reasoning, reasoning, PROP_REASONING);
}

const char *
chat_message_get_model (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return self->model;
}

void
chat_message_set_model (ChatMessage *self,
                        const char  *model)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_string (self, &self->model, model, PROP_MODEL);
}

ChatMessageState
chat_message_get_state (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), CHAT_MESSAGE_STATE_COMPLETE);

  return self->state;
}

void
chat_message_set_state (ChatMessage      *self,
                        ChatMessageState  state)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));
  g_return_if_fail (state <= CHAT_MESSAGE_STATE_CANCELLED);

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
chat_message_get_finish_reason (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return self->finish_reason;
}

void
chat_message_set_finish_reason (ChatMessage *self,
                                const char  *finish_reason)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_string (self, &self->finish_reason, finish_reason, PROP_FINISH_REASON);
}

const char *
chat_message_get_error_code (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return self->error_code;
}

const char *
chat_message_get_error_message (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return self->error_message;
}

void
chat_message_set_error (ChatMessage *self,
                        const char  *code,
                        const char  *message)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->error_code, code, PROP_ERROR_CODE);
  set_string (self, &self->error_message, message, PROP_ERROR_MESSAGE);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
chat_message_get_created (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), 0);

  return self->created;
}

void
chat_message_set_created (ChatMessage *self,
                          gint64       created)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_int64 (self, &self->created, created, PROP_CREATED);
}

gint64
chat_message_get_finished (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), 0);

  return self->finished;
}

void
chat_message_set_finished (ChatMessage *self,
                           gint64       finished)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_int64 (self, &self->finished, finished, PROP_FINISHED);
}

const ChatUsage *
chat_message_get_usage (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), NULL);

  return &self->usage;
}

static gboolean
usage_equal (const ChatUsage *a,
             const ChatUsage *b)
{
  return a->prompt_tokens == b->prompt_tokens &&
         a->completion_tokens == b->completion_tokens &&
         a->total_tokens == b->total_tokens &&
         a->cached_tokens == b->cached_tokens &&
         a->reasoning_tokens == b->reasoning_tokens;
}

/* NULL @usage clears it (all counts 0). */
void
chat_message_set_usage (ChatMessage     *self,
                        const ChatUsage *usage)
{
  static const ChatUsage none = { 0 };

  g_return_if_fail (CHAT_IS_MESSAGE (self));

  if (usage == NULL)
    usage = &none;
  if (usage_equal (&self->usage, usage))
    return;

  self->usage = *usage;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USAGE]);
}

gint64
chat_message_get_first_token_ms (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), -1);

  return self->first_token_ms;
}

void
chat_message_set_first_token_ms (ChatMessage *self,
                                 gint64       milliseconds)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_int64 (self, &self->first_token_ms, MAX (milliseconds, -1), PROP_FIRST_TOKEN_MS);
}

gint64
chat_message_get_duration_ms (ChatMessage *self)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (self), -1);

  return self->duration_ms;
}

void
chat_message_set_duration_ms (ChatMessage *self,
                              gint64       milliseconds)
{
  g_return_if_fail (CHAT_IS_MESSAGE (self));

  set_int64 (self, &self->duration_ms, MAX (milliseconds, -1), PROP_DURATION_MS);
}

gboolean
chat_message_equal (ChatMessage *a,
                    ChatMessage *b)
{
  g_return_val_if_fail (CHAT_IS_MESSAGE (a), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (b), FALSE);

  return a->id == b->id &&
         a->conversation_id == b->conversation_id &&
         a->parent_id == b->parent_id &&
         g_strcmp0 (a->role, b->role) == 0 &&
         g_strcmp0 (a->content, b->content) == 0 &&
         g_strcmp0 (a->reasoning, b->reasoning) == 0 &&
         g_strcmp0 (a->model, b->model) == 0 &&
         a->state == b->state &&
         g_strcmp0 (a->finish_reason, b->finish_reason) == 0 &&
         g_strcmp0 (a->error_code, b->error_code) == 0 &&
         g_strcmp0 (a->error_message, b->error_message) == 0 &&
         a->created == b->created &&
         a->finished == b->finished &&
         usage_equal (&a->usage, &b->usage) &&
         a->first_token_ms == b->first_token_ms &&
         a->duration_ms == b->duration_ms;
}
