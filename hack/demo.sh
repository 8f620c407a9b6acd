#!/bin/sh
# make demo: run `vigil agent` on testdata/demo in a temporary directory,
# watch groups come online, kill a managed process and watch vigil detect
# and restart it, kill another until its RestartLimit runs out (its group
# faults and the group that requires it is taken offline), clear the fault
# with `vigil res clear` and bring everything back, take everything offline,
# stop the daemon and check that nothing is left (no process, no mount).
# The logs are kept, and the demo prints where. Needs only bin/vigil, a POSIX
# shell, procps and util-linux; as root it also mounts a tmpfs under the
# temporary directory (the built-in Mount agent). Every type of the demo
# runs on vigil's built-in Go agents, in the daemon's process.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VIGIL=$ROOT/bin/vigil
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-demo.XXXXXX")
KEEP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-demo-logs.XXXXXX")
S=$T/vigil.sock
PID=""
PIDS=""

cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	for p in $PIDS; do
		if grep -q sleep "/proc/$p/comm" 2>/dev/null; then kill -9 "$p" 2>/dev/null || true; fi
	done
	# Nothing may stay mounted under $T, even when the demo failed halfway.
	while mounts_under "$T" | grep -q .; do
		mounts_under "$T" | while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done
	done
	# Keep the logs for the user, whatever happened.
	cp -R "$T/log" "$KEEP/" 2>/dev/null || true
	cp "$T/agent.out" "$KEEP/" 2>/dev/null || true
	rm -rf "$T"
	echo "demo: logs kept in $KEEP (engine_A.log and <Type>_A.log in $KEEP/log, the daemon's console in $KEEP/agent.out);"
	echo "      try: $VIGIL log --log-dir $KEEP/log --severity WARNING"
}
# mounts_under DIR: the mount points at or below DIR, deepest first.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -t 1 ]; then B=$(printf '\033[1m'); N=$(printf '\033[0m'); else B=""; N=""; fi
step() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
v() { "$VIGIL" "$@" --socket "$S"; }
# until SECONDS CMD...: retry CMD every 0.2 s for up to SECONDS.
until_ok() {
	n=$(($1 * 5)); shift
	while [ "$n" -gt 0 ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.2; n=$((n - 1))
	done
	echo "demo: timed out waiting for: $*" >&2
	return 1
}
is() { [ "$(v "$1" state "$2")" = "$3" ]; }

mkdir -p "$T/conf" "$T/run"
cp -R "$ROOT/testdata/demo/." "$T/conf/"
sed -i "s#@DIR@#$T#g; s#@USER@#$(id -un)#g" "$T/conf/main.cf"
if [ "$(id -u)" != 0 ]; then
	# Only root may mount: drop the Mount resource and its dependency.
	sed -i '/mount:begin/,/mount:end/d' "$T/conf/main.cf"
fi

step "vigil agent --config $T/conf (in the background, log in $T/agent.out)"
"$VIGIL" agent --config "$T/conf" --socket "$S" --state-dir "$T/state" --log-dir "$T/log" \
	--system demo1 >"$T/agent.out" 2>&1 &
PID=$!
until_ok 20 is grp website ONLINE
until_ok 5 is grp backend ONLINE
v status
step "agents: built-in Go agents in the daemon's process (no process per monitor)"
grep -l "built-in agent" "$T"/log/*_A.log | sed 's#.*/\(.*\)_A.log#  \1: built-in#'

step "how it came online: backend first, then config -> app -> ready (vigil events)"
v events -n 100 | grep -E 'request|-> ONLINE'
if [ "$(id -u)" = 0 ]; then
	step "the Mount resource data: a tmpfs on $T/data"
	findmnt "$T/data"
fi

APP=$(cat "$T/run/app.pid")
PIDS="$APP $(cat "$T/run/db.pid")"
step "kill -9 the app daemon (pid $APP), as a crash would"
kill -9 "$APP"
until_ok 20 sh -c "'$VIGIL' events -n 200 --json --socket '$S' | grep -q '\"kind\":\"restart\"'"
until_ok 20 is res app ONLINE
NEW=$(cat "$T/run/app.pid")
PIDS="$PIDS $NEW"
v events -n 8 | grep -E ' app '
echo "app restarted by vigil: old pid $APP, new pid $NEW (RestartLimit = 2)"

step "vigil status"
v status

DB=$(cat "$T/run/db.pid")
step "kill -9 the db daemon (pid $DB): restarted once, its RestartLimit (1) is now used up"
kill -9 "$DB"
until_ok 20 sh -c "'$VIGIL' events -n 400 --json --socket '$S' | grep '\"kind\":\"restart\"' | grep -q '\"resource\":\"db\"'"
until_ok 20 is res db ONLINE
DB2=$(cat "$T/run/db.pid")
PIDS="$PIDS $DB2"
echo "db restarted by vigil: old pid $DB, new pid $DB2"

step "kill -9 db again (pid $DB2): no restart left, db FAULTED, backend faults, website (requires backend) goes offline"
kill -9 "$DB2"
until_ok 30 is res db FAULTED
until_ok 30 is grp backend "OFFLINE|FAULTED"
until_ok 30 is grp website OFFLINE
v events -n 60 | grep -E 'fault|restart|propagate| db .*-> (OFFLINE|FAULTED)|group-state'
v status
step "the fault as an administrator greps for it (vigil log --severity ERROR)"
"$VIGIL" log --log-dir "$T/log" --severity ERROR | tail -5

step "vigil res clear db (waits for its re-probe), then bring the groups back"
v res clear db
v res state db
v grp online backend --wait
v grp online website --wait
PIDS="$PIDS $(cat "$T/run/db.pid") $(cat "$T/run/app.pid")"
v status

step "take the groups offline (parents first), then stop the daemon with SIGTERM"
v grp offline website --wait
v grp offline backend --wait
v status
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || { echo "demo: vigil agent exited with $rc" >&2; tail -20 "$T/agent.out" >&2; exit 1; }

left=""
for p in $PIDS; do
	if grep -q sleep "/proc/$p/comm" 2>/dev/null; then left="$left $p"; fi
done
if pgrep -f "$T" >/dev/null 2>&1 || [ -n "$left" ] || [ -e "$S" ] || mounts_under "$T" | grep -q .; then
	echo "demo: something was left behind:$left" >&2
	pgrep -af "$T" >&2 || true
	mounts_under "$T" >&2
	exit 1
fi
step "done: daemon exited 0, no managed process or mount left; removing $T"
