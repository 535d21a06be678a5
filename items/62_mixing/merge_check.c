/* merge_check.c - Item 62's check of the merged output (see merge_check.h). */
#include "62_mixing/merge_check.h"

#include "clab.h"

#include <stdlib.h>

struct merge_check merge_check_stream(FILE *in, long files, long lines)
{
    struct merge_check c = {0};
    unsigned char *seen = cl_calloc((size_t)(files * lines), 1); /* 0, 1, or 2: again */
    long *after = cl_calloc((size_t)files, sizeof *after);       /* highest k seen + 1 */
    char text[128];
    while (fgets(text, sizeof text, in)) {
        c.merged++;
        int f;
        long k;
        char end;
        if (sscanf(text, "file %d line %ld%c", &f, &k, &end) != 3 || end != '\n' || f < 0 ||
            f >= files || k < 0 || k >= lines) {
            c.foreign++;   /* also a torn line, or one cut by fgets */
            continue;
        }
        unsigned char *times = &seen[f * lines + k];
        if (*times > 0)
            c.doubled++;
        else if (k + 1 < after[f])
            c.out_of_order++;   /* a later line of this file came first */
        if (*times < 2)
            (*times)++;
        if (k + 1 > after[f])
            after[f] = k + 1;
    }
    if (ferror(in))
        cl_fail(__FILE__, __LINE__, "fgets(merged output)", errno ? errno : EIO);
    for (long i = 0; i < files * lines; i++)
        if (seen[i] == 0)
            c.lost++;
    free(seen);
    free(after);
    return c;
}

struct merge_check merge_check_file(const char *path, long files, long lines)
{
    FILE *in = fopen(path, "r");
    if (!in)
        cl_fail(__FILE__, __LINE__, "fopen(merged output)", errno);
    struct merge_check c = merge_check_stream(in, files, lines);
    CL_CHECK_SYS(fclose(in));
    return c;
}

int merge_check_whole(const struct merge_check *c)
{
    return c->lost == 0 && c->doubled == 0 && c->out_of_order == 0 && c->foreign == 0;
}
