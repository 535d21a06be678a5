/*
 * loop_setting.h - Item 63's knobs, shared by its program and its bench, with
 * the book's setting as defaults: time.sleep(0.5) in the loop, asyncio's
 * debug threshold of 0.1 s (slow_callback_duration); a heartbeat every 10 ms.
 */
#ifndef CONCLAB_LOOP_SETTING_H
#define CONCLAB_LOOP_SETTING_H

#include <stdbool.h>
#include <stdio.h>

struct loop_setting {
    const char *call;     /* the blocking call: "sleep" or "fsync" */
    long block_ms, beat_ms;
    long slow_ms;         /* debug mode: slow is this long or more */
    bool debug, pinned;
    FILE *report;         /* where the debug mode names slow callbacks: stdout; NULL: counts only */
};

/* Parses argv (rounds NULL: no --rounds; default_part: the first --part);
 * catches the stop signals; returns --part. */
const char *loop_setting_parse(struct loop_setting *s, long *rounds, int argc, char **argv,
                               const char *parts, const char *default_part, const char *name,
                               const char *summary);

/* out.txt, the file the fsync call writes, in a fresh folder under $TMPDIR;
 * and closing it, the folder removed. */
int loop_setting_out_file(char **dir);
void loop_setting_close_out_file(int fd, char *dir);

#endif
