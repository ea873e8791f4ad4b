/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/agent-state.h"

static const char * const agent_state_table[_AGENT_STATE_MAX] = {
        [AGENT_LOGGED_OUT] = "logged_out",
        [AGENT_AVAILABLE]  = "available",
        [AGENT_ON_CALL]    = "on_call",
        [AGENT_PAUSED]     = "paused",
        [AGENT_ON_BREAK]   = "on_break",
};

DEFINE_STRING_TABLE_LOOKUP(agent_state, AgentState);

void agent_state_change_done(AgentStateChange *c) {
        if (!c)
                return;
        c->operator = mfree(c->operator);
        c->reason = mfree(c->reason);
        c->agent = mfree(c->agent);
}
