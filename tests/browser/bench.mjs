// Benchmark (not a test): drags a hairline control point 100 times in the
// studio at 1280x800 in headless chromium and prints the median and 90th
// percentile frame time (pointer event to the stage drawn) and the engine's
// share (the design handed over, dots made again, rendered).
//   node bench.mjs BUILD_DIR [DESIGN.json] [PHOTO]
// Target (issue 17): median <= 33 ms, 30 frames/s while dragging.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SKIP, CHROMIUM, loadPuppeteer, launch, close, openStudio, clientOf, median, percentile }
    from './lib.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const [build, designArg, photoArg] = process.argv.slice(2);
const designFile = path.resolve(designArg || path.join(root, 'samples/designs/fair-frontal.json'));
const photo = path.resolve(photoArg || path.join(root, 'samples/photos/scalp-front-fair-bald.png'));
const pageFile = path.resolve(build || '', 'studio/index.html');
const puppeteer = await loadPuppeteer();
if (!build || !puppeteer || !fs.existsSync(CHROMIUM) || !fs.existsSync(pageFile)) {
    console.log('SKIP: needs BUILD_DIR with studio/ built (scripts/studio), chromium, puppeteer-core');
    process.exit(SKIP);
}

const browser = await launch(puppeteer, { width: 1280, height: 800 });
try {
    const { page, outside } = await openStudio(browser, pageFile);
    await (await page.$('#photo-file')).uploadFile(photo);
    await page.waitForFunction(() => window.studio.photo);
    await (await page.$('#design-file')).uploadFile(designFile);
    await page.waitForFunction(() => window.studio.design && window.studio.hasPreview);
    const n = await page.evaluate(() => window.studio.controlsPx.length);
    const index = Math.floor(n / 2);
    const px = await page.evaluate((i) => window.studio.controlsPx[i], index);
    const [x, y] = await clientOf(page, px[0], px[1]);
    const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    await page.evaluate(() => { window.studio.frameTimes = []; });
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let k = 1; k <= 100; k++) {
        await page.mouse.move(x + 12 * Math.sin(k / 8), y - 20 * Math.sin(k / 13));
        await frame();
    }
    await page.mouse.up();
    const times = await page.evaluate(() => window.studio.frameTimes);
    const info = await page.evaluate(() => ({
        dots: window.studio.engine.dotCount(), w: window.studio.photo.width, h: window.studio.photo.height,
    }));
    const total = times.map((t) => t[0]), engine = times.map((t) => t[1]);
    console.log(`studio drag benchmark: ${times.length} frames, viewport 1280x800, ` +
        `photo ${info.w}x${info.h}, ${info.dots} dots (${path.basename(designFile)})`);
    console.log(`frame time: median ${median(total).toFixed(1)} ms, 90th percentile ` +
        `${percentile(total, 90).toFixed(1)} ms (target: median <= 33 ms)`);
    console.log(`engine (design, dots, render): median ${median(engine).toFixed(1)} ms, 90th percentile ` +
        `${percentile(engine, 90).toFixed(1)} ms; share of the median frame ` +
        `${(100 * median(engine) / median(total)).toFixed(0)} %`);
    // the machine is shared: the load says how far to trust the figures
    console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(', ')} on ${os.cpus().length} CPUs`);
    if (outside.length) console.log(`requests that left the page: ${outside.length}`);
} finally {
    await close(browser);
}
