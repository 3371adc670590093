/* chat-export.c: conversations to and from files */

#include "config.h"

#include "chat-export.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#define FORMAT_NAME "liao-conversation"
/* json-glib 1.6 parses recursively: deep nesting would overflow the stack.
 * Liao's own files nest four levels; parameters may add a few. */
#define MAX_DEPTH 64
#define MAX_MESSAGES 1000000
#define SLUG_MAX_CHARS 40
/* How much of a bad value an error message quotes. */
#define EXCERPT_CHARS 40

G_DEFINE_QUARK (chat-export-error-quark, chat_export_error)

static const char * const roles[] = { "system", "user", "assistant", "tool", NULL };

/* Times */

/* ISO 8601 in UTC with microseconds, so that the gint64 round-trips. */
static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = NULL;

  if (seconds == NULL)
    return NULL;
  time = g_date_time_add (seconds, usec % G_USEC_PER_SEC);
  if (time == NULL)
    return NULL;
  /* Not g_date_time_format ("%Y"): it writes the year 44 as "44", which
   * is no ISO 8601 date, and the file would not import again. */
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          g_date_time_get_year (time), g_date_time_get_month (time),
                          g_date_time_get_day_of_month (time), g_date_time_get_hour (time),
                          g_date_time_get_minute (time), g_date_time_get_second (time),
                          g_date_time_get_microsecond (time));
}

static gboolean
parse_time (const char *text,
            gint64     *usec)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, utc);

  if (time == NULL)
    return FALSE;
  *usec = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}

/* Markdown */

/* The length of the code fence (three or more ` or ~) that @line starts
 * with, else 0.  Four spaces of indent make a code block, not a fence. */
static gsize
fence_length (const char *line,
              char       *fence_char)
{
  gsize indent = strspn (line, " ");
  const char *start = line + indent;
  gsize run;

  if (indent > 3 || (*start != '`' && *start != '~'))
    return 0;
  run = strspn (start, *start == '`' ? "`" : "~");
  if (run < 3)
    return 0;
  *fence_char = *start;
  return run;
}

static gboolean
is_blank_line (const char *text)
{
  text += strspn (text, " \t\r");
  return *text == '\n' || *text == '\0';
}

static const char *
next_line (const char *line)
{
  const char *end = strchr (line, '\n');

  return end != NULL ? end + 1 : NULL;
}

/* The fence still open at the end of @text, else NULL (CommonMark rules:
 * a ``` opener has no ` in its info string; the closer is at least as long). */
static char *
dup_open_fence (const char *text)
{
  char open_char = 0;
  gsize open_length = 0;

  for (const char *line = text; line != NULL; line = next_line (line))
    {
      char c = 0;
      gsize length = fence_length (line, &c);
      const char *rest = line + strspn (line, " ") + length;

      if (length == 0)
        continue;
      if (open_length == 0 && (c == '~' || memchr (rest, '`', strcspn (rest, "\n")) == NULL))
        {
          open_char = c;
          open_length = length;
        }
      else if (open_length > 0 && c == open_char && length >= open_length && is_blank_line (rest))
        open_length = 0;
    }
  return open_length > 0 ? g_strnfill (open_length, open_char) : NULL;
}

/* Appends @text verbatim as a block of its own, closing a code fence left
 * open: a reply interrupted inside a code block would otherwise turn the
 * rest of the file into code. */
static void
append_block (GString    *out,
              const char *text)
{
  g_autofree char *fence = dup_open_fence (text);

  g_string_append (out, text);
  if (!g_str_has_suffix (text, "\n"))
    g_string_append_c (out, '\n');
  if (fence != NULL)
    g_string_append_printf (out, "%s\n", fence);
  g_string_append_c (out, '\n');
}

static char *
dup_metadata (ChatConversation *conversation)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) created =
    g_date_time_new_from_unix_local (chat_conversation_get_created (conversation) / G_USEC_PER_SEC);
  const char *profile = chat_conversation_get_profile (conversation);
  const char *model = chat_conversation_get_model (conversation);

  if (created != NULL)
    {
      g_autofree char *date = g_date_time_format (created, "%Y-%m-%d %H:%M");

      /* Translators: %s is a date and time such as 2024-05-01 14:30 */
      g_ptr_array_add (parts, g_strdup_printf (_("Created: %s"), date));
    }
  if (profile != NULL && *profile != '\0')
    /* Translators: %s is a profile's id such as "general" or "coding" */
    g_ptr_array_add (parts, g_strdup_printf (_("Profile: %s"), profile));
  if (model != NULL && *model != '\0')
    g_ptr_array_add (parts, g_strdup_printf (_("Model: %s"), model));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
append_header (GString          *out,
               ChatConversation *conversation)
{
  const char *title = chat_conversation_get_title (conversation);
  const char *system_prompt = chat_conversation_get_system_prompt (conversation);
  g_autofree char *heading = g_strdup (title != NULL && *title != '\0'
                                       ? title : _("Untitled conversation"));
  g_autofree char *metadata = dup_metadata (conversation);

  /* A renamed title may hold line breaks; a heading cannot. */
  g_string_append_printf (out, "# %s\n\n", g_strdelimit (heading, "\r\n", ' '));
  if (*metadata != '\0')
    g_string_append_printf (out, "*%s*\n\n", metadata);
  if (system_prompt != NULL && *system_prompt != '\0')
    {
      g_string_append_printf (out, "## %s\n\n", _("System prompt"));
      append_block (out, system_prompt);
    }
}

static char *
dup_heading (ChatMessage *message)
{
  const char *role = chat_message_get_role (message);
  const char *model = chat_message_get_model (message);

  if (g_strcmp0 (role, "user") == 0)
    /* Translators: the heading of the user's messages in an exported conversation */
    return g_strdup (_("You"));
  if (g_strcmp0 (role, "system") == 0)
    return g_strdup (_("System"));
  if (g_strcmp0 (role, "tool") == 0)
    return g_strdup (_("Tool"));
  if (g_strcmp0 (role, "assistant") != 0)
    return g_strdup (role);
  if (model != NULL && *model != '\0')
    /* Translators: the heading of an answer; %s is a model name such as glm-4.7 */
    return g_strdup_printf (_("Assistant (%s)"), model);
  /* Translators: the heading of an answer whose model is not known */
  return g_strdup (_("GLM"));
}

static char *
dup_error_note (ChatMessage *message)
{
  const char *code = chat_message_get_error_code (message);
  const char *text = chat_message_get_error_message (message);
  g_autofree char *detail = g_strdup_printf ("%s %s", code != NULL ? code : "",
                                             text != NULL ? text : "");

  /* The note is one emphasized line: a line break would end the emphasis. */
  g_strstrip (g_strdelimit (detail, "\r\n", ' '));
  if (*detail == '\0')
    return g_strdup (_("Error"));
  /* Translators: a note under a failed answer; %s is the server's error code and message */
  return g_strdup_printf (_("Error: %s"), detail);
}

/* A note for an answer that did not complete, else NULL. */
static char *
dup_state_note (ChatMessage *message)
{
  switch (chat_message_get_state (message))
    {
    case CHAT_MESSAGE_STATE_COMPLETE:
      return NULL;
    case CHAT_MESSAGE_STATE_STREAMING:
      /* Translators: a note under an answer that was still arriving when exported */
      return g_strdup (_("Still being written"));
    case CHAT_MESSAGE_STATE_INTERRUPTED:
      /* Translators: a note under an answer cut off by a crash or a lost connection */
      return g_strdup (_("Interrupted"));
    case CHAT_MESSAGE_STATE_CANCELLED:
      /* Translators: a note under an answer the user stopped */
      return g_strdup (_("Stopped"));
    case CHAT_MESSAGE_STATE_ERROR:
      return dup_error_note (message);
    }
  return NULL;
}

static void
append_message (GString     *out,
                ChatMessage *message)
{
  g_autofree char *heading = dup_heading (message);
  g_autofree char *note = dup_state_note (message);
  const char *reasoning = chat_message_get_reasoning (message);
  const char *content = chat_message_get_content (message);

  g_string_append_printf (out, "## %s\n\n", heading);
  /* Blank lines inside <details> let the Markdown in the reasoning render. */
  if (reasoning != NULL && *reasoning != '\0')
    {
      g_string_append_printf (out, "<details><summary>%s</summary>\n\n", _("Reasoning"));
      append_block (out, reasoning);
      g_string_append (out, "</details>\n\n");
    }
  if (content != NULL && *content != '\0')
    append_block (out, content);
  if (note != NULL)
    g_string_append_printf (out, "*%s*\n\n", note);
}

char *
chat_export_to_markdown (ChatStore  *store,
                         gint64      conversation_id,
                         GError    **error)
{
  g_autoptr(ChatConversation) conversation = NULL;
  GString *out;
  guint n_messages;

  g_return_val_if_fail (CHAT_IS_STORE (store), NULL);

  conversation = chat_store_load_conversation (store, conversation_id, error);
  if (conversation == NULL)
    return NULL;
  out = g_string_new (NULL);
  append_header (out, conversation);
  n_messages = g_list_model_get_n_items (G_LIST_MODEL (conversation));
  for (guint i = 0; i < n_messages; i++)
    append_message (out, chat_conversation_get_message (conversation, i));
  /* Every block ends with a blank line; the file ends with one newline. */
  g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* JSON export */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value,
         gboolean     known)
{
  json_builder_set_member_name (builder, name);
  if (known)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* 0 (not yet, or unknown) is null. */
static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       usec)
{
  g_autofree char *text = usec != 0 ? format_time (usec) : NULL;

  add_string (builder, name, text);
}

/* The parameters as an object, so the file reads as JSON rather than as an
 * escaped string. */
static JsonNode *
parse_parameters (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;

  if (text == NULL)
    return json_node_new (JSON_NODE_NULL);
  if (json_parser_load_from_data (parser, text, -1, NULL))
    root = json_parser_steal_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Conversation parameters are not a JSON object; exported as null");
      return json_node_new (JSON_NODE_NULL);
    }
  return g_steal_pointer (&root);
}

static void
add_conversation (JsonBuilder      *builder,
                  ChatConversation *conversation)
{
  gint64 leaf = chat_conversation_get_current_leaf (conversation);

  json_builder_set_member_name (builder, "conversation");
  json_builder_begin_object (builder);
  add_string (builder, "title", chat_conversation_get_title (conversation));
  add_time (builder, "created", chat_conversation_get_created (conversation));
  add_time (builder, "updated", chat_conversation_get_updated (conversation));
  json_builder_set_member_name (builder, "pinned");
  json_builder_add_boolean_value (builder, chat_conversation_get_pinned (conversation));
  add_string (builder, "profile", chat_conversation_get_profile (conversation));
  add_string (builder, "model", chat_conversation_get_model (conversation));
  add_string (builder, "system_prompt", chat_conversation_get_system_prompt (conversation));
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_value (builder, parse_parameters (chat_conversation_get_parameters (conversation)));
  add_int (builder, "current_leaf", leaf, leaf != 0);
  json_builder_end_object (builder);
}

static void
add_error (JsonBuilder *builder,
           ChatMessage *message)
{
  const char *code = chat_message_get_error_code (message);
  const char *text = chat_message_get_error_message (message);

  json_builder_set_member_name (builder, "error");
  if (code == NULL && text == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  add_string (builder, "code", code);
  add_string (builder, "message", text);
  json_builder_end_object (builder);
}

static void
add_usage (JsonBuilder     *builder,
           const ChatUsage *usage)
{
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  add_int (builder, "prompt", usage->prompt_tokens, TRUE);
  add_int (builder, "completion", usage->completion_tokens, TRUE);
  add_int (builder, "reasoning", usage->reasoning_tokens, TRUE);
  add_int (builder, "cached", usage->cached_tokens, TRUE);
  add_int (builder, "total", usage->total_tokens, TRUE);
  json_builder_end_object (builder);
}

static void
add_message (JsonBuilder *builder,
             ChatMessage *message)
{
  gint64 parent_id = chat_message_get_parent_id (message);
  gint64 first_token_ms = chat_message_get_first_token_ms (message);
  gint64 duration_ms = chat_message_get_duration_ms (message);

  json_builder_begin_object (builder);
  add_int (builder, "id", chat_message_get_id (message), TRUE);
  add_int (builder, "parent_id", parent_id, parent_id != 0);
  add_string (builder, "role", chat_message_get_role (message));
  add_string (builder, "content", chat_message_get_content (message));
  add_string (builder, "reasoning", chat_message_get_reasoning (message));
  add_string (builder, "model", chat_message_get_model (message));
  add_time (builder, "created", chat_message_get_created (message));
  add_time (builder, "finished", chat_message_get_finished (message));
  add_string (builder, "finish_reason", chat_message_get_finish_reason (message));
  add_string (builder, "state", chat_message_state_to_string (chat_message_get_state (message)));
  add_error (builder, message);
  add_usage (builder, chat_message_get_usage (message));
  add_int (builder, "first_token_ms", first_token_ms, first_token_ms >= 0);
  add_int (builder, "duration_ms", duration_ms, duration_ms >= 0);
  json_builder_end_object (builder);
}

static char *
generate_pretty (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

char *
chat_export_to_json (ChatStore  *store,
                     gint64      conversation_id,
                     GError    **error)
{
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(GPtrArray) tree = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (store), NULL);

  conversation = chat_store_load_conversation (store, conversation_id, error);
  if (conversation == NULL)
    return NULL;
  tree = chat_store_load_tree (store, conversation_id, error);
  if (tree == NULL)
    return NULL;
  json_builder_begin_object (builder);
  add_string (builder, "format", FORMAT_NAME);
  add_int (builder, "version", CHAT_EXPORT_FORMAT_VERSION, TRUE);
  add_conversation (builder, conversation);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < tree->len; i++)
    add_message (builder, g_ptr_array_index (tree, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return generate_pretty (root);
}

/* Import: reading and validating */

/* What a file holds, checked, before anything is written; the store maps
 * the file's ids to its own. */
typedef struct {
  ChatConversation *conversation;  /* current_leaf is the file's id, or 0 */
  GPtrArray        *messages;      /* ChatMessage with the file's ids */
} Import;

static void
import_clear (Import *import)
{
  g_clear_object (&import->conversation);
  g_clear_pointer (&import->messages, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Import, import_clear)

/* @text cut to a length that an error message can quote. */
static char *
dup_excerpt (const char *text)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, EXCERPT_CHARS + 1) <= EXCERPT_CHARS)
    return g_strdup (text);
  start = g_utf8_substring (text, 0, EXCERPT_CHARS);
  return g_strconcat (start, "…", NULL);
}

/* A member, or NULL when it is missing or null. */
static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
holds_value (JsonNode *node,
             GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* Says which message of the file @error (when set) is about. */
static void
prefix_message_number (GError **error,
                       guint    number)
{
  g_autofree char *reason = NULL;

  if (error == NULL || *error == NULL)
    return;
  reason = g_steal_pointer (&(*error)->message);
  /* Translators: an error in an imported file: %u is the message's position in
     the file (1 for the first), %s what is wrong with it, such as “role” must be
     a string. */
  (*error)->message = g_strdup_printf (_("Message %u: %s"), number, reason);
}

/* Says that @error (when set) is about the conversation's own fields. */
static void
prefix_conversation (GError **error)
{
  g_autofree char *reason = NULL;

  if (error == NULL || *error == NULL)
    return;
  reason = g_steal_pointer (&(*error)->message);
  /* Translators: an error in an imported file: %s is what is wrong with the
     conversation's own fields (title, times…), such as “pinned” must be true or
     false. */
  (*error)->message = g_strdup_printf (_("The conversation: %s"), reason);
}

/* json-glib reads a JSON "\ud800" as bytes that are not UTF-8: the text
 * is kept with U+FFFD there, so that what is imported exports again. */
static void
make_valid_in_place (JsonNode *node)
{
  const char *text = json_node_get_string (node);
  g_autofree char *valid = NULL;

  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return;
  valid = g_utf8_make_valid (text, -1);
  json_node_set_string (node, valid);
}

/* Each get_ function accepts a missing or null member, leaving the default. */
static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char **value,
            GError     **error)
{
  JsonNode *node = get_member (object, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (holds_value (node, G_TYPE_STRING))
    {
      make_valid_in_place (node);
      *value = json_node_get_string (node);
      return TRUE;
    }
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %s is a member of the imported JSON file, such as “role”,
                  which stays in English */
               _("“%s” must be a string."), name);
  return FALSE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *name,
         gint64       fallback,
         gint64      *value,
         GError     **error)
{
  JsonNode *node = get_member (object, name);

  *value = fallback;
  if (node == NULL)
    return TRUE;
  if (holds_value (node, G_TYPE_INT64))
    {
      *value = json_node_get_int (node);
      return TRUE;
    }
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %s is a member of the imported JSON file, such as “role”,
                  which stays in English */
               _("“%s” must be a whole number."), name);
  return FALSE;
}

static gboolean
get_boolean (JsonObject  *object,
             const char  *name,
             gboolean    *value,
             GError     **error)
{
  JsonNode *node = get_member (object, name);

  *value = FALSE;
  if (node == NULL)
    return TRUE;
  if (holds_value (node, G_TYPE_BOOLEAN))
    {
      *value = json_node_get_boolean (node);
      return TRUE;
    }
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %s is a member of the imported JSON file, such as “role”,
                  which stays in English */
               _("“%s” must be true or false."), name);
  return FALSE;
}

static gboolean
get_object (JsonObject  *object,
            const char  *name,
            JsonObject **value,
            GError     **error)
{
  JsonNode *node = get_member (object, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      *value = json_node_get_object (node);
      return TRUE;
    }
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %s is a member of the imported JSON file, such as “role”,
                  which stays in English */
               _("“%s” must be an object."), name);
  return FALSE;
}

static gboolean
get_array (JsonObject  *object,
           const char  *name,
           JsonArray  **value,
           GError     **error)
{
  JsonNode *node = get_member (object, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      *value = json_node_get_array (node);
      return TRUE;
    }
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %s is a member of the imported JSON file, such as “role”,
                  which stays in English */
               _("“%s” must be a list."), name);
  return FALSE;
}

/* A time as Liao writes it (ISO 8601); 0 when missing or null. */
static gboolean
get_time (JsonObject  *object,
          const char  *name,
          gint64      *value,
          GError     **error)
{
  const char *text;
  g_autofree char *excerpt = NULL;

  *value = 0;
  if (!get_string (object, name, &text, error))
    return FALSE;
  if (text == NULL || parse_time (text, value))
    return TRUE;
  excerpt = dup_excerpt (text);
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: the first %s is a member of the imported JSON file, such
                  as “created”, which stays in English; the second is its value, as
                  the file has it (perhaps cut short with “…”) */
               _("“%s” is not a date and time: “%s”."), name, excerpt);
  return FALSE;
}

static gboolean
check_role (const char  *role,
            guint        number,
            GError     **error)
{
  g_autofree char *excerpt = NULL;

  if (role == NULL)
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                   _("Message %u has no role."), number);
      return FALSE;
    }
  if (g_strv_contains (roles, role))
    return TRUE;
  excerpt = dup_excerpt (role);
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %u is the message's position in the imported file (1 for
                  the first); %s is the role the file gives it, as it has it */
               _("Message %u has an unknown role “%s”."), number, excerpt);
  return FALSE;
}

static gboolean
check_message_count (guint    n_messages,
                     GError **error)
{
  if (n_messages <= MAX_MESSAGES)
    return TRUE;
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_TOO_LARGE,
               _("The file has %u messages; Liao imports at most %u."),
               n_messages, (guint) MAX_MESSAGES);
  return FALSE;
}

/* Role, content and the ids that place the message in the tree. */
static ChatMessage *
read_message_start (JsonObject  *object,
                    guint        number,
                    GError     **error)
{
  const char *role, *content;
  gint64 id, parent_id;
  ChatMessage *message;

  if (!get_string (object, "role", &role, error) || !get_string (object, "content", &content, error)
      || !get_int (object, "id", 0, &id, error) || !get_int (object, "parent_id", 0, &parent_id, error))
    {
      prefix_message_number (error, number);
      return NULL;
    }
  if (!check_role (role, number, error))
    return NULL;
  if (content == NULL || id <= 0 || parent_id < 0)
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                   content == NULL ? _("Message %u has no content.")
                   /* Translators: “id”, “parent_id” and null are written so in the
                      JSON file, and stay in English */
                   : _("Message %u needs an “id” and a “parent_id” above zero (or null)."),
                   number);
      return NULL;
    }
  message = chat_message_new (role, content);
  chat_message_set_id (message, id);
  chat_message_set_parent_id (message, parent_id);
  return message;
}

static gboolean
read_message_texts (JsonObject   *object,
                    ChatMessage  *message,
                    GError      **error)
{
  const char *reasoning, *model, *finish_reason;

  if (!get_string (object, "reasoning", &reasoning, error)
      || !get_string (object, "model", &model, error)
      || !get_string (object, "finish_reason", &finish_reason, error))
    return FALSE;
  chat_message_set_reasoning (message, reasoning);
  chat_message_set_model (message, model);
  chat_message_set_finish_reason (message, finish_reason);
  return TRUE;
}

static gboolean
read_message_times (JsonObject   *object,
                    ChatMessage  *message,
                    GError      **error)
{
  gint64 created, finished, first_token_ms, duration_ms;

  if (!get_time (object, "created", &created, error)
      || !get_time (object, "finished", &finished, error)
      || !get_int (object, "first_token_ms", -1, &first_token_ms, error)
      || !get_int (object, "duration_ms", -1, &duration_ms, error))
    return FALSE;
  chat_message_set_created (message, created);
  chat_message_set_finished (message, finished);
  chat_message_set_first_token_ms (message, first_token_ms);
  chat_message_set_duration_ms (message, duration_ms);
  return TRUE;
}

static gboolean
read_message_usage (JsonObject   *object,
                    ChatMessage  *message,
                    GError      **error)
{
  JsonObject *usage_object;
  ChatUsage usage = { 0 };

  if (!get_object (object, "usage", &usage_object, error))
    return FALSE;
  if (usage_object == NULL)
    return TRUE;
  if (!get_int (usage_object, "prompt", 0, &usage.prompt_tokens, error)
      || !get_int (usage_object, "completion", 0, &usage.completion_tokens, error)
      || !get_int (usage_object, "reasoning", 0, &usage.reasoning_tokens, error)
      || !get_int (usage_object, "cached", 0, &usage.cached_tokens, error)
      || !get_int (usage_object, "total", 0, &usage.total_tokens, error))
    return FALSE;
  chat_message_set_usage (message, &usage);
  return TRUE;
}

static gboolean
read_message_error (JsonObject   *object,
                    ChatMessage  *message,
                    GError      **error)
{
  JsonObject *error_object;
  const char *code, *text;

  if (!get_object (object, "error", &error_object, error))
    return FALSE;
  if (error_object == NULL)
    return TRUE;
  if (!get_string (error_object, "code", &code, error)
      || !get_string (error_object, "message", &text, error))
    return FALSE;
  chat_message_set_error (message, code, text);
  return TRUE;
}

/* A message that was streaming when exported will never finish in the copy. */
static gboolean
read_message_state (JsonObject   *object,
                    ChatMessage  *message,
                    guint         number,
                    GError      **error)
{
  const char *text;
  ChatMessageState state = CHAT_MESSAGE_STATE_COMPLETE;
  g_autofree char *excerpt = NULL;

  if (!get_string (object, "state", &text, error))
    {
      prefix_message_number (error, number);
      return FALSE;
    }
  if (text == NULL || chat_message_state_from_string (text, &state))
    {
      if (state == CHAT_MESSAGE_STATE_STREAMING)
        state = CHAT_MESSAGE_STATE_INTERRUPTED;
      chat_message_set_state (message, state);
      return TRUE;
    }
  excerpt = dup_excerpt (text);
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %u is the message's position in the imported file (1 for
                  the first); %s is the state the file gives it, as it has it */
               _("Message %u has an unknown state “%s”."), number, excerpt);
  return FALSE;
}

static ChatMessage *
read_liao_message (JsonNode  *node,
                   guint      number,
                   GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autoptr(ChatMessage) message = NULL;

  if (object == NULL)
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                   _("Message %u is not an object."), number);
      return NULL;
    }
  message = read_message_start (object, number, error);
  if (message == NULL)
    return NULL;
  if (!read_message_texts (object, message, error) || !read_message_times (object, message, error)
      || !read_message_usage (object, message, error) || !read_message_error (object, message, error))
    {
      prefix_message_number (error, number);
      return NULL;
    }
  if (!read_message_state (object, message, number, error))
    return NULL;
  return g_steal_pointer (&message);
}

static gboolean
read_conversation_texts (JsonObject        *object,
                         ChatConversation  *conversation,
                         GError           **error)
{
  const char *title, *profile, *model, *system_prompt;
  JsonNode *parameters;
  g_autofree char *parameters_text = NULL;

  if (!get_string (object, "title", &title, error) || !get_string (object, "profile", &profile, error)
      || !get_string (object, "model", &model, error)
      || !get_string (object, "system_prompt", &system_prompt, error))
    return FALSE;
  parameters = get_member (object, "parameters");
  if (parameters != NULL && !JSON_NODE_HOLDS_OBJECT (parameters))
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                   _("“%s” must be an object."), "parameters");
      return FALSE;
    }
  if (parameters != NULL)
    parameters_text = json_to_string (parameters, FALSE);
  chat_conversation_set_title (conversation, title);
  chat_conversation_set_profile (conversation, profile);
  chat_conversation_set_model (conversation, model);
  chat_conversation_set_system_prompt (conversation, system_prompt);
  chat_conversation_set_parameters (conversation, parameters_text);
  return TRUE;
}

static gboolean
read_conversation_state (JsonObject        *object,
                         ChatConversation  *conversation,
                         GError           **error)
{
  gint64 created, updated, leaf;
  gboolean pinned;

  if (!get_time (object, "created", &created, error) || !get_time (object, "updated", &updated, error)
      || !get_boolean (object, "pinned", &pinned, error)
      || !get_int (object, "current_leaf", 0, &leaf, error))
    return FALSE;
  chat_conversation_set_created (conversation, created);
  chat_conversation_set_updated (conversation, updated);
  chat_conversation_set_pinned (conversation, pinned);
  chat_conversation_set_current_leaf (conversation, leaf);
  return TRUE;
}

static gboolean
read_liao_messages (JsonArray  *array,
                    Import     *import,
                    GError    **error)
{
  guint n_messages = json_array_get_length (array);

  if (!check_message_count (n_messages, error))
    return FALSE;
  import->messages = g_ptr_array_new_full (n_messages, g_object_unref);
  for (guint i = 0; i < n_messages; i++)
    {
      ChatMessage *message = read_liao_message (json_array_get_element (array, i), i + 1, error);

      if (message == NULL)
        return FALSE;
      g_ptr_array_add (import->messages, message);
    }
  return TRUE;
}

static gboolean
read_liao (JsonObject  *root,
           Import      *import,
           GError     **error)
{
  gint64 version;
  JsonObject *conversation;
  JsonArray *messages;

  if (!get_int (root, "version", 0, &version, error))
    return FALSE;
  if (version > CHAT_EXPORT_FORMAT_VERSION)
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_UNSUPPORTED,
                   _("The file is in version %lld of the Liao format; this version of Liao "
                     "reads up to version %d. Update Liao to import it."),
                   (long long) version, CHAT_EXPORT_FORMAT_VERSION);
      return FALSE;
    }
  if (!get_object (root, "conversation", &conversation, error)
      || !get_array (root, "messages", &messages, error))
    return FALSE;
  if (version < 1 || conversation == NULL || messages == NULL)
    {
      g_set_error_literal (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                           /* Translators: “version”, “conversation” and “messages” are
                              members of the JSON file, and stay in English */
                           _("The file needs a “version”, a “conversation” and “messages”."));
      return FALSE;
    }
  import->conversation = chat_conversation_new (NULL);
  if (!read_conversation_texts (conversation, import->conversation, error)
      || !read_conversation_state (conversation, import->conversation, error))
    {
      prefix_conversation (error);
      return FALSE;
    }
  return read_liao_messages (messages, import, error);
}

/* OpenAI content: a string, null (an answer that only calls tools), or a
 * list of parts of which the text parts are kept. */
static char *
read_content_parts (JsonArray  *parts,
                    guint       number,
                    GError    **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode *node = json_array_get_element (parts, i);
      JsonObject *part = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = NULL, *text = NULL;

      if (part == NULL || !get_string (part, "type", &type, NULL) || type == NULL
          || !get_string (part, "text", &text, NULL)
          || (g_str_equal (type, "text") && text == NULL))
        {
          g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                       /* Translators: the first %u is the message's position in the imported
                          file, the second the part's position in its content (1 for the first) */
                       _("Message %u: part %u of the content is not a valid part."), number, i + 1);
          return NULL;
        }
      if (g_str_equal (type, "text"))
        g_ptr_array_add (texts, (char *) text);
    }
  g_ptr_array_add (texts, NULL);
  return g_strjoinv ("\n\n", (char **) texts->pdata);
}

static char *
read_openai_content (JsonObject  *object,
                     guint        number,
                     GError     **error)
{
  JsonNode *node = get_member (object, "content");

  if (node == NULL)
    return g_strdup ("");
  if (holds_value (node, G_TYPE_STRING))
    {
      make_valid_in_place (node);
      return g_strdup (json_node_get_string (node));
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    return read_content_parts (json_node_get_array (node), number, error);
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               _("Message %u: the content must be a string or a list of parts."), number);
  return NULL;
}

static ChatMessage *
read_openai_message (JsonNode  *node,
                     guint      number,
                     GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *role, *reasoning;
  g_autofree char *content = NULL;
  ChatMessage *message;

  if (object == NULL)
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                   _("Message %u is not an object."), number);
      return NULL;
    }
  if (!get_string (object, "role", &role, error)
      || !get_string (object, "reasoning_content", &reasoning, error))
    {
      prefix_message_number (error, number);
      return NULL;
    }
  if (!check_role (role, number, error))
    return NULL;
  content = read_openai_content (object, number, error);
  if (content == NULL)
    return NULL;
  message = chat_message_new (role, content);
  chat_message_set_reasoning (message, reasoning);
  return message;
}

/* The title and model some exports keep beside their messages. */
static gboolean
read_openai_extras (JsonObject        *root,
                    ChatConversation  *conversation,
                    GError           **error)
{
  const char *title, *model;

  if (root == NULL)
    return TRUE;
  if (!get_string (root, "title", &title, error) || !get_string (root, "model", &model, error))
    return FALSE;
  chat_conversation_set_title (conversation, title);
  chat_conversation_set_model (conversation, model);
  return TRUE;
}

/* A list of messages in order: each answers the one before.  System
 * messages before the first other one become the system prompt. */
static gboolean
read_openai (JsonArray   *array,
             JsonObject  *root,
             Import      *import,
             GError     **error)
{
  guint n_messages = json_array_get_length (array);
  g_autoptr(GString) system_prompt = g_string_new (NULL);

  if (!check_message_count (n_messages, error))
    return FALSE;
  import->conversation = chat_conversation_new (NULL);
  import->messages = g_ptr_array_new_full (n_messages, g_object_unref);
  for (guint i = 0; i < n_messages; i++)
    {
      ChatMessage *message = read_openai_message (json_array_get_element (array, i), i + 1, error);

      if (message == NULL)
        return FALSE;
      if (import->messages->len == 0 && g_str_equal (chat_message_get_role (message), "system"))
        {
          g_string_append_printf (system_prompt, "%s%s", system_prompt->len > 0 ? "\n\n" : "",
                                  chat_message_get_content (message));
          g_object_unref (message);
          continue;
        }
      chat_message_set_id (message, i + 1);
      chat_message_set_parent_id (message, import->messages->len > 0 ? i : 0);
      g_ptr_array_add (import->messages, message);
    }
  if (import->messages->len == 0)
    {
      g_set_error_literal (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                           _("The file has no messages."));
      return FALSE;
    }
  if (system_prompt->len > 0)
    chat_conversation_set_system_prompt (import->conversation, system_prompt->str);
  return read_openai_extras (root, import->conversation, error);
}

/* Whether following parents up from @start comes back to it. */
static gboolean
is_in_cycle (Import     *import,
             GHashTable *positions,
             guint       start)
{
  guint position = start;

  for (guint step = 0; step < import->messages->len; step++)
    {
      gint64 parent_id = chat_message_get_parent_id (g_ptr_array_index (import->messages, position));
      guint parent = GPOINTER_TO_UINT (g_hash_table_lookup (positions, &parent_id));

      if (parent == 0)
        return FALSE;
      position = parent - 1;
      if (position == start)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_parent (Import      *import,
              GHashTable  *positions,
              guint        i,
              GError     **error)
{
  gint64 parent_id = chat_message_get_parent_id (g_ptr_array_index (import->messages, i));
  guint parent = GPOINTER_TO_UINT (g_hash_table_lookup (positions, &parent_id));

  if (parent_id == 0 || (parent > 0 && parent <= i))
    return TRUE;
  if (parent == 0)
    g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                 /* Translators: %u is the message's position in the imported file (1 for
                    the first); %lld is the id the file gives its parent */
                 _("Message %u refers to a parent (id %lld) that is not in the file."),
                 i + 1, (long long) parent_id);
  else if (is_in_cycle (import, positions, i))
    g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                 _("Message %u is its own ancestor: its parents form a cycle."), i + 1);
  else
    g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                 _("Message %u refers to a parent (id %lld) that comes later in the file; "
                   "parents must come first."), i + 1, (long long) parent_id);
  return FALSE;
}

/* Checks the tree (unique ids, parents before their children, a known
 * current leaf), so that the store has nothing to refuse in it. */
static gboolean
check_tree (Import  *import,
            GError **error)
{
  guint n_messages = import->messages->len;
  g_autoptr(GHashTable) positions = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *ids = g_new (gint64, n_messages + 1);
  gint64 leaf_id = chat_conversation_get_current_leaf (import->conversation);

  for (guint i = 0; i < n_messages; i++)
    {
      ids[i] = chat_message_get_id (g_ptr_array_index (import->messages, i));
      if (g_hash_table_contains (positions, &ids[i]))
        {
          g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                       /* Translators: the %u are positions of messages in the imported file
                          (1 for the first); %lld is the id the file gives them both */
                       _("Message %u has the same id (%lld) as message %u."), i + 1,
                       (long long) ids[i], GPOINTER_TO_UINT (g_hash_table_lookup (positions, &ids[i])));
          return FALSE;
        }
      g_hash_table_insert (positions, &ids[i], GUINT_TO_POINTER (i + 1));
    }
  for (guint i = 0; i < n_messages; i++)
    if (!check_parent (import, positions, i, error))
      return FALSE;
  if (leaf_id != 0 && !g_hash_table_contains (positions, &leaf_id))
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                   _("The current message (id %lld) is not in the file."), (long long) leaf_id);
      return FALSE;
    }
  return TRUE;
}

/* A title for a file without one: the first question's, as for a new
 * conversation.  (The store gives missing times the time of the import.) */
static void
complete_title (Import *import)
{
  const char *title = chat_conversation_get_title (import->conversation);
  g_autofree char *question_title = NULL;

  if (title != NULL && *title != '\0')
    return;
  for (guint i = 0; i < import->messages->len && question_title == NULL; i++)
    {
      ChatMessage *message = g_ptr_array_index (import->messages, i);

      if (g_str_equal (chat_message_get_role (message), "user"))
        question_title = chat_conversation_title_from_question (chat_message_get_content (message));
    }
  chat_conversation_set_title (import->conversation,
                               question_title != NULL ? question_title : _("Imported conversation"));
}

/* The shape: Liao's own format, an object with "messages", or a bare list. */
static gboolean
read_import (JsonNode  *root,
             Import    *import,
             GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *format = object != NULL ? get_member (object, "format") : NULL;
  JsonNode *messages = object != NULL ? get_member (object, "messages") : NULL;

  if (format != NULL && holds_value (format, G_TYPE_STRING)
      && g_str_equal (json_node_get_string (format), FORMAT_NAME))
    return read_liao (object, import, error);
  if (format == NULL && messages != NULL && JSON_NODE_HOLDS_ARRAY (messages))
    return read_openai (json_node_get_array (messages), object, import, error);
  if (JSON_NODE_HOLDS_ARRAY (root))
    return read_openai (json_node_get_array (root), NULL, import, error);
  g_set_error_literal (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                       /* Translators: “messages” is a member of the JSON file, and stays
                          in English */
                       _("The file is not a conversation that Liao knows: expected a Liao export, "
                         "an object with a “messages” list, or a list of messages."));
  return FALSE;
}

static gboolean
check_size (goffset   size,
            GError  **error)
{
  g_autofree char *size_text = NULL;
  g_autofree char *limit_text = NULL;

  if (size <= CHAT_EXPORT_MAX_IMPORT_SIZE)
    return TRUE;
  /* Exact bytes too: a file just over the limit rounds to the same size. */
  size_text = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS | G_FORMAT_SIZE_LONG_FORMAT);
  limit_text = g_format_size_full (CHAT_EXPORT_MAX_IMPORT_SIZE, G_FORMAT_SIZE_IEC_UNITS);
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_TOO_LARGE,
               /* Translators: the first %s is the file's size, such as “64.1 MiB
                  (67200000 bytes)”, the second the largest size, such as “64.0 MiB” */
               _("The file is too large to import: %s, and Liao imports at most %s."),
               size_text, limit_text);
  return FALSE;
}

static gboolean
check_text (const char  *data,
            gsize        length,
            GError     **error)
{
  const char *end;

  if (g_utf8_validate_len (data, length, &end))
    return TRUE;
  g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
               /* Translators: %lu is the position of the first bad byte, from 0 */
               _("The file is not valid UTF-8 text (at byte %lu)."), (unsigned long) (end - data));
  return FALSE;
}

/* json-glib 1.6 parses recursively: refuse deep nesting before it does. */
static gboolean
check_depth (const char  *data,
             gsize        length,
             GError     **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string && c == '\\')
        i++;
      else if (c == '"')
        in_string = !in_string;
      else if (!in_string && (c == '[' || c == '{') && ++depth > MAX_DEPTH)
        {
          g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                       _("The file nests lists and objects more than %u levels deep."),
                       (guint) MAX_DEPTH);
          return FALSE;
        }
      else if (!in_string && (c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static JsonNode *
parse_json (const char  *data,
            gsize        length,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root = NULL;

  if (json_parser_load_from_data (parser, data, length, &local_error))
    root = json_parser_steal_root (parser);
  if (root != NULL)
    return root;
  if (local_error != NULL)
    g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                 /* Translators: %s is what the JSON parser says is wrong, in English */
                 _("The file is not valid JSON: %s"), local_error->message);
  else
    g_set_error_literal (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                         _("The file is empty."));
  return NULL;
}

gint64
chat_export_import_data (ChatStore   *store,
                         const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_auto(Import) import = { 0 };
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (store), 0);
  g_return_val_if_fail (data != NULL || length == 0, 0);

  /* Everything is checked before the first write, so a bad file changes nothing. */
  if (!check_size (length, error) || !check_text (data, length, error)
      || !check_depth (data, length, error))
    return 0;
  root = parse_json (data, length, error);
  if (root == NULL || !read_import (root, &import, error) || !check_tree (&import, error))
    return 0;
  complete_title (&import);
  /* One transaction: a store error halfway through leaves nothing behind.
   * The store makes the last message current when the file names none. */
  if (!chat_store_import_conversation (store, import.conversation, import.messages, error))
    return 0;
  return chat_conversation_get_id (import.conversation);
}

gint64
chat_export_import_file (ChatStore   *store,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (CHAT_IS_STORE (store), 0);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return 0;
  /* A fifo or a device could be endless: read only regular files. */
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, CHAT_EXPORT_ERROR, CHAT_EXPORT_ERROR_INVALID,
                   /* Translators: %s is a path, such as /dev/stdin */
                   _("“%s” is not a regular file."), path);
      return 0;
    }
  if (!check_size (g_file_info_get_size (info), error)
      || !g_file_load_contents (file, NULL, &data, &length, NULL, error))
    return 0;
  return chat_export_import_data (store, data, length, error);
}

/* Export all */

/* A file name part from @title: no path separators, control characters
 * or characters other systems refuse; spaces become dashes. */
static char *
make_slug (const char *title)
{
  GString *slug = g_string_new (NULL);
  guint n_chars = 0;

  for (const char *p = title != NULL ? title : ""; *p != '\0' && n_chars < SLUG_MAX_CHARS;
       p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);
      gboolean replace = g_unichar_iscntrl (c) || g_unichar_isspace (c)
                         || (c < 0x80 && strchr ("/\\:*?\"<>|", (char) c) != NULL);

      if (!replace)
        g_string_append_unichar (slug, c);
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  if (slug->len == 0)
    g_string_assign (slug, "conversation");
  return g_string_free (slug, FALSE);
}

static gboolean
write_private_file (const char  *directory,
                    const char  *name,
                    const char  *contents,
                    GError     **error)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);

  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static gboolean
export_one (ChatStore         *store,
            ChatConversation  *conversation,
            const char        *directory,
            guint              number,
            GError           **error)
{
  gint64 id = chat_conversation_get_id (conversation);
  g_autofree char *slug = make_slug (chat_conversation_get_title (conversation));
  g_autofree char *json_name = g_strdup_printf ("%04u-%s.json", number, slug);
  g_autofree char *markdown_name = g_strdup_printf ("%04u-%s.md", number, slug);
  g_autofree char *json = chat_export_to_json (store, id, error);
  g_autofree char *markdown = json != NULL ? chat_export_to_markdown (store, id, error) : NULL;

  return markdown != NULL
         && write_private_file (directory, json_name, json, error)
         && write_private_file (directory, markdown_name, markdown, error);
}

gboolean
chat_export_all (ChatStore   *store,
                 const char  *directory,
                 guint       *n_exported,
                 GError     **error)
{
  g_autoptr(GPtrArray) conversations = NULL;
  guint done = 0;

  g_return_val_if_fail (CHAT_IS_STORE (store), FALSE);
  g_return_val_if_fail (directory != NULL, FALSE);

  if (n_exported != NULL)
    *n_exported = 0;
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: the first %s is a folder's path, the second why, as the
                      system says it */
                   _("Could not create the folder “%s”: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }
  conversations = chat_store_list_conversations (store, error);
  if (conversations == NULL)
    return FALSE;
  while (done < conversations->len
         && export_one (store, g_ptr_array_index (conversations, done), directory, done + 1, error))
    done++;
  if (n_exported != NULL)
    *n_exported = done;
  return done == conversations->len;
}
