/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the planner benchmarks share: a fixed LCG (the same instances on
 * any machine), a monotonic clock in milliseconds and the median of runs. */

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* The next number of the LCG of state *s, 24 bits. */
static inline uint32_t bench_lcg(uint32_t *s) {
        *s = *s * 1664525u + 1013904223u;
        return *s >> 8;
}

/* CLOCK_MONOTONIC, in milliseconds. */
static inline double bench_now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int bench_double_cmp(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorts v). */
static inline double bench_median(double *v, size_t n) {
        qsort(v, n, sizeof(double), bench_double_cmp);
        return v[n / 2];
}
