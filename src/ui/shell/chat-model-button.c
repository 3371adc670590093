/* chat-model-button.c: the header's model switcher
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chat-model-button.h"

struct _ChatModelButton
{
  GtkWidget   parent_instance;

  GtkWidget  *entry;
  GtkListBox *list_box;
  GtkWidget  *menu_button;
  GtkWidget  *popover;

  char       *model;
  GStrv       models;
};

G_DEFINE_FINAL_TYPE (ChatModelButton, chat_model_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

enum {
  MODEL_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkWidget *
create_row (const char *model,
            gboolean    current)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *label = gtk_label_new (model);

  gtk_widget_set_opacity (check, current ? 1 : 0);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "model", g_strdup (model), g_free);
  return row;
}

/* A typed model the list does not offer is listed first, checked. */
static void
rebuild_rows (ChatModelButton *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  if (self->model != NULL && !g_strv_contains ((const char * const *) self->models, self->model))
    gtk_list_box_append (self->list_box, create_row (self->model, TRUE));
  for (guint i = 0; self->models[i] != NULL; i++)
    gtk_list_box_append (self->list_box,
                         create_row (self->models[i], g_strcmp0 (self->models[i], self->model) == 0));
}

static void
choose (ChatModelButton *self,
        const char      *model)
{
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  chat_model_button_activate_model (self, model);
}

static void
on_row_activated (ChatModelButton *self,
                  GtkListBoxRow   *row)
{
  choose (self, g_object_get_data (G_OBJECT (row), "model"));
}

static void
on_entry_activate (ChatModelButton *self)
{
  g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));

  if (*model == '\0')
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  choose (self, model);
}

static void
chat_model_button_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChatModelButton *self = CHAT_MODEL_BUTTON (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_model_button_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_MODEL_BUTTON);

  G_OBJECT_CLASS (chat_model_button_parent_class)->dispose (object);
}

static void
chat_model_button_finalize (GObject *object)
{
  ChatModelButton *self = CHAT_MODEL_BUTTON (object);

  g_free (self->model);
  g_strfreev (self->models);

  G_OBJECT_CLASS (chat_model_button_parent_class)->finalize (object);
}

static void
chat_model_button_class_init (ChatModelButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_model_button_dispose;
  object_class->finalize = chat_model_button_finalize;
  object_class->get_property = chat_model_button_get_property;

  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[MODEL_ACTIVATED] =
    g_signal_new ("model-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/shell/chat-model-button.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatModelButton, entry);
  gtk_widget_class_bind_template_child (widget_class, ChatModelButton, list_box);
  gtk_widget_class_bind_template_child (widget_class, ChatModelButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ChatModelButton, popover);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
chat_model_button_init (ChatModelButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->models = g_new0 (char *, 1);
}

GtkWidget *
chat_model_button_new (void)
{
  return g_object_new (CHAT_TYPE_MODEL_BUTTON, NULL);
}

const char *
chat_model_button_get_model (ChatModelButton *self)
{
  g_return_val_if_fail (CHAT_IS_MODEL_BUTTON (self), NULL);

  return self->model;
}

void
chat_model_button_set_model (ChatModelButton *self,
                             const char      *model)
{
  g_return_if_fail (CHAT_IS_MODEL_BUTTON (self));

  if (g_strcmp0 (self->model, model) == 0)
    return;

  g_free (self->model);
  self->model = g_strdup (model);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->menu_button), model != NULL ? model : "");
  rebuild_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char * const *
chat_model_button_get_models (ChatModelButton *self)
{
  g_return_val_if_fail (CHAT_IS_MODEL_BUTTON (self), NULL);

  return (const char * const *) self->models;
}

void
chat_model_button_set_models (ChatModelButton    *self,
                              const char * const *models)
{
  g_return_if_fail (CHAT_IS_MODEL_BUTTON (self));

  g_strfreev (self->models);
  self->models = models != NULL ? g_strdupv ((char **) models) : g_new0 (char *, 1);
  rebuild_rows (self);
}

void
chat_model_button_activate_model (ChatModelButton *self,
                                  const char      *model)
{
  g_return_if_fail (CHAT_IS_MODEL_BUTTON (self));
  g_return_if_fail (model != NULL);

  chat_model_button_set_model (self, model);
  g_signal_emit (self, signals[MODEL_ACTIVATED], 0, model);
}
