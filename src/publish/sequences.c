/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <search.h>

#include "publish/sequences.h"

typedef struct SequenceEntry {
        char *uid;
        usec_t start, end;
        unsigned sequence;
        usec_t last_modified;
        bool changed;           /* listed in Sequences.changed */
} SequenceEntry;

/* A balanced tree (tsearch(3)) of SequenceEntry keyed by uid, and the
 * entries created or changed since sequences_clear_changed(). */
struct Sequences {
        void *root;
        SequenceEntry **changed;
        size_t n_changed;
};

static int sequences_entry_compare(const void *a, const void *b) {
        const SequenceEntry *x = a, *y = b;

        return strcmp(x->uid, y->uid);
}

static void sequences_entry_free(void *p) {
        SequenceEntry *e = p;

        if (!e)
                return;
        free(e->uid);
        free(e);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(SequenceEntry *, sequences_entry_free);

Sequences *sequences_new(void) {
        return calloc(1, sizeof(Sequences));
}

Sequences *sequences_free(Sequences *s) {
        if (!s)
                return NULL;
        tdestroy(s->root, sequences_entry_free);
        free(s->changed);
        return mfree(s);
}

static int sequences_mark_changed(Sequences *s, SequenceEntry *e) {
        int r;

        if (e->changed)
                return 0;
        r = array_grow((void **) &s->changed, s->n_changed, sizeof(SequenceEntry *));
        if (r < 0)
                return r;
        s->changed[s->n_changed++] = e;
        e->changed = true;
        return 0;
}

/* The entry of uid, created (SEQUENCE 0) when new; *ret_new (if not NULL)
 * tells which. */
static int sequences_get(Sequences *s, const char *uid, SequenceEntry **ret, bool *ret_new) {
        _cleanup_(sequences_entry_freep) SequenceEntry *n = NULL;
        SequenceEntry key = { .uid = (char *) uid };
        void **node;

        assert(s);
        assert(uid);

        node = tfind(&key, &s->root, sequences_entry_compare);
        if (node) {
                *ret = *node;
                if (ret_new)
                        *ret_new = false;
                return 0;
        }

        n = calloc(1, sizeof(SequenceEntry));
        if (!n)
                return -ENOMEM;
        n->uid = strdup(uid);
        if (!n->uid)
                return -ENOMEM;
        if (!tsearch(n, &s->root, sequences_entry_compare))
                return -ENOMEM;
        *ret = TAKE_PTR(n);
        if (ret_new)
                *ret_new = true;
        return 0;
}

static void sequences_entry_set(SequenceEntry *e, usec_t start, usec_t end, unsigned sequence,
                                usec_t last_modified) {
        e->start = start;
        e->end = end;
        e->sequence = sequence;
        e->last_modified = last_modified;
}

int sequences_update(Sequences *s, const char *uid, usec_t start, usec_t end, usec_t now,
                     unsigned *ret_sequence, usec_t *ret_last_modified) {
        SequenceEntry *e;
        bool created;
        int r;

        r = sequences_get(s, uid, &e, &created);
        if (r < 0)
                return r;
        if (created || e->start != start || e->end != end) {
                sequences_entry_set(e, start, end, created ? 0 : e->sequence + 1, now);
                r = sequences_mark_changed(s, e);
                if (r < 0)
                        return r;
        }

        if (ret_sequence)
                *ret_sequence = e->sequence;
        if (ret_last_modified)
                *ret_last_modified = e->last_modified;
        return 0;
}

int sequences_restore(Sequences *s, const char *uid, usec_t start, usec_t end, unsigned sequence,
                      usec_t last_modified) {
        SequenceEntry *e;
        int r;

        r = sequences_get(s, uid, &e, NULL);
        if (r < 0)
                return r;
        sequences_entry_set(e, start, end, sequence, last_modified);
        return 0;
}

int sequences_foreach_changed(const Sequences *s, sequences_fn fn, void *userdata) {
        int r;

        for (size_t i = 0; i < s->n_changed; i++) {
                const SequenceEntry *e = s->changed[i];

                r = fn(e->uid, e->start, e->end, e->sequence, e->last_modified, userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

void sequences_clear_changed(Sequences *s) {
        for (size_t i = 0; i < s->n_changed; i++)
                s->changed[i]->changed = false;
        free(s->changed);
        s->changed = NULL;
        s->n_changed = 0;
}
