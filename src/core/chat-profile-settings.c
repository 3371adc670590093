/* chat-profile-settings.c: the settings about profiles
 *
 * Copyright 2026 The Liao developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chat-profile-settings.h"

#define KEY_CUSTOM_PROFILES "custom-profiles"
#define KEY_DEFAULT_MODELS  "default-models"
#define KEY_DEFAULT_PROFILE "default-profile"
#define FALLBACK_PROFILE    "general"
/* Long enough to read, short enough for a database column nobody sees. */
#define MAX_SLUG_LENGTH     32

static gboolean
is_builtin_id (const char *id)
{
  return g_strv_contains (chat_profile_get_builtin_ids (), id);
}

gboolean
chat_profile_settings_is_valid_base_url (const char *base_url)
{
  g_autofree char *url = NULL;

  if (base_url == NULL)
    return FALSE;
  url = chat_profile_build_url (base_url, "chat/completions");
  return url != NULL;
}

GPtrArray *
chat_profile_settings_load_custom (GSettings *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, KEY_CUSTOM_PROFILES);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *profiles = g_ptr_array_new_with_free_func (g_object_unref);
  GVariantIter iter;
  const char *id, *name, *base_url;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &id, &name, &base_url))
    {
      if (*id == '\0' || is_builtin_id (id) || !g_hash_table_add (seen, (gpointer) id) ||
          !chat_profile_settings_is_valid_base_url (base_url))
        {
          g_debug ("Skipping custom profile “%s”: bad or repeated id, or unusable base URL", id);
          continue;
        }
      g_ptr_array_add (profiles, chat_profile_new_custom (id, *name != '\0' ? name : id,
                                                          base_url, NULL));
    }
  return profiles;
}

static gboolean
has_id (GVariant   *profiles,
        const char *id)
{
  GVariantIter iter;
  const char *other;

  g_variant_iter_init (&iter, profiles);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &other, NULL, NULL))
    if (g_str_equal (other, id))
      return TRUE;
  return FALSE;
}

/* "My Server 2" -> "my-server-2"; a name with no ASCII letters or digits
 * (Chinese, say) gives "custom". */
static char *
slug_from_name (const char *name)
{
  GString *slug = g_string_new (NULL);

  for (const char *p = name; *p != '\0' && slug->len < MAX_SLUG_LENGTH; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  if (slug->len == 0)
    g_string_assign (slug, "custom");
  return g_string_free (slug, FALSE);
}

static char *
make_unique_id (GVariant   *profiles,
                const char *name)
{
  g_autofree char *slug = slug_from_name (name);
  char *id = g_strdup (slug);

  for (guint n = 2; is_builtin_id (id) || has_id (profiles, id); n++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", slug, n);
    }
  return id;
}

char *
chat_profile_settings_add_custom (GSettings  *settings,
                          const char *name,
                          const char *base_url)
{
  g_autoptr(GVariant) old = g_settings_get_value (settings, KEY_CUSTOM_PROFILES);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sss)"));
  g_autofree char *id = NULL;
  GVariantIter iter;
  GVariant *entry;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);
  g_return_val_if_fail (chat_profile_settings_is_valid_base_url (base_url), NULL);

  id = make_unique_id (old, name);
  g_variant_iter_init (&iter, old);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_variant_builder_add_value (&builder, entry);
      g_variant_unref (entry);
    }
  g_variant_builder_add (&builder, "(sss)", id, name, base_url);
  g_settings_set_value (settings, KEY_CUSTOM_PROFILES, g_variant_builder_end (&builder));
  return g_steal_pointer (&id);
}

/* Rebuilds the list without @id's entry, or with @replacement (a floating
 * (sss)) in its place.  FALSE when @id is not there. */
static gboolean
rewrite_entry (GSettings  *settings,
               const char *id,
               GVariant   *replacement)
{
  g_autoptr(GVariant) old = g_settings_get_value (settings, KEY_CUSTOM_PROFILES);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(sss)"));
  g_autoptr(GVariant) sunk = replacement != NULL ? g_variant_ref_sink (replacement) : NULL;
  gboolean found = FALSE;

  for (gsize i = 0; i < g_variant_n_children (old); i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (old, i);
      const char *entry_id;

      g_variant_get (entry, "(&s&s&s)", &entry_id, NULL, NULL);
      if (!g_str_equal (entry_id, id))
        {
          g_variant_builder_add_value (&builder, entry);
          continue;
        }
      /* Repeats of the id (which loading ignores) go with the first. */
      if (sunk != NULL && !found)
        g_variant_builder_add_value (&builder, sunk);
      found = TRUE;
    }
  if (found)
    g_settings_set_value (settings, KEY_CUSTOM_PROFILES, g_variant_builder_end (&builder));
  return found;
}

gboolean
chat_profile_settings_update_custom (GSettings  *settings,
                             const char *id,
                             const char *name,
                             const char *base_url)
{
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);
  g_return_val_if_fail (chat_profile_settings_is_valid_base_url (base_url), FALSE);

  return rewrite_entry (settings, id, g_variant_new ("(sss)", id, name, base_url));
}

char *
chat_profile_settings_dup_default_model (GSettings  *settings,
                                         const char *id)
{
  g_autoptr(GVariant) models = g_settings_get_value (settings, KEY_DEFAULT_MODELS);
  char *model = NULL;

  g_variant_lookup (models, id, "s", &model);
  return model;
}

void
chat_profile_settings_set_default_model (GSettings  *settings,
                                         const char *id,
                                         const char *model)
{
  g_autoptr(GVariant) old = g_settings_get_value (settings, KEY_DEFAULT_MODELS);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  g_autofree char *current = chat_profile_settings_dup_default_model (settings, id);
  GVariantIter iter;
  const char *entry_id, *entry_model;

  g_return_if_fail (id != NULL);

  if (model != NULL && *model == '\0')
    model = NULL;
  if (g_strcmp0 (current, model) == 0)
    return;
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s&s}", &entry_id, &entry_model))
    if (!g_str_equal (entry_id, id))
      g_variant_builder_add (&builder, "{ss}", entry_id, entry_model);
  if (model != NULL)
    g_variant_builder_add (&builder, "{ss}", id, model);
  g_settings_set_value (settings, KEY_DEFAULT_MODELS, g_variant_builder_end (&builder));
}

gboolean
chat_profile_settings_remove_custom (GSettings  *settings,
                             const char *id)
{
  g_autofree char *default_profile = NULL;

  g_return_val_if_fail (id != NULL, FALSE);

  if (is_builtin_id (id))
    return FALSE;
  /* The other keys first: whoever watches the list sees them settled. */
  default_profile = g_settings_get_string (settings, KEY_DEFAULT_PROFILE);
  if (g_str_equal (default_profile, id))
    g_settings_set_string (settings, KEY_DEFAULT_PROFILE, FALLBACK_PROFILE);
  chat_profile_settings_set_default_model (settings, id, NULL);
  return rewrite_entry (settings, id, NULL);
}

static GSettings *
new_installed_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

GPtrArray *
chat_profile_settings_load_installed (void)
{
  g_autoptr(GSettings) settings = new_installed_settings ();

  if (settings == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);
  return chat_profile_settings_load_custom (settings);
}

ChatProfile *
chat_profile_settings_lookup (const char *id)
{
  ChatProfile *profile = chat_profile_lookup_builtin (id);
  g_autoptr(GPtrArray) custom = NULL;

  if (profile != NULL)
    return profile;
  custom = chat_profile_settings_load_installed ();
  for (guint i = 0; i < custom->len; i++)
    if (g_str_equal (chat_profile_get_id (g_ptr_array_index (custom, i)), id))
      return g_object_ref (g_ptr_array_index (custom, i));
  return NULL;
}

char *
chat_profile_settings_dup_known_ids (void)
{
  g_autoptr(GPtrArray) custom = chat_profile_settings_load_installed ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  g_strv_builder_addv (builder, (const char **) chat_profile_get_builtin_ids ());
  for (guint i = 0; i < custom->len; i++)
    g_strv_builder_add (builder, chat_profile_get_id (g_ptr_array_index (custom, i)));
  ids = g_strv_builder_end (builder);
  return g_strjoinv (", ", ids);
}
