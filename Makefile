# tinytap - see README.md. `make help` lists the targets.
#
# Objects go to $(O) (build/ by default; build-san/ for SAN=1), binaries to the top level.
# Header dependencies come from -MMD -MP; generated files are written to a temp name and moved.

VERSION := 0.1.0
O ?= build
SAN ?=
ifeq ($(SAN),1)
O := build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
LLVM_STRIP ?= llvm-strip
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_H ?= $(O)/vmlinux.h
PREFIX ?= /usr/local
DESTDIR ?=
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# llhttp: a distro library where one exists (libllhttp-dev), else Debian's node-llhttp C sources.
LLHTTP_PC := $(shell $(PKG_CONFIG) --exists libllhttp 2>/dev/null && echo yes)
ifeq ($(LLHTTP_PC),yes)
LLHTTP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libllhttp)
LLHTTP_LIBS := $(shell $(PKG_CONFIG) --libs libllhttp)
LLHTTP_OBJS :=
else
LLHTTP_DIR ?= /usr/share/llhttp
LLHTTP_INC ?= /usr/share/include/llhttp
LLHTTP_CFLAGS := -I$(LLHTTP_INC)
LLHTTP_LIBS :=
LLHTTP_OBJS := $(patsubst $(LLHTTP_DIR)/%.c,$(O)/llhttp/%.o,$(wildcard $(LLHTTP_DIR)/*.c))
endif

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers -MMD -MP \
	$(SAN_FLAGS)
override CPPFLAGS += -I. -I$(O)/bpf $(LLHTTP_CFLAGS) -D_GNU_SOURCE -DTT_VERSION='"$(VERSION)"' \
	$(shell $(PKG_CONFIG) --cflags libzstd 2>/dev/null)
override LDFLAGS += $(SAN_FLAGS)
ZSTD_LIBS := $(shell $(PKG_CONFIG) --libs libzstd 2>/dev/null || echo -lzstd)
BPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
CRITERION_LIBS := $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null || echo -lcriterion)

BPF_SYSINC = $(shell $(CLANG) -v -E -x c /dev/null 2>&1 | \
	awk '/<...> search starts here/{f=1;next} /End of search list/{f=0} f{print "-idirafter " $$1}')
BPF_CFLAGS = -g -O2 -Wall -Werror -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -MMD -MP \
	-I$(dir $(VMLINUX_H)) -I. $(BPF_SYSINC)

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(BPF_OBJS:.bpf.o=.skel.h)
FORMAT_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard format/*.c))
CAPTURE_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard capture/*.c))
ANALYZE_OBJS := $(patsubst %.c,$(O)/%.o,$(filter-out analyze/main.c,$(wildcard analyze/*.c)))
TEST_BINS := $(patsubst tests/%.c,$(O)/tests/%,$(wildcard tests/test_*.c))
BENCH_BINS := $(patsubst bench/%.c,$(O)/bench/%,$(wildcard bench/*.c))
HELPER_BINS := $(patsubst tests/helpers/%.c,$(O)/tests/helpers/%,$(wildcard tests/helpers/*.c))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRCS))
DEPS := $(shell find $(O) build-fuzz -name '*.d' 2>/dev/null)

PROGS := tinytap-record tinytap-show
ifneq ($(O),build)
PROGS := $(O)/tinytap-record $(O)/tinytap-show
endif
REC := $(firstword $(PROGS))
SHOW := $(lastword $(PROGS))

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all help deps check test test-unit test-golden test-e2e fuzz demo install clean bench
all: $(PROGS) $(HELPER_BINS)

help:
	@echo 'make            build tinytap-record and tinytap-show'
	@echo 'make deps       install build and test dependencies with apt (idempotent)'
	@echo 'make test       (as root) install missing deps, build, run every test'
	@echo 'make check      unit and golden tests only (no root needed)'
	@echo 'make test SAN=1 the same under ASan+UBSan (objects in build-san/)'
	@echo 'make fuzz       build libFuzzer targets in build-fuzz/ and run each for FUZZ_SECONDS'
	@echo 'make demo       (as root) record a built-in HTTP workload and show it'
	@echo 'make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)'
	@echo 'make clean'

deps:
	$(Q)./tests/deps.sh

# --- BPF -----------------------------------------------------------------------------------
$(VMLINUX_H):
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	$(Q)mv $@.tmp $@

$(O)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp.o
	$(Q)$(LLVM_STRIP) -g $@.tmp.o 2>/dev/null || true
	$(Q)mv $@.tmp.o $@

$(O)/bpf/%.skel.h: $(O)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp
	$(Q)mv $@.tmp $@

$(CAPTURE_OBJS): $(SKELS)

# --- C -------------------------------------------------------------------------------------
$(O)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(O)/llhttp/%.o: $(LLHTTP_DIR)/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LLHTTP_CFLAGS) -O2 -g -w $(SAN_FLAGS) -c $< -o $@

$(O)/libformat.a: $(FORMAT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/libanalyze.a: $(ANALYZE_OBJS) $(LLHTTP_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(REC): $(CAPTURE_OBJS) $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(BPF_LIBS) $(ZSTD_LIBS) -lpthread -o $@

$(SHOW): $(O)/analyze/main.o $(O)/libanalyze.a $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LLHTTP_LIBS) $(ZSTD_LIBS) -lz -lm -o $@

$(TEST_BINS): $(O)/tests/%: $(O)/tests/%.o $(O)/libanalyze.a $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LLHTTP_LIBS) $(CRITERION_LIBS) $(ZSTD_LIBS) -lz -lm -o $@

$(HELPER_BINS): $(O)/tests/helpers/%: $(O)/tests/helpers/%.o $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(ZSTD_LIBS) -lpthread -o $@

$(BENCH_BINS): $(O)/bench/%: $(O)/bench/%.o $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(ZSTD_LIBS) -lpthread -o $@

# --- tests ---------------------------------------------------------------------------------
# `make check`: unit (Criterion) and golden tests; no root, BTF or BPF needed.
check: $(SHOW) $(TEST_BINS) $(HELPER_BINS)
	$(Q)O=$(O) SHOW=$(SHOW) REC=$(REC) ./tests/run.sh unit golden

# `make test`: the README's test command. Installs missing deps (as root), builds everything,
# then runs unit, golden, end-to-end (root: real BPF programs, real traffic) and fuzz smoke tests.
# The fuzz smoke run (FUZZ_SECONDS per target) is part of it, except under SAN=1 (fuzz builds are
# sanitized already).
ifeq ($(SAN),1)
TEST_SUITES := unit golden e2e
TEST_EXTRA :=
else
TEST_SUITES := unit golden e2e fuzz
TEST_EXTRA := $(FUZZ_BINS)
endif
test:
	$(Q)./tests/deps.sh --check-or-install
	$(Q)$(MAKE) --no-print-directory all $(TEST_BINS) $(TEST_EXTRA) SAN=$(SAN)
	$(Q)O=$(O) SHOW=$(SHOW) REC=$(REC) SAN=$(SAN) FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/run.sh $(TEST_SUITES)

test-unit test-golden test-e2e: test-%: all $(TEST_BINS)
	$(Q)O=$(O) SHOW=$(SHOW) REC=$(REC) ./tests/run.sh $*

# --- fuzz ----------------------------------------------------------------------------------
FUZZ_SECONDS ?= 60
FUZZ_FORMAT_SRCS := $(wildcard format/*.c)
FUZZ_ANALYZE_SRCS := $(filter-out analyze/main.c,$(wildcard analyze/*.c))
build-fuzz/%: tests/fuzz/%.c $(FUZZ_FORMAT_SRCS) $(FUZZ_ANALYZE_SRCS) $(LLHTTP_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-MMD -MP $< $(FUZZ_FORMAT_SRCS) $(FUZZ_ANALYZE_SRCS) \
		$(wildcard $(LLHTTP_DIR)/*.c) $(LLHTTP_LIBS) $(ZSTD_LIBS) -lz -lm -o $@

fuzz: $(FUZZ_BINS)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/run.sh fuzz

# --- demo, install, clean ------------------------------------------------------------------
demo:
	$(Q)./tests/deps.sh --check-or-install
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./tests/demo.sh

install: $(PROGS)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 tinytap-record tinytap-show $(DESTDIR)$(PREFIX)/bin/

bench: all $(BENCH_BINS)
	$(Q)O=$(O) ./bench/run.sh

clean:
	rm -rf build build-san build-fuzz tinytap-record tinytap-show

-include $(DEPS)
.DELETE_ON_ERROR:
.SECONDARY:
