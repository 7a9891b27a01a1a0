/* SPDX-License-Identifier: MIT */
/*
 * analyze/redact.h - mask secrets in recorded payload bytes, same length, before anything parses
 * them (tinytap-show --redact, and the DATA records of -w OUT).
 *
 * What is masked (each byte replaced by '*', so every length, Content-Length and chunk size stays
 * true and the masked stream still parses):
 *   - the value of the header lines Authorization, Proxy-Authorization, Cookie, Set-Cookie and
 *     of any header whose name contains authorization, cookie, session, token, secret, password,
 *     passwd, credential, api-key, apikey or api_key;
 *   - the value after `KEY=` where KEY (a query string or form field name) contains password,
 *     passwd, pwd, token, secret, apikey, api_key, api-key or credential, up to & ; # " ' < > or
 *     white space;
 *   - the value after `"KEY":` in JSON with such a KEY: a string up to its closing quote, or a
 *     bare value (number, true) up to , } ] or white space.
 *   - in multipart/form-data, the first line of the value of a part whose name="KEY" has such a
 *     KEY (the line after the blank line ending the part's headers).
 *   - PostgreSQL: in a stream that starts with a startup packet (the client's side of a
 *     connection recorded from its start), the whole body of every password message (a
 *     cleartext or MD5 password, SASL/SCRAM and GSS exchanges); the stream is framed message by
 *     message for that, and the other messages' bodies are scanned as above.
 *   - Redis: in a stream that starts with a command (`*`: arrays of bulk strings), the password
 *     arguments of AUTH, HELLO ... AUTH user pass, MIGRATE ... AUTH/AUTH2, CONFIG SET
 *     requirepass/masterauth and ACL SETUSER's >pass <pass #hash !hash rules, whole; in any
 *     stream, the rest of a line typed inline that starts with `AUTH ` (other bytes are still
 *     scanned as above).
 * The scanner knows no protocol: it works on any byte stream, one byte at a time, and keeps its
 * state per socket and direction, so a secret split across reads and records is still masked.
 * It does not see inside compressed bodies (gzip): those bytes are left as they are in the
 * stream; tt_redact_buf() masks a decoded body before it is shown.
 *
 * Memory: one small state (~200 bytes) per open stream, at most TT_REDACT_MAX_STREAMS (the table
 * starts again empty past that, which at worst loses a key split across two reads).
 *
 * Ownership: the redactor owns its states; buffers are borrowed for the duration of a call.
 */
#ifndef TINYTAP_REDACT_H
#define TINYTAP_REDACT_H

#include <stddef.h>
#include <stdint.h>

#include "format/record.h"

#define TT_REDACT_MAX_STREAMS 65536u
#define TT_REDACT_MASK	      '*'

struct tt_redactor;

/* NULL + errno on failure. */
struct tt_redactor *tt_redactor_new(void);
/* Masks, in place, secrets in the next len bytes of the stream (sock_id, dir); returns how many
 * bytes it masked. peek: bytes that will be read again (MSG_PEEK): masked, state not advanced. */
size_t tt_redactor_stream(struct tt_redactor *r, uint64_t sock_id, int dir, uint8_t *buf,
			  size_t len, int peek);
/* The socket was closed: forgets both of its streams. */
void tt_redactor_forget(struct tt_redactor *r, uint64_t sock_id);
void tt_redactor_free(struct tt_redactor *r);

/* --redact on one record of a recording: a DATA record's payload is masked in a copy (*scratch,
 * grown as needed, *cap its size; the caller frees it) and rec->payload then points to the copy;
 * a CLOSE record forgets its socket's streams; other records are left alone. Returns the bytes
 * masked, or -ENOMEM. */
int64_t tt_redactor_record(struct tt_redactor *r, struct tt_record *rec, uint8_t **scratch,
			   size_t *cap);

/* Masks a whole buffer in place (a decoded body), as one stream from its start. */
size_t tt_redact_buf(uint8_t *buf, size_t len);

#endif
