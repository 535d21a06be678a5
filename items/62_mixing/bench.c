/*
 * bench.c - Item 62 measured: the very steps 62_mixing shows, in
 * interleaved rounds, one CSV row per step (or bridge) per round.
 *
 *   --part steps   every step of the move, and the negative control `inline`:
 *                  the old blocking tail called straight from a coroutine,
 *                  without run_in_executor (the loop tails one file to its end,
 *                  then the next). Each run is checked whole ("!!!" if not).
 *   --part errors  the write of one line fails on the loop: the error comes
 *                  back through run_coroutine_threadsafe, not through
 *                  call_soon_threadsafe (columns errors_*; the lines that
 *                  never reached the output are counted, not "!!!").
 * Defaults are the book's setting; the harness also runs a flood
 * (--lines 2000 --interval-ms 0 --poll-ms 1 --tail-ms 0) for the hand-offs.
 */
#define main story_main
#include "62_mixing/mixing.c"
#undef main

/* The negative control: no executor. The coroutine calls the blocking tail
 * itself, so the loop runs one file's tail to its end before the next. */
static int write_on_loop(struct tail_run *r, const struct line *l)
{
    logs_write(r->w, l);
    return 0;
}

static void tail_every_file_inline(void *arg)
{
    struct tail_run *r = arg;
    for (int f = 0; f < r->s->logs.files; f++)
        tail_file(r, f, write_on_loop);
    loop_stop(r->loop);
}

static void step_inline(struct tail_run *r)
{
    struct loop_timer *t = loop_timer_new(r->loop, "tail_file", tail_every_file_inline, r);
    loop_call_later(t, 0);
    loop_run(r->loop);
    loop_timer_free(t);
}

#define STEPS_COLUMNS                                                                        \
    "step,round,pinned,files,lines_per_file,interval_ms,poll_ms,tail_ms,workers,lines_merged," \
    "wall_s,last_s,lines_per_s,age_p50_ms,age_p99_ms,handoff_p50_us,handoff_p99_us,stall_ms"
#define ERRORS_COLUMNS                                                                    \
    "bridge,round,files,lines_per_file,fail_file,fail_line,errors_on_loop,errors_in_thread," \
    "errors_at_gather,lines_merged,lost"

static void bench_steps(struct tail_setting *s, long round)
{
    static const struct step inline_step = {"inline", step_inline, true};
    s->fail_file = -1;
    for (int i = 0; i <= STEPS; i++) {
        const struct step *st = i < STEPS ? &steps[i] : &inline_step;
        struct outcome o = run_step(s, st);
        check_whole(st->name, &o.res);
        const struct logs_result *r = &o.res;
        cl_csv_row("%s,%ld,%d,%ld,%ld,%ld,%.0f,%ld,%ld,%ld,%.4f,%.4f,%.1f,%.3f,%.3f,%.2f,%.2f,%.3f",
                   st->name, round, s->pinned, s->logs.files, s->logs.lines,
                   s->logs.interval_ms, s->poll_s * 1e3, s->logs.tail_ms, s->workers, r->merged,
                   r->wall_s, r->last_s, r->last_s > 0 ? r->merged / r->last_s : 0, r->age_p50_ms,
                   r->age_p99_ms, r->handoff_p50_us, r->handoff_p99_us, r->stall_ms);
    }
}

static void bench_errors(struct tail_setting *s, long round)
{
    for (int soon = 0; soon <= 1; soon++) {
        s->call_soon = soon;
        struct outcome o = run_step(s, &steps[1]);
        if (o.res.doubled || o.res.out_of_order || o.res.foreign)
            check_whole("errors", &o.res);
        cl_csv_row("%s,%ld,%ld,%ld,%ld,%ld,%d,%d,%d,%ld,%ld",
                   soon ? "call_soon_threadsafe" : "run_coroutine_threadsafe", round,
                   s->logs.files, s->logs.lines, s->fail_file, s->fail_line, o.errors_on_loop,
                   o.errors_in_thread, o.errors_at_gather, o.res.merged, o.res.lost);
    }
}

int main(int argc, char **argv)
{
    struct tail_setting s;
    long rounds = 5;
    const char *part = tail_parse(&s, &rounds, argc, argv, "steps|errors", "62_mixing-bench",
                                  "Item 62 measured: every step of the move, and the errors");
    bool steps_part = strcmp(part, "errors") != 0;
    cl_check_run_length(rounds * (steps_part ? STEPS + 1 : 2) * tail_run_seconds(&s),
                        "this bench");
    cl_csv_header(steps_part ? STEPS_COLUMNS : ERRORS_COLUMNS);
    for (long round = 1; round <= rounds; round++) {
        s.logs.seed = round;
        (steps_part ? bench_steps : bench_errors)(&s, round);
    }
    return 0;
}
