/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <unistd.h>

#include "daemon/sandbox.h"

/* The paths respited.service hides, by component: /homework is seen. */
static void test_hidden_by(void **state) {
        const char *advice = NULL;

        assert_string_equal(sandbox_hidden_by("/home", NULL), "ProtectHome=yes");
        assert_string_equal(sandbox_hidden_by("/home/site/roster.csv", &advice), "ProtectHome=yes");
        assert_non_null(strstr(advice, "ProtectHome=tmpfs and BindReadOnlyPaths="));
        assert_string_equal(sandbox_hidden_by("/root/roster.csv", NULL), "ProtectHome=yes");
        assert_string_equal(sandbox_hidden_by("/run/user/1000/roster.csv", NULL), "ProtectHome=yes");
        assert_string_equal(sandbox_hidden_by("/tmp/roster.csv", &advice), "PrivateTmp=yes");
        assert_non_null(strstr(advice, "BindReadOnlyPaths="));
        assert_string_equal(sandbox_hidden_by("/var/tmp/roster.csv", NULL), "PrivateTmp=yes");
        assert_null(sandbox_hidden_by("/homework/roster.csv", NULL));
        assert_null(sandbox_hidden_by("/var/tmpfiles/roster.csv", NULL));
        assert_null(sandbox_hidden_by("/run/users/roster.csv", NULL));
        assert_null(sandbox_hidden_by("/etc/respite/roster.csv", NULL));
        assert_null(sandbox_hidden_by("/var/lib/respite/roster.csv", NULL));
}

/* Where the unit lets the service write under ProtectSystem=strict. */
static void test_may_write(void **state) {
        assert_true(sandbox_may_write("/var/lib/respite"));
        assert_true(sandbox_may_write("/var/lib/respite/feeds"));
        assert_true(sandbox_may_write("/run/respite/x"));
        assert_true(sandbox_may_write("/var/spool/respite"));
        assert_false(sandbox_may_write("/var/lib/respite-feeds"));
        assert_false(sandbox_may_write("/srv/respite/feeds"));
        assert_false(sandbox_may_write("/etc/respite/feeds"));
        assert_false(sandbox_may_write("/var/spool"));
}

/* Owner, group and other bits, and search permission on the directories
 * above, for a user who is neither the owner nor root. */
static void test_can_read(void **state) {
        char dir[] = "/tmp/test-sandbox.XXXXXX", sub[64], file[80];
        gid_t gids[] = { 64998 };
        SandboxUser other = { .name = (char *) "other", .uid = 64999, .gids = gids, .n_gids = 1 };
        SandboxUser owner = { .name = (char *) "owner", .uid = getuid() };
        _cleanup_free_ char *blocker = NULL;
        struct stat st;
        FILE *f;

        assert_non_null(mkdtemp(dir));
        assert_int_equal(chmod(dir, 0755), 0);
        snprintf(sub, sizeof(sub), "%s/sub", dir);
        assert_int_equal(mkdir(sub, 0755), 0);
        snprintf(file, sizeof(file), "%s/roster.csv", sub);
        assert_non_null(f = fopen(file, "we"));
        fclose(f);

        assert_int_equal(chmod(file, 0644), 0);
        assert_int_equal(sandbox_user_can_read(&other, file, NULL, NULL), 0);
        assert_int_equal(chmod(file, 0600), 0);
        assert_int_equal(sandbox_user_can_read(&other, file, &blocker, &st), -EACCES);
        assert_string_equal(blocker, file);
        assert_int_equal(st.st_mode & 07777, 0600);
        blocker = mfree(blocker);
        assert_int_equal(sandbox_user_can_read(&owner, file, NULL, NULL), 0);

        /* The group's bits count for a member of the file's group only. */
        assert_int_equal(chmod(file, 0640), 0);
        assert_int_equal(sandbox_user_can_read(&other, file, NULL, NULL), -EACCES);
        assert_int_equal(chown(file, (uid_t) -1, 64998) == 0 || getuid() != 0, true);
        if (getuid() == 0)
                assert_int_equal(sandbox_user_can_read(&other, file, NULL, NULL), 0);

        /* A directory the user may not enter stops it, and is named. */
        assert_int_equal(chmod(file, 0644), 0);
        assert_int_equal(chmod(sub, 0700), 0);
        assert_int_equal(sandbox_user_can_read(&other, file, &blocker, &st), -EACCES);
        assert_string_equal(blocker, sub);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(sandbox_user_can_read(&owner, file, NULL, NULL), 0);

        assert_int_equal(sandbox_user_can_read(&other, "/nonexistent/roster.csv", NULL, NULL), -ENOENT);

        assert_int_equal(unlink(file), 0);
        assert_int_equal(rmdir(sub), 0);
        assert_int_equal(rmdir(dir), 0);
}

static void test_user_lookup(void **state) {
        _cleanup_(sandbox_user_done) SandboxUser u = {};

        assert_int_equal(sandbox_user_lookup("respite-no-such-user", &u), -ENOENT);
        assert_int_equal(sandbox_user_lookup("root", &u), 0);
        assert_int_equal(u.uid, 0);
        assert_true(u.n_gids >= 1);
        assert_string_equal(u.name, "root");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hidden_by),
                cmocka_unit_test(test_may_write),
                cmocka_unit_test(test_can_read),
                cmocka_unit_test(test_user_lookup),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
