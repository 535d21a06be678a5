/*
 * pipeline.h - item 52's chain of two children, seq 1 N | wc -l, and the
 * descriptor that must be closed (the book chains children the same way,
 * one's stdout=PIPE becoming the next one's stdin). See pipeline.c.
 */
#ifndef PIPELINE_H
#define PIPELINE_H

enum pipeline_kind { PIPELINE_FINE, PIPELINE_FORGOT_CLOSE, PIPELINE_LEAK_FDS };

/* The --part names of the three, in the enum's order. */
extern const char *const pipeline_parts[3];

/* Runs seq 1 LINES | wc -l the KIND way and tells what happened; timeout_s
 * bounds the stalled kinds, grace_s is given to wc before SIGKILL. Every
 * child reaped and every pipe closed on return, a stop signal included. */
void child_pipeline(enum pipeline_kind kind, long lines, double timeout_s, double grace_s);

#endif
