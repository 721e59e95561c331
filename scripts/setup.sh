# Shared set-up for scripts/demo and scripts/test (sourced, not run).
# Installs the Debian packages smpsim needs when they are missing (as root),
# otherwise prints the exact command to run; then configures and builds.

SMPSIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SMPSIM_BUILD=${SMPSIM_BUILD:-$SMPSIM_ROOT/build}

# Build and test dependencies, by Debian package name. libpoppler-glib-dev:
# the CLI (not the library) reads PDF plans back with poppler-glib.
SMPSIM_PACKAGES=(
    gcc pkg-config meson ninja-build python3
    libcairo2-dev libpng-dev libjpeg62-turbo-dev libexif-dev libjansson-dev check
    fonts-dejavu-core libpoppler-glib-dev
)
# scripts/test also runs part of the suite under valgrind (the sanitizer
# build uses gcc's own AddressSanitizer and UBSan runtimes).
SMPSIM_TEST_PACKAGES=(valgrind poppler-utils librsvg2-bin man-db groff-base file)
# scripts/fuzz: clang with libFuzzer and the sanitizer runtimes, and
# llvm-symbolizer for readable crash reports.
SMPSIM_FUZZ_PACKAGES=(clang libclang-rt-14-dev llvm)
# scripts/studio and its browser tests: emscripten compiles the library core
# (and jansson, zlib, libpng from their Debian sources: dpkg-dev unpacks
# them); node and puppeteer-core (npm) drive Debian's chromium headless.
# Debian's nodejs and npm are added only when no node/npm is installed
# (a newer node from elsewhere conflicts with Debian's npm package).
SMPSIM_STUDIO_PACKAGES=(emscripten dpkg-dev chromium)
command -v node >/dev/null 2>&1 || SMPSIM_STUDIO_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || SMPSIM_STUDIO_PACKAGES+=(npm)

smpsim_missing_packages() {
    local missing=() p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    echo "${missing[@]}"
}

smpsim_install_packages() {
    local missing
    missing=$(smpsim_missing_packages "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "smpsim needs these Debian packages: $missing" >&2
        echo "Install them with:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
        return 1
    fi
    echo "== installing: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || return 1
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null || return 1
}

# smpsim_build [extra meson setup options...]
smpsim_build() {
    if [ ! -f "$SMPSIM_BUILD/build.ninja" ]; then
        echo "== configuring $SMPSIM_BUILD"
        meson setup "$SMPSIM_BUILD" "$SMPSIM_ROOT" "$@" >"$SMPSIM_BUILD.setup.log" 2>&1 || {
            cat "$SMPSIM_BUILD.setup.log" >&2
            return 1
        }
    fi
    echo "== building"
    meson compile -C "$SMPSIM_BUILD" >"$SMPSIM_BUILD.compile.log" 2>&1 || {
        cat "$SMPSIM_BUILD.compile.log" >&2
        return 1
    }
}
