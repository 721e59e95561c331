/* Shared helpers of the smpsim command-line tool (examples/). */
#ifndef SMPSIM_CLI_H
#define SMPSIM_CLI_H

#include <smpsim/smpsim.h>

#include <stddef.h>
#include <stdint.h>

#define EXIT_USAGE 2 /* bad command line; 1 = the work failed (bad input, I/O) */

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Prints "smpsim: MESSAGE" on stderr. */
void complain(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Prints the message and a pointer to COMMAND --help; returns EXIT_USAGE. */
int usage_error(const char *command, const char *fmt, ...) CLI_PRINTF(2, 3);
/* Prints the library's message; returns EXIT_FAILURE. */
int library_error(const smpsim_error *err, smpsim_status st);

/* Strict number parsing: the whole text, finite, within [lo, hi]; 0 on success. */
int parse_double(const char *text, double lo, double hi, double *out);
int parse_u64(const char *text, uint64_t *out);
/* "a,b[,c...]" into exactly n finite numbers; 0 on success. */
int parse_tuple(const char *text, double *v, int n);
/* True when two paths name the same file (or are the same text). */
int same_file(const char *a, const char *b);

/* A "--name NUMBER" flag stored as a double at offset in an args struct. */
typedef struct numeric_flag {
    const char *name;
    double lo, hi;
    size_t offset;
} numeric_flag;

/* Takes flag from the table: 1 taken (value consumed), 0 not in the table,
 * -1 error (already reported). */
int take_number(const char *command, const numeric_flag *table, size_t n, void *args,
                const char *flag, const char *value);

/* smpsim_write_func for standard output. */
int write_stdout(void *closure, const void *data, size_t size);

/* The commands. */
int cmd_render(int argc, char **argv);
int cmd_dots(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_presets(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* A design from a file or, if preset is non-NULL, from the preset library. */
smpsim_status load_design_arg(const char *path, const char *preset, smpsim_design **out,
                              smpsim_error *err);

#endif
