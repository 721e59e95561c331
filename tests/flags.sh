#!/usr/bin/env bash
# Every flag works the same in every command that takes it, or is refused
# with a message and exit 2: nothing is silently ignored (issue 16). The
# help each command prints is written from the tables the parser reads,
# so every flag it lists is one the command takes.
set -u
smpsim=$1
designs="$SMPSIM_SAMPLES/designs"
. "$(dirname "$0")/cli-lib.sh"

# A small photo (a skin-coloured gradient) and a flat-view design over it.
python3 -c 'import sys, zlib, struct
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
w, h = 240, 160
raw = b"".join(b"\0" + b"".join(bytes((200 - y // 4, 160 - y // 4, 130 + x // 8)) for x in range(w)) for y in range(h))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' "$tmp/photo.png"
cat >"$tmp/flat.json" <<'EOF'
{"format_version": 1, "photo": "photo.png",
 "view": {"kind": "flat", "px_per_mm": 4, "offset_px": [120, 150]},
 "regions": [{"type": "polygon", "points_mm": [[-25, -35], [25, -35], [25, -5], [-25, -5]],
              "density_per_cm2": 60}]}
EOF
# Two regions, the second too dense for healed dots: its warning names it.
cat >"$tmp/two.json" <<'EOF'
{"format_version": 1,
 "regions": [{"type": "polygon", "points_mm": [[0, 0], [20, 0], [20, 20], [0, 20]]},
             {"type": "polygon", "points_mm": [[30, 0], [50, 0], [50, 20], [30, 20]],
              "density_per_cm2": 220, "dot_diameter_mm": 0.3}]}
EOF

# -- compare and sheet take render's look, placing and seed flags --------
expect 0 "compare" -- "$smpsim" compare --design "$tmp/flat.json" --out "$tmp/c.png" --quiet
expect 0 "compare healed" -- "$smpsim" compare --design "$tmp/flat.json" --out "$tmp/ch.png" --quiet --state aged --years 10
for flags in "--guides" "--auto-shade" "--distance-m 3" "--seed 9" "--scale 3" \
             "--calibrate 0,0,100,0,20" "--skin 10,10 --auto-shade" "--hair 200,20 --auto-shade"; do
    # shellcheck disable=SC2086
    expect 0 "compare $flags" -- "$smpsim" compare --design "$tmp/flat.json" --out "$tmp/c2.png" --quiet $flags &&
        { cmp -s "$tmp/c.png" "$tmp/c2.png" && fail "compare $flags changed nothing"; }
done
# the pigment's depth, blow-out and sun show in the modelled states
for flags in "--depth-mm 1.6" "--blowout-mm 0.5 --depth-mm 0.9" "--uv high"; do
    # shellcheck disable=SC2086
    expect 0 "compare healed $flags" -- "$smpsim" compare --design "$tmp/flat.json" --out "$tmp/c2.png" --quiet --state aged --years 10 $flags &&
        { cmp -s "$tmp/ch.png" "$tmp/c2.png" && fail "compare --state aged $flags changed nothing"; }
done
expect 0 "compare --skin prints the colour" -- "$smpsim" compare --design "$tmp/flat.json" --out "$tmp/c3.png" --skin 10,10
grep -q "^skin #[0-9a-f]\{6\} (L\*" "$tmp/out" || fail "compare --skin printed no colour: $(cat "$tmp/out")"
expect 0 "sheet" -- "$smpsim" sheet --design "$tmp/flat.json" --rows shade=3,6 --out "$tmp/sh.png" --quiet
for flags in "--guides" "--seed 9" "--scale 3" "--distance-m 3" "--auto-shade"; do
    # shellcheck disable=SC2086
    expect 0 "sheet $flags" -- "$smpsim" sheet --design "$tmp/flat.json" --rows shade=3,6 --out "$tmp/sh2.png" --quiet $flags &&
        { cmp -s "$tmp/sh.png" "$tmp/sh2.png" && fail "sheet $flags changed nothing"; }
done
# --seed holds for a cell whose design a preset replaces too
expect 0 "sheet preset cell --seed" -- "$smpsim" sheet --design "$tmp/flat.json" --cols preset=norwood-2,norwood-3 --cell 1,2 --seed 4 --out "$tmp/pc.png" --quiet
expect 0 "sheet preset cell" -- "$smpsim" sheet --design "$tmp/flat.json" --cols preset=norwood-2,norwood-3 --cell 1,2 --out "$tmp/pc1.png" --quiet
cmp -s "$tmp/pc.png" "$tmp/pc1.png" && fail "sheet --seed is lost in a preset cell"
# a sheet's cell is render's preview with the same flags, byte for byte
expect 0 "sheet --cell" -- "$smpsim" sheet --design "$tmp/flat.json" --cols state=fresh,healed --cell 1,2 --guides --seed 4 --out "$tmp/cell.png" --quiet
expect 0 "render the cell" -- "$smpsim" render --design "$tmp/flat.json" --state healed --guides --seed 4 --out "$tmp/cell-r.png" --quiet
cmp -s "$tmp/cell.png" "$tmp/cell-r.png" || fail "sheet --cell --guides --seed is not render's preview"

# -- a scale for a head view, or for what has no photo, is refused -------
for cmd in "render" "compare" "sheet --rows shade=3,6" "dots"; do
    # shellcheck disable=SC2086
    expect 2 "$cmd --scale on a head view" -- "$smpsim" $cmd --design "$designs/fair-frontal.json" --scale 3 --out "$tmp/x.png" &&
        stderr_has "$cmd --scale on a head view" "has a head view"
done
expect 2 "dots rectangle --scale" -- "$smpsim" dots --width-mm 5 --height-mm 5 --scale 3 && stderr_has "rectangle --scale" "has none"
expect 2 "dots preset --scale without --glabella" -- "$smpsim" dots --preset norwood-3 --scale 3 && stderr_has "preset --scale" "without --glabella"
# dots --design --scale: the flat view's scale, as render's
expect 0 "dots --design --scale" -- "$smpsim" dots --design "$tmp/flat.json" --scale 2 --out "$tmp/d2.csv"
expect 0 "dots --design" -- "$smpsim" dots --design "$tmp/flat.json" --out "$tmp/d1.csv"
cmp -s "$tmp/d1.csv" "$tmp/d2.csv" && fail "dots --design --scale changed nothing"

# -- region parameters belong to a design made from flags ----------------
for cmd in "render --design $tmp/flat.json --out $tmp/x.png" "dots --design $tmp/flat.json" \
           "dots --preset norwood-3"; do
    for flag in "--density 50" "--dot-mm 0.3" "--shade 7"; do
        # shellcheck disable=SC2086
        expect 2 "$cmd $flag" -- "$smpsim" $cmd $flag && stderr_has "$cmd $flag" "${flag%% *}"
    done
done

# -- options of other commands, options twice, opposites -----------------
expect 2 "compare --no-guides" -- "$smpsim" compare --design "$tmp/flat.json" --out "$tmp/x.png" --no-guides &&
    stderr_has "compare --no-guides" "not an option of compare (it is one of render)"
expect 2 "dots --photo" -- "$smpsim" dots --width-mm 5 --height-mm 5 --photo "$tmp/photo.png" &&
    stderr_has "dots --photo" "not an option of dots"
expect 2 "stats --guides" -- "$smpsim" stats --design "$tmp/two.json" --guides && stderr_has "stats --guides" "not an option of stats"
expect 2 "check --seed" -- "$smpsim" check "$tmp/two.json" --seed 3 && stderr_has "check --seed" "not an option of check"
expect 2 "unknown everywhere" -- "$smpsim" stats --design "$tmp/two.json" --frobnicate && stderr_has "unknown" "unknown option '--frobnicate'"
expect 2 "dots --seed twice" -- "$smpsim" dots --width-mm 5 --height-mm 5 --seed 1 --seed 2 && stderr_has "twice" "--seed is given twice"
expect 2 "render --state twice" -- "$smpsim" render --photo "$tmp/photo.png" --out "$tmp/x.png" --state fresh --state healed && stderr_has "state twice" "given twice"
expect 2 "check --json twice" -- "$smpsim" check "$tmp/two.json" --json --json && stderr_has "json twice" "given twice"
expect 2 "--guides and --no-guides" -- "$smpsim" render --photo "$tmp/photo.png" --out "$tmp/x.png" --guides --no-guides && stderr_has "opposites" "give --guides or --no-guides, not both"
expect 2 "metrics --seed of a dot list" -- "$smpsim" metrics "$tmp/d1.csv" --seed 3 && stderr_has "metrics --seed" "dot list"
expect 0 "metrics --preset --seed" -- "$smpsim" metrics --preset ludwig-1 --seed 3 --json
cp "$tmp/out" "$tmp/m3.json"
expect 0 "metrics --preset" -- "$smpsim" metrics --preset ludwig-1 --json
cmp -s "$tmp/out" "$tmp/m3.json" && fail "metrics --seed changed nothing"
[ ! -e "$tmp/x.png" ] || fail "an output file exists after usage errors"

# -- one message for one bad value, whichever command --------------------
for cmd in "render --photo $tmp/photo.png --out $tmp/x.png" "compare --design $tmp/flat.json --out $tmp/x.png" \
           "sheet --design $tmp/flat.json --rows shade=3 --out $tmp/x.png" "dots --density-map $tmp/photo.png"; do
    # shellcheck disable=SC2086
    expect 2 "$cmd --scale 0" -- "$smpsim" $cmd --scale 0 && head -1 "$tmp/err" >>"$tmp/scale-messages"
    # shellcheck disable=SC2086
    expect 2 "$cmd --seed -1" -- "$smpsim" $cmd --seed -1 && head -1 "$tmp/err" >>"$tmp/seed-messages"
done
[ "$(sort -u "$tmp/scale-messages")" = "smpsim: --scale '0' is not a number from 0.01 to 10000" ] ||
    fail "--scale 0: not one message: $(sort -u "$tmp/scale-messages")"
[ "$(sort -u "$tmp/seed-messages")" = "smpsim: --seed '-1' is not a whole number 0..2^64-1" ] ||
    fail "--seed -1: not one message: $(sort -u "$tmp/seed-messages")"
expect 2 "needs a value" -- "$smpsim" stats --design && stderr_has "needs a value" "^smpsim: --design needs a value"
expect 2 "enum" -- "$smpsim" plan --design "$tmp/two.json" --out "$tmp/p.pdf" --paper a3 && stderr_has "enum" "--paper 'a3' is not a4 or letter"

# plan prints its summary line as render does, and --quiet silences both
expect 0 "plan --quiet" -- "$smpsim" plan --design "$tmp/two.json" --out "$tmp/q.pdf" --quiet
[ -s "$tmp/out" ] && fail "plan --quiet printed: $(cat "$tmp/out")"
[ -s "$tmp/q.pdf" ] || fail "plan --quiet wrote no plan"

# -- regions are numbered from 1 in check, stats and dots alike ----------
expect 0 "check two regions" -- "$smpsim" check "$tmp/two.json"
grep -q "warning: region 2: at 220 dots/cm2" "$tmp/out" || fail "check numbers regions from 0: $(grep region "$tmp/out")"
expect 0 "stats two regions" -- "$smpsim" stats --design "$tmp/two.json"
grep -q "^region 2: .* (2[0-9][0-9].[0-9] per cm2)" "$tmp/out" || fail "stats: region 2 is not the dense one"
grep -q "^warning: region 2: at 220 dots/cm2" "$tmp/out" || fail "stats warns about another region than it counts"

# -- every flag a command's help lists is one it takes -------------------
for cmd in render dots metrics check presets plan stats compare sheet; do
    "$smpsim" $cmd --help >"$tmp/help" || fail "$cmd --help"
    for flag in $(grep -o -- '^  --[a-z][a-z-]*\(, --[a-z][a-z-]*\)*' "$tmp/help" | tr -d ',' ); do
        "$smpsim" $cmd "$flag" >/dev/null 2>"$tmp/err"
        grep -q "unknown option\|not an option" "$tmp/err" && fail "$cmd --help lists $flag, which $cmd refuses"
    done
done
"$smpsim" compare --help | grep -q -- "--auto-shade" || fail "compare --help lacks --auto-shade"
# --help anywhere among the flags, but not as a flag's value
expect 0 "check FILE --help" -- "$smpsim" check "$tmp/two.json" --help && grep -q "^Usage: smpsim check" "$tmp/out" || fail "check FILE --help"
expect 0 "dots ... -h" -- "$smpsim" dots --width-mm 5 -h && grep -q "^Usage: smpsim dots" "$tmp/out" || fail "dots ... -h"
expect 2 "plan --title --help" -- "$smpsim" plan --title --help --design "$tmp/two.json" && stderr_has "a title --help" "--out"

finish "flags OK"
