#!/bin/sh
# check-install.sh BUILDDIR
#
# Checks what `meson install` gives a user or a distribution:
#
# 1. BUILDDIR installed with DESTDIR to a scratch folder (--no-rebuild: run
#    `meson compile` first) holds the program, the desktop file, the
#    metainfo, the settings schema, both icons and the zh_CN translation;
#    the desktop file, metainfo and schema validate there; the icons are the
#    sizes their folders promise; the files name each other correctly.
# 2. The Flatpak manifest is well-formed JSON for the same app id.
# 3. The installed `liao --help` speaks Chinese under LANGUAGE=zh_CN.
#
# Why 3 needs a second build: the binary binds the translations of its
# configured prefix (LOCALEDIR, compiled in, e.g. /usr/local/share/locale).
# A DESTDIR install puts them elsewhere, and gettext has no environment
# variable to look there.  So the script configures the same sources in a
# throwaway build folder whose prefix is in the scratch folder
# (-Dtests=false, --buildtype=plain: about 12 s on two cores), installs it
# for real, and runs that `liao`.  This is also the plain install to a
# prefix that users do, post-install step (compiled schemas) included.
#
# Exit status: 0 all good, 1 a check failed, 77 a tool is missing.

set -u

app_id=io.github.liaochat.Liao

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILDDIR" >&2
  exit 1
fi
builddir=$1
status=0

fail ()
{
  printf 'check-install: %s\n' "$1" >&2
  status=1
}

for tool in meson python3 xmllint desktop-file-validate appstreamcli \
            glib-compile-schemas timeout; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-install: $tool not found, skipping" >&2
    exit 77
  fi
done

# Prints the folder NAME (prefix, bindir, datadir, localedir) that build
# folder $1 installs to; meson keeps all but the prefix relative to it.
install_dir ()
{
  meson introspect "$1" --buildoptions | python3 -c '
import json, os, sys
options = {o["name"]: o["value"] for o in json.load(sys.stdin)}
print(os.path.join(options["prefix"], options[sys.argv[1]]))' "$2"
}

srcdir=$(python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["directories"]["source"])' \
  "$builddir/meson-info/meson-info.json") || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# 1. The packaged tree.
dest=$tmp/dest
if ! DESTDIR=$dest meson install -C "$builddir" --no-rebuild --quiet \
       > "$tmp/install.log" 2>&1; then
  cat "$tmp/install.log" >&2
  fail "meson install failed (did \`meson compile -C $builddir\` run first?)"
  exit 1
fi
bindir=$dest$(install_dir "$builddir" bindir)
datadir=$dest$(install_dir "$builddir" datadir)
localedir=$dest$(install_dir "$builddir" localedir)
desktop=$datadir/applications/$app_id.desktop
metainfo=$datadir/metainfo/$app_id.metainfo.xml
schemas=$datadir/glib-2.0/schemas
icon=$datadir/icons/hicolor/scalable/apps/$app_id.svg
symbolic=$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
service=$datadir/dbus-1/services/$app_id.service
provider=$datadir/gnome-shell/search-providers/$app_id.search-provider.ini

[ -x "$bindir/liao" ] || fail "bin/liao is not installed"
for file in "$desktop" "$metainfo" "$schemas/$app_id.gschema.xml" "$icon" \
            "$symbolic" "$localedir/zh_CN/LC_MESSAGES/liao.mo" "$service" "$provider"; do
  [ -f "$file" ] || fail "${file#"$dest"} is not installed"
done
if [ $status -ne 0 ]; then
  exit 1
fi

desktop-file-validate "$desktop" || fail "the installed desktop file is not valid"
appstreamcli validate --no-net --explain "$metainfo" \
  || fail "the installed metainfo is not valid"
glib-compile-schemas --strict --dry-run "$schemas" \
  || fail "the installed schema does not compile"

grep -qx "Icon=$app_id" "$desktop" || fail "the desktop file does not name the icon $app_id"
grep -qx "Exec=liao" "$desktop" || fail "the desktop file does not start liao"
# D-Bus starts the installed liao as a service under the name the search
# provider calls.
grep -qx "Name=$app_id" "$service" || fail "the D-Bus service is not named $app_id"
grep -qx "Exec=$(install_dir "$builddir" bindir)/liao --gapplication-service" "$service" \
  || fail "the D-Bus service does not start the installed liao as a service"
grep -qx "BusName=$app_id" "$provider" || fail "the search provider does not call $app_id"
launchable=$(xmllint --xpath 'string(//launchable[@type="desktop-id"])' "$metainfo")
[ "$launchable" = "$app_id.desktop" ] \
  || fail "the metainfo launches “$launchable”, not $app_id.desktop"

# GNOME draws app icons on a 128 px grid and symbolic ones on 16 px.
check_icon ()
{
  box=$(xmllint --xpath 'string(/*[local-name()="svg"]/@viewBox)' "$1") \
    || fail "${1#"$dest"} is not well-formed SVG"
  [ "$box" = "$2" ] || fail "${1#"$dest"} has viewBox “$box”, not “$2”"
}
check_icon "$icon" "0 0 128 128"
check_icon "$symbolic" "0 0 16 16"

# 2. The Flatpak manifest.
python3 - "$srcdir/build-aux/flatpak/$app_id.json" "$app_id" <<'EOF' || fail "the Flatpak manifest is not valid"
import json, sys
with open(sys.argv[1]) as f:
    manifest = json.load(f)
if manifest.get("id") != sys.argv[2] or manifest.get("command") != "liao":
    sys.exit(f"{sys.argv[1]}: id or command is not {sys.argv[2]} / liao")
EOF

# 3. The installed program speaks Chinese.
prefix=$tmp/prefix
if ! { meson setup --prefix="$prefix" --buildtype=plain -Dtests=false \
         -Dbenchmarks=false "$tmp/build" "$srcdir" \
       && meson install -C "$tmp/build" --quiet; } > "$tmp/prefix.log" 2>&1; then
  cat "$tmp/prefix.log" >&2
  fail "meson install to the prefix $prefix failed"
  exit 1
fi
liao=$(install_dir "$tmp/build" bindir)/liao
[ -f "$(install_dir "$tmp/build" datadir)/glib-2.0/schemas/gschemas.compiled" ] \
  || fail "the install to a prefix did not compile the schemas"

# Compared with the untranslated help, so Chinese in the English text (智谱
# in a profile name, say) cannot pass for a translation.
if ! LANGUAGE=zh_CN LC_ALL=C.UTF-8 timeout 30 "$liao" --help > "$tmp/help-zh" 2>&1 \
   || ! LANGUAGE= LC_ALL=C.UTF-8 timeout 30 "$liao" --help > "$tmp/help-en" 2>&1; then
  cat "$tmp/help-zh" "$tmp/help-en" >&2
  fail "liao --help of the installed program failed"
elif cmp -s "$tmp/help-zh" "$tmp/help-en" \
     || ! LC_ALL=C.UTF-8 grep -qP '\p{Han}' "$tmp/help-zh"; then
  cat "$tmp/help-zh" >&2
  fail "LANGUAGE=zh_CN liao --help of the installed program prints no Chinese"
fi

if [ $status -eq 0 ]; then
  echo "check-install: the install is complete and valid, and liao speaks Chinese"
fi
exit $status
