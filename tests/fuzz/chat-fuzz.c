/* chat-fuzz.c: what the fuzz targets share
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

#include "chat-fuzz.h"

const ChatFuzzTarget chat_fuzz_targets[] = {
  { "sse", chat_fuzz_sse },
  { "chunk", chat_fuzz_chunk },
  { "error", chat_fuzz_error },
  { "import", chat_fuzz_import },
  { "markdown", chat_fuzz_markdown },
  { NULL, NULL },
};

void
chat_fuzz_fail (const char *where,
                const char *what)
{
  g_printerr ("%s: broken rule: %s\n", where, what);
  abort ();
}

void
chat_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
}
