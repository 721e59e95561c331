/* smpsim: the command-line tool. A client of the public API only; one file
 * per command (cmd-*.c), each with its flags as tables (cli-opts.c parses
 * them and writes the help), shared helpers in cli-common.c. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The commands in the order `smpsim --help` lists them. */
const cli_command *const cli_commands[] = {
    &render_command, &dots_command,  &metrics_command, &check_command,  &presets_command,
    &plan_command,   &stats_command, &compare_command, &sheet_command,
};
const size_t cli_n_commands = sizeof cli_commands / sizeof *cli_commands;

static void main_usage(FILE *f)
{
    fputs("Usage: smpsim COMMAND [OPTIONS]\n"
          "Simulates scalp micropigmentation: blue-noise dot patterns in millimetres\n"
          "and previews of them over a client's photo.\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t c = 0; c < cli_n_commands; c++)
        fprintf(f, "  %-9s %s\n", cli_commands[c]->name, cli_commands[c]->summary);
    fputs("\n"
          "Options:\n"
          "  -h, --help       show this help (smpsim COMMAND --help for a command)\n"
          "  -V, --version    show the version\n"
          "\n"
          "Exit status: 0 success, 1 the work failed (unreadable or invalid input,\n"
          "write error), 2 bad command line.\n",
          f);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        main_usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        main_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("smpsim %s\n", smpsim_version());
        return 0;
    }
    for (size_t c = 0; c < cli_n_commands; c++) {
        const cli_command *command = cli_commands[c];
        if (strcmp(cmd, command->name) != 0)
            continue;
        if (cli_asks_help(command, argc - 1, argv + 1)) {
            cli_help(command, stdout);
            return 0;
        }
        return command->run(argc - 1, argv + 1);
    }
    return usage_error(NULL, "unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    int rc = run(argc, argv);
    /* What every command printed (help, reports, summary lines) must have
     * reached standard output: a full disk or a closed pipe is a failure. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        complain("writing standard output: %s", errno ? strerror(errno) : "write error");
        if (rc == 0)
            rc = EXIT_FAILURE;
    }
    return rc;
}
