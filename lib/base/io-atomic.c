/* Atomic file output: write a temporary file beside the target, then rename
 * it over the target, so that readers see the old file or the whole new one
 * and a failure leaves nothing behind.
 *
 * A target that exists and is not a regular file (a device such as
 * /dev/stdout or /dev/full, a FIFO) cannot be replaced by renaming; it is
 * opened and written directly, and errors are still reported. */
#include "base/base-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_SUFFIX ".XXXXXX"

static void atomic_reset(smpsim__atomic_file *af)
{
    free(af->final_path);
    free(af->tmp_path);
    *af = (smpsim__atomic_file){NULL, NULL, -1, NULL};
}

static smpsim_status io_fail(smpsim__atomic_file *af, int errnum, smpsim_error *err)
{
    smpsim_status status = smpsim__fail(err, SMPSIM_EIO, "%s: %s",
                                        af->final_path ? af->final_path : "(no path)",
                                        strerror(errnum));
    smpsim__atomic_abort(af);
    return status;
}

static char *string_copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

/* "dir/name" -> "dir/.name.XXXXXX"; NULL when out of memory. */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + 1 + strlen(TEMP_SUFFIX) + 1;
    char *tmpl = malloc(n);
    if (tmpl)
        snprintf(tmpl, n, "%.*s.%s%s", (int)dir_len, path, path + dir_len, TEMP_SUFFIX);
    return tmpl;
}

/* Reads the process umask without changing it for other threads where the
 * system tells it (Linux 4.7+); otherwise sets and restores it. */
static mode_t current_umask(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    unsigned int mask;
    while (fp && fgets(line, sizeof line, fp)) {
        if (sscanf(line, "Umask: %o", &mask) == 1) {
            fclose(fp);
            return (mode_t)mask;
        }
    }
    if (fp)
        fclose(fp);
    mode_t old = umask(022);
    umask(old);
    return old;
}

/* Permissions for the new file: those of the file it replaces, or what
 * open(2) would give a new file (0666 less the umask). */
static mode_t new_file_mode(const struct stat *existing)
{
    if (existing)
        return existing->st_mode & 0777;
    return 0666 & ~current_umask();
}

static smpsim_status open_direct(smpsim__atomic_file *af, smpsim_error *err)
{
    af->stream = fopen(af->final_path, "wb");
    if (!af->stream)
        return io_fail(af, errno, err);
    af->fd = fileno(af->stream);
    return SMPSIM_OK;
}

static smpsim_status open_temp(smpsim__atomic_file *af, const struct stat *existing,
                               smpsim_error *err)
{
    af->tmp_path = temp_template(af->final_path);
    if (!af->tmp_path)
        return io_fail(af, ENOMEM, err);
    af->fd = mkstemp(af->tmp_path);
    if (af->fd < 0) {
        free(af->tmp_path); /* nothing was created: nothing to unlink */
        af->tmp_path = NULL;
        return io_fail(af, errno, err);
    }
    if (fchmod(af->fd, new_file_mode(existing)) != 0)
        return io_fail(af, errno, err);
    af->stream = fdopen(af->fd, "wb");
    if (!af->stream)
        return io_fail(af, errno, err);
    return SMPSIM_OK;
}

smpsim_status smpsim__atomic_open(smpsim__atomic_file *af, const char *path, smpsim_error *err)
{
    *af = (smpsim__atomic_file){NULL, NULL, -1, NULL};
    if (!path || !*path)
        return smpsim__fail(err, SMPSIM_EINVAL, "no file name given");
    size_t len = strlen(path);
    if (path[len - 1] == '/')
        return smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(EISDIR));
    af->final_path = string_copy(path);
    if (!af->final_path)
        return smpsim__fail(err, SMPSIM_ENOMEM, "%s: out of memory", path);
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return io_fail(af, EISDIR, err);
    if (exists && !S_ISREG(st.st_mode))
        return open_direct(af, err);
    return open_temp(af, exists ? &st : NULL, err);
}

typedef struct file_sink {
    FILE *fp;
    int errnum; /* errno of the first failed write */
} file_sink;

static int write_to_file(void *closure, const void *data, size_t size)
{
    file_sink *sink = closure;
    if (fwrite(data, 1, size, sink->fp) == size)
        return 0;
    if (sink->errnum == 0)
        sink->errnum = errno ? errno : EIO;
    return -1;
}

smpsim_status smpsim__atomic_save(const char *path, smpsim__producer produce, const void *ctx,
                                  smpsim_error *err)
{
    smpsim__atomic_file af;
    smpsim_status st = smpsim__atomic_open(&af, path, err);
    if (st != SMPSIM_OK)
        return st;
    smpsim_error local = {0};
    file_sink sink = {af.stream, 0};
    st = produce(ctx, write_to_file, &sink, &local);
    if (st != SMPSIM_OK) {
        smpsim__atomic_abort(&af);
        if (sink.errnum != 0)
            return smpsim__fail(err, SMPSIM_EIO, "%s: %s", path, strerror(sink.errnum));
        return smpsim__fail(err, st, "%s: %s", path, local.message);
    }
    return smpsim__atomic_commit(&af, err);
}

/* On failure the temporary file is removed as by smpsim__atomic_abort(). */
smpsim_status smpsim__atomic_commit(smpsim__atomic_file *af, smpsim_error *err)
{
    FILE *fp = af->stream;
    if (!fp)
        return io_fail(af, EBADF, err);
    int errnum = 0;
    if (fflush(fp) != 0)
        errnum = errno;
    else if (ferror(fp))
        errnum = EIO;
    else if (af->tmp_path && fsync(af->fd) != 0)
        errnum = errno;
    af->stream = NULL;
    af->fd = -1;
    if (fclose(fp) != 0 && errnum == 0)
        errnum = errno;
    if (errnum == 0 && af->tmp_path && rename(af->tmp_path, af->final_path) != 0)
        errnum = errno;
    if (errnum != 0)
        return io_fail(af, errnum, err);
    atomic_reset(af);
    return SMPSIM_OK;
}

/* Closes and removes the temporary file; safe to call twice. */
void smpsim__atomic_abort(smpsim__atomic_file *af)
{
    if (!af)
        return;
    if (af->stream)
        fclose(af->stream);
    else if (af->fd >= 0)
        close(af->fd);
    if (af->tmp_path)
        unlink(af->tmp_path);
    atomic_reset(af);
}
