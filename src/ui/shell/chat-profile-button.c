/* chat-profile-button.c: the header's endpoint profile switcher
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "chat-profile.h"
#include "chat-profile-button.h"

struct _ChatProfileButton
{
  GtkWidget   parent_instance;

  GtkListBox *list_box;
  GtkWidget  *menu_button;
  GtkWidget  *popover;

  char       *profile_id;
  /* profile id -> the check mark of its row */
  GHashTable *checks;
  /* The rows of the custom profiles, after the built-in ones (borrowed). */
  GPtrArray  *custom_rows;
};

G_DEFINE_FINAL_TYPE (ChatProfileButton, chat_profile_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROFILE_ID,
  N_PROPS
};

enum {
  PROFILE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* One line, cut at the end: a long URL must not widen the popover; the
 * tooltip has all of it. */
static void
set_url_subtitle (AdwActionRow *row,
                  const char   *base_url)
{
  adw_action_row_set_subtitle (row, base_url);
  adw_action_row_set_subtitle_lines (row, 1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), base_url);
}

static GtkWidget *
create_row (ChatProfileButton *self,
            ChatProfile       *profile)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  /* Custom names and URLs are typed by the user: plain text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), chat_profile_get_name (profile));
  if (chat_profile_get_is_coding (profile))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 _("The vendor allows this plan for coding use only"));
  else if (!chat_profile_get_is_builtin (profile))
    set_url_subtitle (ADW_ACTION_ROW (row), chat_profile_get_base_url (profile));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_opacity (check, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
  g_object_set_data_full (G_OBJECT (row), "profile-id",
                          g_strdup (chat_profile_get_id (profile)), g_free);
  g_hash_table_insert (self->checks, g_strdup (chat_profile_get_id (profile)), check);
  return row;
}

static void
update_checks (ChatProfileButton *self)
{
  GHashTableIter iter;
  gpointer id, check;

  g_hash_table_iter_init (&iter, self->checks);
  while (g_hash_table_iter_next (&iter, &id, &check))
    gtk_widget_set_opacity (check, g_strcmp0 (id, self->profile_id) == 0 ? 1 : 0);
}

static void
remove_custom_rows (ChatProfileButton *self)
{
  for (guint i = 0; i < self->custom_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->custom_rows, i);

      g_hash_table_remove (self->checks, g_object_get_data (G_OBJECT (row), "profile-id"));
      gtk_list_box_remove (self->list_box, row);
    }
  g_ptr_array_set_size (self->custom_rows, 0);
}

static void
add_builtin_rows (ChatProfileButton *self)
{
  const char * const *ids = chat_profile_get_builtin_ids ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(ChatProfile) profile = chat_profile_lookup_builtin (ids[i]);

      gtk_list_box_append (self->list_box, create_row (self, profile));
    }
}

static void
on_row_activated (ChatProfileButton *self,
                  GtkListBoxRow     *row)
{
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  chat_profile_button_activate_profile (self, g_object_get_data (G_OBJECT (row), "profile-id"));
}

static void
chat_profile_button_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChatProfileButton *self = CHAT_PROFILE_BUTTON (object);

  switch (prop_id)
    {
    case PROP_PROFILE_ID:
      g_value_set_string (value, self->profile_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_profile_button_dispose (GObject *object)
{
  ChatProfileButton *self = CHAT_PROFILE_BUTTON (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHAT_TYPE_PROFILE_BUTTON);
  g_clear_pointer (&self->checks, g_hash_table_unref);
  g_clear_pointer (&self->custom_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (chat_profile_button_parent_class)->dispose (object);
}

static void
chat_profile_button_finalize (GObject *object)
{
  ChatProfileButton *self = CHAT_PROFILE_BUTTON (object);

  g_free (self->profile_id);

  G_OBJECT_CLASS (chat_profile_button_parent_class)->finalize (object);
}

static void
chat_profile_button_class_init (ChatProfileButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_profile_button_dispose;
  object_class->finalize = chat_profile_button_finalize;
  object_class->get_property = chat_profile_button_get_property;

  properties[PROP_PROFILE_ID] =
    g_param_spec_string ("profile-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROFILE_ACTIVATED] =
    g_signal_new ("profile-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/shell/chat-profile-button.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatProfileButton, list_box);
  gtk_widget_class_bind_template_child (widget_class, ChatProfileButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ChatProfileButton, popover);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
chat_profile_button_init (ChatProfileButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->custom_rows = g_ptr_array_new ();
  add_builtin_rows (self);
}

GtkWidget *
chat_profile_button_new (void)
{
  return g_object_new (CHAT_TYPE_PROFILE_BUTTON, NULL);
}

const char *
chat_profile_button_get_profile_id (ChatProfileButton *self)
{
  g_return_val_if_fail (CHAT_IS_PROFILE_BUTTON (self), NULL);

  return self->profile_id;
}

void
chat_profile_button_set_profile_id (ChatProfileButton *self,
                                    const char        *profile_id)
{
  g_return_if_fail (CHAT_IS_PROFILE_BUTTON (self));

  if (g_strcmp0 (self->profile_id, profile_id) == 0)
    return;

  g_free (self->profile_id);
  self->profile_id = g_strdup (profile_id);
  update_checks (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_ID]);
}

void
chat_profile_button_activate_profile (ChatProfileButton *self,
                                      const char        *profile_id)
{
  g_return_if_fail (CHAT_IS_PROFILE_BUTTON (self));
  g_return_if_fail (profile_id != NULL);

  chat_profile_button_set_profile_id (self, profile_id);
  g_signal_emit (self, signals[PROFILE_ACTIVATED], 0, profile_id);
}

/* The custom rows are replaced whole: the list changes only when
 * Preferences edits it. */
void
chat_profile_button_set_custom_profiles (ChatProfileButton *self,
                                         GPtrArray         *profiles)
{
  g_return_if_fail (CHAT_IS_PROFILE_BUTTON (self));

  remove_custom_rows (self);
  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    {
      GtkWidget *row = create_row (self, g_ptr_array_index (profiles, i));

      g_ptr_array_add (self->custom_rows, row);
      gtk_list_box_append (self->list_box, row);
    }
  update_checks (self);
}
