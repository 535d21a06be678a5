/* machine - print what machine and libraries a run used, as "key: value"
 * lines. The harness keeps its output beside every set of results. */
#include "clab.h"

#include <event2/event.h>

int main(int argc, char **argv)
{
    struct cl_program prog = {
        .name = "machine",
        .summary = "describe this machine for a results folder",
    };
    cl_parse(&prog, argc, argv);
    cl_machine_describe(stdout);
    printf("libevent: %s\n", event_get_version());
    return 0;
}
