// SPDX-License-Identifier: MIT
/*
 * mysql_stmt - a small MySQL/MariaDB client on libmariadb that exercises the binary protocol
 * (server-side prepared statements), for tinytap's e2e test and golden recording of the MySQL
 * parser (tests/e2e/proto_mysql.sh, testdata/record.sh mysql).
 *
 *   mysql_stmt HOST PORT USER PASSWORD DATABASE [ROUNDS]
 *
 * Against a table it creates (t: id INT PRIMARY KEY, name VARCHAR(64), score DOUBLE, born DATE,
 * note BLOB) it does, ROUNDS times (default 1):
 *   COM_STMT_PREPARE an INSERT with 5 parameters; COM_STMT_EXECUTE it twice (int, string,
 *   double, date, NULL), the second time without re-sending the types; once more with a key that
 *   exists (ERR 1062); COM_STMT_SEND_LONG_DATA for the BLOB then COM_STMT_EXECUTE;
 *   COM_STMT_PREPARE a SELECT with 2 parameters; COM_STMT_EXECUTE it (rows); COM_STMT_RESET;
 *   COM_STMT_EXECUTE with a read-only cursor and COM_STMT_FETCH; COM_STMT_CLOSE both;
 *   mariadb_stmt_execute_direct (PREPARE + EXECUTE with statement id -1, pipelined);
 *   COM_PING; COM_INIT_DB; COM_STATISTICS; a multi-statement COM_QUERY (2 results, then one
 *   that ends with an error); COM_RESET_CONNECTION.
 * Then COM_QUIT. It prints what it sent, one line per command kind with its count
 * ("sent STMT_EXECUTE 5"), and one line per error the server returned ("error 1062"), so the
 * test can compare them with what tinytap-show and the server's general log say.
 * Exit status: 0 ok, 1 a call failed unexpectedly, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

enum {
	N_PREPARE,
	N_EXECUTE,
	N_LONG_DATA,
	N_RESET,
	N_FETCH,
	N_CLOSE,
	N_PING,
	N_INIT_DB,
	N_STATISTICS,
	N_QUERY,
	N_RESET_CONN,
	N_KINDS
};
static const char *const names[N_KINDS] = {"STMT_PREPARE", "STMT_EXECUTE",    "STMT_SEND_LONG_DATA",
					   "STMT_RESET",   "STMT_FETCH",      "STMT_CLOSE",
					   "PING",	   "INIT_DB",	      "STATISTICS",
					   "QUERY",	   "RESET_CONNECTION"};
static unsigned long sent[N_KINDS];

static void die(const char *what, const char *err)
{
	fprintf(stderr, "mysql_stmt: %s: %s\n", what, err);
	exit(1);
}

static void query(MYSQL *m, const char *sql)
{
	sent[N_QUERY]++;
	if (mysql_query(m, sql))
		die(sql, mysql_error(m));
	MYSQL_RES *r = mysql_store_result(m);
	mysql_free_result(r);
}

static void stmt_err(MYSQL_STMT *st, const char *what, unsigned expect)
{
	unsigned e = mysql_stmt_errno(st);
	if (e != expect)
		die(what, mysql_stmt_error(st));
	if (e)
		printf("error %u\n", e);
}

static void round_(MYSQL *m, const char *db, int r)
{
	/* INSERT with five parameters of different types */
	MYSQL_STMT *ins = mysql_stmt_init(m);
	const char *isql = "INSERT INTO t (id, name, score, born, note) VALUES (?, ?, ?, ?, ?)";
	sent[N_PREPARE]++;
	if (mysql_stmt_prepare(ins, isql, strlen(isql)))
		die("prepare insert", mysql_stmt_error(ins));
	int id = 0;
	char name[64];
	unsigned long name_len = 0;
	double score = 0;
	MYSQL_TIME born;
	memset(&born, 0, sizeof(born));
	born.year = 1990;
	born.month = 7;
	born.day = 14;
	born.time_type = MYSQL_TIMESTAMP_DATE;
	my_bool note_null = 1;
	MYSQL_BIND b[5];
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_LONG;
	b[0].buffer = &id;
	b[1].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer = name;
	b[1].length = &name_len;
	b[2].buffer_type = MYSQL_TYPE_DOUBLE;
	b[2].buffer = &score;
	b[3].buffer_type = MYSQL_TYPE_DATE;
	b[3].buffer = &born;
	b[4].buffer_type = MYSQL_TYPE_BLOB;
	b[4].is_null = &note_null;
	if (mysql_stmt_bind_param(ins, b))
		die("bind", mysql_stmt_error(ins));
	for (int k = 0; k < 2; k++) {
		id = r * 100 + k + 1;
		name_len = (unsigned long)snprintf(name, sizeof(name), "user %d \"quoted\"", id);
		score = 1.5 + k;
		sent[N_EXECUTE]++;
		if (mysql_stmt_execute(ins))
			die("execute insert", mysql_stmt_error(ins));
	}
	sent[N_EXECUTE]++;
	if (!mysql_stmt_execute(ins)) /* the same key again */
		die("execute duplicate", "no error");
	stmt_err(ins, "execute duplicate", 1062);
	/* a BLOB sent apart (COM_STMT_SEND_LONG_DATA), then executed */
	id = r * 100 + 3;
	note_null = 0;
	sent[N_LONG_DATA] += 2;
	if (mysql_stmt_send_long_data(ins, 4, "long data, part one; ", 21) ||
	    mysql_stmt_send_long_data(ins, 4, "part two", 8))
		die("send long data", mysql_stmt_error(ins));
	sent[N_EXECUTE]++;
	if (mysql_stmt_execute(ins))
		die("execute long data", mysql_stmt_error(ins));

	/* SELECT with two parameters: rows in the binary protocol */
	MYSQL_STMT *sel = mysql_stmt_init(m);
	const char *ssql = "SELECT id, name, score FROM t WHERE id >= ? AND name <> ? ORDER BY id";
	sent[N_PREPARE]++;
	if (mysql_stmt_prepare(sel, ssql, strlen(ssql)))
		die("prepare select", mysql_stmt_error(sel));
	long long lo = r * 100;
	const char *nm = "nobody";
	unsigned long nm_len = strlen(nm);
	MYSQL_BIND sb[2];
	memset(sb, 0, sizeof(sb));
	sb[0].buffer_type = MYSQL_TYPE_LONGLONG;
	sb[0].buffer = &lo;
	sb[1].buffer_type = MYSQL_TYPE_STRING;
	sb[1].buffer = (void *)nm;
	sb[1].length = &nm_len;
	if (mysql_stmt_bind_param(sel, sb))
		die("bind select", mysql_stmt_error(sel));
	sent[N_EXECUTE]++;
	if (mysql_stmt_execute(sel) || mysql_stmt_store_result(sel))
		die("execute select", mysql_stmt_error(sel));
	mysql_stmt_free_result(sel);
	sent[N_RESET]++;
	if (mysql_stmt_reset(sel))
		die("reset", mysql_stmt_error(sel));
	/* a read-only cursor: rows come by COM_STMT_FETCH */
	unsigned long ct = CURSOR_TYPE_READ_ONLY, prefetch = 2;
	mysql_stmt_attr_set(sel, STMT_ATTR_CURSOR_TYPE, &ct);
	mysql_stmt_attr_set(sel, STMT_ATTR_PREFETCH_ROWS, &prefetch);
	sent[N_EXECUTE]++;
	if (mysql_stmt_execute(sel))
		die("execute cursor", mysql_stmt_error(sel));
	int rid;
	char rname[64];
	double rscore;
	unsigned long rlen;
	MYSQL_BIND rb[3];
	memset(rb, 0, sizeof(rb));
	rb[0].buffer_type = MYSQL_TYPE_LONG;
	rb[0].buffer = &rid;
	rb[1].buffer_type = MYSQL_TYPE_STRING;
	rb[1].buffer = rname;
	rb[1].buffer_length = sizeof(rname);
	rb[1].length = &rlen;
	rb[2].buffer_type = MYSQL_TYPE_DOUBLE;
	rb[2].buffer = &rscore;
	if (mysql_stmt_bind_result(sel, rb))
		die("bind result", mysql_stmt_error(sel));
	int rows = 0;
	while (mysql_stmt_fetch(sel) == 0)
		rows++;
	/* 3 rows with prefetch 2: two FETCHes, the second ends with the last row */
	sent[N_FETCH] += (unsigned long)(rows / 2 + 1);
	sent[N_CLOSE] += 2;
	mysql_stmt_close(sel);
	mysql_stmt_close(ins);

	/* MariaDB: PREPARE and EXECUTE(-1) in one round trip (then a CLOSE) */
	MYSQL_STMT *dx = mysql_stmt_init(m);
	int key = r * 100 + 1;
	MYSQL_BIND db1[1];
	memset(db1, 0, sizeof(db1));
	db1[0].buffer_type = MYSQL_TYPE_LONG;
	db1[0].buffer = &key;
	unsigned int np = 1;
	mysql_stmt_attr_set(dx, STMT_ATTR_PREBIND_PARAMS, &np);
	mysql_stmt_bind_param(dx, db1);
	const char *dsql = "SELECT name FROM t WHERE id = ?";
	sent[N_PREPARE]++;
	sent[N_EXECUTE]++;
	if (mariadb_stmt_execute_direct(dx, dsql, strlen(dsql)))
		die("execute direct", mysql_stmt_error(dx));
	mysql_stmt_store_result(dx);
	sent[N_CLOSE]++;
	mysql_stmt_close(dx);

	/* the other commands */
	sent[N_PING]++;
	if (mysql_ping(m))
		die("ping", mysql_error(m));
	sent[N_INIT_DB]++;
	if (mysql_select_db(m, db))
		die("init db", mysql_error(m));
	sent[N_STATISTICS]++;
	if (!mysql_stat(m))
		die("statistics", mysql_error(m));
	/* two statements, two results */
	sent[N_QUERY]++;
	if (mysql_query(m, "SELECT COUNT(*) FROM t; UPDATE t SET score = score + 1 WHERE id < 0"))
		die("multi", mysql_error(m));
	do {
		MYSQL_RES *res = mysql_store_result(m);
		mysql_free_result(res);
	} while (mysql_next_result(m) == 0);
	/* the second statement fails: the error ends the answer */
	sent[N_QUERY]++;
	if (mysql_query(m, "SELECT 1; SELECT * FROM no_such_table"))
		die("multi error", mysql_error(m));
	int st;
	do {
		MYSQL_RES *res = mysql_store_result(m);
		mysql_free_result(res);
	} while ((st = mysql_next_result(m)) == 0);
	if (st > 0)
		printf("error %u\n", mysql_errno(m));
	sent[N_RESET_CONN]++;
	if (mysql_reset_connection(m))
		die("reset connection", mysql_error(m));
}

int main(int argc, char **argv)
{
	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: mysql_stmt HOST PORT USER PASSWORD DATABASE [ROUNDS]\n");
		return 2;
	}
	int rounds = argc == 7 ? atoi(argv[6]) : 1;
	if (rounds < 1 || rounds > 1000) {
		fprintf(stderr, "mysql_stmt: ROUNDS: 1 to 1000\n");
		return 2;
	}
	MYSQL *m = mysql_init(NULL);
	if (!m)
		die("init", "out of memory");
	if (!mysql_real_connect(m, argv[1], argv[3], argv[4], argv[5], (unsigned)atoi(argv[2]),
				NULL, CLIENT_MULTI_STATEMENTS))
		die("connect", mysql_error(m));
	query(m, "DROP TABLE IF EXISTS t");
	query(m, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(64), score DOUBLE, born DATE, "
		 "note BLOB)");
	for (int r = 0; r < rounds; r++)
		round_(m, argv[5], r);
	mysql_close(m);
	for (int k = 0; k < N_KINDS; k++)
		printf("sent %s %lu\n", names[k], sent[k]);
	printf("sent QUIT 1\n");
	return 0;
}
