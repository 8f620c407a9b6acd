package cluster

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
)

// TestWatchdogFedOnlyWhileLeaseOutlivesIt: the member feeds the watchdog
// only while its lease is valid for longer than the watchdog's timeout
// plus the margin, and Close disarms it with the magic 'V'.
func TestWatchdogFedOnlyWhileLeaseOutlivesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wd")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	wd := &Watchdog{f: f, timeout: time.Second}
	m, err := New(Options{Client: nil, System: "A", TTL: 2 * time.Second, Watchdog: wd})
	if err == nil {
		t.Fatal("New without a client accepted")
	}
	m = &Member{o: Options{System: "A", TTL: 2 * time.Second, Watchdog: wd}}
	m.o.Clock = clock.Real{}
	size := func() int64 { fi, _ := os.Stat(path); return fi.Size() }
	m.validUntil = time.Now().Add(5 * time.Second)
	m.feed()
	if size() != 1 {
		t.Fatalf("not fed with the lease valid 5s more (size %d)", size())
	}
	m.validUntil = time.Now().Add(time.Second + 100*time.Millisecond) // < timeout + margin (200 ms)
	m.feed()
	if size() != 1 {
		t.Fatal("fed although the lease may expire before the watchdog fires")
	}
	wd.Close()
	b, _ := os.ReadFile(path)
	if string(b) != "\x00V" {
		t.Fatalf("device writes %q, want feed then magic close", b)
	}
	wd.Feed() // after Close: no write, no panic
}
