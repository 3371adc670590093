/* chat-sse.c: an incremental Server-Sent-Events parser
 *
 * Lines are found with memchr and handed on straight from the caller's
 * buffer; only a line cut by the end of a feed is copied, into a GString that
 * is reused.  The data of the pending event is collected in a second reused
 * GString, so a steady stream allocates nothing per event.
 */
#include "config.h"

#include <string.h>

#include "chat-error.h"
#include "chat-sse.h"

static const guchar utf8_bom[] = { 0xEF, 0xBB, 0xBF };

struct _ChatSseParser {
  ChatSseEventFunc  func;
  gpointer          user_data;
  GString          *line;        /* a line cut by the end of the last feed */
  GString          *data;        /* the data lines of the pending event */
  guint             bom_matched; /* leading bytes that matched the BOM so far */
  guint             bom_done : 1;
  guint             has_data : 1;
  guint             skip_lf : 1; /* the last feed ended with "\r" */
  guint             stopped : 1;
  guint             failed : 1;
};

/* Where the next line of [p, end) ends; @lf and @cr cache the next "\n" and
 * "\r" so that a feed full of one kind of line end is still scanned once. */
typedef struct {
  const char *end;
  const char *lf;
  const char *cr;
} LineScan;

ChatSseParser *
chat_sse_parser_new (ChatSseEventFunc func,
                     gpointer         user_data)
{
  ChatSseParser *self = g_new0 (ChatSseParser, 1);

  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  return self;
}

void
chat_sse_parser_free (ChatSseParser *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_free (self);
}

gboolean
chat_sse_parser_is_stopped (ChatSseParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->stopped;
}

static gboolean
report_too_long (GError **error)
{
  g_propagate_error (error, chat_error_new (CHAT_ERROR_PROTOCOL, 0, NULL,
                                            "event stream line too long"));
  return FALSE;
}

static gboolean
fail_too_long (ChatSseParser  *self,
               GError        **error)
{
  /* Give the memory back at once: the stream is unusable from here on. */
  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->has_data = FALSE;
  self->failed = TRUE;
  return report_too_long (error);
}

static void
dispatch (ChatSseParser *self)
{
  if (!self->has_data)
    return;

  self->has_data = FALSE;
  if (!self->func (self->data->str, self->data->len, self->user_data))
    self->stopped = TRUE;
  g_string_truncate (self->data, 0);
}

static gboolean
add_data (ChatSseParser  *self,
          const char     *value,
          gsize           length,
          GError        **error)
{
  gsize separator = self->has_data ? 1 : 0;

  /* Many short data lines must not grow one event without bound either. */
  if (self->data->len + separator + length > CHAT_SSE_MAX_LINE_LENGTH)
    return fail_too_long (self, error);

  if (self->has_data)
    g_string_append_c (self->data, '\n');
  g_string_append_len (self->data, value, length);
  self->has_data = TRUE;
  return TRUE;
}

/* One complete line, without its line end. */
static gboolean
process_line (ChatSseParser  *self,
              const char     *line,
              gsize           length,
              GError        **error)
{
  const char *value;

  if (length == 0)
    {
      dispatch (self);
      return TRUE;
    }

  /* Only the "data" field matters: comments, event, id, retry and unknown
   * fields are all ignored.  "data" without a colon is an empty data line. */
  if (length < 4 || memcmp (line, "data", 4) != 0)
    return TRUE;
  if (length == 4)
    return add_data (self, "", 0, error);
  if (line[4] != ':')
    return TRUE;

  value = line + 5;
  if (value < line + length && *value == ' ')
    value++;
  return add_data (self, value, line + length - value, error);
}

static const char *
next_line_end (LineScan   *scan,
               const char *p)
{
  if (scan->lf < p)
    {
      scan->lf = memchr (p, '\n', scan->end - p);
      if (scan->lf == NULL)
        scan->lf = scan->end;
    }
  if (scan->cr < p)
    {
      scan->cr = memchr (p, '\r', scan->end - p);
      if (scan->cr == NULL)
        scan->cr = scan->end;
    }
  return MIN (scan->lf, scan->cr);
}

/* A line that ends in this feed; its start may be buffered from earlier ones. */
static gboolean
complete_line (ChatSseParser  *self,
               const char     *p,
               gsize           length,
               GError        **error)
{
  gboolean ok;

  if (self->line->len == 0)
    return length > CHAT_SSE_MAX_LINE_LENGTH
           ? fail_too_long (self, error)
           : process_line (self, p, length, error);

  if (self->line->len + length > CHAT_SSE_MAX_LINE_LENGTH)
    return fail_too_long (self, error);
  g_string_append_len (self->line, p, length);
  ok = process_line (self, self->line->str, self->line->len, error);
  g_string_truncate (self->line, 0);
  return ok;
}

static gboolean
feed_lines (ChatSseParser  *self,
            const char     *p,
            const char     *end,
            GError        **error)
{
  LineScan scan = { end, NULL, NULL };

  if (self->skip_lf && p < end)
    {
      self->skip_lf = FALSE;
      if (*p == '\n')
        p++;
    }

  while (p < end && !self->stopped)
    {
      const char *eol = next_line_end (&scan, p);

      if (eol == end)
        break;
      if (!complete_line (self, p, eol - p, error))
        return FALSE;

      p = eol + 1;
      if (*eol == '\r' && p == end)
        self->skip_lf = TRUE;
      else if (*eol == '\r' && *p == '\n')
        p++;
    }

  if (p == end || self->stopped)
    return TRUE;
  if (self->line->len + (end - p) > CHAT_SSE_MAX_LINE_LENGTH)
    return fail_too_long (self, error);
  g_string_append_len (self->line, p, end - p);
  return TRUE;
}

/* Skips a UTF-8 BOM at the very start, even one split across feeds, and
 * returns how many bytes of @bytes it took.  A partial match that turns out
 * not to be a BOM starts the first line: its bytes are no line ends. */
static gsize
skip_bom (ChatSseParser *self,
          const char    *bytes,
          gsize          length)
{
  gsize taken = 0;

  while (taken < length && self->bom_matched < sizeof utf8_bom
         && (guchar) bytes[taken] == utf8_bom[self->bom_matched])
    {
      self->bom_matched++;
      taken++;
    }

  if (self->bom_matched == sizeof utf8_bom || taken < length)
    {
      self->bom_done = TRUE;
      if (self->bom_matched < sizeof utf8_bom)
        g_string_append_len (self->line, (const char *) utf8_bom, self->bom_matched);
    }
  return taken;
}

static gboolean
check_usable (ChatSseParser  *self,
              GError        **error)
{
  return !self->failed || report_too_long (error);
}

gboolean
chat_sse_parser_feed (ChatSseParser  *self,
                      const char     *bytes,
                      gsize           length,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || length == 0, FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (self->stopped || length == 0)
    return TRUE;

  if (!self->bom_done)
    {
      gsize taken = skip_bom (self, bytes, length);

      bytes += taken;
      length -= taken;
    }
  return feed_lines (self, bytes, bytes + length, error);
}

gboolean
chat_sse_parser_finish (ChatSseParser  *self,
                        GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_usable (self, error))
    return FALSE;
  if (self->stopped)
    return TRUE;

  /* A stream that ended inside what looked like a BOM ended on a line. */
  if (!self->bom_done)
    g_string_append_len (self->line, (const char *) utf8_bom, self->bom_matched);
  self->bom_done = TRUE;

  if (self->line->len > 0)
    {
      gboolean ok = process_line (self, self->line->str, self->line->len, error);

      g_string_truncate (self->line, 0);
      if (!ok)
        return FALSE;
    }
  dispatch (self);
  return TRUE;
}
