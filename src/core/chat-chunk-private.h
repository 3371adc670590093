/* chat-chunk-private.h: the two decoders behind chat_chunk_parse()
 *
 * chat_chunk_parse() tries the fast decoder (chat-chunk-scanner) first and
 * json-glib when that gives up; both are here so that a test can check they
 * agree.  @member is "delta" for a chunk, "message" for a whole reply.
 */
#pragma once

#include "chat-chunk.h"

G_BEGIN_DECLS

/* NULL when it gives up: invalid or unusual JSON, or an error object. */
ChatDelta *chat_chunk_parse_fast (const char  *data,
                                  gsize        length,
                                  const char  *member);
ChatDelta *chat_chunk_parse_slow (const char  *data,
                                  gsize        length,
                                  const char  *member,
                                  GError     **error);

G_END_DECLS
