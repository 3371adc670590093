/* chat-export.h: conversations to and from files
 *
 * Markdown for people (reasoning in a <details> block, code fences intact)
 * and versioned JSON that keeps everything (the whole tree, usage, states)
 * so that importing it gives back an equal conversation.  Import also takes
 * an OpenAI-style {"messages": [...]} or bare [...] array.  Imports are
 * validated before anything is written: a bad file changes nothing.
 */
#pragma once

#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_EXPORT_ERROR (chat_export_error_quark ())

typedef enum {
  CHAT_EXPORT_ERROR_TOO_LARGE,
  CHAT_EXPORT_ERROR_INVALID,       /* not JSON, or not a shape Liao knows */
  CHAT_EXPORT_ERROR_UNSUPPORTED,   /* a newer format version */
} ChatExportError;

#define CHAT_EXPORT_FORMAT_VERSION 1
#define CHAT_EXPORT_MAX_IMPORT_SIZE (64 * 1024 * 1024)

GQuark    chat_export_error_quark      (void);

char     *chat_export_to_markdown      (ChatStore    *store,
                                        gint64        conversation_id,
                                        GError      **error);
char     *chat_export_to_json          (ChatStore    *store,
                                        gint64        conversation_id,
                                        GError      **error);
/* Writes one NNNN-title.json and .md per conversation into @directory. */
gboolean  chat_export_all              (ChatStore    *store,
                                        const char   *directory,
                                        guint        *n_exported,
                                        GError      **error);
/* Returns the new conversation's id, or 0 with @error set. */
gint64    chat_export_import_file      (ChatStore    *store,
                                        const char   *path,
                                        GError      **error);
gint64    chat_export_import_data      (ChatStore    *store,
                                        const char   *data,
                                        gsize         length,
                                        GError      **error);

G_END_DECLS
