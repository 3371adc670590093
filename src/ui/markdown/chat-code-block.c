/* chat-code-block.c: one fenced code block of a Markdown answer
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "chat-code-block.h"
#include "markdown-resources.h"

/* Past this, highlighting stalls the main loop for seconds: plain text. */
#define MAX_HIGHLIGHT_LINES 2000
#define MAX_HIGHLIGHT_BYTES (200 * 1024)

struct _ChatCodeBlock {
  GtkWidget      parent_instance;

  GtkLabel      *language_label;
  GtkSourceView *source_view;

  GtkSourceBuffer *buffer;
  GString       *shown;     /* the text in the buffer */
  char          *language;  /* as the fence names it */
};

G_DEFINE_FINAL_TYPE (ChatCodeBlock, chat_code_block, GTK_TYPE_WIDGET)

/* What models write after the fence, to GtkSourceView's ids. */
static const struct {
  const char *alias;
  const char *id;
} language_aliases[] = {
  { "bash", "sh" }, { "shell", "sh" }, { "zsh", "sh" }, { "console", "sh" },
  { "shellscript", "sh" }, { "py", "python3" }, { "python", "python3" },
  { "py3", "python3" }, { "js", "js" }, { "javascript", "js" }, { "node", "js" },
  { "mjs", "js" }, { "ts", "typescript" }, { "tsx", "typescript-jsx" },
  { "c++", "cpp" }, { "cxx", "cpp" }, { "cc", "cpp" }, { "hpp", "cpphdr" },
  { "h", "chdr" }, { "cs", "c-sharp" }, { "csharp", "c-sharp" }, { "c#", "c-sharp" },
  { "rs", "rust" }, { "golang", "go" }, { "rb", "ruby" }, { "yml", "yaml" },
  { "md", "markdown" }, { "kt", "kotlin" }, { "kts", "kotlin" },
  { "dockerfile", "docker" }, { "make", "makefile" }, { "mk", "makefile" },
  { "patch", "diff" }, { "ps1", "powershell" }, { "pwsh", "powershell" },
  { "bat", "dosbatch" }, { "cmd", "dosbatch" }, { "tex", "latex" },
  { "objective-c", "objc" }, { "objectivec", "objc" }, { "pl", "perl" },
  { "jsonc", "json" }, { "json5", "json" }, { "svg", "xml" }, { "htm", "html" },
  { "vue", "html" }, { "proto", "protobuf" }, { "tf", "terraform" }, { "hs", "haskell" },
};

const char *
chat_code_block_lookup_language (const char *language)
{
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  g_autofree char *word = NULL;
  g_autofree char *file_name = NULL;
  GtkSourceLanguage *found;

  if (language == NULL || *language == '\0')
    return NULL;
  word = g_ascii_strdown (language, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (language_aliases); i++)
    if (strcmp (language_aliases[i].alias, word) == 0)
      return language_aliases[i].id;
  found = gtk_source_language_manager_get_language (manager, word);
  if (found == NULL)
    {
      /* "file.<word>": the language of files with that extension. */
      file_name = g_strconcat ("file.", word, NULL);
      found = gtk_source_language_manager_guess_language (manager, file_name, NULL);
    }
  return found != NULL ? gtk_source_language_get_id (found) : NULL;
}

static void
update_buffer_scheme (GtkSourceBuffer *buffer)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();

  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "Adwaita-dark" : "Adwaita"));
}

static void
update_style_scheme (ChatCodeBlock *self)
{
  update_buffer_scheme (self->buffer);
}

/* GtkSourceView frees a language's parsed definition with the last buffer
 * that uses it, and parses its file again for the next one: 7 to 45 ms
 * (JSON and JavaScript are the slowest), each time a conversation's rows
 * are rebuilt.  One empty buffer per language used keeps it for the
 * process. */
static void
keep_language_loaded (GtkSourceLanguage *language)
{
  static GHashTable *keepers;
  const char *id = gtk_source_language_get_id (language);

  if (keepers == NULL)
    keepers = g_hash_table_new (g_str_hash, g_str_equal);
  if (!g_hash_table_contains (keepers, id))
    g_hash_table_insert (keepers, (gpointer) id, gtk_source_buffer_new_with_language (language));
}

static void
set_language (ChatCodeBlock *self,
              const char    *language)
{
  const char *id = chat_code_block_lookup_language (language);
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *found = id != NULL ? gtk_source_language_manager_get_language (manager, id) : NULL;

  g_free (self->language);
  self->language = g_strdup (language);
  gtk_label_set_text (self->language_label, language != NULL ? language : "");
  gtk_source_buffer_set_language (self->buffer, found);
  if (found != NULL)
    keep_language_loaded (found);
}

/* Appends what @text adds to the text shown, or shows it anew. */
static void
set_text (ChatCodeBlock *self,
          const char    *text)
{
  gsize length = strlen (text);
  GtkTextIter end;

  if (length >= self->shown->len && memcmp (text, self->shown->str, self->shown->len) == 0)
    {
      gtk_text_buffer_get_end_iter (GTK_TEXT_BUFFER (self->buffer), &end);
      gtk_text_buffer_insert (GTK_TEXT_BUFFER (self->buffer), &end,
                              text + self->shown->len, length - self->shown->len);
      g_string_append_len (self->shown, text + self->shown->len, length - self->shown->len);
    }
  else
    {
      gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), text, length);
      g_string_assign (self->shown, text);
    }
}

void
chat_code_block_set_code (ChatCodeBlock *self,
                          const char    *language,
                          const char    *text)
{
  gboolean small;

  g_return_if_fail (CHAT_IS_CODE_BLOCK (self));
  g_return_if_fail (text != NULL);

  if (g_strcmp0 (language, self->language) != 0)
    set_language (self, language);
  if (self->shown->len != strlen (text) || strcmp (text, self->shown->str) != 0)
    set_text (self, text);
  small = self->shown->len <= MAX_HIGHLIGHT_BYTES
          && gtk_text_buffer_get_line_count (GTK_TEXT_BUFFER (self->buffer)) <= MAX_HIGHLIGHT_LINES;
  if (gtk_source_buffer_get_highlight_syntax (self->buffer) != small)
    gtk_source_buffer_set_highlight_syntax (self->buffer, small);
}

/* A code block takes 2 to 4 ms to build (its template, its GtkSourceView
 * and buffer): in a streamed reply that made the frame where a block
 * starts the slowest of all.  So one is built ahead, on idle, and the
 * next is built when it is taken. */
static ChatCodeBlock *spare;
static guint spare_id;

static gboolean
build_spare (gpointer user_data)
{
  spare_id = 0;
  if (spare == NULL)
    spare = g_object_ref_sink (g_object_new (CHAT_TYPE_CODE_BLOCK, NULL));
  return G_SOURCE_REMOVE;
}

/* Preloading */

/* What the first code block of the process would otherwise load while a
 * reply streams: the list of languages, the style schemes, then the view's
 * classes with the spare block.  A language's own definition (about 10 ms)
 * loads with its first block: preloading many costs more than it saves. */
static gboolean
preload_step (gpointer user_data)
{
  static guint step;
  g_autoptr(GtkSourceBuffer) buffer = NULL;

  switch (step++)
    {
    case 0:
      chat_code_block_lookup_language ("sh");
      return G_SOURCE_CONTINUE;
    case 1:
      buffer = gtk_source_buffer_new (NULL);
      update_buffer_scheme (buffer);
      return G_SOURCE_CONTINUE;
    case 2:
      if (spare_id == 0)
        build_spare (NULL);
      return G_SOURCE_REMOVE;
    default:
      return G_SOURCE_REMOVE;
    }
}

void
chat_code_block_preload (void)
{
  static gboolean started;

  if (started)
    return;
  started = TRUE;
  /* A step an idle turn, after anything else there is to do. */
  g_idle_add_full (G_PRIORITY_LOW, preload_step, NULL, NULL);
}

GtkWidget *
chat_code_block_get_source_view (ChatCodeBlock *self)
{
  g_return_val_if_fail (CHAT_IS_CODE_BLOCK (self), NULL);

  return GTK_WIDGET (self->source_view);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChatCodeBlock *self = CHAT_CODE_BLOCK (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->shown->str);
}

GtkWidget *
chat_code_block_new (void)
{
  ChatCodeBlock *taken = g_steal_pointer (&spare);

  if (spare_id == 0)
    spare_id = g_idle_add_full (G_PRIORITY_LOW, build_spare, NULL, NULL);
  if (taken == NULL)
    return g_object_new (CHAT_TYPE_CODE_BLOCK, NULL);
  /* Ours until now: floating again, for the parent to take. */
  g_object_force_floating (G_OBJECT (taken));
  return GTK_WIDGET (taken);
}

static void
chat_code_block_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_CODE_BLOCK);
  /* The template's top child is not bound, so it is still there. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (chat_code_block_parent_class)->dispose (object);
}

static void
chat_code_block_finalize (GObject *object)
{
  ChatCodeBlock *self = CHAT_CODE_BLOCK (object);

  g_string_free (self->shown, TRUE);
  g_free (self->language);

  G_OBJECT_CLASS (chat_code_block_parent_class)->finalize (object);
}

static void
chat_code_block_class_init (ChatCodeBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_code_block_dispose;
  object_class->finalize = chat_code_block_finalize;

  /* Registered here, so that linking the view pulls the resources in. */
  chat_markdown_register_resource ();
  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/liaochat/Liao/markdown/chat-code-block.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatCodeBlock, language_label);
  gtk_widget_class_bind_template_child (widget_class, ChatCodeBlock, source_view);
  gtk_widget_class_install_action (widget_class, "code.copy", NULL, copy_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "codeblock");
}

static void
chat_code_block_init (ChatCodeBlock *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->shown = g_string_new (NULL);
  self->buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, FALSE);
  update_style_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
}
