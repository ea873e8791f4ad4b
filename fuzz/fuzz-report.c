/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a D-Bus caller hands respited: ReportIncident's arguments
 * (s operator, s category, t when_usec, s note) straight into
 * manager_report_incident() of a real manager (the example day, replay
 * clock, no bus, no store), and the operator string through the checks the
 * bus methods make (roster_name_is_valid(), access_for_operator()) and
 * GetSchedule's lookup (plan_operator_breaks()).
 * Input: 8 bytes of when_usec (the first byte's low bits choose 0, an offset
 * from now, or the raw value), then operator, category and note separated
 * by NUL bytes. Answers are only those manager.h lists, and an accepted
 * incident names a rostered operator and a known category. */

#include "daemon/manager.h"
#include "fuzz.h"

static Manager *manager;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        _cleanup_free_ char *conf = NULL, *link = NULL, *target = NULL;
        const char *dir = fuzz_setup(), *top = fuzz_top();
        FILE *f;

        if (asprintf(&conf, "%s/respite-report.conf", dir) < 0)
                abort();
        f = fopen(conf, "we");
        if (!f)
                abort();
        fprintf(f, "site = { timezone = \"Asia/Jerusalem\"; };\n"
                   "@include \"presets/jp.conf\"\n"
                   "sources = { rosters = [ \"%s/conf/examples/anonbank-1999-01-04-roster.csv\" ]; };\n",
                top);
        if (fclose(f) != 0)
                abort();
        if (asprintf(&link, "%s/presets", dir) < 0 || asprintf(&target, "%s/conf/presets", top) < 0 ||
            symlink(target, link) < 0)
                abort();

        if (manager_new(&manager) < 0)
                abort();
        manager->config_path = strdup(conf);
        manager->replay_from = strdup("1999-01-04T12:00:00");
        manager->replay_speed = 1;
        if (!manager->config_path || !manager->replay_from)
                abort();
        if (manager_load(manager) < 0 || manager_start(manager) < 0)
                abort();
        return 0;
}

/* Forget the reported incidents again, so that runs stay independent. */
static void forget_reports(void) {
        incident_list_free(manager->reported);
        incident_list_free(manager->incidents);
        manager->reported = incident_list_new();
        manager->incidents = incident_list_new();
        if (!manager->reported || !manager->incidents)
                abort();
        for (size_t i = 0; i < manager->detected->n; i++)
                if (incident_list_add(manager->incidents, &manager->detected->items[i]) < 0)
                        abort();
}

/* GetSchedule's lookup: the breaks of operator in a day from raw. */
static void check_schedule(const char *operator, usec_t from) {
        _cleanup_free_ const Break **breaks = NULL;
        usec_t to = from > USEC_INFINITY - USEC_PER_DAY ? USEC_INFINITY : from + USEC_PER_DAY;
        ssize_t n = plan_operator_breaks(manager->plan, operator, from, to, &breaks);

        if (n < 0 && n != -ENOMEM)
                abort();
        for (ssize_t i = 0; i < n; i++)
                if (breaks[i]->end <= from || breaks[i]->start >= to)
                        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *args = NULL, *id = NULL;
        const char *operator, *category, *note;
        Caller caller = { .uid = 4242 };
        uint64_t raw = 0;
        usec_t now, when;
        int r;

        if (size < 8)
                return 0;
        memcpy(&raw, data, 8);
        args = fuzz_string(data + 8, size - 8);
        operator = args;
        category = operator + strlen(operator) + (operator + strlen(operator) < args + size - 8);
        note = category + strlen(category) + (category + strlen(category) < args + size - 8);

        now = clock_now(&manager->clock);
        switch (raw & 3) {
        case 0:
                when = 0;
                break;
        case 1:         /* within ±8 days of now */
                when = now - 8 * USEC_PER_DAY + (raw >> 2) % (16 * USEC_PER_DAY);
                break;
        default:
                when = raw;
        }

        (void) roster_name_is_valid(operator, false);
        if (access_for_operator(&manager->policy->access, &caller, 0, operator, NULL) != ACCESS_DENIED)
                abort();
        check_schedule(operator, raw);

        r = manager_report_incident(manager, operator, category, when, note, &id);
        switch (r) {
        case 0:
                if (!id || roster_find_operator(manager->roster, operator) < 0 ||
                    !policy_find_category(manager->policy, category))
                        abort();
                forget_reports();
                (void) manager_replan(manager);
                break;
        case -ENXIO:
        case -ENOKEY:
        case -EDOM:
        case -ESTALE:
        case -E2BIG:
        case -ENOMEM:
                break;
        default:
                abort();
        }
        return 0;
}
