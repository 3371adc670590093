/* bench-store.c: the store at 100,000 messages
 *
 * Builds (in a temporary folder) 1,000 conversations and 100,000 messages of
 * mixed English and Chinese, 50 to 2,000 characters long, one conversation
 * holding a tenth of them (10,000), then prints the median, minimum and
 * maximum of several runs of: open + list the conversations (also on the
 * first open of a day, which checks the whole file), load the big
 * conversation, search (six queries, and two function words as the worst
 * case), and checkpoint a streaming reply; as a table and one JSON line
 * per figure.
 *
 *   bench-store [--messages N] [--runs N] [--db PATH]
 *
 * --messages scales everything (conversations = N / 100, the big one N / 10);
 * --db keeps the store at PATH, and reuses it when it exists.
 */

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chat-search-tokenizer.h"
#include "chat-store.h"

#define BIG_TITLE "The big conversation"
#define N_CHECKPOINTS 200

typedef struct {
  char   *name;
  char   *label;
  char   *query;     /* for searches */
  double  target_ms;
  gint64  count;     /* rows involved: messages loaded, messages matched */
  GArray *samples;   /* of double, milliseconds */
} Figure;

/* Text is drawn from a vocabulary with Zipf frequencies (the word of rank r
 * comes up in proportion to 1/r): function words first, the real content
 * words spread over ranks 30 to ~700 among made-up words, 5,000 in all,
 * so that a content word is in a few percent of the messages, as in real
 * chats, rather than in all of them. */
#define VOCABULARY_SIZE 5000
#define CONTENT_STRIDE 9

static const char * const english_function[] = {
  "the", "of", "and", "to", "a", "in", "is", "it", "that", "for", "you", "with", "on", "this",
  "be", "are", "as", "can", "if", "not", "or", "but", "have", "will", "from", "by", "at", "an",
  "your", "we",
};

static const char * const english_content[] = {
  "function", "model", "data", "file", "error", "value", "list", "string", "return", "code",
  "server", "request", "response", "memory", "thread", "query", "table", "cache", "network",
  "latency", "python", "rust", "kernel", "performance", "database", "index", "compiler",
  "example", "question", "answer", "token", "stream", "parser", "buffer", "window", "widget",
  "render", "layout", "optimize", "benchmark", "algorithm", "sort", "tree", "branch", "commit",
  "merge", "test", "deploy", "container", "config", "option", "setting", "user", "client",
  "library", "version", "upgrade", "migration", "schema", "search", "ranking", "snippet",
  "variant", "because", "should", "would", "first", "then", "when", "which",
};

static const char * const english_syllables[] = {
  "ka", "lo", "mi", "ter", "son", "ing", "ex", "pro", "con", "al", "ver", "tion", "da", "ri",
  "ble", "men", "tra", "pi", "nor", "vel", "st", "qu", "ad", "ent", "or", "un",
};

static const char * const chinese_function[] = {
  "的", "是", "了", "在", "我们", "你", "这个", "一个", "可以", "如果", "因为", "所以", "但是",
  "我", "他", "不", "也", "就", "都", "和", "有", "要", "会", "对", "这", "那", "还", "把",
  "被", "让",
};

static const char * const chinese_content[] = {
  "数据", "查询", "函数", "变量", "错误", "文件", "服务器", "请求", "响应", "内存", "线程",
  "缓存", "网络", "延迟", "代码", "问题", "回答", "例子", "首先", "然后", "需要", "模型",
  "数据库", "使用", "性能", "优化", "索引", "返回", "字符串", "列表", "排序", "算法", "测试",
  "部署", "配置", "选项", "用户", "客户端", "版本", "升级", "迁移", "搜索", "排名", "摘要",
  "分支", "合并", "提交", "编译器", "内核", "窗口", "渲染", "布局", "很好", "非常", "简单",
  "复杂", "快速", "安全", "稳定", "结果", "方法", "系统", "设计", "实现",
};

/* Common characters the made-up Chinese words are paired from. */
static const char chinese_characters[] =
  "人大中国年上生时到地出说们为子和过后自以家用学下天心成来多经发当样与作里面看开现长所起"
  "实业同定进行种动工本前高手方小意没日法理点只些从又知民水全化力机外她部把体最向主间通明"
  "路正真关资相见提问信将电文气合书己期物场活海性论东西南北望美感光路程听原市直形认清区条"
  "花色深山风片草木石云雨雪江河城村门户房车船飞马牛羊鸟鱼虫米茶酒饭菜肉蛋奶糖盐油";

static const char * const english_queries[] = { "performance", "database index", "migra" };
static const char * const chinese_queries[] = { "模型", "数据库", "客户端" };
/* Function words: in most messages, the worst case for ranking. */
static const char * const common_queries[] = { "the", "的" };

typedef struct {
  GPtrArray *words;       /* by rank */
  GArray    *cumulative;  /* of double: the Zipf weights summed up to each rank */
} Vocabulary;

static char *
made_up_word (GRand    *rand,
              gboolean  chinese)
{
  GString *word = g_string_new (NULL);
  guint n_parts = chinese ? 2 : g_rand_int_range (rand, 2, 4);
  glong n_characters = g_utf8_strlen (chinese_characters, -1);

  for (guint i = 0; i < n_parts; i++)
    {
      if (chinese)
        {
          const char *c = g_utf8_offset_to_pointer (chinese_characters,
                                                    g_rand_int_range (rand, 0, n_characters));

          g_string_append_len (word, c, g_utf8_next_char (c) - c);
        }
      else
        g_string_append (word, english_syllables[g_rand_int_range (rand, 0,
                                                 G_N_ELEMENTS (english_syllables))]);
    }

  return g_string_free (word, FALSE);
}

static Vocabulary *
vocabulary_new (GRand              *rand,
                const char * const *function_words,
                guint               n_function,
                const char * const *content_words,
                guint               n_content,
                gboolean            chinese)
{
  Vocabulary *vocabulary = g_new0 (Vocabulary, 1);
  double sum = 0;
  guint next_content = 0;

  vocabulary->words = g_ptr_array_new_with_free_func (g_free);
  vocabulary->cumulative = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint rank = 0; rank < VOCABULARY_SIZE; rank++)
    {
      char *word;

      if (rank < n_function)
        word = g_strdup (function_words[rank]);
      else if ((rank - n_function) % CONTENT_STRIDE == 0 && next_content < n_content)
        word = g_strdup (content_words[next_content++]);
      else
        word = made_up_word (rand, chinese);

      g_ptr_array_add (vocabulary->words, word);
      sum += 1.0 / (rank + 1);
      g_array_append_val (vocabulary->cumulative, sum);
    }

  return vocabulary;
}

static void
vocabulary_free (Vocabulary *vocabulary)
{
  g_ptr_array_unref (vocabulary->words);
  g_array_unref (vocabulary->cumulative);
  g_free (vocabulary);
}

static const char *
pick_word (GRand      *rand,
           Vocabulary *vocabulary)
{
  GArray *cumulative = vocabulary->cumulative;
  double u = g_rand_double (rand) * g_array_index (cumulative, double, cumulative->len - 1);
  guint low = 0;
  guint high = cumulative->len - 1;

  while (low < high)
    {
      guint middle = (low + high) / 2;

      if (g_array_index (cumulative, double, middle) < u)
        low = middle + 1;
      else
        high = middle;
    }

  return g_ptr_array_index (vocabulary->words, low);
}

static Vocabulary *english;
static Vocabulary *chinese;

static void
append_sentence (GString  *text,
                 GRand    *rand,
                 gboolean  in_chinese)
{
  guint n_words = g_rand_int_range (rand, 6, 20);

  for (guint i = 0; i < n_words; i++)
    {
      if (!in_chinese && i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, pick_word (rand, in_chinese ? chinese : english));
    }
  g_string_append (text, in_chinese ? "。" : ". ");
}

/* 50 to 2,000 characters, shorter ones more likely; English, Chinese or both. */
static char *
make_text (GRand *rand)
{
  GString *text = g_string_new (NULL);
  double u = g_rand_double (rand);
  glong length = 50 + (glong) (1950 * u * u);
  int language = g_rand_int_range (rand, 0, 3);

  while (g_utf8_strlen (text->str, text->len) < length)
    append_sentence (text, rand, language == 1 || (language == 2 && g_rand_boolean (rand)));

  return g_string_free (text, FALSE);
}

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    {
      g_printerr ("bench-store: %s\n", error != NULL ? error->message : "failed");
      exit (1);
    }
}

static void
add_chain (ChatStore *store,
           GRand     *rand,
           gint64     conversation_id,
           guint      n_messages)
{
  gint64 parent_id = 0;

  for (guint i = 0; i < n_messages; i++)
    {
      g_autofree char *text = make_text (rand);
      g_autoptr(ChatMessage) message = chat_message_new (i % 2 == 0 ? "user" : "assistant", text);
      GError *error = NULL;

      chat_message_set_conversation_id (message, conversation_id);
      chat_message_set_parent_id (message, parent_id);
      if (i % 2 == 1)
        chat_message_set_model (message, "glm-4.7");
      check (chat_store_add_message (store, message, &error), error);
      parent_id = chat_message_get_id (message);
    }
}

static gint64
add_conversation (ChatStore  *store,
                  const char *title)
{
  g_autoptr(ChatConversation) conversation = chat_conversation_new (title);
  GError *error = NULL;

  check (chat_store_add_conversation (store, conversation, &error), error);
  return chat_conversation_get_id (conversation);
}

static void
build (const char *path,
       guint       n_messages)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(ChatStore) store = NULL;
  guint n_conversations = MAX (n_messages / 100, 2);
  guint n_big = n_messages / 10;
  guint per_conversation = (n_messages - n_big) / (n_conversations - 1);
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;

  store = chat_store_open (path, &error);
  check (store != NULL, error);

  add_chain (store, rand, add_conversation (store, BIG_TITLE), n_big);
  for (guint i = 1; i < n_conversations; i++)
    {
      g_autofree char *title = make_text (rand);

      /* a first line of at most 60 characters, as a real title */
      g_autofree char *short_title = chat_conversation_title_from_question (title);

      add_chain (store, rand, add_conversation (store, short_title), per_conversation);
    }

  g_print ("built %u conversations, %u messages in %.1f s\n",
           n_conversations, n_big + (n_conversations - 1) * per_conversation,
           (g_get_monotonic_time () - start) / 1e6);
}

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static Figure *
figure_new (const char *name,
            const char *label,
            const char *query,
            double      target_ms)
{
  Figure *figure = g_new0 (Figure, 1);

  figure->name = g_strdup (name);
  figure->label = g_strdup (label);
  figure->query = g_strdup (query);
  figure->target_ms = target_ms;
  figure->samples = g_array_new (FALSE, FALSE, sizeof (double));
  return figure;
}

static void
figure_free (Figure *figure)
{
  g_array_unref (figure->samples);
  g_free (figure->name);
  g_free (figure->label);
  g_free (figure->query);
  g_free (figure);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Figure, figure_free)

static void
add_sample (Figure *figure,
            double  ms)
{
  g_array_append_val (figure->samples, ms);
}

/* Runs @sql on a connection of its own (the tokenizer registered). */
static void
exec_raw (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  if (sqlite3_open (path, &db) != SQLITE_OK ||
      chat_search_tokenizer_register (db) != SQLITE_OK ||
      sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_close (db);
}

/* How many messages a query matches: what its search time depends on. */
static gint64
count_matches (const char *path,
               const char *query)
{
  g_autofree char *match = chat_search_build_match_query (query);
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  sqlite3_open (path, &db);
  chat_search_tokenizer_register (db);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* The id of the big conversation. */
static gint64
measure_open_list (const char *path,
                   Figure     *figure)
{
  g_autoptr(ChatStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;

  store = chat_store_open (path, &error);
  check (store != NULL, error);
  list = chat_store_list_conversations (store, &error);
  check (list != NULL, error);
  add_sample (figure, elapsed_ms (start));

  for (guint i = 0; i < list->len; i++)
    {
      ChatConversation *conversation = g_ptr_array_index (list, i);

      if (g_str_equal (chat_conversation_get_title (conversation), BIG_TITLE))
        return chat_conversation_get_id (conversation);
    }

  return 0;
}

/* The first open of a day: the same cheap checks (the whole file waits
 * for the daily check, below). */
static void
measure_open_full_check (const char *path,
                         Figure     *figure)
{
  exec_raw (path, "UPDATE store_info SET value = 0 WHERE key = 'last_full_check'");
  measure_open_list (path, figure);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError *error = NULL;

  check (chat_store_check_finish (CHAT_STORE (source), result, &error), error);
  *(gboolean *) user_data = TRUE;
}

/* The daily check of the whole file, in its thread: the window starts it
 * after its first frame, so it is off the start's path. */
static void
measure_daily_check (const char *path,
                     Figure     *figure)
{
  g_autoptr(ChatStore) store = NULL;
  GError *error = NULL;
  gboolean done = FALSE;
  gint64 start;

  exec_raw (path, "UPDATE store_info SET value = 0 WHERE key = 'last_full_check'");
  store = chat_store_open (path, &error);
  check (store != NULL, error);
  start = g_get_monotonic_time ();
  chat_store_check_async (store, NULL, on_checked, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  add_sample (figure, elapsed_ms (start));
}

static void
measure_load (ChatStore *store,
              gint64     conversation_id,
              Figure    *figure)
{
  g_autoptr(ChatConversation) conversation = NULL;
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;

  conversation = chat_store_load_conversation (store, conversation_id, &error);
  check (conversation != NULL, error);
  add_sample (figure, elapsed_ms (start));

  figure->count = g_list_model_get_n_items (G_LIST_MODEL (conversation));
}

static void
measure_search (ChatStore *store,
                Figure    *figure,
                Figure    *all)
{
  g_autoptr(GPtrArray) hits = NULL;
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  double ms;

  hits = chat_store_search (store, figure->query, 20, &error);
  check (hits != NULL, error);
  ms = elapsed_ms (start);
  add_sample (figure, ms);
  if (all != NULL)
    add_sample (all, ms);
  if (hits->len == 0)
    g_printerr ("bench-store: no hit for %s\n", figure->query);
}

/* A reply streaming into the big conversation, growing by a sentence. */
static void
measure_checkpoints (ChatStore *store,
                     gint64     conversation_id,
                     Figure    *figure)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(ChatMessage) reply = chat_message_new ("assistant", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  GError *error = NULL;

  chat_message_set_conversation_id (reply, conversation_id);
  chat_message_set_state (reply, CHAT_MESSAGE_STATE_STREAMING);
  check (chat_store_add_message (store, reply, &error), error);

  for (guint i = 0; i < N_CHECKPOINTS; i++)
    {
      gint64 start;

      append_sentence (text, rand, i % 2 == 0);
      chat_message_set_content (reply, text->str);
      start = g_get_monotonic_time ();
      check (chat_store_checkpoint_message (store, reply, &error), error);
      add_sample (figure, elapsed_ms (start));
    }

  /* the store is left as it was, for the next run */
  check (chat_store_delete_message (store, chat_message_get_id (reply), &error), error);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *sorted)
{
  guint n = sorted->len;

  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);

  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}

static void
report (Figure *figure)
{
  GArray *samples = figure->samples;
  char json[4][G_ASCII_DTOSTR_BUF_SIZE];
  double min;
  double max;
  double mid;

  g_array_sort (samples, compare_doubles);
  min = g_array_index (samples, double, 0);
  max = g_array_index (samples, double, samples->len - 1);
  mid = median (samples);

  /* A target of 0: a figure to know, with no target. */
  printf ("%-44s %9.3f %9.3f %9.3f %7.0f %6u %8" G_GINT64_FORMAT "  %s\n",
           figure->label, mid, min, max, figure->target_ms, samples->len, figure->count,
           figure->target_ms <= 0 ? "-" : mid <= figure->target_ms ? "ok" : "OVER");
  printf ("{\"name\":\"%s\",\"unit\":\"ms\",\"median\":%s,\"min\":%s,\"max\":%s,\"target\":%s}\n",
           figure->name,
           g_ascii_formatd (json[0], sizeof json[0], "%.3f", mid),
           g_ascii_formatd (json[1], sizeof json[1], "%.3f", min),
           g_ascii_formatd (json[2], sizeof json[2], "%.3f", max),
           figure->target_ms <= 0 ? "null"
                                  : g_ascii_formatd (json[3], sizeof json[3], "%g", figure->target_ms));
}

static void
print_size (const char *path)
{
  GStatBuf buf;

  if (g_stat (path, &buf) == 0)
    g_print ("database: %s, %.1f MB\n", path, buf.st_size / 1e6);
}

static void
add_search_figures (GPtrArray          *figures,
                    const char         *prefix,
                    const char * const *queries,
                    guint               n_queries,
                    const char         *path)
{
  for (guint i = 0; i < n_queries; i++)
    {
      g_autofree char *name = g_strdup_printf ("store.search.%s%u", prefix, i + 1);
      g_autofree char *label = g_strdup_printf ("search “%s”", queries[i]);
      Figure *figure = figure_new (name, label, queries[i], 20);

      figure->count = count_matches (path, queries[i]);
      g_ptr_array_add (figures, figure);
    }
}

static void
remove_store (char *dir,
              char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- benchmark the conversation store");
  g_autoptr(GRand) words_rand = g_rand_new_with_seed (1);
  g_autofree char *db_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) searches = g_ptr_array_new_with_free_func ((GDestroyNotify) figure_free);
  g_autoptr(GPtrArray) worst = g_ptr_array_new_with_free_func ((GDestroyNotify) figure_free);
  g_autoptr(ChatStore) store = NULL;
  int n_messages = 100000;
  int n_runs = 5;
  gint64 big_id = 0;
  GError *error = NULL;
  g_autoptr(Figure) open_list = figure_new ("store.open_list", "open + list conversations",
                                            NULL, 20);
  g_autoptr(Figure) open_full = figure_new ("store.open_list_full_check",
                                            "open + list, first open of a day", NULL, 20);
  g_autoptr(Figure) daily_check = figure_new ("store.daily_check",
                                              "daily check, in a thread (no target)", NULL, 0);
  g_autoptr(Figure) load = figure_new ("store.load_conversation", "load the big conversation",
                                       NULL, 50);
  g_autoptr(Figure) search_all = figure_new ("store.search", "search (the six queries above)",
                                             NULL, 20);
  g_autoptr(Figure) checkpoint = figure_new ("store.checkpoint", "checkpoint a streaming reply",
                                             NULL, 1);
  GOptionEntry entries[] = {
    { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Messages in the store", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs per figure (at least 5)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Keep (or reuse) the store here", "PATH" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  check (g_option_context_parse (context, &argc, &argv, &error), error);
  n_runs = MAX (n_runs, 5);
  n_messages = MAX (n_messages, 100);

  english = vocabulary_new (words_rand, english_function, G_N_ELEMENTS (english_function),
                            english_content, G_N_ELEMENTS (english_content), FALSE);
  chinese = vocabulary_new (words_rand, chinese_function, G_N_ELEMENTS (chinese_function),
                            chinese_content, G_N_ELEMENTS (chinese_content), TRUE);

  if (db_path == NULL)
    {
      dir = g_dir_make_tmp ("liao-bench-XXXXXX", &error);
      check (dir != NULL, error);
      path = g_build_filename (dir, "liao.db", NULL);
    }
  else
    path = g_strdup (db_path);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    build (path, n_messages);
  print_size (path);

  add_search_figures (searches, "en", english_queries, G_N_ELEMENTS (english_queries), path);
  add_search_figures (searches, "zh", chinese_queries, G_N_ELEMENTS (chinese_queries), path);
  add_search_figures (worst, "common", common_queries, G_N_ELEMENTS (common_queries), path);

  for (int run = 0; run < n_runs; run++)
    {
      measure_open_full_check (path, open_full);
      measure_daily_check (path, daily_check);
      big_id = measure_open_list (path, open_list);
      g_clear_object (&store);
      store = chat_store_open (path, &error);
      check (store != NULL && big_id != 0, error);
      measure_load (store, big_id, load);
      for (guint i = 0; i < searches->len; i++)
        measure_search (store, g_ptr_array_index (searches, i), search_all);
      for (guint i = 0; i < worst->len; i++)
        measure_search (store, g_ptr_array_index (worst, i), NULL);
    }
  measure_checkpoints (store, big_id, checkpoint);
  g_clear_object (&store);

  printf ("\n%-44s %9s %9s %9s %7s %6s %8s\n", "figure (ms)", "median", "min", "max", "target",
           "runs", "rows");
  report (open_list);
  report (open_full);
  report (daily_check);
  report (load);
  for (guint i = 0; i < searches->len; i++)
    report (g_ptr_array_index (searches, i));
  report (search_all);
  for (guint i = 0; i < worst->len; i++)
    report (g_ptr_array_index (worst, i));
  report (checkpoint);

  if (dir != NULL)
    remove_store (dir, path);
  vocabulary_free (english);
  vocabulary_free (chinese);
  return 0;
}
