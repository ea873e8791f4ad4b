/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of respitectl share: the settings of its command line
 * (parsed in respitectl.c, read everywhere) and its verbs. */

#include <errno.h>
#include <stdbool.h>

typedef enum Format {
        FORMAT_TABLE,
        FORMAT_CSV,
        FORMAT_ICS,
        FORMAT_JSON,
        FORMAT_HTML,
        _FORMAT_MAX,
        _FORMAT_INVALID = -EINVAL,
} Format;

extern bool arg_user;                   /* the session bus, not the system bus */
extern bool arg_json;                   /* --json, or --format json */
extern bool arg_color;                  /* colour: a terminal, no --json, no $NO_COLOR */
extern const char *arg_at;
extern const char *arg_note;
extern const char *arg_id;
extern const char *arg_date;
extern const char *arg_since;
extern const char *arg_config;
extern const char *arg_from;
extern const char *arg_to;
extern const char *arg_operator;
extern const char *arg_team;
extern Format arg_format;
extern bool arg_metrics;
extern char **arg_rosters;
extern char **arg_calls;
extern char **arg_incidents;
extern const char *arg_state_dir;      /* respited's state directory (backup) */

/* The verbs, as respitectl(1) describes them. args is the verb and its
 * operands, as many as the verb table of respitectl.c allows. Each logs
 * what goes wrong and returns 0 or a negative errno that picks the exit
 * status: -EINVAL bad usage, -EHOSTDOWN respited not reachable, -EACCES
 * denied, -ENXIO or -ENOKEY no such operator, team, category or alert. */

/* Over the bus (verbs-daemon.c). */
int verb_status(char **args);
int verb_operators(char **args);
int verb_schedule(char **args);
int verb_feed_url(char **args);
int verb_report(char **args);
int verb_reload(char **args);
int verb_rotate_token(char **args);

/* Lead alerts and the incident record, over the bus (verbs-alerts.c). */
int verb_ack(char **args);
int verb_alerts(char **args);
int verb_incidents(char **args);

/* A copy of respited's store, made while it runs (verbs-store.c). */
int verb_backup(char **args);

/* Offline (verbs-offline.c). */
int verb_plan(char **args);
int verb_coverage(char **args);
int verb_import_check(char **args);
