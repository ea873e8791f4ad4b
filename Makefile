# respite — plain Makefile. `make help` lists the targets.

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
SYSCONFDIR  ?= /etc
LOCALSTATEDIR ?= /var
DATADIR     ?= $(PREFIX)/share
# respited's actions (conf/actions/): /usr/lib/respite/actions with PREFIX=/usr.
ACTIONSDIR  ?= $(PREFIX)/lib/respite/actions
ACTIONS     := $(filter-out conf/actions/README,$(wildcard conf/actions/*))
MANDIR      ?= $(DATADIR)/man
# The translations (po/): LOCALEDIR/<lang>/LC_MESSAGES/respite.mo.
LOCALEDIR   ?= $(DATADIR)/locale
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
PKGS        := libsystemd libconfig libical sqlite3 libmicrohttpd nettle
TEST_PKGS   := cmocka
WARNINGS    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wmissing-declarations -Wformat=2 -Wundef -Wvla -Wwrite-strings \
               -Wno-unused-parameter
CFLAGS      ?= -O2 -g
VERSION     := 0.1
# The statutory presets shipped in conf/presets, named where a plan has none.
PRESET_NAMES := $(sort $(basename $(notdir $(wildcard conf/presets/*.conf))))
# Headers are named with their layer: #include "core/planner.h".
ALL_CFLAGS  := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(SANFLAGS) -MMD -MP -Isrc \
               -DSYSCONFDIR='"$(SYSCONFDIR)"' -DLOCALSTATEDIR='"$(LOCALSTATEDIR)"' -DVERSION='"$(VERSION)"' \
               -DLOCALEDIR='"$(LOCALEDIR)"' \
               -DPOLICY_PRESETS='"$(PRESET_NAMES)"' $(shell pkg-config --cflags $(PKGS))
TEST_CFLAGS := -Itests $(shell pkg-config --cflags $(TEST_PKGS))
LIBS        := $(shell pkg-config --libs $(PKGS)) -lcsv -lm
# respitectl's --json; respite-notify needs only sd-bus.
CTL_LIBS    := $(shell pkg-config --libs json-c)
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)
# make V=1 shows the whole commands.
V           ?= 0
Q           := $(if $(filter 0,$(V)),@,)
say          = @$(if $(Q),printf '  %-5s %s\n' '$(1)' '$(2)',:)

# The layers, each a folder of src/ (README.md, Layout). A layer uses only
# the layers before it; each is built once into a static library that the
# programs, the unit tests, the fuzzers and the benchmarks link.
LAYERS      := shared core import publish daemon
# The daemon's main() is not in its library, so the tests can link it.
layer_srcs   = $(filter-out src/daemon/respited.c,$(wildcard src/$(1)/*.c))
obj_of       = $(patsubst %.c,$(BUILDDIR)/%.o,$(1))
lib_of       = $(BUILDDIR)/librespite-$(1).a
reverse      = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
LAYER_LIBS  := $(foreach l,$(LAYERS),$(call lib_of,$(l)))
# Link order: a library before those it uses.
LINK_LIBS   := $(call reverse,$(LAYER_LIBS))
# Tests, fuzzers and benchmarks also find tests/*.h and cmocka.
cflags_of    = $(ALL_CFLAGS) $(if $(filter src/%,$(1)),,$(TEST_CFLAGS))
CTL_OBJS    := $(call obj_of,$(wildcard src/ctl/*.c))
NOTIFY_OBJS := $(call obj_of,$(wildcard src/notify/*.c))
PROGRAMS    := $(BUILDDIR)/respited $(BUILDDIR)/respitectl $(BUILDDIR)/respite-notify

# Translations: po/LINGUAS names the languages, po/POTFILES the sources whose
# _(), N_() and P_() strings make po/respite.pot (`make update-po`). Each
# po/LANG.po becomes BUILDDIR/locale/LANG/LC_MESSAGES/respite.mo, which the
# tests and `make run` use through $RESPITE_LOCALEDIR (src/shared/i18n.h).
LINGUAS     := $(shell cat po/LINGUAS)
POTFILES    := $(shell cat po/POTFILES)
MO_FILES    := $(foreach l,$(LINGUAS),$(BUILDDIR)/locale/$(l)/LC_MESSAGES/respite.mo)
XGETTEXT_FLAGS := --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=C_:1c,2 \
               --add-comments=TRANSLATORS: --add-location=file --sort-by-file \
               --package-name=respite --package-version=$(VERSION)

# Unit tests: tests/LAYER/test-NAME.c becomes BUILDDIR/test-NAME; each links
# the layer libraries and takes what it needs from them.
TEST_SRCS   := $(wildcard tests/*/test-*.c)
TEST_BINS   := $(addprefix $(BUILDDIR)/,$(notdir $(TEST_SRCS:.c=)))

.PHONY: all check man-check layout-check po-check update-po po-untranslated unit-check integration-check run bench bench-optimum install uninstall clean \
        deps help \
        fuzz fuzz-build valgrind-check soak compile_commands.json
all: $(PROGRAMS) $(MO_FILES)
ifeq ($(SAN)$(FUZZ),0)
all: compile_commands.json
endif

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(call cflags_of,$<) -c -o $@ $<

define layer_library
$(call lib_of,$(1)): $(call obj_of,$(call layer_srcs,$(1)))
	@rm -f $$@
	$(call say,AR,$$@)
	$(Q)$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_library,$(l))))

$(BUILDDIR)/respited: $(BUILDDIR)/src/daemon/respited.o $(LAYER_LIBS)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LINK_LIBS) $(LIBS)

$(BUILDDIR)/respitectl: $(CTL_OBJS) $(LAYER_LIBS)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CTL_OBJS) $(LINK_LIBS) $(LIBS) $(CTL_LIBS)

$(BUILDDIR)/respite-notify: $(NOTIFY_OBJS) $(call lib_of,shared)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(NOTIFY_OBJS) $(call lib_of,shared) $(LIBS)

# The fuzzers' and benchmarks' objects are made on the way to their
# programs (pattern rules); keep them.
.SECONDARY: $(call obj_of,$(wildcard fuzz/*.c bench/*.c))

# tests/ctl/ tests respitectl's own modules: they also link its objects but
# main's, from an archive (each test takes only what it uses), and json-c.
CTL_LIB     := $(BUILDDIR)/librespite-ctl.a
$(CTL_LIB): $(filter-out %/respitectl.o,$(CTL_OBJS))
	@rm -f $@
	$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $^
test_libs    = $(if $(filter tests/ctl/%,$(1)),$(CTL_LIB))
define unit_test
$(BUILDDIR)/$(notdir $(1:.c=)): $(call obj_of,$(1)) $(call test_libs,$(1)) $(LAYER_LIBS)
	$$(call say,LD,$$@)
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$< $(call test_libs,$(1)) $$(LINK_LIBS) $$(LIBS) \
		$(if $(call test_libs,$(1)),$$(CTL_LIBS)) $$(shell pkg-config --libs $$(TEST_PKGS))
endef
$(foreach t,$(TEST_SRCS),$(eval $(call unit_test,$(t))))

# compile_commands.json for clangd and clang-tidy: every C file with the
# command this Makefile compiles it with (the normal build's).
CC_SRCS     := $(wildcard src/*/*.c tests/*.c tests/*/*.c fuzz/*.c bench/*.c)
json_escape  = $(subst ",\",$(subst \,\\,$(1)))
cc_entry     = {"directory": "$(CURDIR)", "file": "$(1)", \
               "command": "$(call json_escape,$(CC) $(call cflags_of,$(1)) -c -o $(call obj_of,$(1)) $(1))"}
compile_commands.json:
	$(file >$@,[)
	$(foreach f,$(firstword $(CC_SRCS)),$(file >>$@,$(call cc_entry,$(f))))
	$(foreach f,$(wordlist 2,$(words $(CC_SRCS)),$(CC_SRCS)),$(file >>$@,,$(call cc_entry,$(f))))
	$(file >>$@,])
	@echo "wrote $@ ($(words $(CC_SRCS)) files)"

$(BUILDDIR)/locale/%/LC_MESSAGES/respite.mo: po/%.po
	@mkdir -p $(@D)
	$(call say,MSGFMT,$<)
	$(Q)msgfmt -c -o $@ $<

# The template from the sources, and every language merged with it: new
# strings come in untranslated, changed ones fuzzy, for the translators.
update-po:
	xgettext $(XGETTEXT_FLAGS) -o po/respite.pot $(POTFILES)
	@set -e; for l in $(LINGUAS); do \
		msgmerge --quiet --update --backup=none --add-location=file po/$$l.po po/respite.pot; \
		msgfmt -c --statistics -o /dev/null po/$$l.po; \
	done

# po/untranslated: the literals of po/POTFILES that are not for people and
# stay unmarked, made from the sources as they are (tools/po-literals). Run
# it once every string a person reads is marked, and review its diff.
po-untranslated:
	XGETTEXT_FLAGS='$(XGETTEXT_FLAGS)' tools/po-literals --untranslated >po/untranslated.new
	mv po/untranslated.new po/untranslated

# Every language complete (no untranslated or fuzzy string) and valid
# (msgfmt -c), and po/respite.pot up to date with the sources: a new
# string in a marked file fails until `make update-po` and its translation;
# a new literal left unmarked fails until it is marked, or named in
# po/untranslated (`make po-untranslated`) as not for people.
po-check:
	XGETTEXT_FLAGS='$(XGETTEXT_FLAGS)' tests/po-check.sh $(LINGUAS)

# `make check`: unit tests and the integration test, once in a normal build
# and once under ASan+UBSan.
check: man-check layout-check po-check
	$(MAKE) unit-check integration-check
	$(MAKE) SAN=1 unit-check integration-check
	$(MAKE) valgrind-check

# Each layer includes only the layers below it, the D-Bus names live in
# one header, no C file over 1,000 lines (tests/layout.sh).
layout-check:
	tests/layout.sh

# Every man page renders without a groff warning.
man-check:
	@set -e; for m in man/*.[1-8]; do \
		out=$$(groff -man -Tutf8 -ww -z $$m 2>&1); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	done; echo "man pages: ok"

unit-check: $(TEST_BINS) $(MO_FILES)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; ./$$t; done

$(BUILDDIR)/ical-check: $(BUILDDIR)/tests/ical-check.o
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# tests/team-day.sh's client of GetTeamDay: ctl_bus_get_team_day() from
# respitectl's archive, its result printed as JSON.
$(BUILDDIR)/team-day-client: $(BUILDDIR)/tests/team-day-client.o $(CTL_LIB) $(LAYER_LIBS)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(CTL_LIB) $(LINK_LIBS) $(LIBS) $(CTL_LIBS)

integration-check: $(PROGRAMS) $(MO_FILES) $(BUILDDIR)/ical-check $(BUILDDIR)/team-day-client
	tests/integration.sh $(BUILDDIR)
	tests/plan-calls.sh $(BUILDDIR)
	tests/plan-html.sh $(BUILDDIR)
	tests/bad-inputs.sh $(BUILDDIR)
	tests/state.sh $(BUILDDIR)
	tests/revise.sh $(BUILDDIR)
	tests/sources.sh $(BUILDDIR)
	tests/source-files.sh $(BUILDDIR)
	tests/store-files.sh $(BUILDDIR)
	tests/agents.sh $(BUILDDIR)
	tests/breaks.sh $(BUILDDIR)
	tests/access.sh $(BUILDDIR)
	tests/bus-log-clock.sh $(BUILDDIR)
	tests/spool-attack.sh $(BUILDDIR)
	tests/team-day.sh $(BUILDDIR)
	tests/systemd.sh $(BUILDDIR)
	tests/reload.sh $(BUILDDIR)
	tests/report.sh $(BUILDDIR)
	tests/sandbox.sh $(BUILDDIR)
	tests/http.sh $(BUILDDIR)
	tests/feed-language.sh $(BUILDDIR)
	tests/http-bind.sh $(BUILDDIR)
	tests/http-hostile.sh $(BUILDDIR)
	tests/notify.sh $(BUILDDIR)
	tests/alerts.sh $(BUILDDIR)
	tests/coverage.sh $(BUILDDIR)
	tests/stay-up.sh $(BUILDDIR)

# The integration test once more with respited and respitectl under
# valgrind: memory errors and definite leaks fail it.
valgrind-check: $(PROGRAMS) $(BUILDDIR)/ical-check
	tests/valgrind.sh $(BUILDDIR)

# `make soak`: a bank month, then a day of a 10,000-operator site, replayed
# at high speed with incidents over D-Bus, the spool and a queue_log, and
# feeds fetched over HTTP; memory and file descriptors must stay flat
# (tests/soak.sh). Not part of `make check`.
soak: $(PROGRAMS)
	tests/soak.sh $(BUILDDIR)
	tests/soak.sh $(BUILDDIR) site

# `make bench`: the planner on synthetic sites and the real bank months,
# and against the optimum on small teams (bench-optimum, below), the HTTP
# feeds, then the daemon end to end at BENCH_SIZES operators
# (bench/README.md). Not part of `make check`; nothing is asserted.
BENCH_SIZES ?= 1000 10000 100000
$(BUILDDIR)/bench-%: $(BUILDDIR)/bench/bench-%.o $(LAYER_LIBS)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LINK_LIBS) $(LIBS)

bench: $(BUILDDIR)/bench-planner $(BUILDDIR)/bench-feed-latency $(BUILDDIR)/bench-daemon $(PROGRAMS)
	@echo "| site | shifts | incidents | full-day plan (ms) | full revision (ms) | incremental revision (ms) | ratio | team revision (ms) | peak memory (MiB) |"
	@echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	@for n in 100 1000 10000 100000; do $(BUILDDIR)/bench-planner $$n; done
	@for m in 01 02 03 04; do \
		if [ -d ../shared/data/anonbank-1999 ]; then $(BUILDDIR)/bench-planner --bank ../shared/data/anonbank-1999 $$m; fi; done
	$(MAKE) --no-print-directory bench-optimum
	bench/bench-http.sh $(BUILDDIR)
	bench/bench-daemon.sh -b $(BUILDDIR) $(BENCH_SIZES)

# `make bench-optimum`: the planner's coverage on small single-team days
# against the exact optimum (bench/optimum.py: a MILP solved by CBC through
# PuLP, at most OPTIMUM_TIME_LIMIT seconds an instance; python3-pulp and
# coinor-cbc are installed when missing and run as root). Also in `make bench`.
OPTIMUM_TIME_LIMIT ?= 120
bench-optimum: $(BUILDDIR)/bench-optimum
	@if ! /usr/bin/python3 -c 'import pulp' 2>/dev/null || ! command -v cbc >/dev/null; then \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "bench-optimum: needs python3-pulp and coinor-cbc (apt-get install python3-pulp coinor-cbc); skipped." >&2; \
			exit 0; \
		fi; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pulp coinor-cbc >/dev/null; \
	fi; \
	$(BUILDDIR)/bench-optimum | /usr/bin/python3 bench/optimum.py --time-limit $(OPTIMUM_TIME_LIMIT)

# `make fuzz FUZZ_SECONDS=N`: build every libFuzzer target of fuzz/ with
# clang (tools/install-fuzz-deps) and run each for N seconds on seeds from
# the fixtures and ../shared/data (fuzz/README.md). Not part of `make check`.
FUZZ_SECONDS ?= 60
FUZZERS     := csv policy roster calls incidents time spool report ics queue-log http
$(BUILDDIR)/fuzz-%: $(BUILDDIR)/fuzz/fuzz-%.o $(LAYER_LIBS)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LINK_LIBS) $(LIBS)

fuzz-build: $(patsubst %,$(BUILDDIR)/fuzz-%,$(FUZZERS))

fuzz:
	@command -v clang-14 >/dev/null || tools/install-fuzz-deps
	$(MAKE) FUZZ=1 fuzz-build
	fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZERS)

# Replay a real day of the Anonymous Bank on a private session bus; its feeds
# go to a temporary directory, kept with `make run KEEP=1`.
run: $(PROGRAMS) $(MO_FILES)
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
	@# Never overwrite a site's policy: a changed one stays, the new default goes beside it.
	@conf=$(DESTDIR)$(SYSCONFDIR)/respite/respite.conf; \
	if [ ! -e "$$conf" ]; then \
		echo "install -m 0644 conf/respite.conf $$conf"; install -m 0644 conf/respite.conf "$$conf"; \
	elif cmp -s conf/respite.conf "$$conf"; then \
		echo "install: $$conf is already the shipped default"; \
	else \
		install -m 0644 conf/respite.conf "$$conf.default"; \
		echo "install: kept the site's $$conf; the new default policy is $$conf.default"; \
	fi
	install -m 0644 conf/presets/*.conf $(DESTDIR)$(SYSCONFDIR)/respite/presets/
	install -d $(DESTDIR)$(SYSCONFDIR)/respite/examples
	install -m 0644 conf/examples/* $(DESTDIR)$(SYSCONFDIR)/respite/examples/
	install -d $(DESTDIR)$(ACTIONSDIR)
	install -m 0755 $(ACTIONS) $(DESTDIR)$(ACTIONSDIR)/
	install -m 0644 conf/actions/README $(DESTDIR)$(ACTIONSDIR)/README
	install -m 0644 man/respitectl.1 $(DESTDIR)$(MANDIR)/man1/
	@set -e; for l in $(LINGUAS); do \
		echo "install -D -m 0644 $(BUILDDIR)/locale/$$l/LC_MESSAGES/respite.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/respite.mo"; \
		install -D -m 0644 $(BUILDDIR)/locale/$$l/LC_MESSAGES/respite.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/respite.mo; \
	done
	install -m 0644 man/respite.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/respited.8 $(DESTDIR)$(MANDIR)/man8/
	sed -e 's|/usr/local/sbin|$(SBINDIR)|' -e 's|/usr/local/bin|$(BINDIR)|' systemd/respited.service >$(DESTDIR)$(UNITDIR)/respited.service
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
	      $(DESTDIR)$(SYSUSERSDIR)/respite.conf $(DESTDIR)$(TMPFILESDIR)/respite.conf \
	      $(DESTDIR)$(SYSCONFDIR)/respite/respite.conf.default \
	      $(foreach l,$(LINGUAS),$(DESTDIR)$(LOCALEDIR)/$(l)/LC_MESSAGES/respite.mo)
	rm -rf $(DESTDIR)$(SYSCONFDIR)/respite/presets $(DESTDIR)$(SYSCONFDIR)/respite/examples \
	       $(DESTDIR)$(ACTIONSDIR)

clean:
	rm -rf build build-san build-fuzz compile_commands.json

help:
	@echo "Targets:"
	@echo "  all (default)    build respited, respitectl and respite-notify into $(BUILDDIR)/, and compile_commands.json"
	@echo "  run              replay a real day of the Anonymous Bank on a private session bus (KEEP=1 keeps its feeds)"
	@echo "  check            man pages, unit and integration tests, again under ASan+UBSan, then under valgrind"
	@echo "  unit-check       the unit tests (cmocka) of every layer"
	@echo "  integration-check the integration tests: real dbus-daemon, respited, respitectl, notifications"
	@echo "  man-check        every man page renders without a groff warning"
	@echo "  po-check         every po/LANG.po complete and valid, po/respite.pot up to date, every unmarked literal in po/untranslated"
	@echo "  update-po        po/respite.pot from the sources, merged into every po/LANG.po"
	@echo "  po-untranslated  po/untranslated (the literals not for people) from the sources, to review"
	@echo "  layout-check     each layer includes only those below it; one bus-name header; no C file over 1,000 lines"
	@echo "  valgrind-check   the integration test with respited and respitectl under valgrind"
	@echo "  soak             a bank month and a 10,000-operator day at high speed; memory and descriptors must stay flat"
	@echo "  bench            the planner, the bank months, its optimum, feeds against nginx, the daemon at BENCH_SIZES operators"
	@echo "  bench-optimum    the planner's coverage on small teams against the exact optimum (CBC, OPTIMUM_TIME_LIMIT s each)"
	@echo "  fuzz             every libFuzzer target for FUZZ_SECONDS seconds (clang 14)"
	@echo "  fuzz-build       build the fuzz targets (with FUZZ=1)"
	@echo "  compile_commands.json  the compile commands for clangd and clang-tidy"
	@echo "  install          install programs, policy (never over a site's respite.conf), units, bus files, man pages, completion"
	@echo "  uninstall        remove what install put in place; /etc/respite/respite.conf stays"
	@echo "  deps             install the Debian packages the build and the tests need (as root, or with sudo)"
	@echo "  clean            remove build/, build-san/, build-fuzz/ and compile_commands.json"
	@echo "  help             this list"
	@echo "Variables: PREFIX DESTDIR SYSCONFDIR LOCALSTATEDIR LOCALEDIR ACTIONSDIR SAN=1 (ASan+UBSan build in build-san/) KEEP=1"
	@echo "           FUZZ_SECONDS CC CFLAGS"

-include $(shell find $(BUILDDIR) -name '*.d' 2>/dev/null)
