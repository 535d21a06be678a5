/* merge_check.c - Item 62's check of the merged output (see merge_check.h). */
#include "62_mixing/merge_check.h"

#include "clab.h"

#include <stdlib.h>

/* A line out of turn is out of order; then the counts per file say whether
 * lines were lost or doubled. (A file with one line lost and another doubled
 * has the right count, but its order is broken, so it is still caught.) */
struct merge_check merge_check_file(const char *path, long files, long lines)
{
    struct merge_check c = {0};
    FILE *in = fopen(path, "r");
    if (!in)
        cl_fail(__FILE__, __LINE__, "fopen(merged)", errno);
    long *next = calloc((size_t)files, sizeof *next);
    long *count = calloc((size_t)files, sizeof *count);
    if (!next || !count)
        cl_fail(__FILE__, __LINE__, "calloc", ENOMEM);
    char text[64];
    while (fgets(text, sizeof text, in)) {
        int f;
        long k;
        if (sscanf(text, "file %d line %ld", &f, &k) != 2 || f < 0 || f >= files || k < 0 ||
            k >= lines)
            cl_die("the merged output holds a line no writer wrote: '%s'", text);
        if (k != next[f])
            c.out_of_order++;
        next[f] = k + 1;
        count[f]++;
        c.merged++;
    }
    CL_CHECK_SYS(fclose(in));
    for (long f = 0; f < files; f++) {
        if (count[f] < lines)
            c.lost += lines - count[f];
        else
            c.doubled += count[f] - lines;
    }
    free(next);
    free(count);
    return c;
}
