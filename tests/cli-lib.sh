# Shared by the command-line tests (cli.sh, plan.sh, sheet.sh); sourced,
# not run. Gives a scratch directory $tmp (removed on exit), a failure
# count and the checks below.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE DESCRIPTION -- COMMAND...: runs it, checks the exit code, keeps
# stdout and stderr in $tmp/out and $tmp/err.
expect() {
    local want=$1 what=$2
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, want $want; stderr: $(head -c 300 "$tmp/err")"
        return 1
    fi
    return 0
}

# stderr_has DESCRIPTION TEXT: the last command's stderr mentions TEXT.
stderr_has() {
    grep -q -- "$2" "$tmp/err" || fail "$1: stderr lacks '$2': $(head -c 300 "$tmp/err")"
}

# finish MESSAGE: exit 1 after any failure, else say MESSAGE.
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed"
        exit 1
    fi
    echo "$1"
}
