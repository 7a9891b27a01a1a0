// SPDX-License-Identifier: MIT
/*
 * capture/tls.c - which libssl files get the OpenSSL uprobes, and which processes use a TLS
 * library that cannot be hooked (see tls.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "capture/log.h"
#include "capture/tls.h"

#define MAX_FILES   64		/* libssl files hooked at most */
#define MAX_SEEN    4096	/* executables judged (unsupported TLS named once each) */
#define MAX_PENDING 1024	/* exec'd processes waiting for a look at their maps */
#define SCAN_MAX    (64u << 20) /* bytes of an executable searched for TLS code */
#define MAX_REPORTS 256		/* TLS_UNHOOKED records kept (one per executable) */

static const char *const funcs[TT_TLS_NFUNCS] = {"SSL_write", "SSL_read", "SSL_write_ex",
						 "SSL_read_ex"};

/* When an exec'd process is looked at, in ms after its exec: the loader maps libssl within
 * milliseconds, a dlopen() may come later. */
static const uint32_t rescan_ms[] = {20, 250, 2000};
#define NSTAGES (sizeof(rescan_ms) / sizeof(rescan_ms[0]))

struct file_id {
	uint64_t dev, ino;
};

struct pending {
	uint32_t pid;
	uint32_t stage;
	uint64_t due_ms;
	uint64_t exec_ms;
};

struct tt_tls {
	struct tt_tls_progs p;
	bool verbose;
	struct tt_rec_tls_unhooked reports[MAX_REPORTS]; /* for the file (tt_tls_reports()) */
	size_t nreports;
	struct file_id files[MAX_FILES]; /* hooked, or tried and failed */
	int nfiles, hooked;
	struct bpf_link **links;
	int nlinks, links_cap;
	struct file_id seen[MAX_SEEN]; /* executables already judged */
	int nseen;
	struct pending q[MAX_PENDING];
	int nq;
};

struct tt_tls *tt_tls_new(const struct tt_tls_progs *progs, bool verbose)
{
	struct tt_tls *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->p = *progs;
	t->verbose = verbose;
	/* this program carries the marks static_tls() looks for: never judged */
	struct stat sb;
	if (stat("/proc/self/exe", &sb) == 0)
		t->seen[t->nseen++] = (struct file_id){.dev = sb.st_dev, .ino = sb.st_ino};
	return t;
}

static int add_link(struct tt_tls *t, struct bpf_link *l)
{
	if (t->nlinks == t->links_cap) {
		int nc = t->links_cap ? t->links_cap * 2 : 32;
		struct bpf_link **n = realloc(t->links, nc * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->links = n;
		t->links_cap = nc;
	}
	t->links[t->nlinks++] = l;
	return 0;
}

static bool known_file(const struct file_id *list, int n, const struct file_id *id)
{
	for (int i = 0; i < n; i++)
		if (list[i].dev == id->dev && list[i].ino == id->ino)
			return true;
	return false;
}

/* Hooks one libssl file (path as this process can open it; shown as `shown`), once per inode. */
static void hook_file(struct tt_tls *t, const char *path, const char *shown)
{
	struct file_id id;
	struct stat sb;
	int ok = 0;

	if (stat(path, &sb) || !S_ISREG(sb.st_mode))
		return;
	id.dev = sb.st_dev;
	id.ino = sb.st_ino;
	if (known_file(t->files, t->nfiles, &id) || t->nfiles == MAX_FILES)
		return;
	t->files[t->nfiles++] = id;
	for (int i = 0; i < TT_TLS_NFUNCS; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, eo, .func_name = funcs[i], .retprobe = false);
		LIBBPF_OPTS(bpf_uprobe_opts, ro, .func_name = funcs[i], .retprobe = true);
		struct bpf_link *re, *en;

		/* the return probe first: an entry without its return would leave a call open */
		re = bpf_program__attach_uprobe_opts(t->p.ret[i], -1, path, 0, &ro);
		if (!re)
			continue;
		en = bpf_program__attach_uprobe_opts(t->p.entry[i], -1, path, 0, &eo);
		if (!en) {
			bpf_link__destroy(re);
			continue;
		}
		if (add_link(t, re) || add_link(t, en)) {
			bpf_link__destroy(en);
			bpf_link__destroy(re);
			continue;
		}
		ok++;
	}
	if (ok)
		t->hooked++;
	if (t->verbose || !ok)
		tt_log_warn("TLS: %s %s (%d of %d functions)", ok ? "hooked" : "could not hook",
			    shown, ok, TT_TLS_NFUNCS);
}

int tt_tls_scan_system(struct tt_tls *t)
{
	static const char *const pats[] = {
	    "/lib/*-linux-gnu*/libssl.so.*",
	    "/usr/lib/*-linux-gnu*/libssl.so.*",
	    "/lib64/libssl.so.*",
	    "/usr/lib64/libssl.so.*",
	    "/lib/libssl.so.*",
	    "/usr/lib/libssl.so.*",
	    "/usr/local/lib/libssl.so.*",
	    "/usr/local/lib64/libssl.so.*",
	};

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;

		if (glob(pats[i], 0, NULL, &g))
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++)
			hook_file(t, g.gl_pathv[j], g.gl_pathv[j]);
		globfree(&g);
	}
	return t->hooked;
}

static bool base_is(const char *path, const char *prefix)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	return strncmp(b, prefix, strlen(prefix)) == 0;
}

/* Names it with -v, and keeps a TLS_UNHOOKED record for the file. */
static void report(struct tt_tls *t, uint32_t pid, const char *exe, int lib)
{
	if (t->verbose)
		tt_log_warn("TLS library not hooked: pid %u %.256s uses %s (its plaintext is not "
			    "recorded)",
			    pid, exe, tt_tls_lib_name((uint32_t)lib));
	if (t->nreports < MAX_REPORTS) {
		struct tt_rec_tls_unhooked *r = &t->reports[t->nreports++];
		struct timespec ts;

		memset(r, 0, sizeof(*r));
		clock_gettime(CLOCK_BOOTTIME, &ts);
		r->ts_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		r->pid = pid;
		r->library = (uint8_t)lib;
		memcpy(r->exe, exe, strnlen(exe, sizeof(r->exe) - 1)); /* cut, NUL-padded */
	}
}

size_t tt_tls_reports(const struct tt_tls *t, const struct tt_rec_tls_unhooked **recs)
{
	*recs = t->reports;
	return t->nreports;
}

/* What TLS code (enum tt_tls_lib) an executable that maps no libssl carries, or -1: Go's
 * crypto/tls (its function names, kept in Go's pclntab even when stripped), or a statically
 * linked OpenSSL/BoringSSL (the source file name of their error records, ssl/ssl_lib.c(c), also
 * in stripped binaries). Not the name "SSL_write": programs that dlopen libssl or merely name it
 * (tinytap-show's syscall table) carry it too. */
static int static_tls(const char *exe_path)
{
	static const struct {
		const char *needle;
		int lib;
	} marks[] = {
	    {"crypto/tls.(*Conn).Write", TT_TLS_LIB_GO},
	    {"ssl_lib.c", TT_TLS_LIB_STATIC_OPENSSL},
	};
	int lib = -1;
	struct stat sb;
	size_t len;
	void *m;
	int fd = open(exe_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < 64) {
		close(fd);
		return -1;
	}
	len = (size_t)sb.st_size < SCAN_MAX ? (size_t)sb.st_size : SCAN_MAX;
	m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]) && lib < 0; i++)
		if (memmem(m, len, marks[i].needle, strlen(marks[i].needle)))
			lib = marks[i].lib;
	munmap(m, len);
	return lib;
}

/* Scans pid's maps: hooks its libssl files. Returns 1 if it maps a libssl, 0 if not, -1 if it
 * is gone. *other is another TLS library it maps (enum tt_tls_lib), else -1. */
static int scan_maps(struct tt_tls *t, uint32_t pid, int *other)
{
	char path[64], line[4096 + 128], full[4096 + 64];
	int found = 0;
	FILE *f;

	*other = -1;
	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '/'), *nl;

		if (!p || !strstr(line, " r-xp ")) /* the code mapping of a file */
			continue;
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		if (base_is(p, "libssl.so")) {
			snprintf(full, sizeof(full), "/proc/%u/root%s", pid, p);
			hook_file(t, full, p);
			found = 1;
		} else if (base_is(p, "libgnutls.so")) {
			*other = TT_TLS_LIB_GNUTLS;
		} else if (base_is(p, "libnss3.so")) {
			*other = TT_TLS_LIB_NSS;
		} else if (base_is(p, "libwolfssl.so")) {
			*other = TT_TLS_LIB_WOLFSSL;
		} else if (base_is(p, "libmbedtls.so")) {
			*other = TT_TLS_LIB_MBEDTLS;
		}
	}
	fclose(f);
	return found;
}

/* Scans pid; final: the last look, so an executable with TLS code and no libssl is named. */
static void scan(struct tt_tls *t, uint32_t pid, bool final)
{
	char path[64], exe[4096];
	int other, lib;
	struct file_id id;
	struct stat sb;
	ssize_t n;
	int r = scan_maps(t, pid, &other);

	if (r != 0 || (other < 0 && !final))
		return; /* hooked, gone, or not decided yet */
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	if (stat(path, &sb))
		return;
	id.dev = sb.st_dev;
	id.ino = sb.st_ino;
	if (known_file(t->seen, t->nseen, &id))
		return;
	if (t->nseen < MAX_SEEN)
		t->seen[t->nseen++] = id;
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	lib = other >= 0 ? other : static_tls(path);
	if (lib >= 0)
		report(t, pid, exe, lib);
}

void tt_tls_scan_pid(struct tt_tls *t, uint32_t pid)
{
	scan(t, pid, true);
}

void tt_tls_note_exec(struct tt_tls *t, uint32_t pid, uint64_t now_ms)
{
	if (t->nq == MAX_PENDING)
		return; /* an exec storm: the system's libssl is hooked anyway */
	t->q[t->nq++] =
	    (struct pending){.pid = pid, .due_ms = now_ms + rescan_ms[0], .exec_ms = now_ms};
}

void tt_tls_tick(struct tt_tls *t, uint64_t now_ms)
{
	for (int i = 0; i < t->nq;) {
		struct pending *p = &t->q[i];
		int other;

		if (p->due_ms > now_ms) {
			i++;
			continue;
		}
		p->stage++;
		if (p->stage >= NSTAGES) {
			scan(t, p->pid, true);
		} else if (scan_maps(t, p->pid, &other) == 0) {
			if (other >= 0)
				scan(t, p->pid, true);
			else {
				p->due_ms = p->exec_ms + rescan_ms[p->stage];
				i++;
				continue;
			}
		}
		t->q[i] = t->q[--t->nq]; /* done with it */
	}
}

int tt_tls_files(const struct tt_tls *t)
{
	return t->hooked;
}

void tt_tls_free(struct tt_tls *t)
{
	if (!t)
		return;
	while (t->nlinks > 0)
		bpf_link__destroy(t->links[--t->nlinks]);
	free(t->links);
	free(t);
}
