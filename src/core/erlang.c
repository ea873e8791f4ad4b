/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>

#include "core/erlang.h"

#define ERLANG_AGENTS_MAX 100000u

double erlang_traffic(double calls, usec_t aht, usec_t interval) {
        if (interval == 0)
                return 0;
        return calls * (double) aht / (double) interval;
}

double erlang_c(double a, unsigned n) {
        double inv = 1, b;

        if (a <= 0)
                return 0;
        if (n <= a)
                return 1;
        for (unsigned i = 1; i <= n; i++)
                inv = 1 + inv * i / a;
        b = 1 / inv;
        return n * b / (n - a * (1 - b));
}

double erlang_service_level(double a, unsigned n, usec_t aht, usec_t answer_within) {
        if (a <= 0)
                return 1;
        if (n <= a || aht == 0)
                return 0;
        return 1 - erlang_c(a, n) * exp(-(n - a) * (double) answer_within / (double) aht);
}

double erlang_asa(double a, unsigned n, usec_t aht) {
        if (a <= 0)
                return 0;
        if (n <= a)
                return INFINITY;
        return erlang_c(a, n) * (double) aht / USEC_PER_SEC / (n - a);
}

double erlang_occupancy(double a, unsigned n) {
        return n == 0 ? 0 : MIN(a / n, 1.0);
}

unsigned erlang_agents(double a, usec_t aht, usec_t answer_within, double target) {
        if (a <= 0)
                return 0;
        for (unsigned n = (unsigned) floor(a) + 1; n < ERLANG_AGENTS_MAX; n++)
                if (erlang_service_level(a, n, aht, answer_within) >= target)
                        return n;
        return ERLANG_AGENTS_MAX;
}
