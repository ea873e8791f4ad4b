/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The D-Bus contract of respited: the names respited, respitectl and
 * respite-notify agree on, and nothing else (no includes, no types). The
 * signatures and who may call what are documented with each method in
 * src/daemon/bus*.c and in respited(8). Instants are "t" microseconds since
 * the Unix epoch (CLOCK_REALTIME), as systemd's APIs take them. */

/* On the system bus; respited --user takes the session bus. */
#define BUS_NAME      "org.respite.Scheduler1"
#define BUS_PATH      "/org/respite/Scheduler1"
#define BUS_INTERFACE BUS_NAME

/* Methods. */
#define BUS_METHOD_REPORT_INCIDENT    "ReportIncident"
#define BUS_METHOD_REPORT_INCIDENT_WITH_ID "ReportIncidentWithId"
#define BUS_METHOD_GET_SCHEDULE       "GetSchedule"
#define BUS_METHOD_GET_METRICS        "GetMetrics"
#define BUS_METHOD_WHO_AM_I           "WhoAmI"
#define BUS_METHOD_GET_STATUS         "GetStatus"
#define BUS_METHOD_LIST_OPERATORS     "ListOperators"
#define BUS_METHOD_LIST_INCIDENTS     "ListIncidents"
#define BUS_METHOD_LIST_INCIDENTS_PAGE "ListIncidentsPage"
#define BUS_METHOD_RELOAD             "Reload"
#define BUS_METHOD_GET_FEED_URL       "GetFeedURL"
#define BUS_METHOD_GET_TEAM_FEED_URL  "GetTeamFeedURL"
#define BUS_METHOD_ROTATE_FEED_TOKEN  "RotateFeedToken"
#define BUS_METHOD_SET_AGENT_STATE    "SetAgentState"
#define BUS_METHOD_LIST_AGENT_STATES  "ListAgentStates"
#define BUS_METHOD_SUBSCRIBE          "Subscribe"
#define BUS_METHOD_UNSUBSCRIBE        "Unsubscribe"
#define BUS_METHOD_ACKNOWLEDGE_ALERT  "AcknowledgeAlert"
#define BUS_METHOD_LIST_ALERTS        "ListAlerts"
#define BUS_METHOD_GET_INCIDENT_RECORD "GetIncidentRecord"
#define BUS_METHOD_GET_INCIDENT_RECORD_PAGE "GetIncidentRecordPage"
#define BUS_METHOD_GET_TEAM_DAY       "GetTeamDay"

/* Properties. */
#define BUS_PROPERTY_VERSION  "Version"
#define BUS_PROPERTY_TIMEZONE "Timezone"
#define BUS_PROPERTY_NOW      "Now"

/* Signals, sent only to the subscribers (Subscribe()) who may see them,
 * never broadcast: the three break signals carry (s operator, s uid,
 * s kind, t start_usec, t end_usec, s reason); ScheduleChanged
 * (s operator); LeadAlert (s alert_id, s operator, s category,
 * t when_usec, t recovery_start_usec, t recovery_end_usec);
 * AlertAcknowledged (s alert_id, s operator, s by, t acknowledged_usec). */
#define BUS_SIGNAL_BREAK_SCHEDULED    "BreakScheduled"
#define BUS_SIGNAL_BREAK_STARTED      "BreakStarted"
#define BUS_SIGNAL_BREAK_ENDED        "BreakEnded"
#define BUS_SIGNAL_SCHEDULE_CHANGED   "ScheduleChanged"
#define BUS_SIGNAL_LEAD_ALERT         "LeadAlert"
#define BUS_SIGNAL_ALERT_ACKNOWLEDGED "AlertAcknowledged"

/* Errors of our own; the standard org.freedesktop.DBus.Error.* are used
 * where they fit (AccessDenied, InvalidArgs, NotSupported, FileNotFound). */
#define BUS_ERROR_UNKNOWN_OPERATOR BUS_INTERFACE ".Error.UnknownOperator"
#define BUS_ERROR_UNKNOWN_CATEGORY BUS_INTERFACE ".Error.UnknownCategory"
#define BUS_ERROR_UNKNOWN_TEAM     BUS_INTERFACE ".Error.UnknownTeam"
#define BUS_ERROR_NO_OPERATOR      BUS_INTERFACE ".Error.NoOperator"
#define BUS_ERROR_RELOAD_FAILED    BUS_INTERFACE ".Error.ReloadFailed"
#define BUS_ERROR_NOT_SUBSCRIBED   BUS_INTERFACE ".Error.NotSubscribed"
#define BUS_ERROR_UNKNOWN_ALERT    BUS_INTERFACE ".Error.UnknownAlert"
#define BUS_ERROR_ALREADY_ACKNOWLEDGED BUS_INTERFACE ".Error.AlreadyAcknowledged"
#define BUS_ERROR_STORE_BUSY       BUS_INTERFACE ".Error.StoreBusy"
#define BUS_ERROR_REPLY_TOO_LARGE  BUS_INTERFACE ".Error.ReplyTooLarge"
