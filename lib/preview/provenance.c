/* A preview saved as PNG with its provenance (the design, the seed and the
 * look in text chunks) and read back. */
#include "preview/preview-private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* The provenance texts of an image made from a design: Software,
 * smpsim:design, smpsim:seed and up to MAX_EXTRA more. */
#define MAX_EXTRA 4
typedef struct provenance {
    char software[64], seed[32];
    char *json;
    smpsim_text texts[3 + MAX_EXTRA];
    size_t n;
} provenance;

static smpsim_status provenance_make(provenance *p, const smpsim_image *image,
                                     const smpsim_design *design, const smpsim_text *extra,
                                     size_t n_extra, smpsim_error *err)
{
    memset(p, 0, sizeof *p);
    if (!image || !design)
        return smpsim__fail(err, SMPSIM_EINVAL, "provenance: %s is NULL",
                            !image ? "the image" : "the design");
    if (n_extra > MAX_EXTRA || (n_extra && !extra))
        return smpsim__fail(err, SMPSIM_EINVAL, "provenance: %zu extra text chunks (at most %d)",
                            n_extra, MAX_EXTRA);
    smpsim_status st = smpsim_design_to_json(design, &p->json, err);
    if (st != SMPSIM_OK)
        return st;
    snprintf(p->seed, sizeof p->seed, "%" PRIu64, smpsim_design_get_seed(design));
    snprintf(p->software, sizeof p->software, "smpsim %s", smpsim_version());
    p->texts[0] = (smpsim_text){"Software", p->software};
    p->texts[1] = (smpsim_text){"smpsim:design", p->json};
    p->texts[2] = (smpsim_text){"smpsim:seed", p->seed};
    p->n = 3;
    for (size_t i = 0; i < n_extra; i++)
        p->texts[p->n++] = extra[i];
    return SMPSIM_OK;
}

/* Writes image to path (or to write/closure when path is NULL) with the
 * provenance of design and the extra chunks. */
static smpsim_status save(const smpsim_image *image, const smpsim_design *design,
                          const smpsim_text *extra, size_t n_extra, const char *path,
                          smpsim_write_func write, void *closure, smpsim_error *err)
{
    provenance p;
    smpsim_status st = provenance_make(&p, image, design, extra, n_extra, err);
    if (st == SMPSIM_OK) {
        smpsim_save_options so;
        smpsim_save_options_init(&so);
        so.texts = p.texts;
        so.n_texts = p.n;
        st = path ? smpsim_image_save_png(image, path, &so, err)
                  : smpsim_image_write_png_stream(image, write, closure, &so, err);
    }
    free(p.json);
    return st;
}

smpsim_status smpsim_image_save_png_with_design(const smpsim_image *image,
                                                const smpsim_design *design,
                                                const smpsim_text *extra, size_t n_extra,
                                                const char *path, smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "save: the path is NULL");
    return save(image, design, extra, n_extra, path, NULL, NULL, err);
}

/* A preview: the design's provenance and the look (NULL: the defaults). */
static smpsim_status save_preview(const smpsim_image *preview, const smpsim_design *design,
                                  const smpsim_look *look, const char *path,
                                  smpsim_write_func write, void *closure, smpsim_error *err)
{
    smpsim_look defaults;
    smpsim_look_init(&defaults);
    char *look_json = NULL;
    smpsim_status st = smpsim_look_to_json(look ? look : &defaults, &look_json, err);
    if (st == SMPSIM_OK) {
        smpsim_text render = {"smpsim:render", look_json};
        st = save(preview, design, &render, 1, path, write, closure, err);
    }
    free(look_json);
    return st;
}

smpsim_status smpsim_preview_save_png(const smpsim_image *preview, const smpsim_design *design,
                                      const smpsim_look *look, const char *path,
                                      smpsim_error *err)
{
    if (!path)
        return smpsim__fail(err, SMPSIM_EINVAL, "preview: the path is NULL");
    return save_preview(preview, design, look, path, NULL, NULL, err);
}

smpsim_status smpsim_preview_write_png(const smpsim_image *preview, const smpsim_design *design,
                                       const smpsim_look *look, smpsim_write_func write,
                                       void *closure, smpsim_error *err)
{
    if (!write)
        return smpsim__fail(err, SMPSIM_EINVAL, "preview: the write function is NULL");
    return save_preview(preview, design, look, NULL, write, closure, err);
}

smpsim_status smpsim_preview_read(const char *path, smpsim_design **design, smpsim_look *look,
                                  smpsim_error *err)
{
    if (design)
        *design = NULL;
    if (!path || !design)
        return smpsim__fail(err, SMPSIM_EINVAL, "preview: %s is NULL",
                            !path ? "the path" : "the design out-pointer");
    smpsim_text *texts = NULL;
    size_t n = 0;
    smpsim_status st = smpsim_png_read_texts(path, &texts, &n, err);
    const char *json = NULL, *look_json = NULL;
    for (size_t i = 0; st == SMPSIM_OK && i < n; i++) {
        if (strcmp(texts[i].key, "smpsim:design") == 0)
            json = texts[i].text;
        else if (strcmp(texts[i].key, "smpsim:render") == 0)
            look_json = texts[i].text;
    }
    if (st == SMPSIM_OK && !json)
        st = smpsim__fail(err, SMPSIM_EFORMAT, "%s: no smpsim:design text chunk", path);
    /* Previews of smpsim 0.1 before looks were stored carry none. */
    smpsim_error inner = {0};
    if (st == SMPSIM_OK && look && look_json &&
        smpsim_look_from_json(look_json, look, &inner) != SMPSIM_OK)
        st = smpsim__fail(err, inner.status, "%s: %s", path, inner.message);
    /* The photo path in the chunk is the one the rendering program used
     * (relative to its working directory). */
    if (st == SMPSIM_OK && smpsim_design_load_string(json, NULL, NULL, design, &inner) != SMPSIM_OK)
        st = smpsim__fail(err, inner.status, "%s: smpsim:design: %s", path, inner.message);
    smpsim_texts_free(texts);
    return st;
}
