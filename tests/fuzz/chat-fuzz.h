/* chat-fuzz.h: the fuzz targets, callable from libFuzzer and from a test
 *
 * Each target feeds one input to a piece of the core and checks what must
 * hold for any input; a broken rule aborts (a crash to libFuzzer, a failed
 * test to test-fuzz-replay).  The same code runs in both, so every input
 * that ever crashed a fuzzer stays a regression test.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*ChatFuzzFunc) (const guint8 *data,
                              gsize         size);

typedef struct {
  const char   *name;
  ChatFuzzFunc  func;
} ChatFuzzTarget;

/* The network: bytes of an event stream, split where the first byte says. */
void chat_fuzz_sse      (const guint8 *data,
                         gsize         size);
/* One stream event or whole reply: both decoders must agree. */
void chat_fuzz_chunk    (const guint8 *data,
                         gsize         size);
/* An error reply: two bytes of HTTP status, then the body. */
void chat_fuzz_error    (const guint8 *data,
                         gsize         size);
/* A file to import into a store that lives as long as the process. */
void chat_fuzz_import   (const guint8 *data,
                         gsize         size);
/* Model output as Markdown: whole, and streamed in pieces. */
void chat_fuzz_markdown (const guint8 *data,
                         gsize         size);

/* All of the above, NULL-terminated. */
extern const ChatFuzzTarget chat_fuzz_targets[];

/* Warnings and criticals are bugs on any input: make them abort. */
void chat_fuzz_init     (void);
/* Removes the import target's store (a no-op if it never ran). */
void chat_fuzz_clean_up (void);

/* Aborts with @what when @condition is false, in every build. */
#define chat_fuzz_check(condition, what) \
  G_STMT_START { \
    if (G_UNLIKELY (!(condition))) \
      chat_fuzz_fail (G_STRLOC, what); \
  } G_STMT_END

G_NORETURN void chat_fuzz_fail (const char *where,
                                const char *what);

G_END_DECLS
