/* SPDX-License-Identifier: MIT */
/*
 * capture/cgnames.h - what a cgroup is: a Docker, containerd (Kubernetes, nerdctl), Podman or
 * CRI-O container, a systemd unit, or neither; and for a container, its name, image, pod,
 * namespace and Compose labels from the runtime's own files on disk (the daemon's socket only as
 * a fallback for Docker). Used by capture/cgroups.c off the recording's hot path.
 *
 * Sources, per runtime (docs/containers.md says more):
 *   Docker      <data-root>/containers/<id>/config.v2.json (Name, Config.Image, Config.Labels);
 *               data roots from every running dockerd's command line (--data-root, -g,
 *               --config-file), its daemon.json ("data-root"), rootless defaults from its
 *               environment, /var/lib/docker; then GET /containers/<id>/json on its sockets
 *   containerd  <task dir>/<namespace>/<id>/config.json annotations (io.kubernetes.cri.*,
 *               nerdctl/name); task dirs from running shims' working directories and defaults
 *   Podman      conmon's command line (-c id, -n name, -b bundle), then the storage's
 *               overlay-containers/containers.json (names, metadata's image-name)
 *   CRI-O       conmon's bundle, else /run/containers/storage/.../userdata/config.json
 *               annotations (io.kubernetes.container.name, io.kubernetes.pod.name...)
 *
 * Every file is read bounded (TT_CGN_FILE_MAX, regular files only, the last component not
 * followed if it is a symlink, no blocking on FIFOs) and parsed with json-c at a bounded depth;
 * what cannot be read or parsed gives the id alone (status), never an error.
 *
 * Ownership: plain data; struct tt_cgn_roots is filled by tt_cgn_discover() and read by the
 * look-ups; the caller owns both structs.
 */
#ifndef TINYTAP_CGNAMES_H
#define TINYTAP_CGNAMES_H

#include <stddef.h>
#include <stdint.h>

#include "format/record.h"

#define TT_CGN_FILE_MAX	  (8u << 20) /* largest metadata file read (containers.json) */
#define TT_CGN_JSON_DEPTH 64	     /* deepest JSON nesting parsed */
#define TT_CGN_MAX_ROOTS  8	     /* directories kept per kind of root */
#define TT_CGN_PATH	  512

/* What a cgroup is. Strings are NUL-terminated, "" when unknown. */
struct tt_cgname {
	uint8_t kind;	/* enum tt_cgroup_kind */
	uint8_t status; /* enum tt_cgroup_status */
	char path[TT_CGA_VALUE_MAX + 1];
	char id[72];
	char name[256];
	char image[512];
	char project[256], service[256];
	char pod[256], ns[256], pod_uid[64];
	char unit[256];
	char why[96]; /* for -v: why metadata is missing or bad */
};

struct tt_cgn_roots {
	char proc[TT_CGN_PATH];			    /* "/proc" (tests: a fake one) */
	char docker[TT_CGN_MAX_ROOTS][TT_CGN_PATH]; /* data roots */
	char docker_sock[TT_CGN_MAX_ROOTS][108];    /* unix socket paths */
	char containerd[TT_CGN_MAX_ROOTS]
		       [TT_CGN_PATH];		    /* task dirs (io.containerd.runtime.v2.task) */
	char podman[TT_CGN_MAX_ROOTS][TT_CGN_PATH]; /* storage roots (graphroot) */
	char crio[TT_CGN_MAX_ROOTS][TT_CGN_PATH];   /* run roots (runroot) */
	int ndocker, nsock, ncontainerd, npodman, ncrio;
	int no_socket; /* 1: never ask a daemon's socket (tests) */
};

/* Sets n's path (cut to fit), kind and what the path alone says: the container id, the systemd
 * unit, the Kubernetes pod uid. kind is a guess until tt_cgn_lookup(). */
void tt_cgn_classify(const char *path, struct tt_cgname *n);

/* The runtime's metadata for n's container (after tt_cgn_classify): fills names, sets kind to
 * the runtime whose files were found and status. Units and other cgroups: nothing to do
 * (status OK). Never fails: what is missing is the status (and why). */
void tt_cgn_lookup(const struct tt_cgn_roots *r, struct tt_cgname *n);

/* Fills r from the running daemons (dockerd, containerd shims) under proc ("/proc" when NULL)
 * and the usual defaults. */
void tt_cgn_discover(struct tt_cgn_roots *r, const char *proc);

/* Adds dir to a list (no duplicates, at most TT_CGN_MAX_ROOTS): 1 added, 0 not. */
int tt_cgn_add_root(char (*list)[TT_CGN_PATH], int *n, const char *dir);

/* Reads a regular file whole, at most cap bytes: 0 and a malloc'ed NUL-terminated copy in *out
 * (its length in *len), or -errno: -EFBIG over cap, -EINVAL not a regular file, -ELOOP a
 * symlink. */
int tt_cgn_read_file(const char *path, size_t cap, char **out, size_t *len);

/* 1 when s is a container name or id that matches n (name, id, or an id prefix of 4+ hex
 * digits; a Kubernetes container also by "pod/container"). */
int tt_cgn_matches(const struct tt_cgname *n, const char *s);

/* The 64-hex-digit test the path rules use. */
int tt_cgn_is_id(const char *s, size_t len);

#endif
