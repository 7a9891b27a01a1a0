// SPDX-License-Identifier: MIT
/*
 * ttdump - print a .tinytap file as JSON Lines, for tests and debugging.
 *
 *   ttdump [--no-payload] FILE|-   ('-' = stdin, works on a pipe; --no-payload: every
 *                                   "payload_hex" is "", for checks of huge recordings that
 *                                   look at counts only)
 *
 * Output (stdout), one JSON object per line, keys in this fixed order:
 *   1. {"type":"header","version_major","version_minor","snaplen","start_wall_ns",
 *      "start_boot_ns","hostname","kernel","recorder","options"}
 *   2. one line per record: {"type":NAME,"block","offset","body_len", then every field of the
 *      record's struct in format/record.h under its struct name}. NAME is tt_record_type_name():
 *      data conn close process process_exit loss clock_sync stats end cgroup tls_unhooked.
 *        data:  ts_ns ts_enter_ns sock_id pid tid fd dir syscall ("syscall_name" too) flags
 *               call_bytes seg_off cap_len msg_idx reserved, "layer" ("tls" for a TLS_DATA
 *               record of the file, which the reader hands out as data with TT_DATA_TLS; else
 *               "wire"), then "payload_hex" (lowercase hex of the cap_len payload bytes, "" if
 *               none)
 *        conn:  ... local/remote as objects {"family","port","scope_id","addr_hex" (16 bytes),
 *               "ip" (inet_ntop text for AF_INET/AF_INET6, else "")}, unix_path as a string
 *        process: comm and exe as strings (up to the first NUL)
 *        stats/end: the tt_rec_stats fields
 *        cgroup: ts_ns cgroup_id kind ("kind_name" too) status reserved attrs_len, then "attrs":
 *               [{"tag","name" ("" when unknown),"value"}...] in file order
 *        tls_unhooked: ts_ns pid library ("library_name" too) exe
 *      Numbers are plain JSON integers (u64 printed exactly); strings are JSON-escaped (bytes
 *      >= 0x80 and control characters as \u00XX).
 *   3. last line: {"type":"summary","blocks","records","skipped","bad_blocks","bytes_read",
 *      "truncated","has_end","errors"}
 * Errors go to stderr, one line each ("ttdump: " + the reader's message); reading continues
 * after each, so everything recoverable is printed.
 * If the file header cannot be read, stdout stays empty and the one error line says why.
 * Exit status: 0 = no error, 1 = the file could not be opened or had errors, 2 = usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "format/reader.h"

static void jstr(const char *s, size_t max)
{
	putchar('"');
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x80)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void hex(const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		putchar(d[p[i] >> 4]);
		putchar(d[p[i] & 15]);
	}
	putchar('"');
}

static void addr(const char *key, const struct tt_addr *a)
{
	char ip[INET6_ADDRSTRLEN] = "";

	if (a->family == TT_AF_INET)
		inet_ntop(AF_INET, a->addr, ip, sizeof(ip));
	else if (a->family == TT_AF_INET6)
		inet_ntop(AF_INET6, a->addr, ip, sizeof(ip));
	printf(",\"%s\":{\"family\":%u,\"port\":%u,\"scope_id\":%" PRIu32 ",\"addr_hex\":", key,
	       a->family, a->port, a->scope_id);
	hex(a->addr, sizeof(a->addr));
	printf(",\"ip\":");
	jstr(ip, sizeof(ip));
	putchar('}');
}

static void print_stats(const struct tt_rec_stats *s)
{
	printf(",\"ts_ns\":%" PRIu64 ",\"events\":%" PRIu64 ",\"payload_bytes\":%" PRIu64
	       ",\"call_bytes\":%" PRIu64 ",\"lost_events\":%" PRIu64 ",\"lost_bytes\":%" PRIu64
	       ",\"truncated_bytes\":%" PRIu64 ",\"records\":%" PRIu64 ",\"blocks\":%" PRIu64
	       ",\"exit_reason\":%" PRIu32 ",\"reserved\":%" PRIu32,
	       s->ts_ns, s->events, s->payload_bytes, s->call_bytes, s->lost_events, s->lost_bytes,
	       s->truncated_bytes, s->records, s->blocks, s->exit_reason, s->reserved);
}

static bool no_payload;

static void print_record(const struct tt_record *rec)
{
	printf("{\"type\":\"%s\",\"block\":%" PRIu64 ",\"offset\":%" PRIu64 ",\"body_len\":%" PRIu32,
	       tt_record_type_name(rec->type), rec->block, rec->offset, rec->body_len);
	switch (rec->type) {
	case TT_REC_DATA: {
		const struct tt_rec_data *d = &rec->u.data;
		printf(",\"ts_ns\":%" PRIu64 ",\"ts_enter_ns\":%" PRIu64 ",\"sock_id\":%" PRIu64
		       ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"fd\":%" PRId32 ",\"dir\":%u"
		       ",\"syscall\":%u,\"syscall_name\":\"%s\",\"flags\":%u,\"call_bytes\":%" PRIu64
		       ",\"seg_off\":%" PRIu64 ",\"cap_len\":%" PRIu32 ",\"msg_idx\":%u,\"reserved\":%u"
		       ",\"layer\":\"%s\",\"payload_hex\":",
		       d->ts_ns, d->ts_enter_ns, d->sock_id, d->pid, d->tid, d->fd, d->dir, d->syscall,
		       tt_syscall_name(d->syscall), d->flags, d->call_bytes, d->seg_off, d->cap_len,
		       d->msg_idx, d->reserved, (d->flags & TT_DATA_TLS) ? "tls" : "wire");
		hex(rec->payload, rec->payload && !no_payload ? d->cap_len : 0);
		break;
	}
	case TT_REC_CONN: {
		const struct tt_rec_conn *c = &rec->u.conn;
		printf(",\"ts_ns\":%" PRIu64 ",\"sock_id\":%" PRIu64 ",\"pid\":%" PRIu32
		       ",\"tid\":%" PRIu32 ",\"fd\":%" PRId32 ",\"sock_type\":%u,\"role\":%u"
		       ",\"origin\":%u,\"protocol\":%u,\"reserved\":%u,\"reserved2\":%" PRIu32,
		       c->ts_ns, c->sock_id, c->pid, c->tid, c->fd, c->sock_type, c->role, c->origin,
		       c->protocol, c->reserved, c->reserved2);
		addr("local", &c->local);
		addr("remote", &c->remote);
		printf(",\"unix_peer_id\":%" PRIu64 ",\"unix_path\":", c->unix_peer_id);
		jstr(c->unix_path, sizeof(c->unix_path));
		printf(",\"reserved3\":%" PRIu32, c->reserved3);
		break;
	}
	case TT_REC_CLOSE: {
		const struct tt_rec_close *c = &rec->u.close;
		printf(",\"ts_ns\":%" PRIu64 ",\"sock_id\":%" PRIu64 ",\"pid\":%" PRIu32
		       ",\"tid\":%" PRIu32 ",\"fd\":%" PRId32 ",\"reserved\":%" PRIu32,
		       c->ts_ns, c->sock_id, c->pid, c->tid, c->fd, c->reserved);
		break;
	}
	case TT_REC_PROCESS: {
		const struct tt_rec_process *p = &rec->u.process;
		printf(",\"ts_ns\":%" PRIu64 ",\"pid\":%" PRIu32 ",\"ppid\":%" PRIu32
		       ",\"cgroup_id\":%" PRIu64 ",\"start_ns\":%" PRIu64 ",\"uid\":%" PRIu32
		       ",\"origin\":%u,\"comm\":",
		       p->ts_ns, p->pid, p->ppid, p->cgroup_id, p->start_ns, p->uid, p->origin);
		jstr(p->comm, sizeof(p->comm));
		printf(",\"exe\":");
		jstr(p->exe, sizeof(p->exe));
		break;
	}
	case TT_REC_PROCESS_EXIT: {
		const struct tt_rec_process_exit *e = &rec->u.process_exit;
		printf(",\"ts_ns\":%" PRIu64 ",\"pid\":%" PRIu32 ",\"exit_code\":%" PRId32, e->ts_ns,
		       e->pid, e->exit_code);
		break;
	}
	case TT_REC_LOSS: {
		const struct tt_rec_loss *l = &rec->u.loss;
		printf(",\"ts_ns\":%" PRIu64 ",\"events\":%" PRIu64 ",\"bytes\":%" PRIu64
		       ",\"cpu\":%" PRIu32 ",\"reason\":%" PRIu32,
		       l->ts_ns, l->events, l->bytes, l->cpu, l->reason);
		break;
	}
	case TT_REC_CLOCK_SYNC: {
		const struct tt_rec_clock_sync *c = &rec->u.clock_sync;
		printf(",\"boot_ns\":%" PRIu64 ",\"realtime_ns\":%" PRId64 ",\"error_ns\":%" PRIu64,
		       c->boot_ns, c->realtime_ns, c->error_ns);
		break;
	}
	case TT_REC_STATS:
	case TT_REC_END:
		print_stats(&rec->u.stats);
		break;
	case TT_REC_CGROUP: {
		const struct tt_rec_cgroup *c = &rec->u.cgroup;
		struct tt_cgroup_attr_val a;
		uint32_t pos = 0;
		printf(",\"ts_ns\":%" PRIu64 ",\"cgroup_id\":%" PRIu64 ",\"kind\":%u"
		       ",\"kind_name\":\"%s\",\"status\":%u,\"reserved\":%u,\"attrs_len\":%" PRIu32
		       ",\"attrs\":[",
		       c->ts_ns, c->cgroup_id, c->kind, tt_cgroup_kind_name(c->kind), c->status,
		       c->reserved, c->attrs_len);
		for (int i = 0; tt_cgroup_attr_next(rec->payload, c->attrs_len, &pos, &a); i++) {
			const char *name = tt_cgroup_attr_name(a.tag);
			printf("%s{\"tag\":%u,\"name\":\"%s\",\"value\":", i ? "," : "", a.tag,
			       name ? name : "");
			jstr(a.value, a.len);
			putchar('}');
		}
		putchar(']');
		break;
	}
	case TT_REC_TLS_UNHOOKED: {
		const struct tt_rec_tls_unhooked *t = &rec->u.tls_unhooked;
		printf(",\"ts_ns\":%" PRIu64 ",\"pid\":%" PRIu32 ",\"library\":%u"
		       ",\"library_name\":\"%s\",\"exe\":",
		       t->ts_ns, t->pid, t->library, tt_tls_lib_name(t->library));
		jstr(t->exe, sizeof(t->exe));
		break;
	}
	}
	printf("}\n");
}

int main(int argc, char **argv)
{
	struct tt_reader *r;
	struct tt_record rec;
	struct tt_reader_stats st;
	const struct tt_file_info *fi;
	uint64_t errors = 0;
	int fd, ret;

	if (argc == 3 && !strcmp(argv[1], "--no-payload")) {
		no_payload = true;
		argv++;
		argc--;
	}
	if (argc != 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: ttdump [--no-payload] FILE|-\n");
		return 2;
	}
	if (!strcmp(argv[1], "-")) {
		fd = 0;
	} else {
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "ttdump: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
	}
	r = tt_reader_open_fd(fd, fd == 0 ? "<stdin>" : argv[1]);
	if (!r) {
		fprintf(stderr, "ttdump: %s\n", tt_reader_open_error());
		return 1;
	}
	fi = tt_reader_info(r);
	printf("{\"type\":\"header\",\"version_major\":%u,\"version_minor\":%u,\"snaplen\":%" PRIu32
	       ",\"start_wall_ns\":%" PRId64 ",\"start_boot_ns\":%" PRIu64 ",\"hostname\":",
	       fi->version_major, fi->version_minor, fi->snaplen, fi->start_wall_ns,
	       fi->start_boot_ns);
	jstr(fi->hostname, sizeof(fi->hostname));
	printf(",\"kernel\":");
	jstr(fi->kernel, sizeof(fi->kernel));
	printf(",\"recorder\":");
	jstr(fi->recorder, sizeof(fi->recorder));
	printf(",\"options\":");
	jstr(fi->options, sizeof(fi->options));
	printf("}\n");
	for (;;) {
		ret = tt_reader_next(r, &rec);
		if (ret == 0)
			break;
		if (ret < 0) {
			fflush(stdout);
			fprintf(stderr, "ttdump: %s\n", tt_reader_errmsg(r));
			if (++errors > 100000 || ret != -EBADMSG)
				break; /* I/O error: nothing more to recover */
			continue;
		}
		print_record(&rec);
	}
	tt_reader_get_stats(r, &st);
	printf("{\"type\":\"summary\",\"blocks\":%" PRIu64 ",\"records\":%" PRIu64
	       ",\"skipped\":%" PRIu64 ",\"bad_blocks\":%" PRIu64 ",\"bytes_read\":%" PRIu64
	       ",\"truncated\":%s,\"has_end\":%s,\"errors\":%" PRIu64 "}\n",
	       st.blocks, st.records, st.skipped, st.bad_blocks, st.bytes_read,
	       st.truncated ? "true" : "false", st.has_end ? "true" : "false", errors);
	tt_reader_free(r);
	if (fd != 0)
		close(fd);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "ttdump: stdout: %s\n", strerror(errno));
		return 1;
	}
	return errors ? 1 : 0;
}
