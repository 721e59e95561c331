#!/bin/sh
# The strict-C99 build of header-compiles.c exists (the build would have
# failed otherwise) and runs: the header's inline parts work too.
exec "$1"
