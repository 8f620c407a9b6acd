package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var slowProbeAgent = map[string]string{
	"monitor": `#!/bin/sh
[ -e "@DIR@/run/probed-$1" ] || { sleep 2; touch "@DIR@/run/probed-$1"; }
[ -e "@DIR@/run/$1" ] && exit 110
exit 100
`,
	"online":  "#!/bin/sh\ntouch \"@DIR@/run/$1\"\n",
	"offline": "#!/bin/sh\nrm -f \"@DIR@/run/$1\"\n",
	"clean":   "#!/bin/sh\nrm -f \"@DIR@/run/$1\"\n",
}

// TestRequestDuringStartupProbes: a `grp online` sent as soon as the
// socket answers, while the start-up probes still run, waits for them and
// brings the whole group online.
func TestRequestDuringStartupProbes(t *testing.T) {
	n := newNode(t, "slowprobe")
	dir := filepath.Join(n.conf, "agents", "SlowProbe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range slowProbeAgent {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.ReplaceAll(body, "@DIR@", n.dir)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	n.start() // returns once the socket answers: the probes take 2 s more
	if exists(n.path("run/probed-a")) {
		t.Log("the probes were already done when the request was sent (slow machine)")
	}
	if _, stderr, code := n.vigil("grp", "online", "g", "--wait", "--timeout", "60s"); code != 0 {
		t.Fatalf("grp online during the probes: %s", stderr)
	}
	n.eventually("group ONLINE", 30*time.Second, func() bool { return n.state("grp", "g") == "ONLINE" })
}
