// SPDX-License-Identifier: MIT
#include "analyze/proto.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "analyze/proto/grpc.h"
#include "analyze/proto/http1.h"
#include "analyze/proto/http2.h"
#include "analyze/proto/mysql.h"
#include "analyze/proto/postgresql.h"
#include "analyze/proto/redis.h"
#include "analyze/proto/websocket.h"

/* The protocol table: one row per protocol. Order breaks ties between equal confidences. */
#define TT_BUILTIN_PROTOS \
	&tt_http1_proto, \
	&tt_http2_proto, \
	&tt_grpc_proto, \
	&tt_websocket_proto, \
	&tt_mysql_proto, \
	&tt_postgresql_proto, \
	&tt_redis_proto,
static const struct tt_proto *protos[TT_PROTO_MAX] = { TT_BUILTIN_PROTOS };
static size_t nprotos =
    sizeof((const struct tt_proto *[]){ TT_BUILTIN_PROTOS }) / sizeof(const struct tt_proto *);

size_t tt_proto_count(void)
{
	return nprotos;
}

const struct tt_proto *tt_proto_at(size_t i)
{
	return i < nprotos ? protos[i] : NULL;
}

int tt_proto_id(const struct tt_proto *p)
{
	for (size_t i = 0; i < nprotos; i++)
		if (protos[i] == p)
			return (int)i;
	return -1;
}

int tt_proto_register(const struct tt_proto *p)
{
	if (tt_proto_find(p->name))
		return -EEXIST;
	if (nprotos == TT_PROTO_MAX)
		return -ENOSPC;
	protos[nprotos++] = p;
	return 0;
}

const struct tt_proto *tt_proto_detect(const struct tt_detect *d, int final, int *need_more)
{
	const struct tt_proto *best = NULL;
	int bestc = 0, need = 0;
	for (size_t i = 0; i < nprotos; i++) {
		int r = protos[i]->detect(d);
		if (r == TT_DETECT_MORE)
			need = 1;
		else if (r > bestc) {
			best = protos[i];
			bestc = r;
		}
	}
	*need_more = need && bestc < TT_DETECT_SURE && !final;
	return *need_more ? NULL : best;
}

/* s names item: item is one of the comma-separated words of list. */
static int in_list(const char *list, const char *s)
{
	size_t n = strlen(s);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && !strncasecmp(p, s, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

const struct tt_proto *tt_proto_find(const char *name)
{
	for (size_t i = 0; i < nprotos; i++)
		if (!strcasecmp(protos[i]->name, name) || in_list(protos[i]->aliases, name))
			return protos[i];
	return NULL;
}

const struct tt_proto *tt_proto_by_upgrade(const char *token)
{
	/* "Upgrade: websocket" or "Upgrade: h2c, websocket/13": the first token that has a taker */
	for (const char *p = token; p && *p;) {
		p += strspn(p, " \t,");
		size_t l = strcspn(p, " \t,/");
		for (size_t i = 0; l && i < nprotos; i++) {
			const char *u = protos[i]->upgrade;
			if (u && strlen(u) == l && !strncasecmp(u, p, l))
				return protos[i];
		}
		p += strcspn(p, ",");
	}
	return NULL;
}

const struct tt_field *tt_proto_field(const struct tt_proto *p, const char *name)
{
	for (size_t i = 0; p && i < p->nfields; i++)
		if (!strcmp(p->fields[i].name, name))
			return &p->fields[i];
	return NULL;
}

int tt_proto_op_in_target(const struct tt_txn *t)
{
	if (!t->pr || !(t->pr->flags & TT_PROTO_OP_IN_TARGET) || !t->op || !t->target)
		return 0;
	size_t n = strlen(t->op);
	if (!n || strncasecmp(t->target, t->op, n))
		return 0;
	char c = t->target[n];
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		 c == '_');
}

void tt_proto_describe(const struct tt_txn *t, struct tt_desc *d)
{
	if (t->pr && t->pr->describe) {
		t->pr->describe(t, d);
		return;
	}
	if (t->resp.seen)
		tt_desc_adds(d, "done");
}

int tt_proto_client_dir(const struct tt_conn_info *ci, const struct tt_handover *from)
{
	if (from && from->side != TT_SIDE_UNKNOWN)
		return from->side == TT_SIDE_CLIENT ? TT_DIR_EGRESS : TT_DIR_INGRESS;
	if (ci && ci->role == TT_ROLE_CLIENT)
		return TT_DIR_EGRESS;
	if (ci && ci->role == TT_ROLE_SERVER)
		return TT_DIR_INGRESS;
	return -1;
}

struct tt_txn *tt_proto_txn_new(const struct tt_proto *pr, struct tt_proto_env *env,
				const struct tt_conn_info *ci, enum tt_side side, uint32_t pid,
				uint32_t tid)
{
	struct tt_txn *t = tt_txn_new();
	if (!t)
		return NULL;
	t->pr = pr;
	t->side = side;
	t->pid = pid;
	t->tid = tid;
	t->sock_id = ci->sock_id;
	t->local = ci->local;
	t->remote = ci->remote;
	memcpy(t->unix_path, ci->unix_path, sizeof(t->unix_path));
	t->seq = env->next_seq++;
	if (env->fill)
		env->fill(env->ctx, t);
	return t;
}
