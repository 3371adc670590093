/* chat-search-tokenizer.h: the FTS5 tokenizer for English and Chinese search
 *
 * Runs of letters and digits become lower-cased (case-folded) words.  Han,
 * kana and hangul become one token per character with the pair it starts
 * (a bigram) at the same position, so one- and two-character Chinese
 * queries match without a dictionary.  The trigram tokenizer built into
 * SQLite cannot match queries shorter than three characters, which is most
 * Chinese words.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The name tables use: tokenize='liao' */
#define CHAT_SEARCH_TOKENIZER_NAME "liao"

typedef enum {
  CHAT_SEARCH_CHAR_SEPARATOR,
  CHAT_SEARCH_CHAR_WORD,        /* part of a word: letters, digits, marks */
  CHAT_SEARCH_CHAR_CJK,         /* a token on its own: Han, kana, hangul */
} ChatSearchCharClass;

ChatSearchCharClass chat_search_char_classify           (gunichar    c);

/* Registers the tokenizer on @db; an SQLite result code. */
int                 chat_search_tokenizer_register      (sqlite3    *db);

/* A user's words as an FTS5 MATCH expression: each word a quoted phrase
 * (so no FTS5 syntax gets through), all required, the last Latin word of
 * four characters or more also as a prefix.  NULL when nothing in @query
 * can be searched (only spaces or punctuation). */
char               *chat_search_build_match_query       (const char *query);

G_END_DECLS
