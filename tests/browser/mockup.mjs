// A mock-up made in the studio as an artist would, for docs/studio.md (not a
// test): opens a photo, taps the glabella and the head's breadth, picks a
// preset, drags the mid-frontal point, sets shade 7, shows the healed look half before /
// half after, and saves a screenshot and the exported preview PNG.
//   node mockup.mjs BUILD_DIR PHOTO GX,GY LEFT_X,RIGHT_X,Y PRESET OUT_PREFIX [DRAG_MM [STATE]]
import fs from 'node:fs';
import path from 'node:path';
import { loadPuppeteer, launch, close, openStudio, clientOf } from './lib.mjs';

const [build, photo, glabella, breadth, preset, out, dragMm = '-4', state = 'healed'] = process.argv.slice(2);
const puppeteer = await loadPuppeteer();
const browser = await launch(puppeteer, { width: 1280, height: 800 });
const tap = async (page, x, y) => page.mouse.click(...(await clientOf(page, x, y)));
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
try {
    const { page, outside } = await openStudio(browser, path.resolve(build, 'studio/index.html'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: path.dirname(path.resolve(out)) });
    await (await page.$('#photo-file')).uploadFile(path.resolve(photo));
    await page.waitForFunction(() => window.studio.photo);
    const [gx, gy] = glabella.split(',').map(Number);
    await tap(page, gx, gy);
    await page.click('#tool-breadth');
    const [x0, x1, y] = breadth.split(',').map(Number);
    await tap(page, x0, y);
    await tap(page, x1, y);
    await page.select('#preset', preset);
    await page.waitForFunction(() => window.studio.hasPreview);
    // the mid-frontal point DRAG_MM lower (+) or higher (-), by mouse
    const d = await page.evaluate(() => window.studio.design);
    const mid = Math.floor(d.hairline.points_mm.length / 2);
    const [from, to] = await page.evaluate((i, dy) => {
        const p = window.studio.controls[i];
        return window.studio.engine.toPx([p, [p[0], p[1] + dy]]);
    }, mid, Number(dragMm));
    const [sx, sy] = await clientOf(page, from[0], from[1]);
    const [ex, ey] = await clientOf(page, to[0], to[1]);
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    for (let k = 1; k <= 8; k++) await page.mouse.move(sx + (ex - sx) * k / 8, sy + (ey - sy) * k / 8);
    await page.mouse.up();
    // shade 7 on every region, typed in
    await page.evaluate(() => {
        const s = document.getElementById('shade');
        s.value = 7;
        s.dispatchEvent(new Event('change'));
    });
    await page.select('#state', state);
    await page.evaluate(() => {
        const s = document.getElementById('split');
        s.value = 60;
        s.dispatchEvent(new Event('input'));
    });
    await settle(page);
    await page.screenshot({ path: `${out}-studio.png` });
    await page.click('#export-png');
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`${out}-studio.png; requests that left the page: ${outside.length}`);
} finally {
    await close(browser);
}
