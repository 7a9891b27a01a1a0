// SPDX-License-Identifier: MIT
/*
 * capture/cgroups.c - the cgroup look-up worker and the --container decisions (cgroups.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "capture/cgnames.h"
#include "capture/cgroups.h"

#define ATTRS_MAX      16384 /* 10 attributes of at most 1024 bytes fit */
#define SWEEP_MS       1000  /* --container: new cgroup directories looked at this often */
#define REDISCOVER_MS  1000  /* data roots looked for again at most this often */
#define WALK_MAX_DIRS  100000
#define WALK_MAX_DEPTH 32
#define FILEID_KERNFS  0xfe /* linux/exportfs.h: a kernfs node id (a cgroup id) */

struct req {
	struct req *next;
	uint64_t id;
	uint32_t pid;
};

struct res {
	struct res *next;
	struct tt_rec_cgroup rec;
	uint8_t attrs[];
};

/* A set of u64 ids (0 is never stored), open addressing, capped. */
struct idset {
	uint64_t *k;
	size_t cap, n;
};

struct tt_cgroups {
	struct tt_cgroups_config cfg;
	char cgroup_rel[PATH_MAX]; /* --cgroup below the mount, "" when none */
	/* the loop's thread only */
	struct idset seen;
	uint64_t over_cap;
	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv, idle;
	struct req *qh, *qt;
	struct res *rh, *rt;
	size_t pending; /* queued + being looked up */
	int stop;
	struct tt_cgroups_stats st;
	/* the worker's */
	pthread_t th;
	int started;
	int mount_fd;
	struct tt_cgn_roots roots;
	uint64_t roots_ms;
	pthread_mutex_t dmu;  /* the decided set: the worker's and tt_cgroups_seed()'s */
	struct idset decided; /* --container: cgroups decided (map entry written) */
	uint64_t sweep_ms;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- id sets ------------------------------------------------------------------------------ */

static size_t ihash(uint64_t k, size_t cap)
{
	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

/* 1 added, 0 already there, -ENOSPC full, -ENOMEM. */
static int idset_add(struct idset *s, uint64_t k)
{
	if (s->n + 1 > TT_CGROUPS_MAX)
		return -ENOSPC;
	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		uint64_t *nk = calloc(nc, sizeof(*nk));
		if (!nk)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->k[i]) {
				size_t j = ihash(s->k[i], nc);
				while (nk[j])
					j = (j + 1) & (nc - 1);
				nk[j] = s->k[i];
			}
		free(s->k);
		s->k = nk;
		s->cap = nc;
	}
	size_t j = ihash(k, s->cap);
	while (s->k[j]) {
		if (s->k[j] == k)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	s->k[j] = k;
	s->n++;
	return 1;
}

static int idset_has(const struct idset *s, uint64_t k)
{
	if (!s->cap)
		return 0;
	for (size_t j = ihash(k, s->cap); s->k[j]; j = (j + 1) & (s->cap - 1))
		if (s->k[j] == k)
			return 1;
	return 0;
}

/* ---- a cgroup's path ---------------------------------------------------------------------- */

/* The path below the mount of a full path, or NULL when it is not below it. */
static const char *below_mount(const char *mount, const char *full)
{
	size_t ml = strlen(mount);
	while (ml > 1 && mount[ml - 1] == '/')
		ml--;
	if (strncmp(full, mount, ml))
		return NULL;
	if (!full[ml])
		return "/";
	return full[ml] == '/' ? full + ml : NULL;
}

static int path_by_handle(struct tt_cgroups *c, uint64_t id, char *out, size_t n)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 8];
	} h;
	char link[64], full[PATH_MAX];
	const char *rel;
	ssize_t len;
	int fd;

	if (c->mount_fd < 0)
		return -ENOENT;
	h.fh.handle_bytes = 8;
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &id, 8);
	fd = open_by_handle_at(c->mount_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, full, sizeof(full) - 1);
	close(fd);
	if (len <= 0)
		return -ENOENT;
	full[len] = 0;
	if (!(rel = below_mount(c->cfg.mount, full)))
		return -ENOENT;
	snprintf(out, n, "%s", rel);
	return 0;
}

/* /proc/PID/cgroup's v2 line, if PID is still in the cgroup with this id. */
static int path_by_pid(struct tt_cgroups *c, uint64_t id, uint32_t pid, char *out, size_t n)
{
	char p[64], full[PATH_MAX + 64], *buf, *l;
	size_t len;
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%u/cgroup", pid);
	if (!pid || tt_cgn_read_file(p, 65536, &buf, &len) < 0)
		return -ENOENT;
	l = strstr(buf, "0::");
	if (l && (l == buf || l[-1] == '\n')) {
		l += 3;
		l[strcspn(l, "\n")] = 0;
		snprintf(full, sizeof(full), "%s%s", c->cfg.mount, l);
		if (!stat(full, &st) && st.st_ino == id) {
			snprintf(out, n, "%s", l);
			free(buf);
			return 0;
		}
	}
	free(buf);
	return -ENOENT;
}

/* ---- decisions (--container) ------------------------------------------------------------- */

static int wanted(const struct tt_cgroups *c, const struct tt_cgname *n)
{
	for (int i = 0; i < c->cfg.ncontainers; i++)
		if (tt_cgn_matches(n, c->cfg.containers[i]))
			return 1;
	if (c->cgroup_rel[0]) {
		size_t l = strlen(c->cgroup_rel);
		if (!strcmp(c->cgroup_rel, "/") ||
		    (!strncmp(n->path, c->cgroup_rel, l) && (!n->path[l] || n->path[l] == '/')))
			return 1;
	}
	return 0;
}

static void decide(struct tt_cgroups *c, uint64_t id, const struct tt_cgname *n)
{
	uint8_t v;

	if (c->cfg.filter_fd < 0)
		return;
	pthread_mutex_lock(&c->dmu);
	v = (uint8_t)wanted(c, n);
	/* A container whose files were not found (yet) is not ruled out: it stays undecided, so
	 * recorded, and the next sweep asks again. A full map leaves a cgroup undecided too:
	 * recorded, rather than lost. */
	if (!idset_has(&c->decided, id) && (v || !n->id[0] || n->status == TT_CG_ST_OK) &&
	    bpf_map_update_elem(c->cfg.filter_fd, &id, &v, BPF_ANY) == 0)
		idset_add(&c->decided, id);
	pthread_mutex_unlock(&c->dmu);
}

static int is_decided(struct tt_cgroups *c, uint64_t id)
{
	pthread_mutex_lock(&c->dmu);
	int r = idset_has(&c->decided, id);
	pthread_mutex_unlock(&c->dmu);
	return r;
}

/* ---- look-up ------------------------------------------------------------------------------ */

static void lookup(struct tt_cgroups *c, const char *path, struct tt_cgname *n)
{
	tt_cgn_classify(path, n);
	tt_cgn_lookup(&c->roots, n);
	if (n->status == TT_CG_ST_NO_METADATA && mono_ms() - c->roots_ms >= REDISCOVER_MS) {
		/* a daemon started (or moved) since: look for the data roots again */
		tt_cgn_discover(&c->roots, NULL);
		c->roots_ms = mono_ms();
		tt_cgn_classify(path, n);
		tt_cgn_lookup(&c->roots, n);
	}
}

static struct res *make_res(uint64_t id, const struct tt_cgname *n)
{
	uint8_t a[ATTRS_MAX];
	uint32_t len = 0;
	struct res *r;

	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_PATH, n->path);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_CONTAINER_ID, n->id);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_CONTAINER, n->name);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_IMAGE, n->image);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_COMPOSE_PROJECT, n->project);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_COMPOSE_SERVICE, n->service);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_POD, n->pod);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_NAMESPACE, n->ns);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_UNIT, n->unit);
	tt_cgroup_attr_put(a, sizeof(a), &len, TT_CGA_POD_UID, n->pod_uid);
	r = malloc(sizeof(*r) + len);
	if (!r)
		return NULL;
	r->next = NULL;
	r->rec = (struct tt_rec_cgroup){
	    .cgroup_id = id, .kind = n->kind, .status = n->status, .attrs_len = len};
	memcpy(r->attrs, a, len);
	return r;
}

static void resolve(struct tt_cgroups *c, const struct req *q)
{
	struct tt_cgname *n = calloc(1, sizeof(*n));
	char path[PATH_MAX];
	struct res *r;

	if (!n)
		return;
	if (path_by_handle(c, q->id, path, sizeof(path)) &&
	    path_by_pid(c, q->id, q->pid, path, sizeof(path))) {
		tt_cgn_classify("", n);
		n->status = TT_CG_ST_NO_PATH;
	} else {
		lookup(c, path, n);
		decide(c, q->id, n);
	}
	if (c->cfg.verbose)
		fprintf(stderr, "tinytap-record: cgroup %" PRIu64 " %s: %s%s%s%s%s\n", q->id,
			n->path[0] ? n->path : "(gone)", tt_cgroup_kind_name(n->kind),
			n->name[0] ? " " : "", n->name, n->why[0] ? "; " : "", n->why);
	r = make_res(q->id, n);
	pthread_mutex_lock(&c->mu);
	if (r) {
		if (c->rt)
			c->rt->next = r;
		else
			c->rh = r;
		c->rt = r;
	}
	c->st.named += r != NULL;
	c->st.containers += n->id[0] != 0;
	c->st.no_metadata += n->status == TT_CG_ST_NO_METADATA;
	c->st.bad_metadata += n->status == TT_CG_ST_BAD_METADATA;
	c->st.no_path += n->status == TT_CG_ST_NO_PATH;
	pthread_mutex_unlock(&c->mu);
	free(n);
}

/* ---- walking the cgroup tree -------------------------------------------------------------- */

struct walk {
	struct tt_cgroups *c;
	uint64_t above; /* only cgroups with a larger id */
	int *matched;	/* seed: per --container value */
	size_t dirs;
};

static void walk_one(struct walk *w, const char *rel, uint64_t id)
{
	struct tt_cgroups *c = w->c;
	struct tt_cgname *n;

	if (id <= w->above || is_decided(c, id))
		return;
	n = calloc(1, sizeof(*n));
	if (!n)
		return;
	tt_cgn_classify(rel, n);
	if (n->id[0])
		tt_cgn_lookup(&c->roots, n);
	/* a container counts once: at the cgroup whose own name holds its id, not below it */
	if (w->matched && n->id[0] && strstr(strrchr(n->path, '/'), n->id))
		for (int i = 0; i < c->cfg.ncontainers; i++)
			w->matched[i] += tt_cgn_matches(n, c->cfg.containers[i]);
	/* at the start only what is wanted needs an entry (older cgroups are out by default),
	 * but those created since the largest id was taken are decided now too */
	if (!w->matched || id > c->cfg.new_above || wanted(c, n))
		decide(c, id, n);
	free(n);
}

static void walk_dir(struct walk *w, int dfd, char *rel, size_t rlen, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > WALK_MAX_DEPTH || !(d = fdopendir(dfd))) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) && w->dirs < WALK_MAX_DIRS) {
		struct stat st;
		int sub;
		size_t nl = strlen(de->d_name);

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (rlen + 1 + nl >= PATH_MAX)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		if (fstat(sub, &st)) {
			close(sub);
			continue;
		}
		w->dirs++;
		rel[rlen] = '/';
		memcpy(rel + rlen + 1, de->d_name, nl + 1);
		walk_one(w, rel, st.st_ino);
		walk_dir(w, sub, rel, rlen + 1 + nl, depth + 1);
		rel[rlen] = 0;
	}
	closedir(d);
}

static void walk(struct tt_cgroups *c, uint64_t above, int *matched)
{
	struct walk w = {.c = c, .above = above, .matched = matched};
	char rel[PATH_MAX] = "";
	int fd = open(c->cfg.mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		walk_dir(&w, fd, rel, 0, 0);
}

static uint64_t max_ino;

static void max_dir(int dfd, int depth, size_t *dirs)
{
	DIR *d;
	struct dirent *de;

	if (depth > WALK_MAX_DEPTH || !(d = fdopendir(dfd))) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) && *dirs < WALK_MAX_DIRS) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		int sub =
		    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (sub < 0)
			continue;
		(*dirs)++;
		if (!fstat(sub, &st) && st.st_ino > max_ino)
			max_ino = st.st_ino;
		max_dir(sub, depth + 1, dirs);
	}
	closedir(d);
}

uint64_t tt_cgroups_max_id(const char *mount)
{
	struct stat st;
	size_t dirs = 0;
	int fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	max_ino = st.st_ino;
	max_dir(fd, 0, &dirs);
	return max_ino;
}

/* ---- the worker --------------------------------------------------------------------------- */

static void *worker(void *arg)
{
	struct tt_cgroups *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->qh && !c->stop) {
			if (c->cfg.filter_fd < 0) {
				pthread_cond_wait(&c->cv, &c->mu);
				continue;
			}
			uint64_t now = mono_ms();
			if (now - c->sweep_ms >= SWEEP_MS) {
				/* new cgroup directories no process has shown yet */
				c->sweep_ms = now;
				pthread_mutex_unlock(&c->mu);
				walk(c, c->cfg.new_above, NULL);
				pthread_mutex_lock(&c->mu);
				continue;
			}
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&c->cv, &c->mu, &ts);
		}
		if (c->stop)
			break;
		struct req *q = c->qh;
		c->qh = q->next;
		if (!c->qh)
			c->qt = NULL;
		pthread_mutex_unlock(&c->mu);
		resolve(c, q);
		free(q);
		pthread_mutex_lock(&c->mu);
		c->pending--;
		if (!c->pending)
			pthread_cond_broadcast(&c->idle);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct tt_cgroups *tt_cgroups_new(const struct tt_cgroups_config *cfg)
{
	struct tt_cgroups *c = calloc(1, sizeof(*c));
	const char *cg = cfg->cgroup;

	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->mount_fd = open(cfg->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg) {
		const char *rel = below_mount(cfg->mount, cg);
		snprintf(c->cgroup_rel, sizeof(c->cgroup_rel), "%s%s", rel || *cg == '/' ? "" : "/",
			 rel ? rel : cg);
		size_t l = strlen(c->cgroup_rel);
		while (l > 1 && c->cgroup_rel[l - 1] == '/')
			c->cgroup_rel[--l] = 0;
	}
	tt_cgn_discover(&c->roots, NULL);
	c->roots_ms = c->sweep_ms = mono_ms();
	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->dmu, NULL);
	pthread_cond_init(&c->cv, NULL);
	pthread_cond_init(&c->idle, NULL);
	if (pthread_create(&c->th, NULL, worker, c)) {
		int e = errno;
		tt_cgroups_free(c);
		errno = e;
		return NULL;
	}
	c->started = 1;
	return c;
}

int tt_cgroups_seed(struct tt_cgroups *c, int *matched)
{
	/* before any id is noted: the worker is idle, and the data roots are not changed while
	 * this reads them (only a look-up rediscovers them) */
	walk(c, 0, matched);
	return 0;
}

void tt_cgroups_note(struct tt_cgroups *c, uint64_t cgroup_id, uint32_t pid)
{
	struct req *q;
	int rc;

	if (!c || !cgroup_id)
		return;
	rc = idset_add(&c->seen, cgroup_id);
	if (rc == 0)
		return;
	if (rc < 0) {
		if (!idset_has(&c->seen, cgroup_id))
			c->over_cap++;
		return;
	}
	q = malloc(sizeof(*q));
	if (!q)
		return;
	q->next = NULL;
	q->id = cgroup_id;
	q->pid = pid;
	pthread_mutex_lock(&c->mu);
	if (c->qt)
		c->qt->next = q;
	else
		c->qh = q;
	c->qt = q;
	c->pending++;
	c->st.noted++;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

int tt_cgroups_drain(struct tt_cgroups *c,
		     int (*add)(void *ctx, const struct tt_rec_cgroup *rec, const uint8_t *attrs),
		     void *ctx)
{
	struct res *r;
	int rc = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	r = c->rh;
	c->rh = c->rt = NULL;
	pthread_mutex_unlock(&c->mu);
	while (r) {
		struct res *next = r->next;
		if (rc >= 0) {
			r->rec.ts_ns = boot_ns();
			rc = add(ctx, &r->rec, r->attrs);
		}
		free(r);
		r = next;
	}
	return rc < 0 ? rc : 0;
}

int tt_cgroups_wait(struct tt_cgroups *c, int timeout_ms)
{
	struct timespec ts;
	int left;

	if (!c)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&c->mu);
	while (c->pending && pthread_cond_timedwait(&c->idle, &c->mu, &ts) == 0)
		;
	left = (int)c->pending;
	pthread_mutex_unlock(&c->mu);
	return left;
}

void tt_cgroups_describe(struct tt_cgroups *c, void (*line)(const char *msg))
{
	char m[TT_CGN_PATH + 64];
	const struct tt_cgn_roots *r = &c->roots;

	for (int i = 0; i < r->ndocker; i++) {
		snprintf(m, sizeof(m), "docker data root %s", r->docker[i]);
		line(m);
	}
	for (int i = 0; i < r->nsock; i++) {
		snprintf(m, sizeof(m), "docker socket %s (fallback)", r->docker_sock[i]);
		line(m);
	}
	for (int i = 0; i < r->ncontainerd; i++) {
		snprintf(m, sizeof(m), "containerd tasks %s", r->containerd[i]);
		line(m);
	}
}

void tt_cgroups_get_stats(struct tt_cgroups *c, struct tt_cgroups_stats *st)
{
	pthread_mutex_lock(&c->mu);
	*st = c->st;
	pthread_mutex_unlock(&c->mu);
	st->over_cap = c->over_cap;
}

void tt_cgroups_free(struct tt_cgroups *c)
{
	if (!c)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		c->stop = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->th, NULL);
	}
	while (c->qh) {
		struct req *n = c->qh->next;
		free(c->qh);
		c->qh = n;
	}
	while (c->rh) {
		struct res *n = c->rh->next;
		free(c->rh);
		c->rh = n;
	}
	free(c->seen.k);
	free(c->decided.k);
	if (c->mount_fd >= 0)
		close(c->mount_fd);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->dmu);
	pthread_cond_destroy(&c->cv);
	pthread_cond_destroy(&c->idle);
	free(c);
}
