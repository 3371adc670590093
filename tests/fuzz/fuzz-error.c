/* fuzz-error.c: any error reply becomes a CHAT_ERROR that can be shown
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first two bytes are the HTTP status (kept to 100..599), the rest is
 * the body.  Whatever the body, the error is a CHAT_ERROR with that status,
 * and everything a person may see of it is UTF-8; the one-line form holds
 * no line break or tab.
 */

#include <string.h>

#include "chat-error.h"
#include "chat-fuzz.h"

static gboolean
is_text (const char *text)
{
  return text == NULL || g_utf8_validate (text, -1, NULL);
}

void
chat_fuzz_error (const guint8 *data,
                 gsize         size)
{
  guint status = size >= 2 ? 100 + (data[0] << 8 | data[1]) % 500 : 500;
  const char *body = size > 2 ? (const char *) data + 2 : "";
  gsize length = size > 2 ? size - 2 : 0;
  g_autoptr(GError) error = chat_error_new_from_envelope (status, body, length);
  g_autofree char *line = NULL;

  chat_fuzz_check (error != NULL && error->domain == CHAT_ERROR, "a CHAT_ERROR");
  chat_fuzz_check (chat_error_get_http_status (error) == status, "the error keeps its status");
  chat_fuzz_check (is_text (error->message) && is_text (chat_error_get_server_code (error))
                   && is_text (chat_error_get_server_message (error))
                   && is_text (chat_error_get_reset_time (error)), "the error's texts are UTF-8");

  line = chat_error_format_line (error);
  chat_fuzz_check (g_utf8_validate (line, -1, NULL), "the error line is UTF-8");
  chat_fuzz_check (strpbrk (line, "\r\n\t") == NULL, "the error line is one line");
  chat_error_is_retryable (error);
}
