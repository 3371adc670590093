/* chat-chunk.h: one streamed JSON chunk -> a delta
 *
 * Decodes the JSON of one SSE `data:` payload of a chat-completions stream
 * (glm-api.md §3) into a ChatDelta.  Unknown fields are ignored; an `error`
 * object inside the chunk becomes a CHAT_ERROR.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint64 total_tokens;
  gint64 cached_tokens;
  gint64 reasoning_tokens;
} ChatUsage;

typedef struct {
  int    index;
  char  *id;          /* NULL when this fragment did not carry it */
  char  *type;
  char  *name;
  char  *arguments;   /* a JSON string, possibly a fragment */
} ChatToolCall;

typedef struct {
  char      *content;        /* NULL when absent or null */
  char      *reasoning;      /* reasoning_content; NULL when absent or null */
  GPtrArray *tool_calls;     /* of ChatToolCall, NULL when none */
  char      *finish_reason;  /* NULL when absent or null */
  char      *model;
  char      *id;
  gboolean   has_usage;
  ChatUsage  usage;
} ChatDelta;

/* The payload that ends a stream. */
#define CHAT_CHUNK_DONE "[DONE]"

gboolean      chat_chunk_is_done      (const char  *data,
                                       gsize        length);
ChatDelta    *chat_chunk_parse        (const char  *data,
                                       gsize        length,
                                       GError     **error);
/* A whole non-streamed reply (glm-api.md §4): choices[0].message instead of .delta. */
ChatDelta    *chat_chunk_parse_completion (const char  *data,
                                           gsize        length,
                                           GError     **error);
void          chat_delta_free         (ChatDelta   *delta);

ChatToolCall *chat_tool_call_copy     (const ChatToolCall *call);
void          chat_tool_call_free     (ChatToolCall *call);
/* Merges fragments into @calls by index: the first id/type/name win, arguments concatenate. */
void          chat_tool_calls_merge   (GPtrArray          *calls,
                                       const GPtrArray    *fragments);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatDelta, chat_delta_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatToolCall, chat_tool_call_free)

G_END_DECLS
