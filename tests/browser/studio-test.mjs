// The studio in a real browser (docs/studio.md): a mock-up as an artist
// makes it, checked against the native CLI.
//   node studio-test.mjs BUILD_DIR [PHOTO] [SHOTS_DIR]
// Opens BUILD_DIR/studio/index.html from disk in headless chromium, opens
// the photo, taps the glabella (below the photo's edge: the canvas extends
// and a warning says so), sets the scale from the head's breadth, picks a
// preset, drags a hairline point by touch and another by mouse, undoes the
// mouse drag, nudges a point with the keyboard, saves the design and
// exports the PNG. Asserts: each move in mm; the rendered pixels equal
// `smpsim render --design` of the saved design over the same photo, byte
// for byte; the exported PNG is made again byte for byte by
// `smpsim render --from`; no request left the page. Exit 77 (skipped) when
// chromium, puppeteer-core or the built page is missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SKIP, CHROMIUM, loadPuppeteer, launch, close, openStudio, clientOf, decodePng, pngTexts }
    from './lib.mjs';

const [build, photoArg, shotsArg] = process.argv.slice(2);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const pageFile = path.resolve(build || '', 'studio/index.html');
const cli = path.resolve(build || '', 'examples/smpsim');
const photo = path.resolve(photoArg || path.join(root, 'samples/photos/scalp-front-dark-bald.png'));
const shots = shotsArg || path.join(build || '', 'studio-test');

function skip(why) {
    console.log(`SKIP: ${why}`);
    process.exit(SKIP);
}
if (!build) skip('usage: node studio-test.mjs BUILD_DIR [PHOTO] [SHOTS_DIR]');
if (!fs.existsSync(CHROMIUM)) skip(`no chromium at ${CHROMIUM} (apt-get install chromium)`);
if (!fs.existsSync(pageFile)) skip(`${pageFile} is not built (scripts/studio)`);
const puppeteer = await loadPuppeteer();
if (!puppeteer) skip('puppeteer-core is not installed (npm ci in tests/browser)');

let failures = 0;
function check(ok, what) {
    console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
    if (!ok) failures++;
}
const near = (a, b, tol) => Math.abs(a - b) <= tol;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'smpsim-studio-'));
fs.mkdirSync(shots, { recursive: true });
const browser = await launch(puppeteer, { touch: true });
let step = 0;
async function shot(page, name) {
    const file = path.join(shots, `${String(++step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    console.log(`   screenshot ${file}`);
}

try {
    const { page, outside, errors } = await openStudio(browser, pageFile);
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: work });
    const design = () => page.evaluate(() => window.studio.design);
    const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));

    // 1. the photo, through the file picker
    await (await page.$('#photo-file')).uploadFile(photo);
    await page.waitForFunction(() => window.studio.photo);
    const { width, height } = await page.evaluate(() => window.studio.photo);
    await shot(page, 'photo');

    // 2. the glabella: a tap below the photo's bottom edge (the brows are at the edge)
    const glabella = [width * 0.5, height + 12];
    await page.evaluate(() => document.getElementById('tool-glabella').click());
    let [cx, cy] = await clientOf(page, glabella[0], glabella[1]);
    await page.mouse.click(cx, cy);
    const placed = await page.evaluate(() => window.studio.glabella);
    check(near(placed[0], glabella[0], 2) && near(placed[1], glabella[1], 2),
        `glabella placed at ${placed.map((v) => v.toFixed(1))} (tapped ${glabella})`);

    // 3. the scale from a ruler: two taps 0.9 photo widths apart, 150 mm (a flat view)
    await page.click('#tool-ruler');
    await page.evaluate(() => { document.getElementById('known-mm').value = 150; });
    const y = height * 0.6, xa = width * 0.05, xb = width * 0.95;
    [cx, cy] = await clientOf(page, xa, y);
    await page.mouse.click(cx, cy);
    const [cx2] = await clientOf(page, xb, y);
    await page.mouse.click(cx2, cy);
    const pxPerMm = await page.evaluate(() => window.studio.pxPerMm);
    // mouse events land on whole CSS pixels: each tap within half a pixel
    const s0 = await page.evaluate(() => window.studio.view.scale / (window.devicePixelRatio || 1));
    check(near(pxPerMm, (xb - xa) / 150, 1 / s0 / 150),
        `scale ${pxPerMm.toFixed(3)} px/mm from the ruler (${((xb - xa) / 150).toFixed(3)} tapped)`);

    // 4. a preset
    await page.select('#preset', 'male-mature');
    await page.waitForFunction(() => window.studio.design && window.studio.hasPreview);
    await settle();
    let d = await design();
    check(d.view.kind === 'flat' && near(d.view.offset_px[1], placed[1], 1e-9) &&
        near(d.view.px_per_mm, pxPerMm, 1e-9), 'the preset is placed at the glabella with the scale');
    check(d.hairline.points_mm && d.hairline.points_mm.length >= 5 && !d.hairline.landmarks,
        `the hairline has ${d.hairline.points_mm?.length} control points to drag`);
    const warned = await page.evaluate(() => window.studio.warnings.join(' | '));
    check(/outside the photo/.test(warned), 'a warning says the glabella is outside the photo');
    await shot(page, 'preset');

    // drags a control point by (dx, dy) client px; returns the expected move in mm
    async function drag(index, dx, dy, kind) {
        const start = d.hairline.points_mm[index];
        const px = await page.evaluate((i) => window.studio.controlsPx[i], index);
        const [sx, sy] = await clientOf(page, px[0], px[1]);
        if (kind === 'touch') {
            await page.touchscreen.touchStart(sx, sy);
            for (let k = 1; k <= 5; k++) await page.touchscreen.touchMove(sx + dx * k / 5, sy + dy * k / 5);
            await page.touchscreen.touchEnd();
        } else {
            await page.mouse.move(sx, sy);
            await page.mouse.down();
            for (let k = 1; k <= 5; k++) await page.mouse.move(sx + dx * k / 5, sy + dy * k / 5);
            await page.mouse.up();
        }
        await settle();
        const s = await page.evaluate(() => window.studio.view.scale / (window.devicePixelRatio || 1));
        // a flat view: dx client px are dx / s photo px, dx / s / pxPerMm mm
        return { start, expectMm: [dx / s / pxPerMm, dy / s / pxPerMm] };
    }

    // 5. touch: the mid-frontal point (the middle one) 8 mm higher
    const mid = Math.floor(d.hairline.points_mm.length / 2);
    let sPerMm = await page.evaluate(() => window.studio.view.scale / (window.devicePixelRatio || 1)) * pxPerMm;
    let moved = await drag(mid, 0, -Math.round(8 * sPerMm), 'touch');
    d = await design();
    let got = d.hairline.points_mm[mid];
    // the handle is grabbed up to a few px off its centre: the move, not the end, is exact
    check(near(got[0] - moved.start[0], moved.expectMm[0], 0.6 / sPerMm + 0.002) &&
        near(got[1] - moved.start[1], moved.expectMm[1], 0.6 / sPerMm + 0.002),
        `touch drag moved the mid-frontal point by ${(got[1] - moved.start[1]).toFixed(3)} mm ` +
        `(expected ${moved.expectMm[1].toFixed(3)})`);
    const afterTouch = JSON.stringify(d);
    await shot(page, 'touch-drag');

    // 6. mouse: the left temple point 6 mm outwards
    const temple = 2;
    moved = await drag(temple, -Math.round(6 * sPerMm), 0, 'mouse');
    d = await design();
    got = d.hairline.points_mm[temple];
    check(near(got[0] - moved.start[0], moved.expectMm[0], 0.6 / sPerMm + 0.002) &&
        near(got[1], moved.start[1], 0.6 / sPerMm + 0.002),
        `mouse drag moved a temple point by ${(got[0] - moved.start[0]).toFixed(3)} mm ` +
        `(expected ${moved.expectMm[0].toFixed(3)})`);
    await shot(page, 'mouse-drag');

    // 7. undo the mouse drag, redo, undo again
    await page.click('#undo');
    await settle();
    check(JSON.stringify(await design()) === afterTouch, 'undo restores the design before the mouse drag');
    await page.click('#redo');
    await settle();
    check((await design()).hairline.points_mm[temple][0] === got[0], 'redo moves it again');
    await page.click('#undo');
    await settle();

    // 8. the keyboard: the mid-frontal point selected, ArrowUp twice = 1 mm
    const before = (await design()).hairline.points_mm[mid];
    const px = await page.evaluate((i) => window.studio.controlsPx[i], mid);
    [cx, cy] = await clientOf(page, px[0], px[1]);
    await page.mouse.click(cx, cy);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await settle();
    const nudged = (await design()).hairline.points_mm[mid];
    check(near(nudged[1] - before[1], -1, 1e-9) && nudged[0] === before[0],
        `two ArrowUp presses moved the point by ${(nudged[1] - before[1]).toFixed(3)} mm`);

    // 9. the look: healed
    await page.select('#state', 'healed');
    await settle();
    await shot(page, 'healed');

    // 10. save the design (a download) and render it with the CLI over the same photo
    const base = path.basename(photo).replace(/\.[^.]*$/, '');
    const savedFile = path.join(work, `${base}-design.json`);
    fs.copyFileSync(photo, path.join(work, path.basename(photo)));
    async function saveAndCompare(what) {
        fs.rmSync(savedFile, { force: true });
        await page.click('#save-design');
        for (let i = 0; i < 100 && !fs.existsSync(savedFile); i++) await new Promise((r) => setTimeout(r, 50));
        const saved = fs.readFileSync(savedFile, 'utf8');
        check(saved === await page.evaluate(() => window.studio.designText()),
            `${what}: the saved design file is the engine's design JSON`);
        check(JSON.parse(saved).photo === path.basename(photo), `${what}: the design names the photo`);
        const nativeFile = path.join(work, 'native.png');
        execFileSync(cli, ['render', '--design', savedFile, '--state', 'healed', '--out', nativeFile,
            '--quiet']);
        const native = decodePng(fs.readFileSync(nativeFile));
        const shown = await page.evaluate(() => {
            const c = window.studio.preview;
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
        });
        let differ = 0;
        for (let i = 0; i < shown.length; i++) if (shown[i] !== native.rgba[i]) differ++;
        check(native.width === width && native.height === height && shown.length === native.rgba.length &&
            differ === 0, `${what}: the canvas equals \`smpsim render --design\` (${differ} bytes differ)`);
    }
    await saveAndCompare('flat view');

    // 11. export the PNG and make it again with the CLI
    await page.click('#export-png');
    const exported = path.join(work, `${base}-preview.png`);
    for (let i = 0; i < 100 && !fs.existsSync(exported); i++) await new Promise((r) => setTimeout(r, 50));
    const texts = pngTexts(fs.readFileSync(exported));
    check(texts['smpsim:design'] && texts['smpsim:seed'] && /"state":"healed"/.test(texts['smpsim:render']),
        'the exported PNG carries smpsim:design, smpsim:seed and smpsim:render');
    const again = path.join(work, 'again.png');
    execFileSync(cli, ['render', '--from', path.basename(exported), '--out', 'again.png', '--quiet'],
        { cwd: work });
    check(Buffer.compare(fs.readFileSync(exported), fs.readFileSync(again)) === 0,
        '`smpsim render --from` makes the exported PNG again, byte for byte');

    // 12. the head's breadth instead: an outline (a head view), the dots follow the scalp's curve
    await page.click('#tool-breadth');
    [cx, cy] = await clientOf(page, width * 0.04, height * 0.75);
    const [bx] = await clientOf(page, width * 0.96, height * 0.75);
    await page.mouse.click(cx, cy);
    await page.mouse.click(bx, cy);
    await settle();
    d = await design();
    check(d.view.kind === 'head' && near(d.view.radii_px[0] * 2, width * 0.92, 2) &&
        d.view.width_mm === 150 && near(d.view.glabella_px[1], placed[1], 1e-9),
        `the head's breadth gives a head view (radii ${d.view.radii_px?.map((v) => v.toFixed(0))})`);
    await shot(page, 'head-view');
    await saveAndCompare('head view');

    // 13. a bad design file is refused with the library's message
    const bad = path.join(work, 'bad.json');
    fs.writeFileSync(bad, '{"format_version": 1, "regions": [{"type": "circle"}]}');
    await (await page.$('#design-file')).uploadFile(bad);
    await page.waitForFunction(() => /bad.json: /.test(document.getElementById('status').textContent));
    const status = await page.evaluate(() => document.getElementById('status').textContent);
    check(/regions\[0\]/.test(status), `a bad design is refused: "${status}"`);

    check(outside.length === 0, `no request left the page (${outside.length}: ${outside.slice(0, 3)})`);
    check(errors.length === 0, `no errors in the page's console (${errors.slice(0, 3)})`);
} catch (e) {
    console.log(`FAIL: ${e.stack}`);
    failures++;
} finally {
    await close(browser);
    fs.rmSync(work, { recursive: true, force: true });
}
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
