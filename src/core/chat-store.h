/* chat-store.h: conversations kept in SQLite
 *
 * One database (WAL, foreign keys, a busy time-out so the window and the
 * command line can share it).  The schema version lives in user_version;
 * each migration runs in one transaction after a copy of the file is saved
 * beside it.  A damaged database is moved aside, never deleted, and Liao
 * starts on a fresh one.  Messages form a tree per conversation.
 * Calls are synchronous and fast (see tests/bench/bench-store).
 */
#pragma once

#include <gio/gio.h>

#include "chat-conversation.h"
#include "chat-message.h"

G_BEGIN_DECLS

#define CHAT_TYPE_STORE (chat_store_get_type ())

G_DECLARE_FINAL_TYPE (ChatStore, chat_store, CHAT, STORE, GObject)

#define CHAT_STORE_ERROR (chat_store_error_quark ())

typedef enum {
  CHAT_STORE_ERROR_FAILED,      /* SQLite said no; the message says why */
  CHAT_STORE_ERROR_NOT_FOUND,   /* no such conversation or message */
  CHAT_STORE_ERROR_TOO_NEW,     /* written by a newer Liao */
  CHAT_STORE_ERROR_DAMAGED,     /* the daily check found damage */
} ChatStoreError;

typedef struct {
  gint64  conversation_id;
  gint64  message_id;         /* 0 when the title matched */
  char   *title;
  char   *snippet;            /* the match marked with CHAT_STORE_MARK_START/END */
  double  rank;               /* lower is better (bm25) */
} ChatSearchHit;

#define CHAT_STORE_MARK_START "\x02"
#define CHAT_STORE_MARK_END   "\x03"

GQuark            chat_store_error_quark            (void);

/* The default place: g_get_user_data_dir()/liao/liao.db */
char             *chat_store_dup_default_path       (void);
ChatStore        *chat_store_open                   (const char        *path,
                                                     GError           **error);
const char       *chat_store_get_path               (ChatStore         *self);
/* Where a damaged database was moved when this store opened, else NULL. */
const char       *chat_store_get_moved_aside_path   (ChatStore         *self);
/* Where the pre-migration copy went when this store migrated, else NULL. */
const char       *chat_store_get_backup_path        (ChatStore         *self);
int               chat_store_get_schema_version     (ChatStore         *self);
/* The daily check of the whole file (see chat-store.c), when it is due:
 * in a thread, on a connection of its own; done at once otherwise.  Damage
 * is CHAT_STORE_ERROR_DAMAGED, and the next open moves the file aside. */
void              chat_store_check_async            (ChatStore         *self,
                                                     GCancellable      *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer           user_data);
gboolean          chat_store_check_finish           (ChatStore         *self,
                                                     GAsyncResult      *result,
                                                     GError           **error);

/* Conversations */
gboolean          chat_store_add_conversation       (ChatStore         *self,
                                                     ChatConversation  *conversation,
                                                     GError           **error);
/* The metadata (title, times, pinned, profile, model, system prompt,
 * parameters), not the current leaf: add_message, select_branch and
 * delete_message move that, and a stale object must not undo them. */
gboolean          chat_store_save_conversation      (ChatStore         *self,
                                                     ChatConversation  *conversation,
                                                     GError           **error);
gboolean          chat_store_delete_conversation    (ChatStore         *self,
                                                     gint64             conversation_id,
                                                     GError           **error);
/* Pinned first, then most recently updated; branches are not loaded. */
GPtrArray        *chat_store_list_conversations     (ChatStore         *self,
                                                     GError           **error);
/* With its current branch loaded. */
ChatConversation *chat_store_load_conversation      (ChatStore         *self,
                                                     gint64             conversation_id,
                                                     GError           **error);
/* With the last @max_messages of its current branch loaded (all of it for
 * G_MAXUINT): what a window shows first of a long conversation. */
ChatConversation *chat_store_load_conversation_end  (ChatStore         *self,
                                                     gint64             conversation_id,
                                                     guint              max_messages,
                                                     GError           **error);
/* Puts up to @max_messages more of the branch before the first message of
 * @conversation; returns how many (0 once it starts at the root), or -1
 * with @error set. */
int               chat_store_load_older             (ChatStore         *self,
                                                     ChatConversation  *conversation,
                                                     guint              max_messages,
                                                     GError           **error);

/* Messages */
/* Sets the message's id; makes it the conversation's current leaf. */
gboolean          chat_store_add_message            (ChatStore         *self,
                                                     ChatMessage       *message,
                                                     GError           **error);
gboolean          chat_store_save_message           (ChatStore         *self,
                                                     ChatMessage       *message,
                                                     GError           **error);
/* The fast path while a reply streams: text and state only (and the
 * finish time, usage and timings once set).  A message is searchable
 * once its state is no longer streaming. */
gboolean          chat_store_checkpoint_message     (ChatStore         *self,
                                                     ChatMessage       *message,
                                                     GError           **error);
gboolean          chat_store_delete_message         (ChatStore         *self,
                                                     gint64             message_id,
                                                     GError           **error);
ChatMessage      *chat_store_load_message           (ChatStore         *self,
                                                     gint64             message_id,
                                                     GError           **error);
/* Every message of a conversation, parents before children. */
GPtrArray        *chat_store_load_tree              (ChatStore         *self,
                                                     gint64             conversation_id,
                                                     GError           **error);
/* The variants: children of @parent_id (0: the roots), oldest first. */
GPtrArray        *chat_store_list_children          (ChatStore         *self,
                                                     gint64             conversation_id,
                                                     gint64             parent_id,
                                                     GError           **error);
/* Makes the branch through @message_id current (down its newest descendants). */
gboolean          chat_store_select_branch          (ChatStore         *self,
                                                     gint64             conversation_id,
                                                     gint64             message_id,
                                                     GError           **error);

/* Import */
/* Adds @conversation and @messages (parents before children) in one
 * transaction, keeping every field as given (created, updated, states,
 * usage, times), except that a created time of 0 becomes now and an
 * updated time of 0 the created one, as for add_conversation.  The
 * messages' ids and parent_ids are the caller's (unique, and not 0 where
 * referred to) and are replaced by new ones (old->new mapped inside); the
 * conversation's current_leaf is mapped the same way, and one of 0 makes
 * the last message current, as add_message would.  Sets the new ids on
 * the objects (and the messages' conversation_id).  A parent or current
 * leaf that is not among @messages is CHAT_STORE_ERROR_NOT_FOUND.  On
 * error nothing is written, and the objects keep their ids. */
gboolean          chat_store_import_conversation    (ChatStore         *self,
                                                     ChatConversation  *conversation,
                                                     GPtrArray         *messages,
                                                     GError           **error);

/* Search over titles and message text (not reasoning), English and
 * Chinese; best first (bm25, among the newest 4,000 matching messages);
 * every word must match; a @limit of 0 means 50. */
GPtrArray        *chat_store_search                 (ChatStore         *self,
                                                     const char        *query,
                                                     guint              limit,
                                                     GError           **error);
void              chat_search_hit_free              (ChatSearchHit     *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatSearchHit, chat_search_hit_free)

G_END_DECLS
