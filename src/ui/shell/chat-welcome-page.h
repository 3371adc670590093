/* chat-welcome-page.h: what an empty Liao shows above the composer
 *
 * "Welcome to Liao", and, while the profile has no API key, where to put
 * one: the environment variables, `liao key set PROFILE`, and the vendor's
 * console where keys are made.
 *
 * Properties: "needs-key" (boolean, read-only, notify).
 */
#pragma once

#include <gtk/gtk.h>

#include "chat-profile.h"

G_BEGIN_DECLS

#define CHAT_TYPE_WELCOME_PAGE (chat_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (ChatWelcomePage, chat_welcome_page, CHAT, WELCOME_PAGE, GtkWidget)

/* The page that says where Zhipu's (open.bigmodel.cn) keys are made. */
#define CHAT_WELCOME_BIGMODEL_CONSOLE "https://open.bigmodel.cn/usercenter/proj-mgmt/apikeys"

GtkWidget *chat_welcome_page_new           (void);
/* Asks again, in the background and without unlocking the keyring,
 * whether @profile has a key, and says where to put one if not. */
void       chat_welcome_page_set_profile   (ChatWelcomePage *self,
                                            ChatProfile     *profile);
/* TRUE while the answer is awaited. */
gboolean   chat_welcome_page_get_checking  (ChatWelcomePage *self);
gboolean   chat_welcome_page_get_needs_key (ChatWelcomePage *self);

G_END_DECLS
