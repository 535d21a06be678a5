/* machine - print what machine and libraries a run used, as "key: value"
 * lines (or, with --csv, as key,value rows). The harness keeps its output
 * beside every set of results. */
#include "clab.h"

#include <event2/event.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

static void describe(FILE *out)
{
    cl_machine_describe(out);
    fprintf(out, "libevent: %s\n", event_get_version());
    /* GLib: the side-by-side queue and pool of items 55 and 59. */
    fprintf(out, "glib: %u.%u.%u\n", glib_major_version, glib_minor_version, glib_micro_version);
}

/* "key: value" becomes "key,value"; a value with a comma is quoted. */
static void print_csv(const char *text)
{
    cl_csv_header("key,value");
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        const char *colon = memchr(line, ':', len);
        if (colon) {
            int key_len = (int)(colon - line);
            const char *value = colon + 2 <= line + len ? colon + 2 : line + len;
            int value_len = (int)(line + len - value);
            bool quote = memchr(value, ',', (size_t)value_len) != NULL;
            cl_csv_row("%.*s,%s%.*s%s", key_len, line, quote ? "\"" : "", value_len, value,
                       quote ? "\"" : "");
        }
        line += len + (line[len] == '\n');
    }
}

int main(int argc, char **argv)
{
    struct cl_program prog = {
        .common = CL_CSV,
        .name = "machine",
        .summary = "describe this machine for a results folder",
    };
    cl_parse(&prog, argc, argv);
    if (!prog.csv) {
        describe(stdout);
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL)
        cl_fail(__FILE__, __LINE__, "open_memstream", errno);
    describe(mem);
    if (fclose(mem) != 0)
        cl_fail(__FILE__, __LINE__, "fclose", errno);
    print_csv(text);
    free(text);
    return 0;
}
