/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Agent state: what the ACD says an operator is doing now. Given by a
 * followed Asterisk queue_log, by call-record CSVs as a replay clock passes
 * them, or by SetAgentState() from other ACDs (respited(8)). */

#include "shared/string-table.h"
#include "shared/util.h"

typedef enum AgentState {
        AGENT_LOGGED_OUT,       /* not logged in to any queue (also: never heard of) */
        AGENT_AVAILABLE,        /* logged in, waiting for a call */
        AGENT_ON_CALL,          /* talking to a caller */
        AGENT_PAUSED,           /* paused in the queue, with the ACD's reason */
        AGENT_ON_BREAK,         /* on a break, as the ACD says (SetAgentState) */
        _AGENT_STATE_MAX,
        _AGENT_STATE_INVALID = -EINVAL,
} AgentState;

/* One change of an operator's state, as a source reports it. */
typedef struct AgentStateChange {
        char *operator;         /* operator id, never NULL */
        AgentState state;
        usec_t since;           /* UTC usec: when the state began */
        char *reason;           /* the ACD's pause reason, or NULL */
        char *agent;            /* the ACD's channel for the operator ("SIP/8007"), or NULL */
} AgentStateChange;

/* "logged_out", "available", "on_call", "paused", "on_break", both ways. */
DECLARE_STRING_TABLE_LOOKUP(agent_state, AgentState);

/* Free the strings of c; the struct itself stays. */
void agent_state_change_done(AgentStateChange *c);
