/*
 * 56_game_of_life - Item 56 (first cut: prints the book's grid; the full
 * experiment follows).
 */
#include "56_game_of_life/life.h"
#include "clab.h"

int main(int argc, char **argv)
{
    struct cl_opt opts[] = {{0}};
    struct cl_program prog = {.name = "56_game_of_life",
                              .summary = "the Game of Life on the book's 5 x 9 torus",
                              .opts = opts};
    cl_parse(&prog, argc, argv);
    struct life_grid *gens[5];
    gens[0] = life_book_grid();
    if (gens[0] == NULL)
        cl_fail(__FILE__, __LINE__, "life_book_grid()", errno);
    for (int i = 1; i < 5; i++) {
        gens[i] = life_new(5, 9);
        if (gens[i] == NULL)
            cl_fail(__FILE__, __LINE__, "life_new(5, 9)", errno);
        life_step_serial(gens[i - 1], gens[i], NULL, NULL, NULL);
    }
    life_print_columns(stdout, gens, 5, 80);
    for (int i = 0; i < 5; i++)
        life_free(gens[i]);
    return 0;
}
