// smpsim studio: the page. It keeps one design object (the design JSON of
// docs/design-format.md, parsed), which undo/redo snapshot; every change goes
// through the engine (smpsim.js), which checks it, makes the dots and renders
// them over the photo. Input: pointer events (mouse, pen, touch alike) and
// the keyboard (arrow keys nudge the selected handle 0.5 mm). Nothing leaves
// the device: files are read with FileReader APIs and saved as blob: links.

import { createEngine } from './smpsim.js';

const $ = (id) => document.getElementById(id);
const canvas = $('canvas');
const ctx = canvas.getContext('2d');
const STORE_KEY = 'smpsim-studio';

const studio = {
    engine: null,
    photo: null,          // {name, width, height, rgba, image: canvas}
    preview: null,        // canvas with the last render (photo size)
    design: null,         // the design object; null before a preset or file
    undo: [], redo: [],   // design JSON snapshots
    tool: 'edit',         // edit | glabella | pupils | ruler
    glabella: null,       // [x, y] photo px, before a design exists
    pxPerMm: 6.5,         // scale before a design exists (the CLI's default)
    head: null,           // {center, radii, widthMm}: the head outline, from its breadth

    taps: [],             // the first tap of a two-tap scale
    selected: null,       // {kind: 'control', index} | {kind: 'glabella'}
    drag: null,           // {pointerId, handle, before}
    controls: [],         // hairline control points, mm
    controlsPx: [],       // the same in photo px
    hairlinePx: [],       // the smooth hairline in photo px
    frameTimes: [],       // [total ms, engine ms] of renders while dragging
    warnings: [],
    view: { scale: 1, x: 0, y: 0 }, // photo px -> canvas px
};
window.studio = studio; // for tests and the curious

// ---- the look ------------------------------------------------------------

function lookJson() {
    const look = { state: $('state').value };
    if (look.state === 'aged') look.years = Number($('years').value) || 5;
    const session = Number($('session').value);
    if (session > 0) look.session = session;
    const distance = Number($('distance').value);
    if (distance > 0) look.distance_m = distance;
    return JSON.stringify(look);
}

// ---- design changes --------------------------------------------------------

/** Hands the design to the engine; throws (keeping the old) if it refuses. */
function applyDesign(design, keep = true) {
    studio.engine.setDesign(JSON.stringify(design));
    studio.design = design;
    refreshGeometry();
    refreshWarnings();
    if (keep) remember();
}

/** Records the current design for undo, then applies a change to a copy. */
function commit(change) {
    const before = JSON.stringify(studio.design);
    const next = studio.design ? JSON.parse(before) : null;
    const result = change(next) || next;
    try {
        applyDesign(result);
    } catch (e) {
        showStatus(e.message, true);
        return false;
    }
    if (before !== 'null') studio.undo.push(before);
    studio.redo = [];
    updateButtons();
    render();
    return true;
}

function undoRedo(from, to) {
    if (!from.length) return;
    to.push(JSON.stringify(studio.design));
    applyDesign(JSON.parse(from.pop()));
    updateButtons();
    render();
}

/** The hairline as control points in mm (a landmark one too), so they can
 *  move; the engine holds the same design. A hairline in photo pixels stays
 *  in pixels: its points are moved in pixels. */
function controlsOf(design) {
    const h = design.hairline;
    if (!h || h.points_mm || h.points_px) return design;
    const c = studio.engine.hairlineControls();
    if (c.units !== 'mm' || c.points.length === 0) return design;
    delete h.landmarks;
    h.points_mm = c.points;
    return design;
}

function refreshGeometry() {
    const e = studio.engine;
    let c = { points: [] };
    try {
        c = e.hairlineControls();
    } catch { /* an SVG hairline: nothing to drag */ }
    studio.controls = c.units === 'px' ? e.toMm(c.points) : c.points;
    studio.controlsPx = c.units === 'px' ? c.points : e.toPx(c.points);
    studio.hairlinePx = e.toPx(e.hairlineMm());
    showRegionParams();
    const sessions = (studio.design.sessions || []).length;
    const sel = $('session');
    if (sel.options.length !== sessions + 1) {
        sel.length = 1;
        for (let k = 1; k <= sessions; k++) sel.add(new Option(`${k}`, `${k}`));
    }
}

/** The region parameters shown: the first region's (they set every region's). */
const REGION_FIELDS = { density: 'density_per_cm2', 'dot-mm': 'dot_diameter_mm', shade: 'shade' };
function showRegionParams() {
    const r = studio.design?.regions?.[0];
    for (const [id, key] of Object.entries(REGION_FIELDS))
        if (document.activeElement !== $(id)) $(id).value = r?.[key] ?? '';
}

function setRegionParam(id) {
    const v = Number($(id).value);
    if (!studio.design?.regions?.length || !(v > 0)) return;
    commit((d) => { for (const r of d.regions) r[REGION_FIELDS[id]] = v; });
}

function glabellaPx() {
    const v = studio.design?.view;
    if (!v) return studio.glabella;
    if (v.kind === 'flat') return v.offset_px;
    return v.glabella_px || studio.engine.toPx([[0, 0]])[0];
}

function refreshWarnings() {
    studio.warnings = studio.engine.warnings().map((w) => w.message);
    const g = glabellaPx(), p = studio.photo;
    if (g && p && (g[0] < 0 || g[1] < 0 || g[0] >= p.width || g[1] >= p.height))
        studio.warnings.unshift('The glabella lies outside the photo: the canvas is extended ' +
            'to show it; check that it is where the eyebrows meet.');
    const list = $('warnings');
    list.replaceChildren(...(studio.warnings.length ? studio.warnings : ['none']).map((t) => {
        const li = document.createElement('li');
        li.textContent = t;
        if (!studio.warnings.length) li.className = 'none';
        return li;
    }));
    const d = studio.design;
    $('summary').textContent = d ? `${d.name || 'design'}: ${d.regions?.length || 0} region(s), ` +
        `${studio.controls.length} hairline points, seed ${d.seed}` : 'no design yet';
}

// ---- placing the head: glabella, scale, preset -----------------------------

/** The view a new design gets: a head view (the scalp as an ellipsoid seen
 *  from the front, docs/views.md) when the head's outline is known, else a
 *  flat one at the scale of the pupils or ruler. */
function placeView(design) {
    const g = glabellaPx() || [studio.photo.width / 2, studio.photo.height * 0.75];
    const h = studio.head;
    design.view = h
        ? { kind: 'head', camera: 'front', center_px: h.center, radii_px: h.radii, width_mm: h.widthMm,
            depth_ratio: 1.25, glabella_px: g }
        : { kind: 'flat', px_per_mm: studio.pxPerMm, rotation_deg: 0, offset_px: g };
    return design;
}

function choosePreset(name) {
    if (!name || !studio.photo) return;
    const design = placeView(JSON.parse(studio.engine.presetJson(name)));
    design.photo = studio.photo.name;
    design.name = `${name} (studio)`;
    commit(() => {
        studio.engine.setDesign(JSON.stringify(design)); // to read its control points
        return controlsOf(design);
    });
    setTool('edit');
}

function setGlabella(p) {
    studio.glabella = p;
    if (studio.design?.view) {
        commit((d) => { d.view[d.view.kind === 'flat' ? 'offset_px' : 'glabella_px'] = p; });
    } else {
        refreshWarningsIfAny();
        draw();
    }
}

function setScale(a, b) {
    const mm = Number($('known-mm').value);
    const px = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (!(mm > 0) || !(px > 1)) return showStatus('two distinct points are needed', true);
    if (studio.tool === 'breadth') {
        // the outline through both taps, a little taller than wide (as the sample heads)
        studio.head = { center: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], radii: [px / 2, px / 2 * 1.04], widthMm: mm };
        showStatus(`head outline ${px.toFixed(0)} px = ${mm} mm wide; drag its handles to fit`);
        if (studio.design) commit((d) => placeView(d));
        else draw();
        return;
    }
    studio.head = null;
    studio.pxPerMm = px / mm;
    showStatus(`scale ${studio.pxPerMm.toFixed(2)} px/mm (${px.toFixed(0)} px = ${mm} mm)`);
    if (studio.design) commit((d) => placeView(d));
}

function refreshWarningsIfAny() {
    if (studio.design) refreshWarnings();
}

// ---- rendering ---------------------------------------------------------------

let frameRequested = false;
function render() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
        frameRequested = false;
        renderNow();
    });
}

/** Renders the design over the photo (the engine) and draws the stage. */
function renderNow() {
    const t0 = performance.now();
    if (studio.pendingMove) {
        applyMove(studio.pendingMove);
        studio.pendingMove = null;
    }
    if (studio.photo && studio.design) {
        try {
            const out = studio.engine.render(lookJson());
            const image = new ImageData(out.rgba, out.width, out.height);
            studio.preview.getContext('2d').putImageData(image, 0, 0);
            studio.hasPreview = true;
        } catch (e) {
            showStatus(e.message, true);
        }
    }
    const t1 = performance.now();
    draw();
    const t2 = performance.now();
    if (studio.drag) studio.frameTimes.push([t2 - studio.drag.movedAt, t1 - t0]);
    if (studio.design) showStatus(`${studio.engine.dotCount()} dots · render ${(t1 - t0).toFixed(0)} ms`);
}

function fitView() {
    const p = studio.photo;
    const r = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(r.width * dpr));
    canvas.height = Math.max(1, Math.round(r.height * dpr));
    if (!p) return;
    // the photo and the glabella (which may lie beyond the photo's edge)
    let [x0, y0, x1, y1] = [0, 0, p.width, p.height];
    const g = glabellaPx(), head = headOutline();
    if (g) {
        const m = 40 * (p.width / 1000);
        x0 = Math.min(x0, g[0] - m); y0 = Math.min(y0, g[1] - m);
        x1 = Math.max(x1, g[0] + m); y1 = Math.max(y1, g[1] + m);
    }
    if (head) {
        const [cx, cy] = head.center, [rx, ry] = head.radii;
        x0 = Math.min(x0, cx - rx); y0 = Math.min(y0, cy - ry);
        x1 = Math.max(x1, cx + rx); y1 = Math.max(y1, cy + ry);
    }
    const pad = 12 * dpr;
    const s = Math.min((canvas.width - 2 * pad) / (x1 - x0), (canvas.height - 2 * pad) / (y1 - y0));
    studio.view = {
        scale: s,
        x: (canvas.width - s * (x1 - x0)) / 2 - s * x0,
        y: (canvas.height - s * (y1 - y0)) / 2 - s * y0,
    };
}

const toCanvas = ([x, y]) => [studio.view.x + studio.view.scale * x, studio.view.y + studio.view.scale * y];
const toPhoto = ([x, y]) => [(x - studio.view.x) / studio.view.scale, (y - studio.view.y) / studio.view.scale];

function draw() {
    fitView();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#1c1d1f';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const p = studio.photo;
    if (!p) return;
    const v = studio.view, dpr = window.devicePixelRatio || 1;
    ctx.setTransform(v.scale, 0, 0, v.scale, v.x, v.y);
    ctx.fillStyle = '#3a3d41'; // the extended canvas around the photo
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(p.image, 0, 0);
    // before | after: the preview left of the split, the photo right of it
    const split = Number($('split').value) / 100 * p.width;
    if (studio.hasPreview && split > 0)
        ctx.drawImage(studio.preview, 0, 0, split, p.height, 0, 0, split, p.height);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (split > 0 && split < p.width) {
        const [sx] = toCanvas([split, 0]);
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 2 * dpr;
        line([[sx, v.y], [sx, v.y + v.scale * p.height]]);
    }
    if ($('guides').checked) drawGuides(dpr);
}

function line(points) {
    ctx.beginPath();
    points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
}

function handle(pt, colour, selected, dpr) {
    const [x, y] = toCanvas(pt);
    ctx.beginPath();
    ctx.arc(x, y, (selected ? 9 : 7) * dpr, 0, 2 * Math.PI);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = 2 * dpr;
    ctx.strokeStyle = selected ? '#fff' : '#222';
    ctx.stroke();
}

function drawGuides(dpr) {
    ctx.setLineDash([]);
    if (studio.hairlinePx.length) {
        ctx.strokeStyle = 'rgba(255, 214, 102, 0.9)';
        ctx.lineWidth = 1.5 * dpr;
        line(studio.hairlinePx.map(toCanvas));
    }
    studio.controlsPx.forEach((pt, i) =>
        handle(pt, '#ffd666', studio.selected?.kind === 'control' && studio.selected.index === i, dpr));
    if (studio.taps.length) handle(studio.taps[0], '#7ad7ff', true, dpr);
    const head = headOutline();
    if (head) {
        const [x, y] = toCanvas(head.center), s = studio.view.scale;
        ctx.strokeStyle = 'rgba(122, 215, 255, 0.85)';
        ctx.lineWidth = 1.5 * dpr;
        ctx.setLineDash([6 * dpr, 5 * dpr]);
        ctx.beginPath();
        ctx.ellipse(x, y, head.radii[0] * s, head.radii[1] * s, 0, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.setLineDash([]);
        for (const h of headHandles())
            handle(h.at, '#7ad7ff', studio.selected?.kind === h.kind, dpr);
    }
    const g = glabellaPx();
    if (g) {
        const [x, y] = toCanvas(g);
        ctx.strokeStyle = '#ff6b6b';
        ctx.lineWidth = 2 * dpr;
        line([[x - 12 * dpr, y], [x + 12 * dpr, y]]);
        line([[x, y - 12 * dpr], [x, y + 12 * dpr]]);
        handle(g, '#ff6b6b', studio.selected?.kind === 'glabella', dpr);
    }
}

// ---- pointer and keyboard input --------------------------------------------

/** The photo point under a pointer, to a hundredth of a pixel. */
function eventPoint(e) {
    const r = canvas.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    return toPhoto([(e.clientX - r.left) * dpr, (e.clientY - r.top) * dpr]).map((v) => Math.round(v * 100) / 100);
}

/** The head outline (centre, radii) of the design's head view, or the one
 *  proposed before a design exists; null for a flat view. */
function headOutline() {
    const v = studio.design?.view;
    if (v) return v.kind === 'head' ? { center: v.center_px, radii: v.radii_px } : null;
    return studio.head;
}

/** Handles of the head outline: its centre, its right edge, its top. */
function headHandles() {
    const h = headOutline();
    if (!h) return [];
    const [cx, cy] = h.center, [rx, ry] = h.radii;
    return [{ kind: 'head-center', at: [cx, cy] }, { kind: 'head-x', at: [cx + rx, cy] },
        { kind: 'head-y', at: [cx, cy - ry] }];
}

/** The handle under a photo point, within a finger's reach. */
function handleAt(p, pointerType) {
    const reach = (pointerType === 'touch' ? 24 : 12) * (window.devicePixelRatio || 1) / studio.view.scale;
    let best = null, bestD = reach;
    studio.controlsPx.forEach((c, i) => {
        const d = Math.hypot(c[0] - p[0], c[1] - p[1]);
        if (d < bestD) { best = { kind: 'control', index: i }; bestD = d; }
    });
    for (const h of headHandles()) {
        const d = Math.hypot(h.at[0] - p[0], h.at[1] - p[1]);
        if (d < bestD) { best = { kind: h.kind }; bestD = d; }
    }
    const g = glabellaPx();
    if (g && Math.hypot(g[0] - p[0], g[1] - p[1]) < bestD) best = { kind: 'glabella' };
    return best;
}

canvas.addEventListener('pointerdown', (e) => {
    if (!studio.photo) return;
    $('stage').focus();
    const p = eventPoint(e);
    if (studio.tool === 'glabella') {
        setGlabella(p);
        setTool(studio.design ? 'edit' : 'pupils');
        return;
    }
    if (['pupils', 'ruler', 'breadth'].includes(studio.tool)) {
        studio.taps.push(p);
        if (studio.taps.length === 2) {
            setScale(studio.taps[0], studio.taps[1]);
            studio.taps = [];
            setTool('edit');
        }
        draw();
        return;
    }
    const h = handleAt(p, e.pointerType);
    studio.selected = h;
    if (h && !studio.design) { // before a preset: only the proposed outline moves
        if (h.kind.startsWith('head-')) studio.dragHead = { pointerId: e.pointerId, kind: h.kind };
        return draw();
    }
    if (h) {
        canvas.setPointerCapture(e.pointerId);
        studio.drag = { pointerId: e.pointerId, handle: h, before: JSON.stringify(studio.design),
            movedAt: performance.now() };
    }
    draw();
});

canvas.addEventListener('pointermove', (e) => {
    const dh = studio.dragHead;
    if (dh && dh.pointerId === e.pointerId) {
        const view = { center_px: studio.head.center, radii_px: studio.head.radii };
        moveHead(view, dh.kind, eventPoint(e));
        studio.head.center = view.center_px;
        studio.head.radii = view.radii_px;
        return draw();
    }
    const drag = studio.drag;
    if (!drag || drag.pointerId !== e.pointerId) return;
    drag.movedAt = performance.now();
    moveHandle(drag.handle, eventPoint(e));
});

function endDrag(e) {
    if (studio.dragHead?.pointerId === e.pointerId) studio.dragHead = null;
    const drag = studio.drag;
    if (!drag || drag.pointerId !== e.pointerId) return;
    studio.drag = null;
    if (studio.pendingMove) renderNow(); // the last move, before it is recorded
    remember();
    if (JSON.stringify(studio.design) !== drag.before) {
        studio.undo.push(drag.before);
        studio.redo = [];
        updateButtons();
    }
}
canvas.addEventListener('pointerup', endDrag);
canvas.addEventListener('pointercancel', endDrag);

/** Moves a handle to a photo point, live (no undo step: the drag is one).
 *  Pointer events can come faster than frames: the last one waits for the next frame. */
function moveHandle(h, p) {
    studio.pendingMove = { h, p };
    render();
}

/** Puts control point i of the design's hairline at mm (in the units the
 *  design gives its points in), rounded to a micrometre (a pixel's thousandth). */
function setControl(d, i, mm) {
    const round = (v) => Math.round(v * 1000) / 1000;
    const h = controlsOf(d).hairline;
    if (h.points_px) h.points_px[i] = studio.engine.toPx([mm])[0].map(round);
    else h.points_mm[i] = mm.map(round);
}

/** Moves a handle of a head view's outline (view: center_px, radii_px). */
function moveHead(view, kind, p) {
    const round = (v) => Math.round(v * 1000) / 1000;
    const [cx, cy] = view.center_px;
    if (kind === 'head-center') view.center_px = p.map(round);
    else if (kind === 'head-x') view.radii_px = [round(Math.max(10, Math.abs(p[0] - cx))), view.radii_px[1]];
    else view.radii_px = [view.radii_px[0], round(Math.max(10, Math.abs(cy - p[1])))];
}

function applyMove({ h, p }) {
    const d = JSON.parse(JSON.stringify(studio.design));
    if (h.kind === 'glabella') {
        d.view[d.view.kind === 'flat' ? 'offset_px' : 'glabella_px'] = p;
    } else if (h.kind.startsWith('head-')) {
        moveHead(d.view, h.kind, p);
    } else {
        setControl(d, h.index, studio.engine.toMm([p])[0]);
    }
    try {
        applyDesign(d, false);
    } catch (err) {
        showStatus(err.message, true);
    }
}

$('stage').addEventListener('keydown', (e) => {
    const step = { ArrowLeft: [-0.5, 0], ArrowRight: [0.5, 0], ArrowUp: [0, -0.5], ArrowDown: [0, 0.5] }[e.key];
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        return e.shiftKey ? undoRedo(studio.redo, studio.undo) : undoRedo(studio.undo, studio.redo);
    }
    if (!step || !studio.selected || !studio.design) return;
    e.preventDefault();
    const h = studio.selected;
    commit((d) => {
        if (h.kind === 'control') {
            const pt = studio.controls[h.index];
            setControl(d, h.index, [pt[0] + step[0], pt[1] + step[1]]);
        } else if (h.kind === 'glabella' && d.view.kind === 'flat') {
            const s = d.view.px_per_mm;
            d.view.offset_px = [d.view.offset_px[0] + step[0] * s, d.view.offset_px[1] + step[1] * s];
        } else if (h.kind === 'glabella') { // 0.5 mm on the scalp at the glabella, in photo px
            const [g, moved] = studio.engine.toPx([[0, 0], step]);
            const gp = d.view.glabella_px;
            d.view.glabella_px = [gp[0] + moved[0] - g[0], gp[1] + moved[1] - g[1]];
        } else {
            const [cx, cy] = d.view.center_px, [rx, ry] = d.view.radii_px;
            const at = { 'head-center': [cx, cy], 'head-x': [cx + rx, cy], 'head-y': [cx, cy - ry] }[h.kind];
            const px = studio.engine.toPx([[0, 0], step]).reduce((a, b) => [b[0] - a[0], b[1] - a[1]]);
            moveHead(d.view, h.kind, [at[0] + px[0], at[1] + px[1]]);
        }
    });
});

// ---- files: photo, design, PNG ---------------------------------------------

async function openPhoto(file) {
    // EXIF orientation applied, colours as stored (no colour management), as the CLI reads them
    const bitmap = await createImageBitmap(file, {
        imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: 'none',
    });
    const image = document.createElement('canvas');
    image.width = bitmap.width;
    image.height = bitmap.height;
    const ictx = image.getContext('2d', { willReadFrequently: true });
    ictx.drawImage(bitmap, 0, 0);
    const rgba = ictx.getImageData(0, 0, image.width, image.height).data;
    studio.engine.setPhoto(rgba, image.width, image.height);
    studio.photo = { name: file.name, width: image.width, height: image.height, image };
    studio.preview = document.createElement('canvas');
    studio.preview.width = image.width;
    studio.preview.height = image.height;
    studio.hasPreview = false;
    $('hint').textContent = `${file.name}: ${image.width}x${image.height}. ` +
        (studio.design ? 'Drag the hairline points.' : 'Tap the glabella (between the eyebrows).');
    if (studio.design) {
        commit((d) => { d.photo = file.name; });
    } else {
        setTool('glabella');
        draw();
    }
}

async function openDesign(file) {
    const text = await file.text();
    try {
        studio.engine.setDesign(text); // the library's checks and message
    } catch (e) {
        return showStatus(`${file.name}: ${e.message}`, true);
    }
    if (commit(() => JSON.parse(studio.engine.designJson()))) setTool('edit');
}

function download(bytes, name, type) {
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const baseName = () => (studio.photo?.name || 'design').replace(/\.[^.]*$/, '');
/** The design file: the library's JSON, as `smpsim render --design` reads it. */
studio.designText = () => studio.engine.designJson();
studio.exportPng = () => studio.engine.exportPng(lookJson());

$('save-design').addEventListener('click', () => {
    if (studio.design) download(studio.designText(), `${baseName()}-design.json`, 'application/json');
});
$('export-png').addEventListener('click', () => {
    if (!studio.design || !studio.photo) return;
    try {
        download(studio.exportPng(), `${baseName()}-preview.png`, 'image/png');
    } catch (e) {
        showStatus(e.message, true);
    }
});

// ---- local storage: the design survives a reload (the photo is opened again) --

function remember() {
    try {
        localStorage.setItem(STORE_KEY, JSON.stringify({ design: studio.design, photo: studio.photo?.name }));
    } catch { /* storage full or disabled: nothing to do */ }
}

function restore() {
    let saved = null;
    try {
        saved = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
    } catch { /* ignore a damaged entry */ }
    if (!saved?.design) return;
    try {
        applyDesign(saved.design);
        $('hint').textContent = `Restored the last design; open its photo (${saved.photo || 'any'}) again.`;
    } catch {
        localStorage.removeItem(STORE_KEY);
    }
}

// ---- the controls ------------------------------------------------------------

function setTool(tool) {
    studio.tool = tool;
    studio.taps = [];
    document.querySelectorAll('[data-tool]').forEach((b) => b.classList.toggle('active', b.dataset.tool === tool));
    if (tool === 'pupils') $('known-mm').value = 63; // mean adult interpupillary distance (Dodgson 2004)
    if (tool === 'breadth') $('known-mm').value = 150; // head breadth, as the head views' width_mm
    const hints = {
        glabella: 'Tap the glabella: between the eyebrows (it may lie below the photo).',
        pupils: 'Tap the centres of the two pupils.',
        ruler: 'Tap both ends of the ruler or sticker; type its length in mm.',
        breadth: 'Tap the left and right edges of the head at its widest (150 mm unless you type another): ' +
            'the outline gives the scalp its curve.',
        edit: studio.design ? 'Drag a hairline point (or the glabella); arrow keys nudge 0.5 mm.'
            : 'Choose a preset.',
    };
    $('hint').textContent = hints[tool];
}

function updateButtons() {
    $('undo').disabled = !studio.undo.length;
    $('redo').disabled = !studio.redo.length;
}

function showStatus(text, isError = false) {
    const s = $('status');
    s.textContent = text;
    s.style.color = isError ? '#ff8a80' : '';
}

function wire() {
    const photoInput = (input) => input.addEventListener('change', () => input.files[0] && openPhoto(input.files[0]));
    photoInput($('photo-file'));
    photoInput($('photo-camera'));
    $('design-file').addEventListener('change', (e) => e.target.files[0] && openDesign(e.target.files[0]));
    document.querySelectorAll('[data-tool]').forEach((b) => b.addEventListener('click', () => setTool(b.dataset.tool)));
    $('preset').addEventListener('change', (e) => choosePreset(e.target.value));
    $('undo').addEventListener('click', () => undoRedo(studio.undo, studio.redo));
    $('redo').addEventListener('click', () => undoRedo(studio.redo, studio.undo));
    for (const id of ['state', 'years', 'session', 'distance']) $(id).addEventListener('change', render);
    $('split').addEventListener('input', draw);
    for (const id of Object.keys(REGION_FIELDS)) $(id).addEventListener('change', () => setRegionParam(id));
    $('guides').addEventListener('change', draw);
    const stage = $('stage');
    stage.addEventListener('dragover', (e) => { e.preventDefault(); stage.classList.add('dragover'); });
    stage.addEventListener('dragleave', () => stage.classList.remove('dragover'));
    stage.addEventListener('drop', (e) => {
        e.preventDefault();
        stage.classList.remove('dragover');
        const file = e.dataTransfer.files[0];
        if (file) (/\.json$/i.test(file.name) ? openDesign(file) : openPhoto(file));
    });
    new ResizeObserver(draw).observe(stage);
    for (const p of studio.engine.presets()) {
        const o = new Option(p.name, p.name);
        o.title = p.description;
        $('preset').add(o);
    }
}

studio.ready = createEngine().then((engine) => {
    studio.engine = engine;
    wire();
    updateButtons();
    restore();
    draw();
    document.body.dataset.ready = 'true';
});
