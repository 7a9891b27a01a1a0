// SPDX-License-Identifier: MIT
#include "analyze/map64.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t slot(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

void tt_map64_init(struct tt_map64 *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
}

static size_t find(const struct tt_map64 *m, uint64_t key, int *found)
{
	size_t i = slot(key, m->cap);
	while (m->used[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	*found = m->used[i];
	return i;
}

static int grow(struct tt_map64 *m)
{
	struct tt_map64 n = {.cap = m->cap ? m->cap * 2 : 16, .max = m->max};
	n.keys = malloc(n.cap * sizeof(*n.keys));
	n.vals = malloc(n.cap * sizeof(*n.vals));
	n.used = calloc(n.cap, 1);
	if (!n.keys || !n.vals || !n.used) {
		tt_map64_free(&n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->used[i]) {
			int f;
			size_t j = find(&n, m->keys[i], &f);
			n.used[j] = 1;
			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
			n.n++;
		}
	tt_map64_free(m);
	*m = n;
	return 0;
}

int tt_map64_put(struct tt_map64 *m, uint64_t key, uint64_t val)
{
	int f = 0;
	size_t i = 0;
	if (m->cap) {
		i = find(m, key, &f);
		if (f) {
			m->vals[i] = val;
			return 0;
		}
	}
	if (m->max && m->n >= m->max)
		return -ENOSPC;
	if ((m->n + 1) * 4 > m->cap * 3) { /* load <= 3/4 */
		int rc = grow(m);
		if (rc < 0)
			return rc;
		i = find(m, key, &f);
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

int tt_map64_get(const struct tt_map64 *m, uint64_t key, uint64_t *val)
{
	int f;
	if (!m->cap)
		return 0;
	size_t i = find(m, key, &f);
	if (f && val)
		*val = m->vals[i];
	return f;
}

int tt_map64_del(struct tt_map64 *m, uint64_t key, uint64_t *val)
{
	int f;
	if (!m->cap)
		return 0;
	size_t i = find(m, key, &f);
	if (!f)
		return 0;
	if (val)
		*val = m->vals[i];
	/* backward shift: move later entries of the probe run into the hole when their home
	 * slot is not between the hole and them */
	size_t mask = m->cap - 1;
	for (size_t j = (i + 1) & mask; m->used[j]; j = (j + 1) & mask) {
		size_t home = slot(m->keys[j], m->cap);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->used[i] = 0;
	m->n--;
	return 1;
}

int tt_map64_next(const struct tt_map64 *m, size_t *pos, uint64_t *key, uint64_t *val)
{
	for (size_t i = *pos; i < m->cap; i++)
		if (m->used[i]) {
			if (key)
				*key = m->keys[i];
			if (val)
				*val = m->vals[i];
			*pos = i + 1;
			return 1;
		}
	*pos = m->cap;
	return 0;
}

void tt_map64_clear(struct tt_map64 *m)
{
	if (m->used)
		memset(m->used, 0, m->cap);
	m->n = 0;
}

void tt_map64_free(struct tt_map64 *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	m->keys = m->vals = NULL;
	m->used = NULL;
	m->cap = m->n = 0;
}
