/* chat-cli.h: the command-line mode
 *
 * `liao ask` and `liao models` on the same core as the window.  The interface
 * (options, output, exit statuses) is fixed: other tools drive it.
 */
#pragma once

#include <gio/gio.h>

#include "chat-profile.h"
#include "chat-store.h"

G_BEGIN_DECLS

typedef enum {
  CHAT_CLI_EXIT_OK          = 0,
  CHAT_CLI_EXIT_FAILED      = 1,
  CHAT_CLI_EXIT_USAGE       = 2,
  CHAT_CLI_EXIT_AUTH        = 3,
  CHAT_CLI_EXIT_LIMIT       = 4,
  CHAT_CLI_EXIT_NETWORK     = 5,
  CHAT_CLI_EXIT_FILTERED    = 6,
  CHAT_CLI_EXIT_TRUNCATED   = 7,
  CHAT_CLI_EXIT_INTERRUPTED = 130,
} ChatCliExit;

/* Where one command's requests go and with which key. */
typedef struct {
  ChatProfile *profile;
  char        *base_url;
  char        *api_key;
} ChatCliTarget;

/* TRUE when @argv names a command-line command (or --help, --version). */
gboolean     chat_cli_handles          (int              argc,
                                        char           **argv);
int          chat_cli_run              (int              argc,
                                        char           **argv);
int          chat_cli_ask              (int              argc,
                                        char           **argv);
int          chat_cli_models           (int              argc,
                                        char           **argv);
int          chat_cli_list             (int              argc,
                                        char           **argv);
int          chat_cli_show             (int              argc,
                                        char           **argv);
int          chat_cli_search           (int              argc,
                                        char           **argv);
int          chat_cli_rename           (int              argc,
                                        char           **argv);
int          chat_cli_delete           (int              argc,
                                        char           **argv);
int          chat_cli_export           (int              argc,
                                        char           **argv);
int          chat_cli_import           (int              argc,
                                        char           **argv);
int          chat_cli_key              (int              argc,
                                        char           **argv);

/* Opens the default store, saying on stderr if a damaged one was moved aside. */
ChatStore   *chat_cli_open_store       (GError         **error);
/* A conversation id from the command line: a number, or "last" (the newest). */
gint64       chat_cli_parse_conversation_id (ChatStore  *store,
                                        const char      *text,
                                        GError         **error);
void         chat_cli_warn             (const char      *format,
                                        ...) G_GNUC_PRINTF (1, 2);

gboolean     chat_cli_target_init      (ChatCliTarget   *target,
                                        const char      *profile_id,
                                        const char      *base_url,
                                        GError         **error);
void         chat_cli_target_clear     (ChatCliTarget   *target);
ChatCliExit  chat_cli_exit_for_error   (const GError    *error);
void         chat_cli_print_error      (const GError    *error);
void         chat_cli_print_usage_error (const char     *message);
/* Runs the default main context until *done, or until Ctrl+C cancels @cancellable. */
void         chat_cli_wait             (gboolean        *done,
                                        GCancellable    *cancellable);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChatCliTarget, chat_cli_target_clear)

G_END_DECLS
