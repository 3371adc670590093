/* chat-store.c: conversations kept in SQLite
 *
 * Durability: WAL with synchronous=NORMAL, so a commit survives a crash of
 * the process (not necessarily of the machine) without an fsync per
 * checkpoint of a streamed reply.  Every write is one statement or one
 * short BEGIN IMMEDIATE transaction, and busy_timeout lets the window and
 * `liao ask` take turns.
 *
 * Integrity on open.  `PRAGMA integrity_check` also matches every index
 * against its table and is too slow to run at each start; `PRAGMA
 * quick_check` verifies the b-trees only, yet still reads the whole file:
 * about 1 ms per MB, 300 ms for a store of 100,000 messages, which would
 * spend the whole start-up budget (20 ms for open and list).  So every
 * open checks what is cheap (the file header against the file's size, the
 * schema, quick_check of the conversations table), and the full
 * quick_check runs once a day (store_info remembers when) in a thread of
 * its own, on a read-only connection of its own, when the window asks
 * (chat_store_check_async), after its first frame.  Damage it finds
 * leaves a note beside the file (FILE.check-failed); the next open then
 * runs the full check itself, and moves a damaged file aside.  SQLite
 * reports damage it meets meanwhile as SQLITE_CORRUPT.
 *
 * Search: two external-content FTS5 tables (messages_fts over
 * messages.content, conversations_fts over conversations.title) read their
 * text from the tables themselves, so nothing is stored twice.  Triggers
 * keep them in sync, so every path that changes a row (cascades included)
 * updates the index.  A message is indexed exactly when its state is not
 * 'streaming': a growing reply is not re-indexed at every checkpoint, only
 * once it is complete, interrupted, failed or cancelled.  Message content
 * is indexed, not reasoning: that is the model's scratch work, and would
 * double the index for noisy hits.
 */

#include "config.h"

#include "chat-store.h"

#include "chat-search-tokenizer.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEMA_VERSION    2
#define BUSY_TIMEOUT_MS   5000
#define DEFAULT_HIT_LIMIT 50
#define FULL_CHECK_INTERVAL G_TIME_SPAN_DAY
/* Ranking costs about 1.5 µs per matching message; see search_messages (). */
#define RANK_WINDOW       4000

/* Version 1: the tables. */
static const char schema_v1[] =
  "CREATE TABLE conversations ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL DEFAULT '',"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  pinned INTEGER NOT NULL DEFAULT 0,"
  "  profile TEXT,"
  "  model TEXT,"
  "  system_prompt TEXT,"
  "  parameters TEXT,"
  "  current_leaf INTEGER"
  ");"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  parent_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,"
  "  role TEXT NOT NULL,"
  "  content TEXT NOT NULL DEFAULT '',"
  "  reasoning TEXT,"
  "  model TEXT,"
  "  created INTEGER NOT NULL,"
  "  finished INTEGER NOT NULL DEFAULT 0,"
  "  finish_reason TEXT,"
  "  state TEXT NOT NULL DEFAULT 'complete' CHECK (state IN"
  "    ('complete', 'streaming', 'interrupted', 'error', 'cancelled')),"
  "  error_code TEXT,"
  "  error_message TEXT,"
  "  prompt_tokens INTEGER NOT NULL DEFAULT 0,"
  "  completion_tokens INTEGER NOT NULL DEFAULT 0,"
  "  total_tokens INTEGER NOT NULL DEFAULT 0,"
  "  reasoning_tokens INTEGER NOT NULL DEFAULT 0,"
  "  cached_tokens INTEGER NOT NULL DEFAULT 0,"
  "  first_token_ms INTEGER NOT NULL DEFAULT -1,"
  "  duration_ms INTEGER NOT NULL DEFAULT -1"
  ");"
  /* Variants and roots of a conversation; the conversation cascade. */
  "CREATE INDEX messages_conversation_parent ON messages (conversation_id, parent_id, created);"
  /* Children of a message: the newest-child walk and the parent cascade. */
  "CREATE INDEX messages_parent ON messages (parent_id, created);"
  /* Finding replies left streaming, on every open, without a scan. */
  "CREATE INDEX messages_streaming ON messages (id) WHERE state = 'streaming';"
  "CREATE INDEX conversations_list ON conversations (pinned, updated);"
  /* The store's own notes (last_full_check: see the top of the file). */
  "CREATE TABLE store_info (key TEXT PRIMARY KEY, value) WITHOUT ROWID;";

/* Version 2: the search index (see the top of the file). */
static const char schema_v2[] =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (content,"
  "  content='messages', content_rowid='id', tokenize='" CHAT_SEARCH_TOKENIZER_NAME "');"
  "CREATE VIRTUAL TABLE conversations_fts USING fts5 (title,"
  "  content='conversations', content_rowid='id', tokenize='" CHAT_SEARCH_TOKENIZER_NAME "');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
  "  WHEN new.state != 'streaming' BEGIN"
  "  INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
  "  WHEN old.state != 'streaming' BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, content)"
  "    VALUES ('delete', old.id, old.content);"
  "END;"
  /* Streaming to streaming (a checkpoint) changes nothing in the index. */
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, state ON messages"
  "  WHEN (old.state = 'streaming') != (new.state = 'streaming')"
  "    OR (old.state != 'streaming' AND old.content IS NOT new.content) BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, content)"
  "    SELECT 'delete', old.id, old.content WHERE old.state != 'streaming';"
  "  INSERT INTO messages_fts (rowid, content)"
  "    SELECT new.id, new.content WHERE new.state != 'streaming';"
  "END;"
  "CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN"
  "  INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);"
  "END;"
  "CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN"
  "  INSERT INTO conversations_fts (conversations_fts, rowid, title)"
  "    VALUES ('delete', old.id, old.title);"
  "END;"
  "CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations"
  "  WHEN old.title IS NOT new.title BEGIN"
  "  INSERT INTO conversations_fts (conversations_fts, rowid, title)"
  "    VALUES ('delete', old.id, old.title);"
  "  INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);"
  "END;"
  "INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild');"
  "INSERT INTO messages_fts (rowid, content)"
  "  SELECT id, content FROM messages WHERE state != 'streaming';";

static const char * const migrations[SCHEMA_VERSION] = { schema_v1, schema_v2 };

#define CONVERSATION_COLUMNS \
  "id, title, created, updated, pinned, profile, model, system_prompt, parameters, current_leaf"

enum {
  CONVERSATION_ID,
  CONVERSATION_TITLE,
  CONVERSATION_CREATED,
  CONVERSATION_UPDATED,
  CONVERSATION_PINNED,
  CONVERSATION_PROFILE,
  CONVERSATION_MODEL,
  CONVERSATION_SYSTEM_PROMPT,
  CONVERSATION_PARAMETERS,
  CONVERSATION_CURRENT_LEAF,
};

#define MESSAGE_COLUMNS \
  "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.reasoning, m.model," \
  " m.created, m.finished, m.finish_reason, m.state, m.error_code, m.error_message," \
  " m.prompt_tokens, m.completion_tokens, m.total_tokens, m.reasoning_tokens," \
  " m.cached_tokens, m.first_token_ms, m.duration_ms"

enum {
  MESSAGE_ID,
  MESSAGE_CONVERSATION_ID,
  MESSAGE_PARENT_ID,
  MESSAGE_ROLE,
  MESSAGE_CONTENT,
  MESSAGE_REASONING,
  MESSAGE_MODEL,
  MESSAGE_CREATED,
  MESSAGE_FINISHED,
  MESSAGE_FINISH_REASON,
  MESSAGE_STATE,
  MESSAGE_ERROR_CODE,
  MESSAGE_ERROR_MESSAGE,
  MESSAGE_PROMPT_TOKENS,
  MESSAGE_COMPLETION_TOKENS,
  MESSAGE_TOTAL_TOKENS,
  MESSAGE_REASONING_TOKENS,
  MESSAGE_CACHED_TOKENS,
  MESSAGE_FIRST_TOKEN_MS,
  MESSAGE_DURATION_MS,
};

/* The newest child of each message from ?1 down, to the last one. */
#define NEWEST_LEAF_SQL \
  "WITH RECURSIVE down (id, depth) AS (" \
  "  SELECT ?1, 0" \
  "  UNION ALL" \
  "  SELECT (SELECT c.id FROM messages c WHERE c.parent_id = down.id" \
  "          ORDER BY c.created DESC, c.id DESC LIMIT 1), depth + 1" \
  "  FROM down WHERE down.id IS NOT NULL" \
  ") SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1"

struct _ChatStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  char       *moved_aside_path;
  char       *backup_path;
  int         schema_version;
  gboolean    full_check_done;
  gboolean    full_check_due;  /* for chat_store_check_async () */
  /* SQL text (static strings) -> its prepared sqlite3_stmt */
  GHashTable *statements;
};

G_DEFINE_FINAL_TYPE (ChatStore, chat_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (chat-store-error-quark, chat_store_error)

/* A statement from the cache, reset and unbound when it goes out of scope. */
typedef sqlite3_stmt CachedStatement;

static void
cached_statement_release (CachedStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStatement, cached_statement_release)

typedef enum {
  OPEN_OK,
  OPEN_DAMAGED,
  OPEN_FAILED,
} OpenResult;

static void
chat_store_finalize (GObject *object)
{
  ChatStore *self = CHAT_STORE (object);

  /* The statements first: sqlite3_close_v2 waits for them otherwise. */
  g_hash_table_unref (self->statements);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_free (self->moved_aside_path);
  g_free (self->backup_path);

  G_OBJECT_CLASS (chat_store_parent_class)->finalize (object);
}

static void
chat_store_class_init (ChatStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
chat_store_init (ChatStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

/* What failed and why, joined the way the user's language joins them. */
static gboolean
set_store_error (ChatStoreError   code,
                 const char      *what,
                 const char      *why,
                 GError         **error)
{
  g_set_error (error, CHAT_STORE_ERROR, code,
               /* Translators: an error in two parts: what failed, such as “Could not
                  save the message”, then why (as the database says it, in English)
                  or the file concerned */
               _("%s: %s"), what, why);
  return FALSE;
}

static gboolean
set_sqlite_error (sqlite3     *db,
                  const char  *what,
                  GError     **error)
{
  return set_store_error (CHAT_STORE_ERROR_FAILED, what, sqlite3_errmsg (db), error);
}

static gboolean
set_not_found (const char  *what,
               GError     **error)
{
  return set_store_error (CHAT_STORE_ERROR_NOT_FOUND, what,
                          _("No such conversation or message"), error);
}

static CachedStatement *
store_prepare (ChatStore   *self,
               const char  *sql,
               const char  *what,
               GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self->db, what, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
step_done (ChatStore     *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self->db, what, error);

  return TRUE;
}

/* SQLITE_ROW, or SQLITE_DONE for no row; anything else sets @error. */
static int
step_row (ChatStore     *self,
          sqlite3_stmt  *stmt,
          const char    *what,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    set_sqlite_error (self->db, what, error);

  return rc;
}

static gboolean
run (ChatStore   *self,
     const char  *sql,
     const char  *what,
     GError     **error)
{
  g_autoptr(CachedStatement) stmt = store_prepare (self, sql, what, error);

  return stmt != NULL && step_done (self, stmt, what, error);
}

static gboolean
begin_immediate (ChatStore   *self,
                 const char  *what,
                 GError     **error)
{
  return run (self, "BEGIN IMMEDIATE", what, error);
}

static gboolean
begin_read (ChatStore   *self,
            const char  *what,
            GError     **error)
{
  return run (self, "BEGIN", what, error);
}

static gboolean
commit (ChatStore   *self,
        const char  *what,
        GError     **error)
{
  return run (self, "COMMIT", what, error);
}

/* Ends a failed transaction; the error already says what went wrong. */
static void
rollback (ChatStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
finish_transaction (ChatStore   *self,
                    gboolean     ok,
                    const char  *what,
                    GError     **error)
{
  if (ok && commit (self, what, error))
    return TRUE;

  rollback (self);
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

/* Ids are 0 for none and NULL in the database. */
static void
bind_id (sqlite3_stmt *stmt,
         int           index,
         gint64        id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

char *
chat_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "liao", "liao.db", NULL);
}

/* --- opening ------------------------------------------------------------ */

static gboolean
set_io_error (const char  *what,
              const char  *path,
              int          saved_errno,
              GError     **error)
{
  g_set_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_FAILED,
               /* Translators: an error in three parts: what failed, such as “Could
                  not open the conversation database”, the file or folder concerned,
                  then why, as the system says it */
               _("%s: %s: %s"), what, path, g_strerror (saved_errno));
  return FALSE;
}

/* The folder is made private when it is created, and when it is the
 * default one; a folder the caller chose (it may be shared) is left alone. */
static gboolean
prepare_folder (const char  *path,
                GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *default_path = chat_store_dup_default_path ();
  g_autofree char *default_folder = g_path_get_dirname (default_path);
  gboolean existed = g_file_test (folder, G_FILE_TEST_IS_DIR);

  if (!existed && g_mkdir_with_parents (folder, 0700) != 0)
    return set_io_error (_("Could not create the folder for conversations"), folder, errno, error);
  if ((!existed || g_str_equal (folder, default_folder)) && g_chmod (folder, 0700) != 0)
    return set_io_error (_("Could not create the folder for conversations"), folder, errno, error);

  return TRUE;
}

/* SQLite gives the -wal and -shm files the mode of the database file, so
 * creating that one 0600 (whatever the umask) before SQLite opens it is
 * enough; files left by an older version are tightened too. */
static gboolean
prepare_file (const char  *path,
              GError     **error)
{
  static const char * const suffixes[] = { "-wal", "-shm" };
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      return set_io_error (_("Could not open the conversation database"), path, saved_errno, error);
    }
  close (fd);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);

      if (g_chmod (side, 0600) != 0 && errno != ENOENT)
        return set_io_error (_("Could not open the conversation database"), side, errno, error);
    }

  return TRUE;
}

static guint32
read_be32 (const guchar *bytes)
{
  return (guint32) bytes[0] << 24 | (guint32) bytes[1] << 16 | (guint32) bytes[2] << 8 | bytes[3];
}

/* What SQLite's own header says of the file (https://sqlite.org/fileformat.html):
 * a non-empty file must start with the magic string (SQLite would take a
 * file shorter than a page for an empty database and overwrite it), and
 * must be as long as the page count it records, when that count is valid
 * (it is, for any SQLite since 3.7.0), so a truncated file is caught on
 * every open without reading it all. */
static gboolean
header_is_sound (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  guchar header[100];
  GStatBuf buf;
  ssize_t length;
  guint32 page_size;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return TRUE;

  length = read (fd, header, sizeof header);
  close (fd);
  if (length == 0)
    return TRUE;
  if (length != sizeof header || memcmp (header, magic, sizeof magic) != 0 || g_stat (path, &buf) != 0)
    return FALSE;

  page_size = header[16] << 8 | header[17];
  if (page_size == 1)
    page_size = 65536;
  if (read_be32 (header + 92) != read_be32 (header + 24))
    return TRUE;

  return (guint64) read_be32 (header + 28) * page_size <= (guint64) buf.st_size;
}

static gboolean
is_damage (int rc)
{
  return (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
}

/* One integer from a PRAGMA; the SQLite result code. */
static int
read_pragma_int (sqlite3    *db,
                 const char *sql,
                 int        *value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* SQLITE_OK when the check (a quick_check PRAGMA) says "ok",
 * SQLITE_CORRUPT when it lists problems, else the error that stopped it. */
static int
run_check (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        rc = g_strcmp0 (column_text (stmt, 0), "ok") == 0 ? SQLITE_OK : SQLITE_CORRUPT;
    }
  if (rc != SQLITE_OK)
    g_debug ("%s: %s", sql, rc == SQLITE_CORRUPT ? column_text (stmt, 0) : sqlite3_errstr (rc));
  sqlite3_finalize (stmt);
  return rc;
}

static int
read_last_full_check (sqlite3 *db,
                      gint64  *last)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT value FROM store_info WHERE key = 'last_full_check'",
                               -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *last = sqlite3_column_int64 (stmt, 0);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  return rc;
}

static char *
dup_check_failed_path (ChatStore *self)
{
  return g_strconcat (self->path, ".check-failed", NULL);
}

/* The cheap part; the whole file when the last full check found damage,
 * and for a database without a schema yet, which is small.  Otherwise
 * the whole file waits for chat_store_check_async () (see the top of the
 * file). */
static int
check_integrity (ChatStore *self,
                 int        version)
{
  g_autofree char *check_failed = dup_check_failed_path (self);
  gint64 now = g_get_real_time ();
  gint64 last = 0;
  int rc = version > 0 ? read_last_full_check (self->db, &last) : SQLITE_OK;

  if (rc != SQLITE_OK)
    return rc;

  if (version > 0 && !g_file_test (check_failed, G_FILE_TEST_EXISTS))
    {
      self->full_check_due = last > now || now - last >= FULL_CHECK_INTERVAL;
      return run_check (self->db, "PRAGMA quick_check (conversations)");
    }

  rc = run_check (self->db, "PRAGMA quick_check");
  self->full_check_done = rc == SQLITE_OK;
  if (rc == SQLITE_OK)
    g_remove (check_failed);
  return rc;
}

static gboolean
record_full_check (ChatStore  *self,
                   GError    **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  if (!self->full_check_done)
    return TRUE;

  stmt = store_prepare (self,
                        "INSERT OR REPLACE INTO store_info (key, value)"
                        " VALUES ('last_full_check', ?1)",
                        _("Could not open the conversation database"), error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  return step_done (self, stmt, _("Could not open the conversation database"), error);
}

static gboolean
configure (ChatStore  *self,
           GError    **error)
{
  /* Memory-mapped reads skip a copy per page: loading a 10,000-message
   * branch (13 MB of text) takes a sixth less time. */
  static const char pragmas[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA mmap_size = 268435456;";

  if (sqlite3_exec (self->db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self->db, _("Could not open the conversation database"), error);

  return TRUE;
}

/* Opens self->path and checks it; OPEN_DAMAGED when it is not a sound
 * database (nothing is changed in it then). */
static OpenResult
open_checked (ChatStore  *self,
              GError    **error)
{
  const char *what = _("Could not open the conversation database");
  int version = 0;
  int rc;

  if (!header_is_sound (self->path))
    return OPEN_DAMAGED;

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  if (rc == SQLITE_OK)
    rc = chat_search_tokenizer_register (self->db);
  if (rc == SQLITE_OK)
    rc = read_pragma_int (self->db, "PRAGMA user_version", &version);
  if (rc == SQLITE_OK && version > SCHEMA_VERSION)
    {
      g_set_error (error, CHAT_STORE_ERROR, CHAT_STORE_ERROR_TOO_NEW,
                   _("The conversation database was written by a newer version of Liao "
                     "(schema %d; this version knows %d)"), version, SCHEMA_VERSION);
      return OPEN_FAILED;
    }
  if (rc == SQLITE_OK)
    rc = check_integrity (self, version);

  if (is_damage (rc))
    return OPEN_DAMAGED;
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self->db, what, error);
      return OPEN_FAILED;
    }

  self->schema_version = version;
  return configure (self, error) ? OPEN_OK : OPEN_FAILED;
}

static void
close_database (ChatStore *self)
{
  g_hash_table_remove_all (self->statements);
  g_clear_pointer (&self->db, sqlite3_close_v2);
}

/* @prefix-YYYYMMDD-HHMMSS, with a counter if that exists already. */
static char *
dated_name (const char *prefix)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *name = g_strdup_printf ("%s-%s", prefix, stamp);

  for (guint i = 2; g_file_test (name, G_FILE_TEST_EXISTS); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%s-%u", prefix, stamp, i);
    }

  return name;
}

/* Renames the database and its -wal, -shm and -journal files aside; it is
 * never deleted, so the user may still recover it. */
static gboolean
move_aside (ChatStore  *self,
            GError    **error)
{
  static const char * const suffixes[] = { "-wal", "-shm", "-journal" };
  g_autofree char *prefix = g_strconcat (self->path, ".damaged", NULL);
  g_autofree char *aside = dated_name (prefix);

  if (g_rename (self->path, aside) != 0)
    return set_io_error (_("Could not move the damaged conversation database aside"),
                         self->path, errno, error);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (self->path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, suffixes[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        return set_io_error (_("Could not move the damaged conversation database aside"),
                             from, errno, error);
    }

  g_debug ("Moved the damaged database %s to %s", self->path, aside);
  self->moved_aside_path = g_steal_pointer (&aside);
  return TRUE;
}

static gboolean
open_or_replace (ChatStore  *self,
                 GError    **error)
{
  OpenResult result = open_checked (self, error);

  if (result == OPEN_DAMAGED)
    {
      g_autofree char *check_failed = dup_check_failed_path (self);

      close_database (self);
      if (!move_aside (self, error) || !prepare_file (self->path, error))
        return FALSE;
      g_remove (check_failed);
      result = open_checked (self, error);
      if (result == OPEN_DAMAGED)
        set_store_error (CHAT_STORE_ERROR_FAILED, _("Could not open the conversation database"),
                         self->path, error);
    }

  return result == OPEN_OK;
}

/* --- migrations --------------------------------------------------------- */

/* A copy made with VACUUM INTO: consistent even while another process
 * writes.  The file is created 0600 first (VACUUM INTO accepts an empty one). */
static gboolean
save_backup (ChatStore  *self,
             GError    **error)
{
  const char *what = _("Could not save a copy of the conversation database before upgrading it");
  g_autofree char *backup = g_strdup_printf ("%s.backup-v%d", self->path, self->schema_version);
  sqlite3_stmt *stmt = NULL;
  int fd;
  int rc;

  /* Left by an upgrade that failed: kept, this copy goes beside it. */
  if (g_file_test (backup, G_FILE_TEST_EXISTS))
    {
      g_autofree char *first = g_steal_pointer (&backup);

      backup = dated_name (first);
    }

  fd = g_open (backup, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_io_error (what, backup, errno, error);
  close (fd);

  rc = sqlite3_prepare_v2 (self->db, "VACUUM INTO ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      bind_text (stmt, 1, backup);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->db, what, error);
      g_unlink (backup);
      return FALSE;
    }

  self->backup_path = g_steal_pointer (&backup);
  return TRUE;
}

static gboolean
apply_migration (ChatStore   *self,
                 int          version,
                 GError     **error)
{
  const char *what = _("Could not upgrade the conversation database");
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version);
  int current = 0;

  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self->db, what, error);

  /* Another process may have migrated since this one looked. */
  if (read_pragma_int (self->db, "PRAGMA user_version", &current) == SQLITE_OK &&
      current >= version)
    return finish_transaction (self, TRUE, what, error);

  if (current != version - 1 ||
      sqlite3_exec (self->db, migrations[version - 1], NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (self->db, set_version, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self->db, what, error);
      rollback (self);
      return FALSE;
    }

  return finish_transaction (self, TRUE, what, error);
}

/* A database that has a schema is copied aside before the first change. */
static gboolean
migrate (ChatStore  *self,
         GError    **error)
{
  if (self->schema_version == SCHEMA_VERSION)
    return TRUE;

  if (self->schema_version > 0 && !save_backup (self, error))
    return FALSE;

  for (int version = self->schema_version + 1; version <= SCHEMA_VERSION; version++)
    {
      if (!apply_migration (self, version, error))
        return FALSE;
      self->schema_version = version;
    }

  return TRUE;
}

/* A reply found streaming was cut by a crash or a kill: keep its text and
 * say so.  A reply another process is streaming right now is marked too,
 * but that process's next checkpoint (within a second) writes "streaming"
 * back, so nothing is lost either way. */
static gboolean
recover_streaming (ChatStore  *self,
                   GError    **error)
{
  const char *what = _("Could not recover replies cut short");
  g_autoptr(CachedStatement) find = NULL;
  int rc;

  find = store_prepare (self, "SELECT 1 FROM messages WHERE state = 'streaming' LIMIT 1",
                        what, error);
  if (find == NULL)
    return FALSE;

  rc = step_row (self, find, what, error);
  /* End the read first: under WAL a read snapshot cannot become a write once
   * another process has written since, and the busy handler would not help. */
  g_clear_pointer (&find, cached_statement_release);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE;

  return run (self, "UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'",
              what, error);
}

ChatStore *
chat_store_open (const char  *path,
                 GError     **error)
{
  g_autoptr(ChatStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CHAT_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!prepare_folder (path, error) ||
      !prepare_file (path, error) ||
      !open_or_replace (self, error) ||
      !migrate (self, error) ||
      !recover_streaming (self, error) ||
      !record_full_check (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
chat_store_get_path (ChatStore *self)
{
  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);

  return self->path;
}

const char *
chat_store_get_moved_aside_path (ChatStore *self)
{
  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);

  return self->moved_aside_path;
}

const char *
chat_store_get_backup_path (ChatStore *self)
{
  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);

  return self->backup_path;
}

int
chat_store_get_schema_version (ChatStore *self)
{
  g_return_val_if_fail (CHAT_IS_STORE (self), 0);

  return self->schema_version;
}

/* --- the daily check ---------------------------------------------------- */

static void
check_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  const char *path = task_data;
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  if (rc == SQLITE_OK)
    rc = chat_search_tokenizer_register (db);
  if (rc == SQLITE_OK)
    rc = run_check (db, "PRAGMA quick_check");
  sqlite3_close_v2 (db);
  g_task_return_int (task, rc);
}

void
chat_store_check_async (ChatStore           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHAT_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chat_store_check_async);
  if (!self->full_check_due)
    {
      g_task_return_int (task, SQLITE_OK);
      return;
    }
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, check_in_thread);
}

/* Damage found: the next open runs the full check and moves the file aside. */
static void
leave_check_failed_note (ChatStore *self)
{
  g_autofree char *check_failed = dup_check_failed_path (self);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (check_failed, "", 0, &error))
    g_warning ("%s", error->message);
}

gboolean
chat_store_check_finish (ChatStore     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GError) task_error = NULL;
  int rc;

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  rc = (int) g_task_propagate_int (G_TASK (result), &task_error);
  if (task_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&task_error));
      return FALSE;
    }
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
    {
      leave_check_failed_note (self);
      return set_store_error (CHAT_STORE_ERROR_DAMAGED, _("The file holding your conversations is damaged"),
                              _("export the conversations you need now; the next time Liao starts, "
                                "it moves the file aside, keeps it, and starts a new, empty one"),
                              error);
    }
  if (rc != SQLITE_OK)
    return set_store_error (CHAT_STORE_ERROR_FAILED, _("Could not check the conversation database"),
                            sqlite3_errstr (rc), error);
  if (!self->full_check_due)
    return TRUE;
  self->full_check_due = FALSE;
  self->full_check_done = TRUE;
  return record_full_check (self, error);
}

/* --- conversations ------------------------------------------------------ */

static ChatConversation *
conversation_from_row (sqlite3_stmt *stmt)
{
  ChatConversation *conversation = chat_conversation_new (column_text (stmt, CONVERSATION_TITLE));

  chat_conversation_set_id (conversation, sqlite3_column_int64 (stmt, CONVERSATION_ID));
  chat_conversation_set_created (conversation, sqlite3_column_int64 (stmt, CONVERSATION_CREATED));
  chat_conversation_set_updated (conversation, sqlite3_column_int64 (stmt, CONVERSATION_UPDATED));
  chat_conversation_set_pinned (conversation, sqlite3_column_int (stmt, CONVERSATION_PINNED));
  chat_conversation_set_profile (conversation, column_text (stmt, CONVERSATION_PROFILE));
  chat_conversation_set_model (conversation, column_text (stmt, CONVERSATION_MODEL));
  chat_conversation_set_system_prompt (conversation,
                                       column_text (stmt, CONVERSATION_SYSTEM_PROMPT));
  chat_conversation_set_parameters (conversation, column_text (stmt, CONVERSATION_PARAMETERS));
  chat_conversation_set_current_leaf (conversation,
                                      sqlite3_column_int64 (stmt, CONVERSATION_CURRENT_LEAF));
  return conversation;
}

/* ?2 title … ?8 parameters, as both INSERT and UPDATE use them. */
static void
bind_conversation (sqlite3_stmt     *stmt,
                   ChatConversation *conversation)
{
  bind_text (stmt, 2, chat_conversation_get_title (conversation));
  sqlite3_bind_int64 (stmt, 3, chat_conversation_get_created (conversation));
  sqlite3_bind_int64 (stmt, 4, chat_conversation_get_updated (conversation));
  sqlite3_bind_int (stmt, 5, chat_conversation_get_pinned (conversation));
  bind_text (stmt, 6, chat_conversation_get_profile (conversation));
  bind_text (stmt, 7, chat_conversation_get_model (conversation));
  bind_text (stmt, 8, chat_conversation_get_system_prompt (conversation));
  bind_text (stmt, 9, chat_conversation_get_parameters (conversation));
}

/* A conversation without times gets now. */
static void
complete_times (ChatConversation *conversation)
{
  if (chat_conversation_get_created (conversation) == 0)
    chat_conversation_set_created (conversation, g_get_real_time ());
  if (chat_conversation_get_updated (conversation) == 0)
    chat_conversation_set_updated (conversation, chat_conversation_get_created (conversation));
}

/* The new row's id, without a current leaf; 0 with @error set. */
static gint64
insert_conversation (ChatStore         *self,
                     ChatConversation  *conversation,
                     const char        *what,
                     GError           **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  gint64 id;

  stmt = store_prepare (self,
                        "INSERT INTO conversations (title, created, updated, pinned, profile,"
                        " model, system_prompt, parameters)"
                        " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                        what, error);
  if (stmt == NULL)
    return 0;

  bind_conversation (stmt, conversation);
  if (step_row (self, stmt, what, error) != SQLITE_ROW)
    return 0;

  id = sqlite3_column_int64 (stmt, 0);
  return step_done (self, stmt, what, error) ? id : 0;
}

/* Sets the conversation's id; a conversation without times gets now. */
gboolean
chat_store_add_conversation (ChatStore         *self,
                             ChatConversation  *conversation,
                             GError           **error)
{
  gint64 id;

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_CONVERSATION (conversation), FALSE);

  complete_times (conversation);
  id = insert_conversation (self, conversation, _("Could not save the conversation"), error);
  if (id == 0)
    return FALSE;

  chat_conversation_set_id (conversation, id);
  chat_conversation_set_current_leaf (conversation, 0);
  return TRUE;
}

/* The metadata: title, times, pinned, profile, model, system prompt,
 * parameters.  Not the current leaf: that follows add_message,
 * select_branch and delete_message, and an object loaded before those
 * must not undo them.  updated never goes back. */
gboolean
chat_store_save_conversation (ChatStore         *self,
                              ChatConversation  *conversation,
                              GError           **error)
{
  const char *what = _("Could not save the conversation");
  g_autoptr(CachedStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_CONVERSATION (conversation), FALSE);

  stmt = store_prepare (self,
                        "UPDATE conversations SET title = ?2, created = ?3,"
                        " updated = MAX (updated, ?4), pinned = ?5, profile = ?6, model = ?7,"
                        " system_prompt = ?8, parameters = ?9 WHERE id = ?1 RETURNING updated",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, chat_conversation_get_id (conversation));
  bind_conversation (stmt, conversation);
  rc = step_row (self, stmt, what, error);
  if (rc == SQLITE_DONE)
    return set_not_found (what, error);
  if (rc != SQLITE_ROW)
    return FALSE;

  chat_conversation_set_updated (conversation, sqlite3_column_int64 (stmt, 0));
  return step_done (self, stmt, what, error);
}

/* Loosens the tree before a delete: the ON DELETE CASCADE of parent_id
 * would otherwise recurse once per level, and SQLite stops at 1,000 levels
 * (SQLITE_MAX_TRIGGER_DEPTH), less than a long conversation. */
static gboolean
detach_messages (ChatStore   *self,
                 gint64       conversation_id,
                 const char  *what,
                 GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  stmt = store_prepare (self,
                        "UPDATE messages SET parent_id = NULL"
                        " WHERE conversation_id = ?1 AND parent_id IS NOT NULL",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  return step_done (self, stmt, what, error);
}

static gboolean
delete_conversation_row (ChatStore   *self,
                         gint64       conversation_id,
                         const char  *what,
                         GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  stmt = store_prepare (self, "DELETE FROM conversations WHERE id = ?1", what, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  if (!step_done (self, stmt, what, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return set_not_found (what, error);

  return TRUE;
}

/* With all its messages. */
gboolean
chat_store_delete_conversation (ChatStore  *self,
                                gint64      conversation_id,
                                GError    **error)
{
  const char *what = _("Could not delete the conversation");

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);

  if (!begin_immediate (self, what, error))
    return FALSE;

  return finish_transaction (self,
                             detach_messages (self, conversation_id, what, error) &&
                             delete_conversation_row (self, conversation_id, what, error),
                             what, error);
}

GPtrArray *
chat_store_list_conversations (ChatStore  *self,
                               GError    **error)
{
  const char *what = _("Could not list the conversations");
  g_autoptr(CachedStatement) stmt = NULL;
  g_autoptr(GPtrArray) conversations = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);

  stmt = store_prepare (self,
                        "SELECT " CONVERSATION_COLUMNS " FROM conversations"
                        " ORDER BY pinned DESC, updated DESC, id DESC",
                        what, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = step_row (self, stmt, what, error)) == SQLITE_ROW)
    g_ptr_array_add (conversations, conversation_from_row (stmt));

  return rc == SQLITE_DONE ? g_steal_pointer (&conversations) : NULL;
}

static ChatConversation *
load_conversation_row (ChatStore   *self,
                       gint64       conversation_id,
                       const char  *what,
                       GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  int rc;

  stmt = store_prepare (self,
                        "SELECT " CONVERSATION_COLUMNS " FROM conversations WHERE id = ?1",
                        what, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  rc = step_row (self, stmt, what, error);
  if (rc == SQLITE_DONE)
    set_not_found (what, error);

  return rc == SQLITE_ROW ? conversation_from_row (stmt) : NULL;
}

/* --- messages ----------------------------------------------------------- */

static ChatMessageState
state_from_column (sqlite3_stmt *stmt)
{
  ChatMessageState state = CHAT_MESSAGE_STATE_COMPLETE;

  if (!chat_message_state_from_string (column_text (stmt, MESSAGE_STATE), &state))
    g_debug ("Unknown message state “%s”", column_text (stmt, MESSAGE_STATE));

  return state;
}

static ChatMessage *
message_from_row (sqlite3_stmt *stmt)
{
  ChatMessage *message = chat_message_new (column_text (stmt, MESSAGE_ROLE),
                                           column_text (stmt, MESSAGE_CONTENT));
  ChatUsage usage = {
    .prompt_tokens = sqlite3_column_int64 (stmt, MESSAGE_PROMPT_TOKENS),
    .completion_tokens = sqlite3_column_int64 (stmt, MESSAGE_COMPLETION_TOKENS),
    .total_tokens = sqlite3_column_int64 (stmt, MESSAGE_TOTAL_TOKENS),
    .cached_tokens = sqlite3_column_int64 (stmt, MESSAGE_CACHED_TOKENS),
    .reasoning_tokens = sqlite3_column_int64 (stmt, MESSAGE_REASONING_TOKENS),
  };

  chat_message_set_id (message, sqlite3_column_int64 (stmt, MESSAGE_ID));
  chat_message_set_conversation_id (message, sqlite3_column_int64 (stmt, MESSAGE_CONVERSATION_ID));
  chat_message_set_parent_id (message, sqlite3_column_int64 (stmt, MESSAGE_PARENT_ID));
  chat_message_set_reasoning (message, column_text (stmt, MESSAGE_REASONING));
  chat_message_set_model (message, column_text (stmt, MESSAGE_MODEL));
  chat_message_set_created (message, sqlite3_column_int64 (stmt, MESSAGE_CREATED));
  chat_message_set_finished (message, sqlite3_column_int64 (stmt, MESSAGE_FINISHED));
  chat_message_set_finish_reason (message, column_text (stmt, MESSAGE_FINISH_REASON));
  chat_message_set_state (message, state_from_column (stmt));
  chat_message_set_error (message, column_text (stmt, MESSAGE_ERROR_CODE),
                          column_text (stmt, MESSAGE_ERROR_MESSAGE));
  chat_message_set_usage (message, &usage);
  chat_message_set_first_token_ms (message, sqlite3_column_int64 (stmt, MESSAGE_FIRST_TOKEN_MS));
  chat_message_set_duration_ms (message, sqlite3_column_int64 (stmt, MESSAGE_DURATION_MS));
  return message;
}

/* Every row of @stmt (already bound) as a ChatMessage. */
static GPtrArray *
collect_messages (ChatStore     *self,
                  sqlite3_stmt  *stmt,
                  const char    *what,
                  GError       **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = step_row (self, stmt, what, error)) == SQLITE_ROW)
    g_ptr_array_add (messages, message_from_row (stmt));

  return rc == SQLITE_DONE ? g_steal_pointer (&messages) : NULL;
}

/* The last @max_messages (all for G_MAXUINT) of the branch from the root
 * down to @leaf_id, walking parent_id up in one query.  Along a branch ids
 * grow from the root (a message is added after its parent, and SQLite
 * gives it a larger rowid), so "ORDER BY m.id" is the branch order, and
 * SQLite reads the rows in it without sorting them (sorting 10,000 rows
 * with their text took longer than reading them). */
static GPtrArray *
load_branch (ChatStore   *self,
             gint64       leaf_id,
             guint        max_messages,
             const char  *what,
             GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  stmt = store_prepare (self,
                        "WITH RECURSIVE branch (id) AS ("
                        "  SELECT ?1"
                        "  UNION ALL"
                        "  SELECT m.parent_id FROM messages m"
                        "  JOIN branch ON m.id = branch.id WHERE m.parent_id IS NOT NULL"
                        "  LIMIT ?2"
                        ") SELECT " MESSAGE_COLUMNS " FROM messages m"
                        " WHERE m.id IN branch ORDER BY m.id",
                        what, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, leaf_id);
  sqlite3_bind_int64 (stmt, 2, max_messages == G_MAXUINT ? -1 : (gint64) max_messages);
  return collect_messages (self, stmt, what, error);
}

static ChatConversation *
load_conversation_in_transaction (ChatStore   *self,
                                  gint64       conversation_id,
                                  guint        max_messages,
                                  const char  *what,
                                  GError     **error)
{
  g_autoptr(ChatConversation) conversation = NULL;
  g_autoptr(GPtrArray) branch = NULL;

  conversation = load_conversation_row (self, conversation_id, what, error);
  if (conversation == NULL)
    return NULL;

  branch = load_branch (self, chat_conversation_get_current_leaf (conversation), max_messages,
                        what, error);
  if (branch == NULL)
    return NULL;

  chat_conversation_set_branch (conversation, branch);
  return g_steal_pointer (&conversation);
}

ChatConversation *
chat_store_load_conversation (ChatStore  *self,
                              gint64      conversation_id,
                              GError    **error)
{
  return chat_store_load_conversation_end (self, conversation_id, G_MAXUINT, error);
}

ChatConversation *
chat_store_load_conversation_end (ChatStore  *self,
                                  gint64      conversation_id,
                                  guint       max_messages,
                                  GError    **error)
{
  const char *what = _("Could not load the conversation");
  g_autoptr(ChatConversation) conversation = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);
  g_return_val_if_fail (max_messages > 0, NULL);

  /* One read transaction: the metadata and the branch of the same moment. */
  if (!begin_read (self, what, error))
    return NULL;

  conversation = load_conversation_in_transaction (self, conversation_id, max_messages, what, error);
  if (!finish_transaction (self, conversation != NULL, what, error))
    return NULL;

  return g_steal_pointer (&conversation);
}

int
chat_store_load_older (ChatStore         *self,
                       ChatConversation  *conversation,
                       guint              max_messages,
                       GError           **error)
{
  const char *what = _("Could not load the conversation");
  ChatMessage *first;
  g_autoptr(GPtrArray) older = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (self), -1);
  g_return_val_if_fail (CHAT_IS_CONVERSATION (conversation), -1);
  g_return_val_if_fail (max_messages > 0, -1);

  if (!chat_conversation_has_older (conversation))
    return 0;
  first = chat_conversation_get_message (conversation, 0);
  older = load_branch (self, chat_message_get_parent_id (first), max_messages, what, error);
  if (older == NULL)
    return -1;
  /* Its parent is gone: the rest of the branch with it. */
  if (older->len == 0)
    {
      set_not_found (what, error);
      return -1;
    }
  chat_conversation_prepend (conversation, older);
  return older->len;
}

/* ?3 role, ?4 content, ?5 reasoning, ?6 model, ?7 created, ?8 finished,
 * ?9 finish reason, ?10 state, ?11 error code, ?12 error message,
 * ?13..?17 usage, ?18 first token, ?19 duration; ?1 and ?2 are the
 * caller's (the conversation and the parent, where they are used). */
static void
bind_message (sqlite3_stmt *stmt,
              ChatMessage  *message)
{
  const ChatUsage *usage = chat_message_get_usage (message);

  bind_text (stmt, 3, chat_message_get_role (message));
  bind_text (stmt, 4, chat_message_get_content (message));
  bind_text (stmt, 5, chat_message_get_reasoning (message));
  bind_text (stmt, 6, chat_message_get_model (message));
  sqlite3_bind_int64 (stmt, 7, chat_message_get_created (message));
  sqlite3_bind_int64 (stmt, 8, chat_message_get_finished (message));
  bind_text (stmt, 9, chat_message_get_finish_reason (message));
  bind_text (stmt, 10, chat_message_state_to_string (chat_message_get_state (message)));
  bind_text (stmt, 11, chat_message_get_error_code (message));
  bind_text (stmt, 12, chat_message_get_error_message (message));
  sqlite3_bind_int64 (stmt, 13, usage->prompt_tokens);
  sqlite3_bind_int64 (stmt, 14, usage->completion_tokens);
  sqlite3_bind_int64 (stmt, 15, usage->total_tokens);
  sqlite3_bind_int64 (stmt, 16, usage->reasoning_tokens);
  sqlite3_bind_int64 (stmt, 17, usage->cached_tokens);
  sqlite3_bind_int64 (stmt, 18, chat_message_get_first_token_ms (message));
  sqlite3_bind_int64 (stmt, 19, chat_message_get_duration_ms (message));
}

/* The new id of @message under @parent_id (0 for a root) in
 * @conversation_id, or 0 (with @error set) when the conversation or the
 * parent (in that conversation) does not exist. */
static gint64
insert_message (ChatStore    *self,
                ChatMessage  *message,
                gint64        conversation_id,
                gint64        parent_id,
                const char   *what,
                GError      **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  int rc;

  stmt = store_prepare (self,
                        "INSERT INTO messages (conversation_id, parent_id, role, content,"
                        " reasoning, model, created, finished, finish_reason, state, error_code,"
                        " error_message, prompt_tokens, completion_tokens, total_tokens,"
                        " reasoning_tokens, cached_tokens, first_token_ms, duration_ms)"
                        " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                        " ?15, ?16, ?17, ?18, ?19"
                        " WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?1)"
                        " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM messages"
                        "      WHERE id = ?2 AND conversation_id = ?1))"
                        " RETURNING id",
                        what, error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  bind_id (stmt, 2, parent_id);
  bind_message (stmt, message);
  rc = step_row (self, stmt, what, error);
  if (rc == SQLITE_DONE)
    set_not_found (what, error);
  if (rc != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (stmt, 0);
}

/* Makes @leaf_id current; when @touch, the conversation is updated now. */
static gboolean
set_current_leaf (ChatStore   *self,
                  gint64       conversation_id,
                  gint64       leaf_id,
                  gboolean     touch,
                  const char  *what,
                  GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  stmt = store_prepare (self,
                        "UPDATE conversations SET current_leaf = ?2,"
                        " updated = CASE WHEN ?3 THEN MAX (updated, ?4) ELSE updated END"
                        " WHERE id = ?1",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  bind_id (stmt, 2, leaf_id);
  sqlite3_bind_int (stmt, 3, touch);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  return step_done (self, stmt, what, error);
}

gboolean
chat_store_add_message (ChatStore    *self,
                        ChatMessage  *message,
                        GError      **error)
{
  const char *what = _("Could not save the message");
  gint64 conversation_id;
  gint64 id;

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (message), FALSE);

  conversation_id = chat_message_get_conversation_id (message);
  if (chat_message_get_created (message) == 0)
    chat_message_set_created (message, g_get_real_time ());

  if (!begin_immediate (self, what, error))
    return FALSE;

  id = insert_message (self, message, conversation_id, chat_message_get_parent_id (message),
                       what, error);
  if (!finish_transaction (self,
                           id != 0 &&
                           set_current_leaf (self, conversation_id, id, TRUE, what, error),
                           what, error))
    return FALSE;

  chat_message_set_id (message, id);
  return TRUE;
}

/* Every field but the id, the conversation, the parent and the role, which
 * do not change. */
gboolean
chat_store_save_message (ChatStore    *self,
                         ChatMessage  *message,
                         GError      **error)
{
  const char *what = _("Could not save the message");
  g_autoptr(CachedStatement) stmt = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (message), FALSE);

  stmt = store_prepare (self,
                        "UPDATE messages SET content = ?4, reasoning = ?5, model = ?6,"
                        " created = ?7, finished = ?8, finish_reason = ?9, state = ?10,"
                        " error_code = ?11, error_message = ?12, prompt_tokens = ?13,"
                        " completion_tokens = ?14, total_tokens = ?15, reasoning_tokens = ?16,"
                        " cached_tokens = ?17, first_token_ms = ?18, duration_ms = ?19"
                        " WHERE id = ?20",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  bind_message (stmt, message);
  sqlite3_bind_int64 (stmt, 20, chat_message_get_id (message));
  if (!step_done (self, stmt, what, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return set_not_found (what, error);

  return TRUE;
}

static gboolean
usage_is_set (const ChatUsage *usage)
{
  return usage->prompt_tokens != 0 || usage->completion_tokens != 0 ||
         usage->total_tokens != 0 || usage->reasoning_tokens != 0 ||
         usage->cached_tokens != 0;
}

/* ?1 id, ?2 content, ?3 reasoning, ?4 state; then, left NULL while not
 * known (so the column keeps its value), ?5 finished, ?6..?10 usage,
 * ?11 first token, ?12 duration. */
static void
bind_checkpoint (sqlite3_stmt *stmt,
                 ChatMessage  *message)
{
  const ChatUsage *usage = chat_message_get_usage (message);

  sqlite3_bind_int64 (stmt, 1, chat_message_get_id (message));
  bind_text (stmt, 2, chat_message_get_content (message));
  bind_text (stmt, 3, chat_message_get_reasoning (message));
  bind_text (stmt, 4, chat_message_state_to_string (chat_message_get_state (message)));
  if (chat_message_get_finished (message) != 0)
    sqlite3_bind_int64 (stmt, 5, chat_message_get_finished (message));
  if (usage_is_set (usage))
    {
      sqlite3_bind_int64 (stmt, 6, usage->prompt_tokens);
      sqlite3_bind_int64 (stmt, 7, usage->completion_tokens);
      sqlite3_bind_int64 (stmt, 8, usage->total_tokens);
      sqlite3_bind_int64 (stmt, 9, usage->reasoning_tokens);
      sqlite3_bind_int64 (stmt, 10, usage->cached_tokens);
    }
  if (chat_message_get_first_token_ms (message) >= 0)
    sqlite3_bind_int64 (stmt, 11, chat_message_get_first_token_ms (message));
  if (chat_message_get_duration_ms (message) >= 0)
    sqlite3_bind_int64 (stmt, 12, chat_message_get_duration_ms (message));
}

/* One cached UPDATE, no transaction of its own: a few tens of
 * microseconds (tests/bench/bench-store). */
gboolean
chat_store_checkpoint_message (ChatStore    *self,
                               ChatMessage  *message,
                               GError      **error)
{
  const char *what = _("Could not save the reply");
  g_autoptr(CachedStatement) stmt = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_MESSAGE (message), FALSE);

  stmt = store_prepare (self,
                        "UPDATE messages SET content = ?2, reasoning = ?3, state = ?4,"
                        " finished = IFNULL (?5, finished),"
                        " prompt_tokens = IFNULL (?6, prompt_tokens),"
                        " completion_tokens = IFNULL (?7, completion_tokens),"
                        " total_tokens = IFNULL (?8, total_tokens),"
                        " reasoning_tokens = IFNULL (?9, reasoning_tokens),"
                        " cached_tokens = IFNULL (?10, cached_tokens),"
                        " first_token_ms = IFNULL (?11, first_token_ms),"
                        " duration_ms = IFNULL (?12, duration_ms)"
                        " WHERE id = ?1",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  bind_checkpoint (stmt, message);
  if (!step_done (self, stmt, what, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return set_not_found (what, error);

  return TRUE;
}

static ChatMessage *
load_message_row (ChatStore   *self,
                  gint64       message_id,
                  const char  *what,
                  GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  int rc;

  stmt = store_prepare (self, "SELECT " MESSAGE_COLUMNS " FROM messages m WHERE m.id = ?1",
                        what, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = step_row (self, stmt, what, error);
  if (rc == SQLITE_DONE)
    set_not_found (what, error);

  return rc == SQLITE_ROW ? message_from_row (stmt) : NULL;
}

ChatMessage *
chat_store_load_message (ChatStore  *self,
                         gint64      message_id,
                         GError    **error)
{
  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);

  return load_message_row (self, message_id, _("Could not load the message"), error);
}

/* One integer from a statement with up to two id parameters; @found says
 * whether there was a row (a NULL column reads as 0). */
static gboolean
query_id (ChatStore   *self,
          const char  *sql,
          gint64       first,
          gint64       second,
          gint64      *result,
          gboolean    *found,
          const char  *what,
          GError     **error)
{
  g_autoptr(CachedStatement) stmt = store_prepare (self, sql, what, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, first);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, second);

  rc = step_row (self, stmt, what, error);
  *found = rc == SQLITE_ROW;
  *result = *found ? sqlite3_column_int64 (stmt, 0) : 0;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* The leaf reached from @message_id down its newest children. */
static gboolean
newest_leaf (ChatStore   *self,
             gint64       message_id,
             gint64      *leaf_id,
             const char  *what,
             GError     **error)
{
  gboolean found;

  return query_id (self, NEWEST_LEAF_SQL, message_id, 0, leaf_id, &found, what, error);
}

/* After a delete: down from the parent, or from the newest remaining
 * root; 0 when the conversation has no message left. */
static gboolean
repair_leaf (ChatStore   *self,
             gint64       conversation_id,
             gint64       parent_id,
             const char  *what,
             GError     **error)
{
  gint64 start = parent_id;
  gint64 leaf_id = 0;
  gboolean found;

  if (start == 0 &&
      !query_id (self,
                 "SELECT id FROM messages WHERE conversation_id = ?1 AND parent_id IS NULL"
                 " ORDER BY created DESC, id DESC LIMIT 1",
                 conversation_id, 0, &start, &found, what, error))
    return FALSE;

  if (start != 0 && !newest_leaf (self, start, &leaf_id, what, error))
    return FALSE;

  return set_current_leaf (self, conversation_id, leaf_id, FALSE, what, error);
}

/* Children before parents (a child's id is always larger), one row at a
 * time, so that no ON DELETE CASCADE has anything left to recurse into. */
static gboolean
delete_subtree (ChatStore   *self,
                gint64       message_id,
                const char  *what,
                GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = store_prepare (self,
                        "WITH RECURSIVE subtree (id) AS ("
                        "  SELECT ?1 UNION ALL"
                        "  SELECT m.id FROM messages m JOIN subtree ON m.parent_id = subtree.id"
                        ") SELECT id FROM subtree ORDER BY id DESC",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, message_id);
  while ((rc = step_row (self, stmt, what, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(CachedStatement) remove = NULL;

      remove = store_prepare (self, "DELETE FROM messages WHERE id = ?1", what, error);
      if (remove == NULL)
        return FALSE;
      sqlite3_bind_int64 (remove, 1, g_array_index (ids, gint64, i));
      if (!step_done (self, remove, what, error))
        return FALSE;
    }

  return TRUE;
}

/* Whether @message_id is @leaf_id or one of its ancestors. */
static gboolean
is_on_branch (ChatStore   *self,
              gint64       leaf_id,
              gint64       message_id,
              gboolean    *on_branch,
              const char  *what,
              GError     **error)
{
  gint64 result;
  gboolean found;

  if (!query_id (self,
                 "WITH RECURSIVE up (id) AS ("
                 "  SELECT ?1 UNION ALL"
                 "  SELECT m.parent_id FROM messages m JOIN up ON m.id = up.id"
                 "  WHERE m.parent_id IS NOT NULL"
                 ") SELECT EXISTS (SELECT 1 FROM up WHERE id = ?2)",
                 leaf_id, message_id, &result, &found, what, error))
    return FALSE;

  *on_branch = result != 0;
  return TRUE;
}

static gboolean
delete_message_in_transaction (ChatStore   *self,
                               gint64       message_id,
                               const char  *what,
                               GError     **error)
{
  g_autoptr(ChatMessage) message = load_message_row (self, message_id, what, error);
  gint64 conversation_id;
  gint64 leaf_id;
  gboolean found;
  gboolean on_branch;

  if (message == NULL)
    return FALSE;

  conversation_id = chat_message_get_conversation_id (message);
  if (!query_id (self, "SELECT current_leaf FROM conversations WHERE id = ?1",
                 conversation_id, 0, &leaf_id, &found, what, error) ||
      !is_on_branch (self, leaf_id, message_id, &on_branch, what, error) ||
      !delete_subtree (self, message_id, what, error))
    return FALSE;

  if (!on_branch)
    return TRUE;

  return repair_leaf (self, conversation_id, chat_message_get_parent_id (message), what, error);
}

/* With its descendants (its variants' answers, the branches below it). */
gboolean
chat_store_delete_message (ChatStore  *self,
                           gint64      message_id,
                           GError    **error)
{
  const char *what = _("Could not delete the message");

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);

  if (!begin_immediate (self, what, error))
    return FALSE;

  return finish_transaction (self,
                             delete_message_in_transaction (self, message_id, what, error),
                             what, error);
}

GPtrArray *
chat_store_load_tree (ChatStore  *self,
                      gint64      conversation_id,
                      GError    **error)
{
  const char *what = _("Could not load the conversation");
  g_autoptr(CachedStatement) stmt = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);

  stmt = store_prepare (self,
                        "SELECT " MESSAGE_COLUMNS " FROM messages m"
                        " WHERE m.conversation_id = ?1 ORDER BY m.id",
                        what, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  return collect_messages (self, stmt, what, error);
}

GPtrArray *
chat_store_list_children (ChatStore  *self,
                          gint64      conversation_id,
                          gint64      parent_id,
                          GError    **error)
{
  const char *what = _("Could not load the conversation");
  g_autoptr(CachedStatement) stmt = NULL;

  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);

  stmt = store_prepare (self,
                        "SELECT " MESSAGE_COLUMNS " FROM messages m"
                        " WHERE m.conversation_id = ?1 AND m.parent_id IS ?2"
                        " ORDER BY m.created, m.id",
                        what, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, conversation_id);
  bind_id (stmt, 2, parent_id);
  return collect_messages (self, stmt, what, error);
}

static gboolean
select_branch_in_transaction (ChatStore   *self,
                              gint64       conversation_id,
                              gint64       message_id,
                              const char  *what,
                              GError     **error)
{
  gint64 leaf_id;
  gboolean found;

  if (!query_id (self, "SELECT id FROM messages WHERE id = ?1 AND conversation_id = ?2",
                 message_id, conversation_id, &leaf_id, &found, what, error))
    return FALSE;
  if (!found)
    return set_not_found (what, error);

  return newest_leaf (self, message_id, &leaf_id, what, error) &&
         set_current_leaf (self, conversation_id, leaf_id, FALSE, what, error);
}

gboolean
chat_store_select_branch (ChatStore  *self,
                          gint64      conversation_id,
                          gint64      message_id,
                          GError    **error)
{
  const char *what = _("Could not switch to that branch");

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);

  if (!begin_immediate (self, what, error))
    return FALSE;

  return finish_transaction (self,
                             select_branch_in_transaction (self, conversation_id, message_id,
                                                           what, error),
                             what, error);
}

/* --- import ------------------------------------------------------------- */

/* The messages wait in a staging table, and one INSERT moves them all.
 * FTS5 writes its pending terms out at the savepoint of each statement
 * that touches the index, so an INSERT per message left a segment per
 * message to merge: a second for 10,000 messages.  The new ids are the
 * store's next ones (the transaction holds the write lock), in the
 * caller's order, so each parent's id stays below its children's, as
 * load_branch () wants.  The table lives as long as the connection and is
 * empty between imports. */
static const char import_table_sql[] =
  "CREATE TEMP TABLE IF NOT EXISTS import_messages ("
  "  position INTEGER PRIMARY KEY, parent_position INTEGER, role, content, reasoning, model,"
  "  created, finished, finish_reason, state, error_code, error_message, prompt_tokens,"
  "  completion_tokens, total_tokens, reasoning_tokens, cached_tokens, first_token_ms,"
  "  duration_ms)";

#define IMPORT_COLUMNS \
  "role, content, reasoning, model, created, finished, finish_reason, state, error_code," \
  " error_message, prompt_tokens, completion_tokens, total_tokens, reasoning_tokens," \
  " cached_tokens, first_token_ms, duration_ms"

/* Message i is at position i + 1 and gets the id base + i + 1. */
typedef struct {
  gint64      conversation_id;
  gint64      base;
  guint       leaf_position;     /* 0 for none */
  gint64     *old_ids;           /* the caller's */
  guint      *parent_positions;  /* 0 for a root */
  GHashTable *positions;         /* &old_ids[i] -> i + 1; id 0 is never mapped */
} IdMap;

static void
id_map_init (IdMap *map,
             guint  n_messages)
{
  map->old_ids = g_new0 (gint64, n_messages);
  map->parent_positions = g_new0 (guint, n_messages);
  map->positions = g_hash_table_new (g_int64_hash, g_int64_equal);
}

static void
id_map_clear (IdMap *map)
{
  g_clear_pointer (&map->old_ids, g_free);
  g_clear_pointer (&map->parent_positions, g_free);
  g_clear_pointer (&map->positions, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdMap, id_map_clear)

/* The position of the caller's @old_id; 0 for 0. */
static gboolean
id_map_find (IdMap       *map,
             gint64       old_id,
             guint       *position,
             const char  *what,
             GError     **error)
{
  *position = old_id != 0 ? GPOINTER_TO_UINT (g_hash_table_lookup (map->positions, &old_id)) : 0;
  return old_id == 0 || *position != 0 || set_not_found (what, error);
}

static gboolean
id_map_add (IdMap       *map,
            guint        i,
            gint64       old_id,
            const char  *what,
            GError     **error)
{
  map->old_ids[i] = old_id;
  if (old_id != 0 &&
      !g_hash_table_insert (map->positions, &map->old_ids[i], GUINT_TO_POINTER (i + 1)))
    return set_store_error (CHAT_STORE_ERROR_FAILED, what,
                            _("Two messages to import have the same id"), error);
  return TRUE;
}

static gboolean
stage_message (ChatStore    *self,
               ChatMessage  *message,
               guint         position,
               guint         parent_position,
               const char   *what,
               GError      **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  stmt = store_prepare (self,
                        "INSERT INTO temp.import_messages (position, parent_position, "
                        IMPORT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                        " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, position);
  bind_id (stmt, 2, parent_position);
  bind_message (stmt, message);
  return step_done (self, stmt, what, error);
}

/* Each message with the position of its parent, which must come before it. */
static gboolean
stage_messages (ChatStore    *self,
                GPtrArray    *messages,
                IdMap        *map,
                const char   *what,
                GError      **error)
{
  for (guint i = 0; i < messages->len; i++)
    {
      ChatMessage *message = g_ptr_array_index (messages, i);

      if (!id_map_find (map, chat_message_get_parent_id (message), &map->parent_positions[i],
                        what, error) ||
          !stage_message (self, message, i + 1, map->parent_positions[i], what, error) ||
          !id_map_add (map, i, chat_message_get_id (message), what, error))
        return FALSE;
    }

  return TRUE;
}

/* The largest message id yet, 0 for none. */
static gboolean
last_message_id (ChatStore   *self,
                 gint64      *id,
                 const char  *what,
                 GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  stmt = store_prepare (self, "SELECT IFNULL (MAX (id), 0) FROM messages", what, error);
  if (stmt == NULL || step_row (self, stmt, what, error) != SQLITE_ROW)
    return FALSE;

  *id = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* The staged messages get the ids base + position. */
static gboolean
move_staged (ChatStore   *self,
             IdMap       *map,
             const char  *what,
             GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;

  stmt = store_prepare (self,
                        "INSERT INTO messages (id, conversation_id, parent_id, " IMPORT_COLUMNS ")"
                        " SELECT ?1 + position, ?2, ?1 + parent_position, " IMPORT_COLUMNS
                        " FROM temp.import_messages ORDER BY position",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, map->base);
  sqlite3_bind_int64 (stmt, 2, map->conversation_id);
  return step_done (self, stmt, what, error) &&
         run (self, "DELETE FROM temp.import_messages", what, error);
}

static gint64
id_for_position (IdMap *map,
                 guint  position)
{
  return position != 0 ? map->base + position : 0;
}

static gboolean
import_in_transaction (ChatStore         *self,
                       ChatConversation  *conversation,
                       GPtrArray         *messages,
                       IdMap             *map,
                       const char        *what,
                       GError           **error)
{
  gint64 old_leaf = chat_conversation_get_current_leaf (conversation);

  if (!run (self, import_table_sql, what, error) ||
      !last_message_id (self, &map->base, what, error) ||
      !stage_messages (self, messages, map, what, error))
    return FALSE;

  /* None named: the last message, as add_message would have left it. */
  map->leaf_position = messages->len;
  if (old_leaf != 0 && !id_map_find (map, old_leaf, &map->leaf_position, what, error))
    return FALSE;

  map->conversation_id = insert_conversation (self, conversation, what, error);
  return map->conversation_id != 0 &&
         move_staged (self, map, what, error) &&
         set_current_leaf (self, map->conversation_id, id_for_position (map, map->leaf_position),
                           FALSE, what, error);
}

/* Once committed: the objects take the ids they have in the store. */
static void
set_imported_ids (ChatConversation *conversation,
                  GPtrArray        *messages,
                  IdMap            *map)
{
  chat_conversation_set_id (conversation, map->conversation_id);
  chat_conversation_set_current_leaf (conversation, id_for_position (map, map->leaf_position));
  for (guint i = 0; i < messages->len; i++)
    {
      ChatMessage *message = g_ptr_array_index (messages, i);

      chat_message_set_id (message, id_for_position (map, i + 1));
      chat_message_set_conversation_id (message, map->conversation_id);
      chat_message_set_parent_id (message, id_for_position (map, map->parent_positions[i]));
    }
}

gboolean
chat_store_import_conversation (ChatStore         *self,
                                ChatConversation  *conversation,
                                GPtrArray         *messages,
                                GError           **error)
{
  const char *what = _("Could not import the conversation");
  g_auto(IdMap) map = { 0 };

  g_return_val_if_fail (CHAT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CHAT_IS_CONVERSATION (conversation), FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  complete_times (conversation);
  for (guint i = 0; i < messages->len; i++)
    if (chat_message_get_created (g_ptr_array_index (messages, i)) == 0)
      chat_message_set_created (g_ptr_array_index (messages, i), g_get_real_time ());

  id_map_init (&map, messages->len);
  if (!begin_immediate (self, what, error) ||
      !finish_transaction (self,
                           import_in_transaction (self, conversation, messages, &map, what, error),
                           what, error))
    return FALSE;

  set_imported_ids (conversation, messages, &map);
  return TRUE;
}

/* --- search ------------------------------------------------------------- */

void
chat_search_hit_free (ChatSearchHit *hit)
{
  if (hit == NULL)
    return;

  g_free (hit->title);
  g_free (hit->snippet);
  g_free (hit);
}

/* The arguments of snippet() after the column: marks, ellipsis, about
 * a dozen tokens (a Chinese character is a token). */
#define SNIPPET_ARGS "'" CHAT_STORE_MARK_START "', '" CHAT_STORE_MARK_END "', '…', 12"

static ChatSearchHit *
hit_new (gint64      conversation_id,
         gint64      message_id,
         const char *title,
         const char *snippet,
         double      rank)
{
  ChatSearchHit *hit = g_new0 (ChatSearchHit, 1);

  hit->conversation_id = conversation_id;
  hit->message_id = message_id;
  hit->title = g_strdup (title != NULL ? title : "");
  hit->snippet = g_strdup (snippet != NULL ? snippet : "");
  hit->rank = rank;
  return hit;
}

static gboolean
search_titles (ChatStore   *self,
               const char  *match,
               guint        limit,
               GPtrArray   *hits,
               const char  *what,
               GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  int rc;

  stmt = store_prepare (self,
                        "SELECT rowid, title,"
                        " snippet (conversations_fts, 0, " SNIPPET_ARGS "), rank"
                        " FROM conversations_fts WHERE conversations_fts MATCH ?1"
                        " ORDER BY rank LIMIT ?2",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, match);
  sqlite3_bind_int (stmt, 2, limit);
  while ((rc = step_row (self, stmt, what, error)) == SQLITE_ROW)
    g_ptr_array_add (hits, hit_new (sqlite3_column_int64 (stmt, 0), 0, column_text (stmt, 1),
                                    column_text (stmt, 2), sqlite3_column_double (stmt, 3)));

  return rc == SQLITE_DONE;
}

/* Fills in the conversation of a message hit: SQLITE_ROW, or SQLITE_DONE
 * when the message is gone (the index cannot point past the table, as
 * triggers keep them together; a hit without a message is dropped). */
static int
complete_hit (ChatStore      *self,
              ChatSearchHit  *hit,
              const char     *what,
              GError        **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  int rc;

  stmt = store_prepare (self,
                        "SELECT c.id, c.title FROM messages m"
                        " JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?1",
                        what, error);
  if (stmt == NULL)
    return SQLITE_ERROR;

  sqlite3_bind_int64 (stmt, 1, hit->message_id);
  rc = step_row (self, stmt, what, error);
  if (rc == SQLITE_ROW)
    {
      hit->conversation_id = sqlite3_column_int64 (stmt, 0);
      g_free (hit->title);
      hit->title = g_strdup (column_text (stmt, 1));
    }

  return rc;
}

/* The id of the RANK_WINDOW-th newest message matching, or 0 when fewer
 * match.  Walking the matches by id costs little next to ranking them. */
static gboolean
rank_window_start (ChatStore   *self,
                   const char  *match,
                   gint64      *start_id,
                   const char  *what,
                   GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  int rc;

  stmt = store_prepare (self,
                        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1"
                        " ORDER BY rowid DESC LIMIT 1 OFFSET ?2",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, match);
  sqlite3_bind_int (stmt, 2, RANK_WINDOW - 1);
  rc = step_row (self, stmt, what, error);
  *start_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* FTS5 ranks (bm25) and cuts first; snippets are made for the kept rows
 * only.  A word in most messages ("the", "的") would have every one of
 * them ranked: 90 ms for 60,000 messages.  So only the newest RANK_WINDOW
 * matches are ranked, which keeps any search within about 20 ms on a
 * store of 100,000 messages and changes nothing for queries that match
 * fewer messages. */
static gboolean
search_messages (ChatStore   *self,
                 const char  *match,
                 guint        limit,
                 GPtrArray   *hits,
                 const char  *what,
                 GError     **error)
{
  g_autoptr(CachedStatement) stmt = NULL;
  gint64 start_id;
  int rc;

  if (!rank_window_start (self, match, &start_id, what, error))
    return FALSE;

  stmt = store_prepare (self,
                        "SELECT rowid,"
                        " snippet (messages_fts, 0, " SNIPPET_ARGS "), rank"
                        " FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid >= ?3"
                        " ORDER BY rank LIMIT ?2",
                        what, error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, match);
  sqlite3_bind_int (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, start_id);
  while ((rc = step_row (self, stmt, what, error)) == SQLITE_ROW)
    {
      g_autoptr(ChatSearchHit) hit = hit_new (0, sqlite3_column_int64 (stmt, 0), NULL,
                                              column_text (stmt, 1),
                                              sqlite3_column_double (stmt, 2));
      int found = complete_hit (self, hit, what, error);

      if (found == SQLITE_ROW)
        g_ptr_array_add (hits, g_steal_pointer (&hit));
      else if (found != SQLITE_DONE)
        return FALSE;
    }

  return rc == SQLITE_DONE;
}

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const ChatSearchHit *first = *(ChatSearchHit * const *) a;
  const ChatSearchHit *second = *(ChatSearchHit * const *) b;

  return (first->rank > second->rank) - (first->rank < second->rank);
}

/* Every word of @query must match (in a title or in one message); the
 * words are quoted, so FTS5 syntax in them is only text.  A @limit of 0
 * means 50. */
GPtrArray *
chat_store_search (ChatStore   *self,
                   const char  *query,
                   guint        limit,
                   GError     **error)
{
  const char *what = _("Could not search the conversations");
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) chat_search_hit_free);
  g_autofree char *match = NULL;
  gboolean ok;

  g_return_val_if_fail (CHAT_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  match = chat_search_build_match_query (query);
  if (match == NULL)
    return g_steal_pointer (&hits);
  if (limit == 0)
    limit = DEFAULT_HIT_LIMIT;

  if (!begin_read (self, what, error))
    return NULL;
  ok = search_titles (self, match, limit, hits, what, error) &&
       search_messages (self, match, limit, hits, what, error);
  if (!finish_transaction (self, ok, what, error))
    return NULL;

  g_ptr_array_sort (hits, compare_hits);
  if (hits->len > limit)
    g_ptr_array_set_size (hits, limit);

  return g_steal_pointer (&hits);
}
