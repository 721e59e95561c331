#!/bin/sh
# The studio's browser test (tests/browser/studio-test.mjs) as a meson test:
#   run.sh BUILD_DIR
# Skips (77) when node is missing or the page is not built; scripts/test
# builds the page (scripts/studio) and installs puppeteer-core (npm ci) first.
build=$1
dir=$(dirname "$0")
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: no node (apt-get install nodejs)"
    exit 77
fi
exec node "$dir/studio-test.mjs" "$build" "$dir/../../samples/photos/scalp-front-dark-bald.png" \
    "$build/studio-test"
