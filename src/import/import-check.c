/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "import/import-check.h"
#include "import/queue-log.h"
#include "import/source-kind.h"
#include "import/source.h"
#include "shared/csv-reader.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/time-util.h"

typedef struct ImportCheckPrinter {
        const Policy *policy;
        const char *path;
        bool csv;
        ImportCheckWidthFn width;       /* the text's columns of a string */
} ImportCheckPrinter;

/* english (N_("…")) in the reader's language in the text, as it is in CSV. */
static const char *import_check_words(const ImportCheckPrinter *pr, const char *english) {
        return pr->csv ? english : _(english);
}

/* s in a field of columns columns of the text (as printf's "%-*s" by
 * bytes), then a blank. */
static void import_check_print_field(const ImportCheckPrinter *pr, const char *s, size_t columns) {
        size_t w = pr->width(s);

        printf("%s%*s ", s, (int) (w < columns ? columns - w : 0), "");
}

/* A row: kind is N_("…"), CSV's value, said in the reader's language in
 * the text, whose columns align by pr->width. */
static void import_check_print_row(const ImportCheckPrinter *pr, const char *kind, const char *operator,
                                   usec_t start, usec_t end, const char *detail) {
        char a[ISO8601_MAX] = "", b[ISO8601_MAX] = "";
        const char *zone = pr->csv ? "UTC" : pr->policy->timezone;

        if (start != USEC_INFINITY && time_format_iso8601(start, zone, a) < 0)
                snprintf(a, sizeof a, "@%" PRIu64, start / USEC_PER_SEC);
        if (end != USEC_INFINITY && time_format_iso8601(end, zone, b) < 0)
                snprintf(b, sizeof b, "@%" PRIu64, end / USEC_PER_SEC);
        if (pr->csv) {
                const char *fields[] = { pr->path, kind, operator ?: "", a, b, detail ?: "" };

                for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                        if (i > 0)
                                putchar(',');
                        csv_fputs_field(fields[i], stdout);
                }
                putchar('\n');
        } else {
                fputs("  ", stdout);
                import_check_print_field(pr, _(kind), 8);
                import_check_print_field(pr, operator ?: "", 16);
                import_check_print_field(pr, a, 25);
                import_check_print_field(pr, end == USEC_INFINITY && start != USEC_INFINITY ? _("(open)") : b, 25);
                printf("%s\n", detail ?: "");
        }
}

/* Whether an importer's message says word (N_("skipping") or
 * N_("ignoring")), in English or in the reader's language. */
static bool import_check_says(const char *line, const char *word) {
        return strstr(line, word) || strstr(line, _(word));
}

/* The messages the import logged: skipped rows, warnings and, for a file
 * that failed, why. */
static void import_check_print_messages(const ImportCheckPrinter *pr, const char *text, bool failed) {
        _cleanup_free_ char *copy = strdup(text ?: "");

        if (!copy)
                return;
        for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
                /* TRANSLATORS: "skipping" is said by every message of a row, an event or a line the importers
                 * leave out ("…, skipping row"), "ignoring" by those of something they pass over and go on
                 * ("…, ignoring"); import-check sorts the messages by them. Translate each as those
                 * messages say it in your language, and use it in none of the others. */
                const char *kind = import_check_says(line, N_("skipping")) ? N_("skipped") :
                        !failed || import_check_says(line, N_("ignoring")) ? N_("warning") : N_("error");

                if (pr->csv)
                        import_check_print_row(pr, kind, NULL, USEC_INFINITY, USEC_INFINITY, line);
                else {
                        fputs("  ", stdout);
                        import_check_print_field(pr, _(kind), 8);
                        printf("%s\n", line);
                }
        }
}

/* "3 skipped", the count of rows, events or lines an import left out, in
 * the reader's language. */
static int import_check_skipped(char **ret, size_t n) {
        /* TRANSLATORS: how many rows, events or lines a file's import left out. */
        return asprintf(ret, P_("%zu skipped", "%zu skipped", n), n);
}

static int import_check_roster(const ImportCheckPrinter *pr, usec_t from, usec_t to, size_t *ret_skipped) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        int k;

        if (!r)
                return -ENOMEM;
        k = source_load_roster(r, pr->policy, pr->path, from, to, ret_skipped);
        if (k < 0)
                return k;
        k = roster_finish(r, pr->policy->split_shift_gap);
        if (k < 0)
                return k;
        if (!pr->csv) {
                _cleanup_free_ char *operators = NULL, *shifts = NULL, *skipped = NULL;

                if (asprintf(&operators, P_("%zu operator", "%zu operators", r->n_operators), r->n_operators) < 0 ||
                    asprintf(&shifts, P_("%zu shift", "%zu shifts", r->n_shifts), r->n_shifts) < 0 ||
                    import_check_skipped(&skipped, *ret_skipped) < 0)
                        return -ENOMEM;
                /* TRANSLATORS: a roster's counts: "3 operators", "12 shifts", "1 skipped". */
                printf(_("%s: %s, %s, %s\n"), pr->path, operators, shifts, skipped);
        }
        for (size_t i = 0; i < r->n_shifts; i++) {
                const Shift *s = &r->shifts[i];
                const char *op = r->operators[s->operator].id;

                /* TRANSLATORS: import-check's kinds of row, in a column of 8: shift, break, call, session (an
                 * agent's login), pause, skipped, warning, error. */
                import_check_print_row(pr, N_("shift"), op, s->start, s->end, s->source);
                for (size_t j = 0; j < s->n_planned; j++)
                        import_check_print_row(pr, N_("break"), op, s->planned[j].start, s->planned[j].end,
                                               import_check_words(pr, N_("planned (split shift)")));
        }
        return 0;
}

static int import_check_calls(const ImportCheckPrinter *pr, size_t *ret_skipped) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();
        int k;

        if (!l)
                return -ENOMEM;
        k = source_load_calls(l, pr->policy, pr->path, ret_skipped);
        if (k < 0)
                return k;
        if (!pr->csv) {
                _cleanup_free_ char *calls = NULL, *skipped = NULL;

                if (asprintf(&calls, P_("%zu call", "%zu calls", l->n_calls), l->n_calls) < 0 ||
                    import_check_skipped(&skipped, *ret_skipped) < 0)
                        return -ENOMEM;
                /* TRANSLATORS: a call-record file's counts: "120 calls", "1 skipped". */
                printf(_("%s: %s, %s\n"), pr->path, calls, skipped);
        }
        for (size_t i = 0; i < l->n_calls; i++)
                import_check_print_row(pr, N_("call"), l->calls[i].operator, l->calls[i].start, l->calls[i].end,
                                       l->calls[i].source);
        return 0;
}

static int import_check_queue_log(const ImportCheckPrinter *pr, size_t *ret_skipped) {
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        int k;

        k = queue_log_new(&q);
        if (k < 0)
                return k;
        k = queue_log_load(q, pr->path, policy_find_source(pr->policy, pr->path), ret_skipped);
        if (k < 0)
                return k;
        call_log_finish(q->calls);
        if (!pr->csv) {
                _cleanup_free_ char *lines = NULL, *calls = NULL, *sessions = NULL, *pauses = NULL,
                                    *ignored = NULL, *skipped = NULL;

                if (asprintf(&lines, P_("%zu line", "%zu lines", q->n_lines), q->n_lines) < 0 ||
                    asprintf(&calls, P_("%zu call", "%zu calls", q->calls->n_calls), q->calls->n_calls) < 0 ||
                    asprintf(&sessions, P_("%zu agent session", "%zu agent sessions", q->n_sessions),
                             q->n_sessions) < 0 ||
                    asprintf(&pauses, P_("%zu pause", "%zu pauses", q->n_pauses), q->n_pauses) < 0 ||
                    asprintf(&ignored, P_("%zu event ignored", "%zu events ignored", q->n_ignored),
                             q->n_ignored) < 0 ||
                    import_check_skipped(&skipped, *ret_skipped) < 0)
                        return -ENOMEM;
                /* TRANSLATORS: a queue_log's counts: "1200 lines", "300 calls", "12 agent sessions",
                 * "40 pauses", "7 events ignored", "1 skipped". */
                printf(_("%s: %s, %s, %s, %s, %s, %s\n"), pr->path, lines, calls, sessions, pauses, ignored,
                       skipped);
        }
        for (size_t i = 0; i < q->n_sessions; i++)
                import_check_print_row(pr, N_("session"), q->sessions[i].operator, q->sessions[i].start,
                                       q->sessions[i].end, NULL);
        for (size_t i = 0; i < q->n_open; i++)
                if (!q->open[i].pause)
                        import_check_print_row(pr, N_("session"), q->open[i].operator, q->open[i].start,
                                               USEC_INFINITY,
                                               import_check_words(pr, N_("still logged in at the end of the file")));
        for (size_t i = 0; i < q->n_pauses; i++)
                import_check_print_row(pr, N_("pause"), q->pauses[i].operator, q->pauses[i].start,
                                       q->pauses[i].end, q->pauses[i].reason);
        for (size_t i = 0; i < q->calls->n_calls; i++) {
                const CallRecord *c = &q->calls->calls[i];
                char detail[256];

                /* TRANSLATORS: FILE:LINE of a call in an Asterisk queue_log, the caller's number and the
                 * seconds the caller waited in the queue. */
                snprintf(detail, sizeof detail, _("%s caller %s, waited %us"), c->source, c->caller ?: _("unknown"),
                         c->wait_seconds);
                import_check_print_row(pr, N_("call"), c->operator, c->start, c->end, detail);
        }
        return 0;
}

/* The kind of the file at path: as the policy lists it (sources.rosters,
 * sources.calls, or a queue_log by its format), else guessed from its name
 * and first line (source_kind_guess()); why, in the reader's language, into
 * *ret_why. Logs. */
static int import_check_kind(const Policy *p, const char *path, SourceKind *ret, char **ret_why) {
        SourceFormat format = source_format(p, path);
        bool listed_calls = strv_contains(p->calls, path), listed_rosters = strv_contains(p->rosters, path);

        if (format == SOURCE_FORMAT_QUEUE_LOG && (listed_calls || policy_find_source(p, path))) {
                *ret = SOURCE_KIND_QUEUE_LOG;
                return strdup_to(ret_why, _("the policy's sources.calls lists it as a queue_log"));
        }
        if (listed_calls) {
                *ret = SOURCE_KIND_CALLS;
                return strdup_to(ret_why, _("the policy's sources.calls lists it"));
        }
        if (listed_rosters || policy_find_source(p, path)) {
                *ret = SOURCE_KIND_ROSTER;
                return strdup_to(ret_why, _("the policy's sources.rosters lists it"));
        }
        return source_kind_guess(path, ret, ret_why);
}

static int import_check_files(const Policy *p, char * const *paths, usec_t from, usec_t to, bool csv,
                              ImportCheckWidthFn width) {
        bool failed = false;

        if (csv)
                printf("file,kind,operator,start,end,detail\n");
        for (char * const *path = paths; path && *path; path++) {
                _cleanup_free_ char *messages = NULL, *why = NULL, *said = NULL;
                ImportCheckPrinter pr = { .policy = p, .path = *path, .csv = csv, .width = width };
                SourceFormat format = source_format(p, *path);
                SourceKind kind = _SOURCE_KIND_INVALID;
                size_t size = 0, skipped = 0;
                FILE *f;
                int r;

                /* Collect what the importer logs, to show it with the file. */
                f = open_memstream(&messages, &size);
                if (!f)
                        return log_oom();
                log_set_target(f);
                r = import_check_kind(p, *path, &kind, &why);
                if (r >= 0 && asprintf(&said, _("%s (%s)"), _(source_kind_to_string(kind)), why) < 0)
                        r = log_oom();
                if (r >= 0) {
                        /* Say which kind was assumed before what it gave. */
                        if (csv)
                                import_check_print_row(&pr, "kind", NULL, USEC_INFINITY, USEC_INFINITY, said);
                        else
                                printf("%s: %s\n", *path, said);
                        fflush(stdout);
                }
                if (r >= 0)
                        r = kind == SOURCE_KIND_QUEUE_LOG ? import_check_queue_log(&pr, &skipped) :
                                kind == SOURCE_KIND_CALLS ? import_check_calls(&pr, &skipped) :
                                import_check_roster(&pr, from, to, &skipped);
                log_set_target(NULL);
                fclose(f);

                if (r < 0) {
                        char what[128];

                        /* Why is in the messages: the error's text only when nothing was said. */
                        if (isempty(messages))
                                snprintf(what, sizeof what, _("cannot be imported (%s format): %s"),
                                         source_format_to_string(format), strerror(-r));
                        else
                                snprintf(what, sizeof what, _("cannot be imported (%s format)"),
                                         source_format_to_string(format));
                        if (!csv)
                                printf("%s: %s\n", *path, what);
                        else
                                import_check_print_row(&pr, "error", NULL, USEC_INFINITY, USEC_INFINITY, what);
                        failed = true;
                }
                import_check_print_messages(&pr, messages, r < 0);
        }
        return failed ? -EIO : 0;
}

int import_check(const Policy *p, char * const *paths, usec_t from, usec_t to, bool csv, ImportCheckWidthFn width) {
        char *saved = NULL;
        int r;

        /* CSV is for programs: English, as every CSV respitectl writes, the importers' messages too. */
        if (csv) {
                r = i18n_language_push("en", &saved);
                if (r < 0)
                        return log_oom();
        }
        r = import_check_files(p, paths, from, to, csv, width);
        if (csv)
                i18n_language_pop(saved);
        return r;
}
