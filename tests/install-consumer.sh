#!/bin/sh
# meson install into a scratch root, then build and run a consumer program
# with nothing but pkg-config's answer for the installed smpsim.
set -eu
build=$1
consumer=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# First against the build tree itself, through meson's uninstalled .pc.
PKG_CONFIG_PATH="$build/meson-uninstalled" cc -std=c11 -Wall -Werror \
    $(PKG_CONFIG_PATH="$build/meson-uninstalled" pkg-config --cflags smpsim) "$consumer" \
    -o "$root/consumer-uninstalled" \
    $(PKG_CONFIG_PATH="$build/meson-uninstalled" pkg-config --libs smpsim)
LD_LIBRARY_PATH="$build/lib" "$root/consumer-uninstalled"
meson install -C "$build" --destdir "$root" --no-rebuild --quiet
pc=$(find "$root" -name smpsim.pc | head -n 1)
[ -n "$pc" ] || { echo "smpsim.pc was not installed"; exit 1; }
# smpsim's prefix moved into the scratch root (its -I and -L paths follow);
# the packages it requires (cairo, when built with it) stay where they are.
mkdir "$root/pc"
sed "s|^prefix=|prefix=$root|" "$pc" >"$root/pc/smpsim.pc"
export PKG_CONFIG_PATH="$root/pc"
cflags=$(pkg-config --cflags smpsim)
libs=$(pkg-config --libs smpsim)
echo "cflags: $cflags"
echo "libs:   $libs"
cc -std=c11 -Wall -Werror $cflags "$consumer" -o "$root/consumer" $libs
libdir=$(pkg-config --variable=libdir smpsim)
LD_LIBRARY_PATH="$libdir" "$root/consumer"
# The installed program runs from the same root (when the build has it).
[ "${3:-with-cli}" = with-cli ] || exit 0
bin=$(find "$root" -type f -name smpsim -perm -u+x | head -n 1)
[ -n "$bin" ] || { echo "smpsim CLI was not installed"; exit 1; }
LD_LIBRARY_PATH="$libdir" "$bin" --version
