/* chat-model-row.h: the default model of one profile, with suggestions */
#pragma once

#include <adwaita.h>

#include "chat-client.h"
#include "chat-profile.h"

G_BEGIN_DECLS

#define CHAT_TYPE_MODEL_ROW (chat_model_row_get_type ())

G_DECLARE_FINAL_TYPE (ChatModelRow, chat_model_row, CHAT, MODEL_ROW, AdwEntryRow)

/* Edits @profile's entry in @settings' default-models (free text; empty
 * means the profile's own default).  Its menu suggests the profile's models;
 * the first time it opens they are fetched from @base_url with @client and
 * the profile's stored key, if it has one. */
GtkWidget   *chat_model_row_new             (ChatProfile  *profile,
                                             const char   *base_url,
                                             ChatClient   *client,
                                             GSettings    *settings);
ChatProfile *chat_model_row_get_profile     (ChatModelRow *self);
/* The suggestions menu: one item per model, in the profile's order. */
GMenuModel  *chat_model_row_get_suggestions (ChatModelRow *self);

G_END_DECLS
