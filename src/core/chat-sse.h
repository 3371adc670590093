/* chat-sse.h: an incremental Server-Sent-Events parser (bytes in, events out)
 *
 * Feed it bytes exactly as they come off the network, split anywhere.  Each
 * complete event's data (the `data:` lines joined with "\n") is handed to the
 * callback.  Comments and `event:`/`id:`/`retry:` fields are ignored.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A line longer than this is a protocol error instead of an unbounded buffer. */
#define CHAT_SSE_MAX_LINE_LENGTH (16 * 1024 * 1024)

/* Return FALSE to stop parsing: chat_sse_parser_feed() then returns at once. */
typedef gboolean (*ChatSseEventFunc) (const char *data,
                                      gsize       length,
                                      gpointer    user_data);

typedef struct _ChatSseParser ChatSseParser;

ChatSseParser *chat_sse_parser_new    (ChatSseEventFunc  func,
                                       gpointer          user_data);
void           chat_sse_parser_free   (ChatSseParser    *self);
gboolean       chat_sse_parser_feed   (ChatSseParser    *self,
                                       const char       *bytes,
                                       gsize             length,
                                       GError          **error);
gboolean       chat_sse_parser_finish (ChatSseParser    *self,
                                       GError          **error);
gboolean       chat_sse_parser_is_stopped (ChatSseParser *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatSseParser, chat_sse_parser_free)

G_END_DECLS
