/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The daemon's wall clock: the real one, or a replay clock that starts at a
 * given instant and runs speed times faster, so a past day can be replayed
 * live (respited --clock TIME --speed N). Every instant it hands out is UTC
 * microseconds, like CLOCK_REALTIME. */

#include <stdbool.h>
#include <time.h>

#include "shared/util.h"

typedef struct Clock {
        bool replay;
        usec_t origin;          /* replay: the virtual instant at start-up */
        usec_t mono_origin;     /* replay: CLOCK_MONOTONIC at start-up */
        unsigned speed;         /* replay: virtual seconds per real second, ≥ 1 */
} Clock;

/* The real clock. */
void clock_init_real(Clock *c);
/* A replay clock starting now at origin (UTC usec), speed ≥ 1. */
void clock_init_replay(Clock *c, usec_t origin, unsigned speed);

/* The current instant of c, UTC usec. */
usec_t clock_now(const Clock *c);

/* For arming an sd-event timer that fires when c reaches when (UTC usec):
 * the clock id to use and the deadline on that clock (usec). */
clockid_t clock_timer_id(const Clock *c);
usec_t clock_timer_deadline(const Clock *c, usec_t when);

/* Microseconds read from a POSIX clock. */
usec_t now_usec(clockid_t id);
