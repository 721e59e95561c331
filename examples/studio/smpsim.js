// smpsim.js: the smpsim engine (the C library compiled to WebAssembly) for
// any web page. A thin wrapper: each method is one call of the C side
// (examples/studio/engine.c), which uses the library's own code for every
// file format: the design JSON and the PNG with its provenance chunks.
// Nothing here touches the network. docs/studio.md documents the API.
//
//   import { createEngine } from './smpsim.js';
//   const engine = await createEngine();
//   engine.setPhoto(rgba, width, height);          // RGBA8 bytes
//   engine.setDesign(jsonText);                    // throws on a bad design
//   const { width, height, rgba } = engine.render('{"state": "healed"}');
//   const png = engine.exportPng('{"state": "healed"}');  // Uint8Array

import createSmpsimModule from './smpsim-engine.js';

/** A Promise of a new engine (one per page is enough). */
export async function createEngine() {
    const module = await createSmpsimModule();
    return new Engine(module);
}

/** The error thrown by engine calls: message is the library's. */
export class SmpsimError extends Error {}

class Engine {
    constructor(module) {
        this.m = module;
        this.e = module._studio_new();
        if (!this.e) throw new SmpsimError('out of memory');
    }

    // --- memory helpers: strings and bytes in and out of the module ---

    #withString(text, fn) {
        const m = this.m;
        const size = m.lengthBytesUTF8(text) + 1;
        const ptr = m._malloc(size);
        if (!ptr) throw new SmpsimError('out of memory');
        try {
            m.stringToUTF8(text, ptr, size);
            return fn(ptr);
        } finally {
            m._free(ptr);
        }
    }

    /** A malloc'd C string as a JS string (freed); NULL throws the error. */
    #takeString(ptr) {
        if (!ptr) this.#throw();
        const text = this.m.UTF8ToString(ptr);
        this.m._free(ptr);
        return text;
    }

    #throw() {
        throw new SmpsimError(this.m.UTF8ToString(this.m._studio_error(this.e)));
    }

    #check(rc) {
        if (rc !== 0) this.#throw();
    }

    // --- the API ---

    /** The client's photo: width * height * 4 bytes of straight RGBA
     *  (sRGB, rows top to bottom), copied. */
    setPhoto(rgba, width, height) {
        const m = this.m;
        if (rgba.length !== width * height * 4)
            throw new SmpsimError(`setPhoto: ${rgba.length} bytes for ${width}x${height} RGBA`);
        const ptr = m._malloc(rgba.length);
        if (!ptr) throw new SmpsimError('out of memory for the photo');
        try {
            m.HEAPU8.set(rgba, ptr);
            this.#check(m._studio_set_photo(this.e, ptr, width, height));
        } finally {
            m._free(ptr);
        }
    }

    /** The design, as JSON text (docs/design-format.md). On a bad design
     *  throws an SmpsimError with the library's message and keeps the old. */
    setDesign(jsonText) {
        this.#withString(jsonText, (p) => this.#check(this.m._studio_set_design(this.e, p)));
    }

    /** The design as JSON text, written by the library (the CLI's format). */
    designJson() {
        return this.#takeString(this.m._studio_design_json(this.e));
    }

    /** The design rules an artist should hear about: [{code, message}]. */
    warnings() {
        return JSON.parse(this.#takeString(this.m._studio_warnings_json(this.e)));
    }

    /** The presets (`smpsim presets`): [{name, description}]. */
    presets() {
        return JSON.parse(this.#takeString(this.m._studio_presets_json()));
    }

    /** A preset's design as JSON text (its view still to be placed). */
    presetJson(name) {
        return this.#withString(name, (p) =>
            this.#takeString(this.m._studio_preset_json(this.e, p)));
    }

    /** The hairline's control points: {units: 'mm'|'px', points: [[x, y]...]};
     *  those of a landmark hairline too; no hairline gives no points. */
    hairlineControls() {
        return JSON.parse(this.#takeString(this.m._studio_hairline_controls_json(this.e)));
    }

    /** The hairline as a smooth polyline in scalp mm: [[x, y]...] ([] for none). */
    hairlineMm() {
        return JSON.parse(this.#takeString(this.m._studio_hairline_mm_json(this.e)));
    }

    /** Points [[x, y]...] from scalp mm to photo pixels through the design's view. */
    toPx(points) {
        return this.#map(points, 1);
    }

    /** Points [[x, y]...] from photo pixels to scalp mm through the design's view. */
    toMm(points) {
        return this.#map(points, 0);
    }

    #map(points, toPx) {
        return JSON.parse(this.#withString(JSON.stringify(points), (p) =>
            this.#takeString(this.m._studio_map_json(this.e, p, toPx))));
    }

    /** Renders the design over the photo in a look: the keys of the
     *  smpsim:render chunk (docs/outputs.md: state, years, uv, depth_mm,
     *  blowout_mm, session, earlier_years, camera_blur_px, distance_m, skin,
     *  hair, auto_shade; not guides), as JSON text; '' is the default look. Returns {width, height, rgba}: rgba
     *  a Uint8ClampedArray copy, ready for new ImageData(). */
    render(lookJsonText = '') {
        const m = this.m;
        this.#withString(lookJsonText, (p) => this.#check(m._studio_render(this.e, p)));
        const width = m._studio_out_width(this.e), height = m._studio_out_height(this.e);
        const ptr = m._studio_out_pixels(this.e);
        const rgba = new Uint8ClampedArray(m.HEAPU8.buffer, ptr, width * height * 4).slice();
        return { width, height, rgba };
    }

    /** Number of dots of the design (after a render). */
    dotCount() {
        return this.m._studio_dot_count(this.e);
    }

    /** The preview PNG (a Uint8Array) with the chunks `smpsim render`
     *  writes (smpsim:design, smpsim:seed, smpsim:render), so that
     *  `smpsim render --from` makes the same file again. */
    exportPng(lookJsonText = '') {
        const m = this.m;
        this.#withString(lookJsonText, (p) => this.#check(m._studio_export_png(this.e, p)));
        const size = m._studio_png_size(this.e), ptr = m._studio_png_data(this.e);
        return new Uint8Array(m.HEAPU8.buffer, ptr, size).slice();
    }

    /** Frees the engine's memory; the engine is unusable afterwards. */
    dispose() {
        this.m._studio_free(this.e);
        this.e = 0;
    }
}
