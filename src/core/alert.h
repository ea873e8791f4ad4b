/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A lead alert: an incident that called the leads of its operator's team
 * (incident_calls_lead()), sent to them (LeadAlert), escalated when nobody
 * answered in time, and answered by an acknowledgement. Japan's 2026
 * customer-harassment duty asks that a worker is never left alone with it
 * and that a supervisor is told at once; Tokyo's ordinance (2025) that what
 * was done about each incident is recorded: this is that record. */

#include "shared/util.h"

typedef struct Alert {
        char *id;               /* a UUID, 32 hex digits */
        char *incident_id;      /* the incident that raised it; one alert per incident */
        char *operator;
        char *team;             /* the operator's team when raised; may be NULL */
        char *category;
        usec_t when;            /* the incident's instant, UTC usec */
        usec_t raised;          /* when the leads were told */
        usec_t recovery_start;  /* the recovery break granted for it; 0, 0 when none */
        usec_t recovery_end;
        usec_t escalated;       /* when access.escalate_to was told; 0 = not */
        usec_t acknowledged;    /* 0 = open */
        char *acknowledged_by;  /* the user name (or uid) who answered; NULL while open */
        char *note;             /* what they wrote; may be NULL */
} Alert;

Alert *alert_free(Alert *a);
DEFINE_TRIVIAL_CLEANUP_FUNC(Alert *, alert_free);
