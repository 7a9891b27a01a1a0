// SPDX-License-Identifier: MIT
#include "analyze/sink/pcapng.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/map64.h"
#include "analyze/pipeline.h"
#include "format/reader.h"

#define SEG_MAX	     65000	 /* payload bytes per synthesized packet */
#define MAX_SOCKS    (1u << 20) /* sockets tracked at most */
#define MAX_PROCS    (1u << 18)
#define PKT_HDR_MAX  (14 + 40 + 20)

/* One direction of a flow: 0 = client -> server, 1 = server -> client. */
struct flow {
	struct tt_addr a[2]; /* a[0] the client's address, a[1] the server's */
	int udp;
	uint32_t seq[2];  /* next sequence number of each direction */
	int syn, fin[2];  /* handshake written; FIN written by each side */
	int both;	  /* both ends recorded: only egress records become packets */
	uint16_t ipid;
};

struct psock {
	uint64_t sock;
	struct flow *fl;
	int from;	   /* the direction this socket's egress bytes go: 0 or 1 */
	uint8_t origin;	   /* enum tt_conn_origin */
	int in_call[2];	   /* by enum tt_dir: a call's records are still coming */
	uint64_t call_ts[2], call_bytes[2], call_pos[2];
	uint32_t call_tid[2];
	uint16_t call_idx[2];
};

struct pcapng_sink {
	struct tt_sink s;
	struct tt_sink_pcapng_opts o;
	struct tt_map64 selected;  /* sock ids of matching transactions (and their peers) */
	struct tt_map64 socks;	   /* sock id -> struct psock * */
	struct tt_map64 tuples;	   /* hash (local, remote) -> sock id, to find peers */
	struct tt_map64 comms;	   /* pid -> comm packed in 16 bytes: two u64 maps */
	struct tt_map64 comms2;
	struct tt_map64 unix_socks; /* AF_UNIX sockets skipped (counted once each) */
	struct flow **flows;	    /* owned, every flow (shared by a connection's two ends) */
	size_t nflows, flows_cap;
	int64_t wall_off;
	uint8_t *pkt; /* one packet under construction */
	struct tt_sink_pcapng_report rep;
	int werr;
};

/* --- writing ------------------------------------------------------------------------------- */

static void out(struct pcapng_sink *ps, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, ps->o.out) != n)
		ps->werr = errno ? errno : EIO;
}

static void u32(struct pcapng_sink *ps, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	out(ps, b, 4);
}

static void u16(struct pcapng_sink *ps, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	out(ps, b, 2);
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void option(struct pcapng_sink *ps, uint16_t code, const void *v, size_t n)
{
	static const uint8_t zeros[4];
	u16(ps, code);
	u16(ps, (uint16_t)n);
	out(ps, v, n);
	out(ps, zeros, pad4(n) - n);
}

static void header_blocks(struct pcapng_sink *ps)
{
	static const char app[] = "tinytap-show " TT_VERSION " (packets synthesized from socket "
				  "calls)";
	static const char ifname[] = "tinytap";
	/* Section Header Block */
	uint32_t len = 28 + 4 + (uint32_t)pad4(sizeof(app) - 1) + 4;
	u32(ps, 0x0A0D0D0A);
	u32(ps, len);
	u32(ps, 0x1A2B3C4D);
	u16(ps, 1);
	u16(ps, 0);
	u32(ps, 0xffffffff); /* section length: unknown */
	u32(ps, 0xffffffff);
	option(ps, 4, app, sizeof(app) - 1); /* shb_userappl */
	u32(ps, 0);			     /* opt_endofopt */
	u32(ps, len);
	/* Interface Description Block: Ethernet, nanosecond timestamps */
	uint8_t tsresol = 9;
	len = 20 + 4 + (uint32_t)pad4(sizeof(ifname) - 1) + 4 + 4 + 4;
	u32(ps, 1);
	u32(ps, len);
	u16(ps, 1); /* LINKTYPE_ETHERNET */
	u16(ps, 0);
	u32(ps, 0); /* snaplen: no limit */
	option(ps, 2, ifname, sizeof(ifname) - 1); /* if_name */
	option(ps, 9, &tsresol, 1);		   /* if_tsresol */
	u32(ps, 0);
	u32(ps, len);
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

enum { F_FIN = 1, F_SYN = 2, F_PSH = 8, F_ACK = 16 };

/* One packet of flow fl in direction d at wall time ts: payload p (n bytes) with TCP flags. */
static void packet(struct pcapng_sink *ps, struct flow *fl, int d, int64_t ts,
		   const uint8_t *p, size_t n, int flags, const char *comment)
{
	const struct tt_addr *src = &fl->a[d], *dst = &fl->a[d ^ 1];
	int v6 = src->family == TT_AF_INET6;
	size_t l4 = fl->udp ? 8 : 20, ip = v6 ? 40 : 20, hl = 14 + ip + l4;
	uint8_t *k = ps->pkt;
	memset(k, 0, hl);
	/* Ethernet: made-up addresses, one per end */
	static const uint8_t mac[2][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}};
	memcpy(k, mac[d ^ 1], 6);
	memcpy(k + 6, mac[d], 6);
	put16(k + 12, v6 ? 0x86dd : 0x0800);
	uint8_t *iph = k + 14, *th = iph + ip;
	uint32_t pseudo = 0;
	if (v6) {
		put32(iph, 0x60000000);
		put16(iph + 4, (uint16_t)(l4 + n));
		iph[6] = fl->udp ? 17 : 6;
		iph[7] = 64;
		memcpy(iph + 8, src->addr, 16);
		memcpy(iph + 24, dst->addr, 16);
		pseudo = csum_add(0, iph + 8, 32);
	} else {
		iph[0] = 0x45;
		put16(iph + 2, (uint16_t)(ip + l4 + n));
		put16(iph + 4, fl->ipid++);
		put16(iph + 6, 0x4000);
		iph[8] = 64;
		iph[9] = fl->udp ? 17 : 6;
		memcpy(iph + 12, src->addr, 4);
		memcpy(iph + 16, dst->addr, 4);
		put16(iph + 10, csum_fold(csum_add(0, iph, 20)));
		pseudo = csum_add(0, iph + 12, 8);
	}
	pseudo += (uint32_t)(fl->udp ? 17 : 6) + (uint32_t)(l4 + n);
	put16(th, src->port);
	put16(th + 2, dst->port);
	if (fl->udp) {
		put16(th + 4, (uint16_t)(8 + n));
	} else {
		put32(th + 4, fl->seq[d]);
		put32(th + 8, (flags & F_ACK) ? fl->seq[d ^ 1] : 0);
		th[12] = 5 << 4;
		th[13] = (uint8_t)flags;
		put16(th + 14, 65535);
	}
	uint32_t c = csum_add(csum_add(pseudo, th, l4), p, n);
	uint16_t cs = csum_fold(c);
	put16(th + (fl->udp ? 6 : 16), fl->udp && !cs ? 0xffff : cs);
	/* Enhanced Packet Block */
	size_t cl = comment ? strlen(comment) : 0;
	size_t opts = cl ? 4 + pad4(cl) + 4 : 0;
	uint32_t len = (uint32_t)(28 + pad4(hl + n) + opts + 4);
	uint64_t t = ts < 0 ? 0 : (uint64_t)ts;
	static const uint8_t zeros[4];
	u32(ps, 6);
	u32(ps, len);
	u32(ps, 0);
	u32(ps, (uint32_t)(t >> 32));
	u32(ps, (uint32_t)t);
	u32(ps, (uint32_t)(hl + n));
	u32(ps, (uint32_t)(hl + n));
	out(ps, k, hl);
	out(ps, p, n);
	out(ps, zeros, pad4(hl + n) - (hl + n));
	if (cl) {
		option(ps, 1, comment, cl);
		u32(ps, 0);
	}
	u32(ps, len);
	ps->rep.packets++;
	if (!fl->udp)
		fl->seq[d] += (uint32_t)n + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
}

/* --- the passes ------------------------------------------------------------------------------ */

static int reopen(struct pcapng_sink *ps, struct tt_reader **rd)
{
	*rd = NULL;
	if (*ps->o.stop || lseek(ps->o.in_fd, 0, SEEK_SET) < 0 ||
	    !(*rd = tt_reader_open_fd(ps->o.in_fd, ps->o.in_name))) {
		snprintf(ps->rep.err, sizeof(ps->rep.err), "%s: cannot read it again",
			 ps->o.in_name);
		return -EIO;
	}
	ps->wall_off = 0;
	const struct tt_file_info *fi = tt_reader_info(*rd);
	if (fi->start_wall_ns || fi->start_boot_ns)
		ps->wall_off = (int64_t)((uint64_t)fi->start_wall_ns - fi->start_boot_ns);
	return 0;
}

static struct psock *psock_of(const struct pcapng_sink *ps, uint64_t sock)
{
	uint64_t v;
	return tt_map64_get(&ps->socks, sock, &v) ? (struct psock *)(uintptr_t)v : NULL;
}

static uint64_t addr_hash(const struct tt_addr *a)
{
	uint64_t h = 1469598103934665603ull;
	const uint8_t *p = (const uint8_t *)a;
	for (size_t i = 0; i < sizeof(*a); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* First pass: which sockets, their addresses, which are two ends of one connection. */
static int scan_record(void *ctx, struct tt_record *rec, char *err, size_t errlen)
{
	struct pcapng_sink *ps = ctx;
	if (!rec)
		return 0;
	if (rec->type == TT_REC_PROCESS) {
		uint64_t a, b;
		memcpy(&a, rec->u.process.comm, 8);
		memcpy(&b, rec->u.process.comm + 8, 8);
		if (tt_map64_len(&ps->comms) < MAX_PROCS) {
			tt_map64_put(&ps->comms, rec->u.process.pid, a);
			tt_map64_put(&ps->comms2, rec->u.process.pid, b);
		}
		return 0;
	}
	if (rec->type != TT_REC_CONN)
		return 0;
	const struct tt_rec_conn *c = &rec->u.conn;
	if (!ps->o.all && !tt_map64_get(&ps->selected, c->sock_id, NULL))
		return 0;
	if (c->local.family == TT_AF_UNIX) {
		if (!tt_map64_get(&ps->unix_socks, c->sock_id, NULL) &&
		    tt_map64_put(&ps->unix_socks, c->sock_id, 0) == 0)
			ps->rep.unix_skipped++;
		return 0;
	}
	if ((c->local.family != TT_AF_INET && c->local.family != TT_AF_INET6) ||
	    psock_of(ps, c->sock_id) || tt_map64_len(&ps->socks) >= MAX_SOCKS)
		return 0;
	struct psock *s = calloc(1, sizeof(*s));
	if (!s || tt_map64_put(&ps->socks, c->sock_id, (uint64_t)(uintptr_t)s) < 0) {
		free(s);
		snprintf(err, errlen, "out of memory");
		snprintf(ps->rep.err, sizeof(ps->rep.err), "out of memory");
		return -ENOMEM;
	}
	s->sock = c->sock_id;
	s->origin = c->origin;
	uint64_t mine = addr_hash(&c->local) * 31 + addr_hash(&c->remote);
	uint64_t mirror = addr_hash(&c->remote) * 31 + addr_hash(&c->local), other;
	struct psock *o = NULL;
	if (tt_map64_get(&ps->tuples, mirror, &other) && (o = psock_of(ps, other)) &&
	    !o->fl->both && !memcmp(&o->fl->a[o->from], &c->remote, sizeof(c->remote)) &&
	    !memcmp(&o->fl->a[o->from ^ 1], &c->local, sizeof(c->local))) {
		s->fl = o->fl; /* the other end of a connection already seen */
		s->fl->both = 1;
		s->from = o->from ^ 1;
		if (c->role == TT_ROLE_CLIENT || o->origin == TT_ORIGIN_ACCEPT)
			s->origin = c->origin;
		return 0;
	}
	if (ps->nflows == ps->flows_cap) {
		size_t nc = ps->flows_cap ? ps->flows_cap * 2 : 64;
		struct flow **f = realloc(ps->flows, nc * sizeof(*f));
		if (!f) {
			snprintf(ps->rep.err, sizeof(ps->rep.err), "out of memory");
			return -ENOMEM;
		}
		ps->flows = f;
		ps->flows_cap = nc;
	}
	s->fl = calloc(1, sizeof(*s->fl));
	if (!s->fl) {
		snprintf(ps->rep.err, sizeof(ps->rep.err), "out of memory");
		return -ENOMEM;
	}
	ps->flows[ps->nflows++] = s->fl;
	/* the client's address first: the connecting end, else the higher (ephemeral) port */
	int client = c->role == TT_ROLE_CLIENT ||
		     (c->role != TT_ROLE_SERVER && c->local.port > c->remote.port);
	s->from = client ? 0 : 1;
	s->fl->a[s->from] = c->local;
	s->fl->a[s->from ^ 1] = c->remote;
	s->fl->udp = c->protocol == 17 || c->sock_type == 2;
	uint64_t h = mine * 0x9e3779b97f4a7c15ull;
	s->fl->seq[0] = (uint32_t)h;
	s->fl->seq[1] = (uint32_t)(h >> 32);
	ps->rep.connections++;
	tt_map64_put(&ps->tuples, mine, c->sock_id);
	return 0;
}

static void comment(const struct pcapng_sink *ps, char *buf, size_t n, uint32_t pid,
		    uint32_t tid, int dir, uint64_t sock, const char *what)
{
	uint64_t a = 0, b = 0;
	char comm[17] = "?";
	if (tt_map64_get(&ps->comms, pid, &a)) {
		tt_map64_get(&ps->comms2, pid, &b);
		memcpy(comm, &a, 8);
		memcpy(comm + 8, &b, 8);
		comm[16] = 0;
		for (char *c = comm; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '_';
	}
	snprintf(buf, n, "pid=%" PRIu32 " tid=%" PRIu32 " comm=%s %s sock=%" PRIu64 "%s%s", pid,
		 tid, comm, dir == TT_DIR_EGRESS ? "sent" : "received", sock, what ? " " : "",
		 what ? what : "");
}

static void handshake(struct pcapng_sink *ps, struct flow *fl, int64_t ts)
{
	if (fl->syn || fl->udp)
		return;
	fl->syn = 1;
	packet(ps, fl, 0, ts, NULL, 0, F_SYN, "SYN (the connection's start was recorded)");
	packet(ps, fl, 1, ts, NULL, 0, F_SYN | F_ACK, NULL);
	packet(ps, fl, 0, ts, NULL, 0, F_ACK, NULL);
}

/* Bytes of direction d that the recording does not have: the sequence moves on. */
static void hole(struct flow *fl, int d, uint64_t n)
{
	if (!fl->udp)
		fl->seq[d] += (uint32_t)n;
}

static void end_call(struct psock *s, int dir, int d)
{
	if (s->in_call[dir] && s->call_pos[dir] < s->call_bytes[dir])
		hole(s->fl, d, s->call_bytes[dir] - s->call_pos[dir]);
	s->in_call[dir] = 0;
}

static void data(struct pcapng_sink *ps, const struct tt_record *rec)
{
	const struct tt_rec_data *r = &rec->u.data;
	struct psock *s = psock_of(ps, r->sock_id);
	if (!s || (r->flags & TT_DATA_PEEK) || r->dir > TT_DIR_INGRESS)
		return;
	struct flow *fl = s->fl;
	if (fl->both && r->dir == TT_DIR_INGRESS)
		return; /* the sender's record has these bytes */
	int d = r->dir == TT_DIR_EGRESS ? s->from : s->from ^ 1, dir = r->dir;
	int64_t ts = (int64_t)(r->ts_ns + (uint64_t)ps->wall_off);
	if (!fl->syn && (s->origin == TT_ORIGIN_CONNECT || s->origin == TT_ORIGIN_ACCEPT))
		handshake(ps, fl, ts);
	fl->syn = 1; /* a connection recorded mid-way starts without one */
	int same = s->in_call[dir] && s->call_ts[dir] == r->ts_ns && s->call_tid[dir] == r->tid &&
		   s->call_idx[dir] == r->msg_idx && r->seg_off > 0;
	if (!same) {
		end_call(s, dir, d);
		s->in_call[dir] = 1;
		s->call_ts[dir] = r->ts_ns;
		s->call_tid[dir] = r->tid;
		s->call_idx[dir] = r->msg_idx;
		s->call_bytes[dir] = r->call_bytes;
		s->call_pos[dir] = 0;
	}
	uint64_t off = r->seg_off, end = off + r->cap_len;
	if (end < off)
		end = off;
	if (off > s->call_pos[dir]) {
		hole(fl, d, off - s->call_pos[dir]);
		s->call_pos[dir] = off;
	}
	char cm[160];
	comment(ps, cm, sizeof(cm), r->pid, r->tid, r->dir, r->sock_id, NULL);
	if (!(r->flags & (TT_DATA_NO_PAYLOAD | TT_DATA_COPY_FAULT)) && rec->payload &&
	    end > s->call_pos[dir]) {
		const uint8_t *p = rec->payload + (s->call_pos[dir] - off);
		uint64_t n = end - s->call_pos[dir];
		if (fl->udp) { /* a datagram: one packet, cut only by the format's limits */
			packet(ps, fl, d, ts, p, n < SEG_MAX ? n : SEG_MAX, 0, cm);
		} else {
			for (uint64_t i = 0; i < n; i += SEG_MAX)
				packet(ps, fl, d, ts, p + i, n - i < SEG_MAX ? n - i : SEG_MAX,
				       F_PSH | F_ACK, cm);
		}
		s->call_pos[dir] = end;
	}
	if ((r->flags & (TT_DATA_TRUNCATED | TT_DATA_DROPPED | TT_DATA_NO_PAYLOAD |
			 TT_DATA_COPY_FAULT)) ||
	    s->call_pos[dir] >= s->call_bytes[dir])
		end_call(s, dir, d);
}

static int write_record(void *ctx, struct tt_record *rec, char *err, size_t errlen)
{
	struct pcapng_sink *ps = ctx;
	if (!rec)
		return 0;
	switch (rec->type) {
	case TT_REC_CONN: { /* connect/accept recorded: the handshake at its time */
		struct psock *s = psock_of(ps, rec->u.conn.sock_id);
		if (s && (rec->u.conn.origin == TT_ORIGIN_CONNECT ||
			  rec->u.conn.origin == TT_ORIGIN_ACCEPT))
			handshake(ps, s->fl,
				  (int64_t)(rec->u.conn.ts_ns + (uint64_t)ps->wall_off));
		break;
	}
	case TT_REC_DATA:
		/* packets carry the wire's bytes: TLS plaintext (its own layer) would break the
		 * sequence numbers and is not what was on the wire */
		if (!(rec->u.data.flags & TT_DATA_TLS))
			data(ps, rec);
		break;
	case TT_REC_CLOSE: {
		struct psock *s = psock_of(ps, rec->u.close.sock_id);
		if (s && !s->fl->udp && !s->fl->fin[s->from]) {
			int64_t ts = (int64_t)(rec->u.close.ts_ns + (uint64_t)ps->wall_off);
			char cm[160];
			for (int dir = 0; dir < 2; dir++)
				end_call(s, dir, dir == TT_DIR_EGRESS ? s->from : s->from ^ 1);
			comment(ps, cm, sizeof(cm), rec->u.close.pid, rec->u.close.tid,
				TT_DIR_EGRESS, s->sock, "close()");
			s->fl->syn = 1;
			packet(ps, s->fl, s->from, ts, NULL, 0, F_FIN | F_ACK, cm);
			s->fl->fin[s->from] = 1;
		}
		break;
	}
	case TT_REC_CLOCK_SYNC:
		if (rec->u.clock_sync.boot_ns)
			ps->wall_off = (int64_t)((uint64_t)rec->u.clock_sync.realtime_ns -
						 rec->u.clock_sync.boot_ns);
		break;
	default:
		break;
	}
	if (ps->werr) {
		snprintf(err, errlen, "%s", strerror(ps->werr));
		snprintf(ps->rep.err, sizeof(ps->rep.err), "%s", strerror(ps->werr));
		return -ps->werr;
	}
	return 0;
}

/* --- the sink -------------------------------------------------------------------------------- */

static int pc_begin(struct tt_sink *s, const struct tt_file_info *fi)
{
	(void)s;
	(void)fi;
	return 0;
}

static int pc_txn(struct tt_sink *s, const struct tt_txn *t, int64_t wall_ns)
{
	(void)wall_ns;
	struct pcapng_sink *ps = (struct pcapng_sink *)s;
	int rc = tt_map64_put(&ps->selected, t->sock_id, 0);
	if (!rc && t->peer_sock_id)
		rc = tt_map64_put(&ps->selected, t->peer_sock_id, 0);
	return rc;
}

static int pc_end(struct tt_sink *s)
{
	struct pcapng_sink *ps = (struct pcapng_sink *)s;
	struct tt_reader *rd;
	int rc;
	if (*ps->o.stop)
		return 0;
	if ((rc = reopen(ps, &rd)) < 0)
		return rc;
	struct tt_read_ops scan = {.record = scan_record};
	tt_read_records(rd, ps->o.in_fd, &scan, ps, ps->o.stop);
	tt_reader_free(rd);
	if (ps->rep.err[0])
		return -ENOMEM;
	if ((rc = reopen(ps, &rd)) < 0)
		return rc;
	header_blocks(ps);
	struct tt_read_ops wr = {.record = write_record};
	tt_read_records(rd, ps->o.in_fd, &wr, ps, ps->o.stop);
	tt_reader_free(rd);
	if (fflush(ps->o.out) && !ps->rep.err[0])
		snprintf(ps->rep.err, sizeof(ps->rep.err), "%s", strerror(errno));
	return ps->rep.err[0] ? -EIO : 0;
}

static void pc_free(struct tt_sink *s)
{
	struct pcapng_sink *ps = (struct pcapng_sink *)s;
	size_t pos = 0;
	uint64_t v;
	while (tt_map64_next(&ps->socks, &pos, NULL, &v))
		free((struct psock *)(uintptr_t)v);
	for (size_t i = 0; i < ps->nflows; i++)
		free(ps->flows[i]);
	free(ps->flows);
	tt_map64_free(&ps->unix_socks);
	tt_map64_free(&ps->socks);
	tt_map64_free(&ps->selected);
	tt_map64_free(&ps->tuples);
	tt_map64_free(&ps->comms);
	tt_map64_free(&ps->comms2);
	free(ps->pkt);
	free(ps);
}

struct tt_sink *tt_sink_pcapng_new(const struct tt_sink_pcapng_opts *o)
{
	struct pcapng_sink *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->s = (struct tt_sink){pc_begin, pc_txn, pc_end, pc_free};
	ps->o = *o;
	ps->pkt = malloc(PKT_HDR_MAX);
	if (!ps->pkt) {
		free(ps);
		errno = ENOMEM;
		return NULL;
	}
	return &ps->s;
}

void tt_sink_pcapng_report(const struct tt_sink *s, struct tt_sink_pcapng_report *r)
{
	*r = ((const struct pcapng_sink *)s)->rep;
}
