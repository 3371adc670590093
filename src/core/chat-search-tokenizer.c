/* chat-search-tokenizer.c: the FTS5 tokenizer for English and Chinese search
 *
 * Documents: a Chinese run 这个模型 gives, per position, the character and
 * (colocated, at the same position) the pair it starts:
 *   0: 这 这个   1: 个 个模   2: 模 模型   3: 型
 * Queries: one character is its unigram; two or more are the chain of their
 * bigrams closed by the last character's unigram, as a phrase:
 *   模型 -> 模型 型        这个模型 -> 这个 个模 模型 型
 * The bigrams make "模型" match the pair (a short posting list rather than
 * two long ones); the closing unigram adds no condition (it always follows
 * its bigram) but makes the phrase span every character, so snippet()
 * marks the whole match: snippet() highlights by position and only uses
 * the offsets of the first token of each position, the unigram.
 */

#include "chat-search-tokenizer.h"

#include <string.h>

/* Longer runs (base64, hashes) are cut; queries are cut the same way. */
#define MAX_WORD_BYTES 255
/* Words this long or longer get prefix matching when they end a query;
 * shorter prefixes ("the*": then, there, these, theory…) match so many
 * words that ranking them all costs more than the search budget. */
#define MIN_PREFIX_CHARS 4

typedef int (*TokenFunc) (void       *ctx,
                          int         tflags,
                          const char *token,
                          int         n_token,
                          int         start,
                          int         end);

typedef struct {
  void       *ctx;
  TokenFunc   emit;
  const char *text;
  int         length;
} Tokenizing;

ChatSearchCharClass
chat_search_char_classify (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) ? CHAT_SEARCH_CHAR_WORD : CHAT_SEARCH_CHAR_SEPARATOR;

  /* The katakana prolonged sound mark is "common" script, yet part of words. */
  if (c == 0x30FC)
    return CHAT_SEARCH_CHAR_CJK;

  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
      return CHAT_SEARCH_CHAR_CJK;
    default:
      break;
    }

  if (g_unichar_isalnum (c) || g_unichar_ismark (c))
    return CHAT_SEARCH_CHAR_WORD;

  return CHAT_SEARCH_CHAR_SEPARATOR;
}

/* The character at @offset and where the next one starts; invalid UTF-8
 * is skipped a byte at a time as a separator. */
static gunichar
char_at (const char *text,
         int         length,
         int         offset,
         int        *next)
{
  guchar byte = (guchar) text[offset];
  gunichar c;

  if (byte < 0x80)
    {
      *next = offset + 1;
      return byte;
    }

  c = g_utf8_get_char_validated (text + offset, length - offset);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      *next = offset + 1;
      return 0;
    }

  *next = g_utf8_next_char (text + offset) - text;
  return c;
}

static ChatSearchCharClass
class_at (const Tokenizing *t,
          int               offset,
          int              *next)
{
  return chat_search_char_classify (char_at (t->text, t->length, offset, next));
}

/* Cuts @length bytes of UTF-8 to at most MAX_WORD_BYTES, on a character boundary. */
static int
clamp_word (const char *word,
            int         length)
{
  if (length <= MAX_WORD_BYTES)
    return length;

  length = MAX_WORD_BYTES;
  while (length > 0 && ((guchar) word[length] & 0xC0) == 0x80)
    length--;

  return length;
}

static int
emit_ascii_word (Tokenizing *t,
                 int         start,
                 int         end)
{
  char folded[MAX_WORD_BYTES];
  int length = MIN (end - start, MAX_WORD_BYTES);

  for (int i = 0; i < length; i++)
    folded[i] = g_ascii_tolower (t->text[start + i]);

  return t->emit (t->ctx, 0, folded, length, start, end);
}

/* Case-folded and NFKC-normalized, so "Straße" finds "STRASSE" and
 * full-width "ＧＬＭ" finds "glm". */
static int
emit_word (Tokenizing *t,
           int         start,
           int         end,
           gboolean    ascii)
{
  g_autofree char *folded = NULL;
  g_autofree char *normalized = NULL;

  if (ascii)
    return emit_ascii_word (t, start, end);

  folded = g_utf8_casefold (t->text + start, end - start);
  normalized = g_utf8_normalize (folded, -1, G_NORMALIZE_ALL_COMPOSE);
  if (normalized == NULL)
    return SQLITE_OK;

  return t->emit (t->ctx, 0, normalized, clamp_word (normalized, strlen (normalized)),
                  start, end);
}

static int
tokenize_word (Tokenizing *t,
               int         start,
               int        *end)
{
  gboolean ascii = TRUE;
  int offset = start;

  while (offset < t->length)
    {
      int next;

      if (class_at (t, offset, &next) != CHAT_SEARCH_CHAR_WORD)
        break;
      ascii = ascii && next == offset + 1;
      offset = next;
    }

  *end = offset;
  return emit_word (t, start, offset, ascii);
}

/* Per character: the unigram, then the bigram it starts, colocated. */
static int
tokenize_cjk_document (Tokenizing *t,
                       int         start,
                       int         end)
{
  int offset = start;

  while (offset < end)
    {
      int next = g_utf8_next_char (t->text + offset) - t->text;
      int rc = t->emit (t->ctx, 0, t->text + offset, next - offset, offset, next);

      if (rc == SQLITE_OK && next < end)
        {
          int after = g_utf8_next_char (t->text + next) - t->text;

          rc = t->emit (t->ctx, FTS5_TOKEN_COLOCATED, t->text + offset, after - offset,
                        offset, after);
        }
      if (rc != SQLITE_OK)
        return rc;
      offset = next;
    }

  return SQLITE_OK;
}

/* The chain of bigrams, then the last character (see the top of the file). */
static int
tokenize_cjk_query (Tokenizing *t,
                    int         start,
                    int         end)
{
  int offset = start;

  while (offset < end)
    {
      int next = g_utf8_next_char (t->text + offset) - t->text;
      int stop = next;
      int rc;

      if (next < end)
        stop = g_utf8_next_char (t->text + next) - t->text;
      rc = t->emit (t->ctx, 0, t->text + offset, stop - offset, offset, stop);
      if (rc != SQLITE_OK)
        return rc;
      if (next < end && stop == end)
        return t->emit (t->ctx, 0, t->text + next, end - next, next, end);
      offset = next;
    }

  return SQLITE_OK;
}

static int
tokenize_cjk (Tokenizing *t,
              int         start,
              gboolean    query,
              int        *end)
{
  int offset = start;

  while (offset < t->length)
    {
      int next;

      if (class_at (t, offset, &next) != CHAT_SEARCH_CHAR_CJK)
        break;
      offset = next;
    }

  *end = offset;
  if (query)
    return tokenize_cjk_query (t, start, offset);
  return tokenize_cjk_document (t, start, offset);
}

static int
liao_tokenize (Fts5Tokenizer *tokenizer,
               void          *ctx,
               int            flags,
               const char    *text,
               int            length,
               TokenFunc      emit)
{
  Tokenizing t = { ctx, emit, text, length };
  gboolean query = (flags & FTS5_TOKENIZE_QUERY) != 0;
  int offset = 0;
  int rc = SQLITE_OK;

  while (rc == SQLITE_OK && offset < length)
    {
      int next;

      switch (class_at (&t, offset, &next))
        {
        case CHAT_SEARCH_CHAR_WORD:
          rc = tokenize_word (&t, offset, &next);
          break;
        case CHAT_SEARCH_CHAR_CJK:
          rc = tokenize_cjk (&t, offset, query, &next);
          break;
        case CHAT_SEARCH_CHAR_SEPARATOR:
        default:
          break;
        }
      offset = next;
    }

  return rc;
}

/* The tokenizer keeps no state: any non-NULL handle will do. */
static int
liao_create (void           *context,
             const char    **args,
             int             n_args,
             Fts5Tokenizer **tokenizer)
{
  static char handle;

  *tokenizer = (Fts5Tokenizer *) &handle;
  return SQLITE_OK;
}

static void
liao_delete (Fts5Tokenizer *tokenizer)
{
}

static fts5_api *
lookup_fts5_api (sqlite3 *db)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;

  sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return api;
}

int
chat_search_tokenizer_register (sqlite3 *db)
{
  static fts5_tokenizer tokenizer = { liao_create, liao_delete, liao_tokenize };
  fts5_api *api = lookup_fts5_api (db);

  if (api == NULL || api->iVersion < 2)
    return SQLITE_ERROR;

  return api->xCreateTokenizer (api, CHAT_SEARCH_TOKENIZER_NAME, NULL, &tokenizer, NULL);
}

/* The class of @term's last searchable character, and how many word
 * characters end it (the last token when that is a word). */
static ChatSearchCharClass
last_token_class (const char *term,
                  guint      *n_word_chars)
{
  ChatSearchCharClass last = CHAT_SEARCH_CHAR_SEPARATOR;

  *n_word_chars = 0;
  for (const char *p = term; *p != '\0'; p = g_utf8_next_char (p))
    {
      ChatSearchCharClass class = chat_search_char_classify (g_utf8_get_char (p));

      if (class == CHAT_SEARCH_CHAR_SEPARATOR)
        continue;
      if (class != CHAT_SEARCH_CHAR_WORD || last != CHAT_SEARCH_CHAR_WORD)
        *n_word_chars = 0;
      if (class == CHAT_SEARCH_CHAR_WORD)
        (*n_word_chars)++;
      last = class;
    }

  return last;
}

static void
append_phrase (GString    *match,
               const char *term)
{
  if (match->len > 0)
    g_string_append_c (match, ' ');

  g_string_append_c (match, '"');
  for (const char *p = term; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (match, '"');
      g_string_append_c (match, *p);
    }
  g_string_append_c (match, '"');
}

/* Splits on any white space, the ideographic space (U+3000) included. */
static GPtrArray *
split_terms (const char *text)
{
  GPtrArray *terms = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;

  for (const char *p = text; ; p = g_utf8_next_char (p))
    {
      if (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        continue;
      if (p > start)
        g_ptr_array_add (terms, g_strndup (start, p - start));
      if (*p == '\0')
        break;
      start = g_utf8_next_char (p);
    }

  return terms;
}

char *
chat_search_build_match_query (const char *query)
{
  g_autofree char *valid = NULL;
  g_autoptr(GPtrArray) terms = NULL;
  g_autoptr(GString) match = g_string_new (NULL);
  ChatSearchCharClass last = CHAT_SEARCH_CHAR_SEPARATOR;
  guint n_word_chars = 0;

  g_return_val_if_fail (query != NULL, NULL);

  valid = g_utf8_make_valid (query, -1);
  terms = split_terms (valid);
  for (guint i = 0; i < terms->len; i++)
    {
      const char *term = g_ptr_array_index (terms, i);
      guint n_chars;
      ChatSearchCharClass class = last_token_class (term, &n_chars);

      if (class == CHAT_SEARCH_CHAR_SEPARATOR)
        continue;
      append_phrase (match, term);
      last = class;
      n_word_chars = n_chars;
    }

  if (match->len == 0)
    return NULL;
  if (last == CHAT_SEARCH_CHAR_WORD && n_word_chars >= MIN_PREFIX_CHARS)
    g_string_append (match, " *");

  return g_string_free (g_steal_pointer (&match), FALSE);
}
