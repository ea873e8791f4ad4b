/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shared/clock.h"

usec_t now_usec(clockid_t id) {
        struct timespec ts;

        /* Cannot fail for the clocks we use. */
        (void) clock_gettime(id, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

void clock_init_real(Clock *c) {
        *c = (Clock) { .replay = false, .speed = 1 };
}

void clock_init_replay(Clock *c, usec_t origin, unsigned speed) {
        *c = (Clock) {
                .replay = true,
                .origin = origin,
                .mono_origin = now_usec(CLOCK_MONOTONIC),
                .speed = speed ?: 1,
        };
}

usec_t clock_now(const Clock *c) {
        if (!c->replay)
                return now_usec(CLOCK_REALTIME);
        return c->origin + (now_usec(CLOCK_MONOTONIC) - c->mono_origin) * c->speed;
}

clockid_t clock_timer_id(const Clock *c) {
        return c->replay ? CLOCK_MONOTONIC : CLOCK_REALTIME;
}

usec_t clock_timer_deadline(const Clock *c, usec_t when) {
        if (!c->replay)
                return when;
        if (when <= c->origin)
                return c->mono_origin;
        /* Round up so the timer never fires before the clock reaches when. */
        return c->mono_origin + (when - c->origin + c->speed - 1) / c->speed;
}
