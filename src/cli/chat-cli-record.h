/* chat-cli-record.h: how `liao ask` keeps an exchange in the store
 *
 * The question is stored before the request goes out; the answer is stored
 * as `streaming` at once, checkpointed twice a second while it grows, and
 * given its final state, usage and timing at the end.  A crash therefore
 * loses at most half a second of text, and the store marks it interrupted.
 */
#pragma once

#include "chat-client.h"
#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_CLI_CHECKPOINT_INTERVAL_MS 500

typedef struct _ChatCliRecord ChatCliRecord;

/* Continues @conversation_id (0: a new conversation titled after @question). */
ChatCliRecord    *chat_cli_record_begin            (ChatStore         *store,
                                                    gint64             conversation_id,
                                                    GError           **error);
ChatConversation *chat_cli_record_get_conversation (ChatCliRecord     *self);
gboolean          chat_cli_record_add_question     (ChatCliRecord     *self,
                                                    const char        *question,
                                                    const char        *model,
                                                    GError           **error);
void              chat_cli_record_follow           (ChatCliRecord     *self,
                                                    ChatReply         *reply);
void              chat_cli_record_finish           (ChatCliRecord     *self,
                                                    ChatReply         *reply,
                                                    const GError      *error);
void              chat_cli_record_free             (ChatCliRecord     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatCliRecord, chat_cli_record_free)

G_END_DECLS
