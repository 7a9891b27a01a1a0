// SPDX-License-Identifier: MIT
/* tinytap-show: see analyze/show.h and `tinytap-show --help`. */
#include "analyze/show.h"

int main(int argc, char **argv)
{
	return tt_show_main(argc, argv);
}
