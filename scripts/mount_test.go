package scripts_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/ep"
)

// mountedAt reports whether anything is mounted on dir, from
// /proc/self/mountinfo (octal escapes decoded).
func mountedAt(dir string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 && unescapeMountinfo(fields[4]) == dir {
			return true
		}
	}
	return false
}

// unescapeMountinfo decodes the \ooo escapes of a mountinfo field.
func unescapeMountinfo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// tmpfsOrSkip checks that this process may mount a tmpfs (root in the
// initial user namespace, or a container allowing it); it skips the test
// with the reason otherwise.
func tmpfsOrSkip(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("vigil-probe", dir, "tmpfs", 0, "size=64k"); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			t.Skipf("cannot mount a tmpfs here (%v): the Mount agent needs CAP_SYS_ADMIN", err)
		}
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	if err := unix.Unmount(dir, 0); err != nil {
		t.Fatalf("umount %s: %v", dir, err)
	}
}

// unmountAll registers a cleanup that lazily unmounts everything left on
// dir and fails the test if there was something: the agent must leave
// nothing mounted. It runs before t.TempDir removes dir.
func unmountAll(t *testing.T, dir string) {
	t.Cleanup(func() {
		left := 0
		for mountedAt(dir) && left < 10 {
			unix.Unmount(dir, unix.MNT_DETACH)
			left++
		}
		if left > 0 {
			t.Errorf("%d mount(s) left on %s", left, dir)
		}
	})
}

// TestMountAgent mounts a real tmpfs through the bundled Mount agent under
// dash and bash: online creates the mount point, an external umount is
// seen, offline unmounts, a busy mount is left to clean, which unmounts it
// lazily.
func TestMountAgent(t *testing.T) {
	tmpfsOrSkip(t)
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			mp := filepath.Join(t.TempDir(), "mount point")
			unmountAll(t, mp)
			dev := "vigil-test-" + strconv.Itoa(os.Getpid())
			s := agentUnder(t, "Mount", sh)
			r := &resource{t: t, s: s, name: "m1", tuples: []string{"MountPoint", "1", mp + "/",
				"BlockDevice", "1", dev, "FSType", "1", "tmpfs", "MountOpt", "1", "size=1m,mode=0700",
				"FsckOpt", "1", "-y"}}
			r.want(ep.Monitor, 100)
			r.want(ep.Online, 0)
			if !mountedAt(mp) {
				t.Fatalf("online: nothing mounted on %s", mp)
			}
			r.want(ep.Monitor, 110)
			other := &resource{t: t, s: s, name: "m2", tuples: append([]string(nil), r.tuples...)}
			other.tuples[5] = "another-device"
			other.want(ep.Monitor, 100)
			other.want(ep.Online, 0) // refuses to mount over m1
			link := filepath.Join(filepath.Dir(mp), "link")
			if err := os.Symlink(mp, link); err != nil {
				t.Fatal(err)
			}
			viaLink := &resource{t: t, s: s, name: "m3", tuples: append([]string(nil), r.tuples...)}
			viaLink.tuples[2] = link
			viaLink.want(ep.Monitor, 110)
			if err := unix.Unmount(mp, 0); err != nil {
				t.Fatalf("external umount: %v", err)
			}
			r.want(ep.Monitor, 100)
			r.want(ep.Online, 0)
			r.want(ep.Monitor, 110)
			r.want(ep.Offline, 0)
			r.want(ep.Monitor, 100)

			r.want(ep.Online, 0)
			busy, err := os.Create(filepath.Join(mp, "busy"))
			if err != nil {
				t.Fatal(err)
			}
			defer busy.Close()
			r.want(ep.Offline, 0) // busy: stays mounted
			r.want(ep.Monitor, 110)
			r.want(ep.Clean, 0, "1")
			r.want(ep.Monitor, 100)
			if mountedAt(mp) {
				t.Fatalf("clean: %s still mounted", mp)
			}
		})
	}
}

// TestMountAgentBadConfig: no MountPoint or a relative one is UNKNOWN.
func TestMountAgentBadConfig(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := agentUnder(t, "Mount", sh)
			for _, mp := range []string{"", "relative/dir"} {
				r := &resource{t: t, s: s, name: "m", tuples: []string{"MountPoint", "1", mp,
					"BlockDevice", "1", "x", "FSType", "1", "tmpfs", "MountOpt", "1", "", "FsckOpt", "1", ""}}
				r.want(ep.Monitor, 99)
			}
		})
	}
}

// TestMountAgentExt4 mounts an ext4 file system on a loop device, named
// through a symbolic link, with fsck first (FsckOpt -y).
func TestMountAgentExt4(t *testing.T) {
	tmpfsOrSkip(t)
	for _, tool := range []string{"losetup", "mkfs.ext4", "fsck.ext4"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	dir := t.TempDir()
	img := filepath.Join(dir, "fs.img")
	if out, err := exec.Command("sh", "-c", `truncate -s 8M "$1" && mkfs.ext4 -q -F "$1"`, "sh", img).CombinedOutput(); err != nil {
		t.Fatalf("make ext4 image: %v\n%s", err, out)
	}
	out, err := exec.Command("losetup", "-f", "--show", img).CombinedOutput()
	if err != nil {
		t.Skipf("no loop device available: %v: %s", err, out)
	}
	loop := strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command("losetup", "-d", loop).Run() })
	link := filepath.Join(dir, "disk")
	if err := os.Symlink(loop, link); err != nil {
		t.Fatal(err)
	}
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			mp := filepath.Join(t.TempDir(), "data")
			unmountAll(t, mp)
			r := &resource{t: t, s: agentUnder(t, "Mount", sh), name: "fs", tuples: []string{"MountPoint", "1", mp,
				"BlockDevice", "1", link, "FSType", "1", "ext4", "MountOpt", "1", "noatime", "FsckOpt", "1", "-y"}}
			r.want(ep.Monitor, 100)
			if res := r.want(ep.Online, 0); !strings.Contains(string(res.Output), "clean") {
				t.Errorf("online output %q, want fsck's report", res.Output)
			}
			r.want(ep.Monitor, 110)
			r.want(ep.Offline, 0)
			r.want(ep.Monitor, 100)
			if mountedAt(mp) {
				t.Fatalf("offline: %s still mounted", mp)
			}
		})
	}
}
