/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* FNV-1a (draft-eastlake-fnv, "The FNV Non-Cryptographic Hash
 * Algorithm"): fast, well spread, and not a defence against anyone who
 * chooses the input. respite uses it to tell contents apart (ETags, spool
 * files) and, salted with a random offset basis, to index secrets. */

#include "shared/util.h"

typedef unsigned __int128 uint128_t;

#define FNV1A64_OFFSET  UINT64_C(0xcbf29ce484222325)
#define FNV1A128_OFFSET (((uint128_t) UINT64_C(0x6c62272e07bb0142) << 64) | UINT64_C(0x62b821756295c58d))

/* Continue the hash h over n octets of p; start with the OFFSET basis. */
uint64_t fnv1a64(const void *p, size_t n, uint64_t h) _pure_;
uint128_t fnv1a128(const void *p, size_t n, uint128_t h) _pure_;
