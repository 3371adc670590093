/* chat-chunk-scanner.c: a strict, allocation-light JSON scanner
 *
 * Strict on purpose: json-glib accepts more than RFC 8259 (comments, leading
 * zeros, raw control characters, a second value after the first), so the fast
 * path must refuse all of that for both decoders to agree on what they accept.
 * Strings are checked once; only a string that is read and has escapes is
 * walked a second time to decode it.
 */
#include <string.h>

#include "chat-chunk-scanner.h"

#define IS_HIGH_SURROGATE(c) ((c) >= 0xD800 && (c) <= 0xDBFF)
#define IS_LOW_SURROGATE(c)  ((c) >= 0xDC00 && (c) <= 0xDFFF)
#define MAX_INT_DIGITS 18    /* so that any such integer fits a gint64 */

void
chat_scanner_init (ChatScanner *scanner,
                   const char  *data,
                   gsize        length)
{
  scanner->pos = (const guchar *) data;
  scanner->end = length > 0 ? scanner->pos + length : scanner->pos;
  scanner->depth = 0;
  scanner->fresh = FALSE;
}

static void
skip_space (ChatScanner *scanner)
{
  while (scanner->pos < scanner->end
         && (*scanner->pos == ' ' || *scanner->pos == '\n'
             || *scanner->pos == '\r' || *scanner->pos == '\t'))
    scanner->pos++;
}

/* Skips whitespace and takes @c if it comes next. */
static gboolean
take (ChatScanner *scanner,
      guchar       c)
{
  skip_space (scanner);
  if (scanner->pos == scanner->end || *scanner->pos != c)
    return FALSE;
  scanner->pos++;
  return TRUE;
}

ChatScanKind
chat_scanner_peek (ChatScanner *scanner)
{
  skip_space (scanner);
  if (scanner->pos == scanner->end)
    return CHAT_SCAN_INVALID;
  switch (*scanner->pos)
    {
    case '{': return CHAT_SCAN_OBJECT;
    case '[': return CHAT_SCAN_ARRAY;
    case '"': return CHAT_SCAN_STRING;
    case 't': case 'f': return CHAT_SCAN_BOOLEAN;
    case 'n': return CHAT_SCAN_NULL;
    case '-': return CHAT_SCAN_NUMBER;
    default:
      return g_ascii_isdigit (*scanner->pos) ? CHAT_SCAN_NUMBER : CHAT_SCAN_INVALID;
    }
}

/* The length of the UTF-8 sequence at @p, 0 when it is invalid: Unicode's
 * table 3-7, which g_utf8_validate() (and so json-glib) enforces too. */
static gsize
utf8_sequence_length (const guchar *p,
                      const guchar *end)
{
  guchar low = 0x80, high = 0xBF;
  gsize n;

  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    n = 2;
  else if (p[0] >= 0xE0 && p[0] <= 0xEF)
    n = 3;
  else if (p[0] >= 0xF0 && p[0] <= 0xF4)
    n = 4;
  else
    return 0;

  /* No overlong forms, no surrogates, nothing past U+10FFFF. */
  if (p[0] == 0xE0)
    low = 0xA0;
  else if (p[0] == 0xED)
    high = 0x9F;
  else if (p[0] == 0xF0)
    low = 0x90;
  else if (p[0] == 0xF4)
    high = 0x8F;

  if ((gsize) (end - p) < n || p[1] < low || p[1] > high)
    return 0;
  for (gsize i = 2; i < n; i++)
    if ((p[i] & 0xC0) != 0x80)
      return 0;
  return n;
}

static gboolean
read_hex4 (const guchar *p,
           const guchar *end,
           gunichar     *code)
{
  *code = 0;
  if (end - p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return FALSE;
      *code = *code * 16 + (gunichar) digit;
    }
  return TRUE;
}

/* The \uXXXX at @p, with the low half that must follow a high surrogate.
 * U+0000 is refused: json-glib would cut the string there. */
static const guchar *
parse_unicode_escape (const guchar *p,
                      const guchar *end,
                      gunichar     *code)
{
  gunichar low;

  if (!read_hex4 (p + 2, end, code) || *code == 0 || IS_LOW_SURROGATE (*code))
    return NULL;
  if (!IS_HIGH_SURROGATE (*code))
    return p + 6;
  if (end - p < 12 || p[6] != '\\' || p[7] != 'u'
      || !read_hex4 (p + 8, end, &low) || !IS_LOW_SURROGATE (low))
    return NULL;
  *code = 0x10000 + ((*code - 0xD800) << 10) + (low - 0xDC00);
  return p + 12;
}

/* The escape at @p (its backslash) as a code point; returns what follows it. */
static const guchar *
parse_escape (const guchar *p,
              const guchar *end,
              gunichar     *code)
{
  if (end - p < 2)
    return NULL;
  switch (p[1])
    {
    case '"': case '\\': case '/': *code = p[1]; break;
    case 'b': *code = '\b'; break;
    case 'f': *code = '\f'; break;
    case 'n': *code = '\n'; break;
    case 'r': *code = '\r'; break;
    case 't': *code = '\t'; break;
    case 'u': return parse_unicode_escape (p, end, code);
    default: return NULL;
    }
  return p + 2;
}

/* Checks the string at the cursor and moves past it: @start and @length
 * give its raw text between the quotes, @escaped whether it has escapes. */
static gboolean
scan_string (ChatScanner   *scanner,
             const guchar **start,
             gsize         *length,
             gboolean      *escaped)
{
  const guchar *p, *end = scanner->end;
  gunichar code;

  if (!take (scanner, '"'))
    return FALSE;
  *start = p = scanner->pos;
  *escaped = FALSE;
  while (p != NULL && p < end)
    {
      if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
        p++;
      else if (*p == '"')
        {
          *length = p - *start;
          scanner->pos = p + 1;
          return TRUE;
        }
      else if (*p == '\\')
        {
          *escaped = TRUE;
          p = parse_escape (p, end, &code);
        }
      else if (*p >= 0x80)
        {
          gsize n = utf8_sequence_length (p, end);

          p = n > 0 ? p + n : NULL;
        }
      else
        p = NULL;  /* a raw control character */
    }
  return FALSE;
}

/* Decodes the escapes of a string that scan_string() accepted, which can
 * only make it shorter. */
static char *
decode_string (const guchar *p,
               gsize         length)
{
  const guchar *end = p + length;
  char *value = g_malloc (length + 1);
  char *out = value;

  while (p < end)
    {
      const guchar *backslash = memchr (p, '\\', end - p);
      gsize plain = (backslash ? backslash : end) - p;
      gunichar code;

      memcpy (out, p, plain);
      out += plain;
      p += plain;
      if (backslash != NULL)
        {
          p = parse_escape (p, end, &code);
          out += g_unichar_to_utf8 (code, out);
        }
    }
  *out = '\0';
  return value;
}

char *
chat_scanner_read_string (ChatScanner *scanner)
{
  const guchar *start;
  gsize length;
  gboolean escaped;

  if (!scan_string (scanner, &start, &length, &escaped))
    return NULL;
  if (escaped)
    return decode_string (start, length);
  return g_strndup ((const char *) start, length);
}

static const guchar *
skip_digits (const guchar *p,
             const guchar *end)
{
  while (p < end && g_ascii_isdigit (*p))
    p++;
  return p;
}

/* Moves past the number at the cursor, as RFC 8259 spells one;
 * @digits is how many its integer part has, 0 when it has more. */
static gboolean
scan_number (ChatScanner *scanner,
             gsize       *digits)
{
  const guchar *p = scanner->pos, *end = scanner->end, *first;

  if (p < end && *p == '-')
    p++;
  first = p;
  p = p < end && *p == '0' ? p + 1 : skip_digits (p, end);
  if (p == first)
    return FALSE;
  *digits = p - first;

  if (p < end && *p == '.')
    {
      first = ++p;
      p = skip_digits (p, end);
      if (p == first)
        return FALSE;
      *digits = 0;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p += p + 1 < end && (p[1] == '+' || p[1] == '-') ? 2 : 1;
      first = p;
      p = skip_digits (p, end);
      if (p == first)
        return FALSE;
      *digits = 0;
    }
  scanner->pos = p;
  return TRUE;
}

gboolean
chat_scanner_read_int (ChatScanner *scanner,
                       gint64      *value)
{
  const guchar *p;
  gsize digits;
  gint64 result = 0;

  skip_space (scanner);
  p = scanner->pos;
  if (!scan_number (scanner, &digits) || digits == 0 || digits > MAX_INT_DIGITS)
    return FALSE;
  for (const guchar *digit = p + (*p == '-'); digit < scanner->pos; digit++)
    result = result * 10 + (*digit - '0');
  *value = *p == '-' ? -result : result;
  return TRUE;
}

static gboolean
scan_word (ChatScanner *scanner,
           const char  *word)
{
  gsize length = strlen (word);

  if ((gsize) (scanner->end - scanner->pos) < length
      || memcmp (scanner->pos, word, length) != 0)
    return FALSE;
  scanner->pos += length;
  return TRUE;
}

static gboolean
skip_object (ChatScanner *scanner)
{
  ChatScanStep step;
  const char *name;
  gsize length;

  if (!chat_scanner_begin_object (scanner))
    return FALSE;
  while ((step = chat_scanner_next_member (scanner, &name, &length)) == CHAT_SCAN_ITEM)
    if (!chat_scanner_skip_value (scanner))
      return FALSE;
  return step == CHAT_SCAN_END;
}

static gboolean
skip_array (ChatScanner *scanner)
{
  ChatScanStep step;

  if (!chat_scanner_begin_array (scanner))
    return FALSE;
  while ((step = chat_scanner_next_element (scanner)) == CHAT_SCAN_ITEM)
    if (!chat_scanner_skip_value (scanner))
      return FALSE;
  return step == CHAT_SCAN_END;
}

gboolean
chat_scanner_skip_value (ChatScanner *scanner)
{
  const guchar *start;
  gsize length, digits;
  gboolean escaped;

  switch (chat_scanner_peek (scanner))
    {
    case CHAT_SCAN_OBJECT: return skip_object (scanner);
    case CHAT_SCAN_ARRAY: return skip_array (scanner);
    case CHAT_SCAN_STRING: return scan_string (scanner, &start, &length, &escaped);
    case CHAT_SCAN_NUMBER: return scan_number (scanner, &digits);
    case CHAT_SCAN_BOOLEAN: return scan_word (scanner, *scanner->pos == 't' ? "true" : "false");
    case CHAT_SCAN_NULL: return scan_word (scanner, "null");
    case CHAT_SCAN_INVALID:
    default: return FALSE;
    }
}

static gboolean
begin (ChatScanner *scanner,
       guchar       open)
{
  if (scanner->depth == CHAT_SCANNER_MAX_DEPTH || !take (scanner, open))
    return FALSE;
  scanner->depth++;
  scanner->fresh = TRUE;
  return TRUE;
}

/* Moves to the next item of the innermost container: past the comma before
 * it, or past the closing bracket when there is none. */
static ChatScanStep
next_item (ChatScanner *scanner,
           guchar       close)
{
  gboolean fresh = scanner->fresh;

  scanner->fresh = FALSE;
  if (take (scanner, close))
    {
      scanner->depth--;
      return CHAT_SCAN_END;
    }
  if (!fresh && !take (scanner, ','))
    return CHAT_SCAN_FAILED;
  return CHAT_SCAN_ITEM;
}

gboolean
chat_scanner_begin_object (ChatScanner *scanner)
{
  return begin (scanner, '{');
}

ChatScanStep
chat_scanner_next_member (ChatScanner  *scanner,
                          const char  **name,
                          gsize        *name_length)
{
  ChatScanStep step = next_item (scanner, '}');
  const guchar *start;
  gboolean escaped;

  if (step != CHAT_SCAN_ITEM)
    return step;
  if (!scan_string (scanner, &start, name_length, &escaped) || escaped || !take (scanner, ':'))
    return CHAT_SCAN_FAILED;
  *name = (const char *) start;
  return CHAT_SCAN_ITEM;
}

gboolean
chat_scanner_begin_array (ChatScanner *scanner)
{
  return begin (scanner, '[');
}

ChatScanStep
chat_scanner_next_element (ChatScanner *scanner)
{
  return next_item (scanner, ']');
}

gboolean
chat_scanner_end (ChatScanner *scanner)
{
  skip_space (scanner);
  return scanner->depth == 0 && scanner->pos == scanner->end;
}
