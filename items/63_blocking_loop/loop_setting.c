/* loop_setting.c - Item 63's knobs (see loop_setting.h). */
#include "63_blocking_loop/loop_setting.h"

#include "clab.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

const char *loop_setting_parse(struct loop_setting *s, long *rounds, int argc, char **argv,
                               const char *parts, const char *default_part, const char *name,
                               const char *summary)
{
    static const char *part;
    part = default_part;
    *s = (struct loop_setting){.call = "sleep", .block_ms = 500, .beat_ms = 10, .slow_ms = 100,
                               .report = stdout};
    struct cl_opt opts[] = {
        {"part", CL_OPT_CHOICE, &part, "what runs", .choices = parts},
        {"call", CL_OPT_CHOICE, &s->call, "the slow task's blocking call", .choices = "sleep|fsync"},
        {"block-ms", CL_OPT_INT, &s->block_ms, "how long the call blocks (ms)", 1, 5000},
        {"heartbeat-ms", CL_OPT_INT, &s->beat_ms, "the heartbeat's period (ms)", 1, 1000},
        {"debug", CL_OPT_FLAG, &s->debug, "debug mode: time every callback, name the slow ones"},
        {"slow-ms", CL_OPT_INT, &s->slow_ms,
         "debug mode: a callback this long or more is slow (ms; asyncio's "
         "slow_callback_duration)", 1, 60000},
        {"rounds", CL_OPT_INT, rounds, "rounds, the variants interleaved in each", 1, 100},
        {0},
    };
    if (!rounds)
        opts[6] = (struct cl_opt){0};
    struct cl_program prog = {.name = name, .summary = summary, .opts = opts, .common = CL_PIN};
    cl_parse(&prog, argc, argv);
    if (s->beat_ms > s->block_ms)
        cl_usage_error("--heartbeat-ms %ld is longer than --block-ms %ld: no beat need fall due "
                       "during the block", s->beat_ms, s->block_ms);
    s->pinned = prog.pin;
    char *probe = cl_make_temp_dir("conclab63");   /* a TMPDIR that takes no folder: exit 2, */
    CL_CHECK_SYS(cl_remove_tree(probe));           /* before anything is printed */
    free(probe);
    cl_catch_stop_signals();
    return part;
}

/* A stop signal or a failed call may end the process with the folder there:
 * it goes then too. */
static char *live_dir;
static void remove_live_dir(void)
{
    if (live_dir)
        cl_remove_tree(live_dir);
}

int loop_setting_out_file(char **dir)
{
    static bool registered;
    if (!registered && atexit(remove_live_dir) == 0)
        registered = true;
    *dir = live_dir = cl_make_temp_dir("conclab63");
    char path[4200];
    snprintf(path, sizeof path, "%s/out.txt", *dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    CL_CHECK_SYS(fd);
    return fd;
}

void loop_setting_close_out_file(int fd, char *dir)
{
    CL_CHECK_SYS(close(fd));
    CL_CHECK_SYS(cl_remove_tree(dir));
    live_dir = NULL;
    free(dir);
}
