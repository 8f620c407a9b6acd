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

// TestIntentNotSavedE2E: when the group intents cannot be written (here
// intent.json is a directory), `grp online` fails with the reason, nothing
// is commanded and the group's intent stays unset.
func TestIntentNotSavedE2E(t *testing.T) {
	n := newNode(t, "modify")
	n.start()
	if err := os.MkdirAll(n.path("state/intent.json/blocked"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := n.vigil("grp", "online", "g", "--wait")
	if code == 0 || !strings.Contains(stderr, "the intent cannot be saved, so nothing is done") {
		t.Fatalf("grp online with intents that cannot be saved: exit %d, %q", code, stderr)
	}
	if reqs := requestOrder(n.events()); len(reqs) != 0 {
		t.Fatalf("commanded %v although the request was refused", reqs)
	}
	if out := n.must("grp", "display", "g", "--json"); strings.Contains(out, `"intent"`) {
		t.Fatalf("intent recorded although it could not be saved: %s", out)
	}
}
