/* chat-welcome-page.c: what an empty Liao shows above the composer
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <adwaita.h>

#include "chat-secrets.h"
#include "chat-welcome-page.h"

#define FALLBACK_ICON "chat-message-new-symbolic"

struct _ChatWelcomePage
{
  GtkWidget     parent_instance;

  GtkWidget    *command_label;
  GtkWidget    *console_button;
  GtkWidget    *key_box;
  GtkWidget    *key_label;
  GtkWidget    *status_page;

  /* The key lookup under way, if any. */
  GCancellable *cancellable;
  gboolean      needs_key;
};

G_DEFINE_FINAL_TYPE (ChatWelcomePage, chat_welcome_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_NEEDS_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "<tt>LIAO_API_KEY</tt>, <tt>ZHIPUAI_API_KEY</tt>" */
static char *
dup_env_var_markup (ChatProfile *profile)
{
  const char * const *vars = chat_profile_get_key_env_vars (profile);
  GString *markup = g_string_new (NULL);

  for (guint i = 0; vars[i] != NULL; i++)
    {
      g_autofree char *quoted = g_markup_printf_escaped ("<tt>%s</tt>", vars[i]);

      g_string_append_printf (markup, "%s%s", i > 0 ? ", " : "", quoted);
    }
  return g_string_free (markup, FALSE);
}

static void
show_key_help (ChatWelcomePage *self,
               ChatProfile     *profile)
{
  g_autofree char *vars = dup_env_var_markup (profile);
  g_autofree char *name = g_markup_escape_text (chat_profile_get_name (profile), -1);
  g_autofree char *text = NULL;
  g_autofree char *command = g_strdup_printf ("liao key set %s", chat_profile_get_id (profile));
  gboolean bigmodel = chat_profile_get_vendor (profile) == CHAT_PROFILE_VENDOR_BIGMODEL;

  /* Translators: %1$s is a profile name, %2$s a list of environment variables */
  text = g_strdup_printf (_("<b>No API key for %1$s yet.</b> Set one of the environment variables %2$s, or save the key in the keyring with this command:"),
                          name, vars);
  gtk_label_set_markup (GTK_LABEL (self->key_label), text);
  gtk_label_set_label (GTK_LABEL (self->command_label), command);
  /* The address itself: people copy it as often as they click it. */
  gtk_link_button_set_uri (GTK_LINK_BUTTON (self->console_button), CHAT_WELCOME_BIGMODEL_CONSOLE);
  gtk_button_set_label (GTK_BUTTON (self->console_button), CHAT_WELCOME_BIGMODEL_CONSOLE);
  gtk_widget_set_visible (self->console_button, bigmodel);
}

/* Until Liao is installed its icon may be missing from the theme.  Asked
 * when the page first shows, not when it is made: the question waits for
 * the icon theme, which GTK loads on a thread of its own meanwhile, and a
 * window with conversations never shows this page. */
static void
chat_welcome_page_map (GtkWidget *widget)
{
  ChatWelcomePage *self = CHAT_WELCOME_PAGE (widget);
  AdwStatusPage *status_page = ADW_STATUS_PAGE (self->status_page);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));

  if (adw_status_page_get_icon_name (status_page) == NULL)
    adw_status_page_set_icon_name (status_page,
                                   gtk_icon_theme_has_icon (theme, APP_ID) ? APP_ID : FALLBACK_ICON);

  GTK_WIDGET_CLASS (chat_welcome_page_parent_class)->map (widget);
}

static void
chat_welcome_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChatWelcomePage *self = CHAT_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_NEEDS_KEY:
      g_value_set_boolean (value, self->needs_key);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chat_welcome_page_dispose (GObject *object)
{
  ChatWelcomePage *self = CHAT_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), CHAT_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (chat_welcome_page_parent_class)->dispose (object);
}

static void
chat_welcome_page_class_init (ChatWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chat_welcome_page_dispose;
  object_class->get_property = chat_welcome_page_get_property;
  widget_class->map = chat_welcome_page_map;

  properties[PROP_NEEDS_KEY] =
    g_param_spec_boolean ("needs-key", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/liaochat/Liao/shell/chat-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ChatWelcomePage, command_label);
  gtk_widget_class_bind_template_child (widget_class, ChatWelcomePage, console_button);
  gtk_widget_class_bind_template_child (widget_class, ChatWelcomePage, key_box);
  gtk_widget_class_bind_template_child (widget_class, ChatWelcomePage, key_label);
  gtk_widget_class_bind_template_child (widget_class, ChatWelcomePage, status_page);
}

static void
chat_welcome_page_init (ChatWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chat_welcome_page_new (void)
{
  return g_object_new (CHAT_TYPE_WELCOME_PAGE, NULL);
}

typedef struct {
  ChatWelcomePage *self;
  ChatProfile     *profile;
} KeyCheck;

static void
key_check_free (KeyCheck *check)
{
  g_object_unref (check->self);
  g_object_unref (check->profile);
  g_free (check);
}

static void
set_needs_key (ChatWelcomePage *self,
               gboolean         needs_key)
{
  gtk_widget_set_visible (self->key_box, needs_key);
  if (self->needs_key == needs_key)
    return;
  self->needs_key = needs_key;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_KEY]);
}

static void
on_key_described (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KeyCheck *check = user_data;
  ChatWelcomePage *self = check->self;
  g_autoptr(GError) error = NULL;
  ChatKeySource found = chat_secrets_describe_finish (result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      key_check_free (check);
      return;
    }
  if (error != NULL)
    g_debug ("Looking for a key: %s", error->message);
  g_clear_object (&self->cancellable);
  if (found == CHAT_KEY_SOURCE_NONE)
    show_key_help (self, check->profile);
  set_needs_key (self, found == CHAT_KEY_SOURCE_NONE);
  key_check_free (check);
}

void
chat_welcome_page_set_profile (ChatWelcomePage *self,
                               ChatProfile     *profile)
{
  KeyCheck *check;

  g_return_if_fail (CHAT_IS_WELCOME_PAGE (self));
  g_return_if_fail (CHAT_IS_PROFILE (profile));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  check = g_new0 (KeyCheck, 1);
  check->self = g_object_ref (self);
  check->profile = g_object_ref (profile);
  chat_secrets_describe_async (profile, self->cancellable, on_key_described, check);
}

gboolean
chat_welcome_page_get_checking (ChatWelcomePage *self)
{
  g_return_val_if_fail (CHAT_IS_WELCOME_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

gboolean
chat_welcome_page_get_needs_key (ChatWelcomePage *self)
{
  g_return_val_if_fail (CHAT_IS_WELCOME_PAGE (self), FALSE);

  return self->needs_key;
}
