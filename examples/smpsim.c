/* smpsim: the command-line tool. A client of the public API only; one file
 * per command (cmd-*.c), shared helpers in cli-common.c. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const main_usage =
    "Usage: smpsim COMMAND [OPTIONS]\n"
    "Simulates scalp micropigmentation: blue-noise dot patterns in millimetres\n"
    "and previews of them over a client's photo.\n"
    "\n"
    "Commands:\n"
    "  render    composite a treatment's dots over a photo and write a preview PNG\n"
    "  dots      the dots of a rectangle, density map, design or preset as CSV or\n"
    "            JSON, with where each dot lands in the photo\n"
    "  metrics   measure a dot list: density, spacing (rho, CV), groups, spectrum\n"
    "  check     validate a design file and print its design-rule warnings\n"
    "  presets   list the design presets (hairlines, Norwood and Ludwig templates)\n"
    "  plan      write a 1:1 treatment plan to print (PDF or SVG)\n"
    "  stats     dots per session and region, area, spacing, coverage, working time\n"
    "  compare   before and after: the photo and the preview side by side or split\n"
    "  sheet     a labelled grid of previews varying two parameters\n"
    "\n"
    "Options:\n"
    "  -h, --help       show this help (smpsim COMMAND --help for a command)\n"
    "  -V, --version    show the version\n"
    "\n"
    "Exit status: 0 success, 1 the work failed (unreadable or invalid input,\n"
    "write error), 2 bad command line.\n";

static int run(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(main_usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("smpsim %s\n", smpsim_version());
        return 0;
    }
    if (strcmp(cmd, "render") == 0)
        return cmd_render(argc - 1, argv + 1);
    if (strcmp(cmd, "dots") == 0)
        return cmd_dots(argc - 1, argv + 1);
    if (strcmp(cmd, "metrics") == 0)
        return cmd_metrics(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "presets") == 0)
        return cmd_presets(argc - 1, argv + 1);
    if (strcmp(cmd, "plan") == 0)
        return cmd_plan(argc - 1, argv + 1);
    if (strcmp(cmd, "stats") == 0)
        return cmd_stats(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "sheet") == 0)
        return cmd_sheet(argc - 1, argv + 1);
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
