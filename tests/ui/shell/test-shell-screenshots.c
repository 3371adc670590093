/* test-shell-screenshots.c: the main window, in English and in Chinese
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In-process, as test-shell-window.c: a real store in a scratch folder, the
 * fake GLM server, a window.  The window tests ask a question, wait for the
 * finished reply (reasoning, Markdown, a code block) and save a screenshot
 * to screenshots/ beside this program; data/screenshots/ holds copies.
 *
 * The Chinese tests check that the zh_CN translation of this build reaches
 * the window's own words (header, sidebar groups, composer), not only
 * gettext: they fail when the catalogue is missing or not used.  Tests run
 * in the C.UTF-8 locale, and zh_CN.UTF-8 need not be generated: glibc
 * honours LANGUAGE for every locale but plain C and POSIX, so LANGUAGE
 * picks the language and bindtextdomain () the build's po/ folder.
 */

#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "chat-code-block.h"
#include "chat-composer.h"
#include "chat-fake-server.h"
#include "chat-preferences-window.h"
#include "chat-profile.h"
#include "chat-reasoning-block.h"
#include "chat-sidebar.h"
#include "chat-sidebar-item.h"
#include "chat-window.h"
#include "shell-test-util.h"

#define TIMEOUT_MS 20000
#define REPLY_FIXTURE "screenshot-reply"
#define EVENT_DELAY_MS 100

/* What one language's screenshot shows. */
typedef struct {
  const char *language;           /* LANGUAGE */
  const char *suffix;             /* of the screenshots' names */
  const char *titles[5];          /* pinned, today, yesterday, last week, older */
  const char *question;
  const char *reasoning;
  const char *answer;
  /* The window's words as this language shows them (from po/zh_CN.po). */
  const char *new_conversation;
  const char *groups;             /* the sidebar's headers, "|"-separated */
  const char *ask_anything;
} Language;

static const Language english = {
  .language = "en",
  .suffix = "en",
  .titles = { "Release checklist", "Weekend hike", "Sourdough starter", "Trip to Chengdu", "Tax questions" },
  .question = "How do I read a big file line by line?",
  .reasoning = "\nThe user wants to read a big file without loading it all. Iterating over the file "
               "object reads one line at a time; a with block closes it. Show a short example.",
  .answer = "Iterate over the file object: Python reads it **lazily**, one line at a time, "
            "so even a huge file needs little memory.\n\n"
            "```python\n"
            "with open(\"server.log\", encoding=\"utf-8\") as log:\n"
            "    for number, line in enumerate(log, start=1):\n"
            "        if \"ERROR\" in line:\n"
            "            print(number, line.rstrip())\n"
            "```\n\n"
            "- `with` closes the file, even when an exception is raised.\n"
            "- `rstrip()` drops the line break at the end of each line.\n\n"
            "To get *all* lines as a list at once, use `log.readlines()`.",
  .new_conversation = "New Conversation",
  .groups = "Pinned|Today|Yesterday|Previous 7 Days|Older",
  .ask_anything = "Ask anything",
};

static const Language chinese = {
  .language = "zh_CN",
  .suffix = "zh",
  .titles = { "发布前检查清单", "周末去哪里爬山", "酸面包酵种", "成都旅行计划", "个税汇算问题" },
  .question = "Python 怎样逐行读取一个很大的文件？",
  .reasoning = "\n用户想读取大文件又不想一次全部载入内存。直接遍历文件对象就是逐行读取，"
               "配合 with 语句自动关闭文件。给一个简短的例子。",
  .answer = "直接遍历文件对象即可：Python 会**按需**逐行读取，再大的文件也只占用很少的内存。\n\n"
            "```python\n"
            "with open(\"server.log\", encoding=\"utf-8\") as log:\n"
            "    for number, line in enumerate(log, start=1):\n"
            "        if \"ERROR\" in line:\n"
            "            print(number, line.rstrip())\n"
            "```\n\n"
            "- `with` 语句保证文件被关闭，即使中途出现异常。\n"
            "- `rstrip()` 去掉每行末尾的换行符。\n\n"
            "如果想*一次*得到所有行的列表，可以用 `log.readlines()`。",
  .new_conversation = "新对话",
  .groups = "已置顶|今天|昨天|过去 7 天|更早",
  .ask_anything = "有问题尽管问",
};

typedef struct {
  const Language *lang;
  char           *dir;
  ChatStore      *store;
  ChatClient     *client;
  ChatFakeServer *server;
  char           *base_url;
  ChatWindow     *window;
  guint           n_finished;
} Fixture;

/* gettext keeps what it translated until the locale is set again. */
static void
use_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "");
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_usage (JsonBuilder *builder)
{
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  add_int_member (builder, "prompt_tokens", 24);
  add_int_member (builder, "completion_tokens", 186);
  add_int_member (builder, "total_tokens", 210);
  json_builder_end_object (builder);
}

/* Builds one streamed chunk the way the GLM API sends it. */
static void
append_event (GString    *sse,
              const char *member,
              const char *text,
              gssize      length,
              const char *finish_reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *delta = length < 0 ? g_strdup (text) : g_strndup (text, length);
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "id", "20260101120000screenshot");
  add_int_member (builder, "created", 1767268800);
  add_string_member (builder, "model", "glm-4.7");
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_int_member (builder, "index", 0);
  if (finish_reason != NULL)
    add_string_member (builder, "finish_reason", finish_reason);
  json_builder_set_member_name (builder, "delta");
  json_builder_begin_object (builder);
  add_string_member (builder, "role", "assistant");
  add_string_member (builder, member, delta);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  /* The last chunk carries the usage. */
  if (finish_reason != NULL)
    add_usage (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  g_string_append_printf (sse, "data: %s\n\n", json);
}

/* @text in about @n_events deltas of equal length, as a model streams it. */
static void
append_deltas (GString    *sse,
               const char *member,
               const char *text,
               guint       n_events)
{
  guint length = (g_utf8_strlen (text, -1) + n_events - 1) / n_events;
  const char *start = text;

  while (*start != '\0')
    {
      const char *end = start;

      for (guint i = 0; i < length && *end != '\0'; i++)
        end = g_utf8_next_char (end);
      append_event (sse, member, start, end - start, NULL);
      start = end;
    }
}

/* NAME.sse for the fake server: the reasoning, the answer, usage, [DONE]. */
static void
write_reply_fixture (const char     *dir,
                     const Language *lang)
{
  g_autoptr(GString) sse = g_string_new (NULL);
  g_autofree char *path = g_build_filename (dir, REPLY_FIXTURE ".sse", NULL);
  g_autoptr(GError) error = NULL;

  /* EVENT_DELAY_MS apart (and drawn): a second or two of thinking, then the
   * answer, so the footer's figures look like a real reply's. */
  append_deltas (sse, "reasoning_content", lang->reasoning, 10);
  append_deltas (sse, "content", lang->answer, 6);
  append_event (sse, "content", "", -1, "stop");
  g_string_append (sse, "data: [DONE]\n\n");
  g_file_set_contents (path, sse->str, sse->len, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->lang = data;
  use_language (f->lang->language);
  g_setenv ("LIAO_API_KEY", "screenshot-test-key", TRUE);
  f->dir = shell_test_make_dir ();
  path = g_build_filename (f->dir, "liao.db", NULL);
  f->store = chat_store_open (path, &error);
  g_assert_no_error (error);
  f->client = chat_client_new ();
  f->server = chat_fake_server_new (&error);
  g_assert_no_error (error);
  f->base_url = chat_fake_server_dup_base_url (f->server);
  write_reply_fixture (f->dir, f->lang);
  chat_fake_server_set_fixtures_dir (f->server, f->dir);
  chat_fake_server_set_scenario (f->server, "fixture:" REPLY_FIXTURE);
  chat_fake_server_set_event_delay (f->server, EVENT_DELAY_MS);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  shell_test_settle (50);
  g_clear_object (&f->store);
  g_clear_object (&f->client);
  g_clear_object (&f->server);
  g_free (f->base_url);
  shell_test_remove_dir (f->dir);
  g_free (f->dir);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_setenv ("LIAO_API_KEY", "", TRUE);
}

/* A conversation in each of the sidebar's groups; the question asked
 * becomes Today's first. */
static void
seed (Fixture *f)
{
  static const int days_ago[] = { 40, 0, 1, 4, 60 };
  const Language *lang = f->lang;

  for (guint i = 0; i < G_N_ELEMENTS (days_ago); i++)
    shell_test_seed (f->store, lang->titles[i], days_ago[i], i == 0, NULL);
}

static gpointer
child (Fixture    *f,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (f->window), CHAT_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
window_is_drawn (gpointer data)
{
  GtkWidget *window = data;

  return gtk_widget_get_mapped (window) && gtk_widget_get_width (window) > 0;
}

static void
on_reply_finished (ChatConversationView *view,
                   gint64                conversation_id,
                   const GError         *error,
                   Fixture              *f)
{
  g_assert_no_error ((GError *) error);
  f->n_finished++;
}

static void
open_window (Fixture *f)
{
  f->window = chat_window_new (NULL, f->store, f->client, f->base_url);
  g_signal_connect (chat_window_get_view (f->window), "reply-finished", G_CALLBACK (on_reply_finished), f);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1040, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  shell_test_wait_until (window_is_drawn, f->window, TIMEOUT_MS, "the window to show");
  shell_test_settle (300);
}

/* The sidebar's headers, "|"-separated. */
static char *
dup_groups (Fixture *f)
{
  GListModel *items = chat_sidebar_get_items (child (f, "sidebar"));
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(ChatSidebarItem) item = g_list_model_get_item (items, i);

      if (chat_sidebar_item_get_kind (item) == CHAT_SIDEBAR_ITEM_HEADER)
        g_string_append_printf (text, "%s%s", text->len > 0 ? "|" : "", chat_sidebar_item_get_title (item));
    }
  return g_strdup (text->str);
}

static gboolean
is_label_shown (GtkWidget *widget,
                gpointer   data)
{
  return gtk_widget_is_drawable (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

/* @text is on screen in a label under @root, not only in a model. */
static void
assert_shows (GtkWidget  *root,
              const char *text)
{
  if (shell_test_find_widget (root, GTK_TYPE_LABEL, is_label_shown, (gpointer) text) == NULL)
    g_error ("No label shows “%s”", text);
}

static void
assert_chrome (Fixture *f)
{
  g_auto(GStrv) groups = g_strsplit (f->lang->groups, "|", -1);
  g_autofree char *listed = dup_groups (f);

  g_assert_cmpstr (listed, ==, f->lang->groups);
  for (guint i = 0; groups[i] != NULL; i++)
    assert_shows (GTK_WIDGET (child (f, "sidebar")), groups[i]);
  g_assert_cmpstr (adw_window_title_get_title (child (f, "window_title")), ==, f->lang->new_conversation);
  assert_shows (GTK_WIDGET (f->window), f->lang->new_conversation);
  assert_shows (GTK_WIDGET (chat_window_get_view (f->window)), f->lang->ask_anything);
}

static void
ask (Fixture *f)
{
  ChatConversationView *view = chat_window_get_view (f->window);
  ChatComposer *composer = CHAT_COMPOSER (shell_test_find_widget (GTK_WIDGET (view), CHAT_TYPE_COMPOSER, NULL, NULL));
  guint finished = f->n_finished;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  chat_composer_set_text (composer, f->lang->question);
  g_signal_emit_by_name (composer, "send");
  while (f->n_finished == finished || chat_conversation_view_get_busy (view))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for the reply");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpstr (adw_window_title_get_title (child (f, "window_title")), ==, f->lang->question);
}

/* The header names the fake server's URL (as with --base-url); what a user
 * of the real endpoint sees is the profile's name alone. */
static void
show_profile_subtitle (Fixture *f)
{
  g_autoptr(ChatProfile) general = chat_profile_lookup_builtin ("general");
  g_autofree char *expected = g_strdup_printf (_("%1$s instead of %2$s"), f->base_url,
                                               chat_profile_get_name (general));
  AdwWindowTitle *title = child (f, "window_title");

  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, expected);
  adw_window_title_set_subtitle (title, chat_profile_get_name (general));
}

static gboolean
is_drawable (GtkWidget *widget,
             gpointer   data)
{
  return gtk_widget_is_drawable (widget);
}

static void
assert_reply_drawn (Fixture *f,
                    gboolean expand_reasoning)
{
  GtkWidget *view = GTK_WIDGET (chat_window_get_view (f->window));
  GtkWidget *reasoning = shell_test_find_widget (view, CHAT_TYPE_REASONING_BLOCK, is_drawable, NULL);
  g_autofree char *thought = NULL;

  g_assert_nonnull (shell_test_find_widget (view, CHAT_TYPE_CODE_BLOCK, is_drawable, NULL));
  g_assert_nonnull (reasoning);
  thought = chat_reasoning_block_dup_text (CHAT_REASONING_BLOCK (reasoning));
  g_assert_cmpstr (thought, ==, f->lang->reasoning + 1);
  chat_reasoning_block_set_expanded (CHAT_REASONING_BLOCK (reasoning), expand_reasoning);
}

/* A text view lays its lines out on idle, a line it has not yet being 0
 * high: a code block can show a line short for a moment after the reply
 * has finished.  Whether the last line has its height, and the view the
 * height it then asks for. */
static gboolean
code_is_laid_out (GtkTextView *view)
{
  GtkTextIter end;
  int y, line_height, natural;

  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (view), &end);
  gtk_text_view_get_line_yrange (view, &end, &y, &line_height);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (GTK_WIDGET (view)),
                      NULL, &natural, NULL, NULL);
  return line_height > 0 && natural == gtk_widget_get_height (GTK_WIDGET (view));
}

/* Every widget's size; FALSE while a code block is not fully laid out. */
static gboolean
add_sizes (GtkWidget *widget,
           GString   *sizes)
{
  gboolean done = TRUE;

  g_string_append_printf (sizes, "%d,%d;", gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  if (CHAT_IS_CODE_BLOCK (widget) && gtk_widget_is_drawable (widget))
    done = code_is_laid_out (GTK_TEXT_VIEW (shell_test_find_widget (widget, GTK_TYPE_TEXT_VIEW, NULL, NULL)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    done &= add_sizes (child, sizes);
  return done;
}

/* Lets transitions end, fonts load and code get highlighted and measured:
 * until the sizes under @widget stay the same for a while. */
static void
wait_layout_settled (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  g_autofree char *before = NULL;

  for (guint same = 0; same < 4; )
    {
      GString *sizes = g_string_new (NULL);
      gboolean done;

      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for the layout to settle");
      shell_test_settle (100);
      done = add_sizes (widget, sizes);
      same = done && g_strcmp0 (before, sizes->str) == 0 ? same + 1 : 0;
      g_free (before);
      before = g_string_free (sizes, FALSE);
    }
}

static void
shoot (Fixture    *f,
       GtkWidget  *widget,
       const char *name)
{
  g_autofree char *full_name = g_strdup_printf ("%s-%s", name, f->lang->suffix);
  g_autofree char *path = NULL;

  wait_layout_settled (widget);
  path = shell_test_screenshot (widget, full_name);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_main (Fixture       *f,
           gconstpointer  data)
{
  seed (f);
  open_window (f);
  assert_chrome (f);
  ask (f);
  show_profile_subtitle (f);
  assert_reply_drawn (f, TRUE);
  shoot (f, GTK_WIDGET (f->window), "main");
}

static void
test_dark (Fixture       *f,
           gconstpointer  data)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  seed (f);
  open_window (f);
  assert_chrome (f);

  ask (f);
  show_profile_subtitle (f);
  assert_reply_drawn (f, FALSE);
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  shoot (f, GTK_WIDGET (f->window), "main-dark");
}

static GtkWindow *
find_preferences (void)
{
  return shell_test_find_toplevel (CHAT_TYPE_PREFERENCES_WINDOW, NULL);
}

static void
test_preferences (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *preferences;

  seed (f);
  open_window (f);
  /* Without --base-url (it would show in every group): the window sends
   * nothing until a connection is tested or a model list opened. */
  preferences = chat_preferences_window_new (GTK_WINDOW (f->window), f->client, NULL);
  gtk_window_set_default_size (GTK_WINDOW (preferences), 720, 700);
  gtk_window_present (GTK_WINDOW (preferences));
  shell_test_wait_until (window_is_drawn, preferences, TIMEOUT_MS, "the Preferences window");
  g_assert_true (find_preferences () == GTK_WINDOW (preferences));
  /* The window's title, and the first page's: the translation is used. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (preferences)), ==,
                   g_str_equal (f->lang->suffix, "zh") ? "首选项" : "Preferences");
  shoot (f, preferences, "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* This build's catalogue is there and GLib uses it (see main ()). */
static void
test_catalogue (void)
{
  use_language ("zh_CN");
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "New Conversation"), ==, chinese.new_conversation);
  g_assert_cmpstr (_("Ask anything"), ==, chinese.ask_anything);
  use_language ("en");
  g_assert_cmpstr (_("New Conversation"), ==, english.new_conversation);
}

static void
add_test (const char     *path,
          const Language *lang,
          void          (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, lang, fixture_set_up, test, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config_home = shell_test_make_dir ();
  int status;

  /* Keys only from the environment and a file of this run's own. */
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("LIAO_SECRETS_BACKEND", "file", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, LIAO_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* GLib decides at its first translation whether to translate at all
   * (g_dgettext's "should translate" check): it must see Chinese then. */
  use_language ("zh_CN");
  g_dgettext (GETTEXT_PACKAGE, "");
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/shell/screenshots/catalogue", test_catalogue);
  add_test ("/shell/screenshots/main/en", &english, test_main);
  add_test ("/shell/screenshots/main/zh", &chinese, test_main);
  add_test ("/shell/screenshots/dark/en", &english, test_dark);
  add_test ("/shell/screenshots/dark/zh", &chinese, test_dark);
  add_test ("/shell/screenshots/preferences/en", &english, test_preferences);
  add_test ("/shell/screenshots/preferences/zh", &chinese, test_preferences);

  status = g_test_run ();
  shell_test_remove_dir (config_home);
  return status;
}
