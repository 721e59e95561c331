#!/bin/sh
# The shared library needs only the external libraries of the optional parts
# it was built with: linked-libraries.sh LIB PART=yes|no ... (PART: png,
# jpeg, json, cairo). A core build (every part "no") needs libm, libc and
# nothing else.
set -eu
lib=$1
shift
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$lib needs:" $needed
status=0
for spec in "$@"; do
    part=${spec%%=*}
    have=${spec#*=}
    case $part in
    png) pattern='^libpng' ;;
    jpeg) pattern='^lib(jpeg|exif)' ;;
    json) pattern='^libjansson' ;;
    cairo) pattern='^lib(cairo|pixman|X11|xcb)' ;;
    *) echo "unknown part $part"; exit 2 ;;
    esac
    if [ "$have" = no ] && printf '%s\n' $needed | grep -Eq "$pattern"; then
        echo "FAIL: built without $part, yet linked to $(printf '%s\n' $needed | grep -E "$pattern" | tr '\n' ' ')"
        status=1
    fi
done
if [ "$*" = "png=no jpeg=no json=no cairo=no" ]; then
    extra=$(printf '%s\n' $needed | grep -Ev '^(libm|libc|libpthread|ld-linux.*)\.so' || true)
    if [ -n "$extra" ]; then
        echo "FAIL: the core build links to" $extra
        status=1
    fi
fi
exit $status
