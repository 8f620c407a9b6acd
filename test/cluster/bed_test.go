package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/plugins/host/hosttest"
)

// bins holds the binary TestMain builds: vigil.
var bins = map[string]string{}

func TestMain(m *testing.M) {
	if os.Getenv(beatEnv) != "" && len(os.Args) == 3 {
		beat(os.Args[1], os.Args[2])
		return
	}
	hosttest.Main(m, os.Stderr, bins, map[string]string{"vigil": "../../cmd/vigil"})
}

// ttl is the test bed's lease TTL.
const ttl = 5 * time.Second

// The Beat type: online starts the heartbeat process, monitor checks it,
// offline stops it (TERM, then KILL), clean kills it. V50 argv: $1 the
// resource, then Dir ($4), Node ($7), Helper ($10).
var beatAgent = map[string]string{
	"online": `#!/bin/sh
dir=$4 node=$7 helper=${10}
mkdir -p "$dir"
VIGIL_TESTBED_BEAT=1 setsid "$helper" "$dir/beats" "$node" </dev/null >/dev/null 2>&1 &
echo $! >"$dir/pid"
exit 0
`,
	"monitor": `#!/bin/sh
dir=$4
[ -f "$dir/pid" ] || exit 100
st=$(awk '{print $3}' "/proc/$(cat "$dir/pid")/stat" 2>/dev/null)
case "$st" in ""|Z|X) exit 100;; esac
exit 110
`,
	"offline": `#!/bin/sh
dir=$4
pid=$(cat "$dir/pid" 2>/dev/null) || exit 0
kill -TERM "$pid" 2>/dev/null
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
kill -KILL "$pid" 2>/dev/null
rm -f "$dir/pid"
exit 0
`,
	"clean": `#!/bin/sh
dir=$4
pid=$(cat "$dir/pid" 2>/dev/null) && kill -KILL "$pid" 2>/dev/null
rm -f "$dir/pid"
exit 0
`,
}

const mainCF = `include "types.cf"

type Beat (
	static str ArgList[] = { Dir, Node, Helper }
	str Dir
	str Node
	str Helper
)

system n1
system n2
system n3

group g (
	SystemList = { n1 = 0, n2 = 1, n3 = 2 }
	AutoStartList = { n1 }
	)

	Beat b (
		Dir = %q
		Node = %q
		Helper = %q
		MonitorInterval = 1
		OfflineMonitorInterval = 2
		)
`

// bed is three nodes in network namespaces around a bridge.
type bed struct {
	t     *testing.T
	dir   string
	hub   string
	nodes []*bnode
	// initial is the embedded members' initial cluster.
	initial string
}

// bnode is one node: its namespace, directories and daemon.
type bnode struct {
	b                          *bed
	name, ns, ip, veth         string
	conf, stateDir, logs, sock string
	cmd                        *exec.Cmd
	done                       chan struct{}
}

// ip runs iproute2.
func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// newBed makes the namespaces and starts the three daemons; it skips the
// test, saying why, without root or iproute2.
func newBed(t *testing.T) *bed {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the cluster test bed needs root (network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("the cluster test bed needs iproute2 (ip): make deps installs it")
	}
	for _, tool := range []string{"setsid", "nsenter"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the cluster test bed needs %s (util-linux)", tool)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.Itoa(os.Getpid() % 100000)
	b := &bed{t: t, dir: t.TempDir(), hub: "vbh" + id}
	t.Cleanup(b.destroy)
	if err := ip("netns", "add", b.hub); err != nil {
		t.Skipf("cannot create network namespaces: %v", err)
	}
	must(t, ip("-n", b.hub, "link", "add", "br0", "type", "bridge"))
	must(t, ip("-n", b.hub, "link", "set", "br0", "up"))
	var initial []string
	for i := 1; i <= 3; i++ {
		n := &bnode{b: b, name: fmt.Sprintf("n%d", i), ns: fmt.Sprintf("vb%sn%d", id, i),
			ip: fmt.Sprintf("10.213.0.%d", i), veth: fmt.Sprintf("v%d", i)}
		d := filepath.Join(b.dir, n.name)
		n.conf, n.stateDir, n.logs, n.sock = filepath.Join(d, "conf"), filepath.Join(d, "state"), filepath.Join(d, "log"),
			filepath.Join(d, "vigil.sock")
		must(t, os.MkdirAll(filepath.Join(n.conf, "agents", "Beat"), 0o755))
		for ep, body := range beatAgent {
			must(t, os.WriteFile(filepath.Join(n.conf, "agents", "Beat", ep), []byte(body), 0o755))
		}
		cf := fmt.Sprintf(mainCF, filepath.Join(b.dir, "run", n.name), n.name, self)
		must(t, os.WriteFile(filepath.Join(n.conf, "main.cf"), []byte(cf), 0o644))
		must(t, ip("netns", "add", n.ns))
		must(t, ip("-n", b.hub, "link", "add", n.veth, "type", "veth", "peer", "name", "eth0", "netns", n.ns))
		must(t, ip("-n", b.hub, "link", "set", n.veth, "master", "br0", "up"))
		must(t, ip("-n", n.ns, "addr", "add", n.ip+"/24", "dev", "eth0"))
		must(t, ip("-n", n.ns, "link", "set", "eth0", "up"))
		must(t, ip("-n", n.ns, "link", "set", "lo", "up"))
		initial = append(initial, n.name+"=http://"+n.ip+":2380")
		b.nodes = append(b.nodes, n)
	}
	b.initial = strings.Join(initial, ",")
	for _, n := range b.nodes {
		n.start()
	}
	b.eventually("g ONLINE on n1 (AutoStart)", func() bool { return b.where() == "n1" })
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// start runs the node's daemon in its namespace.
func (n *bnode) start() {
	log, err := os.OpenFile(filepath.Join(n.b.dir, n.name+".out"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	must(n.b.t, err)
	// nsenter joins only the network namespace; `ip netns exec` would
	// also remount /sys, hiding the cgroup hierarchy the runner (and the
	// fence guard) work in.
	n.cmd = exec.Command("nsenter", "--net=/run/netns/"+n.ns, bins["vigil"], "agent", "--config", n.conf, "--system", n.name,
		"--socket", n.sock, "--state-dir", n.stateDir, "--log-dir", n.logs, "--cluster",
		"--peer-url", "http://"+n.ip+":2380", "--client-url", "http://"+n.ip+":2379",
		"--initial-cluster", n.b.initial, "--lease-ttl", ttl.String())
	n.cmd.Stdout, n.cmd.Stderr = log, log
	must(n.b.t, n.cmd.Start())
	n.done = make(chan struct{})
	go func() { n.cmd.Wait(); log.Close(); close(n.done) }()
}

// crash kills every process of the node (daemon, etcd member, resources)
// with SIGKILL, as a machine that dies.
func (n *bnode) crash() {
	out, _ := exec.Command("ip", "netns", "pids", n.ns).Output()
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if n.cmd != nil {
		<-n.done
		n.cmd = nil
	}
}

// killDaemon kills only the node's daemon (SIGKILL), with the etcd member
// it embeds; its fence guard and its resources see it die.
func (n *bnode) killDaemon() {
	if n.cmd == nil {
		return
	}
	// nsenter execs the daemon: the child's pid is the daemon's.
	must(n.b.t, syscall.Kill(n.cmd.Process.Pid, syscall.SIGKILL))
	<-n.done
	n.cmd = nil
}

// stop stops the node's daemon cleanly (SIGTERM) and waits for it.
func (n *bnode) stop() {
	if n.cmd == nil {
		return
	}
	must(n.b.t, n.cmd.Process.Signal(syscall.SIGTERM))
	<-n.done
	n.cmd = nil
}

// cut and heal take the node's link down and up (a partition).
func (n *bnode) cut()  { must(n.b.t, ip("-n", n.b.hub, "link", "set", n.veth, "down")) }
func (n *bnode) heal() { must(n.b.t, ip("-n", n.b.hub, "link", "set", n.veth, "up")) }

// vigil runs a CLI command against the node's daemon.
func (n *bnode) vigil(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bins["vigil"], append(args, "--socket", n.sock)...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// state is the node's state of group g, "" when its daemon does not answer.
func (n *bnode) state() string {
	if n.cmd == nil {
		return ""
	}
	out, err := n.vigil("grp", "state", "g")
	if err != nil {
		return ""
	}
	return out
}

// where returns the node that reports g ONLINE ("" if none, "!" if more).
func (b *bed) where() string {
	on := ""
	for _, n := range b.nodes {
		if n.state() == "ONLINE" {
			if on != "" {
				return "!"
			}
			on = n.name
		}
	}
	return on
}

func (b *bed) node(name string) *bnode {
	for _, n := range b.nodes {
		if n.name == name {
			return n
		}
	}
	b.t.Fatalf("no node %q", name)
	return nil
}

// eventually waits up to 60 s for cond, polling every 50 ms.
func (b *bed) eventually(what string, cond func() bool) {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			b.dump()
			b.t.Fatalf("not within 60s: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dump logs the daemons' output tails on failure.
func (b *bed) dump() {
	for _, n := range b.nodes {
		out, _ := os.ReadFile(filepath.Join(b.dir, n.name+".out"))
		if len(out) > 4000 {
			out = out[len(out)-4000:]
		}
		b.t.Logf("--- %s output (tail):\n%s", n.name, out)
	}
}

// destroy kills everything in the namespaces and deletes them.
func (b *bed) destroy() {
	for _, n := range b.nodes {
		n.crash()
		ip("netns", "del", n.ns)
	}
	ip("netns", "del", b.hub)
}

// clusterLog logs every node's cluster lines since t (slow rounds).
func (b *bed) clusterLog(since time.Time) {
	for _, n := range b.nodes {
		out, _ := os.ReadFile(filepath.Join(b.dir, n.name+".out"))
		var keep []string
		for _, l := range strings.Split(string(out), "\n") {
			ts, _, _ := strings.Cut(l, "\t")
			at, err := time.Parse("2006-01-02T15:04:05.000Z0700", ts)
			if err == nil && at.After(since) && strings.Contains(l, "\tcluster\t") {
				keep = append(keep, l)
			}
		}
		b.t.Logf("--- %s cluster log since %s:\n%s", n.name, since.Format("15:04:05.000"), strings.Join(keep, "\n"))
	}
}
