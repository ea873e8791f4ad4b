/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Breaks back to back are one stretch off the phones: what the operator is
 * told ("back on the phones at 10:36") is the end of the whole stretch, and
 * the stretch has one notification, whichever of its breaks it began with. */
#include "notify/notify-internal.h"
#include "shared/log.h"

/* How far around a break the operator's schedule is read for its stretch. */
#define STRETCH_LOOK (12 * USEC_PER_HOUR)

/* One break of the schedule, as far as stretches need it. */
typedef struct StretchBreak {
        char *uid;
        usec_t start, end;
        bool recovery;
} StretchBreak;

typedef struct StretchScan {
        StretchBreak *breaks;
        size_t n;
} StretchScan;

static void notify_stretch_scan_done(StretchScan *scan) {
        for (size_t i = 0; i < scan->n; i++)
                free(scan->breaks[i].uid);
        free(scan->breaks);
}

static int notify_stretch_collect(Agent *a, const BreakInfo *b, void *userdata) {
        StretchScan *scan = userdata;
        char *uid;

        if (array_grow((void **) &scan->breaks, scan->n, sizeof(StretchBreak)) < 0)
                return -ENOMEM;
        uid = strdup(b->uid);
        if (!uid)
                return -ENOMEM;
        scan->breaks[scan->n++] = (StretchBreak) { .uid = uid, .start = b->start, .end = b->end,
                                                   .recovery = notify_is_recovery(b->kind, b->reason) };
        return 0;
}

void notify_stretch_done(Stretch *st) {
        st->uids = strv_free(st->uids);
        st->n = 0;
}

int notify_stretch_of(Agent *a, const BreakInfo *b, Stretch *ret) {
        _cleanup_(notify_stretch_scan_done) StretchScan scan = {};
        Stretch st = { .start = b->start, .end = b->end, .recovery = notify_is_recovery(b->kind, b->reason) };
        bool grown = true;
        int r;

        /* Without the schedule (respited gone): the break alone. */
        r = notify_for_each_break(a, b->start > STRETCH_LOOK ? b->start - STRETCH_LOOK : 0, b->end + STRETCH_LOOK,
                                  notify_stretch_collect, &scan);
        if (r == -ENOMEM)
                return r;
        /* Grow [start, end) by every break that begins when it ends (within
         * STRETCH_GAP) or ends when it begins, until none does. */
        while (grown) {
                grown = false;
                for (size_t i = 0; i < scan.n; i++) {
                        const StretchBreak *x = &scan.breaks[i];

                        if (x->start <= st.end + STRETCH_GAP && x->end > st.end && x->end + STRETCH_GAP >= st.start) {
                                st.end = x->end;
                                grown = true;
                        }
                        if (x->end + STRETCH_GAP >= st.start && x->start < st.start && x->start <= st.end + STRETCH_GAP) {
                                st.start = x->start;
                                grown = true;
                        }
                }
        }
        /* Its breaks in order of time (GetSchedule answers them so), b in any case. */
        for (size_t i = 0; i < scan.n; i++) {
                const StretchBreak *x = &scan.breaks[i];

                if (x->end + STRETCH_GAP < st.start || x->start > st.end + STRETCH_GAP)
                        continue;
                if (strv_extend_unique(&st.uids, x->uid) < 0)
                        r = -ENOMEM;
                st.recovery = st.recovery || x->recovery;
        }
        if (r == -ENOMEM || strv_extend_unique(&st.uids, b->uid) < 0) {
                notify_stretch_done(&st);
                return -ENOMEM;
        }
        st.n = strv_length(st.uids);
        *ret = st;
        return 0;
}

const char *notify_stretch_key(Agent *a, const Stretch *st, const char *uid) {
        for (size_t i = 0; i < st->n; i++) {
                Shown *s = notify_shown_find(a, st->uids[i]);

                if (s && s->style == NOTIFY_STYLE_BREAK && (s->id > 0 || s->slot || s->pending))
                        return s->uid;
        }
        return uid;
}
