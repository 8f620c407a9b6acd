package scripts_test

import (
	"path/filepath"
	"testing"

	"github.com/vigil-ha/vigil/framework/ep"
)

// TestPhantomAgent: Phantom's monitor reports ONLINE whatever Dummy holds,
// and it has no other entry point (Operations = None).
func TestPhantomAgent(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := agentUnder(t, "Phantom", sh)
			for _, dummy := range []string{"", "x y", "$HOME"} {
				r := &resource{t: t, s: s, name: "ph", tuples: []string{"Dummy", "1", dummy}}
				r.want(ep.Monitor, 110)
			}
			for _, n := range []ep.Name{ep.Online, ep.Offline, ep.Clean} {
				if s.Has(n) {
					t.Errorf("Phantom implements %s; want monitor only", n)
				}
			}
		})
	}
}
