/*
 * merge_check.h - Item 62's check of the merged output.
 *
 * A piece of its own (not inside mixing.c) so that the tests can hand it
 * files whose faults they know: a line lost, doubled, out of its file's order.
 */
#ifndef CONCLAB_MERGE_CHECK_H
#define CONCLAB_MERGE_CHECK_H

struct merge_check {
    long merged;        /* lines in the file */
    long lost;          /* lines a file should have had and did not */
    long doubled;       /* lines a file had beyond its count */
    long out_of_order;  /* lines that were not the next of their file */
};

/* Reads path back. Writer f wrote "file f line k" for k = 0 .. lines-1, for
 * f = 0 .. files-1: each must come once, each file's in order. A line no
 * writer could have written is "!!!" (exit 1). */
struct merge_check merge_check_file(const char *path, long files, long lines);

#endif
