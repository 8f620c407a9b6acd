package mount

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/plugins/imf"
)

// mountTmpfs mounts a tmpfs on a new directory, unmounted at cleanup.
func mountTmpfs(t *testing.T, dir string) {
	t.Helper()
	if err := unix.Mount("vigiltest", dir, "tmpfs", 0, "size=1m"); err != nil {
		if errors.Is(err, unix.EPERM) {
			t.Skipf("mounting tmpfs needs CAP_SYS_ADMIN: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
}

func newPlugin(t *testing.T) (*Plugin, chan imf.Notice) {
	ch := make(chan imf.Notice, 64)
	p := New(Options{Notify: func(n imf.Notice) { ch <- n }})
	t.Cleanup(func() { p.Close() })
	return p, ch
}

func waitNotice(t *testing.T, ch chan imf.Notice, resource, contains string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case n := <-ch:
			if n.Resource == resource && strings.Contains(n.Detail, contains) {
				return
			}
		case <-deadline:
			t.Fatalf("no notice for %s containing %q", resource, contains)
		}
	}
}

// TestMountEvents: unmount, mount and remount read-only are each reported.
func TestMountEvents(t *testing.T) {
	dir := t.TempDir()
	mountTmpfs(t, dir)
	p, ch := newPlugin(t)
	on := imf.Spec{Resource: "m", RegType: imf.RegMNTON, Tags: map[string]string{"MountPoint": dir, "FSType": "tmpfs"}}
	if err := p.Watch(on); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	waitNotice(t, ch, "m", "changed")
	if err := unix.Unmount(dir, 0); err != nil {
		t.Fatal(err)
	}
	waitNotice(t, ch, "m", "unmounted")

	off := imf.Spec{Resource: "m", RegType: imf.RegMNTOFF, Tags: map[string]string{"MountPoint": dir + "/", "BlockDevice": "vigiltest"}}
	if err := p.Watch(off); err != nil {
		t.Fatal(err)
	}
	mountTmpfs(t, dir)
	waitNotice(t, ch, "m", "mounted")
	if st := p.Status(); st.Events != 3 || len(st.Watches) != 1 || st.Watches[0].RegType != imf.RegMNTOFF {
		t.Errorf("status %+v", st)
	}
	p.Unwatch("m")
	if p.w != nil {
		t.Error("mountinfo source still open after the last watch")
	}
}

func TestMountWatchErrors(t *testing.T) {
	p, ch := newPlugin(t)
	dir := t.TempDir()
	err := p.Watch(imf.Spec{Resource: "m", RegType: imf.RegMNTON, Tags: map[string]string{"MountPoint": dir}})
	if !errors.Is(err, imf.ErrNothingToWatch) {
		t.Errorf("MNTON of an unmounted point: %v", err)
	}
	if err := p.Watch(imf.Spec{Resource: "m", RegType: imf.RegMNTON, Tags: map[string]string{"MountPoint": "rel"}}); err == nil {
		t.Error("relative MountPoint accepted")
	}
	// MNTOFF of a point already mounted is reported at once.
	mountTmpfs(t, dir)
	if err := p.Watch(imf.Spec{Resource: "m2", RegType: imf.RegMNTOFF, Tags: map[string]string{"MountPoint": dir}}); err != nil {
		t.Fatal(err)
	}
	waitNotice(t, ch, "m2", "already mounted")
}

func TestParseTable(t *testing.T) {
	text := "22 1 0:21 / /mnt/a rw,relatime shared:1 - tmpfs a rw\n" +
		"23 22 0:22 / /mnt/a ro,relatime - ext4 /dev/sdb1 ro\n"
	tb, err := ParseTable(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	fp, ok := tb.Top("/mnt/a/", "", "")
	if !ok || fp.ID != 23 || fp.Source != "/dev/sdb1" || fp.Options != "ro,relatime" {
		t.Errorf("top = %+v %v", fp, ok)
	}
	if _, ok := tb.Top("/mnt/a", "", "tmpfs"); ok {
		t.Error("a mount hidden under another matched")
	}
}
