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
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# `make ARCH=arm64` on another machine: Debian's cross toolchain and arm64 libraries (multiarch:
# `tests/deps.sh --arm64`), objects and binaries in build-arm64/. The BPF object is the same
# bytecode for every architecture but is built with -D__TARGET_ARCH_arm64 (pt_regs layout).
ifneq ($(ARCH),$(HOST_ARCH))
ifeq ($(ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
	pkg-config
ifeq ($(O),build)
O := build-arm64
endif
CROSS := 1
else
$(error ARCH=$(ARCH): cross builds are for arm64 (or build on the machine itself))
endif
endif
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
LLVM_STRIP ?= llvm-strip
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_H ?= $(O)/vmlinux.h
PREFIX ?= /usr/local
DESTDIR ?=

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
	$(shell $(PKG_CONFIG) --cflags libzstd 2>/dev/null) $(NGHTTP2_CFLAGS) $(MHD_CFLAGS)
override LDFLAGS += $(SAN_FLAGS)
ZSTD_LIBS := $(shell $(PKG_CONFIG) --libs libzstd 2>/dev/null || echo -lzstd)
# HTTP/2's HPACK inflater (analyze/proto/http2.c): libnghttp2-dev.
NGHTTP2_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnghttp2 2>/dev/null)
NGHTTP2_LIBS := $(shell $(PKG_CONFIG) --libs libnghttp2 2>/dev/null || echo -lnghttp2)
BPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
# json-c: the container runtimes' metadata files (capture/cgnames.c)
JSONC_LIBS := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null || echo -ljson-c)
# libmicrohttpd: the HTTP server of tinytap-show --serve (analyze/web/serve.c)
MHD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
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
# analyze/: the pipeline and its stages; analyze/proto/: one file pair per protocol;
# analyze/sink/: one per output.
ANALYZE_SRCS := $(filter-out analyze/main.c,$(wildcard analyze/*.c analyze/proto/*.c analyze/sink/*.c))
ANALYZE_OBJS := $(patsubst %.c,$(O)/%.o,$(ANALYZE_SRCS))
# analyze/web/: the web page's server and the page itself (compiled in: embed.sh writes it as C
# arrays); only tinytap-show links it (libmicrohttpd).
WEB_OBJS := $(O)/analyze/web/serve.o $(O)/analyze/web/assets.o
WEB_PAGE := analyze/web/index.html analyze/web/app.js analyze/web/style.css
TEST_BINS := $(patsubst tests/%.c,$(O)/tests/%,$(wildcard tests/test_*.c))
# test-only protocols (tests/proto/*.c, e.g. the toy echo protocol), linked into the unit tests
TEST_PROTO_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard tests/proto/*.c))
BENCH_BINS := $(patsubst bench/%.c,$(O)/bench/%,$(wildcard bench/*.c))
HELPER_BINS := $(patsubst tests/helpers/%.c,$(O)/tests/helpers/%,$(filter-out tests/helpers/mysql_%.c,$(wildcard tests/helpers/*.c)))
TTGEN_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard tests/lib/*.c))
# A MySQL client on libmariadb (binary protocol) for tests/e2e/proto_mysql.sh and the golden
# recording: built when libmariadb is there (a test dependency, tests/deps.sh).
MARIADB_PC := $(shell $(PKG_CONFIG) --exists libmariadb 2>/dev/null && echo yes)
ifeq ($(MARIADB_PC),yes)
MYSQL_HELPER_BINS := $(patsubst tests/helpers/%.c,$(O)/tests/helpers/%,$(wildcard tests/helpers/mysql_*.c))
HELPER_BINS += $(MYSQL_HELPER_BINS)
endif
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

.PHONY: all help deps check check-arm64 check-cross test test-unit test-golden test-e2e fuzz demo install uninstall clean bench
all: $(PROGS) $(HELPER_BINS)

help:
	@echo 'make            build tinytap-record and tinytap-show'
	@echo 'make deps       install build and test dependencies with apt (idempotent)'
	@echo 'make test       (as root) install missing deps, build, run every test'
	@echo 'make check      unit and golden tests only (no root needed)'
	@echo 'make ARCH=arm64 cross-build for arm64 (build-arm64/; tests/deps.sh --arm64)'
	@echo 'make check-arm64 the arm64 build'"'"'s golden (and unit) tests under qemu-user'
	@echo 'make test SAN=1 the same under ASan+UBSan (objects in build-san/)'
	@echo 'make fuzz       build libFuzzer targets in build-fuzz/ and run each for FUZZ_SECONDS'
	@echo 'make demo       (as root) record a built-in HTTP workload and show it'
	@echo 'make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR): binaries, man pages, bash completion,'
	@echo '                the systemd unit (docs/systemd); make uninstall removes them'
	@echo 'make clean'

deps:
	$(Q)./tests/deps.sh

# --- BPF -----------------------------------------------------------------------------------
# Kernel types for CO-RE: field offsets are relocated against the running kernel's BTF at load
# time, so the build machine's types serve another architecture too; what only arm64 has is its
# register layout (pt_regs for uprobes), from its UAPI asm/ptrace.h. VMLINUX_BTF=FILE: an arm64
# kernel's BTF (its /sys/kernel/btf/vmlinux) instead.
$(VMLINUX_H):
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
ifeq ($(CROSS)$(origin VMLINUX_BTF),1file)
	$(Q)printf '%s\n' '#ifndef TT_USER_PT_REGS' '#define TT_USER_PT_REGS' \
		'struct user_pt_regs { __u64 regs[31]; __u64 sp; __u64 pc; __u64 pstate; };' \
		'#endif' >> $@.tmp
endif
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

# The recording generator of the test helpers and benchmarks (tests/lib/ttgen.h).
$(O)/libttgen.a: $(TTGEN_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# --redact at record time: the analyzer's redaction rules, linked in (analyze/redact.c needs
# nothing but format/)
$(REC): $(CAPTURE_OBJS) $(O)/analyze/redact.o $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(BPF_LIBS) $(ZSTD_LIBS) $(JSONC_LIBS) -lpthread -o $@

$(O)/analyze/web/assets.c: $(WEB_PAGE) analyze/web/embed.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)analyze/web/embed.sh $@

$(O)/analyze/web/assets.o: $(O)/analyze/web/assets.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(SHOW): $(O)/analyze/main.o $(WEB_OBJS) $(O)/libanalyze.a $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LLHTTP_LIBS) $(NGHTTP2_LIBS) $(MHD_LIBS) $(ZSTD_LIBS) -lz -lm \
		-lpthread -o $@

# test_cgnames tests capture/cgnames.c (the recorder's container look-ups), not the analyzer
CAPTURE_TEST_BINS := $(O)/tests/test_cgnames $(O)/tests/test_rotate
$(filter-out $(CAPTURE_TEST_BINS),$(TEST_BINS)): $(O)/tests/%: $(O)/tests/%.o $(TEST_PROTO_OBJS) \
		$(O)/libttgen.a $(O)/libanalyze.a $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LLHTTP_LIBS) $(NGHTTP2_LIBS) $(CRITERION_LIBS) $(ZSTD_LIBS) -lz -lm \
		-lpthread -o $@

$(O)/tests/test_cgnames: $(O)/tests/test_cgnames.o $(O)/capture/cgnames.o $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRITERION_LIBS) $(JSONC_LIBS) -lpthread -o $@

# test_rotate tests capture/rotate.c (the flight recorder's file set)
$(O)/tests/test_rotate: $(O)/tests/test_rotate.o $(O)/capture/rotate.o $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRITERION_LIBS) -o $@

$(filter-out $(MYSQL_HELPER_BINS),$(HELPER_BINS)): $(O)/tests/helpers/%: $(O)/tests/helpers/%.o $(O)/libttgen.a $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(ZSTD_LIBS) -lz -lpthread -o $@

$(MYSQL_HELPER_BINS): $(O)/tests/helpers/%: tests/helpers/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags libmariadb) $< -o $@ $(LDFLAGS) \
		$(shell $(PKG_CONFIG) --libs libmariadb)

$(BENCH_BINS): $(O)/bench/%: $(O)/bench/%.o $(O)/libttgen.a $(O)/libformat.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(ZSTD_LIBS) -lpthread -o $@

# --- tests ---------------------------------------------------------------------------------
# `make check`: unit (Criterion) and golden tests; no root, BTF or BPF needed.
check: $(SHOW) $(TEST_BINS) $(HELPER_BINS)
	$(Q)O=$(O) SHOW=$(SHOW) REC=$(REC) ./tests/run.sh unit golden

# `make check-arm64` (on another machine): the arm64 build (ARCH=arm64, in build-arm64/) and its
# golden tests, and its unit tests when the arm64 Criterion is installed (tests/deps.sh says why
# it is not by default), the arm64 binaries run by qemu-user through binfmt_misc.
check-arm64:
	$(Q)./tests/deps.sh --arm64
	$(Q)./tests/arm64-binfmt.sh
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 check-cross

CROSS_SUITES = $(if $(shell $(PKG_CONFIG) --exists criterion 2>/dev/null && echo y),unit golden,golden)
check-cross: $(REC) $(SHOW) $(HELPER_BINS) $(if $(filter unit,$(CROSS_SUITES)),$(TEST_BINS))
	$(Q)$(REC) -h | grep -q '^Usage: tinytap-record' || { echo "$(REC) -h does not run"; exit 1; }
	$(Q)O=$(O) SHOW=$(SHOW) REC=$(REC) GOLDEN_ONLY='$(GOLDEN_ONLY)' ./tests/run.sh $(CROSS_SUITES)

# `make test`: the README's test command. Installs missing deps (as root), builds everything,
# then runs unit, golden, end-to-end (root: real BPF programs, real traffic) and fuzz smoke tests.
# The fuzz smoke run (FUZZ_SECONDS per target) is part of it, except under SAN=1 (fuzz builds are
# sanitized already). Under SAN=1 the end-to-end suites are the recorder's own and the fast
# protocol ones (E2E_ONLY, a regex of script names); the slow real-server suites (Docker, the
# database chains, soak) run once, in the plain pass, to keep CI within its time.
ifeq ($(SAN),1)
TEST_SUITES := unit golden e2e
TEST_EXTRA :=
E2E_ONLY ?= ^(record_(sockio|fallback|filters|errors|usage|signals|inet|curl|loss|tls)|flight_(rotate|redact|window)|show_redact|show_live|proto_(redis|websocket))\.sh$$
else
TEST_SUITES := unit golden e2e fuzz
TEST_EXTRA := $(FUZZ_BINS)
endif
test:
	$(Q)./tests/deps.sh --check-or-install
	$(Q)$(MAKE) --no-print-directory all $(TEST_BINS) $(TEST_EXTRA) SAN=$(SAN)
	$(Q)O=$(O) SHOW=$(SHOW) REC=$(REC) SAN=$(SAN) FUZZ_SECONDS=$(FUZZ_SECONDS) E2E_ONLY='$(E2E_ONLY)' \
		./tests/run.sh $(TEST_SUITES)

test-unit test-golden test-e2e: test-%: all $(TEST_BINS)
	$(Q)O=$(O) SHOW=$(SHOW) REC=$(REC) ./tests/run.sh $*

# --- fuzz ----------------------------------------------------------------------------------
FUZZ_SECONDS ?= 30
FUZZ_FORMAT_SRCS := $(wildcard format/*.c)
# tinytap-show's options (show.c) reach the web server: not part of a fuzz target
FUZZ_ANALYZE_SRCS := $(filter-out analyze/show.c,$(ANALYZE_SRCS))
# The code under test is compiled once (build-fuzz/obj/, instrumented for libFuzzer, ASan and
# UBSan); each target is its own file linked with those objects.
FUZZ_CFLAGS := $(CPPFLAGS) -std=gnu11 -g -O1 -MMD -MP
FUZZ_OBJS := $(patsubst %.c,build-fuzz/obj/%.o,$(FUZZ_FORMAT_SRCS) $(FUZZ_ANALYZE_SRCS)) \
	$(patsubst $(LLHTTP_DIR)/%.c,build-fuzz/obj/llhttp/%.o,$(wildcard $(LLHTTP_DIR)/*.c))
build-fuzz/obj/llhttp/%.o: $(LLHTTP_DIR)/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
build-fuzz/obj/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
build-fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined $< $(FUZZ_OBJS) \
		$(LLHTTP_LIBS) $(NGHTTP2_LIBS) $(ZSTD_LIBS) -lz -lm -lpthread -o $@

fuzz: $(FUZZ_BINS)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/run.sh fuzz

# --- demo, install, clean ------------------------------------------------------------------
demo:
	$(Q)./tests/deps.sh --check-or-install
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./tests/demo.sh

# The binaries, the man pages, bash completion (one file, under both commands' names) and the
# systemd unit, its ExecStart pointed at $(PREFIX)/bin. uninstall removes exactly these files.
BINDIR := $(PREFIX)/bin
MANDIR := $(PREFIX)/share/man
COMPDIR := $(PREFIX)/share/bash-completion/completions
UNITDIR := $(PREFIX)/lib/systemd/system
INSTALLED := $(BINDIR)/tinytap-record $(BINDIR)/tinytap-show $(MANDIR)/man1/tinytap-show.1 \
	$(MANDIR)/man5/tinytap.5 $(MANDIR)/man8/tinytap-record.8 $(COMPDIR)/tinytap-record \
	$(COMPDIR)/tinytap-show $(UNITDIR)/tinytap-record.service

install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(COMPDIR) $(DESTDIR)$(UNITDIR)
	install -m 0755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 0644 docs/man/tinytap-show.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/man/tinytap.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 docs/man/tinytap-record.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 docs/completion/tinytap $(DESTDIR)$(COMPDIR)/tinytap-record
	install -m 0644 docs/completion/tinytap $(DESTDIR)$(COMPDIR)/tinytap-show
	sed 's|/usr/local/bin/tinytap-record|$(BINDIR)/tinytap-record|' \
		docs/systemd/tinytap-record.service >$(DESTDIR)$(UNITDIR)/tinytap-record.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/tinytap-record.service.tmp
	mv $(DESTDIR)$(UNITDIR)/tinytap-record.service.tmp $(DESTDIR)$(UNITDIR)/tinytap-record.service

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

bench: all $(BENCH_BINS)
	$(Q)O=$(O) ./bench/run.sh

clean:
	rm -rf build build-san build-arm64 build-fuzz tinytap-record tinytap-show

-include $(DEPS)
.DELETE_ON_ERROR:
.SECONDARY:
