package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// makeInstall runs `make install` from the repository root with vars.
func makeInstall(t *testing.T, vars ...string) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed: cannot test make install")
	}
	c := exec.Command("make", append([]string{"-C", "..", "install"}, vars...)...)
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("make install %v: %v\n%s", vars, err, out)
	}
}

// TestMakeInstallDestdir: `make install DESTDIR=...` stages every part, and
// the staged binary works: it checks a configuration, runs the daemon with
// the staged settings file and answers the CLI.
func TestMakeInstallDestdir(t *testing.T) {
	dest := t.TempDir()
	makeInstall(t, "DESTDIR="+dest, "PREFIX=/usr")
	for _, f := range []string{"usr/bin/vigil", "usr/share/vigil/typedefs/types.cf", "usr/share/vigil/bin/ag_i18n_inc.sh",
		"usr/share/vigil/bin/ag_i18n_inc.pm", "usr/lib/systemd/system/vigil.service", "usr/share/doc/vigil/cli.md",
		"usr/share/man/man1/vigil.1", "usr/share/man/man1/vigil-res-online.1", "etc/vigil/vigil.yaml"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("not installed: %s", f)
		}
	}
	unit, _ := os.ReadFile(filepath.Join(dest, "usr/lib/systemd/system/vigil.service"))
	for _, want := range []string{"ExecStart=/usr/bin/vigil agent", "Delegate=yes", "TasksMax=infinity", "WatchdogSec="} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("unit lacks %q", want)
		}
	}
	bin := filepath.Join(dest, "usr/bin/vigil")
	n := newNode(t, "tree")
	if out, err := exec.Command(bin, "check", n.conf).CombinedOutput(); err != nil {
		t.Fatalf("installed vigil check: %v\n%s", err, out)
	}
	c := exec.Command(bin, "agent", "--config-file", filepath.Join(dest, "etc/vigil/vigil.yaml"), "--config", n.conf,
		"--socket", n.sock, "--state-dir", n.path("state"), "--log-dir", n.path("log"), "--system", "e2e1")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		c.Process.Signal(syscall.SIGTERM)
		c.Wait()
	}()
	n.eventually("the installed daemon answers", 20*time.Second, func() bool {
		return exec.Command(bin, "status", "--socket", n.sock).Run() == nil
	})
	out, err := exec.Command(bin, "grp", "online", "app", "--wait", "--json", "--socket", n.sock).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"ok": true`) {
		t.Errorf("installed vigil grp online: %v\n%s", err, out)
	}
}

// TestUnitVerifies: the unit `make install` writes passes
// `systemd-analyze verify` (installed with a real PREFIX so that its
// ExecStart names an existing binary).
func TestUnitVerifies(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze not installed (make deps installs it)")
	}
	prefix := t.TempDir()
	makeInstall(t, "PREFIX="+prefix, "SYSCONFDIR="+filepath.Join(prefix, "etc"))
	unit := filepath.Join(prefix, "lib/systemd/system/vigil.service")
	out, err := exec.Command("systemd-analyze", "verify", unit).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify %s: %v\n%s", unit, err, out)
	}
	if len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify warns:\n%s", out)
	}
}
