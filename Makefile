# conclab - run `make help` for the targets.
#
# Items are found, not listed: every folder items/NN_topic/ builds one program,
# build/bin/NN_topic, from its main file items/NN_topic/topic.c. Any other .c
# file in an item folder is a piece later items reuse (the GIL lock, the queue,
# the Game of Life); all of them go into one library every program links.

BUILD    ?= build
SANFLAGS ?=
QUICK    ?=
RESULTS  ?= results

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
PIECE_SRCS  := $(filter-out $(ITEM_MAINS),$(wildcard items/*/*.c))
LIB_SRCS    := $(wildcard harness/lib/*.c)
TEST_SRCS   := $(wildcard tests/*.c)

LIBCLAB     := $(BUILD)/lib/libclab.a
LIBPIECES   := $(BUILD)/lib/libpieces.a
PROGRAMS    := $(addprefix $(BUILD)/bin/,$(ITEMS) machine)
TEST_BIN    := $(BUILD)/tests/conclab-tests

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

.PHONY: all deps test charts sanitize tsan fuzz clean help
.DEFAULT_GOAL := all

all: $(PROGRAMS) $(TEST_BIN)

help:
	@echo "conclab targets:"
	@echo "  make            build every item into $(BUILD)/bin/ (and the tests)"
	@echo "  make test       install what is missing, build, run the unit tests and a"
	@echo "                  quick harness smoke run (about 2 minutes on 2 cores)"
	@echo "  make charts     install what is missing, build, run every experiment and"
	@echo "                  write $(RESULTS)/README.md with charts (about 7 minutes on 2 cores)"
	@echo "  make charts QUICK=1   the same at class size (about a minute)"
	@echo "  make sanitize   build with ASan + UBSan and run the tests"
	@echo "  make tsan       build with ThreadSanitizer and run every item's demos"
	@echo "  make fuzz       build each tests/fuzz/*.c with libFuzzer and run it"
	@echo "                  FUZZ_RUNS inputs (default 10000000)"
	@echo "  make clean      remove $(BUILD)/"
	@echo "Run one item alone: $(BUILD)/bin/52_subprocess --help"

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(EVENT_CFLAGS) $(GLIB_CFLAGS) -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(EVENT_CFLAGS) $(GLIB_CFLAGS) $(CRIT_CFLAGS) -c $< -o $@

$(LIBCLAB): $(call obj,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(LIBPIECES): $(call obj,$(PIECE_SRCS)) $(LIBCLAB)
	@mkdir -p $(@D)
	$(AR) rcs $@ $(call obj,$(PIECE_SRCS))

define item_rule
$(BUILD)/bin/$(1): $(call obj,$(call main_of,$(1))) $(LIBPIECES) $(LIBCLAB)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$< $(LIBPIECES) $(LIBCLAB) $$(LDLIBS) -o $$@
endef
$(foreach i,$(ITEMS),$(eval $(call item_rule,$(i))))

$(BUILD)/bin/machine: $(call obj,harness/machine.c) $(LIBCLAB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(TEST_BIN): $(call obj,$(TEST_SRCS)) $(LIBPIECES) $(LIBCLAB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(call obj,$(TEST_SRCS)) $(LIBPIECES) $(LIBCLAB) $(CRIT_LIBS) $(LDLIBS) -o $@

test: deps all
	@sh scripts/test.sh $(BUILD)

charts: deps $(PROGRAMS)
	@QUICK=$(QUICK) CONCLAB_CFLAGS="$(CFLAGS)" sh harness/run.sh $(BUILD)/bin $(RESULTS)

# ASan + UBSan: the same tests, an instrumented build of everything.
sanitize:
	@$(MAKE) --no-print-directory BUILD=build/asan \
	  SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" all
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  SKIP_SMOKE=1 sh scripts/test.sh build/asan

# Criterion cannot start under TSan (its shared arena clashes with TSan's
# memory layout), so the TSan run drives every item's demos directly.
tsan:
	@$(MAKE) --no-print-directory BUILD=build/tsan SANFLAGS="-fsanitize=thread" \
	  $(addprefix build/tsan/bin/,$(ITEMS))
	@sh scripts/tsan.sh build/tsan/bin

# libFuzzer needs clang; each target is built with every piece and the
# support library, under ASan + UBSan, and run FUZZ_RUNS inputs.
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
FUZZ_RUNS ?= 10000000
FUZZ_CC   ?= clang-14
fuzz: deps
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

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
