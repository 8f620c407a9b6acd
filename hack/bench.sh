#!/bin/sh
# make bench: every benchmark behind docs/performance.md, each with the
# iteration count its section names. Each prints its own baseline and ratio.
# The lines are also written into docs/performance.md, between the
# "bench:begin" and "bench:end" markers of its last section (replaced as a
# whole, atomically), with the date, the machine and the load average.
set -e
GO=${GO:-go}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start_load=$(cut -d' ' -f1-3 /proc/loadavg)
run() {
	echo "==> go test $*" | tee -a "$out"
	$GO test -run '^$' -count 1 "$@" | grep -E '^(Benchmark|ok|FAIL|---)' | tee -a "$out"
}
run ./framework/config -bench Check10k -benchtime 5x
run ./framework/runner -bench Overhead -benchtime 500x
run ./framework/procfs -bench 'ScanCmdlines|ReadStat' -benchtime 2000x
run ./framework/agent -bench MonitorScheduling -benchtime 1x
run ./framework/agent -bench OnlineScaling -benchtime 1x
run ./framework/engine -bench GroupOnline -benchtime 3x
run ./framework/engine -bench ResourceEvent -benchtime 20000x
run ./framework/api -bench StateRoundTrip -benchtime 2000x
run ./scripts -bench BundledMonitor -benchtime 300x
run ./framework/daemon -bench MonitorStats -benchtime 200x
run ./plugins/examples -bench MonitorKinds -benchtime 1000x
run ./plugins/examples -bench PluginStartup -benchtime 50x
run ./plugins/examples -bench ProcessCPU -benchtime 1x -timeout 20m
run ./framework/runner -bench ReapPass -benchtime 3x
run ./framework/daemon -bench Load -benchtime 1x
run ./plugins/imf/bench -bench 'KillIMF' -benchtime 200x
run ./plugins/imf/bench -bench 'KillPolling' -benchtime 30x
run ./plugins/imf/bench -bench 'MountEvent' -benchtime 200x
run ./plugins/imf/bench -bench 'PRONScale' -benchtime 1x

# Write the run into docs/performance.md.
doc="$root/docs/performance.md"
if grep -q '<!-- bench:begin -->' "$doc" && grep -q '<!-- bench:end -->' "$doc"; then
	tmp="$doc.tmp.$$"
	{
		sed '/<!-- bench:begin -->/q' "$doc"
		echo
		echo "Written by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), Linux $(uname -r), load average at the start: $start_load, at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the last benchmark's exec storm raises it)."
		echo
		echo '```'
		cat "$out"
		echo '```'
		echo
		sed -n '/<!-- bench:end -->/,$p' "$doc"
	} >"$tmp"
	mv "$tmp" "$doc"
	echo "==> docs/performance.md: the section between the bench markers holds this run"
else
	echo "==> docs/performance.md has no bench markers; not written" >&2
fi
