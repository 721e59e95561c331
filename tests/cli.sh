#!/usr/bin/env bash
# The smpsim command line as a user meets it: help, version, errors with
# reasons and exit codes, no output file after a failure, never writing onto
# the input, and a real render whose PNG carries its design.
set -u
smpsim=$1
photo="$SMPSIM_SAMPLES/photos/scalp-front-fair-bald.png"
. "$(dirname "$0")/cli-lib.sh"

# pixels PNG: a digest of its header and inflated image data, the same for
# the same pixels whatever its text chunks say.
pixels() {
    python3 -c '
import hashlib, struct, sys, zlib
data, i, image = open(sys.argv[1], "rb").read(), 8, b""
while i < len(data):
    n, = struct.unpack(">I", data[i:i + 4])
    kind = data[i + 4:i + 8]
    if kind in (b"IHDR", b"IDAT"):
        image += data[i + 8:i + 8 + n]
    i += 12 + n
print(hashlib.sha256(image[:13] + zlib.decompress(image[13:])).hexdigest())' "$1" 2>/dev/null ||
        echo "unreadable $1"
}

expect 0 "--help" -- "$smpsim" --help && grep -q "render" "$tmp/out" || fail "--help lists no commands"
expect 0 "render --help" -- "$smpsim" render --help && grep -q -- "--photo" "$tmp/out" || fail "render --help"
expect 0 "dots --help" -- "$smpsim" dots --help && grep -q -- "--width-mm" "$tmp/out" || fail "dots --help"
expect 0 "--version" -- "$smpsim" --version && grep -qE '^smpsim [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || fail "--version: $(cat "$tmp/out")"
expect 2 "no command" -- "$smpsim"
expect 2 "unknown command" -- "$smpsim" frobnicate && stderr_has "unknown command" "unknown command 'frobnicate'"
expect 2 "unknown option" -- "$smpsim" render --photo "$photo" --out "$tmp/x.png" --bogus && stderr_has "unknown option" "--bogus"

# Bad numbers are refused with the flag's name.
for bad in "--density -5" "--density nan" "--density 1e400" "--shade 11" "--dot-mm 0" "--scale abc" "--seed -1"; do
    # shellcheck disable=SC2086
    expect 2 "render $bad" -- "$smpsim" render --photo "$photo" --out "$tmp/x.png" $bad && stderr_has "$bad" "${bad%% *}"
done
expect 2 "region with 2 points" -- "$smpsim" render --photo "$photo" --out "$tmp/x.png" --region 1,1 5,5 && stderr_has "region" "at least 3"
expect 2 "region point not a pair" -- "$smpsim" render --photo "$photo" --out "$tmp/x.png" --region 1,1 5 9,9 && stderr_has "region" "'5'"
[ ! -e "$tmp/x.png" ] || fail "an output file exists after usage errors"

# Never onto the input (same name, or another name for the same file).
cp "$photo" "$tmp/in.png"
ln -s "$tmp/in.png" "$tmp/link.png"
before=$(md5sum <"$tmp/in.png")
expect 2 "out = photo" -- "$smpsim" render --photo "$tmp/in.png" --out "$tmp/in.png" && stderr_has "out = photo" "refusing"
expect 2 "out = link to photo" -- "$smpsim" render --photo "$tmp/in.png" --out "$tmp/link.png" && stderr_has "out = link" "refusing"
[ "$before" = "$(md5sum <"$tmp/in.png")" ] || fail "the input photo changed"

# issue 19: one check in every command, for every file it reads, including
# the photo and masks a design names.
cat >"$tmp/d.json" <<'EOF'
{"format_version": 1, "photo": "in.png",
 "regions": [{"type": "polygon", "points_mm": [[-20, -60], [20, -60], [20, -20], [-20, -20]]},
             {"type": "mask", "png": "mask.png"}]}
EOF
python3 -c 'import sys, zlib, struct
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
raw = b"".join(b"\0" + b"\xff" * 4 for _ in range(4))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' "$tmp/mask.png"
sums() { md5sum "$tmp/d.json" "$tmp/in.png" "$tmp/mask.png"; }
before=$(sums)
expect 2 "dots --out design" -- "$smpsim" dots --design "$tmp/d.json" --out "$tmp/d.json" && stderr_has "dots --out design" "is the design file; refusing"
expect 2 "dots --out mask" -- "$smpsim" dots --design "$tmp/d.json" --out "$tmp/mask.png" && stderr_has "dots --out mask" "mask of the design's region 1; refusing"
expect 2 "dots --out photo" -- "$smpsim" dots --design "$tmp/d.json" --out "$tmp/in.png" && stderr_has "dots --out photo" "design's photo; refusing"
expect 2 "render --out mask" -- "$smpsim" render --design "$tmp/d.json" --out "$tmp/mask.png" && stderr_has "render --out mask" "mask of the design's region 1"
expect 2 "render --out design photo" -- "$smpsim" render --design "$tmp/d.json" --out "$tmp/in.png" && stderr_has "render --out photo" "refusing"
expect 2 "compare --out mask" -- "$smpsim" compare --design "$tmp/d.json" --out "$tmp/mask.png" && stderr_has "compare --out mask" "refusing"
expect 2 "sheet --out mask" -- "$smpsim" sheet --design "$tmp/d.json" --rows shade=3,6 --out "$tmp/mask.png" && stderr_has "sheet --out mask" "refusing"
expect 2 "stats --out design" -- "$smpsim" stats --design "$tmp/d.json" --out "$tmp/d.json" && stderr_has "stats --out design" "refusing"
[ "$before" = "$(sums)" ] || fail "an input of the design changed"
expect 0 "dots --design with a mask" -- "$smpsim" dots --design "$tmp/d.json" --out "$tmp/d.csv"

# issue 19: a stream that is no image is refused from its first bytes, not
# read to the 2 GiB limit first. Peak memory where GNU time is there and no
# sanitizer inflates it.
for dev in /dev/zero /dev/urandom; do
    expect 1 "photo $dev" -- timeout 10 "$smpsim" render --photo "$dev" --out "$tmp/z.png" && stderr_has "photo $dev" "$dev: not a PNG or JPEG file"
    expect 1 "density map $dev" -- timeout 10 "$smpsim" dots --density-map "$dev" --out "$tmp/z.csv" && stderr_has "map $dev" "not a PNG or JPEG file"
done
if [ -x /usr/bin/time ] && ! ldd "$smpsim" 2>/dev/null | grep -q libasan; then
    /usr/bin/time -f "%M" -o "$tmp/rss" "$smpsim" render --photo /dev/zero --out "$tmp/z.png" 2>/dev/null
    rss=$(tail -1 "$tmp/rss")
    [ "$rss" -lt 20480 ] || fail "render --photo /dev/zero peaked at $rss KB (limit 20 MB)"
fi
[ ! -e "$tmp/z.png" ] && [ ! -e "$tmp/z.csv" ] || fail "output written for /dev/zero"

# issue 19: a region off the photo is warned about, not just counted.
cat >"$tmp/off.json" <<'EOF'
{"format_version": 1, "view": {"px_per_mm": 6.5, "offset_px": [580, 560]},
 "regions": [{"type": "polygon", "points_mm": [[-20, -60], [20, -60], [20, -20], [-20, -20]]},
             {"type": "polygon", "points_mm": [[1000, 1000], [1040, 1000], [1040, 1040], [1000, 1040]]}]}
EOF
expect 0 "render a region off the photo" -- "$smpsim" render --design "$tmp/off.json" --photo "$photo" --out "$tmp/off.png"
stderr_has "region off the photo" "warning: region 1: 100 % of it lies outside the 1160x610 photo"
! grep -q "region 0" "$tmp/err" || fail "region 0 (on the photo) was warned about: $(cat "$tmp/err")"

# issue 19: a UTF-8 byte order mark is accepted (CSV and JSON); a NUL byte
# in a CSV is named as such.
"$smpsim" dots --design "$SMPSIM_SAMPLES/designs/strip-scar.json" --out "$tmp/plain.csv" >/dev/null 2>&1
printf '\357\273\277' | cat - "$tmp/plain.csv" >"$tmp/bom.csv"
expect 0 "metrics of a CSV with a BOM" -- "$smpsim" metrics "$tmp/bom.csv"
printf '\357\273\277' | cat - "$SMPSIM_SAMPLES/designs/strip-scar.json" >"$tmp/bom.json"
expect 0 "check of a design with a BOM" -- "$smpsim" check "$tmp/bom.json"
printf 'x_mm,y_mm\n1,1\n2,\0002\n' >"$tmp/nul.csv"
expect 1 "metrics of a CSV with a NUL" -- "$smpsim" metrics "$tmp/nul.csv" && stderr_has "NUL in CSV" "line 3 holds a NUL byte"

# issue 19: undefined measures are refused, not printed as nan or inf.
printf 'x_mm,y_mm\n1,1\n2,1\n3,1\n' >"$tmp/collinear.csv"
printf 'x_mm,y_mm\n1,1\n1,1\n' >"$tmp/duplicate.csv"
for f in collinear duplicate; do
    expect 1 "metrics $f" -- "$smpsim" metrics --json "$tmp/$f.csv" && stderr_has "metrics $f" "is 0 or not a finite number"
    ! grep -qi "nan\|inf" "$tmp/out" || fail "metrics $f printed $(cat "$tmp/out")"
done
expect 1 "metrics zero-area window" -- "$smpsim" metrics --window 0,0,1e-300,1e-300 "$tmp/collinear.csv"

# issue 19: lost standard output is a failure (exit 1), never silence.
if [ -w /dev/full ]; then
    for args in "--help" "presets" "check $SMPSIM_SAMPLES/designs/crown.json" \
        "metrics --design $SMPSIM_SAMPLES/designs/crown.json" "render --photo $photo --out $tmp/full.png"; do
        # shellcheck disable=SC2086
        "$smpsim" $args >/dev/full 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 1 ] || fail "smpsim $args > /dev/full: exit $rc, want 1"
        stderr_has "$args > /dev/full" "writing standard output"
    done
fi

# issue 19: SIGINT, SIGTERM or SIGHUP while the output is written leave no
# temporary beside it (".NAME.XXXXXX"): signals wait for the rename. The
# signal comes at several moments through the render of a 6-megapixel photo.
python3 -c 'import sys, zlib, struct
w, h = 3000, 2000
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
row = b"\0" + bytes([200, 170, 150]) * w
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(row * h, 1)) + chunk(b"IEND", b""))' "$tmp/big.png"
start=$(date +%s%N)
"$smpsim" render --photo "$tmp/big.png" --out "$tmp/sig.png" --quiet >/dev/null 2>&1
took=$((($(date +%s%N) - start) / 1000000))
for sig in INT TERM HUP; do
    for pct in 40 50 60 70 75 80 85 90 95; do
        rm -f "$tmp/sig.png"
        "$smpsim" render --photo "$tmp/big.png" --out "$tmp/sig.png" --quiet >/dev/null 2>&1 &
        pid=$!
        sleep "$(awk -v t="$took" -v p="$pct" 'BEGIN { printf "%.3f", t * p / 100000 }')"
        kill -s "$sig" "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        left=$(find "$tmp" -maxdepth 1 -name '.sig.png.*' | head -1)
        [ -z "$left" ] || { fail "SIG$sig at $pct % of the render left $left"; rm -f "$tmp"/.sig.png.*; }
    done
done

# Bad input files: an error naming the problem, exit 1, no output file.
: >"$tmp/empty.png"
head -c 3000 /dev/urandom >"$tmp/random.png"
head -c 20000 "$photo" >"$tmp/truncated.png"
head -c 30000 "$SMPSIM_SAMPLES/photos/scalp-front-fair-bald.jpg" >"$tmp/truncated.jpg"
# A PNG whose header (with a valid CRC) claims 100000 x 100000 pixels.
python3 -c '
import struct, sys, zlib
ihdr = b"IHDR" + struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
idat = zlib.compress(bytes(64))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr[4:]) + chunk(b"IDAT", idat) +
                        chunk(b"IEND", b""))' >"$tmp/huge.png"
for f in empty random truncated huge; do
    expect 1 "$f.png" -- "$smpsim" render --photo "$tmp/$f.png" --out "$tmp/out-$f.png" && stderr_has "$f.png" "$f.png"
    [ ! -e "$tmp/out-$f.png" ] || fail "$f.png: output file left behind"
done
expect 1 "truncated.jpg" -- "$smpsim" render --photo "$tmp/truncated.jpg" --out "$tmp/out-tj.png" && stderr_has "truncated.jpg" "truncated.jpg"
[ ! -e "$tmp/out-tj.png" ] || fail "truncated.jpg: output file left behind"
expect 1 "huge.png names the limit" -- "$smpsim" render --photo "$tmp/huge.png" --out "$tmp/o.png" && stderr_has "huge" "limit"
expect 1 "missing photo" -- "$smpsim" render --photo "$tmp/nope.png" --out "$tmp/o.png" && stderr_has "missing" "nope.png"
expect 1 "unwritable output" -- "$smpsim" render --photo "$photo" --out "$tmp/no/such/dir/o.png" --scale 2 && stderr_has "unwritable" "no/such/dir"
expect 1 "full disk" -- "$smpsim" render --photo "$photo" --out /dev/full --scale 2

# A real render: right size, design and seed in the PNG, same bytes twice.
expect 0 "render" -- "$smpsim" render --photo "$photo" --out "$tmp/a.png" --seed 5 --density 80 \
    --region 300,300 800,250 850,450 350,480 && grep -q "dots" "$tmp/out" || fail "render said nothing"
expect 0 "render again" -- "$smpsim" render --photo "$photo" --out "$tmp/b.png" --seed 5 --density 80 \
    --region 300,300 800,250 850,450 350,480 --quiet
[ ! -s "$tmp/out" ] || fail "--quiet printed: $(cat "$tmp/out")"
cmp -s "$tmp/a.png" "$tmp/b.png" || fail "same design and seed gave different bytes"
expect 0 "render seed 6" -- "$smpsim" render --photo "$photo" --out "$tmp/c.png" --seed 6 --density 80 \
    --region 300,300 800,250 850,450 350,480
cmp -s "$tmp/a.png" "$tmp/c.png" && fail "another seed gave the same bytes"
file "$tmp/a.png" | grep -q "1160 x 610" || fail "preview size: $(file "$tmp/a.png")"
grep -a -q "smpsim:seed" "$tmp/a.png" || fail "no smpsim:seed chunk"
grep -a -q "smpsim:design" "$tmp/a.png" || fail "no smpsim:design chunk"
expect 0 "render jpeg, whole photo" -- "$smpsim" render --photo "$SMPSIM_SAMPLES/photos/scalp-front-fair-bald.jpg" --out "$tmp/j.png" --calibrate 0,0,650,0,100
ls "$tmp"/.*.png* >/dev/null 2>&1 && fail "temporary files left behind: $(ls -a "$tmp")"

# dots: CSV header, count = density x area, JSON, stdout errors.
expect 0 "dots csv" -- "$smpsim" dots --width-mm 20 --height-mm 10 --density 100 --seed 3 --format csv
head -n 1 "$tmp/out" | grep -q '^x_mm,y_mm,diameter_mm,shade' || fail "dots CSV header: $(head -n 1 "$tmp/out")"
lines=$(($(wc -l <"$tmp/out") - 1))
[ "$lines" -ge 194 ] && [ "$lines" -le 206 ] || fail "dots: $lines dots in 2 cm2 at 100/cm2"
cp "$tmp/out" "$tmp/dots1.csv"
expect 0 "dots again" -- "$smpsim" dots --width-mm 20 --height-mm 10 --density 100 --seed 3
cmp -s "$tmp/out" "$tmp/dots1.csv" || fail "dots: same seed, other output"
expect 0 "dots json" -- "$smpsim" dots --width-mm 5 --height-mm 5 --format json --out "$tmp/d.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['count']==len(d['dots']) and 20<=d['count']<=30, d['count']" "$tmp/d.json" || fail "dots JSON"
expect 2 "dots without size" -- "$smpsim" dots --density 100 && stderr_has "dots size" "width-mm"
expect 2 "dots bad format" -- "$smpsim" dots --width-mm 5 --height-mm 5 --format xml && stderr_has "format" "xml"
expect 1 "dots too many" -- "$smpsim" dots --width-mm 10000 --height-mm 10000 --density 1000 && stderr_has "too many" "limit"
if [ -w /dev/full ]; then
    expect 1 "dots to a full disk" -- sh -c "'$smpsim' dots --width-mm 50 --height-mm 50 > /dev/full"
fi


# dots: modes, groups, density maps, --format none; metrics.
expect 0 "dots best" -- "$smpsim" dots --width-mm 20 --height-mm 10 --mode best
[ $(($(wc -l <"$tmp/out") - 1)) -eq 200 ] || fail "dots --mode best: not exactly 200 dots in 2 cm2"
expect 2 "dots bad mode" -- "$smpsim" dots --width-mm 5 --height-mm 5 --mode slow && stderr_has "mode" "slow"
expect 0 "dots groups" -- "$smpsim" dots --width-mm 30 --height-mm 30 --groups --out "$tmp/g.csv"
python3 - "$tmp/g.csv" <<'PY' || fail "dots --groups: groups missing or wrong"
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
sizes = collections.Counter(collections.Counter(r["group"] for r in rows).values())
assert all(r["group"] != "0" for r in rows)
assert set(sizes) <= {1, 2, 3, 4} and sizes[2] > sizes[1] > sizes[3], sizes
assert 810 <= len(rows) <= 990, len(rows)
PY
expect 0 "dots format none" -- "$smpsim" dots --width-mm 50 --height-mm 50 --format none
[ ! -s "$tmp/out" ] || fail "--format none wrote to stdout"
grep -qE '^[0-9]+ dots$' "$tmp/err" || fail "--format none: no count on stderr"
python3 -c '
import struct, sys, zlib
w, h = 200, 40                       # a left-to-right ramp, black to white
raw = b"".join(b"\0" + bytes(int(255 * x / (w - 1)) for x in range(w)) for _ in range(h))
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' >"$tmp/map.png"
expect 0 "dots density map" -- "$smpsim" dots --density-map "$tmp/map.png" --scale 2 --density 120 --out "$tmp/m.csv"
python3 - "$tmp/m.csv" <<'PY' || fail "density map: dots do not follow the map"
import csv, sys
xs = [float(r["x_mm"]) for r in csv.DictReader(open(sys.argv[1]))]
left = sum(1 for x in xs if x < 50); right = len(xs) - left
# mean density 30 vs 90 dots/cm2 over 10 cm2 each
assert 250 < left < 350 and 800 < right < 1000 and right > 2.5 * left, (left, right)
PY
expect 2 "dots map and rectangle" -- "$smpsim" dots --density-map "$tmp/map.png" --width-mm 5 --height-mm 5
expect 1 "dots bad map" -- "$smpsim" dots --density-map "$tmp/random.png" && stderr_has "bad map" "random.png"
expect 0 "metrics text" -- "$smpsim" metrics "$tmp/dots1.csv"
grep -q "rho" "$tmp/out" && grep -q "spectrum" "$tmp/out" || fail "metrics text lacks rho/spectrum"
"$smpsim" dots --width-mm 60 --height-mm 60 --out "$tmp/big.csv"
expect 0 "metrics json" -- "$smpsim" metrics "$tmp/big.csv" --json
python3 - "$tmp/out" <<'PY' || fail "metrics JSON: wrong values"
import json, sys
m = json.load(open(sys.argv[1]))
assert abs(m["density_per_cm2"] - 100) < 5 and m["rho"] >= 0.75 and m["nn_cv"] >= 0.05, m
assert m["spectrum"]["low_mean"] < 0.3 and abs(m["spectrum"]["anisotropy_db"]) < 1, m
PY
printf 'x_mm,y_mm,shade\n1,2,5\n3,4,eleven\n' >"$tmp/bad.csv"
expect 1 "metrics bad csv" -- "$smpsim" metrics "$tmp/bad.csv" && stderr_has "bad csv" "line 3: shade"
printf 'a,b\n1,2\n' >"$tmp/nohead.csv"
expect 1 "metrics no header" -- "$smpsim" metrics "$tmp/nohead.csv" && stderr_has "no header" "x_mm"
expect 2 "metrics no file" -- "$smpsim" metrics


# Designs: check, presets, render --design / --preset / --from.
designs="$SMPSIM_SAMPLES/designs"
expect 0 "presets" -- "$smpsim" presets
grep -q "^norwood-3-vertex " "$tmp/out" && grep -q "^ludwig-2 " "$tmp/out" || fail "presets list incomplete"
expect 0 "check sample" -- "$smpsim" check "$designs/fair-frontal.json"
grep -q "valid" "$tmp/out" && grep -q "session 3" "$tmp/out" || fail "check output: $(cat "$tmp/out")"
expect 0 "check json" -- "$smpsim" check "$designs/crown.json" --json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['valid'] and d['dots'] == sum(d['dots_per_session']) > 0, d" "$tmp/out" || fail "check --json"
printf '{"format_version": 1, "regions": [{"type": "polygon", "points_mm": [[0,0],[10,0],[10,"x"]]}]}' >"$tmp/bad.json"
expect 1 "check bad design" -- "$smpsim" check "$tmp/bad.json" && stderr_has "check bad" "regions\[0\].points_mm\[2\]\[1\]"
printf '{"format_version": 1, "regions": [{"type": "polygon", "points_mm": [[0,-70],[30,-70],[30,-40]]}], "hairline": {"landmarks": {"mid_frontal_mm": 62}}}' >"$tmp/low.json"
expect 0 "check warns" -- "$smpsim" check "$tmp/low.json"
grep -q "warning: hairline: the mid-frontal point is 62 mm" "$tmp/out" || fail "no low-hairline warning: $(cat "$tmp/out")"
expect 0 "render design" -- "$smpsim" render --design "$designs/fair-frontal.json" --out "$tmp/d.png" --quiet
expect 0 "render from" -- "$smpsim" render --from "$tmp/d.png" --out "$tmp/d2.png" --quiet
cmp -s "$tmp/d.png" "$tmp/d2.png" || fail "render --from did not re-create the same bytes"
expect 0 "render preset" -- "$smpsim" render --preset norwood-3 --glabella 585,545 --scale 5.6 --photo "$photo" --out "$tmp/p.png" --quiet
expect 2 "preset without glabella" -- "$smpsim" render --preset norwood-3 --photo "$photo" --out "$tmp/p2.png" && stderr_has "glabella" "glabella"
expect 2 "design with region" -- "$smpsim" render --design "$designs/fair-frontal.json" --out "$tmp/x.png" --region 1,1 5,5 9,1
expect 1 "unknown preset" -- "$smpsim" render --preset norwood-9 --glabella 1,1 --photo "$photo" --out "$tmp/p3.png" && stderr_has "unknown preset" "norwood-9"
expect 2 "out onto design" -- "$smpsim" render --design "$tmp/low.json" --photo "$photo" --out "$tmp/low.json"
expect 0 "dots design" -- "$smpsim" dots --design "$designs/crown.json" --format none
expect 0 "metrics preset" -- "$smpsim" metrics --preset ludwig-1 --json


# Rendering states: each flag works, changes the output, and bad values are refused.
base=(render --design "$designs/fair-frontal.json" --quiet)
expect 0 "render fresh" -- "$smpsim" "${base[@]}" --state fresh --out "$tmp/s-fresh.png"
expect 0 "render healed" -- "$smpsim" "${base[@]}" --state healed --out "$tmp/s-healed.png"
expect 0 "render aged" -- "$smpsim" "${base[@]}" --state aged --years 5 --uv high --out "$tmp/s-aged.png"
expect 0 "render session 1" -- "$smpsim" "${base[@]}" --session 1 --out "$tmp/s-one.png"
expect 0 "render at 3 m" -- "$smpsim" "${base[@]}" --distance-m 3 --out "$tmp/s-far.png"
for a in fresh healed aged one far; do
    cmp -s "$tmp/d.png" "$tmp/s-$a.png" && fail "--state/--session/--distance '$a' changed nothing"
done
expect 2 "bad state" -- "$smpsim" "${base[@]}" --state wet --out "$tmp/s-bad.png"
expect 2 "bad years" -- "$smpsim" "${base[@]}" --state aged --years -3 --out "$tmp/s-bad.png"
[ ! -e "$tmp/s-bad.png" ] || fail "output left after a bad --state"

# --camera-blur: the photo's blur on modelled dots. 0 (none) and 3 change
# the pixels of healed dots, 1.5 is the default, as-given dots never change;
# the chunk says null, 0 or the number; compare and sheet take it too.
cb=("${base[@]}" --state healed)
expect 0 "render healed" -- "$smpsim" "${cb[@]}" --out "$tmp/cb-default.png"
for v in 0 1.5 3; do
    expect 0 "render --camera-blur $v" -- "$smpsim" "${cb[@]}" --camera-blur $v --out "$tmp/cb-$v.png"
done
[ "$(pixels "$tmp/cb-0.png")" != "$(pixels "$tmp/cb-default.png")" ] || fail "--camera-blur 0 changed no pixel"
[ "$(pixels "$tmp/cb-3.png")" != "$(pixels "$tmp/cb-default.png")" ] || fail "--camera-blur 3 changed no pixel"
[ "$(pixels "$tmp/cb-1.5.png")" = "$(pixels "$tmp/cb-default.png")" ] || fail "--camera-blur 1.5 is not the default"
expect 0 "render as-given --camera-blur 0" -- "$smpsim" "${base[@]}" --camera-blur 0 --out "$tmp/cb-given.png"
[ "$(pixels "$tmp/cb-given.png")" = "$(pixels "$tmp/d.png")" ] || fail "--camera-blur changed as-given dots"
grep -a -q '"camera_blur_px":null' "$tmp/cb-default.png" || fail "smpsim:render: the default blur is not null"
grep -a -q '"camera_blur_px":0,' "$tmp/cb-0.png" || fail "smpsim:render: --camera-blur 0 is not 0"
grep -a -q '"camera_blur_px":3.0,' "$tmp/cb-3.png" || fail "smpsim:render: --camera-blur 3 is not 3.0"
for bad in -1 9 nan abc 0.05 ""; do
    expect 2 "render --camera-blur '$bad'" -- "$smpsim" "${cb[@]}" --camera-blur "$bad" --out "$tmp/cb-bad.png" &&
        stderr_has "--camera-blur '$bad'" "--camera-blur '$bad'"
done
expect 2 "render --camera-blur without a value" -- "$smpsim" "${cb[@]}" --out "$tmp/cb-bad.png" --camera-blur &&
    stderr_has "--camera-blur without a value" "--camera-blur needs a value"
expect 0 "compare --camera-blur 0" -- "$smpsim" compare --design "$designs/fair-frontal.json" --state healed --camera-blur 0 --out "$tmp/cb-compare0.png" --quiet
expect 0 "compare healed" -- "$smpsim" compare --design "$designs/fair-frontal.json" --state healed --out "$tmp/cb-compare.png" --quiet
cmp -s "$tmp/cb-compare0.png" "$tmp/cb-compare.png" && fail "compare --camera-blur 0 changed nothing"
expect 0 "sheet --cell --camera-blur 0" -- "$smpsim" sheet --design "$designs/fair-frontal.json" --rows state=fresh,healed --cell 2,1 --camera-blur 0 --out "$tmp/cb-cell.png" --quiet
cmp -s "$tmp/cb-cell.png" "$tmp/cb-0.png" || fail "sheet --cell --camera-blur 0 is not render --camera-blur 0"
expect 2 "compare --camera-blur 9" -- "$smpsim" compare --design "$designs/fair-frontal.json" --camera-blur 9 --out "$tmp/cb-bad.png" && stderr_has "compare --camera-blur 9" "--camera-blur '9'"
expect 2 "sheet --camera-blur abc" -- "$smpsim" sheet --design "$designs/fair-frontal.json" --rows state=healed --camera-blur abc --out "$tmp/cb-bad.png" && stderr_has "sheet --camera-blur abc" "--camera-blur 'abc'"
[ ! -e "$tmp/cb-bad.png" ] || fail "output left after a bad --camera-blur"
# --camera-blur auto: measured on the photo before the dots are drawn and
# printed; the chunk says "auto" and --from measures again (same bytes);
# compare and sheet take it (sheet --cell as render); nothing printed with
# --quiet; a photo without edges fails (exit 1, no file); a value that is
# neither auto nor a number still exits 2.
expect 0 "render --camera-blur auto" -- "$smpsim" render --design "$designs/fair-frontal.json" --state healed --camera-blur auto --out "$tmp/cb-auto.png"
grep -Eq '^camera blur [0-9]+\.[0-9]+ px \(measured on [0-9]+ edges' "$tmp/out" || fail "--camera-blur auto printed no measured blur: $(head -c 300 "$tmp/out")"
measured=$(sed -n 's/^camera blur \([0-9.]*\) px.*/\1/p' "$tmp/out")
python3 -c "import sys; v = float(sys.argv[1]); sys.exit(0 if 0.5 <= v <= 8 else 1)" "${measured:-x}" || fail "--camera-blur auto measured '$measured' px"
[ "$(pixels "$tmp/cb-auto.png")" != "$(pixels "$tmp/cb-default.png")" ] || fail "--camera-blur auto drew the default blur"
grep -a -q '"camera_blur_px":"auto",' "$tmp/cb-auto.png" || fail "smpsim:render: --camera-blur auto is not \"auto\""
expect 0 "render --from --camera-blur auto" -- "$smpsim" render --from "$tmp/cb-auto.png" --out "$tmp/cb-auto-again.png" --quiet
[ ! -s "$tmp/out" ] || fail "render --quiet with --camera-blur auto printed: $(head -c 200 "$tmp/out")"
cmp -s "$tmp/cb-auto.png" "$tmp/cb-auto-again.png" || fail "render --from lost --camera-blur auto"
expect 0 "sheet --cell --camera-blur auto" -- "$smpsim" sheet --design "$designs/fair-frontal.json" --rows state=fresh,healed --cell 2,1 --camera-blur auto --out "$tmp/cb-auto-cell.png" --quiet
cmp -s "$tmp/cb-auto-cell.png" "$tmp/cb-auto.png" || fail "sheet --cell --camera-blur auto is not render --camera-blur auto"
expect 0 "compare --camera-blur auto" -- "$smpsim" compare --design "$designs/fair-frontal.json" --state healed --camera-blur auto --out "$tmp/cb-auto-compare.png"
grep -q "^camera blur $measured px" "$tmp/out" || fail "compare --camera-blur auto did not print $measured px: $(head -c 300 "$tmp/out")"
cmp -s "$tmp/cb-auto-compare.png" "$tmp/cb-compare.png" && fail "compare --camera-blur auto drew the default blur"
python3 - "$tmp/flat.png" <<'PY'
import struct, sys, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
w, h = 200, 150
raw = b"".join(b"\0" + b"\x80\x80\x80" * w for _ in range(h))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                              chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
expect 1 "render a flat photo --camera-blur auto" -- "$smpsim" render --photo "$tmp/flat.png" --state healed --camera-blur auto --out "$tmp/cb-flat.png" &&
    stderr_has "flat photo --camera-blur auto" "clean step edges in the photo"
[ ! -e "$tmp/cb-flat.png" ] || fail "output left after --camera-blur auto found no edges"
for bad in Auto automatic "auto,1"; do
    expect 2 "render --camera-blur '$bad'" -- "$smpsim" "${cb[@]}" --camera-blur "$bad" --out "$tmp/cb-bad.png" &&
        stderr_has "--camera-blur '$bad'" "is not auto, 0 (none) or 0.1..8 px"
done
[ ! -e "$tmp/cb-bad.png" ] || fail "output left after a bad --camera-blur"


# Dot lists with photo positions: x_px = offset + mm * px_per_mm in a flat
# view, inside the photo for the head-view sample, none for a rectangle.
cat >"$tmp/flat.json" <<'JSON'
{"format_version": 1, "view": {"kind": "flat", "px_per_mm": 4, "rotation_deg": 0, "offset_px": [100, 50]},
 "regions": [{"type": "polygon", "points_mm": [[0, 0], [20, 0], [20, 10], [0, 10]]}]}
JSON
expect 0 "dots flat design" -- "$smpsim" dots --design "$tmp/flat.json" --out "$tmp/flat.csv"
expect 0 "dots flat design json" -- "$smpsim" dots --design "$tmp/flat.json" --format json
cp "$tmp/out" "$tmp/flat-dots.json"
expect 0 "dots fair-frontal" -- "$smpsim" dots --design "$designs/fair-frontal.json" --out "$tmp/head.csv"
expect 0 "dots preset placed" -- "$smpsim" dots --preset norwood-2 --glabella 630,560 --scale 5 --out "$tmp/preset.csv"
expect 0 "dots preset unplaced" -- "$smpsim" dots --preset norwood-2 --out "$tmp/preset-mm.csv"
expect 0 "dots map px" -- "$smpsim" dots --density-map "$tmp/map.png" --scale 2 --density 120 --out "$tmp/map-px.csv"
expect 0 "dots rectangle" -- "$smpsim" dots --width-mm 5 --height-mm 5 --out "$tmp/rect.csv"
python3 - "$tmp" "$SMPSIM_SAMPLES/photos/scalp-front-fair-bald.png" <<'PY' || fail "dots: photo pixel columns wrong"
import csv, json, struct, sys
tmp, photo = sys.argv[1], sys.argv[2]
read = lambda name: list(csv.DictReader(open(f"{tmp}/{name}")))
plain = "x_mm,y_mm,diameter_mm,shade,session,group,region"
def check(name, ox, oy, s):
    rows = read(name)
    assert open(f"{tmp}/{name}").readline().strip() == plain + ",x_px,y_px,visible", name
    assert rows and all(r["visible"] == "1" for r in rows), name
    for r in rows:
        for a, o in (("x", ox), ("y", oy)):
            want = o + s * float(r[a + "_mm"])
            assert abs(float(r[a + "_px"]) - want) < 0.01, (name, r, want)
check("flat.csv", 100, 50, 4)          # the design's flat view
check("preset.csv", 630, 560, 5)       # a preset placed with --glabella at --scale
check("map-px.csv", 0, 0, 2)           # a density map: its own pixels at --scale
js = json.load(open(f"{tmp}/flat-dots.json"))
d = js["dots"][0]
assert set(d) >= {"x_mm", "y_mm", "x_px", "y_px", "diameter_mm", "shade", "session", "group", "visible"}
assert d["visible"] is True and abs(d["x_px"] - (100 + 4 * d["x_mm"])) < 0.01, d
# The head-view sample: every dot inside the photo; the far side hidden.
w, h = struct.unpack(">II", open(photo, "rb").read()[16:24])
rows = read("head.csv")
hidden = sum(r["visible"] == "0" for r in rows)
assert 0 < hidden < len(rows), hidden
for r in rows:
    x, y = float(r["x_px"]), float(r["y_px"])
    assert 0 <= x <= w and 0 <= y <= h, r
# No photo, no pixel columns.
for name in ("rect.csv", "preset-mm.csv"):
    assert open(f"{tmp}/{name}").readline().strip() == plain, name
PY
expect 0 "dots fair-frontal stdout" -- "$smpsim" dots --design "$designs/fair-frontal.json"
cmp -s "$tmp/out" "$tmp/head.csv" || fail "dots --out and standard output differ"
expect 2 "dots glabella without preset" -- "$smpsim" dots --width-mm 5 --height-mm 5 --glabella 1,2 && stderr_has "glabella" "--preset"
expect 2 "dots bad glabella" -- "$smpsim" dots --preset norwood-2 --glabella 1 && stderr_has "bad glabella" "X,Y"
expect 1 "dots view into a missing dir" -- "$smpsim" dots --design "$tmp/flat.json" --out "$tmp/no/dir/d.csv" && stderr_has "dots missing dir" "no/dir/d.csv"

# The look travels with a preview (smpsim:render): every look flag and
# --guides come back through --from, flags given with --from override.
look=(--state aged --years 7 --uv high --depth-mm 0.9 --blowout-mm 1.1 --camera-blur 3
      --distance-m 1 --skin 600,300 --hair 600,40 --auto-shade --guides)
expect 0 "render with a look" -- "$smpsim" render --design "$designs/fair-frontal.json" --out "$tmp/look.png" --quiet "${look[@]}"
cmp -s "$tmp/look.png" "$tmp/d.png" && fail "the look flags changed nothing"
grep -a -q '"guides":true' "$tmp/look.png" || fail "no smpsim:render chunk with the guides"
expect 0 "render --from a look" -- "$smpsim" render --from "$tmp/look.png" --out "$tmp/look2.png" --quiet
cmp -s "$tmp/look.png" "$tmp/look2.png" || fail "render --from lost the look (not the same bytes)"
expect 0 "render a session look" -- "$smpsim" render --design "$designs/fair-frontal.json" --out "$tmp/sess.png" --quiet --session 2 --earlier-years 3
expect 0 "render --from session" -- "$smpsim" render --from "$tmp/sess.png" --out "$tmp/sess2.png" --quiet
cmp -s "$tmp/sess.png" "$tmp/sess2.png" || fail "render --from lost --session/--earlier-years"
expect 0 "render --from, override" -- "$smpsim" render --from "$tmp/look.png" --out "$tmp/look-fresh.png" --quiet --state fresh
cmp -s "$tmp/look.png" "$tmp/look-fresh.png" && fail "--state fresh with --from changed nothing"
expect 0 "render the override directly" -- "$smpsim" render --design "$designs/fair-frontal.json" --out "$tmp/look-fresh2.png" --quiet "${look[@]}" --state fresh
cmp -s "$tmp/look-fresh.png" "$tmp/look-fresh2.png" || fail "an override with --from is not the render with that flag"
expect 0 "render --from --no-guides" -- "$smpsim" render --from "$tmp/look.png" --out "$tmp/look-ng.png" --quiet --no-guides
cmp -s "$tmp/look.png" "$tmp/look-ng.png" && fail "--no-guides with --from changed nothing"
# Camera blur through --from: none and 3 px come back, a flag overrides it.
for v in 0 3; do
    expect 0 "render --from --camera-blur $v" -- "$smpsim" render --from "$tmp/cb-$v.png" --out "$tmp/cb-$v-again.png" --quiet
    cmp -s "$tmp/cb-$v.png" "$tmp/cb-$v-again.png" || fail "render --from lost --camera-blur $v"
done
expect 0 "render --from, --camera-blur override" -- "$smpsim" render --from "$tmp/cb-3.png" --out "$tmp/cb-3to0.png" --quiet --camera-blur 0
cmp -s "$tmp/cb-3to0.png" "$tmp/cb-0.png" || fail "--camera-blur 0 with --from is not the render with that flag"
expect 0 "render --from, --state override keeps the blur" -- "$smpsim" render --from "$tmp/cb-0.png" --out "$tmp/cb-0-fresh.png" --quiet --state fresh
expect 0 "render fresh --camera-blur 0" -- "$smpsim" "${base[@]}" --state fresh --camera-blur 0 --out "$tmp/cb-0-fresh2.png"
cmp -s "$tmp/cb-0-fresh.png" "$tmp/cb-0-fresh2.png" || fail "--state with --from lost the stored --camera-blur 0"
# A preview without smpsim:render (smpsim 0.1) takes the command line's look,
# one without camera_blur_px (an older smpsim) the default blur; a chunk with a
# bad value, an unknown key or broken JSON is refused.
python3 - "$tmp" <<'PY'
import struct, sys, zlib
def rewrite(src, out, edit):
    """Writes src as out with edit(text) as its smpsim:render text (None: no chunk)."""
    data, key = open(f"{sys.argv[1]}/{src}", "rb").read(), b"smpsim:render\0"
    i, res = 8, data[:8]
    while i < len(data):
        n, = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        if kind == b"tEXt" and body.startswith(key):
            text = edit(body[len(key):])
            if text is not None:
                body = key + text
                res += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        else:
            res += data[i:i + 12 + n]
        i += 12 + n
    open(f"{sys.argv[1]}/{out}", "wb").write(res)
rewrite("look.png", "old.png", lambda text: None)
rewrite("look.png", "bad-state.png", lambda text: b'{"state":"wet"}')
rewrite("look.png", "bad-key.png", lambda text: b'{"state":"aged","glitter":true}')
rewrite("look.png", "bad-json.png", lambda text: b'{"state":')
blur = b'"camera_blur_px":null,'
rewrite("cb-default.png", "cb-old.png", lambda text: text.replace(blur, b""))
for bad in (b"-1", b"0.05", b"9", b'"3"', b"true", b'"Auto"'):
    rewrite("cb-default.png", f"cb-bad{bad.decode()}.png".replace('"', ""),
            lambda text: text.replace(blur, b'"camera_blur_px":' + bad + b","))
PY
expect 0 "render --from a preview without camera_blur_px" -- "$smpsim" render --from "$tmp/cb-old.png" --out "$tmp/cb-old2.png" --quiet
cmp -s "$tmp/cb-default.png" "$tmp/cb-old2.png" || fail "a preview without camera_blur_px is not rendered with the default blur"
for bad in -1 0.05 9 3 true Auto; do
    expect 1 "render --from camera_blur_px $bad" -- "$smpsim" render --from "$tmp/cb-bad$bad.png" --out "$tmp/cb-bad-out.png" &&
        stderr_has "camera_blur_px $bad" '"camera_blur_px" has a value'
done
[ ! -e "$tmp/cb-bad-out.png" ] || fail "camera_blur_px: output file left behind"
expect 0 "render --from an old preview" -- "$smpsim" render --from "$tmp/old.png" --out "$tmp/old2.png" --quiet "${look[@]}"
cmp -s "$tmp/look.png" "$tmp/old2.png" || fail "an old preview with the flags given is not the same preview"
for bad in bad-state bad-key bad-json; do
    expect 1 "render --from $bad" -- "$smpsim" render --from "$tmp/$bad.png" --out "$tmp/$bad-out.png" && stderr_has "$bad" "smpsim:render"
    [ ! -e "$tmp/$bad-out.png" ] || fail "$bad: output file left behind"
done
expect 1 "render --from bad-key" -- "$smpsim" render --from "$tmp/bad-key.png" --out "$tmp/bad-key-out.png" && stderr_has "unknown look key" "glitter"
head -c 100 /dev/urandom >"$tmp/neither.bin"
expect 1 "render --from neither PNG nor PDF" -- "$smpsim" render --from "$tmp/neither.bin" --out "$tmp/n.png" && stderr_has "neither" "neither a PNG preview nor a PDF plan"
expect 1 "render --from a missing file" -- "$smpsim" render --from "$tmp/missing.png" --out "$tmp/n.png" && stderr_has "missing from" "missing.png"
[ ! -e "$tmp/n.png" ] || fail "render --from: output file left behind"

# Every flag works or is refused: --scale and --calibrate on a head view,
# --glabella without a preset; --out names the format: .jpg/.jpeg is a
# JPEG, other image formats are refused.
head_design="$SMPSIM_SAMPLES/designs/fair-frontal.json"
expect 2 "render --design (head view) --scale" -- "$smpsim" render --design "$head_design" --scale 3 --out "$tmp/s.png" &&
    stderr_has "--scale on a head view" "head view"
expect 2 "render --design (head view) --calibrate" -- "$smpsim" render --design "$head_design" --calibrate 0,0,100,0,20 --out "$tmp/s.png" &&
    stderr_has "--calibrate on a head view" "--calibrate"
expect 2 "render --design --glabella" -- "$smpsim" render --design "$head_design" --glabella 10,10 --out "$tmp/s.png" &&
    stderr_has "--glabella without --preset" "--preset"
[ ! -e "$tmp/s.png" ] || fail "a refused flag left an output file"
expect 0 "render --out .jpg" -- "$smpsim" render --design "$head_design" --state healed --out "$tmp/p.jpg" --quiet
[ "$(head -c 3 "$tmp/p.jpg" | od -An -tx1 | tr -d ' ')" = ffd8ff ] || fail "--out p.jpg is not a JPEG"
expect 0 "compare --out .JPEG" -- "$smpsim" compare --design "$head_design" --out "$tmp/c.JPEG" --quiet
[ "$(head -c 3 "$tmp/c.JPEG" | od -An -tx1 | tr -d ' ')" = ffd8ff ] || fail "compare --out c.JPEG is not a JPEG"
expect 2 "render --out .tiff" -- "$smpsim" render --design "$head_design" --out "$tmp/p.tiff" && stderr_has ".tiff refused" ".jpg"
[ ! -e "$tmp/p.tiff" ] || fail "--out p.tiff was written"

finish "all CLI checks passed"
