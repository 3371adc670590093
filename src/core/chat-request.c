/* chat-request.c: a chat-completions request body (JsonBuilder) */

#include "chat-request.h"

#include <math.h>
#include <json-glib/json-glib.h>

typedef struct {
  char *role;
  char *content;
} Message;

struct _ChatRequest {
  char         *model;
  GArray       *messages;      /* of Message */
  gboolean      stream;
  gboolean      has_temperature;
  double        temperature;
  gboolean      has_top_p;
  double        top_p;
  gint64        max_tokens;    /* 0: unset */
  ChatThinking  thinking;
};

static void
message_clear (gpointer data)
{
  Message *message = data;

  g_free (message->role);
  g_free (message->content);
}

ChatRequest *
chat_request_new (const char *model)
{
  ChatRequest *self;

  g_return_val_if_fail (model != NULL, NULL);

  self = g_atomic_rc_box_new0 (ChatRequest);
  self->model = g_strdup (model);
  self->messages = g_array_new (FALSE, FALSE, sizeof (Message));
  g_array_set_clear_func (self->messages, message_clear);

  return self;
}

ChatRequest *
chat_request_ref (ChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
chat_request_clear (gpointer data)
{
  ChatRequest *self = data;

  g_free (self->model);
  g_array_unref (self->messages);
}

void
chat_request_unref (ChatRequest *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, chat_request_clear);
}

const char *
chat_request_get_model (ChatRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->model;
}

void
chat_request_set_model (ChatRequest *self,
                        const char  *model)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (model != NULL);

  if (g_strcmp0 (self->model, model) == 0)
    return;

  g_free (self->model);
  self->model = g_strdup (model);
}

void
chat_request_add_message (ChatRequest *self,
                          const char  *role,
                          const char  *content)
{
  Message message;

  g_return_if_fail (self != NULL);
  g_return_if_fail (role != NULL);
  g_return_if_fail (content != NULL);
  /* JsonGenerator would copy invalid bytes into the body as they are. */
  g_return_if_fail (g_utf8_validate (content, -1, NULL));

  message.role = g_strdup (role);
  message.content = g_strdup (content);
  g_array_append_val (self->messages, message);
}

guint
chat_request_get_n_messages (ChatRequest *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->messages->len;
}

void
chat_request_set_stream (ChatRequest *self,
                         gboolean     stream)
{
  g_return_if_fail (self != NULL);

  self->stream = !!stream;
}

gboolean
chat_request_get_stream (ChatRequest *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->stream;
}

/* Clamped to the documented range: the server answers 1214 outside it. */
void
chat_request_set_temperature (ChatRequest *self,
                              double       temperature)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!isnan (temperature));

  self->temperature = CLAMP (temperature, 0.0, 1.0);
  self->has_temperature = TRUE;
}

void
chat_request_set_top_p (ChatRequest *self,
                        double       top_p)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!isnan (top_p));

  self->top_p = CLAMP (top_p, 0.01, 1.0);
  self->has_top_p = TRUE;
}

void
chat_request_set_max_tokens (ChatRequest *self,
                             gint64       max_tokens)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_tokens >= 1);

  self->max_tokens = max_tokens;
}

void
chat_request_set_thinking (ChatRequest  *self,
                           ChatThinking  thinking)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (thinking <= CHAT_THINKING_DISABLED);

  self->thinking = thinking;
}

static void
add_messages (ChatRequest *self,
              JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->messages->len; i++)
    {
      const Message *message = &g_array_index (self->messages, Message, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, message->role);
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, message->content);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* Unset fields are left out so that the model's own defaults apply. */
static void
add_options (ChatRequest *self,
             JsonBuilder *builder)
{
  if (self->max_tokens > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, self->max_tokens);
    }
  if (self->thinking != CHAT_THINKING_DEFAULT)
    {
      gboolean enabled = self->thinking == CHAT_THINKING_ENABLED;

      json_builder_set_member_name (builder, "thinking");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, enabled ? "enabled" : "disabled");
      json_builder_end_object (builder);
    }
}

/* json-glib writes doubles with 17 digits (0.7 as 0.69999999999999996) while the API
 * takes at most two decimals, so these members are appended as text. */
static void
append_decimal_member (GString    *json,
                       const char *name,
                       double      value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (number, sizeof number, "%.2f", round (value * 100.0) / 100.0);
  g_string_append_printf (json, ",\"%s\":%s", name, number);
}

GBytes *
chat_request_to_bytes (ChatRequest *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GString *json;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, self->model);
  add_messages (self, builder);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, self->stream);
  add_options (self, builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_gstring (generator, g_string_new (NULL));
  g_string_truncate (json, json->len - 1);   /* the closing brace */
  if (self->has_temperature)
    append_decimal_member (json, "temperature", self->temperature);
  if (self->has_top_p)
    append_decimal_member (json, "top_p", self->top_p);
  g_string_append_c (json, '}');

  return g_string_free_to_bytes (json);
}
