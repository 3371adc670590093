/* chat-sidebar-item.c: one row of the sidebar's list
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chat-sidebar-item.h"

struct _ChatSidebarItem
{
  GObject              parent_instance;

  ChatSidebarItemKind  kind;
  char                *title;
  gint64               conversation_id;
  gint64               message_id;
  gboolean             pinned;
  char                *snippet;
  ChatConversation    *conversation;
};

G_DEFINE_FINAL_TYPE (ChatSidebarItem, chat_sidebar_item, G_TYPE_OBJECT)

static void
chat_sidebar_item_finalize (GObject *object)
{
  ChatSidebarItem *self = CHAT_SIDEBAR_ITEM (object);

  g_free (self->title);
  g_free (self->snippet);
  g_clear_object (&self->conversation);

  G_OBJECT_CLASS (chat_sidebar_item_parent_class)->finalize (object);
}

static void
chat_sidebar_item_class_init (ChatSidebarItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = chat_sidebar_item_finalize;
}

static void
chat_sidebar_item_init (ChatSidebarItem *self)
{
}

ChatSidebarItem *
chat_sidebar_item_new_header (const char *heading)
{
  ChatSidebarItem *self = g_object_new (CHAT_TYPE_SIDEBAR_ITEM, NULL);

  self->kind = CHAT_SIDEBAR_ITEM_HEADER;
  self->title = g_strdup (heading);
  return self;
}

ChatSidebarItem *
chat_sidebar_item_new_conversation (ChatConversation *conversation)
{
  ChatSidebarItem *self = g_object_new (CHAT_TYPE_SIDEBAR_ITEM, NULL);

  g_return_val_if_fail (CHAT_IS_CONVERSATION (conversation), NULL);

  self->kind = CHAT_SIDEBAR_ITEM_CONVERSATION;
  self->conversation = g_object_ref (conversation);
  self->conversation_id = chat_conversation_get_id (conversation);
  self->title = g_strdup (chat_conversation_get_title (conversation));
  self->pinned = chat_conversation_get_pinned (conversation);
  return self;
}

ChatSidebarItem *
chat_sidebar_item_new_hit (const ChatSearchHit *hit)
{
  ChatSidebarItem *self = g_object_new (CHAT_TYPE_SIDEBAR_ITEM, NULL);

  self->kind = CHAT_SIDEBAR_ITEM_HIT;
  self->conversation_id = hit->conversation_id;
  self->message_id = hit->message_id;
  self->title = g_strdup (hit->title);
  self->snippet = g_strdup (hit->snippet);
  return self;
}

ChatSidebarItemKind
chat_sidebar_item_get_kind (ChatSidebarItem *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (self), CHAT_SIDEBAR_ITEM_HEADER);

  return self->kind;
}

const char *
chat_sidebar_item_get_title (ChatSidebarItem *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (self), NULL);

  return self->title != NULL ? self->title : "";
}

gint64
chat_sidebar_item_get_conversation_id (ChatSidebarItem *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (self), 0);

  return self->conversation_id;
}

gint64
chat_sidebar_item_get_message_id (ChatSidebarItem *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (self), 0);

  return self->message_id;
}

ChatConversation *
chat_sidebar_item_get_conversation (ChatSidebarItem *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (self), NULL);

  return self->conversation;
}

gboolean
chat_sidebar_item_get_pinned (ChatSidebarItem *self)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (self), FALSE);

  return self->pinned;
}

/* Appends @text escaped, newlines as spaces so the snippet reads as one run. */
static void
append_escaped (GString    *markup,
                const char *text,
                gsize       length)
{
  g_autofree char *escaped = g_markup_escape_text (text, length);

  g_strdelimit (escaped, "\r\n\t", ' ');
  g_string_append (markup, escaped);
}

char *
chat_sidebar_item_dup_snippet_markup (ChatSidebarItem *self)
{
  GString *markup = g_string_new (NULL);
  const char *p;
  gboolean bold = FALSE;

  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (self), NULL);

  p = self->snippet != NULL ? self->snippet : "";
  while (*p != '\0')
    {
      gsize run = strcspn (p, CHAT_STORE_MARK_START CHAT_STORE_MARK_END);

      append_escaped (markup, p, run);
      p += run;
      if (*p == '\0')
        break;
      /* Marks can only open when closed and close when open. */
      if ((*p == CHAT_STORE_MARK_START[0]) != bold)
        {
          bold = !bold;
          g_string_append (markup, bold ? "<b>" : "</b>");
        }
      p++;
    }
  if (bold)
    g_string_append (markup, "</b>");

  return g_string_free (markup, FALSE);
}

gboolean
chat_sidebar_item_equal (ChatSidebarItem *a,
                         ChatSidebarItem *b)
{
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (a), FALSE);
  g_return_val_if_fail (CHAT_IS_SIDEBAR_ITEM (b), FALSE);

  return a->kind == b->kind &&
         a->conversation_id == b->conversation_id &&
         a->message_id == b->message_id &&
         a->pinned == b->pinned &&
         g_strcmp0 (a->title, b->title) == 0 &&
         g_strcmp0 (a->snippet, b->snippet) == 0;
}
