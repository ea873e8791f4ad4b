/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Erlang C: how many operators a queue needs. Traffic A (Erlangs) = calls ×
 * average handle time / interval length. With N operators (N > A) the
 * probability that a caller waits is P(wait) = N·B / (N − A·(1 − B)), where
 * B is Erlang B computed without factorials (inv = 1; for i in 1..N:
 * inv = 1 + inv·i/A; B = 1/inv). The service level, the share of calls
 * answered within T, is 1 − P(wait)·e^(−(N−A)·T/AHT). Check values (the
 * unit test's): A = 10, T = 20 s, AHT = 180 s: 14 operators give 88.835 %,
 * P(wait) 0.1741319, ASA 7.836 s, occupancy 71.4 %; 13 give 79.56 %, 15
 * 94.15 %. */

#include "shared/util.h"

/* Traffic in Erlangs of calls calls of aht each in an interval. */
double erlang_traffic(double calls, usec_t aht, usec_t interval) _pure_;

/* P(wait) for traffic a and n operators; 1 when n <= a (the queue grows). */
double erlang_c(double a, unsigned n) _pure_;

/* Share of calls answered within answer_within (0..1). */
double erlang_service_level(double a, unsigned n, usec_t aht, usec_t answer_within) _pure_;

/* Average speed of answer in seconds; INFINITY when n <= a. */
double erlang_asa(double a, unsigned n, usec_t aht) _pure_;

/* Occupancy a/n (0..1). */
double erlang_occupancy(double a, unsigned n) _pure_;

/* The fewest operators whose service level reaches target (0..1); 0 when
 * a is 0. Stops at 100000. */
unsigned erlang_agents(double a, usec_t aht, usec_t answer_within, double target) _pure_;
