/* SPDX-License-Identifier: MIT */
/*
 * analyze/sink/pcapng.h - `tinytap-show --format pcapng`: the recorded payloads as packets that
 * Wireshark and tshark read, for a reader who has those tools and not tinytap.
 *
 * tinytap records socket calls, not packets, so the packets are synthesized: per TCP connection a
 * plausible Ethernet + IPv4/IPv6 + TCP flow with the sockets' real addresses and ports, sequence
 * numbers from the byte offsets of each direction, a SYN / SYN-ACK / ACK when the connection's
 * start was recorded (connect/accept) and a FIN at each close; writes larger than 65,000 bytes
 * are cut into segments. Bytes the recording does not have (lost, cut by the snaplen, sent by
 * sendfile) advance the sequence numbers without a packet, so Wireshark says "previous segment
 * not captured" instead of showing false data. UDP sockets become UDP datagrams. When both ends
 * of a local connection are recorded, each byte is written once (from the sender's record). Each
 * packet carries a comment: pid, tid, comm, the direction and the socket.
 *
 * Which connections: every one with a matching transaction (as -w chooses), or with no filter
 * every TCP/UDP connection in the recording (unrecognised traffic too). AF_UNIX sockets have no
 * packet form: they are skipped and counted in the report.
 *
 * Like -w, the sink reads the input again at end() (it must be a regular file or spooled
 * stdin). Ownership: it borrows the input fd, names and stop flag; writes to the FILE given.
 */
#ifndef TINYTAP_SINK_PCAPNG_H
#define TINYTAP_SINK_PCAPNG_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/sink.h"

struct tt_sink_pcapng_opts {
	int in_fd;
	const char *in_name;
	FILE *out;
	int all; /* no filter: every connection, not only those of matching transactions */
	volatile sig_atomic_t *stop;
};

struct tt_sink_pcapng_report {
	uint64_t packets, connections, unix_skipped;
	char err[512];
};

/* NULL + errno on failure. */
struct tt_sink *tt_sink_pcapng_new(const struct tt_sink_pcapng_opts *o);
void tt_sink_pcapng_report(const struct tt_sink *s, struct tt_sink_pcapng_report *r);

#endif
