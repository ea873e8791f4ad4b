/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <limits.h>
#include <libical/ical.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "publish/feed.h"
#include "shared/i18n.h"
#include "test-helpers.h"

/* 2024-04-01T00:00:00Z */
#define DAY0 ((usec_t) 1711929600 * USEC_PER_SEC)
#define AT(h, m) (DAY0 + (usec_t) (h) * USEC_PER_HOUR + (usec_t) (m) * USEC_PER_MINUTE)

#define LONG_REASON                                                     \
        "脅迫の電話のあと (after a threat at 10:42) 🎧🎧🎧 "               \
        "お客様から暴言がありました。休憩してください 🌸🌸 — "           \
        "長い説明文を折り返しても UTF-8 が壊れないこと 😀😀😀😀"

/* Two site secrets: 0, 1, …, 31 and 0xff, 0xfe, …, 0xe0. */
static uint8_t key1[FEED_UID_KEY_SIZE], key2[FEED_UID_KEY_SIZE];

static int setup_keys(void **state) {
        for (unsigned i = 0; i < FEED_UID_KEY_SIZE; i++) {
                key1[i] = (uint8_t) i;
                key2[i] = (uint8_t) (0xff - i);
        }
        return 0;
}

/* The team feed UID of a plan uid under key1. */
static char *team_uid(const char *uid) {
        char *t = NULL;

        assert_int_equal(feed_team_uid(key1, uid, &t), 0);
        return t;
}

static void icalcomponent_freep(icalcomponent **c) {
        if (*c)
                icalcomponent_free(*c);
}

static char *xstrdup(const char *s) {
        char *c = strdup(s);

        assert_non_null(c);
        return c;
}

static void set_break(Break *b, BreakKind kind, usec_t start, usec_t end, const char *uid,
                      const char *reason) {
        *b = (Break) {
                .kind = kind,
                .start = start,
                .end = end,
                .uid = xstrdup(uid),
                .reason = reason ? xstrdup(reason) : NULL,
        };
}

static void set_shift(ShiftPlan *s, const char *op, const char *team, usec_t start, usec_t end,
                      const char *uid, size_t n_breaks) {
        *s = (ShiftPlan) {
                .operator = xstrdup(op),
                .team = xstrdup(team),
                .start = start,
                .end = end,
                .uid = xstrdup(uid),
                .breaks = calloc(n_breaks, sizeof(Break)),
                .n_breaks = n_breaks,
        };
        assert_non_null(s->breaks);
}

/* op17 (team blue): 09:00-18:00 with a recovery, a statutory and a planned break;
 * op5 (team blue, Japanese name): 08:00-17:00 with a recovery break starting
 * when op17's does;
 * op9 (team red); op99 (team blue in the plan, not in the roster). */
static Plan *make_plan(usec_t now, const char *reason) {
        Plan *p = calloc(1, sizeof(Plan));

        assert_non_null(p);
        p->now = now;
        p->n_shifts = 4;
        p->shifts = calloc(p->n_shifts, sizeof(ShiftPlan));
        assert_non_null(p->shifts);

        set_shift(&p->shifts[0], "op17", "blue", AT(9, 0), AT(18, 0), "op17-20240401T0900Z", 3);
        set_break(&p->shifts[0].breaks[0], BREAK_RECOVERY, AT(10, 45), AT(11, 0),
                  "op17-recovery-inc1", reason);
        set_break(&p->shifts[0].breaks[1], BREAK_STATUTORY, AT(13, 0), AT(13, 45),
                  "op17-20240401T0900Z-statutory-1", NULL);
        set_break(&p->shifts[0].breaks[2], BREAK_PLANNED, AT(16, 0), AT(16, 15),
                  "op17-20240401T0900Z-planned-1", "split shift gap");

        set_shift(&p->shifts[1], "op5", "blue", AT(8, 0), AT(17, 0), "op5-20240401T0800Z", 1);
        set_break(&p->shifts[1].breaks[0], BREAK_RECOVERY, AT(10, 45), AT(11, 0),
                  "op5-recovery-inc2", "secret abuse note");

        set_shift(&p->shifts[2], "op9", "red", AT(9, 0), AT(17, 0), "op9-20240401T0900Z", 0);
        set_shift(&p->shifts[3], "op99", "blue", AT(20, 0), AT(23, 0), "op99-20240401T2000Z", 0);
        return p;
}

static void set_operator(Operator *o, const char *id, const char *name, const char *team) {
        *o = (Operator) { .id = xstrdup(id), .name = xstrdup(name), .team = xstrdup(team) };
}

static Roster *make_roster(void) {
        Roster *r = roster_new();

        assert_non_null(r);
        r->n_operators = 3;
        r->operators = calloc(r->n_operators, sizeof(Operator));
        assert_non_null(r->operators);
        set_operator(&r->operators[0], "op17", "Operator 17", "blue");
        set_operator(&r->operators[1], "op5", "山田 太郎 🎧", "blue");
        set_operator(&r->operators[2], "op9", "Operator 9", "red");
        assert_int_equal(roster_finish(r, 0), 0);
        return r;
}

/* Every line ends in CRLF, has at most 75 octets and is valid UTF-8 on its own. */
static void assert_lines_ok(const char *text) {
        const char *line = text;

        assert_true(strlen(text) > 0);
        while (*line) {
                const char *e = strstr(line, "\r\n");
                size_t n, i = 0;

                assert_non_null(e);
                n = (size_t) (e - line);
                assert_null(memchr(line, '\r', n));
                assert_null(memchr(line, '\n', n));
                assert_in_range(n, 1, 75);

                while (i < n) {
                        unsigned char c = (unsigned char) line[i];
                        size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 :
                                   (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;

                        assert_int_not_equal(k, 0);
                        assert_in_range(i + k, 1, n);
                        for (size_t j = 1; j < k; j++)
                                assert_int_equal((unsigned char) line[i + j] & 0xC0, 0x80);
                        i += k;
                }
                line = e + 2;
        }
}

static icalcomponent *parse(const char *text) {
        icalcomponent *c = icalparser_parse_string(text);

        assert_non_null(c);
        assert_int_equal(icalcomponent_isa(c), ICAL_VCALENDAR_COMPONENT);
        return c;
}

static const char *x_property(icalcomponent *c, const char *name) {
        for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
             p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
                if (streq(icalproperty_get_x_name(p), name))
                        return icalproperty_get_x(p);
        return NULL;
}

static icalcomponent *find_event(icalcomponent *cal, const char *uid) {
        for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
                if (streq(icalcomponent_get_uid(e), uid))
                        return e;
        return NULL;
}

static int count_events(icalcomponent *cal) {
        return icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT);
}

static usec_t to_usec(struct icaltimetype t) {
        assert_true(icaltime_is_utc(t));
        return (usec_t) icaltime_as_timet(t) * USEC_PER_SEC;
}

static int event_sequence(icalcomponent *cal, const char *uid) {
        icalcomponent *e = find_event(cal, uid);

        assert_non_null(e);
        return icalcomponent_get_sequence(e);
}

static usec_t event_last_modified(icalcomponent *cal, const char *uid) {
        icalcomponent *e = find_event(cal, uid);
        icalproperty *p;

        assert_non_null(e);
        p = icalcomponent_get_first_property(e, ICAL_LASTMODIFIED_PROPERTY);
        assert_non_null(p);
        assert_int_equal(icaltime_compare(icalproperty_get_lastmodified(p),
                                          icalcomponent_get_dtstamp(e)), 0);
        return to_usec(icalproperty_get_lastmodified(p));
}

static void test_operator_feed(void **state) {
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL;
        _cleanup_(freep) char *text = NULL;
        const char *kinds[] = { "recovery", "statutory", "planned" };
        const char *colors[] = { "darkorange", "steelblue", "seagreen" };
        usec_t last = 0;
        icalcomponent *e;
        int i = 0;

        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "Operator 17 — breaks", .from = DAY0, .to = DAY0 + USEC_PER_DAY }, &text), 0);
        assert_lines_ok(text);
        assert_true(strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0);
        cal = parse(text);

        assert_string_equal(icalproperty_get_version(
                icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY)), "2.0");
        assert_string_equal(icalproperty_get_prodid(
                icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY)),
                "-//respite//respite 0.1//EN");
        assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
        assert_string_equal(icalproperty_get_name(
                icalcomponent_get_first_property(cal, ICAL_NAME_PROPERTY)),
                "Operator 17 — breaks");
        assert_string_equal(x_property(cal, "X-WR-CALNAME"), "Operator 17 — breaks");
        assert_null(icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT));

        /* Only op17's events, ordered by start. */
        assert_int_equal(count_events(cal), 4);
        for (e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
                usec_t start = to_usec(icalcomponent_get_dtstart(e));

                assert_true(start >= last);
                assert_true(to_usec(icalcomponent_get_dtend(e)) > start);
                assert_true(strncmp(icalcomponent_get_uid(e), "op17-", 5) == 0);
                assert_int_equal(icalcomponent_get_sequence(e), 0);
                assert_true(event_last_modified(cal, icalcomponent_get_uid(e)) == AT(10, 50));
                last = start;
        }

        e = find_event(cal, "op17-20240401T0900Z@respite");
        assert_non_null(e);
        assert_string_equal(icalcomponent_get_summary(e), "Shift");
        assert_true(to_usec(icalcomponent_get_dtstart(e)) == AT(9, 0));
        assert_true(to_usec(icalcomponent_get_dtend(e)) == AT(18, 0));
        /* The shift is the background: no busy time of its own. */
        assert_int_equal(icalproperty_get_transp(
                icalcomponent_get_first_property(e, ICAL_TRANSP_PROPERTY)), ICAL_TRANSP_TRANSPARENT);
        assert_null(x_property(e, "X-RESPITE-KIND"));
        assert_null(icalcomponent_get_first_property(e, ICAL_CATEGORIES_PROPERTY));
        assert_null(icalcomponent_get_first_property(e, ICAL_COLOR_PROPERTY));

        for (i = 0; i < 3; i++) {
                const Break *b = &plan->shifts[0].breaks[i];
                _cleanup_(freep) char *uid = NULL;

                assert_true(asprintf(&uid, "%s@respite", b->uid) > 0);
                e = find_event(cal, uid);
                assert_non_null(e);
                assert_string_equal(icalcomponent_get_summary(e),
                                    break_kind_public_reason(b->kind));
                assert_string_equal(x_property(e, "X-RESPITE-KIND"), kinds[i]);
                /* The kind's name alone, never the incident's category. */
                assert_string_equal(icalproperty_get_categories(
                        icalcomponent_get_first_property(e, ICAL_CATEGORIES_PROPERTY)), kinds[i]);
                assert_null(icalcomponent_get_next_property(e, ICAL_CATEGORIES_PROPERTY));
                assert_string_equal(icalproperty_get_color(
                        icalcomponent_get_first_property(e, ICAL_COLOR_PROPERTY)), colors[i]);
                assert_int_equal(icalproperty_get_transp(
                        icalcomponent_get_first_property(e, ICAL_TRANSP_PROPERTY)), ICAL_TRANSP_OPAQUE);
                assert_null(icalcomponent_get_first_component(e, ICAL_VALARM_COMPONENT));
                assert_true(to_usec(icalcomponent_get_dtstart(e)) == b->start);
                assert_true(to_usec(icalcomponent_get_dtend(e)) == b->end);
                if (b->reason)
                        assert_string_equal(icalcomponent_get_description(e), b->reason);
                else
                        assert_null(icalcomponent_get_first_property(e, ICAL_DESCRIPTION_PROPERTY));
        }
}

static void test_team_feed(void **state) {
        _cleanup_free_ char *recovery17 = team_uid("op17-recovery-inc1"), *recovery5 = team_uid("op5-recovery-inc2"),
                            *statutory17 = team_uid("op17-20240401T0900Z-statutory-1");
        /* By start, then by the plan's uid (the operator first: never the kind). */
        const char *order[] = {
                "op5-20240401T0800Z@respite",
                "op17-20240401T0900Z@respite",
                recovery17,
                recovery5,
                statutory17,
        };
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL;
        _cleanup_(freep) char *text = NULL, *nokey = NULL;
        icalcomponent *e;

        /* A team feed needs the key of its UIDs. */
        assert_int_equal(feed_render(plan, roster, FEED_TEAM, "blue",
                &(FeedOptions) { .calname = "t", .from = DAY0, .to = DAY0 + USEC_PER_DAY }, &nokey), -EINVAL);
        assert_int_equal(feed_render(plan, roster, FEED_TEAM, "blue",
                &(FeedOptions) { .calname = "Team blue — breaks", .from = DAY0, .to = DAY0 + USEC_PER_DAY,
                                 .uid_key = key1 }, &text), 0);
        assert_lines_ok(text);

        /* No private wording and no kind, in any form. */
        assert_null(strstr(text, "secret"));
        assert_null(strstr(text, "split shift"));
        assert_null(strstr(text, "脅迫"));
        assert_null(strstr(text, "Recovery"));
        assert_null(strstr(text, "Statutory"));
        assert_null(strstr(text, "X-RESPITE-KIND"));
        assert_null(strstr(text, "DESCRIPTION"));
        assert_null(strstr(text, "CATEGORIES"));
        assert_null(strstr(text, "RELATED-TO"));
        assert_null(strstr(text, "recovery"));
        assert_null(strstr(text, "statutory"));
        assert_null(strstr(text, "planned"));
        assert_null(strstr(text, "inc1"));
        assert_null(strstr(text, "inc2"));
        /* Nor a colour by kind: every break is slategray. */
        assert_null(strstr(text, "darkorange"));
        assert_null(strstr(text, "steelblue"));
        assert_null(strstr(text, "seagreen"));

        cal = parse(text);
        assert_int_equal(count_events(cal), 4 + 2);
        assert_null(find_event(cal, "op9-20240401T0900Z@respite"));
        /* The roster says who is in the team: op99 is not in it. */
        assert_null(find_event(cal, "op99-20240401T2000Z@respite"));

        e = find_event(cal, "op5-20240401T0800Z@respite");
        assert_non_null(e);
        assert_string_equal(icalcomponent_get_summary(e), "Shift: 山田 太郎 🎧");
        e = find_event(cal, recovery5);
        assert_non_null(e);
        assert_string_equal(icalcomponent_get_summary(e), "Break: 山田 太郎 🎧");
        e = find_event(cal, statutory17);
        assert_non_null(e);
        assert_string_equal(icalcomponent_get_summary(e), "Break: Operator 17");
        /* Ordered by start, then uid. */
        e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
        for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                assert_non_null(e);
                assert_string_equal(icalcomponent_get_uid(e), order[i]);
                e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
        }
}

static void test_window_and_unknown(void **state) {
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), "x");
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL, *empty = NULL;
        _cleanup_(freep) char *text = NULL, *none = NULL;

        /* [10:50, 13:00): the shift and the recovery overlap; the statutory
         * break starts at the window's end and the planned one later. */
        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "w", .from = AT(10, 50), .to = AT(13, 0) }, &text), 0);
        cal = parse(text);
        assert_int_equal(count_events(cal), 2);
        assert_non_null(find_event(cal, "op17-recovery-inc1@respite"));
        assert_non_null(find_event(cal, "op17-20240401T0900Z@respite"));

        /* An unknown operator has an empty, valid feed. */
        assert_int_equal(feed_render(plan, NULL, FEED_OPERATOR, "nobody",
                &(FeedOptions) { .calname = "n", .from = DAY0, .to = DAY0 + USEC_PER_DAY }, &none), 0);
        assert_lines_ok(none);
        empty = parse(none);
        assert_int_equal(count_events(empty), 0);
}

static void test_folding_utf8(void **state) {
        static const char *pieces[] = { "a", "é", "日", "🎉", " ", ",", ";", "\\" };
        _cleanup_(roster_freep) Roster *roster = make_roster();

        /* Every length and mix of 1- to 4-octet sequences, so that a fold
         * falls inside each kind of sequence and a value ends right at the
         * fold point (where libical 3.0.16 itself emits "\r" fold "\n"). */
        for (unsigned len = 1; len < 160; len++)
                for (unsigned mix = 0; mix < ELEMENTSOF(pieces); mix++) {
                        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL;
                        _cleanup_(plan_freep) Plan *plan = NULL;
                        _cleanup_(freep) char *text = NULL;
                        char reason[4 * 160 + 3] = "r";     /* the parser trims leading blanks */
                        icalcomponent *e;

                        /* Odd mixes have no blank or punctuation, where
                         * libical prefers to fold. */
                        for (unsigned i = 0; i < len; i++)
                                strcat(reason, pieces[(i * 7 + mix + i / 3) %
                                                      (mix % 2 ? 4 : ELEMENTSOF(pieces))]);
                        strcat(reason, "z");

                        plan = make_plan(AT(10, 50), reason);
                        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17",
                                &(FeedOptions) { .calname = reason, .from = DAY0, .to = DAY0 + USEC_PER_DAY }, &text), 0);
                        assert_lines_ok(text);
                        cal = parse(text);
                        e = find_event(cal, "op17-recovery-inc1@respite");
                        assert_non_null(e);
                        assert_string_equal(icalcomponent_get_description(e), reason);
                }
}

static void test_sequences_in_feed(void **state) {
        _cleanup_(sequences_freep) Sequences *seq = sequences_new();
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        _cleanup_(plan_freep) Plan *moved = make_plan(AT(12, 0), LONG_REASON);
        _cleanup_(freep) char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *t = NULL;
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL, *team = NULL;
        const char *statutory = "op17-20240401T0900Z-statutory-1@respite";
        const char *recovery = "op17-recovery-inc1@respite";
        _cleanup_free_ char *team_statutory = team_uid("op17-20240401T0900Z-statutory-1"),
                            *team_recovery = team_uid("op17-recovery-inc1"),
                            *team_recovery5 = team_uid("op5-recovery-inc2");

        assert_non_null(seq);
        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq }, &a), 0);
        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq }, &b), 0);
        assert_string_equal(a, b);
        cal = parse(b);
        assert_int_equal(event_sequence(cal, statutory), 0);
        assert_true(event_last_modified(cal, statutory) == AT(10, 50));
        icalcomponent_free(TAKE_PTR(cal));

        /* At a later revision one break moved: only its SEQUENCE and
         * LAST-MODIFIED change. */
        moved->shifts[0].breaks[1].start += 15 * USEC_PER_MINUTE;
        moved->shifts[0].breaks[1].end += 15 * USEC_PER_MINUTE;
        assert_int_equal(feed_render(moved, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq }, &c), 0);
        assert_string_not_equal(b, c);
        cal = parse(c);
        assert_int_equal(event_sequence(cal, statutory), 1);
        assert_true(event_last_modified(cal, statutory) == AT(12, 0));
        assert_int_equal(event_sequence(cal, recovery), 0);
        assert_true(event_last_modified(cal, recovery) == AT(10, 50));

        /* The same state renders byte for byte the same. */
        assert_int_equal(feed_render(moved, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq }, &d), 0);
        assert_string_equal(c, d);

        /* The team feed shares the bookkeeping (by the plan's uid) and
         * agrees, under UIDs of its own. */
        assert_int_equal(feed_render(moved, roster, FEED_TEAM, "blue",
                &(FeedOptions) { .calname = "t", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq,
                                 .uid_key = key1 }, &t), 0);
        team = parse(t);
        assert_null(find_event(team, statutory));
        assert_int_equal(event_sequence(team, team_statutory), 1);
        assert_true(event_last_modified(team, team_statutory) == AT(12, 0));
        assert_int_equal(event_sequence(team, team_recovery), 0);
        assert_true(event_last_modified(team, team_recovery) == AT(10, 50));
        assert_int_equal(event_sequence(team, team_recovery5), 0);
        assert_true(event_last_modified(team, team_recovery5) == AT(12, 0));
}

/* Each break of a team feed: "break-<32 hex digits>@respite", from the
 * site's key and the plan's uid alone. */
static void assert_team_break_uid(const char *uid) {
        size_t n = strlen("break-");

        assert_true(strncmp(uid, "break-", n) == 0);
        assert_int_equal(strspn(uid + n, "0123456789abcdef"), 32);
        assert_string_equal(uid + n + 32, "@respite");
}

/* A team feed's break UIDs say nothing of the kind, the incident or the
 * operator; they stay the same for the same break from one revision to
 * the next (clients update the event, SEQUENCE rising), change with the
 * key, and the operator's own feed keeps the plan's UIDs. */
static void test_team_uids(void **state) {
        _cleanup_(sequences_freep) Sequences *seq = sequences_new();
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        _cleanup_(plan_freep) Plan *moved = make_plan(AT(12, 0), LONG_REASON);
        _cleanup_(freep) char *a = NULL, *b = NULL, *other = NULL, *own = NULL, *known = NULL, *again = NULL;
        _cleanup_(icalcomponent_freep) icalcomponent *ca = NULL, *cb = NULL, *cother = NULL, *cown = NULL;
        unsigned breaks = 0;

        /* A known answer: HMAC-SHA256(key1, uid), its first 128 bits. */
        assert_int_equal(feed_team_uid(key1, "op17-recovery-inc1", &known), 0);
        assert_string_equal(known, "break-a193e255d9aa3fbfb4e69ddc7bceff78@respite");
        assert_int_equal(feed_team_uid(key1, "op17-recovery-inc1", &again), 0);
        assert_string_equal(known, again);

        assert_non_null(seq);
        assert_int_equal(feed_render(plan, roster, FEED_TEAM, "blue",
                &(FeedOptions) { .calname = "t", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq,
                                 .uid_key = key1 }, &a), 0);
        /* A later revision moved op17's recovery break. */
        moved->shifts[0].breaks[0].start += 5 * USEC_PER_MINUTE;
        moved->shifts[0].breaks[0].end += 5 * USEC_PER_MINUTE;
        assert_int_equal(feed_render(moved, roster, FEED_TEAM, "blue",
                &(FeedOptions) { .calname = "t", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq,
                                 .uid_key = key1 }, &b), 0);
        assert_int_equal(feed_render(moved, roster, FEED_TEAM, "blue",
                &(FeedOptions) { .calname = "t", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .uid_key = key2 },
                &other), 0);
        assert_int_equal(feed_render(moved, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .uid_key = key1 },
                &own), 0);
        ca = parse(a);
        cb = parse(b);
        cother = parse(other);
        cown = parse(own);

        for (size_t i = 0; i < 2; i++) {
                const ShiftPlan *sp = &moved->shifts[i];

                for (size_t j = 0; j < sp->n_breaks; j++) {
                        const Break *brk = &sp->breaks[j];
                        _cleanup_free_ char *uid = team_uid(brk->uid), *uid2 = NULL, *mine = NULL;
                        icalcomponent *e;

                        assert_int_equal(feed_team_uid(key2, brk->uid, &uid2), 0);
                        assert_team_break_uid(uid);
                        assert_team_break_uid(uid2);
                        assert_string_not_equal(uid, uid2);
                        /* Nothing of the plan's uid: kind, incident, operator. */
                        assert_null(strstr(uid, break_kind_to_string(brk->kind)));
                        assert_null(strstr(uid, "inc"));
                        assert_null(strstr(uid, sp->operator));

                        /* Stable across the two renders; SEQUENCE rises where it moved. */
                        e = find_event(ca, uid);
                        assert_non_null(e);
                        assert_non_null(find_event(cb, uid));
                        assert_int_equal(event_sequence(cb, uid), i == 0 && j == 0 ? 1 : 0);
                        assert_true(to_usec(icalcomponent_get_dtstart(find_event(cb, uid))) == brk->start);
                        /* Another key, other UIDs, the same times. */
                        assert_null(find_event(cother, uid));
                        e = find_event(cother, uid2);
                        assert_non_null(e);
                        assert_true(to_usec(icalcomponent_get_dtstart(e)) == brk->start);
                        /* The operator's own feed keeps the plan's UID. */
                        if (i == 0) {
                                assert_int_equal(feed_event_uid(brk->uid, &mine), 0);
                                assert_non_null(find_event(cown, mine));
                                assert_null(find_event(cown, uid));
                        }
                        breaks++;
                }
        }
        assert_int_equal(breaks, 4);
        assert_int_equal(count_events(cb), 4 + 2);
        assert_int_equal(count_events(cother), 4 + 2);
        assert_non_null(strstr(own, "UID:op17-recovery-inc1@respite\r\n"));
        assert_null(strstr(own, "break-"));
}

/* REFRESH-INTERVAL and X-PUBLISHED-TTL say the same, from the caller. */
static void test_refresh(void **state) {
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(freep) char *text = NULL, *hourly = NULL;

        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .refresh = 10 * USEC_PER_MINUTE, .from = DAY0, .to = DAY0 + USEC_PER_DAY }, &text), 0);
        assert_non_null(strstr(text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT10M\r\n"));
        assert_non_null(strstr(text, "\r\nX-PUBLISHED-TTL:PT10M\r\n"));
        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY }, &hourly), 0);
        assert_non_null(strstr(hourly, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n"));
        assert_non_null(strstr(hourly, "\r\nX-PUBLISHED-TTL:PT15M\r\n"));
}

static void test_offline_plan(void **state) {
        _cleanup_(plan_freep) Plan *plan = make_plan(0, "r");
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL;
        _cleanup_(sequences_freep) Sequences *seq = sequences_new();
        _cleanup_(freep) char *a = NULL, *b = NULL;

        assert_int_equal(feed_render(plan, NULL, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY }, &a), 0);
        assert_int_equal(feed_render(plan, NULL, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .seq = seq }, &b), 0);
        assert_string_equal(a, b);
        cal = parse(a);
        assert_true(event_last_modified(cal, "op17-recovery-inc1@respite") == AT(10, 45));
        assert_true(event_last_modified(cal, "op17-20240401T0900Z@respite") == AT(9, 0));
}

/* A Japanese feed says every reason of the planner in Japanese (reason.h's
 * shapes): a recovery interrupted by a call, after a long call, here
 * without a policy (the shipped words). */
static void test_japanese_reasons(void **state) {
        _cleanup_(plan_freep) Plan *plan = make_plan(0, "rest of the recovery interrupted by a call "
                                                        "(after a call of 69 min (prolonged_call))");
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL;
        _cleanup_(freep) char *text = NULL;
        char *saved = NULL;

        assert_int_equal(use_build_catalogues(state), 0);
        assert_int_equal(i18n_language_push("ja", &saved), 0);
        assert_int_equal(feed_render(plan, NULL, FEED_OPERATOR, "op17",
                &(FeedOptions) { .calname = "o", .language = "ja", .from = DAY0, .to = DAY0 + USEC_PER_DAY },
                &text), 0);
        i18n_language_pop(saved);
        cal = parse(text);
        assert_string_equal(icalcomponent_get_description(find_event(cal, "op17-recovery-inc1@respite")),
                            "通話で中断された回復休憩の残り（長時間の通話（1時間9分）の後）です。");
        /* Not the planner's: as written. */
        assert_string_equal(icalcomponent_get_description(find_event(cal, "op17-20240401T0900Z-planned-1@respite")),
                            "split shift gap");
}

static void test_sequences_many(void **state) {
        _cleanup_(sequences_freep) Sequences *seq = sequences_new();
        const unsigned n = 20000;
        unsigned s;
        usec_t m;

        assert_non_null(seq);
        for (unsigned round = 0; round < 3; round++)
                for (unsigned i = 0; i < n; i++) {
                        char uid[32];
                        /* Odd uids move every round, even ones stay. */
                        usec_t start = AT(9, 0) + (i % 2 ? round : 0) * USEC_PER_MINUTE;

                        snprintf(uid, sizeof uid, "op%u-recovery-%u", i % 97, i);
                        assert_int_equal(sequences_update(seq, uid, start, start + USEC_PER_HOUR,
                                                          AT(10, round), &s, &m), 0);
                        assert_int_equal(s, i % 2 ? round : 0);
                        assert_true(m == AT(10, i % 2 ? round : 0));
                }

        /* The end alone moving counts too. */
        assert_int_equal(sequences_update(seq, "op0-recovery-0", AT(9, 0), AT(11, 0), AT(11, 0),
                                          &s, &m), 0);
        assert_int_equal(s, 1);
        assert_true(m == AT(11, 0));
}

static void rm_rf_flat(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;

        assert_non_null(d);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        char p[PATH_MAX];

                        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
                        assert_int_equal(unlink(p), 0);
                }
        closedir(d);
        assert_int_equal(rmdir(dir), 0);
}

static unsigned count_entries(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;
        unsigned n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

static void assert_file(const char *path, const char *text, mode_t mode) {
        char buf[256] = "";
        struct stat st;
        FILE *f;

        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, mode);
        f = fopen(path, "re");
        assert_non_null(f);
        assert_int_equal(fread(buf, 1, sizeof buf - 1, f), strlen(text));
        fclose(f);
        assert_string_equal(buf, text);
}

static const AdherenceDetail *test_adherence_of(const char *uid, void *userdata) {
        static const AdherenceDetail taken = { .adherence = ADHERENCE_TAKEN, .off = 45 * USEC_PER_MINUTE };
        static const AdherenceDetail partly = { .adherence = ADHERENCE_PARTLY_TAKEN, .off = 5 * USEC_PER_MINUTE,
                                                .interrupted = AT(10, 40) };

        return strstr(uid, "statutory") ? &taken : strstr(uid, "recovery") ? &partly : NULL;
}

static void test_adherence(void **state) {
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        _cleanup_(freep) char *text = NULL, *team_text = NULL;
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL, *team = NULL;
        const char *statutory = "op17-20240401T0900Z-statutory-1@respite";
        const char *recovery = "op17-recovery-inc1@respite";
        FeedOptions o = { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY,
                          .adherence_of = test_adherence_of };
        const char *description;

        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17", &o, &text), 0);
        assert_lines_ok(text);
        cal = parse(text);
        /* This break has no reason: the description is what was taken. */
        assert_string_equal(x_property(find_event(cal, statutory), "X-RESPITE-ADHERENCE"), "taken");
        description = icalcomponent_get_description(find_event(cal, statutory));
        assert_string_equal(description, "Taken.");
        /* One with a reason keeps it, and says what was taken on a line of its own. */
        assert_string_equal(x_property(find_event(cal, recovery), "X-RESPITE-ADHERENCE"), "partly_taken");
        description = icalcomponent_get_description(find_event(cal, recovery));
        assert_true(strncmp(description, LONG_REASON, strlen(LONG_REASON)) == 0);
        assert_string_equal(description + strlen(LONG_REASON), "\nPartly taken: a call was answered during it.");

        /* A team feed never says. */
        o.uid_key = key1;
        assert_int_equal(feed_render(plan, roster, FEED_TEAM, "blue", &o, &team_text), 0);
        assert_null(strstr(team_text, "Taken"));
        assert_null(strstr(team_text, "ADHERENCE"));
}

/* With alarm_before, each break of the operator's feed has a DISPLAY alarm
 * that long before it (RFC 5545 §3.6.6: ACTION, TRIGGER, DESCRIPTION); the
 * shift none, and a team feed never. */
static void test_alarms(void **state) {
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        _cleanup_(freep) char *text = NULL, *team_text = NULL;
        _cleanup_(icalcomponent_freep) icalcomponent *cal = NULL, *team = NULL;
        FeedOptions o = { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY,
                          .alarm_before = 5 * USEC_PER_MINUTE };
        unsigned alarms = 0;

        assert_int_equal(feed_render(plan, roster, FEED_OPERATOR, "op17", &o, &text), 0);
        assert_lines_ok(text);
        cal = parse(text);
        for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
                icalcomponent *a = icalcomponent_get_first_component(e, ICAL_VALARM_COMPONENT);
                struct icaltriggertype t;

                if (streq(icalcomponent_get_summary(e), "Shift")) {
                        assert_null(a);
                        continue;
                }
                assert_non_null(a);
                assert_null(icalcomponent_get_next_component(e, ICAL_VALARM_COMPONENT));
                assert_int_equal(icalproperty_get_action(icalcomponent_get_first_property(a, ICAL_ACTION_PROPERTY)),
                                 ICAL_ACTION_DISPLAY);
                t = icalproperty_get_trigger(icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY));
                assert_int_equal(icaldurationtype_as_int(t.duration), -300);
                assert_string_equal(icalproperty_get_description(
                        icalcomponent_get_first_property(a, ICAL_DESCRIPTION_PROPERTY)),
                        icalcomponent_get_summary(e));
                alarms++;
        }
        assert_int_equal(alarms, 3);

        o.uid_key = key1;
        assert_int_equal(feed_render(plan, roster, FEED_TEAM, "blue", &o, &team_text), 0);
        assert_null(strstr(team_text, "VALARM"));
        team = parse(team_text);
        for (icalcomponent *e = icalcomponent_get_first_component(team, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(team, ICAL_VEVENT_COMPONENT)) {
                icalproperty *color = icalcomponent_get_first_property(e, ICAL_COLOR_PROPERTY);

                if (strncmp(icalcomponent_get_summary(e), "Break", 5) == 0)
                        assert_string_equal(icalproperty_get_color(color), "slategray");
                else
                        assert_null(color);
        }
}

/* With breaks_only, both feeds hold the same breaks and no shift: clients
 * that ignore TRANSP then give the breaks the whole column. */
static void test_breaks_only(void **state) {
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_(plan_freep) Plan *plan = make_plan(AT(10, 50), LONG_REASON);
        FeedOptions o = { .calname = "o", .from = DAY0, .to = DAY0 + USEC_PER_DAY, .uid_key = key1 };
        static const FeedAudience audiences[] = { FEED_OPERATOR, FEED_TEAM };
        static const char * const who[] = { "op17", "blue" };

        for (size_t i = 0; i < ELEMENTSOF(audiences); i++) {
                _cleanup_(freep) char *all = NULL, *breaks = NULL;
                _cleanup_(icalcomponent_freep) icalcomponent *a = NULL, *b = NULL;
                unsigned shifts = 0, n_all = 0, n_breaks = 0;

                o.breaks_only = false;
                assert_int_equal(feed_render(plan, roster, audiences[i], who[i], &o, &all), 0);
                o.breaks_only = true;
                assert_int_equal(feed_render(plan, roster, audiences[i], who[i], &o, &breaks), 0);
                assert_lines_ok(breaks);
                a = parse(all);
                b = parse(breaks);
                for (icalcomponent *e = icalcomponent_get_first_component(a, ICAL_VEVENT_COMPONENT); e;
                     e = icalcomponent_get_next_component(a, ICAL_VEVENT_COMPONENT)) {
                        n_all++;
                        shifts += strncmp(icalcomponent_get_summary(e), "Shift", 5) == 0;
                }
                for (icalcomponent *e = icalcomponent_get_first_component(b, ICAL_VEVENT_COMPONENT); e;
                     e = icalcomponent_get_next_component(b, ICAL_VEVENT_COMPONENT)) {
                        n_breaks++;
                        assert_int_not_equal(strncmp(icalcomponent_get_summary(e), "Shift", 5), 0);
                        assert_int_equal(icalcomponent_get_first_property(e, ICAL_TRANSP_PROPERTY) ?
                                         icalproperty_get_transp(icalcomponent_get_first_property(e, ICAL_TRANSP_PROPERTY)) :
                                         ICAL_TRANSP_NONE, ICAL_TRANSP_OPAQUE);
                }
                assert_true(shifts > 0);
                assert_true(n_breaks > 0);
                assert_int_equal(n_breaks, n_all - shifts);
        }
}

static void test_names(void **state) {
        _cleanup_(roster_freep) Roster *roster = make_roster();
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

        assert_int_equal(feed_name(FEED_OPERATOR, "op17", &a), 0);
        assert_string_equal(a, "op17");
        assert_int_equal(feed_name(FEED_TEAM, "窓口", &b), 0);
        assert_string_equal(b, "team-窓口");
        assert_int_equal(feed_calendar_name(roster, FEED_OPERATOR, "op5", &c), 0);
        assert_string_equal(c, "山田 太郎 🎧: breaks");
        assert_int_equal(feed_calendar_name(roster, FEED_TEAM, "blue", &d), 0);
        assert_string_equal(d, "Team blue: breaks");
        /* An operator gone from the roster keeps a name: the id. */
        assert_int_equal(feed_calendar_name(roster, FEED_OPERATOR, "op99", &e), 0);
        assert_string_equal(e, "op99: breaks");
}

static void test_write_file(void **state) {
        char dir[] = "/tmp/test-feed-XXXXXX", path[PATH_MAX];
        mode_t old;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/op17.ics", dir);

        assert_int_equal(feed_write_file(dir, "../x", "x", 0644), -EINVAL);
        assert_int_equal(feed_write_file(dir, "a/b", "x", 0644), -EINVAL);
        assert_int_equal(feed_write_file(dir, ".hidden", "x", 0644), -EINVAL);
        assert_int_equal(feed_write_file(dir, "", "x", 0644), -EINVAL);
        assert_int_equal(feed_write_file(dir, NULL, "x", 0644), -EINVAL);
        assert_int_equal(count_entries(dir), 0);

        /* An operator's own feed is for respited's user alone, a team's for
         * everyone (feed_file_mode()). */
        assert_int_equal(feed_file_mode(FEED_OPERATOR), 0600);
        assert_int_equal(feed_file_mode(FEED_TEAM), 0644);

        /* The mode does not depend on the umask. */
        old = umask(0077);
        assert_int_equal(feed_write_file(dir, "op17.ics", "BEGIN:VCALENDAR\r\n", 0644), 0);
        umask(old);
        assert_file(path, "BEGIN:VCALENDAR\r\n", 0644);
        /* Rewritten with another mode: that mode. */
        assert_int_equal(feed_write_file(dir, "op17.ics", "second\r\n", 0600), 0);
        assert_file(path, "second\r\n", 0600);
        assert_int_equal(feed_write_file(dir, "team-blue.ics", "", 0644), 0);
        assert_int_equal(count_entries(dir), 2);       /* no temporaries left */

        /* A missing directory fails and leaves nothing behind. */
        snprintf(path, sizeof path, "%s/missing", dir);
        assert_int_equal(feed_write_file(path, "op17.ics", "x", 0644), -ENOENT);
        assert_int_equal(count_entries(dir), 2);

        rm_rf_flat(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_operator_feed),
                cmocka_unit_test(test_team_feed),
                cmocka_unit_test(test_window_and_unknown),
                cmocka_unit_test(test_folding_utf8),
                cmocka_unit_test(test_sequences_in_feed),
                cmocka_unit_test(test_team_uids),
                cmocka_unit_test(test_refresh),
                cmocka_unit_test(test_offline_plan),
                cmocka_unit_test(test_japanese_reasons),
                cmocka_unit_test(test_sequences_many),
                cmocka_unit_test(test_adherence),
                cmocka_unit_test(test_alarms),
                cmocka_unit_test(test_breaks_only),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_write_file),
        };

        return cmocka_run_group_tests(tests, setup_keys, NULL);
}
