/* SPDX-License-Identifier: MIT */
/*
 * format/privfile.h - create the file a recording is written to. It holds other people's
 * traffic, so only its owner may read it; under sudo that owner is the user who ran sudo, who
 * can then read it without root.
 *
 * Ownership: no state; the caller owns and closes the returned fd. Never prints: the caller
 * decides what to say. "-" (stdout) is the caller's business, not a path here.
 */
#ifndef TINYTAP_PRIVFILE_H
#define TINYTAP_PRIVFILE_H

/*
 * Opens path for writing (created, or truncated if it exists; close-on-exec). A regular file is
 * left with mode 0600 whatever the umask and whatever mode it had before; when the caller is
 * root and SUDO_UID and SUDO_GID are both set, it is given to them. A FIFO or a device
 * (/dev/null) keeps its mode and owner.
 *
 * Returns the fd, or -errno (open failed; or the mode could not be made 0600, and then the fd is
 * closed and the file, if created, stays behind empty). chown_err (may be NULL) gets 0, or
 * -errno when the file could not be given to the sudo user (-EINVAL: SUDO_UID or SUDO_GID is
 * not a valid id); the file is private to root then, and the fd is returned all the same.
 */
int tt_privfile_create(const char *path, int *chown_err);

#endif
