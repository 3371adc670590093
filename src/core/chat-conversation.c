/* chat-conversation.c: a conversation and its current branch */

#include "config.h"

#include "chat-conversation.h"

#include <glib/gi18n-lib.h>

#define TITLE_MAX_CHARS 60

struct _ChatConversation
{
  GObject    parent_instance;

  gint64     id;
  char      *title;
  gint64     created;
  gint64     updated;
  gboolean   pinned;
  char      *profile;
  char      *model;
  char      *system_prompt;
  char      *parameters;
  gint64     current_leaf;

  GPtrArray *branch;
};

static void chat_conversation_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChatConversation, chat_conversation, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chat_conversation_list_model_init))

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_CREATED,
  PROP_UPDATED,
  PROP_PINNED,
  PROP_PROFILE,
  PROP_MODEL,
  PROP_SYSTEM_PROMPT,
  PROP_PARAMETERS,
  PROP_CURRENT_LEAF,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
chat_conversation_get_item_type (GListModel *model)
{
  return CHAT_TYPE_MESSAGE;
}

static guint
chat_conversation_get_n_items (GListModel *model)
{
  return CHAT_CONVERSATION (model)->branch->len;
}

static gpointer
chat_conversation_get_item (GListModel *model,
                            guint       position)
{
  ChatConversation *self = CHAT_CONVERSATION (model);

  if (position >= self->branch->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->branch, position));
}

static void
chat_conversation_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chat_conversation_get_item_type;
  iface->get_n_items = chat_conversation_get_n_items;
  iface->get_item = chat_conversation_get_item;
}

static void
chat_conversation_finalize (GObject *object)
{
  ChatConversation *self = CHAT_CONVERSATION (object);

  g_free (self->title);
  g_free (self->profile);
  g_free (self->model);
  g_free (self->system_prompt);
  g_free (self->parameters);
  g_ptr_array_unref (self->branch);

  G_OBJECT_CLASS (chat_conversation_parent_class)->finalize (object);
}

static void
chat_conversation_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChatConversation *self = CHAT_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;
    case PROP_UPDATED:
      g_value_set_int64 (value, self->updated);
      break;
    case PROP_PINNED:
      g_value_set_boolean (value, self->pinned);
      break;
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_SYSTEM_PROMPT:
      g_value_set_string (value, self->system_prompt);
      break;
    case PROP_PARAMETERS:
      g_value_set_string (value, self->parameters);
      break;
    case PROP_CURRENT_LEAF:
      g_value_set_int64 (value, self->current_leaf);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_conversation_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ChatConversation *self = CHAT_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      chat_conversation_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_TITLE:
      chat_conversation_set_title (self, g_value_get_string (value));
      break;
    case PROP_CREATED:
      chat_conversation_set_created (self, g_value_get_int64 (value));
      break;
    case PROP_UPDATED:
      chat_conversation_set_updated (self, g_value_get_int64 (value));
      break;
    case PROP_PINNED:
      chat_conversation_set_pinned (self, g_value_get_boolean (value));
      break;
    case PROP_PROFILE:
      chat_conversation_set_profile (self, g_value_get_string (value));
      break;
    case PROP_MODEL:
      chat_conversation_set_model (self, g_value_get_string (value));
      break;
    case PROP_SYSTEM_PROMPT:
      chat_conversation_set_system_prompt (self, g_value_get_string (value));
      break;
    case PROP_PARAMETERS:
      chat_conversation_set_parameters (self, g_value_get_string (value));
      break;
    case PROP_CURRENT_LEAF:
      chat_conversation_set_current_leaf (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
int64_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                             G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                              G_PARAM_STATIC_STRINGS);
}

static void
chat_conversation_class_init (ChatConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chat_conversation_finalize;
  object_class->get_property = chat_conversation_get_property;
  object_class->set_property = chat_conversation_set_property;

  properties[PROP_ID] = int64_property ("id");
  properties[PROP_TITLE] = string_property ("title");
  properties[PROP_CREATED] = int64_property ("created");
  properties[PROP_UPDATED] = int64_property ("updated");
  properties[PROP_PINNED] =
    g_param_spec_boolean ("pinned", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] = string_property ("profile");
  properties[PROP_MODEL] = string_property ("model");
  properties[PROP_SYSTEM_PROMPT] = string_property ("system-prompt");
  properties[PROP_PARAMETERS] = string_property ("parameters");
  properties[PROP_CURRENT_LEAF] = int64_property ("current-leaf");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chat_conversation_init (ChatConversation *self)
{
  self->title = g_strdup ("");
  self->branch = g_ptr_array_new_with_free_func (g_object_unref);
}

/* created and updated are now; NULL @title is the empty string. */
ChatConversation *
chat_conversation_new (const char *title)
{
  gint64 now = g_get_real_time ();

  return g_object_new (CHAT_TYPE_CONVERSATION,
                       "title", title,
                       "created", now,
                       "updated", now,
                       NULL);
}

static void
set_int64 (ChatConversation *self,
           gint64           *field,
           gint64            value,
           guint             prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Optional strings are NULL rather than empty, so that a conversation read
 * back from the store or an export compares equal to the one written. */
static void
set_string (ChatConversation  *self,
            char             **field,
            const char        *value,
            guint              prop)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

gint64
chat_conversation_get_id (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), 0);

  return self->id;
}

void
chat_conversation_set_id (ChatConversation *self,
                          gint64            id)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_int64 (self, &self->id, id, PROP_ID);
}

const char *
chat_conversation_get_title (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), NULL);

  return self->title;
}

/* The title is never NULL: no title is the empty string. */
void
chat_conversation_set_title (ChatConversation *self,
                             const char       *title)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  if (title == NULL)
    title = "";
  if (g_str_equal (self->title, title))
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gint64
chat_conversation_get_created (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), 0);

  return self->created;
}

void
chat_conversation_set_created (ChatConversation *self,
                               gint64            created)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_int64 (self, &self->created, created, PROP_CREATED);
}

gint64
chat_conversation_get_updated (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), 0);

  return self->updated;
}

void
chat_conversation_set_updated (ChatConversation *self,
                               gint64            updated)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_int64 (self, &self->updated, updated, PROP_UPDATED);
}

gboolean
chat_conversation_get_pinned (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), FALSE);

  return self->pinned;
}

void
chat_conversation_set_pinned (ChatConversation *self,
                              gboolean          pinned)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  pinned = !!pinned;
  if (self->pinned == pinned)
    return;

  self->pinned = pinned;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

const char *
chat_conversation_get_profile (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), NULL);

  return self->profile;
}

void
chat_conversation_set_profile (ChatConversation *self,
                               const char       *profile)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_string (self, &self->profile, profile, PROP_PROFILE);
}

const char *
chat_conversation_get_model (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), NULL);

  return self->model;
}

void
chat_conversation_set_model (ChatConversation *self,
                             const char       *model)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_string (self, &self->model, model, PROP_MODEL);
}

const char *
chat_conversation_get_system_prompt (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), NULL);

  return self->system_prompt;
}

void
chat_conversation_set_system_prompt (ChatConversation *self,
                                     const char       *system_prompt)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_string (self, &self->system_prompt, system_prompt, PROP_SYSTEM_PROMPT);
}

const char *
chat_conversation_get_parameters (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), NULL);

  return self->parameters;
}

void
chat_conversation_set_parameters (ChatConversation *self,
                                  const char       *parameters)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_string (self, &self->parameters, parameters, PROP_PARAMETERS);
}

gint64
chat_conversation_get_current_leaf (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), 0);

  return self->current_leaf;
}

void
chat_conversation_set_current_leaf (ChatConversation *self,
                                    gint64            leaf_id)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  set_int64 (self, &self->current_leaf, leaf_id, PROP_CURRENT_LEAF);
}

/* Takes a reference on each message; @messages stays the caller's. */
void
chat_conversation_set_branch (ChatConversation *self,
                              GPtrArray        *messages)
{
  g_autoptr(GPtrArray) old = NULL;
  guint n_messages = messages != NULL ? messages->len : 0;

  g_return_if_fail (CHAT_IS_CONVERSATION (self));

  old = g_steal_pointer (&self->branch);
  self->branch = g_ptr_array_new_full (n_messages, g_object_unref);
  for (guint i = 0; i < n_messages; i++)
    g_ptr_array_add (self->branch, g_object_ref (g_ptr_array_index (messages, i)));

  if (old->len > 0 || n_messages > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, n_messages);
}

gboolean
chat_conversation_has_older (ChatConversation *self)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), FALSE);

  return self->branch->len > 0
         && chat_message_get_parent_id (g_ptr_array_index (self->branch, 0)) != 0;
}

void
chat_conversation_prepend (ChatConversation *self,
                           GPtrArray        *messages)
{
  g_autoptr(GPtrArray) old = NULL;

  g_return_if_fail (CHAT_IS_CONVERSATION (self));
  g_return_if_fail (messages != NULL);

  if (messages->len == 0)
    return;
  old = g_steal_pointer (&self->branch);
  self->branch = g_ptr_array_new_full (messages->len + old->len, g_object_unref);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (self->branch, g_object_ref (g_ptr_array_index (messages, i)));
  for (guint i = 0; i < old->len; i++)
    g_ptr_array_add (self->branch, g_object_ref (g_ptr_array_index (old, i)));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, messages->len);
}

void
chat_conversation_append (ChatConversation *self,
                          ChatMessage      *message)
{
  g_return_if_fail (CHAT_IS_CONVERSATION (self));
  g_return_if_fail (CHAT_IS_MESSAGE (message));

  g_ptr_array_add (self->branch, g_object_ref (message));
  g_list_model_items_changed (G_LIST_MODEL (self), self->branch->len - 1, 0, 1);
}

/* Borrowed; NULL past the end. */
ChatMessage *
chat_conversation_get_message (ChatConversation *self,
                               guint             position)
{
  g_return_val_if_fail (CHAT_IS_CONVERSATION (self), NULL);

  if (position >= self->branch->len)
    return NULL;

  return g_ptr_array_index (self->branch, position);
}

static char *
first_non_empty_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        return g_strdup (lines[i]);
    }

  return NULL;
}

char *
chat_conversation_title_from_question (const char *question)
{
  g_autofree char *valid = NULL;
  g_autofree char *line = NULL;

  if (question == NULL)
    return g_strdup (_("New conversation"));

  valid = g_utf8_make_valid (question, -1);
  line = first_non_empty_line (valid);
  if (line == NULL)
    return g_strdup (_("New conversation"));

  /* Cut at 60 characters, not bytes: a Chinese title keeps 60 characters. */
  if (g_utf8_strlen (line, -1) > TITLE_MAX_CHARS)
    {
      *g_utf8_offset_to_pointer (line, TITLE_MAX_CHARS) = '\0';
      g_strchomp (line);
    }

  return g_steal_pointer (&line);
}
