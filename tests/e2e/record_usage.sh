#!/usr/bin/env bash
# tinytap-record given a bad value for every option (record_errors.sh has the first few: no -o,
# -s abc, -s 3M, --port 0, --ring-size 3, -p abc, --bogus, a stray argument): exit 2, exactly one
# line on stderr that starts "tinytap-record: " and names the option or the value, nothing on
# stdout, no output file created, nothing recorded. Bad values only the running system can judge
# (a pid or cgroup that does not exist) are runtime errors: exit 1, one line. Prints TAP lines.
. "$(dirname "$0")/record_lib.sh"
[ -x "$REC" ] || skip_all "no recorder at $REC"

usage() { # desc pattern args...: exit 2, one line matching pattern, no output file
	local d=$1 pat=$2 rc lines
	shift 2
	rm -f "$WORK/x"
	timeout 20 "$REC" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	lines=$(wc -l <"$WORK/err")
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -q '^tinytap-record: ' "$WORK/err" &&
		grep -qE -- "$pat" "$WORK/err" && [ ! -s "$WORK/out" ] && [ ! -e "$WORK/x" ]; then
		ok "usage: $d"
	else
		notok "usage: $d # rc $rc, $lines line(s): $(head -c 300 "$WORK/err" | tr '\n' '|')"
	fi
}

x=$WORK/x
# missing values
for o in -o -p -c -s -G --port --cgroup --ring-size --output --pid --comm --snaplen --duration; do
	usage "$o without a value" "^tinytap-record: $o needs a value" -q $o
done
# -o
usage "-o ''" "expected a file name" -o ''
usage "-o twice" "-o given twice" -o "$x" -o "$x.2"
# -p
usage "-p -5 (negative)" "invalid pid '-5'" -o "$x" -p -5
usage "-p 0" "invalid pid '0'" -o "$x" -p 0
usage "-p 99999999999 (above pid_t)" "invalid pid '99999999999'" -o "$x" -p 99999999999
usage "-p 12abc" "invalid pid '12abc'" -o "$x" -p 12abc
usage "-p ''" "invalid pid ''" -o "$x" -p ''
usage "65 times -p" "too many -p" -o "$x" $(for i in $(seq 65); do printf -- '-p %d ' "$i"; done)
# -c
usage "-c ''" "invalid comm ''" -o "$x" -c ''
usage "-c of 16 characters (comm is 15 at most)" "invalid comm '0123456789abcdef'" \
	-o "$x" -c 0123456789abcdef
# --port
usage "--port 65536" "invalid port '65536'" -o "$x" --port 65536
usage "--port -1" "invalid port '-1'" -o "$x" --port -1
usage "--port http (a name)" "invalid port 'http'" -o "$x" --port http
usage "--port 80x" "invalid port '80x'" -o "$x" --port 80x
# --cgroup
usage "--cgroup ''" "--cgroup: expected a cgroup v2 path" -o "$x" --cgroup ''
# -s
usage "-s -1 (negative size)" "invalid snaplen '-1'" -o "$x" -s -1
usage "-s 1G" "invalid snaplen '1G'" -o "$x" -s 1G
usage "-s 10x" "invalid snaplen '10x'" -o "$x" -s 10x
usage "-s ''" "invalid snaplen ''" -o "$x" -s ''
usage "-s 99999999999999999999 (overflow)" "invalid snaplen" -o "$x" -s 99999999999999999999
# -G
usage "-G 0" "invalid duration '0'" -o "$x" -G 0
usage "-G -1" "invalid duration '-1'" -o "$x" -G -1
usage "-G 1.5" "invalid duration '1.5'" -o "$x" -G 1.5
usage "-G 10s (a suffix)" "invalid duration '10s'" -o "$x" -G 10s
usage "-G 99999999999999999999 (overflow)" "invalid duration" -o "$x" -G 99999999999999999999
usage "-G 400 days" "invalid duration '34560000'" -o "$x" -G 34560000
# --ring-size
usage "--ring-size 0" "invalid ring size '0'" -o "$x" --ring-size 0
usage "--ring-size -64" "invalid ring size '-64'" -o "$x" --ring-size -64
usage "--ring-size 8192 (above 4096)" "invalid ring size '8192'" -o "$x" --ring-size 8192
usage "--ring-size abc" "invalid ring size 'abc'" -o "$x" --ring-size abc
# flags that take no value, unknown flags
usage "--udp=1" "unrecognized option '--udp=1'" -o "$x" --udp=1
usage "--quiet=yes" "unrecognized option '--quiet=yes'" -o "$x" --quiet=yes
usage "-x" "unrecognized option '-x'" -o "$x" -x
usage "-qx (unknown inside a group)" "unrecognized option '-x'" -o "$x" -qx
usage "--bogus=3" "unrecognized option '--bogus=3'" -o "$x" --bogus=3
# command
usage "a bare '--'" "'--' must be followed by a command" -o "$x" --
usage "an argument before '--'" "unexpected argument 'curl'" -o "$x" curl -- true
# the first error wins, and a later valid option does not hide it
usage "a bad value before a good one" "invalid port '0'" --port 0 -o "$x" -G 1

# Help and version-like requests are not errors.
timeout 10 "$REC" --help >"$WORK/help" 2>"$WORK/err"
check "--help: exit 0, usage on stdout, nothing on stderr" \
	eval 'test $? = 0 && grep -q "^Usage: tinytap-record" "$WORK/help" && test ! -s "$WORK/err"'

# Values only the running system can judge: runtime errors (exit 1), one line, no file left.
runtime() { # desc pattern args...
	local d=$1 pat=$2 rc lines
	shift 2
	rm -f "$x"
	timeout 30 "$REC" -q "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	lines=$(wc -l <"$WORK/err")
	if [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -qE -- "$pat" "$WORK/err"; then
		ok "runtime: $d"
	else
		notok "runtime: $d # rc $rc, $lines line(s): $(head -c 300 "$WORK/err" | tr '\n' '|')"
	fi
}
if [ "$(id -u)" = 0 ]; then
	runtime "-p of no process" "no process with pid 2147483646" -o "$x" -G 1 -p 2147483646
	runtime "--cgroup that does not exist" "cgroup '/nonexistent/tt' not found" \
		-o "$x" -G 1 --cgroup /nonexistent/tt
else
	notok "runtime: -p/--cgroup checks need root"
fi
