/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <sys/stat.h>

#include "import/queue-log.h"
#include "shared/escape.h"
#include "shared/file-util.h"
#include "shared/i18n.h"
#include "shared/log.h"

static void queue_log_span_done(QueueLogSpan *s) {
        free(s->operator);
        free(s->reason);
}

void queue_log_pending_done(QueueLogPending *p) {
        free(p->uniqueid);
        free(p->caller);
}

void queue_log_open_done(QueueLogOpen *o) {
        free(o->key);
        free(o->operator);
        free(o->reason);
}

void queue_log_talk_done(QueueLogTalk *t) {
        free(t->uniqueid);
        free(t->operator);
        free(t->agent);
}

static void queue_log_spans_free(QueueLogSpan *spans, size_t n) {
        for (size_t i = 0; i < n; i++)
                queue_log_span_done(&spans[i]);
        free(spans);
}

QueueLog *queue_log_free(QueueLog *q) {
        if (!q)
                return NULL;
        call_log_free(q->calls);
        queue_log_spans_free(q->sessions, q->n_sessions);
        queue_log_spans_free(q->pauses, q->n_pauses);
        free_array(q->pending, q->n_pending, queue_log_pending_done);
        for (size_t i = 0; i < q->n_open; i++)
                queue_log_open_done(&q->open[i]);
        free(q->open);
        free_array(q->talking, q->n_talking, queue_log_talk_done);
        free_array(q->changes, q->n_changes, agent_state_change_done);
        return mfree(q);
}

int queue_log_new(QueueLog **ret) {
        QueueLog *q = calloc(1, sizeof(QueueLog));

        if (!q)
                return -ENOMEM;
        q->calls = call_log_new();
        if (!q->calls) {
                free(q);
                return -ENOMEM;
        }
        *ret = q;
        return 0;
}

/* The operator a channel is: the mapping, else its number. */
static int queue_log_channel_operator(const SourceOptions *o, const char *channel, char **ret) {
        const char *p, *e;

        for (size_t i = 0; o && i < o->n_agents; i++)
                if (streq(o->agents[i].agent, channel) || fnmatch(o->agents[i].agent, channel, 0) == 0)
                        return strdup_to(ret, o->agents[i].operator);

        p = strchr(channel, '/');
        p = p ? p + 1 : channel;
        e = p + strcspn(p, "@-");
        *ret = strndup(p, e > p ? (size_t) (e - p) : strlen(p));
        return *ret ? 0 : -ENOMEM;
}

typedef struct QueueLogLine {
        const char *path;
        unsigned line;
        usec_t when;
        char *fields[16];       /* epoch, uniqueid, queue, agent, event, params… */
        size_t n;
} QueueLogLine;

static const char *queue_log_param(const QueueLogLine *l, size_t i) {
        return 5 + i < l->n ? l->fields[5 + i] : "";
}

static bool queue_log_parse_uint(const char *s, uint64_t *ret) {
        char *end;

        if (isempty(s) || s[0] < '0' || s[0] > '9')
                return false;
        errno = 0;
        *ret = strtoull(s, &end, 10);
        return errno == 0 && (*end == '\0' || *end == '.');
}

static QueueLogOpen *queue_log_find_open(QueueLog *q, bool pause, const char *key) {
        for (size_t i = 0; i < q->n_open; i++)
                if (q->open[i].pause == pause && streq(q->open[i].key, key))
                        return &q->open[i];
        return NULL;
}

/* ---- agent state ---- */

size_t queue_log_take_changes(QueueLog *q, AgentStateChange **ret) {
        size_t n = q->n_changes;

        *ret = TAKE_PTR(q->changes);
        q->n_changes = 0;
        return n;
}

static int queue_log_change_add(QueueLog *q, const char *operator, AgentState state, usec_t since,
                                const char *reason, const char *agent) {
        AgentStateChange c = { .state = state, .since = since };
        int r;

        r = array_grow((void **) &q->changes, q->n_changes, sizeof(AgentStateChange));
        if (r < 0)
                return r;
        if (strdup_to(&c.operator, operator) < 0 || strdup_to(&c.reason, isempty(reason) ? NULL : reason) < 0 ||
            strdup_to(&c.agent, isempty(agent) || streq(agent, "NONE") ? NULL : agent) < 0) {
                agent_state_change_done(&c);
                return -ENOMEM;
        }
        q->changes[q->n_changes++] = c;
        return 0;
}

/* The call operator is on, or NULL. Costs the calls in progress. */
static QueueLogTalk *queue_log_find_talk(QueueLog *q, const char *uniqueid, const char *operator) {
        for (size_t i = 0; i < q->n_talking; i++)
                if (uniqueid ? streq(q->talking[i].uniqueid, uniqueid) : streq(q->talking[i].operator, operator))
                        return &q->talking[i];
        return NULL;
}

static bool queue_log_logged_in(QueueLog *q, const char *operator) {
        for (size_t i = 0; i < q->n_open; i++)
                if (!q->open[i].pause && streq(q->open[i].operator, operator))
                        return true;
        return false;
}

/* Keep operator's state after the event of line l (at l->when, by the
 * channel l names): on_call while a call of theirs is open, else paused
 * while a pause is, else available; with logoff, logged_out once no channel
 * of theirs is logged in (nothing while one still is). */
static int queue_log_agent_event(QueueLog *q, const char *operator, const QueueLogLine *l, bool logoff) {
        const QueueLogTalk *t;
        const QueueLogOpen *p;

        if (!q->track_agents)
                return 0;
        if (logoff)
                return queue_log_logged_in(q, operator) ? 0 :
                       queue_log_change_add(q, operator, AGENT_LOGGED_OUT, l->when, NULL, l->fields[3]);
        t = queue_log_find_talk(q, NULL, operator);
        if (t)
                return queue_log_change_add(q, operator, AGENT_ON_CALL, t->start, NULL, t->agent);
        p = queue_log_find_open(q, true, operator);
        if (p)
                return queue_log_change_add(q, operator, AGENT_PAUSED, MAX(p->start, l->when), p->reason,
                                            l->fields[3]);
        return queue_log_change_add(q, operator, AGENT_AVAILABLE, l->when, NULL, l->fields[3]);
}

int queue_log_restate(QueueLog *q) {
        int r;

        for (size_t i = 0; i < q->n_open; i++) {
                const QueueLogOpen *o = &q->open[i];

                /* A pause asked for during a call waits for its end, as
                 * when the lines were read live. */
                if (o->pause && queue_log_find_talk(q, NULL, o->operator))
                        continue;
                r = queue_log_change_add(q, o->operator, o->pause ? AGENT_PAUSED : AGENT_AVAILABLE, o->start,
                                         o->reason, o->pause ? NULL : o->key);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < q->n_talking; i++) {
                const QueueLogTalk *t = &q->talking[i];

                r = queue_log_change_add(q, t->operator, AGENT_ON_CALL, t->start, NULL, t->agent);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* CONNECT: the channel answered call uniqueid. */
static int queue_log_connect(QueueLog *q, const SourceOptions *o, const QueueLogLine *l) {
        _cleanup_free_ char *operator = NULL;
        QueueLogTalk t = { .start = l->when }, *old;
        int r;

        if (!q->track_agents) {
                q->n_ignored++;
                return 0;
        }
        r = queue_log_channel_operator(o, l->fields[3], &operator);
        if (r < 0)
                return r;
        old = queue_log_find_talk(q, l->fields[1], NULL);
        if (old) {      /* answered again (a transfer back into the queue) */
                queue_log_talk_done(old);
                *old = q->talking[--q->n_talking];
        }
        r = array_grow((void **) &q->talking, q->n_talking, sizeof(QueueLogTalk));
        if (r < 0)
                return r;
        if (strdup_to(&t.uniqueid, l->fields[1]) < 0 || strdup_to(&t.operator, operator) < 0 ||
            strdup_to(&t.agent, l->fields[3]) < 0) {
                queue_log_talk_done(&t);
                return -ENOMEM;
        }
        q->talking[q->n_talking++] = t;
        return queue_log_agent_event(q, operator, l, false);
}

static int queue_log_span_add(QueueLogSpan **spans, size_t *n, const char *operator, usec_t start, usec_t end,
                              const char *reason) {
        QueueLogSpan s = {};
        int r;

        r = array_grow((void **) spans, *n, sizeof(QueueLogSpan));
        if (r < 0)
                return r;
        if (strdup_to(&s.operator, operator) < 0 || strdup_to(&s.reason, isempty(reason) ? NULL : reason) < 0) {
                queue_log_span_done(&s);
                return -ENOMEM;
        }
        s.start = start;
        s.end = end;
        (*spans)[(*n)++] = s;
        return 0;
}

/* A session of operator: merged into one it overlaps (another channel of
 * the same person), else added. */
static int queue_log_session_add(QueueLog *q, const char *operator, usec_t start, usec_t end) {
        for (size_t i = 0; i < q->n_sessions; i++) {
                QueueLogSpan *s = &q->sessions[i];

                if (streq(s->operator, operator) && start <= s->end && s->start <= end) {
                        s->start = MIN(s->start, start);
                        s->end = MAX(s->end, end);
                        return 0;
                }
        }
        return queue_log_span_add(&q->sessions, &q->n_sessions, operator, start, end, NULL);
}

static int queue_log_open_span(QueueLog *q, const SourceOptions *o, const QueueLogLine *l, bool pause) {
        const char *channel = l->fields[3];
        _cleanup_free_ char *operator = NULL;
        QueueLogOpen x = {};
        int r;

        r = queue_log_channel_operator(o, channel, &operator);
        if (r < 0)
                return r;
        if (queue_log_find_open(q, pause, pause ? operator : channel))
                return queue_log_agent_event(q, operator, l, false);    /* twice: the first counts */
        r = array_grow((void **) &q->open, q->n_open, sizeof(QueueLogOpen));
        if (r < 0)
                return r;
        x.pause = pause;
        x.start = l->when;
        if (strdup_to(&x.key, pause ? operator : channel) < 0 ||
            strdup_to(&x.reason, !pause ? NULL : !isempty(queue_log_param(l, 1)) ? queue_log_param(l, 1) :
                                 !isempty(queue_log_param(l, 0)) ? queue_log_param(l, 0) : NULL) < 0) {
                queue_log_open_done(&x);
                return -ENOMEM;
        }
        x.operator = TAKE_PTR(operator);
        q->open[q->n_open++] = x;
        return queue_log_agent_event(q, x.operator, l, false);
}

static int queue_log_close_span(QueueLog *q, const SourceOptions *o, const QueueLogLine *l, bool pause) {
        _cleanup_free_ char *operator = NULL;
        QueueLogOpen *x;
        int r;

        r = queue_log_channel_operator(o, l->fields[3], &operator);
        if (r < 0)
                return r;
        x = queue_log_find_open(q, pause, pause ? operator : l->fields[3]);
        if (!x) {
                log_debug(_("%s:%u: %s without a start, ignoring"), l->path, l->line, ESCAPED(l->fields[4]));
                q->n_ignored++;
                /* Still news of the agent (read from the middle of a log). */
                return queue_log_agent_event(q, operator, l, !pause);
        }
        r = pause ? queue_log_span_add(&q->pauses, &q->n_pauses, x->operator, x->start, l->when, x->reason) :
                    queue_log_session_add(q, x->operator, x->start, l->when);
        queue_log_open_done(x);
        *x = q->open[--q->n_open];
        if (r < 0)
                return r;
        return queue_log_agent_event(q, operator, l, !pause);
}

static QueueLogPending *queue_log_find_pending(QueueLog *q, const char *uniqueid) {
        for (size_t i = 0; i < q->n_pending; i++)
                if (streq(q->pending[i].uniqueid, uniqueid))
                        return &q->pending[i];
        return NULL;
}

static void queue_log_drop_pending(QueueLog *q, const char *uniqueid) {
        QueueLogPending *p = queue_log_find_pending(q, uniqueid);

        if (!p)
                return;
        queue_log_pending_done(p);
        *p = q->pending[--q->n_pending];
}

static int queue_log_enter_queue(QueueLog *q, const QueueLogLine *l) {
        QueueLogPending p = {};
        int r;

        queue_log_drop_pending(q, l->fields[1]);
        r = array_grow((void **) &q->pending, q->n_pending, sizeof(QueueLogPending));
        if (r < 0)
                return r;
        if (strdup_to(&p.uniqueid, l->fields[1]) < 0 ||
            strdup_to(&p.caller, isempty(queue_log_param(l, 1)) ? NULL : queue_log_param(l, 1)) < 0) {
                queue_log_pending_done(&p);
                return -ENOMEM;
        }
        q->pending[q->n_pending++] = p;
        return 0;
}

/* A call that ended: hold and talk time are the parameters before the
 * last one (COMPLETE*: holdtime|calltime|origposition; transfers put
 * extension and context or bridge details in front). */
static int queue_log_end_call(QueueLog *q, const SourceOptions *o, const QueueLogLine *l) {
        size_t n_params = l->n > 5 ? l->n - 5 : 0;
        QueueLogPending *p = queue_log_find_pending(q, l->fields[1]);
        _cleanup_free_ char *operator = NULL, *source = NULL;
        QueueLogTalk *open_call;
        uint64_t hold, talk;
        int r;

        if (n_params < 3 || !queue_log_parse_uint(queue_log_param(l, n_params - 3), &hold) ||
            !queue_log_parse_uint(queue_log_param(l, n_params - 2), &talk)) {
                log_warning(_("%s:%u: expected holdtime|calltime|origposition after %s, skipping line"),
                            l->path, l->line, ESCAPED(l->fields[4]));
                q->n_skipped++;
                return 0;
        }
        if (talk * USEC_PER_SEC > l->when) {
                log_warning(_("%s:%u: talk time %" PRIu64 "s ends before 1970, skipping line"), l->path, l->line, talk);
                q->n_skipped++;
                return 0;
        }

        r = queue_log_channel_operator(o, l->fields[3], &operator);
        if (r < 0)
                return r;
        if (asprintf(&source, "%s:%u", l->path, l->line) < 0)
                return -ENOMEM;
        r = call_log_add(q->calls, &(const CallRecord) {
                .call_id = l->fields[1],
                .operator = operator,
                .caller = p ? p->caller : NULL,
                .queue = streq(l->fields[2], "NONE") ? NULL : l->fields[2],
                .start = l->when - talk * USEC_PER_SEC,
                .end = l->when,
                .wait_seconds = hold > UINT_MAX ? UINT_MAX : (unsigned) hold,
                .source = source,
        });
        if (r < 0)
                return r;
        queue_log_drop_pending(q, l->fields[1]);
        if (!q->track_agents)
                return 0;
        open_call = queue_log_find_talk(q, l->fields[1], NULL);
        if (open_call) {
                queue_log_talk_done(open_call);
                *open_call = q->talking[--q->n_talking];
        }
        return queue_log_agent_event(q, operator, l, false);
}

static bool queue_log_event_is(const QueueLogLine *l, const char * const *names) {
        for (; *names; names++)
                if (streq(l->fields[4], *names))
                        return true;
        return false;
}

static int queue_log_dispatch(QueueLog *q, const SourceOptions *o, const QueueLogLine *l) {
        static const char * const logins[] = { "AGENTLOGIN", "AGENTCALLBACKLOGIN", "ADDMEMBER", NULL };
        static const char * const logoffs[] = { "AGENTLOGOFF", "AGENTCALLBACKLOGOFF", "REMOVEMEMBER", NULL };
        static const char * const ends[] = { "COMPLETEAGENT", "COMPLETECALLER", "BLINDTRANSFER",
                                             "ATTENDEDTRANSFER", "TRANSFER", NULL };
        static const char * const gone[] = { "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", NULL };

        if (queue_log_event_is(l, logins))
                return queue_log_open_span(q, o, l, false);
        if (queue_log_event_is(l, logoffs))
                return queue_log_close_span(q, o, l, false);
        if (queue_log_event_is(l, (const char * const[]) { "PAUSE", "PAUSEALL", NULL }))
                return queue_log_open_span(q, o, l, true);
        if (queue_log_event_is(l, (const char * const[]) { "UNPAUSE", "UNPAUSEALL", NULL }))
                return queue_log_close_span(q, o, l, true);
        if (streq(l->fields[4], "ENTERQUEUE"))
                return queue_log_enter_queue(q, l);
        if (streq(l->fields[4], "CONNECT"))
                return queue_log_connect(q, o, l);
        if (queue_log_event_is(l, ends))
                return queue_log_end_call(q, o, l);
        if (queue_log_event_is(l, gone))
                queue_log_drop_pending(q, l->fields[1]);
        else
                q->n_ignored++;
        return 0;
}

int queue_log_feed(QueueLog *q, const SourceOptions *o, const char *path, unsigned line, const char *text) {
        _cleanup_free_ char *copy = strdup(text);
        QueueLogLine l = { .path = path, .line = line };
        uint64_t epoch;
        char *p;

        if (!copy)
                return -ENOMEM;
        p = copy;
        p[strcspn(p, "\r")] = 0;
        if (isempty(p))
                return 0;
        q->n_lines++;
        while (p && l.n < ELEMENTSOF(l.fields)) {
                l.fields[l.n++] = p;
                p = strchr(p, '|');
                if (p)
                        *p++ = 0;
        }
        if (l.n < 5 || !queue_log_parse_uint(l.fields[0], &epoch) || epoch > UINT64_MAX / USEC_PER_SEC ||
            isempty(l.fields[4])) {
                log_warning(_("%s:%u: expected epoch|uniqueid|queue|agent|EVENT|…, skipping line"), path, line);
                q->n_skipped++;
                return 0;
        }
        l.when = epoch * USEC_PER_SEC;
        return queue_log_dispatch(q, o, &l);
}

/* Feed the complete lines of buf (n bytes); returns the bytes taken. */
static int queue_log_feed_buffer(QueueLog *q, const SourceOptions *o, const char *path, unsigned *line, char *buf,
                                 size_t n, size_t *ret_taken) {
        size_t taken = 0;
        int r;

        for (;;) {
                char *nl = memchr(buf + taken, '\n', n - taken);

                if (!nl)
                        break;
                *nl = 0;
                (*line)++;
                r = queue_log_feed(q, o, path, *line, buf + taken);
                if (r < 0)
                        return r;
                taken = nl + 1 - buf;
        }
        *ret_taken = taken;
        return 0;
}

/* Log why the file at path cannot be read whole: opening or reading it
 * failed, or memory ran out. Returns r. */
static int queue_log_load_error(const char *path, bool opening, int r) {
        if (r == -ENOMEM)
                return log_error_errno(r, _("%s: out of memory"), path);
        if (r == -EBADFD)
                return log_error_errno(r, _("%s: not a regular file (a FIFO, a device or a socket), cannot read it"),
                                       path);
        return log_error_errno(r, opening ? _("%s: cannot open: %m") : _("%s: cannot read: %m"), path);
}

int queue_log_load(QueueLog *q, const char *path, const SourceOptions *o, size_t *ret_skipped) {
        _cleanup_(queue_log_tail_freep) QueueLogTail *t = NULL;
        size_t before = q->n_skipped;
        int r;

        r = queue_log_tail_new(path, 0, 0, 0, &t);
        if (r >= 0 && t->fd < 0)
                r = -ENOENT;
        if (r < 0)
                return queue_log_load_error(path, true, r);
        r = queue_log_tail_read(t, q, o);
        /* A last line without its "\n" is complete in a file read whole. */
        if (r >= 0 && t->partial)
                r = queue_log_feed(q, o, path, t->line + 1, t->partial);
        if (r < 0)
                return queue_log_load_error(path, false, r);
        if (ret_skipped)
                *ret_skipped = q->n_skipped - before;
        return 0;
}

/* ---- following the file ---- */

static int queue_log_tail_open(QueueLogTail *t) {
        struct stat st;
        int fd, r;

        r = open_regular(t->path, &fd, &st);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        if (st.st_dev != t->dev || st.st_ino != t->ino || (uint64_t) st.st_size < t->offset) {
                /* Another file than the one we stopped in: from its start. */
                t->offset = 0;
                t->line = 0;
        }
        t->dev = st.st_dev;
        t->ino = st.st_ino;
        t->fd = fd;
        return 0;
}

QueueLogTail *queue_log_tail_free(QueueLogTail *t) {
        if (!t)
                return NULL;
        if (t->fd >= 0)
                close(t->fd);
        free(t->path);
        free(t->partial);
        return mfree(t);
}

int queue_log_tail_new(const char *path, dev_t dev, ino_t ino, uint64_t offset, QueueLogTail **ret) {
        _cleanup_(queue_log_tail_freep) QueueLogTail *t = calloc(1, sizeof(QueueLogTail));
        int r;

        if (!t)
                return -ENOMEM;
        t->fd = -EBADF;
        t->dev = dev;
        t->ino = ino;
        t->offset = offset;
        t->path = strdup(path);
        if (!t->path)
                return -ENOMEM;
        r = queue_log_tail_open(t);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(t);
        return 0;
}

int queue_log_tail_resume(const char *path, const char *rotated, dev_t dev, ino_t ino, uint64_t offset,
                          unsigned line, QueueLogTail **ret) {
        _cleanup_(queue_log_tail_freep) QueueLogTail *t = NULL;
        struct stat st;
        int r, fd;

        r = queue_log_tail_new(path, dev, ino, offset, &t);
        if (r < 0)
                return r;
        if (t->fd >= 0 && t->dev == dev && t->ino == ino && t->offset == offset) {
                t->line = line;         /* the same file, read on */
                *ret = TAKE_PTR(t);
                return 0;
        }
        /* Rotated while nobody followed: the rest of the old file first. */
        if (!rotated || open_regular(rotated, &fd, &st) < 0)
                fd = -EBADF;
        if (fd >= 0 && st.st_dev == dev && st.st_ino == ino &&
            (uint64_t) st.st_size >= offset) {
                if (t->fd >= 0)
                        close(t->fd);
                t->fd = fd;
                t->dev = dev;
                t->ino = ino;
                t->offset = offset;
                t->line = line;
        } else if (fd >= 0)
                close(fd);
        *ret = TAKE_PTR(t);
        return 0;
}

/* Read from t->offset to the end of the open file. */
static int queue_log_tail_drain(QueueLogTail *t, QueueLog *q, const SourceOptions *o, int *n_lines) {
        char buf[64 * 1024];

        for (;;) {
                size_t keep = t->partial ? strlen(t->partial) : 0, taken;
                _cleanup_free_ char *chunk = NULL;
                unsigned before = t->line;
                ssize_t k;
                int r;

                k = pread(t->fd, buf, sizeof buf, (off_t) (t->offset + keep));
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return 0;
                chunk = malloc(keep + k + 1);
                if (!chunk)
                        return -ENOMEM;
                if (keep > 0)
                        memcpy(chunk, t->partial, keep);
                memcpy(chunk + keep, buf, k);
                chunk[keep + k] = 0;

                r = queue_log_feed_buffer(q, o, t->path, &t->line, chunk, keep + k, &taken);
                if (r < 0)
                        return r;
                *n_lines += t->line - before;
                t->offset += taken;
                free(t->partial);
                t->partial = NULL;
                if (taken < keep + (size_t) k) {
                        t->partial = strndup(chunk + taken, keep + k - taken);
                        if (!t->partial)
                                return -ENOMEM;
                }
        }
}

int queue_log_tail_read(QueueLogTail *t, QueueLog *q, const SourceOptions *o) {
        struct stat st;
        int n = 0, r;

        if (t->fd >= 0) {
                if (fstat(t->fd, &st) < 0)
                        return -errno;
                if ((uint64_t) st.st_size < t->offset) {
                        /* Truncated in place (copytruncate): from the start. */
                        t->offset = 0;
                        t->line = 0;
                        free(t->partial);
                        t->partial = NULL;
                }
                r = queue_log_tail_drain(t, q, o, &n);
                if (r < 0)
                        return r;
        }

        /* Rotated: the path names another file now. */
        if (stat(t->path, &st) < 0)
                return errno == ENOENT ? n : -errno;
        if (t->fd >= 0 && st.st_dev == t->dev && st.st_ino == t->ino)
                return n;
        if (t->fd >= 0)
                close(t->fd);
        t->fd = -EBADF;
        free(t->partial);
        t->partial = NULL;
        t->offset = 0;
        r = queue_log_tail_open(t);
        if (r < 0)
                return r;
        if (t->fd >= 0) {
                r = queue_log_tail_drain(t, q, o, &n);
                if (r < 0)
                        return r;
        }
        return n;
}
