/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verbs of lead alerts and of the incident record, over D-Bus: ack
 * (AcknowledgeAlert), alerts (ListAlerts), incidents (GetIncidentRecord).
 * Times show in the daemon's zone, and today is the daemon's today; CSV
 * and JSON give every instant in ISO 8601 with its offset. */
#include <stddef.h>

#include "ctl/ctl-bus.h"
#include "ctl/ctl-json.h"
#include "ctl/format-table.h"
#include "ctl/respitectl.h"
#include "ctl/verbs-internal.h"
#include "shared/bus-contract.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* alerts and incidents print a table, CSV or JSON; ics and html are plan's. */
static int verbs_alerts_check_format(const char *verb) {
        if (arg_format == FORMAT_ICS || arg_format == FORMAT_HTML)
                return log_error_errno(EINVAL, _("--format %s is for plan; %s prints table, csv or json."),
                                       arg_format == FORMAT_ICS ? "ics" : "html", verb);
        return 0;
}

/* text, for option: an ISO 8601 instant, or a date (YYYY-MM-DD, today,
 * yesterday, tomorrow) meaning its first instant, or with end_of_day the
 * first of the next day (so that "--to 1999-01-31" holds the 31st). Logs. */
static int verbs_alerts_parse_bound(const char *option, const char *text, bool end_of_day, const char *zone,
                                    usec_t now, usec_t *ret) {
        char date[ISO8601_MAX];
        usec_t start, end;
        int r;

        if (strlen(text) > 10)
                r = time_parse_iso8601(text, zone, ret);
        else {
                r = verbs_daemon_resolve_date(text, zone, now, date);
                if (r >= 0)
                        r = time_parse_day(date, zone, &start, &end);
                if (r >= 0)
                        *ret = end_of_day ? end : start;
        }
        if (r < 0)
                return log_error_errno(EINVAL, _("%s: expected an ISO 8601 time or a date such as 1999-01-04, today "
                                         "or yesterday, got '%s'."), option, text);
        return 0;
}

/* "09:01-09:21", with the date when the span starts on another day than
 * day; "-" for none. */
static void verbs_alerts_format_span(usec_t from, usec_t to, usec_t day, const char *zone,
                                     char buf[static 2 * ISO8601_MAX]) {
        char a[ISO8601_MAX], b[ISO8601_MAX];
        int day_from = 0, day_of = 0;

        if (from == 0) {
                snprintf(buf, 2 * ISO8601_MAX, "-");
                return;
        }
        (void) time_local_day(from, zone, &day_from);
        (void) time_local_day(day, zone, &day_of);
        /* TRANSLATORS: a recovery break's span in respitectl alerts and incidents, "09:01-09:21" (the text only:
         * their CSV gives the two times). */
        snprintf(buf, 2 * ISO8601_MAX, _("%s-%s"),
                 table_format_time(day_from != day_of ? TABLE_TIMESTAMP_MINUTE : TABLE_CLOCK, from, zone, a),
                 table_format_time(TABLE_CLOCK, to, zone, b));
}

/* "09:02 by lead1" (with the date when not on day's day), "-" for none. */
static int verbs_alerts_format_ack(usec_t when, const char *by, usec_t day, const char *zone, char **ret) {
        char t[ISO8601_MAX];
        int day_when = 0, day_of = 0;

        if (when == 0)
                return strdup_to(ret, "-");
        (void) time_local_day(when, zone, &day_when);
        (void) time_local_day(day, zone, &day_of);
        table_format_time(day_when != day_of ? TABLE_TIMESTAMP_MINUTE : TABLE_CLOCK, when, zone, t);
        if (isempty(by))
                return strdup_to(ret, t);
        /* TRANSLATORS: "10:42 by lead1": when and by whom an alert was acknowledged. */
        return asprintf(ret, _("%s by %s"), t, by) < 0 ? -ENOMEM : 0;
}

static const char *verbs_alerts_empty_to_null(const char *s) {
        return isempty(s) ? NULL : s;
}

/* ---- ack ---- */

int verb_ack(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        int r;

        r = ctl_bus_open(&bus, NULL, NULL);
        if (r < 0)
                return r;
        r = ctl_bus_call(bus, BUS_METHOD_ACKNOWLEDGE_ALERT, N_("acknowledge the alert"), NULL, "ss", args[1],
                         arg_note ?: "");
        if (r < 0)
                return r;
        if (arg_json) {
                o = json_object_new_object();
                if (!o || ctl_json_add_string(o, "id", args[1]) < 0 ||
                    ctl_json_add_string(o, "note", verbs_alerts_empty_to_null(arg_note)) < 0 || ctl_json_print(o) < 0)
                        return log_oom();
                return 0;
        }
        fprintf(stderr, arg_note ? _("Acknowledged: the other leads' notifications of it close. `respitectl alerts` "
                                     "shows it with your note.\n") :
                                   _("Acknowledged: the other leads' notifications of it close. `respitectl alerts` "
                                     "shows it.\n"));
        return 0;
}

/* ---- alerts ---- */

/* ListAlerts, as read. */
typedef struct AlertRow {
        const char *id, *operator, *team, *category;
        uint64_t when, raised, recovery_start, recovery_end, escalated, acknowledged;
        const char *acknowledged_by, *note;
} AlertRow;

static const CtlBusField verbs_alerts_alert_fields[] = {
        { 's', offsetof(AlertRow, id)              },
        { 's', offsetof(AlertRow, operator)        },
        { 's', offsetof(AlertRow, team)            },
        { 's', offsetof(AlertRow, category)        },
        { 't', offsetof(AlertRow, when)            },
        { 't', offsetof(AlertRow, raised)          },
        { 't', offsetof(AlertRow, recovery_start)  },
        { 't', offsetof(AlertRow, recovery_end)    },
        { 't', offsetof(AlertRow, escalated)       },
        { 't', offsetof(AlertRow, acknowledged)    },
        { 's', offsetof(AlertRow, acknowledged_by) },
        { 's', offsetof(AlertRow, note)            },
};

/* Open alerts first, each part by when it was raised. */
static int verbs_alerts_alert_compare(const void *a, const void *b) {
        const AlertRow *x = a, *y = b;

        return CMP(x->acknowledged > 0, y->acknowledged > 0) ?: CMP(x->raised, y->raised) ?: strcmp(x->id, y->id);
}

static const TableColumn verbs_alerts_alert_columns[] = {
        { N_("ID"),           "id"              },
        { N_("STATE"),        NULL              },
        { NULL,           "state"           },
        { N_("WHEN"),         "time"            },
        { NULL,           "raised"          },
        { N_("OPERATOR"),     "operator"        },
        { N_("TEAM"),         "team"            },
        { N_("CATEGORY"),     "category"        },
        { N_("RECOVERY"),     NULL              },
        { NULL,           "recovery_start"  },
        { NULL,           "recovery_end"    },
        { NULL,           "escalated"       },
        { N_("ACKNOWLEDGED"), NULL              },
        { NULL,           "acknowledged"    },
        { NULL,           "acknowledged_by" },
        { N_("NOTE"),         "note"            },
};

static int verbs_alerts_alert_row(Table *t, const AlertRow *a, const char *zone) {
        _cleanup_free_ char *ack = NULL;
        char recovery[2 * ISO8601_MAX];
        /* TRANSLATORS: an alert's STATE in respitectl alerts: acknowledged, or still open (escalated: sent on to
         * more leads). */
        const char *state = a->acknowledged > 0 ? _("acknowledged") :
                            a->escalated > 0 ? _("OPEN, escalated") : _("OPEN");

        verbs_alerts_format_span(a->recovery_start, a->recovery_end, a->when, zone, recovery);
        if (verbs_alerts_format_ack(a->acknowledged, a->acknowledged_by, a->when, zone, &ack) < 0)
                return -ENOMEM;
        if (table_add_string(t, a->id) < 0 || table_add_string(t, state) < 0 ||
            table_add_string(t, a->acknowledged > 0 ? "acknowledged" : "open") < 0 ||
            table_add_time(t, TABLE_TIMESTAMP_MINUTE, a->when, zone) < 0 ||
            table_add_time(t, TABLE_TIMESTAMP_MINUTE, a->raised, zone) < 0 || table_add_string(t, a->operator) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(a->team)) < 0 || table_add_string(t, a->category) < 0 ||
            table_add_string(t, recovery) < 0 || table_add_time(t, TABLE_CLOCK, a->recovery_start, zone) < 0 ||
            table_add_time(t, TABLE_CLOCK, a->recovery_end, zone) < 0 ||
            table_add_time(t, TABLE_CLOCK, a->escalated, zone) < 0 || table_add_string(t, ack) < 0 ||
            table_add_time(t, TABLE_CLOCK, a->acknowledged, zone) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(a->acknowledged_by)) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(a->note)) < 0)
                return -ENOMEM;
        return 0;
}

int verb_alerts(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        _cleanup_free_ AlertRow *rows = NULL;
        _cleanup_free_ char *zone = NULL, *none = NULL;
        char since_text[ISO8601_MAX];
        usec_t since, now;
        size_t n, n_open = 0;
        int r;

        r = verbs_alerts_check_format("alerts");
        if (r < 0)
                return r;
        r = ctl_bus_open(&bus, &zone, &now);
        if (r < 0)
                return r;
        r = verbs_alerts_parse_bound("--since", arg_since ?: "today", false, zone, now, &since);
        if (r < 0)
                return r;

        r = ctl_bus_call(bus, BUS_METHOD_LIST_ALERTS, N_("list the alerts"), &reply, "t", (uint64_t) since);
        if (r < 0)
                return r;
        r = ctl_bus_read_array(reply, 'r', verbs_alerts_alert_fields, ELEMENTSOF(verbs_alerts_alert_fields),
                               sizeof(AlertRow), (void **) &rows, &n);
        if (r < 0)
                return ctl_bus_log_read_error(r);
        if (n > 0)
                qsort(rows, n, sizeof(AlertRow), verbs_alerts_alert_compare);

        t = table_new(verbs_alerts_alert_columns, ELEMENTSOF(verbs_alerts_alert_columns));
        if (!t)
                return log_oom();
        table_set_csv_style(t, TABLE_CSV_RECORD);
        for (size_t i = 0; i < n; i++) {
                if (verbs_alerts_alert_row(t, &rows[i], zone) < 0)
                        return log_oom();
                n_open += rows[i].acknowledged == 0;
        }
        if (asprintf(&none, _("No alerts open, and none raised since %s.\n"),
                     table_format_time(TABLE_TIMESTAMP_MINUTE, since, zone, since_text)) < 0)
                return log_oom();
        r = verbs_daemon_print_table(t, none);
        if (r >= 0 && n_open > 0 && arg_format == FORMAT_TABLE) {
                fflush(stdout);         /* the hint after the table, also into one pipe */
                fprintf(stderr, P_("%zu open: `respitectl ack ID [--note TEXT]` acknowledges it.\n",
                                   "%zu open: `respitectl ack ID [--note TEXT]` acknowledges one.\n", n_open), n_open);
        }
        return r;
}

/* ---- incidents: the incident record ---- */

/* GetIncidentRecord, one incident as read. */
typedef struct IncidentRecord {
        const char *id, *operator, *team, *category, *note, *source, *taken, *alert_id;
        const char *acknowledged_by, *acknowledge_note;
        uint64_t time, received, recovery_start, recovery_end, alerted, escalated, acknowledged;
} IncidentRecord;

/* Names that are not here are skipped (the contract lets respited add some). */
static const CtlBusProperty verbs_alerts_incident_map[] = {
        { "Id",                "s", NULL, offsetof(IncidentRecord, id)               },
        { "Operator",          "s", NULL, offsetof(IncidentRecord, operator)         },
        { "Team",              "s", NULL, offsetof(IncidentRecord, team)             },
        { "Category",          "s", NULL, offsetof(IncidentRecord, category)         },
        { "TimeUSec",          "t", NULL, offsetof(IncidentRecord, time)             },
        { "ReceivedUSec",      "t", NULL, offsetof(IncidentRecord, received)         },
        { "Note",              "s", NULL, offsetof(IncidentRecord, note)             },
        { "Source",            "s", NULL, offsetof(IncidentRecord, source)           },
        { "RecoveryStartUSec", "t", NULL, offsetof(IncidentRecord, recovery_start)   },
        { "RecoveryEndUSec",   "t", NULL, offsetof(IncidentRecord, recovery_end)     },
        { "Taken",             "s", NULL, offsetof(IncidentRecord, taken)            },
        { "AlertId",           "s", NULL, offsetof(IncidentRecord, alert_id)         },
        { "AlertedUSec",       "t", NULL, offsetof(IncidentRecord, alerted)          },
        { "EscalatedUSec",     "t", NULL, offsetof(IncidentRecord, escalated)        },
        { "AcknowledgedUSec",  "t", NULL, offsetof(IncidentRecord, acknowledged)     },
        { "AcknowledgedBy",    "s", NULL, offsetof(IncidentRecord, acknowledged_by)  },
        { "AcknowledgeNote",   "s", NULL, offsetof(IncidentRecord, acknowledge_note) },
        {}
};

static int verbs_alerts_incident_compare(const void *a, const void *b) {
        const IncidentRecord *x = a, *y = b;

        return CMP(x->time, y->time) ?: strcmp(x->id ?: "", y->id ?: "");
}

/* The record's columns, as respitectl(1) THE INCIDENT RECORD describes
 * them; CSV and JSON have every JSON column, the text fewer. */
static const TableColumn verbs_alerts_incident_columns[] = {
        { N_("TIME"),         "time"             },
        { N_("OPERATOR"),     "operator"         },
        { N_("TEAM"),         "team"             },
        { N_("CATEGORY"),     "category"         },
        { NULL,           "note"             },
        { NULL,           "source"           },
        { N_("RECOVERY"),     NULL               },
        { NULL,           "recovery_start"   },
        { NULL,           "recovery_end"     },
        { N_("TAKEN"),        NULL               },
        { NULL,           "taken"            },
        { NULL,           "alert"            },
        { N_("ALERTED"),      "alerted"          },
        { N_("ACKNOWLEDGED"), NULL               },
        { NULL,           "acknowledged"     },
        { NULL,           "acknowledged_by"  },
        { N_("ESCALATED"),    "escalated"        },
        { NULL,           "acknowledge_note" },
        { NULL,           "received"         },
        { NULL,           "id"               },
        { N_("NOTE"),         NULL               },
};

/* The TAKEN column: "partly_taken" → "partly taken" ("一部取得"), in the
 * reader's language; "" (not known) → "-"; another word (from a newer
 * respited) with its "_" as spaces. */
static int verbs_alerts_taken_words(const char *taken, char **ret) {
        static const I18nWords known[] = {
                /* TRANSLATORS: whether a recovery break was taken, in respitectl incidents' TAKEN column. */
                { "taken", N_("taken") }, { "partly_taken", N_("partly taken") }, { "not_taken", N_("not taken") },
        };
        const char *words = I18N_WORDS_FIND(known, taken);
        char *s;

        if (isempty(taken))
                return strdup_to(ret, "-");
        if (words)
                return strdup_to(ret, _(words));
        s = strdup(taken);
        if (!s)
                return -ENOMEM;
        for (char *c = s; *c; c++)
                if (*c == '_')
                        *c = ' ';
        *ret = s;
        return 0;
}

static int verbs_alerts_incident_row(Table *t, const IncidentRecord *i, const char *zone) {
        _cleanup_free_ char *taken = NULL, *ack = NULL;
        char recovery[2 * ISO8601_MAX];

        verbs_alerts_format_span(i->recovery_start, i->recovery_end, i->time, zone, recovery);
        if (verbs_alerts_taken_words(i->taken, &taken) < 0 ||
            verbs_alerts_format_ack(i->acknowledged, i->acknowledged_by, i->time, zone, &ack) < 0)
                return -ENOMEM;
        if (table_add_time(t, TABLE_TIMESTAMP_MINUTE, i->time, zone) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->operator)) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->team)) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->category)) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->note)) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->source)) < 0 || table_add_string(t, recovery) < 0 ||
            table_add_time(t, TABLE_CLOCK, i->recovery_start, zone) < 0 ||
            table_add_time(t, TABLE_CLOCK, i->recovery_end, zone) < 0 || table_add_string(t, taken) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->taken)) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->alert_id)) < 0 ||
            table_add_time(t, TABLE_CLOCK, i->alerted, zone) < 0 || table_add_string(t, ack) < 0 ||
            table_add_time(t, TABLE_CLOCK, i->acknowledged, zone) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->acknowledged_by)) < 0 ||
            table_add_time(t, TABLE_CLOCK, i->escalated, zone) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->acknowledge_note)) < 0 ||
            table_add_time(t, TABLE_CLOCK, i->received, zone) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->id)) < 0 ||
            table_add_string(t, verbs_alerts_empty_to_null(i->note)) < 0)
                return -ENOMEM;
        return 0;
}

/* What the text says when nothing is found: "No incidents of op16 from
 * 1999-01-04 00:00 to 1999-01-05 00:00." */
static int verbs_alerts_incidents_none(usec_t from, usec_t to, const char *zone, char **ret) {
        _cleanup_free_ char *span = NULL;
        char a[ISO8601_MAX], b[ISO8601_MAX];
        int r;

        table_format_time(TABLE_TIMESTAMP_MINUTE, from, zone, a);
        table_format_time(TABLE_TIMESTAMP_MINUTE, to, zone, b);
        /* TRANSLATORS: the span of the incident record looked in, for the messages below. */
        if ((to > 0 ? asprintf(&span, _("from %s to %s"), a, b) : asprintf(&span, _("from %s"), a)) < 0)
                return -ENOMEM;
        if (arg_operator && arg_team)
                /* TRANSLATORS: "No incidents of op16 in team retail from 1999-01-04 00:00 to …". */
                r = asprintf(ret, _("No incidents of %s in team %s %s.\n"), arg_operator, arg_team, span);
        else if (arg_operator)
                r = asprintf(ret, _("No incidents of %s %s.\n"), arg_operator, span);
        else if (arg_team)
                r = asprintf(ret, _("No incidents in team %s %s.\n"), arg_team, span);
        else
                r = asprintf(ret, _("No incidents %s.\n"), span);
        return r < 0 ? -ENOMEM : 0;
}

/* The pages of the record (replies, kept: the rows point into them). */
typedef struct RecordPages {
        sd_bus_message **replies;
        size_t n;
} RecordPages;

static void verbs_alerts_record_pages_done(RecordPages *p) {
        for (size_t i = 0; i < p->n; i++)
                sd_bus_message_unref(p->replies[i]);
        free(p->replies);
}

/* The incident record of [from, to) of team ("" = all the caller sees),
 * page by page (GetIncidentRecordPage: no reply of respited may exceed
 * what the bus carries), into *rows and *n. Logs its errors. */
static int verbs_alerts_read_record(sd_bus *bus, usec_t from, usec_t to, const char *team, RecordPages *pages,
                                    IncidentRecord **rows, size_t *n) {
        _cleanup_free_ char *cursor = strdup("");
        int r;

        if (!cursor)
                return log_oom();
        do {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_free_ IncidentRecord *page = NULL;
                const char *next;
                size_t k;

                r = ctl_bus_call(bus, BUS_METHOD_GET_INCIDENT_RECORD_PAGE, N_("read the incident record"), &reply,
                                 "ttsus", (uint64_t) from, (uint64_t) to, team, (uint32_t) 0, cursor);
                if (r < 0)
                        return r;
                r = ctl_bus_read_property_array(reply, verbs_alerts_incident_map, sizeof(IncidentRecord),
                                                (void **) &page, &k);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "s", &next);
                if (r < 0)
                        return ctl_bus_log_read_error(r);
                if (array_grow((void **) &pages->replies, pages->n, sizeof(sd_bus_message *)) < 0)
                        return log_oom();
                pages->replies[pages->n++] = TAKE_PTR(reply);
                if (k > 0) {
                        IncidentRecord *all = reallocarray(*rows, *n + k, sizeof(IncidentRecord));

                        if (!all)
                                return log_oom();
                        memcpy(all + *n, page, k * sizeof(IncidentRecord));
                        *rows = all;
                        *n += k;
                }
                free(cursor);
                cursor = strdup(next);
                if (!cursor)
                        return log_oom();
        } while (!isempty(cursor));
        return 0;
}

int verb_incidents(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(verbs_alerts_record_pages_done) RecordPages pages = {};
        _cleanup_(table_freep) Table *t = NULL;
        _cleanup_free_ IncidentRecord *rows = NULL;
        _cleanup_free_ char *zone = NULL, *none = NULL;
        usec_t from, to = 0, now;
        size_t n = 0;
        int r;

        r = verbs_alerts_check_format("incidents");
        if (r < 0)
                return r;
        if (arg_since && arg_from)
                return log_error_errno(EINVAL, "%s", _("--since is another name of --from: give one of them."));
        r = ctl_bus_open(&bus, &zone, &now);
        if (r < 0)
                return r;
        /* --since, the option of respite 0.1, is --from. */
        r = verbs_alerts_parse_bound(arg_since ? "--since" : "--from", arg_since ?: arg_from ?: "today", false, zone,
                                     now, &from);
        if (r >= 0 && arg_to)
                r = verbs_alerts_parse_bound("--to", arg_to, true, zone, now, &to);
        if (r < 0)
                return r;
        if (to > 0 && to <= from)
                return log_error_errno(EINVAL, "%s", _("--to must come after --from."));

        r = verbs_alerts_read_record(bus, from, to, arg_team ?: "", &pages, &rows, &n);
        if (r < 0)
                return r;
        if (n > 0)
                qsort(rows, n, sizeof(IncidentRecord), verbs_alerts_incident_compare);

        t = table_new(verbs_alerts_incident_columns, ELEMENTSOF(verbs_alerts_incident_columns));
        if (!t)
                return log_oom();
        table_set_csv_style(t, TABLE_CSV_RECORD);
        for (size_t i = 0; i < n; i++)
                /* respited filters by team; --operator is ours. */
                if ((!arg_operator || streq_ptr(rows[i].operator, arg_operator)) &&
                    verbs_alerts_incident_row(t, &rows[i], zone) < 0)
                        return log_oom();
        if (verbs_alerts_incidents_none(from, to, zone, &none) < 0)
                return log_oom();
        return verbs_daemon_print_table(t, none);
}
