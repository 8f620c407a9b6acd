package e2e

import (
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentGroupOnlineE2E: two `vigil grp online sg --wait` at once (20
// resources, a chain of ten, each online a second) both succeed and the
// group is ONLINE.
func TestConcurrentGroupOnlineE2E(t *testing.T) {
	n := newNode(t, "storm")
	n.start()
	var wg sync.WaitGroup
	errs := make([]string, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, stderr, code := n.vigil("grp", "online", "sg", "--wait"); code != 0 {
				errs[i] = stderr
			}
		}()
	}
	wg.Wait()
	for i, e := range errs {
		if e != "" {
			t.Errorf("request %d: %s", i, e)
		}
	}
	n.eventually("group ONLINE", 60*time.Second, func() bool { return n.state("grp", "sg") == "ONLINE" })
}

// TestGroupRequestStormE2E: 20 clients send online and offline requests at
// random; the group ends in the steady state of the last request the daemon
// recorded (the intent `vigil grp display` shows), with no operation left.
func TestGroupRequestStormE2E(t *testing.T) {
	n := newNode(t, "storm")
	n.start()
	var wg sync.WaitGroup
	for c := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(c)))
			for range 3 {
				verb := []string{"online", "offline"}[rng.Intn(2)]
				n.vigil("grp", verb, "sg")
				time.Sleep(time.Duration(rng.Intn(500)) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	n.eventually("group in the steady state of its intent", 120*time.Second, func() bool {
		out, _, code := n.vigil("grp", "display", "sg", "--json")
		if code != 0 {
			return false
		}
		intent := "offline"
		if strings.Contains(out, `"intent": "online"`) {
			intent = "online"
		}
		want := map[string]string{"online": "ONLINE", "offline": "OFFLINE"}[intent]
		return n.state("grp", "sg") == want
	})
	out := n.must("grp", "display", "sg", "--json")
	if !strings.Contains(out, `"intent"`) {
		t.Fatalf("no intent in grp display: %s", out)
	}
}
