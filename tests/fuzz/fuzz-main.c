/* fuzz-main.c: the libFuzzer entry points of one target
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built once per target with CHAT_FUZZ_TARGET set to its function.
 */

#include <stdint.h>
#include <stdlib.h>

#include "chat-fuzz.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  chat_fuzz_init ();
  atexit (chat_fuzz_clean_up);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  CHAT_FUZZ_TARGET (data, size);
  return 0;
}
