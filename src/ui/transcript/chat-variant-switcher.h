/* chat-variant-switcher.h: ‹ 2/3 › between the variants of a message
 *
 * Regenerated answers and edited questions are siblings in the tree; the
 * switcher shows which one the branch goes through and activates
 * "transcript.show-variant" with the id of the one before or after.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHAT_TYPE_VARIANT_SWITCHER (chat_variant_switcher_get_type ())

G_DECLARE_FINAL_TYPE (ChatVariantSwitcher, chat_variant_switcher, CHAT, VARIANT_SWITCHER, GtkWidget)

GtkWidget *chat_variant_switcher_new (void);
/* @ids: the siblings, oldest first; @current: the index of the one shown.
 * Hidden when there is only one. */
void       chat_variant_switcher_set (ChatVariantSwitcher *self,
                                      GArray              *ids,
                                      guint                current);
/* "2/3" (for tests and accessibility). */
const char *chat_variant_switcher_get_label (ChatVariantSwitcher *self);

G_END_DECLS
