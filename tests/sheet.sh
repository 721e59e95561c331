#!/usr/bin/env bash
# smpsim sheet and smpsim compare: a sheet cell (--cell) is byte for byte the
# render of the same parameters; the sheet's size follows the documented
# layout; same arguments, same bytes; bad parameters exit 2, bad files 1,
# and nothing is written then. Skipped (77) without python3.
set -u
smpsim=$1
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
samples=${SMPSIM_SAMPLES:?}
design=$samples/designs/fair-frontal.json
photo=$samples/photos/scalp-front-fair-bald.png
. "$(dirname "$0")/cli-lib.sh"
# png_size FILE: "W H" from the IHDR chunk.
png_size() { python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(*struct.unpack(">II", d[16:24]))' "$1"; }

"$smpsim" --help | grep -q "^  sheet " || fail "smpsim --help does not list sheet"
"$smpsim" --help | grep -q "^  compare " || fail "smpsim --help does not list compare"
expect 0 "sheet --help" -- "$smpsim" sheet --help

rows=shade=4,7
cols=state=fresh,healed,aged
# A cell equals render: state from the columns, shade through an edited design.
expect 0 "sheet --cell" -- "$smpsim" sheet --design "$design" --photo "$photo" --out "$tmp/cell.png" \
    --rows $rows --cols $cols --cell 2,3 --quiet
python3 - "$design" "$tmp/e.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["regions"]:
    r["shade"] = 7
json.dump(d, open(sys.argv[2], "w"))
PY
expect 0 "render shade 7 aged" -- "$smpsim" render --design "$tmp/e.json" --photo "$photo" \
    --out "$tmp/render.png" --state aged --quiet
cmp -s "$tmp/cell.png" "$tmp/render.png" || fail "sheet cell 2,3 differs from render (shade 7, aged)"
# A preset with sessions on the rows, no edit at all.
expect 0 "sheet --cell preset" -- "$smpsim" sheet --preset norwood-2 --glabella 630,560 --photo "$photo" \
    --out "$tmp/cell2.png" --rows session=1,2 --cols state=fresh,healed --cell 1,2 --quiet
expect 0 "render preset" -- "$smpsim" render --preset norwood-2 --glabella 630,560 --photo "$photo" \
    --out "$tmp/render2.png" --session 1 --state healed --quiet
cmp -s "$tmp/cell2.png" "$tmp/render2.png" || fail "preset sheet cell 1,2 differs from render"

# The whole sheet: its size, progress lines, same bytes twice, quiet.
expect 0 "sheet" -- "$smpsim" sheet --design "$design" --photo "$photo" --out "$tmp/sheet.png" \
    --rows $rows --cols $cols --crop 300,200,200,100 --title "shade x state"
[ "$(grep -c '^sheet: [0-9]*/6' "$tmp/err")" -eq 6 ] || fail "sheet: no 6 progress lines: $(cat "$tmp/err")"
want="$((32 + 150 + 3 * 200 + 2 * 8)) $((32 + 40 + 24 + 2 * 100 + 8))"
[ "$(png_size "$tmp/sheet.png")" = "$want" ] || fail "sheet size $(png_size "$tmp/sheet.png"), want $want"
expect 0 "sheet again" -- "$smpsim" sheet --design "$design" --photo "$photo" --out "$tmp/sheet2.png" \
    --rows $rows --cols $cols --crop 300,200,200,100 --title "shade x state" --quiet
[ -s "$tmp/err" ] && fail "sheet --quiet wrote on stderr"
cmp -s "$tmp/sheet.png" "$tmp/sheet2.png" || fail "the same sheet twice differs"
grep -q "smpsim:design" "$tmp/sheet.png" || fail "the sheet carries no smpsim:design"
# A grid file gives the same sheet.
printf '{"rows": "shade=4,7", "cols": {"param": "state", "values": ["fresh", "healed", "aged"]},
 "title": "shade x state", "crop": [300, 200, 200, 100]}\n' >"$tmp/grid.json"
expect 0 "sheet --grid" -- "$smpsim" sheet --design "$design" --photo "$photo" --out "$tmp/sheet3.png" \
    --grid "$tmp/grid.json" --quiet
cmp -s "$tmp/sheet.png" "$tmp/sheet3.png" || fail "--grid gives another sheet than --rows/--cols"

# Errors: bad PARAM or value 2, bad files 1; no output written.
expect 2 "bad param" -- "$smpsim" sheet --design "$design" --out "$tmp/x.png" --rows colour=1,2
grep -q "colour=1,2" "$tmp/err" || fail "bad param: no reason"
expect 2 "bad value" -- "$smpsim" sheet --design "$design" --out "$tmp/x.png" --rows shade=4,11
expect 2 "bad preset" -- "$smpsim" sheet --design "$design" --out "$tmp/x.png" --cols preset=nope
expect 2 "same param" -- "$smpsim" sheet --design "$design" --out "$tmp/x.png" --rows shade=4 --cols shade=5
expect 2 "crop outside" -- "$smpsim" sheet --design "$design" --out "$tmp/x.png" --rows shade=4 --crop 0,0,99999,10
expect 1 "missing design" -- "$smpsim" sheet --design "$tmp/none.json" --out "$tmp/x.png" --rows shade=4
echo '{"rows": 3}' >"$tmp/bad.json"
expect 1 "bad grid" -- "$smpsim" sheet --design "$design" --out "$tmp/x.png" --grid "$tmp/bad.json"
expect 2 "out onto input" -- "$smpsim" sheet --design "$design" --photo "$photo" --out "$photo" --rows shade=4
[ -e "$tmp/x.png" ] && fail "a failed sheet left $tmp/x.png"

# compare: sizes, same bytes twice, errors.
expect 0 "compare" -- "$smpsim" compare --design "$design" --photo "$photo" --out "$tmp/c1.png" --state healed --date 2025-01-15 --quiet
read -r w h < <(png_size "$photo")
[ "$(png_size "$tmp/c1.png")" = "$((2 * w)) $((h + 32))" ] || fail "compare size $(png_size "$tmp/c1.png")"
"$smpsim" compare --design "$design" --photo "$photo" --out "$tmp/c2.png" --state healed --date 2025-01-15 --quiet
cmp -s "$tmp/c1.png" "$tmp/c2.png" || fail "the same compare twice differs"
expect 0 "compare --split" -- "$smpsim" compare --design "$design" --photo "$photo" --out "$tmp/c3.png" --split 500 --quiet
[ "$(png_size "$tmp/c3.png")" = "$w $((h + 32))" ] || fail "compare --split size $(png_size "$tmp/c3.png")"
expect 2 "compare split outside" -- "$smpsim" compare --design "$design" --photo "$photo" --out "$tmp/y.png" --split 99999
expect 2 "compare both layouts" -- "$smpsim" compare --design "$design" --out "$tmp/y.png" --split 5 --side-by-side
expect 1 "compare bad photo" -- "$smpsim" compare --design "$design" --photo "$tmp/none.png" --out "$tmp/y.png"
[ -e "$tmp/y.png" ] && fail "a failed compare left $tmp/y.png"

finish "sheet and compare OK"
