// Shared by the studio's browser test and benchmark: Debian's chromium,
// headless, driven by puppeteer-core (never a downloaded browser), the page
// opened from disk, every request watched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export const SKIP = 77;

export const CHROMIUM = process.env.SMPSIM_CHROMIUM || '/usr/bin/chromium';

/** puppeteer-core, or null when it is not installed (tests/browser: npm ci). */
export async function loadPuppeteer() {
    try {
        return (await import('puppeteer-core')).default;
    } catch {
        return null;
    }
}

/** Chromium headless as root needs no sandbox; a fresh profile each run; no
 *  background traffic; ES modules from file:// need file access. */
export async function launch(puppeteer, { width = 1280, height = 800, touch = false } = {}) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'smpsim-chromium-'));
    const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: profile,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
            '--allow-file-access-from-files', `--window-size=${width},${height}`],
        defaultViewport: { width, height, deviceScaleFactor: 1, hasTouch: touch },
    });
    browser.profileDir = profile;
    return browser;
}

export async function close(browser) {
    await browser.close();
    fs.rmSync(browser.profileDir, { recursive: true, force: true });
}

/** Opens the page and records every request; only file:, data: and blob:
 *  URLs are let through (the page's own files), anything else is aborted and
 *  kept in the returned list. */
export async function openStudio(browser, pageFile) {
    const page = await browser.newPage();
    const outside = [];
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.setRequestInterception(true);
    page.on('request', (r) => {
        const url = r.url();
        if (/^(file|data|blob):/.test(url)) return r.continue();
        outside.push(url);
        return r.abort();
    });
    await page.goto('file://' + path.resolve(pageFile));
    await page.waitForFunction(() => document.body.dataset.ready === 'true', { timeout: 60000 });
    return { page, outside, errors };
}

/** Client (CSS px) coordinates of a photo pixel on the stage. */
export async function clientOf(page, x, y) {
    return page.evaluate(([px, py]) => {
        const v = window.studio.view, r = document.getElementById('canvas').getBoundingClientRect();
        const dpr = window.devicePixelRatio || 1;
        return [r.left + (v.x + v.scale * px) / dpr, r.top + (v.y + v.scale * py) / dpr];
    }, [x, y]);
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG to RGBA bytes. */
export function decodePng(bytes) {
    const buf = Buffer.from(bytes);
    let pos = 8, width = 0, height = 0, type = 0;
    const idat = [];
    while (pos < buf.length) {
        const len = buf.readUInt32BE(pos), kind = buf.toString('latin1', pos + 4, pos + 8);
        const data = buf.subarray(pos + 8, pos + 8 + len);
        if (kind === 'IHDR') {
            width = data.readUInt32BE(0);
            height = data.readUInt32BE(4);
            if (data[8] !== 8 || data[12] !== 0) throw new Error('decodePng: 8-bit, not interlaced only');
            type = data[9];
        } else if (kind === 'IDAT') {
            idat.push(data);
        }
        pos += 12 + len;
    }
    const channels = { 2: 3, 6: 4 }[type];
    if (!channels) throw new Error(`decodePng: colour type ${type}`);
    const raw = zlib.inflateSync(Buffer.concat(idat));
    const stride = width * channels, out = Buffer.alloc(width * height * 4);
    let prev = Buffer.alloc(stride);
    for (let y = 0; y < height; y++) {
        const filter = raw[y * (stride + 1)];
        const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
        for (let i = 0; i < stride; i++) {
            const a = i >= channels ? line[i - channels] : 0, b = prev[i];
            const c = i >= channels ? prev[i - channels] : 0;
            let p = 0;
            if (filter === 1) p = a;
            else if (filter === 2) p = b;
            else if (filter === 3) p = (a + b) >> 1;
            else if (filter === 4) {
                const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
                p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            }
            line[i] = (line[i] + p) & 255;
        }
        for (let x = 0; x < width; x++) {
            const o = (y * width + x) * 4;
            line.copy(out, o, x * channels, x * channels + channels);
            if (channels === 3) out[o + 3] = 255;
        }
        prev = line;
    }
    return { width, height, rgba: out };
}

/** The text chunks (tEXt, and uncompressed iTXt) of a PNG: {key: text}. */
export function pngTexts(bytes) {
    const buf = Buffer.from(bytes), texts = {};
    for (let pos = 8; pos < buf.length;) {
        const len = buf.readUInt32BE(pos), kind = buf.toString('latin1', pos + 4, pos + 8);
        const data = buf.subarray(pos + 8, pos + 8 + len);
        const nul = data.indexOf(0);
        if (kind === 'tEXt') texts[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1);
        if (kind === 'iTXt' && data[nul + 1] === 0) {
            const lang = data.indexOf(0, nul + 3), tkey = data.indexOf(0, lang + 1);
            texts[data.toString('latin1', 0, nul)] = data.toString('utf8', tkey + 1);
        }
        pos += 12 + len;
    }
    return texts;
}

export function median(values) {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function percentile(values, p) {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
}
