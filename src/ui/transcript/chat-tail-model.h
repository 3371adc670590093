/* chat-tail-model.h: the last messages of a conversation, for its list
 *
 * A GListModel of the source's items after the first "hidden" ones.  The
 * view shows a long conversation's last messages first and more as the
 * reader scrolls up (see chat-conversation-view.c): GTK 4.8's list view
 * binds up to 200 rows of whatever its model holds.  Items put before the
 * source's first (the older messages of a conversation opened at its end)
 * join the hidden ones; any other change above the shown ones shows all.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHAT_TYPE_TAIL_MODEL (chat_tail_model_get_type ())

G_DECLARE_FINAL_TYPE (ChatTailModel, chat_tail_model, CHAT, TAIL_MODEL, GObject)

ChatTailModel *chat_tail_model_new          (void);
/* Shows the last @shown items of @source (NULL: none). */
void           chat_tail_model_set_source   (ChatTailModel *self,
                                             GListModel    *source,
                                             guint          shown);
/* Shows up to @count more items above; FALSE once all are shown. */
gboolean       chat_tail_model_grow         (ChatTailModel *self,
                                             guint          count);
/* The source's items not shown yet, at its start. */
guint          chat_tail_model_get_n_hidden (ChatTailModel *self);

G_END_DECLS
