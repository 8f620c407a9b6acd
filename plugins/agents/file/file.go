package file

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/plugins/sdk"
)

// ErrNoPathName is returned when the resource's PathName is empty.
var ErrNoPathName = errors.New("attribute PathName is not set")

// pathName returns the resource's PathName or logs and returns ErrNoPathName.
func pathName(r *sdk.Resource) (string, error) {
	p := r.Attrs.Str("PathName")
	if p == "" {
		return "", fmt.Errorf("resource %q: %w", r.Name, ErrNoPathName)
	}
	return p, nil
}

// isFile reports whether p is a regular file (following links), as
// `test -f` does.
func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// exists reports whether anything is at p, as `test -e` does.
func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// fileMonitor is ONLINE while PathName is a regular file.
func fileMonitor(r *sdk.Resource) (sdk.State, int, error) {
	p, err := pathName(r)
	if err != nil {
		return sdk.Unknown, 0, err
	}
	if isFile(p) {
		return sdk.Online, 100, nil
	}
	return sdk.Offline, 0, nil
}

// touch creates p or updates its times, as touch(1) does.
func touch(p string) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("create file %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create file %s: %w", p, err)
	}
	now := []unix.Timespec{{Nsec: unix.UTIME_NOW}, {Nsec: unix.UTIME_NOW}}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, now, 0); err != nil {
		return fmt.Errorf("touch file %s: %w", p, err)
	}
	return nil
}

// remove removes p; a missing file is not an error. It fails when
// something is still at p afterwards.
func remove(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove file %s: %w", p, err)
	}
	if exists(p) {
		return fmt.Errorf("file %s is still there", p)
	}
	return nil
}

// OnOff is the FileOnOff agent.
type OnOff struct{}

var (
	_ sdk.Agent    = OnOff{}
	_ sdk.Onliner  = OnOff{}
	_ sdk.Offliner = OnOff{}
	_ sdk.Cleaner  = OnOff{}
)

// Monitor is ONLINE while PathName is a regular file.
func (OnOff) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	return fileMonitor(r)
}

// Online creates PathName.
func (OnOff) Online(_ context.Context, r *sdk.Resource) (int, error) { return online(r) }

// Offline removes PathName.
func (OnOff) Offline(_ context.Context, r *sdk.Resource) (int, error) {
	p, err := pathName(r)
	if err != nil {
		return 0, err
	}
	if err := remove(p); err != nil {
		return 0, err
	}
	r.Log.Info("Removed file "+p, sdk.MsgID(1004), sdk.Notice)
	return 0, nil
}

// Clean removes PathName and fails if it is still there.
func (OnOff) Clean(_ context.Context, r *sdk.Resource, _ sdk.CleanReason) error { return clean(r) }

func online(r *sdk.Resource) (int, error) {
	p, err := pathName(r)
	if err != nil {
		return 0, err
	}
	if err := touch(p); err != nil {
		return 0, err
	}
	r.Log.Info("Created file "+p, sdk.MsgID(1003), sdk.Notice)
	return 0, nil
}

func clean(r *sdk.Resource) error {
	p, err := pathName(r)
	if err != nil {
		return err
	}
	return remove(p)
}

// OnOnly is the FileOnOnly agent: FileOnOff without offline.
type OnOnly struct{}

var (
	_ sdk.Agent   = OnOnly{}
	_ sdk.Onliner = OnOnly{}
	_ sdk.Cleaner = OnOnly{}
)

// Monitor is ONLINE while PathName is a regular file.
func (OnOnly) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	return fileMonitor(r)
}

// Online creates PathName.
func (OnOnly) Online(_ context.Context, r *sdk.Resource) (int, error) { return online(r) }

// Clean removes PathName and fails if it is still there.
func (OnOnly) Clean(_ context.Context, r *sdk.Resource, _ sdk.CleanReason) error { return clean(r) }

// None is the FileNone agent: a persistent resource, ONLINE while PathName
// is a regular file.
type None struct{}

var _ sdk.Agent = None{}

// Monitor is ONLINE while PathName is a regular file.
func (None) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	return fileMonitor(r)
}

// ElifNone is the ElifNone agent: ONLINE while nothing is at PathName.
type ElifNone struct{}

var _ sdk.Agent = ElifNone{}

// Monitor is ONLINE while nothing exists at PathName.
func (ElifNone) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	p, err := pathName(r)
	if err != nil {
		return sdk.Unknown, 0, err
	}
	if exists(p) {
		return sdk.Offline, 0, nil
	}
	return sdk.Online, 100, nil
}
