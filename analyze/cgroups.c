// SPDX-License-Identifier: MIT
#include "analyze/cgroups.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/map64.h"

struct entry {
	struct entry *next_all; /* every entry ever made, replaced ones too */
	struct tt_cginfo info;
	char strings[]; /* the values, back to back */
};

struct tt_cgtable {
	struct tt_map64 byid; /* id -> struct entry * (the current one) */
	struct entry *all;
	size_t bytes, entries, ignored;
};

struct tt_cgtable *tt_cgtable_new(void)
{
	struct tt_cgtable *t = calloc(1, sizeof(*t));
	if (t)
		tt_map64_init(&t->byid, TT_CGTABLE_MAX);
	return t;
}

static const char **slot(struct tt_cginfo *c, uint16_t tag)
{
	switch (tag) {
	case TT_CGA_PATH:
		return &c->path;
	case TT_CGA_CONTAINER_ID:
		return &c->container_id;
	case TT_CGA_CONTAINER:
		return &c->container;
	case TT_CGA_IMAGE:
		return &c->image;
	case TT_CGA_COMPOSE_PROJECT:
		return &c->compose_project;
	case TT_CGA_COMPOSE_SERVICE:
		return &c->compose_service;
	case TT_CGA_POD:
		return &c->pod;
	case TT_CGA_NAMESPACE:
		return &c->namespace_;
	case TT_CGA_UNIT:
		return &c->unit;
	case TT_CGA_POD_UID:
		return &c->pod_uid;
	default:
		return NULL;
	}
}

static int is_container(uint8_t kind)
{
	return kind == TT_CG_KIND_DOCKER || kind == TT_CG_KIND_CONTAINERD ||
	       kind == TT_CG_KIND_PODMAN || kind == TT_CG_KIND_CRIO ||
	       kind == TT_CG_KIND_KUBERNETES;
}

int tt_cgtable_add(struct tt_cgtable *t, const struct tt_rec_cgroup *r, const uint8_t *attrs)
{
	struct tt_cgroup_attr_val a;
	uint32_t pos = 0, n = attrs ? r->attrs_len : 0;
	size_t need = 0;

	/* the strings' room: each known tag once (the first), NUL-terminated; the label */
	uint32_t seen = 0;
	while (tt_cgroup_attr_next(attrs, n, &pos, &a))
		if (a.tag && a.tag <= TT_CGA_MAX && !(seen & (1u << a.tag))) {
			seen |= 1u << a.tag;
			need += (size_t)a.len + 1;
		}
	need += 2 * 256 + 2; /* "pod/container" */
	uint64_t known;
	if (tt_map64_get(&t->byid, r->cgroup_id, &known))
		return 0; /* told again (each file of a rotated set names its cgroups): the first */
	if (t->entries >= TT_CGTABLE_MAX || t->bytes + need > TT_CGTABLE_BYTES) {
		t->ignored++;
		return 1;
	}
	struct entry *e = calloc(1, sizeof(*e) + need);
	if (!e)
		return -ENOMEM;
	e->info.id = r->cgroup_id;
	e->info.kind = r->kind;
	e->info.status = r->status;
	char *s = e->strings;
	pos = 0;
	seen = 0;
	while (tt_cgroup_attr_next(attrs, n, &pos, &a)) {
		const char **dst = slot(&e->info, a.tag);
		if (!dst || (seen & (1u << a.tag)))
			continue;
		seen |= 1u << a.tag;
		size_t l = strnlen(a.value, a.len);
		if (!l)
			continue;
		for (size_t i = 0; i < l; i++) /* names are printed: keep them printable */
			s[i] = (unsigned char)a.value[i] < 0x20 || a.value[i] == 0x7f ? '_'
										      : a.value[i];
		s[l] = 0;
		*dst = s;
		s += l + 1;
	}
	const struct tt_cginfo *c = &e->info;
	if (is_container(c->kind)) {
		if (c->pod && c->container)
			snprintf(s, 2 * 256 + 2, "%.255s/%.255s", c->pod, c->container);
		else if (c->container || c->pod)
			snprintf(s, 2 * 256 + 2, "%.255s", c->container ? c->container : c->pod);
		else if (c->container_id)
			snprintf(s, 2 * 256 + 2, "%.12s", c->container_id);
		else
			s[0] = 0;
	} else if (c->unit) {
		snprintf(s, 2 * 256 + 2, "%.255s", c->unit);
	} else {
		s[0] = 0;
	}
	e->info.label = s[0] ? s : NULL;
	if (tt_map64_put(&t->byid, r->cgroup_id, (uint64_t)(uintptr_t)e) < 0) {
		free(e);
		t->ignored++;
		return 1;
	}
	e->next_all = t->all;
	t->all = e;
	t->entries++;
	t->bytes += need;
	return 0;
}

const struct tt_cginfo *tt_cgtable_get(const struct tt_cgtable *t, uint64_t id)
{
	uint64_t v;
	if (!t || !id || !tt_map64_get(&t->byid, id, &v))
		return NULL;
	return &((const struct entry *)(uintptr_t)v)->info;
}

size_t tt_cgtable_len(const struct tt_cgtable *t)
{
	return t ? tt_map64_len(&t->byid) : 0;
}

void tt_cgtable_free(struct tt_cgtable *t)
{
	if (!t)
		return;
	while (t->all) {
		struct entry *n = t->all->next_all;
		free(t->all);
		t->all = n;
	}
	tt_map64_free(&t->byid);
	free(t);
}
