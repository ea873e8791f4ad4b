/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/alert.h"

Alert *alert_free(Alert *a) {
        if (!a)
                return NULL;
        free(a->id);
        free(a->incident_id);
        free(a->operator);
        free(a->team);
        free(a->category);
        free(a->acknowledged_by);
        free(a->note);
        return mfree(a);
}
