/* chat-tail-model.c: the last messages of a conversation, for its list
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chat-message.h"
#include "chat-tail-model.h"

struct _ChatTailModel {
  GObject     parent_instance;
  GListModel *source;
  guint       offset;  /* source items not (yet) shown, at the start */
};

static GType
chat_tail_model_get_item_type (GListModel *model)
{
  return CHAT_TYPE_MESSAGE;
}

static guint
chat_tail_model_get_n_items (GListModel *model)
{
  ChatTailModel *self = CHAT_TAIL_MODEL (model);

  return self->source != NULL ? g_list_model_get_n_items (self->source) - self->offset : 0;
}

static gpointer
chat_tail_model_get_item (GListModel *model,
                          guint       position)
{
  ChatTailModel *self = CHAT_TAIL_MODEL (model);

  return self->source != NULL ? g_list_model_get_item (self->source, position + self->offset) : NULL;
}

static void
chat_tail_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chat_tail_model_get_item_type;
  iface->get_n_items = chat_tail_model_get_n_items;
  iface->get_item = chat_tail_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ChatTailModel, chat_tail_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, chat_tail_model_list_model_init))

/* Older messages put before the first (the rest of a conversation opened
 * at its end) wait above the tail, like those not shown yet.  Another
 * change above the shown tail shows everything: such changes (a new
 * branch, a deletion) replace the rows anyway. */
static void
on_tail_source_changed (GListModel    *source,
                        guint          position,
                        guint          removed,
                        guint          added,
                        ChatTailModel *self)
{
  guint before = g_list_model_get_n_items (source) + removed - added - self->offset;

  if (position == 0 && removed == 0 && g_list_model_get_n_items (source) > added)
    {
      self->offset += added;
      return;
    }
  if (position >= self->offset)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position - self->offset, removed, added);
      return;
    }
  self->offset = 0;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, before, g_list_model_get_n_items (source));
}

void
chat_tail_model_set_source (ChatTailModel *self,
                            GListModel    *source,
                            guint          shown)
{
  guint before;
  guint n_items;

  g_return_if_fail (CHAT_IS_TAIL_MODEL (self));
  g_return_if_fail (source == NULL || G_IS_LIST_MODEL (source));

  before = chat_tail_model_get_n_items (G_LIST_MODEL (self));
  n_items = source != NULL ? g_list_model_get_n_items (source) : 0;

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, on_tail_source_changed, self);
  g_set_object (&self->source, source);
  self->offset = n_items > shown ? n_items - shown : 0;
  if (source != NULL)
    g_signal_connect_object (source, "items-changed", G_CALLBACK (on_tail_source_changed),
                             self, G_CONNECT_DEFAULT);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, before, n_items - self->offset);
}

gboolean
chat_tail_model_grow (ChatTailModel *self,
                      guint          count)
{
  guint added;

  g_return_val_if_fail (CHAT_IS_TAIL_MODEL (self), FALSE);

  added = MIN (count, self->offset);
  self->offset -= added;
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
  return self->offset > 0;
}

static void
chat_tail_model_dispose (GObject *object)
{
  ChatTailModel *self = CHAT_TAIL_MODEL (object);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, on_tail_source_changed, self);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (chat_tail_model_parent_class)->dispose (object);
}

static void
chat_tail_model_class_init (ChatTailModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = chat_tail_model_dispose;
}

static void
chat_tail_model_init (ChatTailModel *self)
{
}

ChatTailModel *
chat_tail_model_new (void)
{
  return g_object_new (CHAT_TYPE_TAIL_MODEL, NULL);
}

guint
chat_tail_model_get_n_hidden (ChatTailModel *self)
{
  g_return_val_if_fail (CHAT_IS_TAIL_MODEL (self), 0);

  return self->offset;
}
