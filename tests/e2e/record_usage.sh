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
for o in -o -p -c -s -G -C -W --port --cgroup --ring-size --output --pid --comm --snaplen --duration \
	--max-disk --max-age; do
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
usage "--port 0" "invalid port '0' \\(1-65535\\)" -o "$x" --port 0
usage "--port ''" "invalid port '' " -o "$x" --port ''
# --port lists: every item checked, 16 ports at most (repeated --port adds up)
usage "--port 80,0" "invalid port '0' in '80,0'" -o "$x" --port 80,0
usage "--port 0,80" "invalid port '0' in '0,80'" -o "$x" --port 0,80
usage "--port 80,65536" "invalid port '65536' in '80,65536'" -o "$x" --port 80,65536
usage "--port 80,-1" "invalid port '-1' in '80,-1'" -o "$x" --port 80,-1
usage "--port 80,http (a name in a list)" "invalid port 'http' in '80,http'" -o "$x" --port 80,http
usage "--port 80,8x" "invalid port '8x' in '80,8x'" -o "$x" --port 80,8x
usage "--port 80,,443 (empty item)" "invalid port list '80,,443': empty item" \
	-o "$x" --port 80,,443
usage "--port 80, (trailing comma)" "invalid port list '80,': empty item" -o "$x" --port 80,
usage "--port ,80 (leading comma)" "invalid port list ',80': empty item" -o "$x" --port ,80
usage "--port , (nothing but a comma)" "invalid port list ',': empty item" -o "$x" --port ,
usage "--port with 17 ports" "too many ports \\(at most 16\\): '17' in '1,2,3," \
	-o "$x" --port "$(seq -s, 17)"
usage "17 ports over two --port" "too many ports \\(at most 16\\): '17'" \
	-o "$x" --port "$(seq -s, 16)" --port 17
usage "17 times --port" "too many ports \\(at most 16\\): '17'" \
	-o "$x" $(for i in $(seq 17); do printf -- '--port %d ' "$i"; done)
usage "a bad port after 16 good ones" "invalid port '0' in '16,0'" \
	-o "$x" --port "$(seq -s, 15)" --port 16,0
# --cgroup
usage "--cgroup ''" "--cgroup: expected a cgroup v2 path" -o "$x" --cgroup ''
# -s
usage "-s -1 (negative size)" "invalid snaplen '-1'" -o "$x" -s -1
usage "-s 1G" "invalid snaplen '1G'" -o "$x" -s 1G
usage "-s 10x" "invalid snaplen '10x'" -o "$x" -s 10x
usage "-s ''" "invalid snaplen ''" -o "$x" -s ''
usage "-s 99999999999999999999 (overflow)" "invalid snaplen" -o "$x" -s 99999999999999999999
# --duration (stops the recording; -G rotates files, as in tcpdump)
usage "--duration 0" "invalid duration '0'" -o "$x" --duration 0
usage "--duration -1" "invalid duration '-1'" -o "$x" --duration -1
usage "--duration 1.5" "invalid duration '1.5'" -o "$x" --duration 1.5
usage "--duration 10x (an unknown suffix)" "invalid duration '10x'" -o "$x" --duration 10x
usage "--duration 99999999999999999999 (overflow)" "invalid duration" -o "$x" --duration 99999999999999999999
usage "--duration 400 days" "invalid duration '34560000'" -o "$x" --duration 34560000
usage "--duration 366d" "invalid duration '366d'" -o "$x" --duration 366d
# rotation: -C -W -G --max-disk --max-age
usage "-G 0" "invalid -G '0'" -o "$x" -G 0
usage "-G 1.5" "invalid -G '1.5'" -o "$x" -G 1.5
usage "-G 10y" "invalid -G '10y'" -o "$x" -G 10y
usage "-C 0" "invalid -C '0'" -o "$x" -C 0
usage "-C 1k (below 16k)" "invalid -C '1k'" -o "$x" -C 1k
usage "-C 5X" "invalid -C '5X'" -o "$x" -C 5X
usage "-C 99999999999999999999 (overflow)" "invalid -C" -o "$x" -C 99999999999999999999
usage "-W 0" "invalid -W '0'" -o "$x" -C 1 -W 0
usage "-W alone" "-W needs -C or -G" -o "$x" -W 3
usage "--max-disk 100k (below 1M)" "invalid --max-disk '100k'" -o "$x" --max-disk 100k
usage "--max-age 0" "invalid --max-age '0'" -o "$x" --max-age 0
usage "rotation to stdout" "write a set of files" -o - -C 1M
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
usage "a bad value before a good one" "invalid port '0'" --port 0 -o "$x" --duration 1

# 16 distinct ports are not too many, and a port given twice counts once (a usage error would
# come before the environment checks: as root the recorder runs, otherwise it says "root").
rm -f "$x"
timeout 30 "$REC" -q --duration 1 -o "$x" --port "$(seq -s, 16)" --port 16,1 >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ "$(id -u)" = 0 ]; then
	check "--port: 16 ports, two of them repeated: records (exit 0)" test "$rc" = 0 -a -s "$x"
else
	check "--port: 16 ports, two of them repeated: no usage error" test "$rc" != 2
fi

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
	runtime "-p of no process" "no process with pid 2147483646" -o "$x" --duration 1 -p 2147483646
	runtime "--cgroup that does not exist" "cgroup '/nonexistent/tt' not found" \
		-o "$x" --duration 1 --cgroup /nonexistent/tt
else
	notok "runtime: -p/--cgroup checks need root"
fi
