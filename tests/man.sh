#!/usr/bin/env bash
# The man page renders with man(1) and groff without a single warning, and
# documents every command that `smpsim --help` lists (when given the tool).
# Skipped (77) without man and groff (Debian: man-db, groff-base).
set -u
page=$1
smpsim=${2:-}
if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
    echo "SKIP: man or groff is missing (Debian: man-db, groff-base)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# groff with every warning enabled: nothing on stderr.
groff -man -ww -z "$page" 2>"$tmp/groff.err" || fail "groff exited $?"
[ -s "$tmp/groff.err" ] && fail "groff warnings: $(head -c 600 "$tmp/groff.err")"

# man -l at two widths: some text, no complaint.
for width in 80 60; do
    MANWIDTH=$width man --warnings -l "$page" >"$tmp/raw" 2>"$tmp/err" ||
        fail "man -l (MANWIDTH=$width) exited $?"
    # Without a terminal man may still overstrike bold and underline: drop it.
    sed 's/.\x08//g' "$tmp/raw" >"$tmp/out"
    [ -s "$tmp/err" ] && fail "man -l (MANWIDTH=$width) warnings: $(head -c 600 "$tmp/err")"
    grep -q "SYNOPSIS" "$tmp/out" || fail "man -l (MANWIDTH=$width) shows no SYNOPSIS"
    # No line wider than the terminal (a sign of an unbreakable line).
    widest=$(LC_ALL=C.UTF-8 wc -L <"$tmp/out")
    [ "$widest" -le "$width" ] || fail "a line $widest columns wide at MANWIDTH=$width"
done

# Every command of `smpsim --help` has its own subsection, and its exit status.
if [ -n "$smpsim" ]; then
    commands=$("$smpsim" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
    [ -n "$commands" ] || fail "smpsim --help lists no commands"
    for c in $commands; do
        grep -q "^\.SS \"\\?smpsim $c\\b" "$page" || grep -q "^\.SS smpsim $c\b" "$page" ||
            fail "the man page has no '.SS smpsim $c' subsection"
    done
fi
grep -q '^\.SH "\?EXIT STATUS' "$page" || fail "the man page has no EXIT STATUS section"

[ "$failures" -eq 0 ] || exit 1
echo "man page OK"
