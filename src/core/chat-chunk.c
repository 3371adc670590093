/* chat-chunk.c: one streamed JSON chunk -> a delta
 *
 * This is the hot path of a stream: one call per token.  Building a json-glib
 * tree for a chunk costs far more than reading the few members it needs, so a
 * chunk first goes through a fast decoder that walks the text once with
 * chat-chunk-scanner.  It gives up on anything unusual, and the json-glib
 * decoder (one JsonParser per thread) then has the last word: whatever the
 * fast one returns is exactly what json-glib would have made of the chunk.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "chat-chunk-private.h"
#include "chat-chunk-scanner.h"
#include "chat-error.h"

static GPrivate parser_key = G_PRIVATE_INIT (g_object_unref);

static JsonParser *
get_thread_parser (void)
{
  JsonParser *parser = g_private_get (&parser_key);

  /* A mutable parser: the immutable one spends ~10% sealing every node. */
  if (parser == NULL)
    {
      parser = json_parser_new ();
      g_private_set (&parser_key, parser);
    }
  return parser;
}

gboolean
chat_chunk_is_done (const char *data,
                    gsize       length)
{
  const gsize done_length = strlen (CHAT_CHUNK_DONE);

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  while (length > 0 && g_ascii_isspace (data[length - 1]))
    length--;
  while (length > 0 && g_ascii_isspace (*data))
    {
      data++;
      length--;
    }
  return length == done_length && memcmp (data, CHAT_CHUNK_DONE, done_length) == 0;
}

/* json-glib turns an escaped lone surrogate ("\ud800") into bytes that
 * are not UTF-8; such a string keeps its text with U+FFFD in their place. */
static char *
dup_valid_string (JsonNode *node)
{
  const char *text = json_node_get_string (node);

  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

static char *
dup_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return dup_valid_string (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gint64
get_int (JsonObject *object,
         const char *name,
         gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  GType type = node ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return fallback;
  return json_node_get_int (node);
}

/* `arguments` is a JSON string on the wire, though one spec types it as an
 * object: keep an object as its JSON text so nothing is lost. */
static char *
dup_arguments (JsonObject *function)
{
  JsonNode *node = function ? json_object_get_member (function, "arguments") : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return dup_valid_string (node);
  return json_to_string (node, FALSE);
}

static ChatToolCall *
tool_call_from_object (JsonObject *object,
                       guint       position)
{
  JsonObject *function = get_object (object, "function");
  ChatToolCall *call = g_new0 (ChatToolCall, 1);

  call->index = (int) get_int (object, "index", position);
  call->id = dup_string (object, "id");
  call->type = dup_string (object, "type");
  call->name = function ? dup_string (function, "name") : NULL;
  call->arguments = dup_arguments (function);
  return call;
}

static GPtrArray *
read_tool_calls (JsonArray *array)
{
  guint n = array ? json_array_get_length (array) : 0;
  GPtrArray *calls;

  if (n == 0)
    return NULL;

  calls = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_tool_call_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (calls, tool_call_from_object (json_node_get_object (node), i));
    }
  if (calls->len == 0)
    g_clear_pointer (&calls, g_ptr_array_unref);
  return calls;
}

/* choices[0]: its `delta` in a stream, its `message` in a whole reply. */
static void
read_choice (ChatDelta  *delta,
             JsonObject *root,
             const char *member)
{
  JsonArray *choices = get_array (root, "choices");
  JsonNode *first;
  JsonObject *choice, *message;

  if (choices == NULL || json_array_get_length (choices) == 0)
    return;
  first = json_array_get_element (choices, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return;

  choice = json_node_get_object (first);
  delta->finish_reason = dup_string (choice, "finish_reason");
  message = get_object (choice, member);
  if (message == NULL)
    return;

  delta->content = dup_string (message, "content");
  delta->reasoning = dup_string (message, "reasoning_content");
  delta->tool_calls = read_tool_calls (get_array (message, "tool_calls"));
}

static void
read_usage (ChatDelta  *delta,
            JsonObject *root)
{
  JsonObject *usage = get_object (root, "usage");

  if (usage == NULL)
    return;
  delta->has_usage = TRUE;
  delta->usage.prompt_tokens = get_int (usage, "prompt_tokens", 0);
  delta->usage.completion_tokens = get_int (usage, "completion_tokens", 0);
  delta->usage.total_tokens = get_int (usage, "total_tokens", 0);
  delta->usage.cached_tokens =
    get_int (get_object (usage, "prompt_tokens_details"), "cached_tokens", 0);
  delta->usage.reasoning_tokens =
    get_int (get_object (usage, "completion_tokens_details"), "reasoning_tokens", 0);
}

static ChatDelta *
delta_from_object (JsonObject  *root,
                   const char  *member,
                   GError     **error)
{
  JsonNode *error_node = json_object_get_member (root, "error");
  ChatDelta *delta;

  /* Servers may put an error inside an HTTP 200 stream (glm-api.md §3.6). */
  if (error_node != NULL && !JSON_NODE_HOLDS_NULL (error_node))
    {
      g_propagate_error (error, chat_error_new_from_json (200, error_node));
      return NULL;
    }

  delta = g_new0 (ChatDelta, 1);
  delta->model = dup_string (root, "model");
  delta->id = dup_string (root, "id");
  read_choice (delta, root, member);
  read_usage (delta, root);
  return delta;
}

/* json-glib checks UTF-8 itself before parsing, so a chunk is validated a
 * second time only when it failed: then a broken byte becomes U+FFFD and the
 * text around it is kept instead of losing the whole token. */
static gboolean
load (JsonParser  *parser,
      const char  *data,
      gsize        length,
      GError     **error)
{
  g_autofree char *repaired = NULL;

  if (json_parser_load_from_data (parser, data, length, error))
    return TRUE;
  if (g_utf8_validate_len (data, length, NULL))
    return FALSE;

  g_clear_error (error);
  repaired = g_utf8_make_valid (data, length);
  return json_parser_load_from_data (parser, repaired, strlen (repaired), error);
}

ChatDelta *
chat_chunk_parse_slow (const char  *data,
                       gsize        length,
                       const char  *member,
                       GError     **error)
{
  JsonParser *parser = get_thread_parser ();
  g_autoptr(GError) json_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!load (parser, data, length, &json_error))
    {
      g_propagate_error (error, chat_error_new (CHAT_ERROR_PROTOCOL, 0, NULL,
                                                json_error->message));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, chat_error_new (CHAT_ERROR_PROTOCOL, 0, NULL,
                                                "the chunk is not a JSON object"));
      return NULL;
    }
  return delta_from_object (json_node_get_object (root), member, error);
}

/* The fast decoder.  Each object is read by a MemberFunc that gets the
 * position of the member's name in the object's list of wanted names. */

typedef struct {
  ChatScanner  scanner;
  const char  *choice_keys[3];
} Decoder;

typedef gboolean (*MemberFunc) (Decoder  *decoder,
                                guint     key,
                                gpointer  target);

enum { ROOT_ID, ROOT_MODEL, ROOT_CHOICES, ROOT_USAGE, ROOT_ERROR };
static const char * const root_keys[] = { "id", "model", "choices", "usage", "error", NULL };
enum { CHOICE_FINISH_REASON, CHOICE_MESSAGE };
enum { MESSAGE_CONTENT, MESSAGE_REASONING, MESSAGE_TOOL_CALLS };
static const char * const message_keys[] = { "content", "reasoning_content", "tool_calls", NULL };
enum { CALL_INDEX, CALL_ID, CALL_TYPE, CALL_FUNCTION };
static const char * const call_keys[] = { "index", "id", "type", "function", NULL };
enum { FUNCTION_NAME, FUNCTION_ARGUMENTS };
static const char * const function_keys[] = { "name", "arguments", NULL };
enum { USAGE_PROMPT, USAGE_COMPLETION, USAGE_TOTAL, USAGE_PROMPT_DETAILS, USAGE_COMPLETION_DETAILS };
static const char * const usage_keys[] = {
  "prompt_tokens", "completion_tokens", "total_tokens",
  "prompt_tokens_details", "completion_tokens_details", NULL
};
static const char * const cached_keys[] = { "cached_tokens", NULL };
static const char * const reasoning_keys[] = { "reasoning_tokens", NULL };

static int
find_key (const char * const *keys,
          const char         *name,
          gsize               length)
{
  for (int i = 0; keys[i] != NULL; i++)
    if (strncmp (keys[i], name, length) == 0 && keys[i][length] == '\0')
      return i;
  return -1;
}

static gboolean
read_object (Decoder            *decoder,
             const char * const *keys,
             MemberFunc          func,
             gpointer            target)
{
  ChatScanner *scanner = &decoder->scanner;
  guint seen = 0;
  ChatScanStep step;
  const char *name;
  gsize length;

  if (!chat_scanner_begin_object (scanner))
    return FALSE;
  while ((step = chat_scanner_next_member (scanner, &name, &length)) == CHAT_SCAN_ITEM)
    {
      int key = find_key (keys, name, length);

      if (key < 0)
        {
          if (!chat_scanner_skip_value (scanner))
            return FALSE;
          continue;
        }
      /* json-glib keeps the last of duplicate members: rather than undo
       * what the first one set, leave such a chunk to it. */
      if (seen & (1u << key))
        return FALSE;
      seen |= 1u << key;
      if (!func (decoder, key, target))
        return FALSE;
    }
  return step == CHAT_SCAN_END;
}

/* Like get_object(): a value of another type counts as absent. */
static gboolean
read_object_or_skip (Decoder            *decoder,
                     const char * const *keys,
                     MemberFunc          func,
                     gpointer            target)
{
  if (chat_scanner_peek (&decoder->scanner) != CHAT_SCAN_OBJECT)
    return chat_scanner_skip_value (&decoder->scanner);
  return read_object (decoder, keys, func, target);
}

/* Like dup_string(): a value of another type leaves @value NULL. */
static gboolean
read_string_member (ChatScanner  *scanner,
                    char        **value)
{
  if (chat_scanner_peek (scanner) != CHAT_SCAN_STRING)
    return chat_scanner_skip_value (scanner);
  *value = chat_scanner_read_string (scanner);
  return *value != NULL;
}

/* Like get_int(): a value of another type leaves @value as it is.  A number
 * with a fraction or an exponent gives up: json-glib rounds it its own way. */
static gboolean
read_int_member (ChatScanner *scanner,
                 gint64      *value)
{
  if (chat_scanner_peek (scanner) != CHAT_SCAN_NUMBER)
    return chat_scanner_skip_value (scanner);
  return chat_scanner_read_int (scanner, value);
}

/* dup_arguments() keeps a non-string as JSON text: rare enough to leave to json-glib. */
static gboolean
read_arguments (ChatScanner  *scanner,
                char        **arguments)
{
  switch (chat_scanner_peek (scanner))
    {
    case CHAT_SCAN_STRING:
      return read_string_member (scanner, arguments);
    case CHAT_SCAN_NULL:
      return chat_scanner_skip_value (scanner);
    default:
      return FALSE;
    }
}

static gboolean
function_member (Decoder  *decoder,
                 guint     key,
                 gpointer  target)
{
  ChatToolCall *call = target;

  if (key == FUNCTION_NAME)
    return read_string_member (&decoder->scanner, &call->name);
  return read_arguments (&decoder->scanner, &call->arguments);
}

static gboolean
call_member (Decoder  *decoder,
             guint     key,
             gpointer  target)
{
  ChatToolCall *call = target;
  gint64 index = call->index;

  switch (key)
    {
    case CALL_INDEX:
      if (!read_int_member (&decoder->scanner, &index))
        return FALSE;
      call->index = (int) index;
      return TRUE;
    case CALL_ID:
      return read_string_member (&decoder->scanner, &call->id);
    case CALL_TYPE:
      return read_string_member (&decoder->scanner, &call->type);
    default:
      return read_object_or_skip (decoder, function_keys, function_member, call);
    }
}

/* As in read_tool_calls(), an element that is not an object still takes a position. */
static gboolean
scan_tool_call (Decoder    *decoder,
                guint       position,
                GPtrArray **calls)
{
  ChatToolCall *call;

  if (chat_scanner_peek (&decoder->scanner) != CHAT_SCAN_OBJECT)
    return chat_scanner_skip_value (&decoder->scanner);

  call = g_new0 (ChatToolCall, 1);
  call->index = (int) position;
  if (*calls == NULL)
    *calls = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_tool_call_free);
  /* In the delta already, so that giving up frees it with the delta. */
  g_ptr_array_add (*calls, call);
  return read_object (decoder, call_keys, call_member, call);
}

static gboolean
scan_tool_calls (Decoder    *decoder,
                 GPtrArray **calls)
{
  ChatScanner *scanner = &decoder->scanner;
  ChatScanStep step;

  if (chat_scanner_peek (scanner) != CHAT_SCAN_ARRAY)
    return chat_scanner_skip_value (scanner);
  if (!chat_scanner_begin_array (scanner))
    return FALSE;
  for (guint i = 0; (step = chat_scanner_next_element (scanner)) == CHAT_SCAN_ITEM; i++)
    if (!scan_tool_call (decoder, i, calls))
      return FALSE;
  return step == CHAT_SCAN_END;
}

static gboolean
message_member (Decoder  *decoder,
                guint     key,
                gpointer  target)
{
  ChatDelta *delta = target;

  switch (key)
    {
    case MESSAGE_CONTENT:
      return read_string_member (&decoder->scanner, &delta->content);
    case MESSAGE_REASONING:
      return read_string_member (&decoder->scanner, &delta->reasoning);
    default:
      return scan_tool_calls (decoder, &delta->tool_calls);
    }
}

static gboolean
choice_member (Decoder  *decoder,
               guint     key,
               gpointer  target)
{
  ChatDelta *delta = target;

  if (key == CHOICE_FINISH_REASON)
    return read_string_member (&decoder->scanner, &delta->finish_reason);
  return read_object_or_skip (decoder, message_keys, message_member, delta);
}

/* Only choices[0] counts; the other elements are only checked. */
static gboolean
scan_choices (Decoder   *decoder,
              ChatDelta *delta)
{
  ChatScanner *scanner = &decoder->scanner;
  ChatScanStep step;

  if (chat_scanner_peek (scanner) != CHAT_SCAN_ARRAY)
    return chat_scanner_skip_value (scanner);
  if (!chat_scanner_begin_array (scanner))
    return FALSE;
  for (guint i = 0; (step = chat_scanner_next_element (scanner)) == CHAT_SCAN_ITEM; i++)
    {
      gboolean ok = i == 0
                    ? read_object_or_skip (decoder, decoder->choice_keys, choice_member, delta)
                    : chat_scanner_skip_value (scanner);

      if (!ok)
        return FALSE;
    }
  return step == CHAT_SCAN_END;
}

static gboolean
details_member (Decoder  *decoder,
                guint     key,
                gpointer  target)
{
  return read_int_member (&decoder->scanner, target);
}

static gboolean
usage_member (Decoder  *decoder,
              guint     key,
              gpointer  target)
{
  ChatUsage *usage = target;

  switch (key)
    {
    case USAGE_PROMPT:
      return read_int_member (&decoder->scanner, &usage->prompt_tokens);
    case USAGE_COMPLETION:
      return read_int_member (&decoder->scanner, &usage->completion_tokens);
    case USAGE_TOTAL:
      return read_int_member (&decoder->scanner, &usage->total_tokens);
    case USAGE_PROMPT_DETAILS:
      return read_object_or_skip (decoder, cached_keys, details_member, &usage->cached_tokens);
    default:
      return read_object_or_skip (decoder, reasoning_keys, details_member, &usage->reasoning_tokens);
    }
}

static gboolean
scan_usage (Decoder   *decoder,
            ChatDelta *delta)
{
  if (chat_scanner_peek (&decoder->scanner) != CHAT_SCAN_OBJECT)
    return chat_scanner_skip_value (&decoder->scanner);
  delta->has_usage = TRUE;
  return read_object (decoder, usage_keys, usage_member, &delta->usage);
}

static gboolean
root_member (Decoder  *decoder,
             guint     key,
             gpointer  target)
{
  ChatDelta *delta = target;

  switch (key)
    {
    case ROOT_ID:
      return read_string_member (&decoder->scanner, &delta->id);
    case ROOT_MODEL:
      return read_string_member (&decoder->scanner, &delta->model);
    case ROOT_CHOICES:
      return scan_choices (decoder, delta);
    case ROOT_USAGE:
      return scan_usage (decoder, delta);
    default:
      /* Only json-glib builds the error: go on when there is none. */
      return chat_scanner_peek (&decoder->scanner) == CHAT_SCAN_NULL
             && chat_scanner_skip_value (&decoder->scanner);
    }
}

ChatDelta *
chat_chunk_parse_fast (const char *data,
                       gsize       length,
                       const char *member)
{
  Decoder decoder = { .choice_keys = { "finish_reason", member, NULL } };
  g_autoptr(ChatDelta) delta = g_new0 (ChatDelta, 1);

  chat_scanner_init (&decoder.scanner, data, length);
  if (!read_object (&decoder, root_keys, root_member, delta)
      || !chat_scanner_end (&decoder.scanner))
    return NULL;
  return g_steal_pointer (&delta);
}

static ChatDelta *
parse (const char  *data,
       gsize        length,
       const char  *member,
       GError     **error)
{
  ChatDelta *delta;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  delta = chat_chunk_parse_fast (data, length, member);
  if (delta != NULL)
    return delta;
  return chat_chunk_parse_slow (data, length, member, error);
}

ChatDelta *
chat_chunk_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  return parse (data, length, "delta", error);
}

ChatDelta *
chat_chunk_parse_completion (const char  *data,
                             gsize        length,
                             GError     **error)
{
  return parse (data, length, "message", error);
}

void
chat_delta_free (ChatDelta *delta)
{
  if (delta == NULL)
    return;
  g_free (delta->content);
  g_free (delta->reasoning);
  g_clear_pointer (&delta->tool_calls, g_ptr_array_unref);
  g_free (delta->finish_reason);
  g_free (delta->model);
  g_free (delta->id);
  g_free (delta);
}

ChatToolCall *
chat_tool_call_copy (const ChatToolCall *call)
{
  ChatToolCall *copy;

  g_return_val_if_fail (call != NULL, NULL);

  copy = g_new0 (ChatToolCall, 1);
  copy->index = call->index;
  copy->id = g_strdup (call->id);
  copy->type = g_strdup (call->type);
  copy->name = g_strdup (call->name);
  copy->arguments = g_strdup (call->arguments);
  return copy;
}

void
chat_tool_call_free (ChatToolCall *call)
{
  if (call == NULL)
    return;
  g_free (call->id);
  g_free (call->type);
  g_free (call->name);
  g_free (call->arguments);
  g_free (call);
}

static ChatToolCall *
find_call (GPtrArray *calls,
           int        index)
{
  for (guint i = 0; i < calls->len; i++)
    {
      ChatToolCall *call = g_ptr_array_index (calls, i);

      if (call->index == index)
        return call;
    }
  return NULL;
}

static void
append_arguments (ChatToolCall *call,
                  const char   *arguments)
{
  gsize old_length, added;

  if (arguments == NULL || *arguments == '\0')
    return;
  if (call->arguments == NULL)
    {
      call->arguments = g_strdup (arguments);
      return;
    }

  /* realloc usually grows in place: no copy of the whole per fragment. */
  old_length = strlen (call->arguments);
  added = strlen (arguments);
  call->arguments = g_realloc (call->arguments, old_length + added + 1);
  memcpy (call->arguments + old_length, arguments, added + 1);
}

static void
merge_one (GPtrArray          *calls,
           const ChatToolCall *fragment)
{
  ChatToolCall *call = find_call (calls, fragment->index);

  if (call == NULL)
    {
      g_ptr_array_add (calls, chat_tool_call_copy (fragment));
      return;
    }
  if (call->id == NULL)
    call->id = g_strdup (fragment->id);
  if (call->type == NULL)
    call->type = g_strdup (fragment->type);
  if (call->name == NULL)
    call->name = g_strdup (fragment->name);
  append_arguments (call, fragment->arguments);
}

void
chat_tool_calls_merge (GPtrArray       *calls,
                       const GPtrArray *fragments)
{
  g_return_if_fail (calls != NULL);

  if (fragments == NULL)
    return;
  for (guint i = 0; i < fragments->len; i++)
    merge_one (calls, g_ptr_array_index ((GPtrArray *) fragments, i));
}
