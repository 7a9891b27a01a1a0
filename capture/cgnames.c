// SPDX-License-Identifier: MIT
/*
 * capture/cgnames.c - cgroup paths and container runtimes' files to names (see cgnames.h).
 *
 * JSON: json-c (libjson-c-dev), a maintained, fuzzed parser, at a bounded depth on a bounded
 * buffer; only a handful of string fields are read from the tree it builds.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "capture/cgnames.h"

#define MAX_DIR_ENTRIES 256   /* containerd namespaces read per task dir */
#define MAX_PROCS	65536 /* /proc entries looked at per scan */
#define CMDLINE_MAX	(64u << 10)
#define SOCK_TIMEOUT_MS 1000

/* ---- small helpers ------------------------------------------------------------------------ */

/* Copies at most n-1 bytes of s (len bytes) into dst, not cutting a UTF-8 sequence. */
static void put_str(char *dst, size_t n, const char *s, size_t len)
{
	if (!n)
		return;
	if (len > n - 1) {
		len = n - 1;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--; /* s[len] continues a sequence: cut before its start */
	}
	memcpy(dst, s, len);
	dst[len] = 0;
}

static void set_str(char *dst, size_t n, const char *s)
{
	put_str(dst, n, s ? s : "", s ? strlen(s) : 0);
}

int tt_cgn_is_id(const char *s, size_t len)
{
	if (len != 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

static int starts(const char *s, size_t len, const char *pfx)
{
	size_t p = strlen(pfx);
	return len >= p && !memcmp(s, pfx, p);
}

static int ends(const char *s, size_t len, const char *sfx)
{
	size_t p = strlen(sfx);
	return len >= p && !memcmp(s + len - p, sfx, p);
}

int tt_cgn_add_root(char (*list)[TT_CGN_PATH], int *n, const char *dir)
{
	if (!dir || !*dir || strlen(dir) >= TT_CGN_PATH || *n >= TT_CGN_MAX_ROOTS)
		return 0;
	for (int i = 0; i < *n; i++)
		if (!strcmp(list[i], dir))
			return 0;
	snprintf(list[(*n)++], TT_CGN_PATH, "%s", dir);
	return 1;
}

int tt_cgn_read_file(const char *path, size_t cap, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	size_t have = 0, size = 16384;
	char *buf = NULL;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > cap) {
		close(fd);
		return -EFBIG;
	}
	for (;;) {
		if (have + 1 >= size || !buf) {
			char *nb;
			if (buf)
				size *= 2;
			if (size > cap + 2)
				size = cap + 2;
			nb = realloc(buf, size);
			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + have, size - 1 - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		if (have > cap) { /* it grew past the cap while we read */
			free(buf);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[have] = 0;
	*out = buf;
	*len = have;
	return 0;
}

static json_object *parse_json(const char *buf, size_t len)
{
	json_tokener *tok;
	json_object *o;

	if (len > INT_MAX)
		return NULL;
	tok = json_tokener_new_ex(TT_CGN_JSON_DEPTH);
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		if (o)
			json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Reads and parses a JSON file: 0 and the tree, -ENOENT (no such file: not found), or another
 * -errno / -EBADMSG (there, but not readable or not JSON), with why set. */
static int load_json(const char *path, json_object **out, char *why, size_t whylen)
{
	char *buf;
	size_t len;
	int rc = tt_cgn_read_file(path, TT_CGN_FILE_MAX, &buf, &len);

	*out = NULL;
	if (rc == -ENOENT || rc == -ENOTDIR)
		return -ENOENT;
	if (rc < 0) {
		snprintf(why, whylen, "%s: %s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
			 rc == -EFBIG ? "too large" : strerror(-rc));
		return rc;
	}
	*out = parse_json(buf, len);
	free(buf);
	if (!*out) {
		snprintf(why, whylen, "%s: not valid JSON",
			 strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		return -EBADMSG;
	}
	return 0;
}

/* The string at o.k1.k2... (NULL-terminated keys), or NULL. */
static const char *jget(json_object *o, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, o);
	while (o && (k = va_arg(ap, const char *))) {
		json_object *v;
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, k, &v))
			o = NULL;
		else
			o = v;
	}
	va_end(ap);
	return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

/* ---- the path ----------------------------------------------------------------------------- */

/* A container id in one path component: "docker-<id>.scope", "libpod-<id>", ... */
static int id_in(const char *c, size_t len, const char *pfx, const char **id)
{
	size_t p = strlen(pfx);
	if (!starts(c, len, pfx))
		return 0;
	size_t n = len - p;
	if (ends(c, len, ".scope"))
		n -= 6;
	if (!tt_cgn_is_id(c + p, n))
		return 0;
	*id = c + p;
	return 1;
}

/* kubepods-burstable-pod<uid with _>.slice or pod<uid>: the uid with dashes. */
static void pod_uid_of(const char *c, size_t len, char *dst, size_t n)
{
	const char *p = NULL;
	size_t l = 0;
	if (starts(c, len, "kubepods") && ends(c, len, ".slice")) {
		for (size_t i = 0; i + 3 < len; i++)
			if (!memcmp(c + i, "-pod", 4))
				p = c + i + 4;
		if (p)
			l = (size_t)(c + len - 6 - p);
	} else if (starts(c, len, "pod") && len > 3) {
		p = c + 3;
		l = len - 3;
	}
	if (!p || !l || l >= n)
		return;
	for (size_t i = 0; i < l; i++) {
		char ch = p[i] == '_' ? '-' : p[i];
		if (!isxdigit((unsigned char)ch) && ch != '-')
			return;
		dst[i] = ch;
	}
	dst[l] = 0;
}

void tt_cgn_classify(const char *path, struct tt_cgname *n)
{
	const char *s = path ? path : "", *prev = NULL, *cid = NULL;
	size_t prevlen = 0, at_container = 0, i = 0;
	int kubepods = 0, kind = TT_CG_KIND_OTHER;
	char unit[256] = "";

	memset(n, 0, sizeof(*n));
	set_str(n->path, sizeof(n->path), s);
	while (*s) {
		const char *c, *id = NULL;
		size_t len;
		int k = 0;

		while (*s == '/')
			s++;
		c = s;
		while (*s && *s != '/')
			s++;
		len = (size_t)(s - c);
		if (!len)
			break;
		i++;
		if (starts(c, len, "kubepods"))
			kubepods = 1;
		if (kubepods && !n->pod_uid[0])
			pod_uid_of(c, len, n->pod_uid, sizeof(n->pod_uid));
		if (id_in(c, len, "docker-", &id))
			k = TT_CG_KIND_DOCKER;
		else if (id_in(c, len, "cri-containerd-", &id) || id_in(c, len, "nerdctl-", &id))
			k = TT_CG_KIND_CONTAINERD;
		else if (id_in(c, len, "libpod-", &id))
			k = TT_CG_KIND_PODMAN;
		else if (id_in(c, len, "crio-", &id))
			k = TT_CG_KIND_CRIO;
		else if (tt_cgn_is_id(c, len) && prev && prevlen == 6 && !memcmp(prev, "docker", 6))
			k = TT_CG_KIND_DOCKER, id = c;
		else if (tt_cgn_is_id(c, len) && kubepods)
			k = TT_CG_KIND_KUBERNETES, id = c;
		if (k) {
			/* the innermost container wins; a unit only counts inside it */
			kind = k;
			cid = id;
			at_container = i;
			unit[0] = 0;
		} else if ((ends(c, len, ".service") || ends(c, len, ".scope")) &&
			   len < sizeof(unit)) {
			memcpy(unit, c, len);
			unit[len] = 0;
		}
		prev = c;
		prevlen = len;
	}
	(void)at_container;
	if (cid) {
		memcpy(n->id, cid, 64);
		n->id[64] = 0;
	}
	set_str(n->unit, sizeof(n->unit), unit);
	n->kind = (uint8_t)(kind ? kind : unit[0] ? TT_CG_KIND_UNIT : TT_CG_KIND_OTHER);
	n->status = TT_CG_ST_OK;
}

/* ---- Docker ------------------------------------------------------------------------------- */

/* Name, image and labels from a config.v2.json or an inspect answer (same field names). */
static int docker_fill(json_object *o, struct tt_cgname *n)
{
	const char *name = jget(o, "Name", NULL), *img = jget(o, "Config", "Image", NULL);
	const char *kc = jget(o, "Config", "Labels", "io.kubernetes.container.name", NULL);

	if (!name && !img)
		return -EBADMSG;
	if (name && *name == '/')
		name++;
	set_str(n->name, sizeof(n->name), name);
	set_str(n->image, sizeof(n->image), img);
	set_str(n->project, sizeof(n->project),
		jget(o, "Config", "Labels", "com.docker.compose.project", NULL));
	set_str(n->service, sizeof(n->service),
		jget(o, "Config", "Labels", "com.docker.compose.service", NULL));
	if (kc) { /* cri-dockerd: a Kubernetes container run by Docker */
		set_str(n->name, sizeof(n->name), kc);
		set_str(n->pod, sizeof(n->pod),
			jget(o, "Config", "Labels", "io.kubernetes.pod.name", NULL));
		set_str(n->ns, sizeof(n->ns),
			jget(o, "Config", "Labels", "io.kubernetes.pod.namespace", NULL));
	}
	return 0;
}

static int docker_from_disk(const struct tt_cgn_roots *r, struct tt_cgname *n)
{
	int bad = 0;
	for (int i = 0; i < r->ndocker; i++) {
		char p[TT_CGN_PATH + 128];
		json_object *o;
		snprintf(p, sizeof(p), "%s/containers/%s/config.v2.json", r->docker[i], n->id);
		int rc = load_json(p, &o, n->why, sizeof(n->why));
		if (rc == -ENOENT)
			continue;
		if (rc < 0) {
			bad = rc;
			continue;
		}
		rc = docker_fill(o, n);
		json_object_put(o);
		if (rc == 0)
			return 0;
		snprintf(n->why, sizeof(n->why), "config.v2.json: no Name");
		bad = rc;
	}
	return bad ? bad : -ENOENT;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* GET /containers/<id>/json over a unix socket, HTTP/1.0 (no chunked body), one second at most.
 * 0 and the body (malloc'ed) or -errno. */
static int docker_ask(const char *sock, const char *id, char **body, size_t *blen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char req[256], *buf = NULL;
	size_t have = 0, cap = 65536;
	uint64_t deadline = mono_ms() + SOCK_TIMEOUT_MS;
	int fd, rc = -ETIMEDOUT;

	*body = NULL;
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS) {
		rc = -errno;
		goto out;
	}
	int n = snprintf(req, sizeof(req),
			 "GET /containers/%s/json HTTP/1.0\r\nHost: docker\r\n\r\n", id);
	for (int off = 0; off < n;) {
		struct pollfd pf = {.fd = fd, .events = POLLOUT};
		int left = (int)(deadline - mono_ms());
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			goto out;
		ssize_t w = send(fd, req + off, (size_t)(n - off), MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		if (w > 0)
			off += (int)w;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int left = (int)(deadline - mono_ms());
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			goto out;
		if (have == cap) {
			if (cap >= (4u << 20)) {
				rc = -EFBIG;
				goto out;
			}
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = recv(fd, buf + have, cap - have, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0) {
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		have += (size_t)r;
	}
	buf[have] = 0;
	char *end = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) || have < 12 || strncmp(buf + 9, "200", 3) || !end) {
		rc = -ENOENT;
		goto out;
	}
	end += 4;
	*blen = have - (size_t)(end - buf);
	memmove(buf, end, *blen + 1);
	*body = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

static int docker_from_socket(const struct tt_cgn_roots *r, struct tt_cgname *n)
{
	for (int i = 0; i < r->nsock && !r->no_socket; i++) {
		char *body;
		size_t len;
		if (docker_ask(r->docker_sock[i], n->id, &body, &len) < 0)
			continue;
		json_object *o = parse_json(body, len);
		free(body);
		if (!o)
			continue;
		int rc = docker_fill(o, n);
		json_object_put(o);
		if (rc == 0)
			return 0;
	}
	return -ENOENT;
}

/* ---- OCI config.json annotations (containerd, CRI-O) ------------------------------------- */

static int oci_fill(const char *path, struct tt_cgname *n, int crio)
{
	json_object *o;
	int rc = load_json(path, &o, n->why, sizeof(n->why));
	if (rc < 0)
		return rc;
	const char *name, *pod, *ns, *img;
	if (crio) {
		name = jget(o, "annotations", "io.kubernetes.container.name", NULL);
		pod = jget(o, "annotations", "io.kubernetes.pod.name", NULL);
		ns = jget(o, "annotations", "io.kubernetes.pod.namespace", NULL);
		img = jget(o, "annotations", "io.kubernetes.cri-o.ImageName", NULL);
	} else {
		name = jget(o, "annotations", "io.kubernetes.cri.container-name", NULL);
		pod = jget(o, "annotations", "io.kubernetes.cri.sandbox-name", NULL);
		ns = jget(o, "annotations", "io.kubernetes.cri.sandbox-namespace", NULL);
		img = jget(o, "annotations", "io.kubernetes.cri.image-name", NULL);
		if (!name)
			name = jget(o, "annotations", "nerdctl/name", NULL);
	}
	set_str(n->name, sizeof(n->name), name);
	set_str(n->pod, sizeof(n->pod), pod);
	set_str(n->ns, sizeof(n->ns), ns);
	set_str(n->image, sizeof(n->image), img);
	json_object_put(o);
	return 0;
}

static int containerd_lookup(const struct tt_cgn_roots *r, struct tt_cgname *n)
{
	for (int i = 0; i < r->ncontainerd; i++) {
		DIR *d = opendir(r->containerd[i]);
		struct dirent *de;
		int seen = 0;
		if (!d)
			continue;
		while ((de = readdir(d)) && seen++ < MAX_DIR_ENTRIES) {
			char p[TT_CGN_PATH + 384];
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s/%s/config.json", r->containerd[i], de->d_name,
				 n->id);
			int rc = oci_fill(p, n, 0);
			if (rc == -ENOENT)
				continue;
			closedir(d);
			return rc;
		}
		closedir(d);
	}
	return -ENOENT;
}

/* ---- conmon (Podman, CRI-O) --------------------------------------------------------------- */

/* argv of /proc/<pid>/cmdline, NUL-separated, as an array into buf. */
static int split_args(char *buf, size_t len, char **argv, int max)
{
	int n = 0;
	for (size_t i = 0; i < len && n < max;) {
		argv[n++] = buf + i;
		i += strnlen(buf + i, len - i) + 1;
	}
	return n;
}

/* The value of option opt (short "-c" or long "--cid", "--cid=X" too) in argv, or NULL. */
static const char *arg_of(char **argv, int argc, const char *sopt, const char *lopt)
{
	size_t ll = lopt ? strlen(lopt) : 0;
	for (int i = 1; i < argc; i++) {
		if (((sopt && !strcmp(argv[i], sopt)) || (lopt && !strcmp(argv[i], lopt))) &&
		    i + 1 < argc)
			return argv[i + 1];
		if (lopt && !strncmp(argv[i], lopt, ll) && argv[i][ll] == '=')
			return argv[i] + ll + 1;
	}
	return NULL;
}

static int read_comm(const char *proc, const char *pid, char *comm, size_t n)
{
	char p[TT_CGN_PATH + 64], *buf;
	size_t len;
	snprintf(p, sizeof(p), "%s/%s/comm", proc, pid);
	if (tt_cgn_read_file(p, 256, &buf, &len) < 0)
		return -1;
	while (len && buf[len - 1] == '\n')
		len--;
	put_str(comm, n, buf, len);
	free(buf);
	return 0;
}

typedef int (*proc_fn)(void *ctx, const char *proc, const char *pid, char **argv, int argc);

/* Calls fn for every process named comm, with its command line; stops at fn's nonzero. */
static int each_proc(const char *proc, const char *comm, proc_fn fn, void *ctx)
{
	DIR *d = opendir(proc);
	struct dirent *de;
	int seen = 0, rc = 0;
	if (!d)
		return 0;
	while (!rc && (de = readdir(d)) && seen++ < MAX_PROCS) {
		char c[32], p[TT_CGN_PATH + 64], *buf, *argv[256];
		size_t len;
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    read_comm(proc, de->d_name, c, sizeof(c)))
			continue;
		if (strcmp(c, comm))
			continue;
		snprintf(p, sizeof(p), "%s/%s/cmdline", proc, de->d_name);
		if (tt_cgn_read_file(p, CMDLINE_MAX, &buf, &len) < 0)
			continue;
		int argc = split_args(buf, len, argv, 256);
		rc = fn(ctx, proc, de->d_name, argv, argc);
		free(buf);
	}
	closedir(d);
	return rc;
}

struct conmon_ctx {
	struct tt_cgname *n;
	char bundle[TT_CGN_PATH];
	char root[TT_CGN_PATH + 64]; /* /proc/<pid>/root of that conmon */
	int found;
};

static int conmon_one(void *vctx, const char *proc, const char *pid, char **argv, int argc)
{
	struct conmon_ctx *c = vctx;
	const char *cid = arg_of(argv, argc, "-c", "--cid"), *name, *bundle;
	if (!cid || strcmp(cid, c->n->id))
		return 0;
	name = arg_of(argv, argc, "-n", "--name");
	bundle = arg_of(argv, argc, "-b", "--bundle");
	if (name && !starts(name, strlen(name), "k8s_"))
		set_str(c->n->name, sizeof(c->n->name), name);
	if (bundle && *bundle == '/')
		set_str(c->bundle, sizeof(c->bundle), bundle);
	snprintf(c->root, sizeof(c->root), "%s/%s/root", proc, pid);
	c->found = 1;
	return 1;
}

/* Podman's containers.json (a c/storage store): names and the image name for n->id. */
static int podman_store(const char *store, struct tt_cgname *n)
{
	static const char *const drivers[] = {"overlay", "vfs", "btrfs", "zfs"};
	int bad = 0;
	for (size_t d = 0; d < sizeof(drivers) / sizeof(drivers[0]); d++) {
		char p[TT_CGN_PATH + 64];
		json_object *o;
		snprintf(p, sizeof(p), "%s/%s-containers/containers.json", store, drivers[d]);
		int rc = load_json(p, &o, n->why, sizeof(n->why));
		if (rc == -ENOENT)
			continue;
		if (rc < 0) {
			bad = rc;
			continue;
		}
		rc = -ENOENT;
		if (json_object_is_type(o, json_type_array)) {
			size_t len = json_object_array_length(o);
			for (size_t i = 0; i < len; i++) {
				json_object *e = json_object_array_get_idx(o, i), *names, *nm;
				const char *id = jget(e, "id", NULL),
					   *meta = jget(e, "metadata", NULL);
				if (!id || strcmp(id, n->id))
					continue;
				if (!n->name[0] && json_object_object_get_ex(e, "names", &names) &&
				    json_object_is_type(names, json_type_array) &&
				    (nm = json_object_array_get_idx(names, 0)) &&
				    json_object_is_type(nm, json_type_string))
					set_str(n->name, sizeof(n->name),
						json_object_get_string(nm));
				if (meta) { /* a JSON document in a string */
					json_object *m = parse_json(meta, strlen(meta));
					if (m) {
						set_str(n->image, sizeof(n->image),
							jget(m, "image-name", NULL));
						if (!n->name[0])
							set_str(n->name, sizeof(n->name),
								jget(m, "name", NULL));
						json_object_put(m);
					}
				}
				rc = 0;
				break;
			}
		}
		json_object_put(o);
		if (rc == 0)
			return 0;
	}
	return bad ? bad : -ENOENT;
}

/* Rootless: the path says user@UID.service; that user's storage under their home. */
static void rootless_store(const char *path, char *dst, size_t n, const char *proc)
{
	const char *u = strstr(path, "/user@");
	char pw[TT_CGN_PATH + 16], *buf, *line, *save = NULL;
	size_t len;
	unsigned long uid;
	char *end;

	dst[0] = 0;
	if (!u)
		return;
	uid = strtoul(u + 6, &end, 10);
	if (end == u + 6 || strncmp(end, ".service", 8))
		return;
	/* /etc/passwd beside the proc directory: the host's (tests: the fixture's) */
	snprintf(pw, sizeof(pw), "%s/../etc/passwd", proc);
	if (tt_cgn_read_file(pw, 4u << 20, &buf, &len) < 0 &&
	    tt_cgn_read_file("/etc/passwd", 4u << 20, &buf, &len) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = {0};
		int k = 0;
		for (char *p = line; k < 7; k++) {
			f[k] = p;
			p = strchr(p, ':');
			if (!p)
				break;
			*p++ = 0;
		}
		if (k >= 5 && f[2] && strtoul(f[2], NULL, 10) == uid && f[5] && *f[5] == '/') {
			snprintf(dst, n, "%s/.local/share/containers/storage", f[5]);
			break;
		}
	}
	free(buf);
}

static int podman_lookup(const struct tt_cgn_roots *r, struct tt_cgname *n)
{
	struct conmon_ctx c = {.n = n};
	char store[TT_CGN_PATH * 2 + 128];
	int rc = -ENOENT;

	each_proc(r->proc, "conmon", conmon_one, &c);
	if (c.bundle[0]) {
		/* <store>/overlay-containers/<id>/userdata: the store is three levels up */
		char b[TT_CGN_PATH];
		set_str(b, sizeof(b), c.bundle);
		for (int up = 0; up < 3; up++) {
			char *s = strrchr(b, '/');
			if (!s || s == b)
				break;
			*s = 0;
		}
		snprintf(store, sizeof(store), "%s%s", c.root, b);
		if (podman_store(store, n) == 0 || podman_store(b, n) == 0)
			return 0;
	}
	for (int i = 0; i < r->npodman; i++)
		if ((rc = podman_store(r->podman[i], n)) == 0)
			return 0;
	rootless_store(n->path, store, sizeof(store), r->proc);
	if (store[0] && podman_store(store, n) == 0)
		return 0;
	return c.found && n->name[0] ? 0 : rc;
}

static int crio_lookup(const struct tt_cgn_roots *r, struct tt_cgname *n)
{
	struct conmon_ctx c = {.n = n};
	char p[TT_CGN_PATH * 2 + 128];
	int rc;

	each_proc(r->proc, "conmon", conmon_one, &c);
	n->name[0] = 0; /* conmon's -n is k8s_..., the annotations say it properly */
	if (c.bundle[0]) {
		snprintf(p, sizeof(p), "%s%s/config.json", c.root, c.bundle);
		if ((rc = oci_fill(p, n, 1)) != -ENOENT)
			return rc;
		snprintf(p, sizeof(p), "%s/config.json", c.bundle);
		if ((rc = oci_fill(p, n, 1)) != -ENOENT)
			return rc;
	}
	for (int i = 0; i < r->ncrio; i++) {
		snprintf(p, sizeof(p), "%s/overlay-containers/%s/userdata/config.json", r->crio[i],
			 n->id);
		if ((rc = oci_fill(p, n, 1)) != -ENOENT)
			return rc;
	}
	return -ENOENT;
}

/* ---- look-up ------------------------------------------------------------------------------ */

void tt_cgn_lookup(const struct tt_cgn_roots *r, struct tt_cgname *n)
{
	int rc = -ENOENT;

	if (!n->id[0])
		return; /* a unit or another cgroup: the path says all there is */
	switch (n->kind) {
	case TT_CG_KIND_DOCKER:
		rc = docker_from_disk(r, n);
		if (rc == -ENOENT)
			rc = docker_from_socket(r, n);
		break;
	case TT_CG_KIND_CONTAINERD:
		rc = containerd_lookup(r, n);
		break;
	case TT_CG_KIND_PODMAN:
		rc = podman_lookup(r, n);
		break;
	case TT_CG_KIND_CRIO:
		rc = crio_lookup(r, n);
		break;
	case TT_CG_KIND_KUBERNETES:
		/* the path does not say which runtime: ask each */
		if ((rc = containerd_lookup(r, n)) != -ENOENT) {
			n->kind = TT_CG_KIND_CONTAINERD;
		} else if ((rc = crio_lookup(r, n)) != -ENOENT) {
			n->kind = TT_CG_KIND_CRIO;
		} else if ((rc = docker_from_disk(r, n)) != -ENOENT ||
			   (rc = docker_from_socket(r, n)) == 0) {
			n->kind = TT_CG_KIND_DOCKER;
		}
		break;
	}
	if (rc == 0) {
		n->status = TT_CG_ST_OK;
		n->why[0] = 0;
	} else if (rc == -ENOENT) {
		n->status = TT_CG_ST_NO_METADATA;
		if (!n->why[0])
			snprintf(n->why, sizeof(n->why), "no metadata found");
	} else {
		n->status = TT_CG_ST_BAD_METADATA;
	}
}

int tt_cgn_matches(const struct tt_cgname *n, const char *s)
{
	size_t len = strlen(s);
	int hex = len >= 4;

	if (!len)
		return 0;
	if (*s == '/' && len > 1) /* docker's own spelling of a name */
		s++, len--;
	if (n->name[0] && !strcmp(n->name, s))
		return 1;
	if (n->pod[0] && n->name[0]) {
		size_t pl = strlen(n->pod);
		if (len == pl + 1 + strlen(n->name) && !strncmp(s, n->pod, pl) && s[pl] == '/' &&
		    !strcmp(s + pl + 1, n->name))
			return 1;
	}
	for (size_t i = 0; i < len && hex; i++)
		hex = isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]);
	return hex && n->id[0] && len <= 64 && !strncmp(n->id, s, len);
}

/* ---- where the runtimes keep their files -------------------------------------------------- */

/* Reads KEY=VALUE from /proc/<pid>/environ. */
static int env_of(const char *proc, const char *pid, const char *key, char *dst, size_t n)
{
	char p[TT_CGN_PATH + 64], *buf;
	size_t len, kl = strlen(key);
	snprintf(p, sizeof(p), "%s/%s/environ", proc, pid);
	if (tt_cgn_read_file(p, CMDLINE_MAX, &buf, &len) < 0)
		return -1;
	int found = -1;
	for (size_t i = 0; i < len;) {
		const char *e = buf + i;
		size_t el = strnlen(e, len - i);
		if (el > kl && !strncmp(e, key, kl) && e[kl] == '=') {
			put_str(dst, n, e + kl + 1, el - kl - 1);
			found = 0;
			break;
		}
		i += el + 1;
	}
	free(buf);
	return found;
}

static unsigned long uid_of(const char *proc, const char *pid)
{
	char p[TT_CGN_PATH + 64], *buf, *u;
	size_t len;
	unsigned long uid = 0;
	snprintf(p, sizeof(p), "%s/%s/status", proc, pid);
	if (tt_cgn_read_file(p, 65536, &buf, &len) < 0)
		return 0;
	u = strstr(buf, "\nUid:");
	if (u)
		uid = strtoul(u + 5, NULL, 10);
	free(buf);
	return uid;
}

struct disc_ctx {
	struct tt_cgn_roots *r;
};

/* One dockerd: its data root, daemon.json, sockets; paths seen through /proc/<pid>/root. */
static int disc_dockerd(void *vctx, const char *proc, const char *pid, char **argv, int argc)
{
	struct tt_cgn_roots *r = ((struct disc_ctx *)vctx)->r;
	char root[TT_CGN_PATH + 64], cfgpath[TT_CGN_PATH], data[TT_CGN_PATH] = "";
	char home[TT_CGN_PATH] = "", xdg[TT_CGN_PATH] = "", p[TT_CGN_PATH * 2 + 64];
	const char *dr = arg_of(argv, argc, "-g", "--data-root");
	const char *cf = arg_of(argv, argc, NULL, "--config-file");
	int rootless = uid_of(proc, pid) != 0;
	json_object *cfg = NULL;

	if (!dr)
		dr = arg_of(argv, argc, NULL, "--graph");
	snprintf(root, sizeof(root), "%s/%s/root", proc, pid);
	if (rootless) {
		env_of(proc, pid, "HOME", home, sizeof(home));
	}
	if (cf) {
		set_str(cfgpath, sizeof(cfgpath), cf);
	} else if (rootless) {
		if (env_of(proc, pid, "XDG_CONFIG_HOME", xdg, sizeof(xdg)) == 0 && *xdg)
			snprintf(cfgpath, sizeof(cfgpath), "%s/docker/daemon.json", xdg);
		else
			snprintf(cfgpath, sizeof(cfgpath), "%s/.config/docker/daemon.json", home);
	} else {
		snprintf(cfgpath, sizeof(cfgpath), "/etc/docker/daemon.json");
	}
	if (*cfgpath == '/') {
		char why[96];
		snprintf(p, sizeof(p), "%s%s", root, cfgpath);
		load_json(p, &cfg, why, sizeof(why));
	}
	if (dr) {
		set_str(data, sizeof(data), dr);
	} else if (cfg && (jget(cfg, "data-root", NULL) || jget(cfg, "graph", NULL))) {
		const char *v = jget(cfg, "data-root", NULL);
		set_str(data, sizeof(data), v ? v : jget(cfg, "graph", NULL));
	} else if (rootless) {
		if (env_of(proc, pid, "XDG_DATA_HOME", xdg, sizeof(xdg)) == 0 && *xdg)
			snprintf(data, sizeof(data), "%s/docker", xdg);
		else if (*home)
			snprintf(data, sizeof(data), "%s/.local/share/docker", home);
	} else {
		snprintf(data, sizeof(data), "/var/lib/docker");
	}
	if (*data == '/') {
		snprintf(p, sizeof(p), "%s%s", root, data);
		tt_cgn_add_root(r->docker, &r->ndocker, p);
	}
	/* sockets: -H/--host unix://PATH (several), daemon.json "hosts", else the default */
	int socks = 0;
	for (int i = 1; i < argc; i++) {
		const char *h = NULL;
		if ((!strcmp(argv[i], "-H") || !strcmp(argv[i], "--host")) && i + 1 < argc)
			h = argv[++i];
		else if (!strncmp(argv[i], "--host=", 7))
			h = argv[i] + 7;
		else if (!strncmp(argv[i], "-H", 2) && argv[i][2])
			h = argv[i] + 2 + (argv[i][2] == '=');
		if (h && !strncmp(h, "unix://", 7) && h[7] == '/') {
			snprintf(p, sizeof(p), "%s%s", root, h + 7);
			if (strlen(p) < sizeof(r->docker_sock[0]) && r->nsock < TT_CGN_MAX_ROOTS)
				snprintf(r->docker_sock[r->nsock++], sizeof(r->docker_sock[0]),
					 "%s", p);
			socks++;
		}
	}
	if (!socks && !rootless) {
		snprintf(p, sizeof(p), "%s/run/docker.sock", root);
		if (strlen(p) < sizeof(r->docker_sock[0]) && r->nsock < TT_CGN_MAX_ROOTS)
			snprintf(r->docker_sock[r->nsock++], sizeof(r->docker_sock[0]), "%s", p);
	}
	if (cfg)
		json_object_put(cfg);
	return 0;
}

/* A containerd shim's working directory is its task's bundle: <task dir>/<namespace>/<id>. */
static int disc_shim(void *vctx, const char *proc, const char *pid, char **argv, int argc)
{
	struct tt_cgn_roots *r = ((struct disc_ctx *)vctx)->r;
	char p[TT_CGN_PATH + 64], cwd[TT_CGN_PATH];
	(void)argv;
	(void)argc;
	snprintf(p, sizeof(p), "%s/%s/cwd", proc, pid);
	ssize_t n = readlink(p, cwd, sizeof(cwd) - 1);
	if (n <= 0)
		return 0;
	cwd[n] = 0;
	for (int up = 0; up < 2; up++) {
		char *s = strrchr(cwd, '/');
		if (!s || s == cwd)
			return 0;
		*s = 0;
	}
	if (ends(cwd, strlen(cwd), "io.containerd.runtime.v2.task"))
		tt_cgn_add_root(r->containerd, &r->ncontainerd, cwd);
	return 0;
}

void tt_cgn_discover(struct tt_cgn_roots *r, const char *proc)
{
	struct disc_ctx c = {.r = r};
	const char *dh = getenv("DOCKER_HOST");
	int no_socket = r->no_socket;

	memset(r, 0, sizeof(*r));
	r->no_socket = no_socket;
	set_str(r->proc, sizeof(r->proc), proc ? proc : "/proc");
	each_proc(r->proc, "dockerd", disc_dockerd, &c);
	each_proc(r->proc, "containerd-shim", disc_shim, &c); /* comm is cut at 15 bytes */
	if (!proc) {
		/* defaults, when no daemon is running (or it runs elsewhere) */
		tt_cgn_add_root(r->docker, &r->ndocker, "/var/lib/docker");
		tt_cgn_add_root(r->containerd, &r->ncontainerd,
				"/run/containerd/io.containerd.runtime.v2.task");
		tt_cgn_add_root(r->containerd, &r->ncontainerd,
				"/run/k3s/containerd/io.containerd.runtime.v2.task");
		tt_cgn_add_root(r->podman, &r->npodman, "/var/lib/containers/storage");
		tt_cgn_add_root(r->crio, &r->ncrio, "/run/containers/storage");
		if (dh && !strncmp(dh, "unix://", 7) &&
		    strlen(dh + 7) < sizeof(r->docker_sock[0]) && r->nsock < TT_CGN_MAX_ROOTS)
			snprintf(r->docker_sock[r->nsock++], sizeof(r->docker_sock[0]), "%s",
				 dh + 7);
		if (!r->nsock)
			snprintf(r->docker_sock[r->nsock++], sizeof(r->docker_sock[0]),
				 "/var/run/docker.sock");
	}
}
