#!/bin/sh
# check-translations.sh SRCDIR
#
# Fails when the zh_CN translation is incomplete, invalid or behind the
# sources, or when po/POTFILES.in and the sources that need translating
# disagree.  zh_CN is a first-class language: a release must not show
# English to its users.
#
# Exit status: 0 all good, 1 a check failed, 77 gettext tools missing.

set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 SRCDIR" >&2
  exit 1
fi
srcdir=$1
po=po/zh_CN.po
status=0

fail ()
{
  printf 'check-translations: %s\n' "$1" >&2
  status=1
}

# Prints the messages of a PO file that match msgattrib's OPTION, without
# the header entry, which msgattrib always keeps.
select_messages ()
{
  msgattrib "$1" --no-obsolete "$2" \
    | awk 'BEGIN { RS = ""; ORS = "\n\n" } !/(^|\n)msgid ""\nmsgstr/'
}

for tool in xgettext msgmerge msgfmt msgattrib; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-translations: $tool not found, skipping" >&2
    exit 77
  fi
done

cd "$srcdir" || exit 1
for file in po/POTFILES.in "$po"; do
  if [ ! -f "$file" ]; then
    echo "check-translations: $srcdir/$file does not exist" >&2
    exit 1
  fi
done

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# POTFILES.in, without comments and blank lines, sorted for comm.
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' po/POTFILES.in \
  | LC_ALL=C sort -u > "$tmp/listed"

while IFS= read -r file; do
  [ -f "$file" ] || fail "po/POTFILES.in lists $file, which does not exist"
done < "$tmp/listed"

# A source that marks strings (in C, or in GtkBuilder XML) but is not listed
# never reaches the translators.
grep -rlIE '(^|[^[:alnum:]_])(N|C|NC)?_[[:space:]]*\(|ngettext|translatable="yes"' src \
  | LC_ALL=C sort -u > "$tmp/marked"
LC_ALL=C comm -23 "$tmp/marked" "$tmp/listed" > "$tmp/unlisted"
while IFS= read -r file; do
  fail "$file has translatable strings but is missing from po/POTFILES.in"
done < "$tmp/unlisted"

if ! msgfmt --check -o /dev/null "$po" 2> "$tmp/msgfmt.log"; then
  fail "$po does not pass msgfmt --check:"
  cat "$tmp/msgfmt.log" >&2
fi

select_messages --untranslated "$po" > "$tmp/untranslated"
if [ -s "$tmp/untranslated" ]; then
  fail "$po has untranslated messages:"
  cat "$tmp/untranslated" >&2
fi

select_messages --only-fuzzy "$po" > "$tmp/fuzzy"
if [ -s "$tmp/fuzzy" ]; then
  fail "$po has fuzzy messages:"
  cat "$tmp/fuzzy" >&2
fi

# Fix what is reported above first: the checks below would repeat it.
if [ $status -ne 0 ]; then
  exit 1
fi

# The keywords of the glib preset of i18n.gettext() in po/meson.build, so the
# template matches the one `ninja liao-pot` writes, plus plain ngettext.
if ! xgettext --package-name=liao --from-code=UTF-8 --add-comments \
       --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
       --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
       --keyword=g_dpgettext2:2c,3 --keyword=ngettext:1,2 \
       --flag=g_dngettext:2:pass-c-format \
       --files-from="$tmp/listed" -o "$tmp/liao.pot" 2> "$tmp/xgettext.log"; then
  fail "xgettext could not extract the strings:"
  cat "$tmp/xgettext.log" >&2
  exit 1
fi

# A message the sources have and the translation lacks comes out of the
# merge untranslated; a changed format comes out failing msgfmt --check.
msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$tmp/liao.pot"
select_messages --untranslated "$tmp/merged.po" > "$tmp/missing"
if [ -s "$tmp/missing" ]; then
  fail "$po lacks messages that the sources have (regenerate with ninja liao-pot, then msgmerge):"
  cat "$tmp/missing" >&2
fi
if ! msgfmt --check -o /dev/null "$tmp/merged.po" 2> "$tmp/merged.log"; then
  fail "$po does not pass msgfmt --check against the current sources:"
  cat "$tmp/merged.log" >&2
fi

if [ $status -eq 0 ]; then
  echo "check-translations: $po is complete and up to date" \
       "($(grep -c . "$tmp/listed") files in po/POTFILES.in)"
fi
exit $status
