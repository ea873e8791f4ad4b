/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <assert.h>
#include <microhttpd.h>
#include <netdb.h>
#include <search.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "publish/http-guard.h"
#include "publish/http.h"
#include "shared/hash.h"
#include "shared/log.h"

#define FEED_PREFIX "/feeds/"
#define FEED_SUFFIX ".ics"
#define TOKEN_MIN 32
#define TOKEN_MAX 128
#define CONTENT_TYPE "text/calendar; charset=utf-8"
/* Per connection: the request line and headers must fit. Calendar clients
 * send a few hundred octets. */
#define CONNECTION_MEMORY ((size_t) 16 * 1024)
/* Never ask for more open files than this, whatever the hard limit. */
#define NOFILE_CAP ((rlim_t) 524288)
/* '"' + 32 hex digits + '"' + NUL */
#define ETAG_MAX 35
/* Answers kept rendered, most recently used first: a feed not among them is
 * rendered again when asked for (HttpServer.render). */
#define HTTP_CACHE_MAX ((size_t) 2 * 1024 * 1024)
#define USEC_PER_MSEC ((usec_t) 1000)

typedef struct HttpFeed HttpFeed;
struct HttpFeed {
        char *name;
        char *token;                    /* NULL until set */
        uint64_t token_hash;            /* salted: the token tree is ordered by it */
        char etag[ETAG_MAX];            /* "" until the first put */
        time_t last_modified;
        struct MHD_Response *full;      /* 200, cached: the document and its headers, or NULL */
        size_t full_size;               /* its bytes */
        HttpFeed *lru_prev, *lru_next;  /* in HttpServer.lru while full is cached */
        unsigned generation;            /* HttpServer.generation when last put */
};

struct HttpServer {
        struct MHD_Daemon *daemon;
        int listen_fd;                  /* owned by daemon once it runs; -EBADF when stopped */
        int passed_fd;                  /* the socket systemd passed, until listened on; or -EBADF */
        bool passed;                    /* systemd passed a socket: it is the one listened on */
        sd_event *event;
        sd_event_source *io;            /* MHD's epoll fd */
        sd_event_source *timer;         /* MHD_get_timeout() */
        HttpGuard *guard;               /* request deadlines, a share for new clients; while listening */
        void *by_name;                  /* tsearch(3) of HttpFeed by name */
        void *by_token;                 /* tsearch(3) of HttpFeed by (token_hash, token) */
        uint128_t salt;
        unsigned generation;
        struct MHD_Response *not_found, *not_allowed, *server_error, *bad_request;
        http_render_fn render;          /* a feed's document on demand */
        void *render_userdata;
        HttpFeed *lru_first, *lru_last; /* cached answers, most recently used first */
        size_t cached;                  /* their bytes, at most HTTP_CACHE_MAX */
};

/* The strong ETag of body: its hash, quoted. */
static void http_etag_of(const char *body, size_t len, char ret[static ETAG_MAX]) {
        uint128_t h = fnv1a128(body, len, FNV1A128_OFFSET);

        snprintf(ret, ETAG_MAX, "\"%016" PRIx64 "%016" PRIx64 "\"", (uint64_t) (h >> 64), (uint64_t) h);
}

static uint64_t http_token_hash(const HttpServer *s, const char *token, size_t len) {
        return (uint64_t) fnv1a128(token, len, s->salt);
}

static bool http_token_valid(const char *t, size_t len) {
        return len >= TOKEN_MIN && len <= TOKEN_MAX && strspn(t, "0123456789abcdefghijklmnopqrstuvwxyz") == len;
}

/* ---- conditional requests (RFC 9110 §13.1, §13.2.2) ---- */

/* Whether the If-None-Match list names etag, by weak comparison. */
static bool http_etag_list_matches(const char *list, const char *etag) {
        size_t n = strlen(etag);

        for (const char *p = list;;) {
                const char *end;

                p += strspn(p, " \t,");
                if (!*p)
                        return false;
                if (*p == '*')
                        return true;
                if (strncmp(p, "W/", 2) == 0)
                        p += 2;
                if (*p != '"')
                        return false;   /* malformed: nothing matches */
                end = strchr(p + 1, '"');
                if (!end)
                        return false;
                if ((size_t) (end + 1 - p) == n && memcmp(p, etag, n) == 0)
                        return true;
                p = end + 1;
        }
}

static const char * const http_wkdays[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char * const http_wkdays_long[7] = {
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};
static const char * const http_months[12] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int http_index_of(const char * const *names, size_t n, const char *s, size_t len) {
        for (size_t i = 0; i < n; i++)
                if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
                        return (int) i;
        return -1;
}

/* n decimal digits at p; a leading space counts as 0 when pad. */
static bool http_digits(const char *p, size_t n, bool pad, int *ret) {
        int v = 0;

        for (size_t i = 0; i < n; i++) {
                if (pad && i == 0 && p[i] == ' ')
                        continue;
                if (p[i] < '0' || p[i] > '9')
                        return false;
                v = v * 10 + (p[i] - '0');
        }
        *ret = v;
        return true;
}

/* "08:49:37" */
static bool http_clock_time(const char *p, struct tm *tm) {
        return http_digits(p, 2, false, &tm->tm_hour) && p[2] == ':' && http_digits(p + 3, 2, false, &tm->tm_min) &&
               p[5] == ':' && http_digits(p + 6, 2, false, &tm->tm_sec) &&
               tm->tm_hour <= 23 && tm->tm_min <= 59 && tm->tm_sec <= 60;
}

/* The three forms of HTTP-date (RFC 9110 §5.6.7), exactly:
 *   IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
 *   RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT" (a 2-digit year more than
 *                50 years ahead is in the past century)
 *   asctime      "Sun Nov  6 08:49:37 1994"
 * A date that does not exist (30 Feb) or names the wrong weekday is
 * invalid. */
static bool http_parse_date(const char *s, time_t now, time_t *ret) {
        const char *comma = strchr(s, ',');
        struct tm tm = {}, check;
        int wday, year;
        time_t t;

        if (comma && comma - s == 3 && strlen(s) == 29) {
                wday = http_index_of(http_wkdays, 7, s, 3);
                tm.tm_mon = http_index_of(http_months, 12, s + 8, 3);
                if (s[4] != ' ' || !http_digits(s + 5, 2, false, &tm.tm_mday) || s[7] != ' ' || s[11] != ' ' ||
                    !http_digits(s + 12, 4, false, &year) || s[16] != ' ' || !http_clock_time(s + 17, &tm) ||
                    strcmp(s + 25, " GMT") != 0)
                        return false;
        } else if (comma && strlen(comma) == 24) {
                struct tm n;

                wday = http_index_of(http_wkdays_long, 7, s, comma - s);
                tm.tm_mon = http_index_of(http_months, 12, comma + 5, 3);
                if (comma[1] != ' ' || !http_digits(comma + 2, 2, false, &tm.tm_mday) || comma[4] != '-' ||
                    comma[8] != '-' || !http_digits(comma + 9, 2, false, &year) || comma[11] != ' ' ||
                    !http_clock_time(comma + 12, &tm) || strcmp(comma + 20, " GMT") != 0 || !gmtime_r(&now, &n))
                        return false;
                year += (n.tm_year + 1900) / 100 * 100;
                if (year > n.tm_year + 1900 + 50)
                        year -= 100;
        } else if (!comma && strlen(s) == 24) {
                wday = http_index_of(http_wkdays, 7, s, 3);
                tm.tm_mon = http_index_of(http_months, 12, s + 4, 3);
                if (s[3] != ' ' || s[7] != ' ' || !http_digits(s + 8, 2, true, &tm.tm_mday) || s[10] != ' ' ||
                    !http_clock_time(s + 11, &tm) || s[19] != ' ' || !http_digits(s + 20, 4, false, &year))
                        return false;
        } else
                return false;

        if (wday < 0 || tm.tm_mon < 0 || tm.tm_mday < 1 || year < 1970)
                return false;
        tm.tm_year = year - 1900;
        check = tm;
        t = timegm(&tm);
        if (t == (time_t) -1 || tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon || tm.tm_wday != wday)
                return false;
        *ret = t;
        return true;
}

bool http_not_modified(const char *if_none_match, const char *if_modified_since, const char *etag,
                       time_t last_modified, time_t now) {
        time_t since;

        if (if_none_match)
                return http_etag_list_matches(if_none_match, etag);
        if (!if_modified_since || !http_parse_date(if_modified_since, now, &since) || since > now)
                return false;
        return last_modified <= since;
}

/* ---- feeds ---- */

static int http_feed_name_compare(const void *a, const void *b) {
        return strcmp(((const HttpFeed *) a)->name, ((const HttpFeed *) b)->name);
}

/* By the salted hash first: a lookup's path through the tree tells nothing
 * about how much of a guessed token is right. */
static int http_feed_token_compare(const void *a, const void *b) {
        const HttpFeed *x = a, *y = b;

        return CMP(x->token_hash, y->token_hash) ?: strcmp(x->token, y->token);
}

static void http_responsep(struct MHD_Response **r) {
        if (*r)
                MHD_destroy_response(*r);
}

static void http_feed_free(void *p) {
        HttpFeed *f = p;

        if (!f)
                return;
        if (f->full)
                MHD_destroy_response(f->full);
        free(f->name);
        free(f->token);
        free(f);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(HttpFeed *, http_feed_free);

/* ---- the cache of answers: the most recently used, HTTP_CACHE_MAX bytes ---- */

static void http_cache_unlink(HttpServer *s, HttpFeed *f) {
        if (f->lru_prev)
                f->lru_prev->lru_next = f->lru_next;
        else if (s->lru_first == f)
                s->lru_first = f->lru_next;
        if (f->lru_next)
                f->lru_next->lru_prev = f->lru_prev;
        else if (s->lru_last == f)
                s->lru_last = f->lru_prev;
        f->lru_prev = f->lru_next = NULL;
}

static void http_cache_link_first(HttpServer *s, HttpFeed *f) {
        f->lru_next = s->lru_first;
        if (s->lru_first)
                s->lru_first->lru_prev = f;
        s->lru_first = f;
        if (!s->lru_last)
                s->lru_last = f;
}

/* Forget f's cached answer (connections still sending it hold their own
 * reference). */
static void http_cache_drop(HttpServer *s, HttpFeed *f) {
        if (!f->full)
                return;
        http_cache_unlink(s, f);
        s->cached -= f->full_size;
        MHD_destroy_response(TAKE_PTR(f->full));
        f->full_size = 0;
}

/* Keep full (taken over) as f's answer, the least recently used going
 * when the cache is full. */
static void http_cache_put(HttpServer *s, HttpFeed *f, struct MHD_Response *full, size_t size) {
        http_cache_drop(s, f);
        /* Without a way to render them again, every answer stays. */
        while (s->render && s->lru_last && s->cached + size > HTTP_CACHE_MAX)
                http_cache_drop(s, s->lru_last);
        f->full = full;
        f->full_size = size;
        s->cached += size;
        http_cache_link_first(s, f);
}

static void http_cache_touch(HttpServer *s, HttpFeed *f) {
        if (s->lru_first == f)
                return;
        http_cache_unlink(s, f);
        http_cache_link_first(s, f);
}


static HttpFeed *http_find_by_name(const HttpServer *s, const char *name) {
        HttpFeed key = { .name = (char *) name };
        void **node = tfind(&key, &s->by_name, http_feed_name_compare);

        return node ? *node : NULL;
}

/* The feed that url ("/feeds/<token>.ics") names, or NULL. */
static HttpFeed *http_find_by_url(const HttpServer *s, const char *url) {
        char token[TOKEN_MAX + 1];
        HttpFeed key = { .token = token };
        size_t len;
        void **node;

        if (strncmp(url, FEED_PREFIX, strlen(FEED_PREFIX)) != 0)
                return NULL;
        url += strlen(FEED_PREFIX);
        len = strlen(url);
        if (len <= strlen(FEED_SUFFIX) || !streq(url + len - strlen(FEED_SUFFIX), FEED_SUFFIX))
                return NULL;
        len -= strlen(FEED_SUFFIX);
        if (len > TOKEN_MAX)
                return NULL;
        memcpy(token, url, len);
        token[len] = 0;
        if (!http_token_valid(token, len))
                return NULL;

        key.token_hash = http_token_hash(s, token, len);
        node = tfind(&key, &s->by_token, http_feed_token_compare);
        return node ? *node : NULL;
}

/* The headers of the 200 (body) and of the 304 answer. */
static int http_add_headers(struct MHD_Response *r, const char *etag, time_t last_modified, bool body) {
        char date[64];
        struct tm tm;

        /* The C locale: respited never calls setlocale(). */
        if (!gmtime_r(&last_modified, &tm) || strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
                return -EINVAL;
        if (MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES ||
            MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date) != MHD_YES ||
            MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "private") != MHD_YES)
                return -ENOMEM;
        if (!body)
                return 0;
        if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE) != MHD_YES ||
            MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") != MHD_YES)
                return -ENOMEM;
        return 0;
}

/* The 200 answer with body (copied). */
static int http_full_response(const HttpFeed *f, const char *body, size_t len, struct MHD_Response **ret) {
        _cleanup_(http_responsep) struct MHD_Response *full = NULL;
        char *copy;
        int r;

        copy = malloc(len);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, body, len);
        full = MHD_create_response_from_buffer_with_free_callback(len, copy, free);
        if (!full) {
                free(copy);
                return -ENOMEM;
        }
        r = http_add_headers(full, f->etag, f->last_modified, true);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(full);
        return 0;
}

/* A new version of f's document: its ETag and Last-Modified; its answer
 * is cached when the old one was (clients poll it) or when cache says so. */
static int http_feed_set_body(HttpServer *s, HttpFeed *f, const char *body, size_t len, const char *etag,
                              time_t now, bool cache) {
        struct MHD_Response *full;
        int r;

        cache = cache || f->full || !s->render;
        http_cache_drop(s, f);
        f->last_modified = f->etag[0] && f->last_modified >= now ? f->last_modified + 1 : now;
        memcpy(f->etag, etag, ETAG_MAX);
        if (!cache)
                return 0;
        r = http_full_response(f, body, len, &full);
        if (r < 0)
                return r;
        http_cache_put(s, f, full, len);
        return 0;
}

static int http_feed_set_token(HttpServer *s, HttpFeed *f, const char *token) {
        _cleanup_(freep) char *copy = NULL;
        char *old_token = f->token;
        uint64_t old_hash = f->token_hash;
        void **node;

        if (!http_token_valid(token, strlen(token)))
                return -EINVAL;
        if (streq_ptr(f->token, token))
                return 0;
        copy = strdup(token);
        if (!copy)
                return -ENOMEM;

        if (f->token)
                (void) tdelete(f, &s->by_token, http_feed_token_compare);
        f->token = copy;
        f->token_hash = http_token_hash(s, copy, strlen(copy));
        node = tsearch(f, &s->by_token, http_feed_token_compare);
        if (!node || *node != f) {
                /* Out of memory, or another feed has it: serve under the old one. */
                f->token = old_token;
                f->token_hash = old_hash;
                if (old_token && !tsearch(f, &s->by_token, http_feed_token_compare))
                        f->token = NULL;
                return node ? -EEXIST : -ENOMEM;
        }
        TAKE_PTR(copy);
        free(old_token);
        return 0;
}

int http_server_put_feed(HttpServer *s, const char *name, const char *token, const char *body) {
        _cleanup_(http_feed_freep) HttpFeed *n = NULL;
        char etag[ETAG_MAX];
        size_t len;
        HttpFeed *f;
        int r;

        assert(s);
        assert(name);
        assert(token);
        assert(body);

        if (!http_token_valid(token, strlen(token)))
                return -EINVAL;
        len = strlen(body);
        http_etag_of(body, len, etag);

        f = http_find_by_name(s, name);
        if (!f) {
                n = calloc(1, sizeof(HttpFeed));
                if (!n)
                        return -ENOMEM;
                n->name = strdup(name);
                if (!n->name)
                        return -ENOMEM;
                f = n;
        }
        if (!streq(f->etag, etag)) {
                r = http_feed_set_body(s, f, body, len, etag, time(NULL), false);
                if (r < 0)
                        return r;
        }
        if (n) {
                if (!tsearch(n, &s->by_name, http_feed_name_compare))
                        return -ENOMEM;
                TAKE_PTR(n);
        }
        f->generation = s->generation;
        return http_feed_set_token(s, f, token);
}

int http_server_set_token(HttpServer *s, const char *name, const char *token) {
        HttpFeed *f;

        assert(s);
        f = http_find_by_name(s, name);
        if (!f)
                return -ENOENT;
        return http_feed_set_token(s, f, token);
}

typedef struct Stale {
        HttpFeed **feeds;
        size_t n;
        unsigned generation;
        int error;
} Stale;

static void http_collect_stale(const void *node, VISIT which, void *userdata) {
        HttpFeed *f = *(HttpFeed * const *) node;
        Stale *st = userdata;

        if ((which != postorder && which != leaf) || f->generation == st->generation || st->error < 0)
                return;
        st->error = array_grow((void **) &st->feeds, st->n, sizeof(HttpFeed *));
        if (st->error >= 0)
                st->feeds[st->n++] = f;
}

void http_server_prune(HttpServer *s) {
        Stale st = { .generation = s->generation };

        twalk_r(s->by_name, http_collect_stale, &st);
        /* Out of memory: what was collected goes, the rest at the next call. */
        for (size_t i = 0; i < st.n; i++) {
                HttpFeed *f = st.feeds[i];

                if (f->token)
                        (void) tdelete(f, &s->by_token, http_feed_token_compare);
                (void) tdelete(f, &s->by_name, http_feed_name_compare);
                http_cache_drop(s, f);
                http_feed_free(f);
        }
        free(st.feeds);
        s->generation++;
}

/* ---- the server ---- */

/* 304: the headers only, made for each answer (a few hundred bytes kept per
 * feed would add up at 100,000 feeds). */
static enum MHD_Result http_queue_not_modified(struct MHD_Connection *c, const HttpFeed *f) {
        _cleanup_(http_responsep) struct MHD_Response *r = NULL;

        /* libmicrohttpd 0.9.75 adds "Content-Length: 0" to it, which caches
         * ignore (RFC 9111 §3.2); the 200's length there instead would make
         * clients with a simple parser wait for a body. */
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (!r || http_add_headers(r, f->etag, f->last_modified, false) < 0)
                return MHD_NO;
        return MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
}

/* The document of f, not cached: rendered again by the server's owner (the
 * same bytes as last put, unless the schedule changed since without a put,
 * which then counts as a new version). Returns 0 or a negative errno. */
static int http_feed_render(HttpServer *s, HttpFeed *f) {
        _cleanup_free_ char *body = NULL;
        struct MHD_Response *full;
        char etag[ETAG_MAX];
        size_t len;
        int r;

        if (!s->render)
                return -EOPNOTSUPP;
        r = s->render(f->name, &body, s->render_userdata);
        if (r < 0)
                return log_warning_errno(r, "Failed to render feed '%s' for HTTP: %m", f->name);
        len = strlen(body);
        http_etag_of(body, len, etag);
        if (!streq(etag, f->etag))
                return http_feed_set_body(s, f, body, len, etag, time(NULL), true);
        r = http_full_response(f, body, len, &full);
        if (r < 0)
                return r;
        http_cache_put(s, f, full, len);
        return 0;
}

/* Answer the request on c with status and r: it has arrived whole, its
 * deadline is over. */
static enum MHD_Result http_queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r) {
        http_guard_answered(c);
        return MHD_queue_response(c, status, r);
}

/* Called once when the headers are in, then for each part of a body, then
 * once more with none left: a response queued at the first call closes
 * the connection, so GET and HEAD are answered at the last. A request
 * whose length a proxy could read otherwise is refused at the first call
 * (400, "Connection: close"; RFC 9112 §6.3). */
static enum MHD_Result http_on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                       const char *version, const char *upload_data, size_t *upload_data_size,
                                       void **req_cls) {
        static char headers_seen;
        HttpServer *s = cls;
        HttpFeed *f;

        if (!*req_cls && http_guard_framing(c) < 0)
                return http_queue(c, MHD_HTTP_BAD_REQUEST, s->bad_request);
        if (!streq(method, MHD_HTTP_METHOD_GET) && !streq(method, MHD_HTTP_METHOD_HEAD))
                return http_queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, s->not_allowed);
        if (!*req_cls) {
                *req_cls = &headers_seen;
                return MHD_YES;
        }
        if (*upload_data_size > 0) {
                *upload_data_size = 0;  /* a body on a GET means nothing: drop it */
                return MHD_YES;
        }
        http_guard_answered(c);
        f = http_find_by_url(s, url);
        if (!f)
                return MHD_queue_response(c, MHD_HTTP_NOT_FOUND, s->not_found);
        if (http_not_modified(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
                              MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE),
                              f->etag, f->last_modified, time(NULL)))
                return http_queue_not_modified(c, f);
        if (!f->full && http_feed_render(s, f) < 0)
                return MHD_queue_response(c, MHD_HTTP_INTERNAL_SERVER_ERROR, s->server_error);
        http_cache_touch(s, f);
        return MHD_queue_response(c, MHD_HTTP_OK, f->full);
}

/* libmicrohttpd's own messages, at debug level (a flood of refused
 * connections would flood the log), with anything after "/feeds/" hidden. */
static void http_on_mhd_log(void *cls, const char *format, va_list ap) {
        char buf[512], *p;

        vsnprintf(buf, sizeof buf, format, ap);
        for (p = strstr(buf, FEED_PREFIX); p; p = strstr(p, FEED_PREFIX)) {
                p += strlen(FEED_PREFIX);
                memset(p, '*', strcspn(p, " \t\r\n'\"`"));
        }
        buf[strcspn(buf, "\r\n")] = 0;
        log_debug("HTTP: %s", buf);
}

static int http_arm_timer(HttpServer *s) {
        MHD_UNSIGNED_LONG_LONG ms;
        int r;

        /* A connection closed: MHD puts its listening socket back into
         * its epoll set (it may have left it at max_connections) only
         * when it runs again. */
        if (http_guard_take_closed(s->guard))
                ms = 0;
        else if (MHD_get_timeout(s->daemon, &ms) != MHD_YES)
                return sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
        /* 0: work is pending (edge-triggered epoll inside MHD), run at once;
         * else a connection times out (whole seconds), no hurry. */
        r = sd_event_source_set_time_accuracy(s->timer, ms == 0 ? 1 : USEC_PER_SEC / 4);
        if (r < 0)
                return r;
        r = sd_event_source_set_time_relative(s->timer, (usec_t) ms * USEC_PER_MSEC);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
}

static int http_run_mhd(HttpServer *s) {
        int r;

        (void) MHD_run(s->daemon);
        r = http_arm_timer(s);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the HTTP timer: %m, ignoring");
        return 0;
}

static void http_drain(void *userdata) {
        (void) http_run_mhd(userdata);
}

static int http_on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        return http_run_mhd(userdata);
}

static int http_on_timer(sd_event_source *src, uint64_t usec, void *userdata) {
        return http_run_mhd(userdata);
}

/* "HOST:PORT" or "[IPV6]:PORT" into a listening socket. */
static int http_listen_on(const char *address, int *ret) {
        _cleanup_(freep) char *host = NULL;
        _cleanup_(closep) int fd = -EBADF;
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV | AI_PASSIVE }, *ai;
        const char *colon = strrchr(address, ':');
        int one = 1, r;

        if (!colon || colon == address)
                return -EINVAL;
        if (address[0] == '[') {
                if (colon[-1] != ']' || colon - address < 3)
                        return -EINVAL;
                host = strndup(address + 1, colon - address - 2);
        } else
                host = strndup(address, colon - address);
        if (!host)
                return -ENOMEM;

        r = getaddrinfo(host, colon + 1, &hints, &ai);
        if (r == EAI_MEMORY)
                return -ENOMEM;
        if (r != 0)
                return -EADDRNOTAVAIL;

        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                r = -errno;
                goto finish;
        }
        r = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (r >= 0 && ai->ai_family == AF_INET6)
                r = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (r >= 0)
                r = bind(fd, ai->ai_addr, ai->ai_addrlen);
        if (r >= 0)
                r = listen(fd, SOMAXCONN);
        r = r < 0 ? -errno : 0;
finish:
        freeaddrinfo(ai);
        if (r < 0)
                return r;
        *ret = TAKE_FD(fd);
        return 0;
}

/* The first listening TCP socket systemd passed, or -EBADF. */
static int http_passed_socket(void) {
        int n = sd_listen_fds(true);

        for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++)
                if (sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1, 0) > 0)
                        return fd;
        return -EBADF;
}

/* Room for max_connections sockets: the soft limit of open files up to the
 * hard one, as systemd does for its own daemons. */
static void http_raise_nofile(void) {
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= MIN(rl.rlim_max, NOFILE_CAP))
                return;
        rl.rlim_cur = MIN(rl.rlim_max, NOFILE_CAP);
        (void) setrlimit(RLIMIT_NOFILE, &rl);
}

static int http_static_response(const char *text, struct MHD_Response **ret) {
        struct MHD_Response *r;

        r = MHD_create_response_from_buffer(strlen(text), (void *) text, MHD_RESPMEM_PERSISTENT);
        if (!r)
                return -ENOMEM;
        if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8") != MHD_YES ||
            MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES) {
                MHD_destroy_response(r);
                return -ENOMEM;
        }
        *ret = r;
        return 0;
}

static void http_nop_free(void *p) {
}

void http_server_stop(HttpServer *s) {
        if (!s)
                return;
        s->io = sd_event_source_disable_unref(s->io);
        s->timer = sd_event_source_disable_unref(s->timer);
        /* MHD_stop_daemon() closes the listening socket. */
        if (s->daemon)
                MHD_stop_daemon(s->daemon);
        else
                closep(&s->listen_fd);
        s->daemon = NULL;
        s->guard = http_guard_free(s->guard);
        s->listen_fd = -EBADF;
}

bool http_server_listening(const HttpServer *s) {
        return s && s->daemon;
}

bool http_server_socket_passed(const HttpServer *s) {
        return s && s->passed;
}

HttpServer *http_server_free(HttpServer *s) {
        if (!s)
                return NULL;
        http_server_stop(s);
        closep(&s->passed_fd);
        sd_event_unref(s->event);
        tdestroy(s->by_token, http_nop_free);
        tdestroy(s->by_name, http_feed_free);
        if (s->not_found)
                MHD_destroy_response(s->not_found);
        if (s->not_allowed)
                MHD_destroy_response(s->not_allowed);
        if (s->server_error)
                MHD_destroy_response(s->server_error);
        if (s->bad_request)
                MHD_destroy_response(s->bad_request);
        return mfree(s);
}

int http_server_new_stopped(sd_event *event, http_render_fn render, void *userdata, HttpServer **ret) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        int r;

        assert(event);
        assert(ret);

        s = calloc(1, sizeof(HttpServer));
        if (!s)
                return -ENOMEM;
        s->listen_fd = s->passed_fd = -EBADF;
        s->event = sd_event_ref(event);
        s->render = render;
        s->render_userdata = userdata;
        r = random_bytes(&s->salt, sizeof s->salt);
        if (r < 0)
                return r;

        r = http_static_response("Not Found\n", &s->not_found);
        if (r < 0)
                return r;
        r = http_static_response("Internal Server Error\n", &s->server_error);
        if (r < 0)
                return r;
        r = http_static_response("Method Not Allowed\n", &s->not_allowed);
        if (r < 0)
                return r;
        if (MHD_add_response_header(s->not_allowed, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") != MHD_YES)
                return -ENOMEM;
        r = http_static_response("Bad Request\n", &s->bad_request);
        if (r < 0)
                return r;
        if (MHD_add_response_header(s->bad_request, MHD_HTTP_HEADER_CONNECTION, "close") != MHD_YES)
                return -ENOMEM;

        /* sd_listen_fds() forgets the sockets once asked: keep ours. */
        s->passed_fd = http_passed_socket();
        s->passed = s->passed_fd >= 0;
        *ret = TAKE_PTR(s);
        return 0;
}

int http_server_start(HttpServer *s, const FeedSettings *settings) {
        const union MHD_DaemonInfo *info;
        int r;

        assert(s);
        assert(settings);

        if (s->daemon)
                return -EALREADY;
        if (s->passed_fd >= 0)
                s->listen_fd = TAKE_FD(s->passed_fd);
        else if (s->passed)
                return -EBADF;          /* the passed socket was closed by http_server_stop() */
        else {
                if (isempty(settings->listen))
                        return -ENOENT;
                r = http_listen_on(settings->listen, &s->listen_fd);
                if (r < 0)
                        return r;
        }

        http_raise_nofile();
        r = http_guard_new(s->event, settings->request_timeout, settings->max_connections, http_drain, s, &s->guard);
        if (r < 0)
                goto fail;
        s->daemon = MHD_start_daemon(
                MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, http_on_request, s,
                MHD_OPTION_EXTERNAL_LOGGER, http_on_mhd_log, s,
                MHD_OPTION_LISTEN_SOCKET, s->listen_fd,
                MHD_OPTION_CONNECTION_LIMIT, (unsigned) settings->max_connections,
                MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned) settings->max_connections_per_ip,
                MHD_OPTION_CONNECTION_TIMEOUT,
                (unsigned) MAX(usec_ceil(settings->connection_timeout, USEC_PER_SEC) / USEC_PER_SEC, (usec_t) 1),
                MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY,
                MHD_OPTION_NOTIFY_CONNECTION, http_guard_on_connection, s->guard,
                MHD_OPTION_NOTIFY_COMPLETED, http_guard_on_completed, s->guard,
                MHD_OPTION_END);
        if (!s->daemon) {
                r = -EIO;
                goto fail;
        }

        info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_EPOLL_FD);
        if (!info) {
                r = -EIO;
                goto fail;
        }
        r = sd_event_add_io(s->event, &s->io, info->epoll_fd, EPOLLIN, http_on_io, s);
        if (r >= 0)
                r = sd_event_add_time(s->event, &s->timer, CLOCK_MONOTONIC, USEC_INFINITY, 1, http_on_timer, s);
        if (r >= 0)
                r = http_arm_timer(s);
        if (r >= 0)
                return 0;
fail:
        http_server_stop(s);
        return r;
}

int http_server_new(sd_event *event, const FeedSettings *settings, http_render_fn render, void *userdata,
                    HttpServer **ret) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        int r;

        assert(settings);
        assert(ret);

        r = http_server_new_stopped(event, render, userdata, &s);
        if (r < 0)
                return r;
        r = http_server_start(s, settings);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int http_server_address(const HttpServer *s, char *buf, size_t n) {
        struct sockaddr_storage sa;
        socklen_t len = sizeof sa;
        char host[INET6_ADDRSTRLEN];
        const void *addr;
        unsigned port;

        if (!s->daemon)
                return -ENOTCONN;
        if (getsockname(s->listen_fd, (struct sockaddr *) &sa, &len) < 0)
                return -errno;
        if (sa.ss_family == AF_INET) {
                const struct sockaddr_in *in = (const struct sockaddr_in *) &sa;

                addr = &in->sin_addr;
                port = ntohs(in->sin_port);
        } else if (sa.ss_family == AF_INET6) {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) &sa;

                addr = &in6->sin6_addr;
                port = ntohs(in6->sin6_port);
        } else
                return -EAFNOSUPPORT;
        if (!inet_ntop(sa.ss_family, addr, host, sizeof host))
                return -errno;
        if (snprintf(buf, n, sa.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port) >= (int) n)
                return -ENOBUFS;
        return 0;
}

int http_feed_urls(const char *base_url, const char *address, const char *token, char **ret_url,
                   char **ret_webcal) {
        _cleanup_(freep) char *url = NULL, *webcal = NULL;
        int r;

        if (!isempty(base_url))
                r = asprintf(&url, "%s" FEED_PREFIX "%s" FEED_SUFFIX, base_url, token);
        else if (!isempty(address))
                r = asprintf(&url, "http://%s" FEED_PREFIX "%s" FEED_SUFFIX, address, token);
        else
                return -EINVAL;
        if (r < 0) {
                url = NULL;
                return -ENOMEM;
        }
        if (asprintf(&webcal, "webcal://%s", strstr(url, "://") + 3) < 0) {
                webcal = NULL;
                return -ENOMEM;
        }
        *ret_url = TAKE_PTR(url);
        *ret_webcal = TAKE_PTR(webcal);
        return 0;
}
