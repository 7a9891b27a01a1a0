/* SPDX-License-Identifier: MIT */
/*
 * analyze/input.h - several recordings read as one timeline: the rotated files of one recorder,
 * or the recordings of several hosts (tinytap-show a.tinytap b.tinytap, or a directory).
 *
 * Files of one source (the same host name and the same boot: the same boot-clock to wall-clock
 * offset within a second) share their sockets and processes, so a connection that spans a
 * rotation is one connection. Files of other sources (other hosts, or the same host after a
 * reboot) get a source index: their records' times are moved onto the first source's boot
 * clock through each source's own clock (its header, then its CLOCK_SYNC records), and their
 * pids and socket ids are marked with the source in their high bits (pid | src << 24,
 * sock_id | src << 56; the engine takes the marks off again and sets the transaction's source,
 * so pids and sockets print as they were on their host). Records come out in time order across
 * the files (each file's own order kept within it).
 *
 * Memory: one reader and one record of lookahead per file.
 *
 * Ownership: the input owns its readers and the fds it opened; a returned record (and its
 * payload) is borrowed until the next call.
 */
#ifndef TINYTAP_INPUT_H
#define TINYTAP_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "format/fileinfo.h"
#include "format/record.h"

#define TT_INPUT_MAX_FILES   4096
#define TT_INPUT_MAX_SOURCES 255
#define TT_INPUT_PID_SHIFT   24
#define TT_INPUT_SOCK_SHIFT  56

struct tt_input;

/* Opens every path (a directory: its *.tinytap files, in name order; a pattern the shell did not
 * expand: its matches), reading the first file's header only; NULL on failure with a one-line
 * reason in err. */
struct tt_input *tt_input_open(const char *const *paths, size_t n, char *err, size_t errlen);
/* Reads the other headers and groups the files by source; files a time window (wall ns, 0 =
 * open end) cannot need are never read: a file ends where the next one of its source starts
 * (and the first file after until is read: transactions begun before until end there).
 * Of one rotated set (one directory and stem, tinytap-record -C/-G names), the names already
 * tell, so those files are not even opened for their headers (the first file's and the kept
 * ones' neighbours' headers are, to check the set is of one host and boot; if not, every header
 * decides). Called once, before tt_input_next() (which otherwise calls it with no window).
 * 0, or < 0 with a one-line reason in err. */
int tt_input_scan(struct tt_input *in, int64_t since_wall_ns, int64_t until_wall_ns, char *err,
		  size_t errlen);
/* Files read (not skipped by the window), and files opened so far (headers included). */
size_t tt_input_files_read(const struct tt_input *in);
size_t tt_input_opens(const struct tt_input *in);
/* 1 with a record, 0 at the end of every file, < 0 after an error (tt_input_errmsg()); the next
 * call goes on with what can still be read. */
int tt_input_next(struct tt_input *in, struct tt_record *rec);
const char *tt_input_errmsg(const struct tt_input *in);
/* The first file's header (its clocks are the timeline's). */
const struct tt_file_info *tt_input_info(const struct tt_input *in);
size_t tt_input_files(const struct tt_input *in);
size_t tt_input_sources(const struct tt_input *in);
/* A source's host name ("" when the header has none). */
const char *tt_input_source_host(const struct tt_input *in, size_t src);
/* 1 when every file ended with an END record. */
int tt_input_all_ended(const struct tt_input *in);
void tt_input_free(struct tt_input *in);

#endif
