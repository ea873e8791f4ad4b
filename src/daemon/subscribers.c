/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <search.h>

#include "daemon/subscribers.h"
#include "shared/log.h"

typedef struct Subscriber {
        Subscribers *set;
        char *name;             /* unique bus name, ":1.42" */
        sd_bus_track *track;    /* forgets it when the name leaves the bus */
        Caller caller;
        size_t index;           /* in set->all */

        /* What it may hear, from the access map. */
        bool everything;        /* root or the daemon's user */
        bool integration;       /* the break signals of every operator */
        bool escalation;        /* alerts.escalate_to */
        char **operators;       /* the operators it is */
        char **teams;           /* the teams it leads */
        unsigned mark;          /* the set's generation when fn was last called for it */
} Subscriber;

/* The subscribers that hear about one operator (as that operator) or one
 * team (as its lead). */
typedef struct SubscribersEntry {
        char *key;
        Subscriber **subs;
        size_t n;
} SubscribersEntry;

typedef struct SubscribersList {
        Subscriber **subs;
        size_t n;
} SubscribersList;

struct Subscribers {
        Subscriber **all;       /* every subscriber, in no order */
        size_t n_all;
        void *by_name;          /* tsearch tree of Subscriber by name */
        void *by_operator;      /* tsearch trees of SubscribersEntry */
        void *by_team;
        SubscribersList everything, integrations, escalation;
        unsigned generation;

        const AccessMap *map;                   /* subscribers_set_access() */
        uid_t daemon_uid;
        const AccessOperator **operators_by_uid;        /* map's operators, by uid */
};

static int subscribers_name_compare(const void *a, const void *b) {
        return strcmp(((const Subscriber *) a)->name, ((const Subscriber *) b)->name);
}

static int subscribers_entry_compare(const void *a, const void *b) {
        return strcmp(((const SubscribersEntry *) a)->key, ((const SubscribersEntry *) b)->key);
}

static void subscribers_entry_free(void *p) {
        SubscribersEntry *e = p;

        free(e->key);
        free(e->subs);
        free(e);
}

static int subscribers_list_add(Subscriber ***subs, size_t *n, Subscriber *sub) {
        int r = array_grow((void **) subs, *n, sizeof(Subscriber *));

        if (r < 0)
                return r;
        (*subs)[(*n)++] = sub;
        return 0;
}

static void subscribers_list_remove(Subscriber **subs, size_t *n, const Subscriber *sub) {
        for (size_t i = 0; i < *n; i++)
                if (subs[i] == sub) {
                        subs[i] = subs[--*n];
                        return;
                }
}

/* Add sub under key in the tree *root. */
static int subscribers_index_add(void **root, const char *key, Subscriber *sub) {
        SubscribersEntry probe = { .key = (char *) key }, *e;
        void **node = tfind(&probe, root, subscribers_entry_compare);

        if (node)
                e = *(SubscribersEntry **) node;
        else {
                e = calloc(1, sizeof(SubscribersEntry));
                if (!e || !(e->key = strdup(key)) || !tsearch(e, root, subscribers_entry_compare)) {
                        if (e)
                                subscribers_entry_free(e);
                        return -ENOMEM;
                }
        }
        return subscribers_list_add(&e->subs, &e->n, sub);
}

static void subscribers_index_remove(void **root, const char *key, const Subscriber *sub) {
        SubscribersEntry probe = { .key = (char *) key }, *e;
        void **node = tfind(&probe, root, subscribers_entry_compare);

        if (!node)
                return;
        e = *(SubscribersEntry **) node;
        subscribers_list_remove(e->subs, &e->n, sub);
        if (e->n == 0) {
                tdelete(e, root, subscribers_entry_compare);
                subscribers_entry_free(e);
        }
}

static const SubscribersEntry *subscribers_index_find(void *const *root, const char *key) {
        SubscribersEntry probe = { .key = (char *) key };
        void **node = key ? tfind(&probe, root, subscribers_entry_compare) : NULL;

        return node ? *(SubscribersEntry **) node : NULL;
}

/* Take sub out of every index (not out of set->all or by_name). */
static void subscribers_unindex(Subscriber *sub) {
        Subscribers *s = sub->set;

        for (char **o = sub->operators; o && *o; o++)
                subscribers_index_remove(&s->by_operator, *o, sub);
        for (char **t = sub->teams; t && *t; t++)
                subscribers_index_remove(&s->by_team, *t, sub);
        if (sub->everything)
                subscribers_list_remove(s->everything.subs, &s->everything.n, sub);
        if (sub->integration)
                subscribers_list_remove(s->integrations.subs, &s->integrations.n, sub);
        if (sub->escalation)
                subscribers_list_remove(s->escalation.subs, &s->escalation.n, sub);
        sub->operators = strv_free(sub->operators);
        sub->teams = strv_free(sub->teams);
        sub->everything = sub->integration = sub->escalation = false;
}

static int subscribers_uid_compare(const void *a, const void *b) {
        return CMP((*(const AccessOperator * const *) a)->uid, (*(const AccessOperator * const *) b)->uid);
}

/* The operators uid is (access.operators): a binary search, then the run
 * of that uid. */
static int subscribers_operators_of(const Subscribers *s, uid_t uid, char ***ret) {
        size_t lo = 0, hi = s->map->n_operators;
        int r;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (s->operators_by_uid[mid]->uid < uid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (; lo < s->map->n_operators && s->operators_by_uid[lo]->uid == uid; lo++) {
                r = strv_extend_unique(ret, s->operators_by_uid[lo]->operator);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Work out what sub may hear from the access map and index it. The leads
 * and the escalation list are a few entries, each a user or a group. */
static int subscribers_index(Subscriber *sub) {
        Subscribers *s = sub->set;
        const AccessMap *map = s->map;
        int r;

        sub->everything = sub->caller.uid == 0 || sub->caller.uid == s->daemon_uid;
        sub->integration = !sub->everything && access_is_integration(map, &sub->caller, s->daemon_uid);
        sub->escalation = access_is_escalation(map, &sub->caller);
        r = subscribers_operators_of(s, sub->caller.uid, &sub->operators);
        if (r < 0)
                return r;
        for (size_t i = 0; i < map->n_leads; i++) {
                if (!access_lead_entry_matches(&map->leads[i], &sub->caller))
                        continue;
                for (char **t = map->leads[i].teams; t && *t; t++) {
                        r = strv_extend_unique(&sub->teams, *t);
                        if (r < 0)
                                return r;
                }
        }

        for (char **o = sub->operators; o && *o; o++) {
                r = subscribers_index_add(&s->by_operator, *o, sub);
                if (r < 0)
                        return r;
        }
        for (char **t = sub->teams; t && *t; t++) {
                r = subscribers_index_add(&s->by_team, *t, sub);
                if (r < 0)
                        return r;
        }
        if (sub->everything && (r = subscribers_list_add(&s->everything.subs, &s->everything.n, sub)) < 0)
                return r;
        if (sub->integration && (r = subscribers_list_add(&s->integrations.subs, &s->integrations.n, sub)) < 0)
                return r;
        if (sub->escalation && (r = subscribers_list_add(&s->escalation.subs, &s->escalation.n, sub)) < 0)
                return r;
        return 0;
}

static Subscriber *subscriber_free(Subscriber *sub) {
        if (!sub)
                return NULL;
        if (sub->set) {
                Subscribers *s = sub->set;

                subscribers_unindex(sub);
                tdelete(sub, &s->by_name, subscribers_name_compare);
                s->all[sub->index] = s->all[--s->n_all];
                s->all[sub->index]->index = sub->index;
        }
        sd_bus_track_unref(sub->track);
        caller_done(&sub->caller);
        free(sub->name);
        return mfree(sub);
}

int subscribers_new(Subscribers **ret) {
        *ret = calloc(1, sizeof(Subscribers));
        return *ret ? 0 : -ENOMEM;
}

Subscribers *subscribers_free(Subscribers *s) {
        if (!s)
                return NULL;
        while (s->n_all > 0)
                subscriber_free(s->all[0]);
        free(s->all);
        free(s->everything.subs);
        free(s->integrations.subs);
        free(s->escalation.subs);
        free(s->operators_by_uid);
        return mfree(s);
}

static Subscriber *subscribers_find(const Subscribers *s, const char *name) {
        Subscriber probe = { .name = (char *) name };
        void **node = tfind(&probe, &s->by_name, subscribers_name_compare);

        return node ? *(Subscriber **) node : NULL;
}

/* The subscriber's name left the bus. */
static int subscribers_on_gone(sd_bus_track *t, void *userdata) {
        Subscriber *sub = userdata;

        log_debug("Subscriber %s left the bus; forgetting it.", sub->name);
        subscriber_free(sub);
        return 0;
}

int subscribers_add(Subscribers *s, sd_bus_message *msg, const Caller *caller) {
        Subscriber *sub;
        const char *name = sd_bus_message_get_sender(msg);
        int r;

        if (!name)
                return -ENXIO;
        if (subscribers_find(s, name))
                return 0;

        r = array_grow((void **) &s->all, s->n_all, sizeof(Subscriber *));
        if (r < 0)
                return r;
        sub = calloc(1, sizeof(Subscriber));
        if (!sub)
                return -ENOMEM;
        sub->name = strdup(name);
        sub->caller.gids = caller->n_gids > 0 ? calloc(caller->n_gids, sizeof(gid_t)) : NULL;
        if (!sub->name || (caller->n_gids > 0 && !sub->caller.gids)) {
                subscriber_free(sub);
                return -ENOMEM;
        }
        if (caller->n_gids > 0)
                memcpy(sub->caller.gids, caller->gids, caller->n_gids * sizeof(gid_t));
        sub->caller.uid = caller->uid;
        sub->caller.n_gids = caller->n_gids;
        r = sd_bus_track_new(sd_bus_message_get_bus(msg), &sub->track, subscribers_on_gone, sub);
        if (r >= 0)
                r = sd_bus_track_add_sender(sub->track, msg);
        if (r < 0) {
                subscriber_free(sub);
                return r;
        }
        if (!tsearch(sub, &s->by_name, subscribers_name_compare)) {
                subscriber_free(sub);
                return -ENOMEM;
        }
        sub->set = s;
        sub->index = s->n_all;
        s->all[s->n_all++] = sub;

        r = subscribers_index(sub);
        if (r < 0) {
                subscriber_free(sub);
                return r;
        }
        return 1;
}

int subscribers_remove(Subscribers *s, const char *name) {
        Subscriber *sub = subscribers_find(s, name);

        if (!sub)
                return -ENOENT;
        subscriber_free(sub);
        return 0;
}

int subscribers_set_access(Subscribers *s, const AccessMap *map, uid_t daemon_uid) {
        const AccessOperator **by_uid = calloc(MAX(map->n_operators, (size_t) 1), sizeof(AccessOperator *));
        int r;

        if (!by_uid)
                return -ENOMEM;
        for (size_t i = 0; i < map->n_operators; i++)
                by_uid[i] = &map->operators[i];
        qsort(by_uid, map->n_operators, sizeof(AccessOperator *), subscribers_uid_compare);
        for (size_t i = 0; i < s->n_all; i++)
                subscribers_unindex(s->all[i]);
        free(s->operators_by_uid);
        s->operators_by_uid = by_uid;
        s->map = map;
        s->daemon_uid = daemon_uid;
        for (size_t i = 0; i < s->n_all; i++) {
                r = subscribers_index(s->all[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

size_t subscribers_count(const Subscribers *s) {
        return s->n_all;
}

/* Call fn for each of subs not reached yet in this generation. */
static int subscribers_call(Subscribers *s, Subscriber *const *subs, size_t n, subscribers_fn fn, void *userdata,
                            int *count) {
        int r;

        for (size_t i = 0; i < n; i++) {
                if (subs[i]->mark == s->generation)
                        continue;
                subs[i]->mark = s->generation;
                r = fn(subs[i]->name, userdata);
                if (r < 0)
                        return r;
                (*count)++;
        }
        return 0;
}

int subscribers_foreach(Subscribers *s, SubscriberAudience a, const char *operator, const char *team,
                        subscribers_fn fn, void *userdata) {
        const SubscribersEntry *self = a == AUDIENCE_READERS ? subscribers_index_find(&s->by_operator, operator) : NULL;
        const SubscribersEntry *leads = a != AUDIENCE_ESCALATION ? subscribers_index_find(&s->by_team, team) : NULL;
        bool escalation = a == AUDIENCE_ESCALATION || a == AUDIENCE_ESCALATED;
        int count = 0, r;

        assert(a >= 0 && a < _AUDIENCE_MAX);
        /* A new generation; on wrap-around, no mark may look current. */
        if (++s->generation == 0) {
                for (size_t i = 0; i < s->n_all; i++)
                        s->all[i]->mark = 0;
                s->generation = 1;
        }
        if ((a != AUDIENCE_ESCALATION &&
             (r = subscribers_call(s, s->everything.subs, s->everything.n, fn, userdata, &count)) < 0) ||
            (leads && (r = subscribers_call(s, leads->subs, leads->n, fn, userdata, &count)) < 0) ||
            (self && (r = subscribers_call(s, self->subs, self->n, fn, userdata, &count)) < 0) ||
            (a == AUDIENCE_READERS &&
             (r = subscribers_call(s, s->integrations.subs, s->integrations.n, fn, userdata, &count)) < 0) ||
            (escalation && (r = subscribers_call(s, s->escalation.subs, s->escalation.n, fn, userdata, &count)) < 0))
                return r;
        return count;
}
