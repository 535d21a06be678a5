/*
 * 59_thread_pool - Item 59 (in progress): the executor piece is ready
 * (executor.h); the Game of Life on it follows.
 */
#include "59_thread_pool/executor.h"
#include "clab.h"

int main(int argc, char **argv)
{
    struct cl_opt opts[] = {{NULL}};
    struct cl_program prog = {"59_thread_pool", "a thread pool whose submit returns a future (in progress)",
                              NULL, opts, false, false, false, 0};
    cl_parse(&prog, argc, argv);
    struct executor *ex = executor_new(2);
    if (!ex)
        cl_fail(__FILE__, __LINE__, "executor_new", errno);
    executor_shutdown(ex);
    return 0;
}
