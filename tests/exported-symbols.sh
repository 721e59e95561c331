#!/bin/sh
# Every dynamic symbol the shared library defines starts with smpsim_.
set -eu
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
[ -n "$syms" ] || { echo "no exported symbols found in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^smpsim_' || true)
if [ -n "$bad" ]; then
    echo "symbols outside the smpsim_ namespace:"
    printf '%s\n' "$bad"
    exit 1
fi
internal=$(printf '%s\n' "$syms" | grep '^smpsim__' || true)
if [ -n "$internal" ]; then
    echo "internal smpsim__ symbols are exported:"
    printf '%s\n' "$internal"
    exit 1
fi
echo "$(printf '%s\n' "$syms" | wc -l) symbols, all smpsim_*"
