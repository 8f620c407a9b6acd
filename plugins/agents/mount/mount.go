// Package mount holds the built-in Mount agent. Monitor reads the mount
// table through moby/sys/mountinfo (no process): ONLINE when MountPoint
// holds BlockDevice (same source, same resolved path, or the same device
// number) of FSType. Online runs fsck (when FsckOpt is set, the device is a
// block device and fsck.<FSType> exists) and mount(8) through the daemon's
// runner.Runner; offline unmounts with umount(2); clean unmounts by force,
// then lazily, up to five times — as the bundled script agent does.
package mount

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents/proc"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// Errors of the Mount agent.
var (
	ErrAttr     = errors.New("attribute is not set")
	ErrRelative = errors.New("MountPoint is not an absolute path")
	ErrOther    = errors.New("MountPoint holds another file system")
	ErrStill    = errors.New("still mounted")
)

// Agent is the Mount agent.
type Agent struct {
	run *runner.Runner
}

var (
	_ sdk.Agent    = (*Agent)(nil)
	_ sdk.Onliner  = (*Agent)(nil)
	_ sdk.Offliner = (*Agent)(nil)
	_ sdk.Cleaner  = (*Agent)(nil)
)

// New returns a Mount agent running mount(8) and fsck through run.
func New(run *runner.Runner) *Agent { return &Agent{run: run} }

type attrs struct {
	mp, dev, fstype, opt, fsckOpt string
}

func getAttrs(r *sdk.Resource) (attrs, error) {
	a := attrs{mp: r.Attrs.Str("MountPoint"), dev: r.Attrs.Str("BlockDevice"), fstype: r.Attrs.Str("FSType"),
		opt: r.Attrs.Str("MountOpt"), fsckOpt: r.Attrs.Str("FsckOpt")}
	for _, x := range [][2]string{{"MountPoint", a.mp}, {"BlockDevice", a.dev}} {
		if x[1] == "" {
			return a, fmt.Errorf("resource %q: %s: %w", r.Name, x[0], ErrAttr)
		}
	}
	if !filepath.IsAbs(a.mp) {
		return a, fmt.Errorf("resource %q: %w: %s", r.Name, ErrRelative, a.mp)
	}
	if real, err := filepath.EvalSymlinks(a.mp); err == nil {
		a.mp = real
	}
	a.mp = filepath.Clean(a.mp)
	return a, nil
}

// status is what the mount table says about MountPoint.
type status int

const (
	none status = iota
	ours
	other
)

// state reads the mount table for MountPoint.
func state(a attrs) (status, string, error) {
	ms, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(a.mp))
	if err != nil {
		return none, "", fmt.Errorf("mount table: %w", err)
	}
	st, src := none, ""
	for _, m := range ms {
		if isOurs(a, m) {
			return ours, m.Source, nil
		}
		if st == none {
			st, src = other, m.Source
		}
	}
	return st, src, nil
}

// isOurs reports whether m is BlockDevice of FSType.
func isOurs(a attrs, m *mountinfo.Info) bool {
	if a.fstype != "" && a.fstype != "auto" && !strings.HasPrefix(m.FSType, a.fstype) {
		return false
	}
	if m.Source == a.dev {
		return true
	}
	if !filepath.IsAbs(a.dev) {
		return false
	}
	r1, e1 := filepath.EvalSymlinks(a.dev)
	r2, e2 := filepath.EvalSymlinks(m.Source)
	if e1 == nil && e2 == nil && r1 == r2 {
		return true
	}
	var st unix.Stat_t
	if unix.Stat(a.dev, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFBLK {
		return int(unix.Major(st.Rdev)) == m.Major && int(unix.Minor(st.Rdev)) == m.Minor
	}
	return false
}

// Monitor is ONLINE while MountPoint holds BlockDevice.
func (g *Agent) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	a, err := getAttrs(r)
	if err != nil {
		return sdk.Unknown, 0, err
	}
	st, src, err := state(a)
	switch {
	case err != nil:
		return sdk.Unknown, 0, err
	case st == ours:
		return sdk.Online, 100, nil
	case st == other:
		r.Log.Warn(fmt.Sprintf("MountPoint %s holds %s, not %s", a.mp, src, a.dev), sdk.MsgID(4010))
	}
	return sdk.Offline, 0, nil
}

// Online checks the file system when asked to and mounts it.
func (g *Agent) Online(ctx context.Context, r *sdk.Resource) (int, error) {
	a, err := getAttrs(r)
	if err != nil {
		return 0, err
	}
	st, src, err := state(a)
	switch {
	case err != nil:
		return 0, err
	case st == ours:
		r.Log.Info(fmt.Sprintf("%s is already mounted on %s", a.dev, a.mp), sdk.MsgID(4020), sdk.Notice)
		return 0, nil
	case st == other:
		return 0, fmt.Errorf("%w: %s holds %s; not mounting %s over it", ErrOther, a.mp, src, a.dev)
	}
	if fi, err := os.Stat(a.mp); err == nil && !fi.IsDir() {
		return 0, fmt.Errorf("MountPoint %s is not a directory", a.mp)
	}
	if err := os.MkdirAll(a.mp, 0o755); err != nil {
		return 0, fmt.Errorf("create MountPoint: %w", err)
	}
	if err := g.fsck(ctx, r, a); err != nil {
		return 0, err
	}
	args := []string{"-t", a.fstype}
	if a.opt != "" {
		args = append(args, "-o", a.opt)
	}
	args = append(args, "--", a.dev, a.mp)
	if a.fstype == "" {
		args = args[2:]
	}
	if res := g.tool(ctx, r, "mount", args); res.Outcome != ep.Exited || res.ExitCode != 0 {
		return 0, fmt.Errorf("mount of %s on %s failed: %s (exit %d): %s", a.dev, a.mp, res.Outcome, res.ExitCode,
			strings.TrimSpace(string(res.Output)))
	}
	r.Log.Info(fmt.Sprintf("Mounted %s on %s", a.dev, a.mp), sdk.MsgID(4027), sdk.Notice)
	return 0, nil
}

// fsck runs fsck -t FSType FsckOpt BlockDevice when asked and possible;
// an exit code of 4 or more stops the mount.
func (g *Agent) fsck(ctx context.Context, r *sdk.Resource, a attrs) error {
	var st unix.Stat_t
	if a.fsckOpt == "" || a.fstype == "" || unix.Stat(a.dev, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFBLK ||
		proc.Tool("fsck."+a.fstype) == "fsck."+a.fstype {
		return nil
	}
	args := append(append([]string{"-t", a.fstype}, strings.Fields(a.fsckOpt)...), a.dev)
	res := g.tool(ctx, r, "fsck", args)
	switch {
	case res.Outcome != ep.Exited || res.ExitCode >= 4:
		return fmt.Errorf("fsck of %s failed: %s (exit %d); not mounting", a.dev, res.Outcome, res.ExitCode)
	case res.ExitCode != 0:
		r.Log.Warn(fmt.Sprintf("fsck of %s corrected errors (exit code %d)", a.dev, res.ExitCode), sdk.MsgID(4025))
	}
	return nil
}

func (g *Agent) tool(ctx context.Context, r *sdk.Resource, name string, args []string) ep.Result {
	return g.run.RunCommand(ctx, proc.Tool(name), args, runner.RunOptions{
		Env: []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}, Logger: r.Log})
}

// Offline unmounts MountPoint when it holds BlockDevice.
func (g *Agent) Offline(_ context.Context, r *sdk.Resource) (int, error) {
	a, err := getAttrs(r)
	if err != nil {
		return 0, err
	}
	if st, _, err := state(a); err != nil || st != ours {
		return 0, err
	}
	if err := unix.Unmount(a.mp, 0); err != nil {
		return 0, fmt.Errorf("umount of %s failed: %w", a.mp, err)
	}
	r.Log.Info("Unmounted "+a.mp, sdk.MsgID(4030), sdk.Notice)
	return 0, nil
}

// Clean unmounts by force, lazily when busy, up to five times.
func (g *Agent) Clean(_ context.Context, r *sdk.Resource, reason sdk.CleanReason) error {
	a, err := getAttrs(r)
	if err != nil {
		return err
	}
	for i := 0; i < 5; i++ {
		st, _, err := state(a)
		if err != nil {
			return err
		}
		if st != ours {
			return nil
		}
		r.Log.Info(fmt.Sprintf("Unmounting %s by force, clean reason %d", a.mp, reason), sdk.MsgID(4040), sdk.Notice)
		if err := unix.Unmount(a.mp, unix.MNT_FORCE); err != nil {
			r.Log.Warn(a.mp+" is busy: lazy unmount", sdk.MsgID(4041))
			unix.Unmount(a.mp, unix.MNT_DETACH)
		}
	}
	if st, _, err := state(a); err != nil || st == ours {
		return fmt.Errorf("%s on %s: %w", a.dev, a.mp, errors.Join(ErrStill, err))
	}
	return nil
}
