/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <pwd.h>

#include "daemon/access.h"

void caller_done(Caller *c) {
        free(c->gids);
        *c = (Caller) {};
}

static bool access_caller_in_group(const Caller *c, gid_t gid) {
        for (size_t i = 0; i < c->n_gids; i++)
                if (c->gids[i] == gid)
                        return true;
        return false;
}

bool access_lead_entry_matches(const AccessLead *l, const Caller *c) {
        return l->group ? access_caller_in_group(c, l->gid) : l->uid == c->uid;
}

bool access_for_team(const AccessMap *m, const Caller *caller, uid_t daemon_uid, const char *team) {
        if (caller->uid == 0 || caller->uid == daemon_uid)
                return true;
        if (!team)
                return false;
        for (size_t i = 0; i < m->n_leads; i++)
                if (access_lead_entry_matches(&m->leads[i], caller) && strv_contains(m->leads[i].teams, team))
                        return true;
        return false;
}

static bool access_caller_is_one_of(const Caller *c, const AccessPrincipal *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (l[i].group ? access_caller_in_group(c, l[i].gid) : l[i].uid == c->uid)
                        return true;
        return false;
}

bool access_is_lead(const AccessMap *m, const Caller *caller, uid_t daemon_uid) {
        if (caller->uid == 0 || caller->uid == daemon_uid)
                return true;
        for (size_t i = 0; i < m->n_leads; i++)
                if (access_lead_entry_matches(&m->leads[i], caller))
                        return true;
        return false;
}

bool access_is_integration(const AccessMap *m, const Caller *caller, uid_t daemon_uid) {
        return caller->uid == 0 || caller->uid == daemon_uid ||
               access_caller_is_one_of(caller, m->integrations, m->n_integrations);
}

bool access_is_escalation(const AccessMap *m, const Caller *caller) {
        return access_caller_is_one_of(caller, m->escalate_to, m->n_escalate_to);
}

bool access_for_alerts(const AccessMap *m, const Caller *caller, uid_t daemon_uid, const char *team) {
        return access_for_team(m, caller, daemon_uid, team) || access_is_escalation(m, caller);
}

AccessLevel access_for_operator(const AccessMap *m, const Caller *caller, uid_t daemon_uid,
                                const char *operator, const char *team) {
        if (caller->uid == 0 || caller->uid == daemon_uid)
                return ACCESS_ALL;
        for (size_t i = 0; i < m->n_operators; i++)
                if (m->operators[i].uid == caller->uid && streq(m->operators[i].operator, operator))
                        return ACCESS_SELF;
        if (access_for_team(m, caller, daemon_uid, team))
                return ACCESS_LEAD;
        return ACCESS_DENIED;
}

/* The groups of uid in the group database, as dbus-daemon finds them. */
static int access_groups_of_user(uid_t uid, gid_t **ret, size_t *ret_n) {
        _cleanup_free_ gid_t *gids = NULL;
        struct passwd *pw;
        int n = 16;

        pw = getpwuid(uid);
        if (!pw)
                return -ESRCH;
        for (;;) {
                int want = n;

                free(gids);
                gids = malloc(want * sizeof(gid_t));
                if (!gids)
                        return -ENOMEM;
                if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &n) >= 0)
                        break;
                if (n <= want)
                        n = want * 2;
        }
        *ret = TAKE_PTR(gids);
        *ret_n = (size_t) n;
        return 0;
}

int caller_from_message(sd_bus_message *msg, Caller *ret) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        _cleanup_(caller_done) Caller c = {};
        const gid_t *gids = NULL;
        int n, r;

        r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_SUPPLEMENTARY_GIDS, &creds);
        if (r < 0)
                return r;
        r = sd_bus_creds_get_euid(creds, &c.uid);
        if (r < 0)
                return r;

        n = sd_bus_creds_get_supplementary_gids(creds, &gids);
        if (n >= 0) {
                c.gids = malloc(MAX(n, 1) * sizeof(gid_t));
                if (!c.gids)
                        return -ENOMEM;
                memcpy(c.gids, gids, n * sizeof(gid_t));
                c.n_gids = n;
        } else {
                /* dbus-daemon reports UnixGroupIDs, but sd-bus before v254
                 * does not pass them on: look them up as the bus would. */
                r = access_groups_of_user(c.uid, &c.gids, &c.n_gids);
                if (r < 0 && r != -ESRCH)
                        return r;
        }
        *ret = c;
        c = (Caller) {};
        return 0;
}
