/* chat-chunk-scanner.h: a strict, allocation-light JSON scanner
 *
 * Walks one JSON text (RFC 8259) in place, for the fast path of the chunk
 * decoder: the caller pulls members and elements one by one, reads the values
 * it wants and skips the others, which are still checked in full.  Anything
 * invalid or unusual -- bad UTF-8, a lone surrogate, "\u0000", a member name
 * with escapes, nesting deeper than CHAT_SCANNER_MAX_DEPTH -- makes a call
 * fail, and the caller then hands the text to json-glib instead.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CHAT_SCANNER_MAX_DEPTH 64

typedef enum {
  CHAT_SCAN_INVALID,
  CHAT_SCAN_OBJECT,
  CHAT_SCAN_ARRAY,
  CHAT_SCAN_STRING,
  CHAT_SCAN_NUMBER,
  CHAT_SCAN_BOOLEAN,
  CHAT_SCAN_NULL,
} ChatScanKind;

typedef enum {
  CHAT_SCAN_FAILED,
  CHAT_SCAN_ITEM,    /* a member or element follows: read or skip its value */
  CHAT_SCAN_END,     /* the container is closed */
} ChatScanStep;

/* On the stack; the fields are private. */
typedef struct {
  const guchar *pos;
  const guchar *end;
  guint         depth;
  gboolean      fresh;   /* no item read yet in the innermost container */
} ChatScanner;

void          chat_scanner_init          (ChatScanner  *scanner,
                                          const char   *data,
                                          gsize         length);
/* The kind of the next value, from its first byte only. */
ChatScanKind  chat_scanner_peek          (ChatScanner  *scanner);
gboolean      chat_scanner_skip_value    (ChatScanner  *scanner);
/* The next value, a string, decoded to UTF-8; NULL when it fails. */
char         *chat_scanner_read_string   (ChatScanner  *scanner);
/* The next value, an integer of at most 18 digits (no fraction, no exponent). */
gboolean      chat_scanner_read_int      (ChatScanner  *scanner,
                                          gint64       *value);

gboolean      chat_scanner_begin_object  (ChatScanner  *scanner);
/* @name points into the text: member names with escapes fail. */
ChatScanStep  chat_scanner_next_member   (ChatScanner  *scanner,
                                          const char  **name,
                                          gsize        *name_length);
gboolean      chat_scanner_begin_array   (ChatScanner  *scanner);
ChatScanStep  chat_scanner_next_element  (ChatScanner  *scanner);
/* Only whitespace is left after the outermost value. */
gboolean      chat_scanner_end           (ChatScanner  *scanner);

G_END_DECLS
