/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <pwd.h>
#include <sys/xattr.h>

#include "daemon/sandbox.h"
#include "shared/i18n.h"
#include "shared/log.h"

/* The paths systemd/respited.service hides from respited, one line per
 * setting of its [Service] section (systemd.exec(5)). Keep this table and
 * the unit in step (tests/sandbox.sh checks that each setting is in the
 * unit). ProtectSystem=strict is not here: it makes the tree read-only,
 * and respited only reads its sources. */
static const struct {
        const char *prefix;
        const char *setting;
        const char *advice;
} sandbox_hidden[] = {
        /* ProtectHome=yes: /home, /root and /run/user are empty and
         * inaccessible; a bind mount below them alone cannot be reached. */
        { "/home",     "ProtectHome=yes",
          N_("move it under /etc/respite or /var/lib/respite, or add a drop-in (systemctl edit respited) with "
             "ProtectHome=tmpfs and BindReadOnlyPaths=") },
        { "/root",     "ProtectHome=yes",
          N_("move it under /etc/respite or /var/lib/respite, or add a drop-in (systemctl edit respited) with "
             "ProtectHome=tmpfs and BindReadOnlyPaths=") },
        { "/run/user", "ProtectHome=yes",
          N_("move it under /etc/respite or /var/lib/respite, or add a drop-in (systemctl edit respited) with "
             "ProtectHome=tmpfs and BindReadOnlyPaths=") },
        /* PrivateTmp=yes: the service has a /tmp and /var/tmp of its own. */
        { "/tmp",      "PrivateTmp=yes",
          N_("move it under /etc/respite or /var/lib/respite, or add a drop-in (systemctl edit respited) with "
             "BindReadOnlyPaths=") },
        { "/var/tmp",  "PrivateTmp=yes",
          N_("move it under /etc/respite or /var/lib/respite, or add a drop-in (systemctl edit respited) with "
             "BindReadOnlyPaths=") },
};

/* What respited.service may write under ProtectSystem=strict, which makes
 * the rest of the tree read-only: keep in step with the unit as above. */
static const struct {
        const char *prefix;
        const char *setting;
} sandbox_writable[] = {
        { "/var/lib/respite",    "StateDirectory=respite" },
        { "/run/respite",        "RuntimeDirectory=respite" },
        { "/var/spool/respite",  "ReadWritePaths=-/var/spool/respite" },
};

void sandbox_user_done(SandboxUser *u) {
        free(u->name);
        free(u->gids);
        *u = (SandboxUser) {};
}

int sandbox_user_lookup(const char *name, SandboxUser *ret) {
        _cleanup_(sandbox_user_done) SandboxUser u = {};
        struct passwd *pw;
        int n = 16;

        errno = 0;
        pw = getpwnam(name);
        if (!pw)
                return errno > 0 && errno != ENOENT && errno != ESRCH ? -errno : -ENOENT;
        u.uid = pw->pw_uid;
        if (strdup_to(&u.name, name) < 0)
                return -ENOMEM;
        for (;;) {
                gid_t *g = reallocarray(u.gids, n, sizeof(gid_t));
                int want = n;

                if (!g)
                        return -ENOMEM;
                u.gids = g;
                if (getgrouplist(name, pw->pw_gid, u.gids, &want) >= 0) {
                        u.n_gids = want;
                        break;
                }
                if (want <= n || want > 65536)
                        return -EINVAL;
                n = want;
        }
        *ret = u;
        u = (SandboxUser) {};
        return 0;
}

/* Whether path is prefix or lies below it. */
static bool sandbox_path_under(const char *path, const char *prefix) {
        size_t n = strlen(prefix);

        return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *sandbox_hidden_by(const char *path, const char **ret_advice) {
        for (size_t i = 0; i < ELEMENTSOF(sandbox_hidden); i++)
                if (sandbox_path_under(path, sandbox_hidden[i].prefix)) {
                        if (ret_advice)
                                *ret_advice = _(sandbox_hidden[i].advice);
                        return sandbox_hidden[i].setting;
                }
        return NULL;
}

bool sandbox_may_write(const char *path) {
        for (size_t i = 0; i < ELEMENTSOF(sandbox_writable); i++)
                if (sandbox_path_under(path, sandbox_writable[i].prefix))
                        return true;
        return false;
}

/* Whether u has the permission bit want (S_IROTH or S_IXOTH) on st, as the
 * kernel decides without ACLs: the owner's bits, else the group's when u
 * is in the file's group, else the others'. No exception for uid 0: the
 * unit gives the service no capability (CapabilityBoundingSet=). */
static bool sandbox_user_may(const SandboxUser *u, const struct stat *st, mode_t want) {
        if (st->st_uid == u->uid)
                return st->st_mode & (want << 6);
        for (int i = 0; i < u->n_gids; i++)
                if (u->gids[i] == st->st_gid)
                        return st->st_mode & (want << 3);
        return st->st_mode & want;
}

static bool sandbox_has_acl(const char *path) {
        ssize_t n = getxattr(path, "system.posix_acl_access", NULL, 0);

        return n > 0 || (n < 0 && errno == ERANGE);
}

int sandbox_user_can_read(const SandboxUser *u, const char *path, char **ret_blocker, struct stat *ret_st) {
        _cleanup_free_ char *real = realpath(path, NULL);
        struct stat st;

        if (!real)
                return -errno;
        /* Each directory from / down ("/", "/var", "/var/lib" …), then the file itself. */
        for (char *slash = real;; slash = strchr(slash + 1, '/')) {
                bool last = !slash, cut = slash && slash != real;
                const char *p = slash == real ? "/" : real;
                int r = 0;

                if (cut)
                        *slash = '\0';
                if (stat(p, &st) < 0)
                        r = -errno;
                else if (!sandbox_user_may(u, &st, last ? S_IROTH : S_IXOTH) && !sandbox_has_acl(p)) {
                        if (ret_st)
                                *ret_st = st;
                        r = ret_blocker && strdup_to(ret_blocker, p) < 0 ? -ENOMEM : -EACCES;
                }
                if (cut)
                        *slash = '/';
                if (r < 0 || last)
                        return r;
        }
}

/* The owner and group of st by name, as ls shows them, into buf. */
static const char *sandbox_owner(const struct stat *st, char *buf, size_t size) {
        struct passwd *pw = getpwuid(st->st_uid);
        struct group *gr = getgrgid(st->st_gid);
        char u[16], g[16];

        snprintf(u, sizeof(u), "%u", (unsigned) st->st_uid);
        snprintf(g, sizeof(g), "%u", (unsigned) st->st_gid);
        snprintf(buf, size, "%s:%s", pw ? pw->pw_name : u, gr ? gr->gr_name : g);
        return buf;
}

/* Warn when u cannot read path. Returns 1 after a warning, else 0, or -ENOMEM. */
static int sandbox_check_read(const SandboxUser *u, const char *path) {
        _cleanup_free_ char *blocker = NULL;
        char owner[128];
        struct stat st;
        int r;

        r = sandbox_user_can_read(u, path, &blocker, &st);
        if (r == -ENOMEM)
                return r;
        if (r != -EACCES)
                return 0;       /* readable, or missing: the load says so */
        if (S_ISDIR(st.st_mode))
                log_warning(_("%s: the service's user %s (User= of respited.service) cannot read it: it may not "
                               "enter %s (mode %04o, %s); let it (chmod o+x, or give the directory to group %s "
                               "with g+x) or move the file under /etc/respite or /var/lib/respite."),
                            path, u->name, blocker, (unsigned) (st.st_mode & 07777),
                            sandbox_owner(&st, owner, sizeof(owner)), u->name);
        else
                log_warning(_("%s: the service's user %s (User= of respited.service) cannot read it (mode %04o, "
                               "%s); give it to group %s (chgrp %s FILE; chmod g+r FILE), or move it under "
                               "/etc/respite or /var/lib/respite."),
                            path, u->name, (unsigned) (st.st_mode & 07777),
                            sandbox_owner(&st, owner, sizeof(owner)), u->name, u->name);
        return 1;
}

int sandbox_check_paths(char * const *paths, const char *user) {
        _cleanup_(sandbox_user_done) SandboxUser u = {};
        bool have_user = false;
        int n = 0, r;

        if (!user) {
                user = getenv("RESPITE_SERVICE_USER");
                if (isempty(user))
                        user = SANDBOX_SERVICE_USER;
        }
        r = sandbox_user_lookup(user, &u);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                log_warning(_("The service's user %s (User= of respited.service) does not exist (systemd-sysusers "
                               "makes it from respite.conf in sysusers.d); not checking that it can read the sources."),
                            user);
        } else
                have_user = true;

        for (char * const *p = paths; p && *p; p++) {
                _cleanup_free_ char *real = realpath(*p, NULL);
                const char *advice = NULL, *setting;

                /* The path as written and where it leads: a link into /home is hidden too. */
                setting = sandbox_hidden_by(*p, &advice) ?: (real ? sandbox_hidden_by(real, &advice) : NULL);
                if (setting) {
                        log_warning(_("%s: respited.service cannot see it: %s hides %s from the service; %s%s."),
                                    *p, setting, real ?: *p, advice, real ?: *p);
                        n++;
                        continue;
                }
                if (!have_user)
                        continue;
                r = sandbox_check_read(&u, *p);
                if (r < 0)
                        return r;
                n += r;
        }
        return n;
}

int sandbox_check_writable(char * const *dirs) {
        int n = 0;

        for (char * const *p = dirs; p && *p; p++) {
                _cleanup_free_ char *real = realpath(*p, NULL);
                const char *where = real ?: *p, *advice = NULL, *setting;

                setting = sandbox_hidden_by(*p, &advice) ?: sandbox_hidden_by(where, &advice);
                if (setting) {
                        log_warning(_("%s: respited.service would write it where nobody else sees it: %s gives "
                                       "the service a %s of its own; use a directory under /var/lib/respite or a "
                                       "drop-in (systemctl edit respited) with BindPaths=%s."),
                                    *p, setting, where, where);
                        n++;
                } else if (!sandbox_may_write(where)) {
                        log_warning(_("%s: respited.service cannot write it: ProtectSystem=strict makes %s "
                                       "read-only for the service; use a directory under /var/lib/respite "
                                       "(StateDirectory=respite) or add a drop-in (systemctl edit respited) with "
                                       "ReadWritePaths=%s."), *p, where, where);
                        n++;
                }
        }
        return n;
}
