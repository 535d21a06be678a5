# conclab - run `make help` for the targets.
#
# Items are found, not listed. Every folder items/NN_topic/ builds
#   build/bin/NN_topic        from topic.c, the program a student reads, and
#   build/bin/NN_topic-bench  from bench.c, the measuring the harness runs
#                             (bench.c includes topic.c, so it measures the
#                             very functions the program shows).
# Any other .c file in an item folder is a piece (the GIL lock, the queue,
# the Game of Life, ...); all pieces go into one library every program links.

BUILD    ?= build
SANFLAGS ?=
QUICK    ?=
ITEM     ?=
# A user's runs go here; the committed reference (results/reference/) is
# written by `make reference` alone.
RESULTS  ?= results/runs
V        ?= 0

# Quiet unless V=1: one short line per file instead of the whole command.
ifeq ($(V),1)
  Q :=
  say = @true
else
  Q := @
  say = @printf '  %-6s %s\n'
endif

# Option tables give only the fields they need, so missing initialisers are fine.
CFLAGS   := -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers -O2 -g $(SANFLAGS)
CPPFLAGS := -D_POSIX_C_SOURCE=200809L -Iharness/lib -Iitems -MMD -MP
# Recursive (=) on purpose: pkg-config must run after deps.sh has installed things.
EVENT_CFLAGS = $(shell pkg-config --cflags libevent)
EVENT_LIBS   = $(shell pkg-config --libs libevent)
CRIT_CFLAGS  = $(shell pkg-config --cflags criterion)
CRIT_LIBS    = $(shell pkg-config --libs criterion)
# GLib only for the side-by-side benchmarks (GAsyncQueue, GThreadPool);
# --as-needed keeps it out of the programs that never call it.
GLIB_CFLAGS  = $(shell pkg-config --cflags glib-2.0)
GLIB_LIBS    = $(shell pkg-config --libs glib-2.0)
LDLIBS       = -Wl,--as-needed $(EVENT_LIBS) -levent_pthreads $(GLIB_LIBS) -pthread -lm

ITEMS       := $(sort $(patsubst items/%/,%,$(wildcard items/[0-9][0-9]_*/)))
main_of      = items/$(1)/$(patsubst $(firstword $(subst _, ,$(1)))_%,%,$(1)).c
ITEM_MAINS  := $(foreach i,$(ITEMS),$(call main_of,$(i)))
BENCH_SRCS  := $(wildcard items/*/bench.c)
BENCH_ITEMS := $(patsubst items/%/bench.c,%,$(BENCH_SRCS))
PIECE_SRCS  := $(filter-out $(ITEM_MAINS) $(BENCH_SRCS),$(wildcard items/*/*.c))
LIB_SRCS    := $(wildcard harness/lib/*.c)
TEST_SRCS   := $(wildcard tests/*.c)

LIBCLAB     := $(BUILD)/lib/libclab.a
LIBPIECES   := $(BUILD)/lib/libpieces.a
PROGRAMS    := $(addprefix $(BUILD)/bin/,$(ITEMS) machine)
BENCHES     := $(addsuffix -bench,$(addprefix $(BUILD)/bin/,$(BENCH_ITEMS)))
TEST_BIN    := $(BUILD)/tests/conclab-tests

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

.PHONY: all deps deps-build deps-charts deps-test deps-fuzz test charts reference compare \
        report sanitize tsan fuzz mutants battery clean help
.DEFAULT_GOAL := all

all: $(PROGRAMS) $(BENCHES)

help:
	@echo "conclab targets:"
	@echo "  make            build every item's program and bench into $(BUILD)/bin/ (V=1: show commands)"
	@echo "  make test       install what is missing, build, run the unit tests, every README lab"
	@echo "                  and a quick harness smoke run (5-11 minutes on 2 cores)"
	@echo "  make charts     install what is missing, build, measure, judge and chart every item"
	@echo "                  into $(RESULTS)/<machine>/README.md (5.5-9 minutes on 2 cores)"
	@echo "  make charts QUICK=1      the same at class size (2-4 minutes; 13 beside six CPU hogs)"
	@echo "  make charts ITEM=55      one item (or a list: ITEM=\"55 56\"); the other items'"
	@echo "                  results from the last run into that folder are kept"
	@echo "  make compare    your last run beside the committed reference, claim by claim"
	@echo "  make reference  (maintainers) a full run into results/reference/ and results/README.md"
	@echo "  make sanitize   build with ASan + UBSan and run the tests"
	@echo "  make tsan       build with ThreadSanitizer and run every item's demos"
	@echo "  make fuzz       build each tests/fuzz/*.c with libFuzzer (clang) and run it"
	@echo "                  FUZZ_RUNS inputs (default 10000000)"
	@echo "  make mutants    plant each mistake of tests/mutants/*.txt and check a test catches it"
	@echo "  make battery    every flag given bad values, and random SIGINT/SIGTERM/SIGHUP runs"
	@echo "                  (BATTERY_RUNS, default 100; about 2 minutes on 2 cores)"
	@echo "  make clean      remove $(BUILD)/"
	@echo "Run one item alone: $(BUILD)/bin/52_subprocess (the story), --help for its knobs"

# Each target installs only what it needs (scripts/deps.sh says which).
deps: deps-build
deps-build:
	@sh scripts/deps.sh build
deps-charts:
	@sh scripts/deps.sh charts
deps-test:
	@sh scripts/deps.sh test
deps-fuzz:
	@sh scripts/deps.sh fuzz

$(BUILD)/obj/%.o: %.c | deps-build
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(EVENT_CFLAGS) $(GLIB_CFLAGS) -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c | deps-test
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(EVENT_CFLAGS) $(GLIB_CFLAGS) $(CRIT_CFLAGS) -c $< -o $@

$(LIBCLAB): $(call obj,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# Made anew each time: a piece renamed or deleted must not linger inside.
$(LIBPIECES): $(call obj,$(PIECE_SRCS)) $(LIBCLAB)
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(call obj,$(PIECE_SRCS))

define item_rule
$(BUILD)/bin/$(1): $(call obj,$(call main_of,$(1))) $(LIBPIECES) $(LIBCLAB)
	@mkdir -p $$(@D)
	$$(say) LINK $$@
	$$(Q)$$(CC) $$(CFLAGS) $$< $(LIBPIECES) $(LIBCLAB) $$(LDLIBS) -o $$@
endef
$(foreach i,$(ITEMS),$(eval $(call item_rule,$(i))))

# bench.c includes the item's program source: a change to either rebuilds it
# (the .d file of bench.o lists topic.c).
define bench_rule
$(BUILD)/bin/$(1)-bench: $(call obj,items/$(1)/bench.c) $(LIBPIECES) $(LIBCLAB)
	@mkdir -p $$(@D)
	$$(say) LINK $$@
	$$(Q)$$(CC) $$(CFLAGS) $$< $(LIBPIECES) $(LIBCLAB) $$(LDLIBS) -o $$@
endef
$(foreach i,$(BENCH_ITEMS),$(eval $(call bench_rule,$(i))))

$(BUILD)/bin/machine: $(call obj,harness/machine.c) $(LIBCLAB)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(TEST_BIN): $(call obj,$(TEST_SRCS)) $(LIBPIECES) $(LIBCLAB)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) $(call obj,$(TEST_SRCS)) $(LIBPIECES) $(LIBCLAB) $(CRIT_LIBS) $(LDLIBS) -o $@

test: deps-test all $(TEST_BIN)
	@sh scripts/test.sh $(BUILD)

charts: deps-charts all
	@QUICK=$(QUICK) ITEM="$(ITEM)" CONCLAB_CFLAGS="$(CFLAGS)" sh harness/run.sh $(BUILD)/bin $(RESULTS)

# The committed reference: a full run (and a quick one) on the development
# machine, and the report page results/README.md that shows it.
reference: deps-charts all
	@CONCLAB_CFLAGS="$(CFLAGS)" sh harness/run.sh $(BUILD)/bin results/reference
	@QUICK=1 CONCLAB_CFLAGS="$(CFLAGS)" sh harness/run.sh $(BUILD)/bin results/reference
	@sh harness/index.sh results

compare: deps-charts $(BUILD)/bin/machine
	@QUICK=$(QUICK) sh harness/compare.sh $(BUILD)/bin $(RESULTS) results/reference

# ASan + UBSan: the same tests, an instrumented build of everything.
sanitize: deps-test
	@$(MAKE) --no-print-directory BUILD=build/asan \
	  SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  all build/asan/tests/conclab-tests
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  CONCLAB_STOP_LIMIT_S=2 SKIP_SMOKE=1 sh scripts/test.sh build/asan

# Criterion cannot start under TSan (its shared arena clashes with TSan's
# memory layout), so the TSan run drives every item's demos directly.
tsan: deps-build
	@$(MAKE) --no-print-directory BUILD=build/tsan SANFLAGS="-fsanitize=thread" \
	  $(addprefix build/tsan/bin/,$(ITEMS)) $(addsuffix -bench,$(addprefix build/tsan/bin/,$(BENCH_ITEMS)))
	@sh scripts/tsan.sh build/tsan/bin

# libFuzzer needs clang; each target is built with every piece and the
# support library, under ASan + UBSan, and run FUZZ_RUNS inputs.
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
FUZZ_RUNS ?= 10000000
FUZZ_CC   ?= clang-14
fuzz: deps-fuzz
	@mkdir -p $(BUILD)/fuzz
	@for src in $(FUZZ_SRCS); do \
	  name=$$(basename $$src .c); \
	  echo "fuzz: building $$name"; \
	  $(FUZZ_CC) -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -Iharness/lib -Iitems \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    $(EVENT_CFLAGS) $$src $(PIECE_SRCS) $(LIB_SRCS) $(LDLIBS) -o $(BUILD)/fuzz/$$name || exit 1; \
	  mkdir -p $(BUILD)/fuzz/$$name.corpus; \
	  echo "fuzz: running $$name for $(FUZZ_RUNS) inputs"; \
	  if ! $(BUILD)/fuzz/$$name -runs=$(FUZZ_RUNS) -max_len=4096 \
	      $(BUILD)/fuzz/$$name.corpus >$(BUILD)/fuzz/$$name.log 2>&1; then \
	    tail -n 30 $(BUILD)/fuzz/$$name.log; echo "fuzz: $$name FAILED"; exit 1; \
	  fi; \
	  tail -n 5 $(BUILD)/fuzz/$$name.log; \
	done

mutants: deps-test all $(TEST_BIN)
	@sh scripts/mutants.sh

BATTERY_RUNS ?= 100
battery: deps-build all
	@sh scripts/battery.sh $(BUILD)/bin $(BATTERY_RUNS)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
