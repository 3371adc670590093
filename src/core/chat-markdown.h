/* chat-markdown.h: Markdown (md4c) -> a list of blocks to draw
 *
 * Model output is parsed with md4c (GitHub dialect: tables, strikethrough,
 * task lists, autolinks) into flat blocks.  Inline formatting becomes Pango
 * markup in which every character of the source text is escaped, so text
 * such as <b>, & or <span> shows literally; only bold, italic, code,
 * strikethrough and links become markup.  Nothing here depends on GTK.
 *
 * A reply that is still growing is parsed incrementally: every block before
 * the last one is final, so only the tail is parsed again.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CHAT_BLOCK_PARAGRAPH,
  CHAT_BLOCK_HEADING,     /* level 1-6 */
  CHAT_BLOCK_LIST_ITEM,   /* level = nesting depth from 1; marker "•", "3.", "☐", "☑" */
  CHAT_BLOCK_QUOTE,       /* a paragraph inside level quotes */
  CHAT_BLOCK_CODE,        /* language (may be NULL) and raw text */
  CHAT_BLOCK_TABLE,       /* n_columns, cells (markup) row-major, first row is the header */
  CHAT_BLOCK_RULE,
} ChatBlockKind;

typedef enum {
  CHAT_ALIGN_DEFAULT,
  CHAT_ALIGN_LEFT,
  CHAT_ALIGN_CENTER,
  CHAT_ALIGN_RIGHT,
} ChatAlign;

typedef struct {
  ChatBlockKind  kind;
  guint          level;
  char          *markup;     /* paragraph, heading, list item, quote */
  char          *marker;     /* list item */
  char          *language;   /* code */
  char          *text;       /* code: the raw text, without the fences */
  guint          n_columns;  /* table */
  GPtrArray     *cells;      /* table: char * markup, row-major */
  ChatAlign     *alignments; /* table: n_columns entries */
  gsize          source_start;
  gsize          source_end; /* byte range of the block in the Markdown source */
} ChatBlock;

void        chat_block_free            (ChatBlock   *block);
/* Whether @a and @b show the same; their source ranges may differ. */
gboolean    chat_block_equal           (const ChatBlock *a,
                                        const ChatBlock *b);
guint       chat_block_get_n_rows      (const ChatBlock *block);

/* Parses all of @text: a new array of ChatBlock (owned, with free func). */
GPtrArray  *chat_markdown_parse        (const char  *text,
                                        gssize       length);

/* Escapes @text for Pango markup (&, <, >, ', "). */
char       *chat_markdown_escape       (const char  *text,
                                        gssize       length);

typedef struct _ChatMarkdownStream ChatMarkdownStream;

ChatMarkdownStream *chat_markdown_stream_new        (void);
void                chat_markdown_stream_free       (ChatMarkdownStream *self);
/* @text is the whole text so far (it only grows while streaming; anything
 * else starts over).  Returns the index of the first block that changed;
 * blocks before it are untouched, so a view redraws only from there (the
 * number of blocks if none changed; a changed block may be the same
 * ChatBlock updated in place). */
guint               chat_markdown_stream_update     (ChatMarkdownStream *self,
                                                     const char         *text,
                                                     gsize               length);
GPtrArray          *chat_markdown_stream_get_blocks (ChatMarkdownStream *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatBlock, chat_block_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatMarkdownStream, chat_markdown_stream_free)

G_END_DECLS
