/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shared/hash.h"

#define FNV1A64_PRIME  UINT64_C(0x100000001b3)
#define FNV1A128_PRIME (((uint128_t) UINT64_C(0x0000000001000000) << 64) | UINT64_C(0x000000000000013b))

uint64_t fnv1a64(const void *p, size_t n, uint64_t h) {
        const unsigned char *c = p;

        for (size_t i = 0; i < n; i++)
                h = (h ^ c[i]) * FNV1A64_PRIME;
        return h;
}

uint128_t fnv1a128(const void *p, size_t n, uint128_t h) {
        const unsigned char *c = p;

        for (size_t i = 0; i < n; i++)
                h = (h ^ c[i]) * FNV1A128_PRIME;
        return h;
}
