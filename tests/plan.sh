#!/usr/bin/env bash
# smpsim plan and smpsim stats as a user meets them: help, exit codes, errors
# that name the problem and leave no file behind, A4/Letter page sizes read
# back by pdfinfo, SVG rendered by rsvg-convert, the same bytes twice, dates
# only when given, stats that are valid JSON and add up to the dot list.
# Skipped (77) without pdfinfo, rsvg-convert or python3 (Debian:
# poppler-utils, librsvg2-bin, python3).
set -u
smpsim=$1
for tool in pdfinfo rsvg-convert python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is missing (Debian: poppler-utils, librsvg2-bin, python3)"
        exit 77
    fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE DESCRIPTION -- COMMAND...: checks the exit code; keeps stdout
# and stderr in $tmp/out and $tmp/err.
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
stderr_has() { grep -q -- "$2" "$tmp/err" || fail "$1: stderr lacks '$2': $(head -c 300 "$tmp/err")"; }
# pdf_field FILE FIELD: a field of pdfinfo's report.
pdf_field() { pdfinfo "$1" 2>/dev/null | sed -n "s/^$2: *//p"; }

expect 0 "plan --help" -- "$smpsim" plan --help && grep -q -- "--paper" "$tmp/out" || fail "plan --help lacks --paper"
expect 0 "stats --help" -- "$smpsim" stats --help && grep -q -- "--per-minute" "$tmp/out" || fail "stats --help lacks --per-minute"
"$smpsim" --help | grep -q "^  plan " || fail "smpsim --help does not list plan"
"$smpsim" --help | grep -q "^  stats " || fail "smpsim --help does not list stats"

# Bad command lines: exit 2, the reason, no file (outputs go to $o).
o="$tmp/o"
mkdir "$o"
out="$o/p.pdf"
expect 2 "plan without a design" -- "$smpsim" plan --out "$out" && stderr_has "no design" "--design"
expect 2 "plan without --out" -- "$smpsim" plan --preset norwood-2 && stderr_has "no out" "--out"
expect 2 "plan bad paper" -- "$smpsim" plan --preset norwood-2 --out "$out" --paper a3 && stderr_has "paper" "'a3'"
expect 2 "plan bad date" -- "$smpsim" plan --preset norwood-2 --out "$out" --date 2025-13-01 && stderr_has "date" "YYYY-MM-DD"
expect 2 "plan bad session" -- "$smpsim" plan --preset norwood-2 --out "$out" --session 9 && stderr_has "session" "--session"
expect 2 "plan unknown extension" -- "$smpsim" plan --preset norwood-2 --out "$o/p.png" && stderr_has "extension" "--format"
expect 2 "plan unknown option" -- "$smpsim" plan --preset norwood-2 --out "$out" --bogus && stderr_has "unknown" "--bogus"
expect 2 "plan bad SOURCE_DATE_EPOCH" -- env SOURCE_DATE_EPOCH=yesterday "$smpsim" plan --preset norwood-2 --out "$out" && stderr_has "epoch" "SOURCE_DATE_EPOCH"
expect 2 "stats without a design" -- "$smpsim" stats && stderr_has "stats no design" "--design"
expect 2 "stats bad pace" -- "$smpsim" stats --preset norwood-2 --per-minute 0 && stderr_has "pace" "--per-minute"
[ -z "$(ls -A "$o")" ] || fail "files left after usage errors: $(ls -A "$o")"

# Failures: exit 1, the reason, no file.
expect 1 "plan unknown preset" -- "$smpsim" plan --preset norwood-99 --out "$out" && stderr_has "unknown preset" "norwood-99"
echo '{"format_version": 1, "regions": [], "bogus": 1}' >"$tmp/bad.json"
expect 1 "plan invalid design" -- "$smpsim" plan --design "$tmp/bad.json" --out "$out" && stderr_has "invalid design" "bad.json"
expect 1 "plan into a missing directory" -- "$smpsim" plan --preset norwood-2 --out "$o/nope/p.pdf" && stderr_has "missing dir" "nope/p.pdf"
expect 1 "stats into a missing directory" -- "$smpsim" stats --preset norwood-2 --out "$o/nope/s.json" && stderr_has "stats missing dir" "nope/s.json"
if [ "$(id -u)" -ne 0 ]; then # root writes anywhere
    mkdir "$o/ro" && chmod 555 "$o/ro"
    expect 1 "plan into a read-only directory" -- "$smpsim" plan --preset norwood-2 --out "$o/ro/p.pdf" && stderr_has "read-only" "ro/p.pdf"
    [ -z "$(ls -A "$o/ro")" ] || fail "files left in the read-only directory"
    chmod 755 "$o/ro" && rmdir "$o/ro"
fi
[ -z "$(ls -A "$o")" ] || fail "files left after failures: $(ls -A "$o")"

# A4 PDF: one page per session (norwood-1 fits on one sheet), 210 x 297 mm.
expect 0 "plan pdf" -- "$smpsim" plan --preset norwood-1 --out "$out" --title "Client 12" || true
grep -q "3 page(s)" "$tmp/out" || fail "plan pdf: $(cat "$tmp/out")"
[ "$(pdf_field "$out" Pages)" = 3 ] || fail "plan pdf: $(pdf_field "$out" Pages) pages, want 3"
size=$(pdf_field "$out" "Page size")
python3 -c "
import sys; w, h = float(sys.argv[1]), float(sys.argv[3])
mm = lambda pt: pt * 25.4 / 72
sys.exit(0 if abs(mm(w) - 210) < 0.1 and abs(mm(h) - 297) < 0.1 else 1)" $size || fail "A4 page size: $size"
[ "$(pdf_field "$out" Title)" = "Client 12" ] || fail "title: $(pdf_field "$out" Title)"
pdf_field "$out" Creator | grep -q "^smpsim [0-9]" || fail "creator: $(pdf_field "$out" Creator)"
[ -z "$(pdf_field "$out" CreationDate)" ] || fail "a creation date without --date: $(pdf_field "$out" CreationDate)"

# Same bytes again, a second later.
sleep 1
"$smpsim" plan --preset norwood-1 --out "$tmp/again.pdf" --title "Client 12" >/dev/null
cmp -s "$out" "$tmp/again.pdf" || fail "the same plan twice gave different bytes"

# Dates: --date, else SOURCE_DATE_EPOCH.
"$smpsim" plan --preset norwood-1 --out "$tmp/dated.pdf" --date 2025-03-04 >/dev/null
pdf_field "$tmp/dated.pdf" CreationDate | grep -q "Mar  4 .*2025" || fail "--date: $(pdf_field "$tmp/dated.pdf" CreationDate)"
SOURCE_DATE_EPOCH=1700000000 "$smpsim" plan --preset norwood-1 --out "$tmp/epoch.pdf" >/dev/null
pdf_field "$tmp/epoch.pdf" CreationDate | grep -q "Nov 14 .*2023" || fail "SOURCE_DATE_EPOCH: $(pdf_field "$tmp/epoch.pdf" CreationDate)"

# Letter, one session: 8.5 x 11 in.
"$smpsim" plan --preset norwood-1 --out "$tmp/letter.pdf" --paper letter --session 2 >/dev/null
[ "$(pdf_field "$tmp/letter.pdf" Pages)" = 1 ] || fail "--session 2: $(pdf_field "$tmp/letter.pdf" Pages) pages"
pdf_field "$tmp/letter.pdf" "Page size" | grep -q "^612 x 792 pts" || fail "letter: $(pdf_field "$tmp/letter.pdf" "Page size")"

# A design wider than A4: sheets per session, all pages A4.
"$smpsim" plan --preset norwood-6 --out "$tmp/big.pdf" >"$tmp/out" || fail "plan norwood-6"
pages=$(pdf_field "$tmp/big.pdf" Pages)
want=$(sed -n 's/.*: \([0-9]*\) page(s).*/\1/p' "$tmp/out")
[ "$pages" = "$want" ] && [ "$pages" -gt 3 ] || fail "norwood-6: $pages pages, the command said $want"

# SVG: rsvg-convert draws it; the design travels in <metadata>.
expect 0 "plan svg" -- "$smpsim" plan --preset norwood-1 --out "$tmp/p.svg" || true
rsvg-convert -d 25.4 -p 25.4 -o "$tmp/p.png" "$tmp/p.svg" 2>"$tmp/err" || fail "rsvg-convert: $(cat "$tmp/err")"
python3 - "$tmp/p.png" <<'PY' || fail "the SVG rasterised to the wrong size"
import struct, sys
w, h = struct.unpack(">II", open(sys.argv[1], "rb").read()[16:24])
sys.exit(0 if abs(w - 210) <= 1 and abs(h - 297) <= 1 else 1)  # 1 px per mm
PY
grep -q '<metadata id="smpsim-provenance">' "$tmp/p.svg" || fail "SVG without provenance"

# stats: valid JSON whose counts are the dot list's.
"$smpsim" stats --preset norwood-3 --json >"$tmp/stats.json" || fail "stats --json"
"$smpsim" dots --preset norwood-3 >"$tmp/dots.csv" || fail "dots --preset"
"$smpsim" stats --preset norwood-3 --json --per-minute 60 >"$tmp/stats60.json" || fail "stats --per-minute"
"$smpsim" stats --preset norwood-3 --out "$tmp/stats-file.json" >/dev/null || fail "stats --out"
cmp -s "$tmp/stats.json" "$tmp/stats-file.json" || fail "stats --out differs from --json"
python3 - "$tmp/stats.json" "$tmp/stats60.json" "$tmp/dots.csv" <<'PY' || fail "stats do not add up"
import csv, json, sys
s, s60 = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rows = list(csv.DictReader(open(sys.argv[3])))
errors = []
if s["dots"] != len(rows):
    errors.append(f"dots {s['dots']} != {len(rows)} lines")
for k, sess in enumerate(s["sessions"], 1):
    n = sum(1 for r in rows if int(r["session"]) == k)
    if sess["dots"] != n:
        errors.append(f"session {k}: {sess['dots']} != {n}")
for k, reg in enumerate(s["regions"], 1):
    n = sum(1 for r in rows if int(r["region"]) == k)
    if reg["dots"] != n:
        errors.append(f"region {k}: {reg['dots']} != {n}")
if abs(s["working_minutes"] - len(rows) / 90) > 0.06 or abs(s60["working_minutes"] - len(rows) / 60) > 0.06:
    errors.append(f"working minutes {s['working_minutes']} / {s60['working_minutes']}")
if s["impressions_per_minute"] != 90:
    errors.append("default pace is not 90")
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
"$smpsim" stats --preset norwood-3 >"$tmp/out" || fail "stats (text)"
grep -q "^working time: .* at 90 impressions per minute" "$tmp/out" || fail "stats text: $(cat "$tmp/out")"

[ "$failures" -eq 0 ] || exit 1
echo "plan and stats CLI OK"
