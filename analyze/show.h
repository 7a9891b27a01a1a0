/* SPDX-License-Identifier: MIT */
/*
 * analyze/show.h - the tinytap-show program: options, the read loop, filters and output.
 * main() (analyze/main.c) only calls tt_show_main() so tests can link everything else.
 *
 * Exit status: 0 ok, 1 runtime error (unreadable or corrupt input: what could be read is still
 * shown), 2 usage error.
 */
#ifndef TINYTAP_SHOW_H
#define TINYTAP_SHOW_H

int tt_show_main(int argc, char **argv);

#endif
