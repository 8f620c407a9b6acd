package daemon

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api"
)

// flagAgent is a script type whose resource is a file: online creates it
// and records the entry point's environment next to it.
var flagAgent = map[string]string{
	"online":  "#!/bin/sh\nenv > \"$4.env\"\ntouch \"$4\"\n",
	"offline": "#!/bin/sh\nrm -f \"$4\"\n",
	"clean":   "#!/bin/sh\nrm -f \"$4\"\n",
	"monitor": "#!/bin/sh\n[ -f \"$4\" ] && exit 110\nexit 100\n",
}

func clusterFixture(t *testing.T) (cfgDir, flag string) {
	t.Helper()
	cfgDir = t.TempDir()
	flag = filepath.Join(t.TempDir(), "flag")
	mainCF := fmt.Sprintf(`include "types.cf"

type Flag (
	static str ArgList[] = { Path }
	str Path
)

system n1
system n2

group g (
	SystemList = { n1 = 0, n2 = 1 }
	AutoStartList = { n1 }
	)

	Flag f (
		Path = %q
		MonitorInterval = 1
		OfflineMonitorInterval = 1
		)
`, flag)
	if err := os.WriteFile(filepath.Join(cfgDir, "main.cf"), []byte(mainCF), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cfgDir, "agents", "Flag")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for ep, body := range flagAgent {
		if err := os.WriteFile(filepath.Join(dir, ep), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return cfgDir, flag
}

func freeURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 30s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClusterEmbeddedOneNode: a daemon with --cluster runs its embedded
// member, brings its AutoStart group online through ownership (the entry
// points get the fencing token), shows the cluster over the API, and on
// shutdown takes the group offline before leaving.
func TestClusterEmbeddedOneNode(t *testing.T) {
	cfgDir, flag := clusterFixture(t)
	s := settings(t, cfgDir, t.TempDir())
	s.Cluster = ClusterSettings{Embedded: true, PeerURL: freeURL(t), ClientURL: freeURL(t), TTL: 2 * time.Second,
		InitialCluster: ""}
	// n2 is declared but never joins: AutoStart waits for AutoStartList
	// members only (n1), so the group starts.
	d, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	select {
	case <-d.Ready():
	case err := <-done:
		t.Fatalf("daemon ended before it was ready: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("daemon not ready after 60 s")
	}
	waitFor(t, "group g online (flag file)", func() bool { _, err := os.Stat(flag); return err == nil })
	env, err := os.ReadFile(flag + ".env")
	if err != nil {
		t.Fatal(err)
	}
	c := api.NewClient(s.Socket)
	v, err := c.Cluster(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Groups) != 1 || v.Groups[0].Owner != "n1" || v.Groups[0].Token == 0 {
		t.Fatalf("cluster view groups %+v", v.Groups)
	}
	want := fmt.Sprintf("VCSAG_FENCING_TOKEN=%d\n", v.Groups[0].Token)
	if !strings.Contains(string(env), want) {
		t.Fatalf("online's environment lacks %q:\n%s", want, env)
	}
	if len(v.Systems) != 2 || v.Systems[0].State != "RUNNING" || v.Systems[1].State != "EXITED" {
		t.Fatalf("systems %+v", v.Systems)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("daemon: %v", err)
	}
	done <- nil
	if _, err := os.Stat(flag); err == nil {
		t.Fatal("group still online after the daemon left the cluster")
	}
}
