// SPDX-License-Identifier: MIT
/*
 * capture/cgnames.c: cgroup paths to kinds, ids, units and pod uids; the runtimes' files
 * (tests/fixtures/cgroups: Docker with Compose labels, containerd/Kubernetes, Podman, CRI-O) to
 * names, through data roots found from a fake /proc (dockerd's command line, conmon's); the
 * Docker daemon socket as a fallback (a fake daemon here); and hostile files: too large,
 * invalid JSON, 100000 levels deep, a FIFO, symlinks and symlink loops, wrong types. What must
 * hold: no crash, no hang, bounded reads, the id alone (a status) when the files say nothing.
 */
/* test paths are short; GCC cannot know that */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "capture/cgnames.h"

#define FIX  "tests/fixtures/cgroups"
#define DID  "3f4a0c1e2b3d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6"
#define KID  "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
#define PID_ "5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
#define CID  "7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b"
#define XID  "0000000000000000000000000000000000000000000000000000000000000001"

static char fix[PATH_MAX]; /* absolute path of the fixtures */
static char tmp[PATH_MAX]; /* a scratch directory */

static void setup(void)
{
	const char *root = getenv("TT_ROOT");
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "%s/" FIX, root ? root : ".");
	cr_assert(realpath(rel, fix), "fixtures at %s", rel);
	snprintf(tmp, sizeof(tmp), "/tmp/tt-cgnames.XXXXXX");
	cr_assert(mkdtemp(tmp));
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(cgnames, .init = setup, .fini = teardown);

static void put_file(const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX], d[PATH_MAX + 16];
	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	snprintf(d, sizeof(d), "mkdir -p \"$(dirname '%s')\"", p);
	cr_assert_eq(system(d), 0);
	FILE *f = fopen(p, "w");
	cr_assert(f, "%s", p);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put_str(const char *rel, const char *s)
{
	put_file(rel, s, strlen(s));
}

/* ---- the path alone ------------------------------------------------------------------------ */

struct path_case {
	const char *path;
	int kind;
	const char *id, *unit, *pod_uid;
};

Test(cgnames, classify_paths)
{
	static const struct path_case cases[] = {
	    {"/system.slice/docker-" DID ".scope", TT_CG_KIND_DOCKER, DID, "", ""},
	    {"/docker/" DID, TT_CG_KIND_DOCKER, DID, "", ""},
	    {"/docker/" DID "/system.slice/nginx.service", TT_CG_KIND_DOCKER, DID, "nginx.service",
	     ""},
	    {"/kubepods.slice/kubepods-burstable.slice/"
	     "kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f90a.slice/cri-containerd-" KID
	     ".scope",
	     TT_CG_KIND_CONTAINERD, KID, "", "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a"},
	    {"/kubepods/burstable/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a/" KID,
	     TT_CG_KIND_KUBERNETES, KID, "", "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a"},
	    {"/kubepods/pod2c3d4e5f-6071-8293-a4b5-c6d7e8f90a1b/crio-" CID, TT_CG_KIND_CRIO, CID,
	     "", "2c3d4e5f-6071-8293-a4b5-c6d7e8f90a1b"},
	    {"/kubepods.slice/kubepods-pod2c3d4e5f_6071_8293_a4b5_c6d7e8f90a1b.slice/crio-" CID
	     ".scope",
	     TT_CG_KIND_CRIO, CID, "", "2c3d4e5f-6071-8293-a4b5-c6d7e8f90a1b"},
	    {"/machine.slice/libpod-" PID_ ".scope", TT_CG_KIND_PODMAN, PID_, "", ""},
	    {"/machine.slice/libpod-" PID_ ".scope/container", TT_CG_KIND_PODMAN, PID_, "", ""},
	    {"/libpod_parent/libpod-" PID_, TT_CG_KIND_PODMAN, PID_, "", ""},
	    {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" PID_ ".scope",
	     TT_CG_KIND_PODMAN, PID_, "", ""},
	    {"/system.slice/nerdctl-" KID ".scope", TT_CG_KIND_CONTAINERD, KID, "", ""},
	    /* conmon's own scope is a unit, not the container */
	    {"/machine.slice/libpod-conmon-" PID_ ".scope", TT_CG_KIND_UNIT, "",
	     "libpod-conmon-" PID_ ".scope", ""},
	    {"/system.slice/nginx.service", TT_CG_KIND_UNIT, "", "nginx.service", ""},
	    {"/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-foo-42.scope",
	     TT_CG_KIND_UNIT, "", "app-gnome-foo-42.scope", ""},
	    {"/user.slice/user-1000.slice/user@1000.service/app.slice/syncthing.service",
	     TT_CG_KIND_UNIT, "", "syncthing.service", ""},
	    {"/user.slice/user-1000.slice/session-3.scope", TT_CG_KIND_UNIT, "", "session-3.scope",
	     ""},
	    {"/init.scope", TT_CG_KIND_UNIT, "", "init.scope", ""},
	    {"/", TT_CG_KIND_OTHER, "", "", ""},
	    {"", TT_CG_KIND_OTHER, "", "", ""},
	    {"/user.slice", TT_CG_KIND_OTHER, "", "", ""},
	    {"//docker//" DID "//", TT_CG_KIND_DOCKER, DID, "", ""},
	    /* almost ids: 63 digits, upper case, a non-hex letter, 65 digits */
	    {"/docker/" XID "0", TT_CG_KIND_OTHER, "", "", ""},
	    {"/system.slice/docker-3F4A0C1E2B3D4C5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6"
	     ".scope",
	     TT_CG_KIND_UNIT, "",
	     "docker-3F4A0C1E2B3D4C5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6.scope", ""},
	    {"/docker/0000000000000000000000000000000000000000000000000000000000000g01",
	     TT_CG_KIND_OTHER, "", "", ""},
	    {"/docker/" DID "/", TT_CG_KIND_DOCKER, DID, "", ""},
	    {"/kubepods/burstable/pod../" KID, TT_CG_KIND_KUBERNETES, KID, "", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tt_cgname n;
		tt_cgn_classify(cases[i].path, &n);
		cr_expect_eq(n.kind, cases[i].kind, "%s: kind %d", cases[i].path, n.kind);
		cr_expect_str_eq(n.id, cases[i].id, "%s", cases[i].path);
		cr_expect_str_eq(n.unit, cases[i].unit, "%s", cases[i].path);
		cr_expect_str_eq(n.pod_uid, cases[i].pod_uid, "%s", cases[i].path);
		cr_expect_str_eq(n.path, cases[i].path);
		cr_expect_eq(n.status, TT_CG_ST_OK);
	}
}

Test(cgnames, classify_long_path_is_cut_and_bounded)
{
	static char p[70000];
	struct tt_cgname n;
	for (size_t i = 0; i + 2 < sizeof(p); i += 2)
		memcpy(p + i, "/a", 2);
	p[sizeof(p) - 1] = 0;
	tt_cgn_classify(p, &n);
	cr_assert_eq(strlen(n.path), TT_CGA_VALUE_MAX);
	cr_assert_eq(n.kind, TT_CG_KIND_OTHER);
	/* a unit name longer than the field: no unit rather than a cut one */
	memset(p, 'x', 400);
	memcpy(p, "/s", 2);
	strcpy(p + 400, ".service");
	tt_cgn_classify(p, &n);
	cr_assert_str_eq(n.unit, "");
}

/* ---- the runtimes' files ------------------------------------------------------------------ */

static void roots_empty(struct tt_cgn_roots *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->proc, sizeof(r->proc), "%s/proc", tmp);
	r->no_socket = 1;
}

static void lookup(const struct tt_cgn_roots *r, const char *path, struct tt_cgname *n)
{
	tt_cgn_classify(path, n);
	tt_cgn_lookup(r, n);
}

Test(cgnames, docker_compose)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char root[PATH_MAX];
	roots_empty(&r);
	snprintf(root, sizeof(root), "%s/docker", fix);
	tt_cgn_add_root(r.docker, &r.ndocker, "/nonexistent/docker");
	tt_cgn_add_root(r.docker, &r.ndocker, root);
	lookup(&r, "/system.slice/docker-" DID ".scope", &n);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_eq(n.kind, TT_CG_KIND_DOCKER);
	cr_assert_str_eq(n.name, "shop-api-1"); /* Name without its '/' */
	cr_assert_str_eq(n.image, "shop/api:1.4");
	cr_assert_str_eq(n.project, "shop");
	cr_assert_str_eq(n.service, "api");
	cr_assert_str_eq(n.pod, "");
	/* gone (a --rm container after its end): the id alone */
	lookup(&r, "/docker/" XID, &n);
	cr_assert_eq(n.status, TT_CG_ST_NO_METADATA);
	cr_assert_str_eq(n.id, XID);
	cr_assert_str_eq(n.name, "");
}

Test(cgnames, docker_data_root_from_dockerd_command_line)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char arg[PATH_MAX + 64], link[PATH_MAX];
	int len;
	/* a fake /proc: 4242 is dockerd with --data-root=<fixture>, 4243 is dockerd with -g and a
	 * daemon.json that says otherwise, 17 is something else */
	put_str("proc/17/comm", "bash\n");
	put_str("proc/17/cmdline", "bash");
	put_str("proc/4242/comm", "dockerd\n");
	put_str("proc/4242/status", "Name:\tdockerd\nUid:\t0\t0\t0\t0\n");
	len = snprintf(arg, sizeof(arg),
		       "/usr/bin/dockerd%c--data-root=%s/docker%c-H%cunix:///run/d.sock%c", 0, fix,
		       0, 0, 0);
	put_file("proc/4242/cmdline", arg, (size_t)len);
	snprintf(link, sizeof(link), "%s/proc/4242/root", tmp);
	cr_assert_eq(symlink("/", link), 0);
	put_str("proc/4243/comm", "dockerd\n");
	put_str("proc/4243/status", "Name:\tdockerd\nUid:\t0\t0\t0\t0\n");
	len = snprintf(arg, sizeof(arg), "dockerd%c--config-file%c/etc/d.json%c", 0, 0, 0);
	put_file("proc/4243/cmdline", arg, (size_t)len);
	snprintf(link, sizeof(link), "%s/proc/4243/root", tmp);
	cr_assert_eq(symlink(tmp, link), 0);
	put_str("etc/d.json", "{\"data-root\": \"/srv/docker\", \"hosts\": []}");

	snprintf(arg, sizeof(arg), "%s/proc", tmp);
	tt_cgn_discover(&r, arg);
	r.no_socket = 1;
	cr_assert_eq(r.ndocker, 2);
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "%s/proc/4242/root%s/docker", tmp, fix);
	cr_assert(!strcmp(r.docker[0], want) || !strcmp(r.docker[1], want), "%s / %s", r.docker[0],
		  r.docker[1]);
	snprintf(want, sizeof(want), "%s/proc/4243/root/srv/docker", tmp);
	cr_assert(!strcmp(r.docker[0], want) || !strcmp(r.docker[1], want), "%s / %s", r.docker[0],
		  r.docker[1]);
	snprintf(want, sizeof(want), "%s/proc/4242/root/run/d.sock", tmp);
	int found = 0;
	for (int i = 0; i < r.nsock; i++)
		found |= !strcmp(r.docker_sock[i], want);
	cr_assert(found, "%s", want);
	lookup(&r, "/docker/" DID, &n);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_str_eq(n.name, "shop-api-1");
}

Test(cgnames, containerd_kubernetes)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char root[PATH_MAX];
	roots_empty(&r);
	snprintf(root, sizeof(root), "%s/containerd/io.containerd.runtime.v2.task", fix);
	tt_cgn_add_root(r.containerd, &r.ncontainerd, root);
	lookup(
	    &r,
	    "/kubepods.slice/kubepods-burstable.slice/"
	    "kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f90a.slice/cri-containerd-" KID
	    ".scope",
	    &n);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_eq(n.kind, TT_CG_KIND_CONTAINERD);
	cr_assert_str_eq(n.name, "nginx");
	cr_assert_str_eq(n.pod, "web-7d4b9c8f6-x2kqp");
	cr_assert_str_eq(n.ns, "shop");
	cr_assert_str_eq(n.image, "docker.io/library/nginx:1.25");
	cr_assert_str_eq(n.pod_uid, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a");
	/* cgroupfs driver: the path does not say the runtime; containerd's files do */
	lookup(&r, "/kubepods/burstable/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a/" KID, &n);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_eq(n.kind, TT_CG_KIND_CONTAINERD);
	cr_assert_str_eq(n.name, "nginx");
	/* no runtime has it: kubernetes, the id alone */
	lookup(&r, "/kubepods/burstable/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a/" XID, &n);
	cr_assert_eq(n.kind, TT_CG_KIND_KUBERNETES);
	cr_assert_eq(n.status, TT_CG_ST_NO_METADATA);
	cr_assert_str_eq(n.pod_uid, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a");
}

Test(cgnames, containerd_task_dir_from_a_shim)
{
	struct tt_cgn_roots r;
	char p[PATH_MAX], bundle[PATH_MAX * 2];
	put_str("proc/900/comm", "containerd-shim\n");
	put_file("proc/900/cmdline", "containerd-shim-runc-v2\0-id\0x\0", 30);
	snprintf(p, sizeof(p), "%s/proc/900/cwd", tmp);
	snprintf(bundle, sizeof(bundle), "%s/containerd/io.containerd.runtime.v2.task/k8s.io/" KID,
		 fix);
	cr_assert_eq(symlink(bundle, p), 0);
	snprintf(p, sizeof(p), "%s/proc", tmp);
	tt_cgn_discover(&r, p);
	cr_assert_eq(r.ncontainerd, 1);
	snprintf(bundle, sizeof(bundle), "%s/containerd/io.containerd.runtime.v2.task", fix);
	cr_assert_str_eq(r.containerd[0], bundle);
}

Test(cgnames, podman_storage_and_conmon)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char root[PATH_MAX], arg[PATH_MAX + 128];
	roots_empty(&r);
	snprintf(root, sizeof(root), "%s/podman/storage", fix);
	tt_cgn_add_root(r.podman, &r.npodman, root);
	lookup(&r, "/machine.slice/libpod-" PID_ ".scope/container", &n);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_eq(n.kind, TT_CG_KIND_PODMAN);
	cr_assert_str_eq(n.name, "cache");
	cr_assert_str_eq(n.image, "docker.io/library/redis:7");

	/* rootless, no storage root known: conmon's command line names it and its bundle leads
	 * to the storage */
	roots_empty(&r);
	put_str("proc/31/comm", "conmon\n");
	int len = snprintf(arg, sizeof(arg),
			   "/usr/bin/conmon%c--api-version%c1%c-c%c" PID_ "%c-u%c" PID_
			   "%c-n%ccache-renamed%c-b%c%s/podman/storage/overlay-containers/" PID_
			   "/userdata%c",
			   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, fix, 0);
	put_file("proc/31/cmdline", arg, (size_t)len);
	snprintf(arg, sizeof(arg), "%s/proc/31/root", tmp);
	cr_assert_eq(symlink("/", arg), 0);
	lookup(&r, "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" PID_ ".scope",
	       &n);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_str_eq(n.name, "cache-renamed"); /* conmon's -n: the name now */
	cr_assert_str_eq(n.image, "docker.io/library/redis:7");
	/* another container of the same storage, no conmon: not found without the storage */
	lookup(&r,
	       "/machine.slice/"
	       "libpod-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c.scope",
	       &n);
	cr_assert_eq(n.status, TT_CG_ST_NO_METADATA);
}

Test(cgnames, crio)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char root[PATH_MAX];
	roots_empty(&r);
	snprintf(root, sizeof(root), "%s/crio", fix);
	tt_cgn_add_root(r.crio, &r.ncrio, root);
	lookup(&r,
	       "/kubepods.slice/kubepods-pod2c3d4e5f_6071_8293_a4b5_c6d7e8f90a1b.slice/crio-" CID
	       ".scope",
	       &n);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_eq(n.kind, TT_CG_KIND_CRIO);
	cr_assert_str_eq(n.name, "checkout");
	cr_assert_str_eq(n.pod, "checkout-5f7d8-abcde");
	cr_assert_str_eq(n.ns, "shop");
	cr_assert_str_eq(n.image, "registry.example/shop/checkout:2.1");
	/* cgroupfs: a bare id under kubepods, found in CRI-O's files */
	lookup(&r, "/kubepods/pod2c3d4e5f-6071-8293-a4b5-c6d7e8f90a1b/" CID, &n);
	cr_assert_eq(n.kind, TT_CG_KIND_CRIO);
	cr_assert_str_eq(n.name, "checkout");
}

Test(cgnames, matches)
{
	struct tt_cgname n;
	tt_cgn_classify("/docker/" DID, &n);
	strcpy(n.name, "api-service");
	cr_assert(tt_cgn_matches(&n, "api-service"));
	cr_assert(tt_cgn_matches(&n, "/api-service"));
	cr_assert(!tt_cgn_matches(&n, "api"));
	cr_assert(!tt_cgn_matches(&n, ""));
	cr_assert(tt_cgn_matches(&n, DID));
	cr_assert(tt_cgn_matches(&n, "3f4a0c1e2b3d"));
	cr_assert(tt_cgn_matches(&n, "3f4a"));
	cr_assert(!tt_cgn_matches(&n, "3f4"));	/* too short for an id */
	cr_assert(!tt_cgn_matches(&n, "3F4A")); /* ids are lower case */
	cr_assert(!tt_cgn_matches(&n, "3f4b"));
	cr_assert(!tt_cgn_matches(&n, DID "0"));
	strcpy(n.pod, "web-1");
	strcpy(n.name, "nginx");
	cr_assert(tt_cgn_matches(&n, "web-1/nginx"));
	cr_assert(tt_cgn_matches(&n, "nginx"));
	cr_assert(!tt_cgn_matches(&n, "web-1/"));
	cr_assert(!tt_cgn_matches(&n, "web-1"));
}

/* ---- the daemon socket (fallback) --------------------------------------------------------- */

struct fake_daemon {
	int lfd;
	int answer; /* 0: never answer (hang), 1: 200 with JSON, 2: 404 */
	char seen[512];
};

static void *daemon_main(void *arg)
{
	struct fake_daemon *d = arg;
	int fd = accept(d->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, d->seen, sizeof(d->seen) - 1);
	if (n > 0)
		d->seen[n] = 0;
	static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n"
				 "{\"Id\":\"" XID "\",\"Name\":\"/from-the-socket\","
				 "\"Config\":{\"Image\":\"alpine:3\",\"Labels\":{}}}\n";
	static const char nf[] =
	    "HTTP/1.0 404 Not Found\r\n\r\n{\"message\":\"No such container\"}";
	if (d->answer == 1 && write(fd, ok, sizeof(ok) - 1) < 0)
		d->seen[0] = 0;
	if (d->answer == 2 && write(fd, nf, sizeof(nf) - 1) < 0)
		d->seen[0] = 0;
	if (d->answer == 0)
		sleep(3);
	close(fd);
	return NULL;
}

static void with_daemon(int answer, struct tt_cgname *n, double *secs, char *seen)
{
	struct fake_daemon d = {.answer = answer};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct tt_cgn_roots r;
	pthread_t th;
	struct timespec t0, t1;
	roots_empty(&r);
	r.no_socket = 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/d.sock", tmp);
	unlink(sa.sun_path);
	d.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(d.lfd >= 0);
	cr_assert_eq(bind(d.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(d.lfd, 4), 0);
	snprintf(r.docker_sock[r.nsock++], sizeof(r.docker_sock[0]), "%s", sa.sun_path);
	cr_assert_eq(pthread_create(&th, NULL, daemon_main, &d), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	lookup(&r, "/docker/" XID, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	pthread_join(th, NULL);
	close(d.lfd);
	strcpy(seen, d.seen);
}

Test(cgnames, docker_socket_fallback)
{
	struct tt_cgname n;
	char seen[512];
	double secs;
	with_daemon(1, &n, &secs, seen);
	cr_assert(strstr(seen, "GET /containers/" XID "/json HTTP/1.0\r\n"), "%s", seen);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_str_eq(n.name, "from-the-socket");
	cr_assert_str_eq(n.image, "alpine:3");
	with_daemon(2, &n, &secs, seen);
	cr_assert_eq(n.status, TT_CG_ST_NO_METADATA);
	/* a daemon that never answers: a second, not a hang */
	with_daemon(0, &n, &secs, seen);
	cr_assert_eq(n.status, TT_CG_ST_NO_METADATA);
	cr_assert(secs < 2.5, "took %.1fs", secs);
}

/* ---- hostile files ------------------------------------------------------------------------ */

static struct tt_cgname hostile_docker(const char *content, size_t len)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char root[PATH_MAX];
	roots_empty(&r);
	if (len == SIZE_MAX)
		len = strlen(content);
	put_file("d/containers/" DID "/config.v2.json", content, len);
	snprintf(root, sizeof(root), "%s/d", tmp);
	tt_cgn_add_root(r.docker, &r.ndocker, root);
	lookup(&r, "/docker/" DID, &n);
	return n;
}

Test(cgnames, hostile_json)
{
	struct tt_cgname n;
	n = hostile_docker("{\"Name\": \"/half", 14);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	cr_assert_str_eq(n.id, DID);
	cr_assert(strstr(n.why, "not valid JSON"), "%s", n.why);
	n = hostile_docker("", 0);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	n = hostile_docker("\x00\x01\x02\xff", 4);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	/* types other than the expected ones: no name, no crash */
	n = hostile_docker("{\"Name\": 42, \"Config\": [\"Image\"]}", SIZE_MAX);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	n = hostile_docker("{\"Name\": \"/ok\", \"Config\": {\"Image\": {\"x\":1}, \"Labels\": 7}}",
			   SIZE_MAX);
	cr_assert_eq(n.status, TT_CG_ST_OK);
	cr_assert_str_eq(n.name, "ok");
	cr_assert_str_eq(n.image, "");
	/* an escaped NUL, escapes and a 300-byte multi-byte name: cut on a character boundary */
	n = hostile_docker("{\"Name\": \"/a\\u0000b\"}", SIZE_MAX);
	cr_assert_str_eq(n.name, "a");
	static char big[2048];
	size_t o = (size_t)snprintf(big, sizeof(big), "{\"Name\": \"/");
	for (int i = 0; i < 300; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "é");
	o += (size_t)snprintf(big + o, sizeof(big) - o, "\"}");
	n = hostile_docker(big, o);
	cr_assert_eq(n.status, TT_CG_ST_OK);
	cr_assert_eq(strlen(n.name), 254); /* 127 two-byte characters fit in 255 bytes */
}

Test(cgnames, hostile_deep_and_huge)
{
	struct tt_cgname n;
	size_t len = 200000;
	char *p = malloc(len);
	cr_assert(p);
	memset(p, '[', len);
	n = hostile_docker(p, len);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	free(p);
	/* over the cap: not read at all */
	len = TT_CGN_FILE_MAX + 1;
	p = malloc(len);
	cr_assert(p);
	memset(p, ' ', len);
	memcpy(p, "{\"Name\":\"/x\"}", 13);
	n = hostile_docker(p, len);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	cr_assert(strstr(n.why, "too large"), "%s", n.why);
	/* exactly at the cap: read */
	n = hostile_docker(p, len - 1);
	cr_assert_eq(n.status, TT_CG_ST_OK, "%s", n.why);
	cr_assert_str_eq(n.name, "x");
	free(p);
}

Test(cgnames, hostile_files)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char p[PATH_MAX], q[PATH_MAX];
	roots_empty(&r);
	snprintf(p, sizeof(p), "%s/d", tmp);
	tt_cgn_add_root(r.docker, &r.ndocker, p);
	/* a FIFO nobody writes to: no hang */
	snprintf(p, sizeof(p), "%s/d/containers/" DID, tmp);
	snprintf(q, sizeof(q), "mkdir -p '%s'", p);
	cr_assert_eq(system(q), 0);
	snprintf(q, sizeof(q), "%s/config.v2.json", p);
	cr_assert_eq(mkfifo(q, 0600), 0);
	lookup(&r, "/docker/" DID, &n);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	unlink(q);
	/* the file a symlink to /dev/zero (endless) or to a real file: not followed */
	cr_assert_eq(symlink("/dev/zero", q), 0);
	lookup(&r, "/docker/" DID, &n);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA);
	unlink(q);
	/* a directory where the file should be */
	cr_assert_eq(mkdir(q, 0700), 0);
	lookup(&r, "/docker/" DID, &n);
	cr_assert_neq(n.status, TT_CG_ST_OK);
	rmdir(q);
	rmdir(p);
	/* a symlink loop on the way */
	cr_assert_eq(symlink(p, p), 0);
	lookup(&r, "/docker/" DID, &n);
	cr_assert_neq(n.status, TT_CG_ST_OK);
	cr_assert_str_eq(n.id, DID);
	/* a loop as a data root, and as a containerd namespace */
	roots_empty(&r);
	snprintf(p, sizeof(p), "%s/loop", tmp);
	cr_assert_eq(symlink(p, p), 0);
	tt_cgn_add_root(r.docker, &r.ndocker, p);
	tt_cgn_add_root(r.containerd, &r.ncontainerd, p);
	snprintf(q, sizeof(q), "%s/tasks", tmp);
	cr_assert_eq(mkdir(q, 0700), 0);
	snprintf(q, sizeof(q), "%s/tasks/ns", tmp);
	cr_assert_eq(symlink(q, q), 0);
	snprintf(q, sizeof(q), "%s/tasks", tmp);
	tt_cgn_add_root(r.containerd, &r.ncontainerd, q);
	lookup(&r, "/docker/" DID, &n);
	cr_assert_eq(n.status, TT_CG_ST_BAD_METADATA); /* ELOOP: there, but unreadable */
	lookup(&r, "/system.slice/cri-containerd-" KID ".scope", &n);
	cr_assert_neq(n.status, TT_CG_ST_OK);
	/* a cmdline without NULs, a huge one, an empty comm: discovery copes */
	static char huge[200000];
	memset(huge, 'a', sizeof(huge));
	put_str("proc/5/comm", "dockerd\n");
	put_file("proc/5/cmdline", huge, sizeof(huge));
	put_str("proc/6/comm", "dockerd\n");
	put_file("proc/6/cmdline", "dockerd\0--data-root", 19);
	put_str("proc/7/comm", "");
	snprintf(p, sizeof(p), "%s/proc", tmp);
	tt_cgn_discover(&r, p);
	cr_assert_leq(r.ndocker, TT_CGN_MAX_ROOTS);
}

Test(cgnames, hostile_podman_store)
{
	struct tt_cgn_roots r;
	struct tt_cgname n;
	char p[PATH_MAX];
	roots_empty(&r);
	snprintf(p, sizeof(p), "%s/s", tmp);
	tt_cgn_add_root(r.podman, &r.npodman, p);
	/* not an array; then entries of the wrong shapes and a metadata string that is not JSON */
	put_str("s/overlay-containers/containers.json", "{\"id\": \"" PID_ "\"}");
	lookup(&r, "/machine.slice/libpod-" PID_ ".scope", &n);
	cr_assert_eq(n.status, TT_CG_ST_NO_METADATA);
	put_str("s/overlay-containers/containers.json",
		"[1, \"x\", null, {\"id\": 5}, {\"id\": \"" PID_ "\", \"names\": \"cache\", "
		"\"metadata\": \"{not json\"}]");
	lookup(&r, "/machine.slice/libpod-" PID_ ".scope", &n);
	cr_assert_eq(n.status, TT_CG_ST_OK);
	cr_assert_str_eq(n.name, "");
	cr_assert_str_eq(n.image, "");
	put_str("s/overlay-containers/containers.json",
		"[{\"id\": \"" PID_
		"\", \"names\": [], \"metadata\": \"{\\\"name\\\": \\\"m\\\"}\"}]");
	lookup(&r, "/machine.slice/libpod-" PID_ ".scope", &n);
	cr_assert_str_eq(n.name, "m");
}

Test(cgnames, read_file_bounds)
{
	char p[PATH_MAX], *buf;
	size_t len;
	put_str("f", "0123456789");
	snprintf(p, sizeof(p), "%s/f", tmp);
	cr_assert_eq(tt_cgn_read_file(p, 10, &buf, &len), 0);
	cr_assert_eq(len, 10);
	cr_assert_eq(buf[10], 0);
	free(buf);
	cr_assert_eq(tt_cgn_read_file(p, 9, &buf, &len), -EFBIG);
	cr_assert_null(buf);
	cr_assert_eq(tt_cgn_read_file("/nonexistent/x", 9, &buf, &len), -ENOENT);
	/* /proc files say size 0 and have content */
	cr_assert_eq(tt_cgn_read_file("/proc/self/status", 1 << 20, &buf, &len), 0);
	cr_assert(len > 0 && strstr(buf, "Pid:"));
	free(buf);
	cr_assert_eq(tt_cgn_read_file("/proc/self/status", 16, &buf, &len), -EFBIG);
	cr_assert_eq(tt_cgn_read_file(tmp, 16, &buf, &len), -EINVAL);
}
