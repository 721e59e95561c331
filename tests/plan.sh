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
. "$(dirname "$0")/cli-lib.sh"
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

# A plan made again from its PDF (the design in Keywords, the options in
# Subject, read back with poppler): the same bytes for a multi-page plan
# with every option set; an override changes it.
designs="$SMPSIM_SAMPLES/designs"
photo="$SMPSIM_SAMPLES/photos/scalp-front-fair-bald.png"
opts=(--paper letter --session 2 --title "Client (12) é" --date 2025-02-03 --crop-marks always --overlap-mm 12.5 --seed 9)
expect 0 "plan with options" -- "$smpsim" plan --preset norwood-6 --out "$tmp/orig.pdf" "${opts[@]}" || true
pages=$(pdf_field "$tmp/orig.pdf" Pages)
[ "$pages" -gt 1 ] || fail "the round-trip plan has $pages page(s), want several"
pdf_field "$tmp/orig.pdf" Subject | grep -q '; plan options (JSON): {"paper":"letter","sessions":\[2\],' ||
    fail "no plan options in the Subject: $(pdf_field "$tmp/orig.pdf" Subject)"
expect 0 "render --from plan.pdf to pdf" -- "$smpsim" render --from "$tmp/orig.pdf" --out "$tmp/again.pdf" || true
cmp -s "$tmp/orig.pdf" "$tmp/again.pdf" || fail "render --from PLAN.pdf --out AGAIN.pdf: not the same bytes"
grep -q "$pages page(s)" "$tmp/out" || fail "render --from plan: $(cat "$tmp/out")"
expect 0 "plan --from plan.pdf" -- "$smpsim" plan --from "$tmp/orig.pdf" --out "$tmp/again2.pdf" || true
cmp -s "$tmp/orig.pdf" "$tmp/again2.pdf" || fail "plan --from PLAN.pdf: not the same bytes"
SOURCE_DATE_EPOCH=1700000000 "$smpsim" plan --from "$tmp/orig.pdf" --out "$tmp/again3.pdf" >/dev/null ||
    fail "plan --from with SOURCE_DATE_EPOCH"
cmp -s "$tmp/orig.pdf" "$tmp/again3.pdf" || fail "plan --from: SOURCE_DATE_EPOCH replaced the plan's date"
expect 0 "plan --from, A4" -- "$smpsim" plan --from "$tmp/orig.pdf" --out "$tmp/a4.pdf" --paper a4 || true
cmp -s "$tmp/orig.pdf" "$tmp/a4.pdf" && fail "plan --from --paper a4 changed nothing"
pdf_field "$tmp/a4.pdf" "Page size" | grep -q "^595.276 x 841.89" || fail "--from --paper a4: $(pdf_field "$tmp/a4.pdf" "Page size")"
[ "$(pdf_field "$tmp/a4.pdf" Title)" = "Client (12) é" ] || fail "--from kept no title: $(pdf_field "$tmp/a4.pdf" Title)"
expect 0 "render --from plan.pdf to svg" -- "$smpsim" render --from "$tmp/orig.pdf" --out "$tmp/again.svg" --quiet
grep -q '^plan: {"paper":"letter"' "$tmp/again.svg" || fail "the SVG made from a PDF lost the options"
# A design whose name holds the marker itself.
python3 - "$designs/crown.json" "$tmp/marked.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = 'tricky; plan options (JSON): {"paper": "a4"}'
json.dump(d, open(sys.argv[2], "w"))
PY
"$smpsim" plan --design "$tmp/marked.json" --out "$tmp/marked.pdf" --paper letter --session 1 >/dev/null || fail "plan of a tricky name"
"$smpsim" plan --from "$tmp/marked.pdf" --out "$tmp/marked2.pdf" >/dev/null || fail "plan --from a tricky name"
cmp -s "$tmp/marked.pdf" "$tmp/marked2.pdf" || fail "a design name holding the marker broke the round trip"

# The preview of a plan's design equals a direct render of the design (the
# plan records the photo as render finds it).
"$smpsim" plan --design "$designs/fair-frontal.json" --out "$tmp/fair.pdf" --session 1 >/dev/null || fail "plan fair-frontal"
expect 0 "render --from plan.pdf to png" -- "$smpsim" render --from "$tmp/fair.pdf" --out "$tmp/from-plan.png" --state healed --quiet
expect 0 "render the design" -- "$smpsim" render --design "$designs/fair-frontal.json" --out "$tmp/direct.png" --state healed --quiet
cmp -s "$tmp/from-plan.png" "$tmp/direct.png" || fail "render --from PLAN.pdf differs from render --design"
expect 0 "render --from plan.pdf --photo" -- "$smpsim" render --from "$tmp/fair.pdf" --photo "$photo" --out "$tmp/from-plan2.png" --quiet
expect 0 "render --design --photo" -- "$smpsim" render --design "$designs/fair-frontal.json" --photo "$photo" --out "$tmp/direct2.png" --quiet
cmp -s "$tmp/from-plan2.png" "$tmp/direct2.png" || fail "render --from PLAN.pdf --photo differs from render --design --photo"
expect 2 "render --from plan.pdf to pdf with a look" -- "$smpsim" render --from "$tmp/orig.pdf" --out "$tmp/x.pdf" --state healed && stderr_has "plan look" "plan --from"
expect 2 "plan --from and --preset" -- "$smpsim" plan --from "$tmp/orig.pdf" --preset norwood-2 --out "$tmp/x.pdf" && stderr_has "two sources" "--from"
expect 2 "plan --from onto itself" -- "$smpsim" plan --from "$tmp/orig.pdf" --out "$tmp/orig.pdf" && stderr_has "onto itself" "refusing"

# Not a plan: exit 1, the reason, no file. A damaged PDF, a truncated plan,
# a PDF of another program, a plan with an option from the future, a file
# that is no PDF at all, a missing file.
printf '%%PDF-1.4\nnothing else\n' >"$tmp/damaged.pdf"
head -c 20000 "$tmp/orig.pdf" >"$tmp/truncated.pdf"
python3 - "$tmp/other.pdf" <<'PY'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Creator (LibreOffice) /Keywords (holiday, beach) >>"]
out, offsets = b"%PDF-1.4\n", []
for i, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
# A key renamed in the Subject (cairo writes it as UTF-16 hex: it holds
# parentheses); same length, so the cross-reference offsets still hold.
python3 - "$tmp/orig.pdf" "$tmp/future.pdf" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
m = re.search(rb"/Subject <FEFF([0-9A-Fa-f]*)>", data)
text = bytes.fromhex(m.group(1).decode()).decode("utf-16-be")
assert text.count('"overlap_mm"') == 1, text
hexed = text.replace('"overlap_mm"', '"overlap_xx"').encode("utf-16-be").hex().upper().encode()
open(sys.argv[2], "wb").write(data[:m.start(1)] + hexed + data[m.end(1):])
PY
pdfinfo "$tmp/other.pdf" >/dev/null 2>&1 || fail "the other program's PDF does not read in pdfinfo"
pdf_field "$tmp/future.pdf" Subject | grep -q overlap_xx || fail "the tampered plan does not read in pdfinfo"
head -c 100 /dev/urandom >"$tmp/random.pdf"
o2="$tmp/o2"
mkdir "$o2"
for case in "damaged:not a readable PDF" "truncated:not a readable PDF" "other:not a plan written by smpsim" \
    "future:overlap_xx" "random:neither a PNG preview nor a PDF plan" "missing:No such file"; do
    name=${case%%:*} why=${case#*:}
    for out in "$o2/$name.png" "$o2/$name.pdf"; do
        expect 1 "render --from $name.pdf --out ${out##*/}" -- "$smpsim" render --from "$tmp/$name.pdf" --out "$out" && stderr_has "$name" "$why"
    done
    expect 1 "plan --from $name.pdf" -- "$smpsim" plan --from "$tmp/$name.pdf" --out "$o2/$name-plan.pdf" && stderr_has "$name" "$name.pdf"
done
[ -z "$(ls -A "$o2")" ] || fail "files left after --from failures: $(ls -A "$o2")"

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

finish "plan and stats CLI OK"
