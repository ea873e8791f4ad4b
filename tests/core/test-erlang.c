/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/erlang.h"

/* 100 calls per 30 min, AHT 180 s, 80 % in 20 s: traffic of 10 Erlangs. */
#define AHT      (180 * USEC_PER_SEC)
#define WITHIN   (20 * USEC_PER_SEC)
#define INTERVAL (30 * 60 * USEC_PER_SEC)

static void test_check_values(void **state) {
        double a = erlang_traffic(100, AHT, INTERVAL);

        assert_float_equal(a, 10.0, 1e-12);
        assert_int_equal(erlang_agents(a, AHT, WITHIN, 0.80), 14);
        assert_float_equal(erlang_service_level(a, 14, AHT, WITHIN), 0.88835, 0.000005);
        assert_float_equal(erlang_c(a, 14), 0.1741319, 0.00000005);
        assert_float_equal(erlang_asa(a, 14, AHT), 7.836, 0.0005);
        assert_float_equal(erlang_occupancy(a, 14), 0.714, 0.0005);
        assert_float_equal(erlang_service_level(a, 13, AHT, WITHIN), 0.7956, 0.00005);
        assert_float_equal(erlang_service_level(a, 15, AHT, WITHIN), 0.9415, 0.00005);
}

static void test_edges(void **state) {
        assert_int_equal(erlang_agents(0, AHT, WITHIN, 0.8), 0);
        assert_float_equal(erlang_c(10, 10), 1, 0);
        assert_float_equal(erlang_service_level(10, 9, AHT, WITHIN), 0, 0);
        assert_true(isinf(erlang_asa(10, 10, AHT)));
        /* One call in half an hour still needs someone. */
        assert_int_equal(erlang_agents(erlang_traffic(1, AHT, INTERVAL), AHT, WITHIN, 0.8), 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_check_values),
                cmocka_unit_test(test_edges),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
