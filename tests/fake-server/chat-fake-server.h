/* chat-fake-server.h: a fake of the GLM chat-completions API for tests
 *
 * A SoupServer on 127.0.0.1, port 0.  It answers POST .../chat/completions and
 * GET .../models under any base path, so tests can see which endpoint
 * (general or coding) a request went to.  Each reply follows a scenario: the
 * server default, or "scenario:NAME" anywhere in the last user message.
 * Every request is recorded (method, path, headers, body).
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CHAT_TYPE_FAKE_SERVER (chat_fake_server_get_type ())

G_DECLARE_FINAL_TYPE (ChatFakeServer, chat_fake_server, CHAT, FAKE_SERVER, GObject)

/* What the "normal" scenarios stream, so tests can compare exactly. */
#define CHAT_FAKE_REASONING "\nThe user greets me. I should answer briefly, in both languages."
#define CHAT_FAKE_CONTENT   "Hello from the fake GLM server! 你好，我是测试服务器。\n\n- one\n- two"

/* The content that cut, stall, eof-no-done, error-midstream, sensitive and
 * network-error send (after the whole CHAT_FAKE_REASONING) before failing. */
#define CHAT_FAKE_PARTIAL   "Partial answer: 部分回答"

/* invalid-utf8 streams BEFORE, then one event whose JSON string holds the raw
 * bytes of BAD (not UTF-8), then AFTER. */
#define CHAT_FAKE_INVALID_UTF8_BEFORE "Valid before. "
#define CHAT_FAKE_INVALID_UTF8_BAD    "bad \xff\xfe and \x80 bytes"
#define CHAT_FAKE_INVALID_UTF8_AFTER  " Valid after: 之后。"

/* The usage every synthesised reply reports (prompt + completion = total). */
#define CHAT_FAKE_PROMPT_TOKENS     16
#define CHAT_FAKE_CACHED_TOKENS     6
#define CHAT_FAKE_COMPLETION_TOKENS 45
#define CHAT_FAKE_REASONING_TOKENS  17
#define CHAT_FAKE_TOTAL_TOKENS      61

/* The "big" scenario streams at least this many bytes of content. */
#define CHAT_FAKE_BIG_SIZE (5 * 1000 * 1000)

/* One recorded request; path is without the query, received_at is
 * g_get_monotonic_time() when it arrived. */
typedef struct {
  gint64              received_at;
  char               *method;
  char               *path;
  SoupMessageHeaders *headers;
  GBytes             *body;
} ChatFakeRequest;

ChatFakeServer *chat_fake_server_new            (GError        **error);
/* Listens on 127.0.0.1:PORT (0 picks a free port). */
ChatFakeServer *chat_fake_server_new_for_port   (guint           port,
                                                 GError        **error);
guint           chat_fake_server_get_port       (ChatFakeServer *self);
/* http://127.0.0.1:PORT/api/paas/v4 (the general path) */
char           *chat_fake_server_dup_base_url   (ChatFakeServer *self);
char           *chat_fake_server_dup_url        (ChatFakeServer *self,
                                                 const char     *base_path);
void            chat_fake_server_set_scenario   (ChatFakeServer *self,
                                                 const char     *scenario);
/* A folder of recorded streams; scenario "fixture:NAME" replays NAME.sse from it. */
void            chat_fake_server_set_fixtures_dir (ChatFakeServer *self,
                                                 const char     *path);
/* Milliseconds between streamed events (default 0); the "slow" scenario uses its own. */
void            chat_fake_server_set_event_delay (ChatFakeServer *self,
                                                 guint           milliseconds);
/* The requests so far, oldest first (ChatFakeRequest *; owned by the server). */
GPtrArray      *chat_fake_server_get_requests   (ChatFakeServer *self);
void            chat_fake_server_clear_requests (ChatFakeServer *self);
/* Streamed replies still being written; 0 once every client got its end or went away. */
guint           chat_fake_server_get_n_streams  (ChatFakeServer *self);
const char * const *chat_fake_server_get_scenarios (void);

/* The concatenated content / reasoning a client decodes from a scenario's
 * stream: NULL for error scenarios and fixtures.  For invalid-utf8 the bad
 * bytes come back through g_utf8_make_valid(); for rate-limit-once it is
 * what the retry gets. */
char           *chat_fake_server_dup_expected_content   (const char *scenario);
char           *chat_fake_server_dup_expected_reasoning (const char *scenario);
/* The content of the "big" scenario: ASCII and Chinese lines. */
char           *chat_fake_server_dup_big_content        (void);

G_END_DECLS
