/*
 * merge_check.h - Item 62's check of the merged output: the book's
 * confirm_merge, which compares each file's lines in the output with the
 * lines the file holds.
 *
 * A piece of its own (not inside the program) so that the tests can hand it
 * merges whose faults they know: a line lost, doubled, out of its file's order.
 */
#ifndef CONCLAB_MERGE_CHECK_H
#define CONCLAB_MERGE_CHECK_H

#include <stdio.h>

struct merge_check {
    long merged;        /* lines read */
    long lost;          /* lines of a file that never came */
    long doubled;       /* lines that came again */
    long out_of_order;  /* lines that came after a later line of their file */
    long foreign;       /* lines no writer wrote ("file 7" of 5, garbage) */
};

/* Writer f wrote "file f line k" for k = 0 .. lines-1, f = 0 .. files-1;
 * each must come once, each file's in its order. Each fault counts once: a
 * gap is lost lines only, a repeat is a doubled line only. */
struct merge_check merge_check_stream(FILE *in, long files, long lines);
/* The same for a file; a file that cannot be opened is fatal (cl_fail). */
struct merge_check merge_check_file(const char *path, long files, long lines);
/* Nothing lost, doubled, out of order or foreign. */
int merge_check_whole(const struct merge_check *c);

#endif
