// SPDX-License-Identifier: MIT
#include "analyze/proto.h"

#include "analyze/http1.h"

static const struct tt_proto *const protos[] = {
    &tt_http1_proto,
};

const struct tt_proto *tt_proto_detect(const uint8_t *buf, size_t len, int *need_more)
{
	*need_more = 0;
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		int r = protos[i]->detect(buf, len);
		if (r > 0)
			return protos[i];
		if (r < 0)
			*need_more = 1;
	}
	return NULL;
}
