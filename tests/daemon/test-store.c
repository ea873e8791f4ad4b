/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <sqlite3.h>

#include "daemon/store.h"
#include "test-helpers.h"

static char dir[] = "/tmp/test-store-XXXXXX";

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static int setup(void **state) {
        strcpy(dir, "/tmp/test-store-XXXXXX");
        assert_non_null(mkdtemp(dir));
        return 0;
}

static int teardown(void **state) {
        assert_int_equal(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
        return 0;
}

/* Run sql on the state file directly, as an older respite or an admin would. */
static void run_sql(const char *sql) {
        _cleanup_free_ char *path = NULL;
        sqlite3 *db;

        assert_true(asprintf(&path, "%s/" STORE_FILE, dir) > 0);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
}

/* The first integer of the first row of sql. */
static long long query_int(const char *sql) {
        _cleanup_free_ char *path = NULL;
        sqlite3_stmt *st;
        sqlite3 *db;
        long long v;

        assert_true(asprintf(&path, "%s/" STORE_FILE, dir) > 0);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return v;
}

static Incident incident(const char *id, const char *operator, const char *when, const char *note) {
        return (Incident) {
                .id = (char *) id,
                .operator = (char *) operator,
                .category = (char *) "threat",
                .when = instant(when),
                .received = instant(when) + 30 * USEC_PER_SEC,
                .note = (char *) note,
        };
}

static void test_incidents_survive_reopen(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_(incident_list_freep) IncidentList *l = NULL;
        Incident a = incident("b-id", "op16", "2025-01-06T10:00:00Z", "shouted"),
                 b = incident("a-id", "op27", "2025-01-06T09:00:00Z", NULL);

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_add_incident(s, &a, "bus"), 0);
        assert_int_equal(store_add_incident(s, &b, "bus"), 0);
        assert_int_equal(store_add_incident(s, &a, "bus"), -EEXIST);
        s = store_free(s);

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_load_incidents(s, &l), 0);
        assert_int_equal(l->n, 2);
        assert_string_equal(l->items[0].id, "a-id");
        assert_null(l->items[0].note);
        assert_string_equal(l->items[1].operator, "op16");
        assert_string_equal(l->items[1].note, "shouted");
        assert_int_equal(l->items[1].when, instant("2025-01-06T10:00:00Z"));
        assert_int_equal(l->items[1].received, instant("2025-01-06T10:00:30Z"));
        assert_int_equal(query_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
}

static char *read_fixture(const char *path) {
        _cleanup_(fclosep) FILE *f = fopen(path, "re");
        char *text = NULL;
        size_t n = 0;

        assert_non_null(f);
        assert_true(getdelim(&text, &n, '\0', f) > 0);
        return text;
}

static void test_migrate_from_v1(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_(incident_list_freep) IncidentList *l = NULL;
        _cleanup_(sequences_freep) Sequences *seq = sequences_new();
        _cleanup_free_ char *v1 = read_fixture("tests/fixtures/state-v1.sql");
        unsigned sequence;

        run_sql(v1);
        assert_int_equal(query_int("PRAGMA user_version"), 1);

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(query_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
        assert_int_equal(store_load_incidents(s, &l), 0);
        assert_int_equal(l->n, 2);
        assert_string_equal(l->items[0].operator, "op16");
        assert_int_equal(l->items[0].when, instant("1999-01-04T08:30:00Z"));
        assert_int_equal(l->items[0].received, l->items[0].when);
        assert_string_equal(l->items[0].note, "shouted and threatened");
        assert_null(l->items[1].note);

        /* SEQUENCE 3 published with unknown times: the next one is 4. */
        assert_int_equal(store_load_sequences(s, seq), 0);
        assert_int_equal(sequences_update(seq, "op16-19990104T0600Z-statutory-1", 1, 2, 3, &sequence, NULL), 0);
        assert_int_equal(sequence, 4);
}

static void test_newer_schema_refused(void **state) {
        _cleanup_(store_freep) Store *s = NULL;

        run_sql("PRAGMA user_version = 99");
        assert_int_equal(store_open(dir, &s, NULL), -EPROTONOSUPPORT);
}

/* A store that is empty, damaged or no database: refused, in words that
 * say so and what to do, and never written. */
static void test_bad_files_refused(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_free_ char *path = NULL, *error = NULL;
        FILE *f;

        assert_true(asprintf(&path, "%s/" STORE_FILE, dir) > 0);
        f = fopen(path, "we");
        assert_non_null(f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(store_open(dir, &s, &error), -ENODATA);
        assert_non_null(strstr(error, "is empty (0 bytes) though the file exists"));
        assert_non_null(strstr(error, "remove the empty file"));
        free(TAKE_PTR(error));

        f = fopen(path, "we");
        assert_non_null(f);
        for (int i = 0; i < 8192; i++)
                fputc(i * 7 % 251, f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(store_open(dir, &s, &error), -EBADMSG);
        assert_non_null(strstr(error, "is damaged: file is not a database"));
        assert_non_null(strstr(error, "restore the store from a backup"));
        assert_null(s);
}

static void test_purge_notes_then_rows(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_(incident_list_freep) IncidentList *l = NULL;
        Incident old = incident("old", "op16", "2024-01-01T10:00:00Z", "very personal"),
                 new = incident("new", "op16", "2025-01-06T10:00:00Z", "kept");
        unsigned deleted;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_add_incident(s, &old, "bus"), 0);
        assert_int_equal(store_add_incident(s, &new, "bus"), 0);
        assert_int_equal(store_purge(s, instant("2025-01-01T00:00:00Z"), &deleted), 0);
        assert_int_equal(deleted, 1);
        assert_int_equal(store_load_incidents(s, &l), 0);
        assert_int_equal(l->n, 1);
        assert_string_equal(l->items[0].note, "kept");
}

/* Idempotency keys: per uid, committed with their incident, dropped with it
 * by retention; the newest incident's time is what retention also counts
 * from. */
static void test_incident_keys(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_free_ char *id = NULL, *other = NULL;
        Incident old = incident("old", "op16", "2024-01-01T10:00:00Z", NULL),
                 new = incident("new", "op16", "2025-01-06T10:00:00Z", NULL),
                 dup = incident("dup", "op16", "2025-01-06T11:00:00Z", NULL);
        usec_t newest;
        unsigned deleted;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_newest_incident(s, &newest), 0);
        assert_int_equal(newest, 0);
        assert_int_equal(store_add_incident_keyed(s, &old, "bus", 1000, "k1"), 0);
        assert_int_equal(store_add_incident_keyed(s, &new, "bus", 1000, "k2"), 0);
        assert_int_equal(store_add_incident_keyed(s, &dup, "bus", 1000, "k2"), -EEXIST);
        assert_int_equal(query_int("SELECT COUNT(*) FROM incidents WHERE id = 'dup'"), 0);
        assert_int_equal(store_find_incident_key(s, 1000, "k2", &id), 0);
        assert_string_equal(id, "new");
        assert_int_equal(store_find_incident_key(s, 1001, "k2", &other), -ENOENT);
        assert_int_equal(store_newest_incident(s, &newest), 0);
        assert_int_equal(newest, instant("2025-01-06T10:00:00Z"));

        assert_int_equal(store_purge(s, instant("2025-01-01T00:00:00Z"), &deleted), 0);
        assert_int_equal(deleted, 1);
        assert_int_equal(store_find_incident_key(s, 1000, "k1", &other), -ENOENT);
        assert_int_equal(query_int("SELECT COUNT(*) FROM incident_keys"), 1);
}

/* A plan of one shift with a statutory and a recovery break. */
static Plan *make_plan(usec_t now, usec_t statutory_start) {
        Plan *p = calloc(1, sizeof(Plan));
        ShiftPlan *sp;

        assert_non_null(p);
        p->now = now;
        p->n_shifts = 1;
        p->shifts = calloc(1, sizeof(ShiftPlan));
        sp = &p->shifts[0];
        sp->operator = strdup("op16");
        sp->team = strdup("retail");
        sp->uid = strdup("op16-20250106T0000Z");
        sp->start = instant("2025-01-06T00:00:00Z");
        sp->end = instant("2025-01-06T09:00:00Z");
        sp->n_breaks = 2;
        sp->breaks = calloc(2, sizeof(Break));
        sp->breaks[0] = (Break) {
                .kind = BREAK_RECOVERY,
                .start = instant("2025-01-06T02:00:00Z"),
                .end = instant("2025-01-06T02:20:00Z"),
                .trigger = instant("2025-01-06T01:59:10Z"),
                .uid = strdup("op16-recovery-x"),
                .reason = strdup("after a threatening call (threat)"),
        };
        sp->breaks[1] = (Break) {
                .kind = BREAK_STATUTORY,
                .start = statutory_start,
                .end = statutory_start + 60 * USEC_PER_MINUTE,
                .uid = strdup("op16-20250106T0000Z-statutory-1"),
                .reason = strdup("statutory break"),
        };
        return p;
}

static void assert_plans_equal(const Plan *a, const Plan *b) {
        assert_int_equal(a->n_shifts, b->n_shifts);
        for (size_t i = 0; i < a->n_shifts; i++) {
                const ShiftPlan *x = &a->shifts[i], *y = &b->shifts[i];

                assert_string_equal(x->uid, y->uid);
                assert_string_equal(x->operator, y->operator);
                assert_string_equal(x->team, y->team);
                assert_int_equal(x->start, y->start);
                assert_int_equal(x->end, y->end);
                assert_int_equal(x->n_breaks, y->n_breaks);
                for (size_t j = 0; j < x->n_breaks; j++) {
                        assert_string_equal(x->breaks[j].uid, y->breaks[j].uid);
                        assert_int_equal(x->breaks[j].kind, y->breaks[j].kind);
                        assert_int_equal(x->breaks[j].start, y->breaks[j].start);
                        assert_int_equal(x->breaks[j].end, y->breaks[j].end);
                        assert_int_equal(x->breaks[j].trigger, y->breaks[j].trigger);
                        assert_string_equal(x->breaks[j].reason, y->breaks[j].reason);
                        if (x->breaks[j].recovery_uid || y->breaks[j].recovery_uid) {
                                assert_non_null(x->breaks[j].recovery_uid);
                                assert_non_null(y->breaks[j].recovery_uid);
                                assert_string_equal(x->breaks[j].recovery_uid, y->breaks[j].recovery_uid);
                        }
                }
        }
}

static void test_plan_revisions(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_(plan_freep) Plan *first = NULL, *moved = NULL, *loaded = NULL, *none = NULL;
        _cleanup_(sequences_freep) Sequences *seq = sequences_new(), *back = sequences_new();
        unsigned sequence;
        usec_t modified;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_load_plan(s, &none), 0);
        assert_null(none);

        first = make_plan(instant("2025-01-06T01:00:00Z"), instant("2025-01-06T04:00:00Z"));
        assert_int_equal(sequences_update(seq, "op16-recovery-x", 1, 2, 100, NULL, NULL), 0);
        assert_int_equal(store_save_revision(s, NULL, first, seq), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM revisions"), 1);

        /* Nothing changed: no revision row. */
        assert_int_equal(store_save_revision(s, first, first, seq), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM revisions"), 1);

        moved = make_plan(instant("2025-01-06T02:00:00Z"), instant("2025-01-06T04:30:00Z"));
        /* A recovery merged into the statutory break is kept with it: a
         * restart must not grant it again as a break of its own. */
        moved->shifts[0].breaks[1].recovery_uid = strdup("op16-recovery-y");
        assert_non_null(moved->shifts[0].breaks[1].recovery_uid);
        assert_int_equal(sequences_update(seq, "op16-recovery-x", 1, 3, 200, NULL, NULL), 0);
        assert_int_equal(store_save_revision(s, first, moved, seq), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM revisions"), 2);
        assert_int_equal(query_int("SELECT revision - granted FROM breaks WHERE uid LIKE '%statutory%'"), 1);
        assert_int_equal(query_int("SELECT revision - granted FROM breaks WHERE uid LIKE '%recovery%'"), 0);
        s = store_free(s);

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_load_plan(s, &loaded), 0);
        assert_non_null(loaded);
        assert_int_equal(loaded->now, moved->now);
        assert_plans_equal(loaded, moved);

        assert_int_equal(store_load_sequences(s, back), 0);
        assert_int_equal(sequences_update(back, "op16-recovery-x", 1, 3, 300, &sequence, &modified), 0);
        assert_int_equal(sequence, 1);
        assert_int_equal(modified, 200);

        /* A break gone from the plan is gone from the store. */
        free(moved->shifts[0].breaks[1].uid);
        free(moved->shifts[0].breaks[1].reason);
        free(moved->shifts[0].breaks[1].recovery_uid);
        moved->shifts[0].n_breaks = 1;
        loaded = plan_free(loaded);
        assert_int_equal(store_save_revision(s, first, moved, NULL), 0);
        assert_int_equal(store_load_plan(s, &loaded), 0);
        assert_plans_equal(loaded, moved);
}

static void test_feed_tokens(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_free_ char *t1 = NULL, *t2 = NULL, *t3 = NULL;
        char *feeds[] = { (char *) "op16", (char *) "team-retail", NULL };

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_get_feed_token(s, "op16", &t1), -ENOENT);
        assert_int_equal(store_ensure_feed_tokens(s, feeds, NULL, NULL), 0);
        assert_int_equal(store_get_feed_token(s, "op16", &t1), 0);
        assert_int_equal(strlen(t1), 64);
        assert_int_equal(strspn(t1, "0123456789abcdef"), 64);
        assert_int_equal(store_ensure_feed_tokens(s, feeds, NULL, NULL), 0);
        assert_int_equal(store_get_feed_token(s, "op16", &t2), 0);
        assert_string_equal(t1, t2);
        assert_int_equal(store_rotate_feed_token(s, "op16", &t3), 0);
        assert_string_not_equal(t1, t3);
        assert_int_equal(query_int("SELECT COUNT(DISTINCT token) FROM feed_tokens"), 2);
}

static void test_spool_records(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_(incident_list_freep) IncidentList *l = NULL, *good = incident_list_new();
        Incident a = incident("spool-1-2", "op16", "2025-01-06T10:00:00Z", NULL);
        bool pending;

        assert_int_equal(incident_list_add(good, &a), 0);
        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_spool_pending(s, "x.csv", "h1", &pending), 0);
        assert_false(pending);
        assert_int_equal(store_spool_ingest(s, "x.csv", "h1", good, 1), 0);
        assert_int_equal(store_spool_pending(s, "x.csv", "h1", &pending), 0);
        assert_true(pending);
        assert_int_equal(store_spool_pending(s, "x.csv", "h2", &pending), 0);
        assert_false(pending);
        assert_int_equal(store_spool_done(s, "x.csv", "h1"), 0);
        assert_int_equal(store_spool_pending(s, "x.csv", "h1", &pending), 0);
        assert_false(pending);

        /* The same lines again are the same incidents, stored once. */
        assert_int_equal(store_spool_ingest(s, "x.csv", "h1", good, 1), 0);
        assert_int_equal(store_load_incidents(s, &l), 0);
        assert_int_equal(l->n, 1);
        assert_int_equal(query_int("SELECT bad FROM spool_files"), 1);
}

/* A queue_log's position, call records and open state, saved in batches
 * and read back as they were; a version 2 file gains the tables. */
static void test_queue_log_position(void **state) {
        static const char * const lines[] = {
                "100|a|NONE|SIP/8007|AGENTLOGIN|",
                "200|c1|q|NONE|ENTERQUEUE||anon-1|1",
                "210|c1|q|SIP/8007|CONNECT|10|c1.1|2",
                "300|c1|q|SIP/8007|COMPLETECALLER|10|90|1",
                "400|c2|q|NONE|ENTERQUEUE||anon-2|1",
                "410|c2|q|SIP/8007|CONNECT|10|c2.1|2",
                "420|p|NONE|SIP/8007|PAUSE|lunch",
                NULL,
        };
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_(queue_log_freep) QueueLog *q = NULL, *back = NULL;
        QueueLogTail t = { .dev = 42, .ino = 4242, .offset = 1000, .line = 7 };
        StoreQueueLogPosition pos;
        unsigned deleted;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(queue_log_new(&q), 0);
        assert_int_equal(queue_log_new(&back), 0);
        q->track_agents = true;
        assert_int_equal(store_load_queue_log(s, "/var/log/asterisk/queue_log", &pos, back), -ENOENT);
        for (unsigned i = 0; lines[i]; i++) {
                assert_int_equal(queue_log_feed(q, NULL, "queue_log", i + 1, lines[i]), 0);
                if (i == 3)     /* a batch: the first call taken */
                        assert_int_equal(store_save_queue_log(s, "/var/log/asterisk/queue_log", &t, q, 0), 0);
        }
        assert_int_equal(q->calls->n_calls, 1);
        assert_int_equal(store_save_queue_log(s, "/var/log/asterisk/queue_log", &t, q, 1), 0);
        s = store_free(s);

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_load_queue_log(s, "/var/log/asterisk/queue_log", &pos, back), 0);
        assert_int_equal(pos.dev, 42);
        assert_int_equal(pos.ino, 4242);
        assert_int_equal(pos.offset, 1000);
        assert_int_equal(pos.line, 7);
        assert_int_equal(back->calls->n_calls, 1);      /* stored once, not per batch */
        assert_string_equal(back->calls->calls[0].caller, "anon-1");
        assert_int_equal(back->calls->calls[0].end, 300 * USEC_PER_SEC);
        assert_int_equal(back->n_pending, 1);
        assert_string_equal(back->pending[0].caller, "anon-2");
        assert_int_equal(back->n_open, 2);              /* the session and the pause */
        assert_int_equal(back->n_talking, 1);
        assert_string_equal(back->talking[0].agent, "SIP/8007");
        assert_int_equal(back->talking[0].start, 410 * USEC_PER_SEC);

        /* The call ends after the restart: the caller is still known. */
        assert_int_equal(queue_log_feed(back, NULL, "queue_log", 8, "500|c2|q|SIP/8007|COMPLETEAGENT|10|90|1"), 0);
        assert_int_equal(back->calls->n_calls, 2);
        assert_string_equal(back->calls->calls[1].caller, "anon-2");

        /* Retention drops the call records that ended before it. */
        assert_int_equal(store_purge(s, 301 * USEC_PER_SEC, &deleted), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM queue_log_calls"), 0);
}

typedef struct TestVerdicts {
        unsigned n;
        AdherenceDetail last;
        BreakKind kind;
} TestVerdicts;

static int test_verdict(const char *uid, BreakKind kind, usec_t end, const AdherenceDetail *d, void *userdata) {
        TestVerdicts *v = userdata;

        assert_string_equal(uid, "op1-recovery-x");
        assert_int_equal(end, 1200 * USEC_PER_SEC);
        v->n++;
        v->kind = kind;
        v->last = *d;
        return 0;
}

static void test_adherence(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        Break b = { .kind = BREAK_RECOVERY, .start = 600 * USEC_PER_SEC, .end = 1200 * USEC_PER_SEC,
                    .uid = (char *) "op1-recovery-x" };
        AdherenceDetail d = { .adherence = ADHERENCE_NOT_TAKEN, .known = 600 * USEC_PER_SEC };
        TestVerdicts v = {};
        unsigned deleted;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_save_adherence(s, "op1", &b, &d), 0);
        /* Judged again (a later revision): replaced, not added. */
        d = (AdherenceDetail) { .adherence = ADHERENCE_PARTLY_TAKEN, .off = 300 * USEC_PER_SEC,
                                .known = 600 * USEC_PER_SEC, .interrupted = 900 * USEC_PER_SEC };
        assert_int_equal(store_save_adherence(s, "op1", &b, &d), 0);
        assert_int_equal(store_foreach_adherence(s, 0, test_verdict, &v), 0);
        assert_int_equal(v.n, 1);
        assert_int_equal(v.kind, BREAK_RECOVERY);
        assert_int_equal(v.last.adherence, ADHERENCE_PARTLY_TAKEN);
        assert_int_equal(v.last.off, 300 * USEC_PER_SEC);
        assert_int_equal(v.last.interrupted, 900 * USEC_PER_SEC);
        /* Only breaks that ended at or after from. */
        v.n = 0;
        assert_int_equal(store_foreach_adherence(s, 1201 * USEC_PER_SEC, test_verdict, &v), 0);
        assert_int_equal(v.n, 0);
        /* Retention takes it with the rest. */
        assert_int_equal(store_purge(s, 1201 * USEC_PER_SEC, &deleted), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM adherence"), 0);
}

static void test_migrate_from_v2(void **state) {
        _cleanup_(store_freep) Store *s = NULL;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        s = store_free(s);
        run_sql("DROP TABLE queue_logs; DROP TABLE queue_log_calls; DROP TABLE queue_log_open; "
                "DROP TABLE adherence; DROP TABLE alerts; DROP TABLE secrets; ALTER TABLE breaks DROP COLUMN recovery_uid; "
                "DROP TABLE incident_keys; PRAGMA user_version = 2");
        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(query_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
        assert_int_equal(query_int("SELECT COUNT(*) FROM queue_logs"), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM adherence"), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM alerts"), 0);
}

/* The store is respited's user's alone, also when an older respited left it
 * readable by its group, and so are SQLite's -wal and -shm files. */
static void test_private_mode(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_free_ char *path = NULL, *wal = NULL;
        struct stat st;

        assert_true(asprintf(&path, "%s/" STORE_FILE, dir) > 0);
        assert_true(asprintf(&wal, "%s/" STORE_FILE "-wal", dir) > 0);
        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(stat(wal, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        s = store_free(s);

        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_migrate_from_v3(void **state) {
        _cleanup_(store_freep) Store *s = NULL;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        s = store_free(s);
        run_sql("DROP TABLE alerts; DROP TABLE secrets; ALTER TABLE breaks DROP COLUMN recovery_uid; "
                "DROP TABLE incident_keys; PRAGMA user_version = 3");
        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(query_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
        assert_int_equal(query_int("SELECT COUNT(*) FROM alerts"), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM secrets"), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM breaks WHERE recovery_uid IS NULL"), 0);
}

static void test_migrate_from_v4(void **state) {
        _cleanup_(store_freep) Store *s = NULL;

        assert_int_equal(store_open(dir, &s, NULL), 0);
        s = store_free(s);
        run_sql("DROP TABLE incident_keys; PRAGMA user_version = 4");
        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(query_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
        assert_int_equal(query_int("SELECT COUNT(*) FROM incident_keys"), 0);
}

/* A secret is made once and then kept: the same bytes after a reopen,
 * others under another name. */
static void test_secrets(void **state) {
        _cleanup_(store_freep) Store *s = NULL;
        uint8_t a[32], again[32], other[32], zero[32] = {}, small[16];

        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(query_int("SELECT COUNT(*) FROM secrets"), 0);
        assert_int_equal(store_get_secret(s, "feed-uid-key", sizeof a, a), 0);
        assert_memory_not_equal(a, zero, sizeof a);
        assert_int_equal(query_int("SELECT length(value) FROM secrets WHERE name = 'feed-uid-key' AND "
                                   "typeof(value) = 'blob'"), 32);
        assert_int_equal(store_get_secret(s, "feed-uid-key", sizeof again, again), 0);
        assert_memory_equal(a, again, sizeof a);
        assert_int_equal(store_get_secret(s, "another", sizeof other, other), 0);
        assert_memory_not_equal(a, other, sizeof a);
        assert_int_equal(query_int("SELECT COUNT(*) FROM secrets"), 2);

        /* Kept across a reopen, and by retention. */
        s = store_free(s);
        assert_int_equal(store_open(dir, &s, NULL), 0);
        assert_int_equal(store_purge(s, USEC_INFINITY / 2, &(unsigned) {0}), 0);
        memset(again, 0, sizeof again);
        assert_int_equal(store_get_secret(s, "feed-uid-key", sizeof again, again), 0);
        assert_memory_equal(a, again, sizeof a);

        /* Another size is not the same secret; nothing is overwritten. */
        assert_int_equal(store_get_secret(s, "feed-uid-key", sizeof small, small), -EBADMSG);
        assert_int_equal(store_get_secret(s, "empty", 0, small), -EINVAL);
        assert_int_equal(store_get_secret(s, "huge", STORE_SECRET_MAX + 1, small), -EINVAL);
        assert_int_equal(query_int("SELECT COUNT(*) FROM secrets"), 2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_incidents_survive_reopen, setup, teardown),
                cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup, teardown),
                cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_incident_keys, setup, teardown),
                cmocka_unit_test_setup_teardown(test_bad_files_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_purge_notes_then_rows, setup, teardown),
                cmocka_unit_test_setup_teardown(test_plan_revisions, setup, teardown),
                cmocka_unit_test_setup_teardown(test_feed_tokens, setup, teardown),
                cmocka_unit_test_setup_teardown(test_spool_records, setup, teardown),
                cmocka_unit_test_setup_teardown(test_queue_log_position, setup, teardown),
                cmocka_unit_test_setup_teardown(test_adherence, setup, teardown),
                cmocka_unit_test_setup_teardown(test_migrate_from_v2, setup, teardown),
                cmocka_unit_test_setup_teardown(test_migrate_from_v3, setup, teardown),
                cmocka_unit_test_setup_teardown(test_migrate_from_v4, setup, teardown),
                cmocka_unit_test_setup_teardown(test_private_mode, setup, teardown),
                cmocka_unit_test_setup_teardown(test_secrets, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
