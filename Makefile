# respite — plain Makefile. `make help` lists the targets.

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
SYSCONFDIR  ?= /etc
LOCALSTATEDIR ?= /var
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
UNITDIR     ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
# systemd and D-Bus say where their files go; the fallbacks are Debian's.
SYSUSERSDIR ?= $(shell pkg-config --variable=sysusersdir systemd 2>/dev/null || echo /usr/lib/sysusers.d)
TMPFILESDIR ?= $(shell pkg-config --variable=tmpfilesdir systemd 2>/dev/null || echo /usr/lib/tmpfiles.d)
DBUSDATADIR ?= $(shell pkg-config --variable=datadir dbus-1 2>/dev/null || echo $(DATADIR))
DBUSDIR     ?= $(DBUSDATADIR)/dbus-1/system.d
USERUNITDIR ?= $(shell pkg-config --variable=systemduserunitdir systemd 2>/dev/null || echo /usr/lib/systemd/user)
BASHCOMPLETIONDIR ?= $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null || echo $(DATADIR)/bash-completion/completions)
DBUSSERVICEDIR ?= $(shell pkg-config --variable=system_bus_services_dir dbus-1 2>/dev/null || echo $(DBUSDATADIR)/dbus-1/system-services)
DESTDIR     ?=

# SAN=1 builds with AddressSanitizer and UBSan into build-san/.
SAN         ?= 0
ifeq ($(SAN),1)
BUILDDIR    ?= build-san
SANFLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(FUZZ),1)
# FUZZ=1: clang with libFuzzer, ASan and UBSan into build-fuzz/ (`make fuzz`).
BUILDDIR    ?= build-fuzz
CC          := clang-14
# clang, unlike gcc, also asks callbacks that take a va_list for a format attribute.
SANFLAGS    := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -Wno-format-nonliteral
else
BUILDDIR    ?= build
SANFLAGS    :=
endif

CC          ?= cc
PKGS        := libsystemd libconfig libical sqlite3 libmicrohttpd
TEST_PKGS   := cmocka
WARNINGS    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wmissing-declarations -Wformat=2 -Wundef -Wvla -Wwrite-strings \
               -Wno-unused-parameter
CFLAGS      ?= -O2 -g
VERSION     := 0.1
ALL_CFLAGS  := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(SANFLAGS) -MMD -MP \
               -DSYSCONFDIR='"$(SYSCONFDIR)"' -DLOCALSTATEDIR='"$(LOCALSTATEDIR)"' -DVERSION='"$(VERSION)"' \
               $(shell pkg-config --cflags $(PKGS))
LIBS        := $(shell pkg-config --libs $(PKGS)) -lcsv -lm
# respitectl's --json; respite-notify needs only sd-bus.
CTL_LIBS    := $(shell pkg-config --libs json-c)
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)

# Modules shared by the programs and the tests; each program adds its own.
CORE        := util log time-util csv-reader policy roster calls incident erlang coverage planner metrics feed \
               windows-zones roster-ics queue-log source
DAEMON      := clock store spool access http manager bus respited
CTL         := respitectl import-check
NOTIFY      := util log time-util clock respite-notify

core_objs    = $(patsubst %,$(BUILDDIR)/%.o,$(CORE))
PROGRAMS    := $(BUILDDIR)/respited $(BUILDDIR)/respitectl $(BUILDDIR)/respite-notify

# Each unit test links the modules it tests and what they need.
TESTS       := time policy roster calls incident erlang coverage planner metrics feed store spool access http roster-ics queue-log source
test_deps_time     := util log time-util
test_deps_policy   := util log time-util policy
test_deps_roster   := util log time-util csv-reader roster
test_deps_calls    := util log time-util csv-reader calls
test_deps_incident := util log time-util csv-reader policy calls incident
test_deps_erlang   := util erlang
test_deps_coverage := util log time-util csv-reader policy roster calls erlang coverage
test_deps_planner  := util log time-util csv-reader policy roster calls incident erlang coverage planner metrics
test_deps_metrics  := util log time-util csv-reader policy roster calls incident erlang coverage planner metrics
test_deps_feed     := util log time-util csv-reader policy roster calls incident erlang coverage planner feed
test_deps_store    := $(CORE) store
test_deps_spool    := $(CORE) spool
test_deps_access   := util log time-util policy access
test_deps_roster-ics := util log time-util csv-reader roster windows-zones roster-ics
test_deps_queue-log := util log time-util calls csv-reader queue-log
test_deps_source   := util log time-util csv-reader policy roster calls windows-zones roster-ics queue-log source
test_deps_http     := util log http
TEST_BINS   := $(patsubst %,$(BUILDDIR)/test-%,$(TESTS))

.PHONY: all check man-check unit-check integration-check run bench install uninstall clean deps help \
        fuzz fuzz-build valgrind-check soak
all: $(PROGRAMS)

$(BUILDDIR)/%.o: src/%.c | $(BUILDDIR)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILDDIR)/tests/%.o: tests/%.c | $(BUILDDIR)
	@mkdir -p $(BUILDDIR)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(shell pkg-config --cflags $(TEST_PKGS)) -c -o $@ $<

$(BUILDDIR):
	mkdir -p $@

$(BUILDDIR)/respited: $(core_objs) $(patsubst %,$(BUILDDIR)/%.o,$(DAEMON))
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILDDIR)/respitectl: $(core_objs) $(patsubst %,$(BUILDDIR)/%.o,$(CTL))
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CTL_LIBS)

$(BUILDDIR)/respite-notify: $(patsubst %,$(BUILDDIR)/%.o,$(NOTIFY))
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

.SECONDARY:
.SECONDEXPANSION:
$(BUILDDIR)/test-%: $(BUILDDIR)/tests/test-%.o $$(addprefix $(BUILDDIR)/,$$(addsuffix .o,$$(test_deps_$$*)))
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(shell pkg-config --libs $(TEST_PKGS))

# `make check`: unit tests and the integration test, once in a normal build
# and once under ASan+UBSan.
check: man-check
	$(MAKE) unit-check integration-check
	$(MAKE) SAN=1 unit-check integration-check
	$(MAKE) valgrind-check

# Every man page renders without a groff warning.
man-check:
	@set -e; for m in man/*.[1-8]; do \
		out=$$(groff -man -Tutf8 -ww -z $$m 2>&1); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	done; echo "man pages: ok"

unit-check: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; ./$$t; done

$(BUILDDIR)/ical-check: $(BUILDDIR)/tests/ical-check.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

integration-check: $(PROGRAMS) $(BUILDDIR)/ical-check
	tests/integration.sh $(BUILDDIR)
	tests/bad-inputs.sh $(BUILDDIR)
	tests/state.sh $(BUILDDIR)
	tests/sources.sh $(BUILDDIR)
	tests/access.sh $(BUILDDIR)
	tests/systemd.sh $(BUILDDIR)
	tests/http.sh $(BUILDDIR)
	tests/notify.sh $(BUILDDIR)

# The integration test once more with respited and respitectl under
# valgrind: memory errors and definite leaks fail it.
valgrind-check: $(PROGRAMS) $(BUILDDIR)/ical-check
	tests/valgrind.sh $(BUILDDIR)

# `make soak`: a bank month replayed at high speed with incidents over
# D-Bus, the spool and a queue_log, and feeds fetched over HTTP; memory and
# file descriptors must stay flat (tests/soak.sh). Not part of `make check`.
soak: $(PROGRAMS)
	tests/soak.sh $(BUILDDIR)

# `make bench`: the planner on synthetic sites and the real bank months
# (bench/README.md). Not part of `make check`; nothing is asserted.
$(BUILDDIR)/bench-planner: bench/bench-planner.c $(core_objs) | $(BUILDDIR)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ bench/bench-planner.c $(core_objs) $(ALL_LDFLAGS) $(LIBS)

$(BUILDDIR)/bench-feed-latency: bench/bench-feed-latency.c | $(BUILDDIR)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ bench/bench-feed-latency.c $(ALL_LDFLAGS) $(LIBS)

bench: $(BUILDDIR)/bench-planner $(BUILDDIR)/bench-feed-latency $(PROGRAMS)
	@echo "| site | shifts | incidents | full-day plan (ms) | full revision (ms) | incremental revision (ms) | ratio | peak memory (MiB) |"
	@echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	@for n in 100 1000 10000 100000; do $(BUILDDIR)/bench-planner $$n; done
	@for m in 01 02 03 04; do \
		if [ -d ../shared/data/anonbank-1999 ]; then $(BUILDDIR)/bench-planner --bank ../shared/data/anonbank-1999 $$m; fi; done
	bench/bench-http.sh $(BUILDDIR)

# `make fuzz FUZZ_SECONDS=N`: build every libFuzzer target of fuzz/ with
# clang (tools/install-fuzz-deps) and run each for N seconds on seeds from
# the fixtures and ../shared/data (fuzz/README.md). Not part of `make check`.
FUZZ_SECONDS ?= 60
FUZZERS     := csv policy roster calls incidents time spool report ics queue-log http
fuzz_deps_report := clock store access http manager bus
fuzz_deps_http   := clock http
$(BUILDDIR)/fuzz-%: fuzz/fuzz-%.c fuzz/fuzz.h $$(addprefix $(BUILDDIR)/,$$(addsuffix .o,$(CORE) spool $$(fuzz_deps_$$*)))
	$(CC) $(ALL_CFLAGS) -Isrc -fsanitize=fuzzer -o $@ $< $(filter %.o,$^) $(ALL_LDFLAGS) $(LIBS)

fuzz-build: $(patsubst %,$(BUILDDIR)/fuzz-%,$(FUZZERS))

fuzz:
	@command -v clang-14 >/dev/null || tools/install-fuzz-deps
	$(MAKE) FUZZ=1 fuzz-build
	fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZERS)

# Replay a real day of the Anonymous Bank on a private session bus.
run: $(PROGRAMS)
	tests/run-example.sh $(BUILDDIR)

deps:
	tools/install-deps

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	        $(DESTDIR)$(SYSCONFDIR)/respite/presets $(DESTDIR)$(MANDIR)/man1 \
	        $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DBUSDIR) \
	        $(DESTDIR)$(DBUSSERVICEDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	        $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(BASHCOMPLETIONDIR)
	install -m 0755 $(BUILDDIR)/respited $(DESTDIR)$(SBINDIR)/respited
	install -m 0755 $(BUILDDIR)/respitectl $(DESTDIR)$(BINDIR)/respitectl
	install -m 0755 $(BUILDDIR)/respite-notify $(DESTDIR)$(BINDIR)/respite-notify
	install -m 0644 man/respite-notify.1 $(DESTDIR)$(MANDIR)/man1/
	sed 's|/usr/local/bin|$(BINDIR)|' systemd/respite-notify.service >$(DESTDIR)$(USERUNITDIR)/respite-notify.service
	install -m 0644 shell-completion/bash/respitectl $(DESTDIR)$(BASHCOMPLETIONDIR)/respitectl
	install -m 0644 conf/respite.conf $(DESTDIR)$(SYSCONFDIR)/respite/respite.conf
	install -m 0644 conf/presets/*.conf $(DESTDIR)$(SYSCONFDIR)/respite/presets/
	install -d $(DESTDIR)$(SYSCONFDIR)/respite/examples
	install -m 0644 conf/examples/* $(DESTDIR)$(SYSCONFDIR)/respite/examples/
	install -m 0644 man/respitectl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/respite.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/respited.8 $(DESTDIR)$(MANDIR)/man8/
	sed 's|/usr/local/sbin|$(SBINDIR)|' systemd/respited.service >$(DESTDIR)$(UNITDIR)/respited.service
	install -m 0644 systemd/org.respite.Scheduler1.conf $(DESTDIR)$(DBUSDIR)/
	install -m 0644 systemd/org.respite.Scheduler1.service $(DESTDIR)$(DBUSSERVICEDIR)/
	install -m 0644 systemd/respite.sysusers $(DESTDIR)$(SYSUSERSDIR)/respite.conf
	install -m 0644 systemd/respite.tmpfiles $(DESTDIR)$(TMPFILESDIR)/respite.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/respited $(DESTDIR)$(BINDIR)/respitectl \
	      $(DESTDIR)$(BINDIR)/respite-notify $(DESTDIR)$(MANDIR)/man1/respite-notify.1 \
	      $(DESTDIR)$(USERUNITDIR)/respite-notify.service $(DESTDIR)$(BASHCOMPLETIONDIR)/respitectl \
	      $(DESTDIR)$(MANDIR)/man1/respitectl.1 $(DESTDIR)$(MANDIR)/man5/respite.conf.5 \
	      $(DESTDIR)$(MANDIR)/man8/respited.8 $(DESTDIR)$(UNITDIR)/respited.service \
	      $(DESTDIR)$(DBUSDIR)/org.respite.Scheduler1.conf \
	      $(DESTDIR)$(DBUSSERVICEDIR)/org.respite.Scheduler1.service \
	      $(DESTDIR)$(SYSUSERSDIR)/respite.conf $(DESTDIR)$(TMPFILESDIR)/respite.conf
	rm -rf $(DESTDIR)$(SYSCONFDIR)/respite/presets $(DESTDIR)$(SYSCONFDIR)/respite/examples

clean:
	rm -rf build build-san build-fuzz

help:
	@echo "targets: all check run install uninstall clean deps"
	@echo "variables: PREFIX DESTDIR SYSCONFDIR SAN=1"

-include $(wildcard $(BUILDDIR)/*.d $(BUILDDIR)/tests/*.d)
