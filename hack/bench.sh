#!/bin/sh
# make bench: every benchmark behind docs/performance.md, each with the
# iteration count its section names. Each prints its own baseline and ratio.
set -e
GO=${GO:-go}
run() { echo "==> go test $*"; $GO test -run '^$' -count 1 "$@" | grep -E '^(Benchmark|ok|FAIL|---)'; }
run ./framework/config -bench Check10k -benchtime 5x
run ./framework/runner -bench Overhead -benchtime 500x
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
