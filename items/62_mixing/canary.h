/*
 * canary.h - a thread that sleeps a few milliseconds at a time and notes how
 * late it wakes: what the machine (other programs, the host) does to this
 * process while a run goes on. Not part of any lesson: it is the control of
 * the timing claims of Items 62 and 63. A line or a beat that came late while
 * the canary woke just as late tells of a busy machine, not of the program.
 */
#ifndef CONCLAB_CANARY_H
#define CONCLAB_CANARY_H

struct canary;

struct canary *canary_start(double period_s);
/* Stops and joins it; its worst lateness, in milliseconds. */
double canary_stop(struct canary *c);

#endif
