/* chat-conversation-settings.h: the shown conversation's own settings
 *
 * A popover for the content header: system prompt, model, temperature and
 * thinking of one conversation.  The fields are read when it opens and
 * written back (and saved, once the conversation is stored) when it closes.
 */
#pragma once

#include <gtk/gtk.h>

#include "chat-store.h"

G_BEGIN_DECLS

#define CHAT_TYPE_CONVERSATION_SETTINGS (chat_conversation_settings_get_type ())

G_DECLARE_FINAL_TYPE (ChatConversationSettings, chat_conversation_settings, CHAT, CONVERSATION_SETTINGS, GtkPopover)

GtkWidget *chat_conversation_settings_new              (void);
/* What the popover edits next time it opens; @conversation may be NULL. */
void       chat_conversation_settings_set_conversation (ChatConversationSettings *self,
                                                        ChatStore                *store,
                                                        ChatConversation         *conversation);

G_END_DECLS
