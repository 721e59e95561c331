/* A main() for the fuzz targets when they are built without libFuzzer:
 * each argument is an input file or a directory of them, run through
 * LLVMFuzzerTestOneInput() in name order. meson test uses it to replay the
 * committed corpora (seeds and regression inputs) on every build, with
 * sanitizers or under valgrind when the build asks for them. */
#include "fuzz-common.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Corpus files are small; anything larger is a mistake in the corpus. */
#define MAX_INPUT_BYTES ((size_t)16 << 20)

static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t *data = malloc(MAX_INPUT_BYTES);
    size_t size = data ? fread(data, 1, MAX_INPUT_BYTES, fp) : 0;
    int bad = !data || ferror(fp) || !feof(fp);
    fclose(fp);
    if (bad) {
        fprintf(stderr, "%s: cannot read (or larger than %zu bytes)\n", path, MAX_INPUT_BYTES);
        free(data);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 1;
}

static int is_input_name(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Returns the number of inputs replayed, or -1 on an error. */
static int replay_directory(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, is_input_name, alphasort);
    if (n < 0) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return -1;
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (count >= 0) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            count = replay_file(path) > 0 ? count + 1 : -1;
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
        return 2;
    }
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int n = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? replay_directory(argv[i])
                                                               : replay_file(argv[i]);
        if (n < 0)
            return 1;
        total += n;
    }
    if (total == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    printf("replayed %d inputs without a failure\n", total);
    return 0;
}
