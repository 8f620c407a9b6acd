// Command fileonoff is a FileOnOff agent written with the SDK, run as a
// plugin, with IMF (imf.go): install it as <AgentDirectory>/ExFileOnOffAgent (or name it with
// AgentFile) for the type in types.cf.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/vigil-ha/vigil/plugins/sdk"
)

// agent is the FileOnOff agent; its embedded watcher gives it IMF
// (imf.go): a removed or created file is noticed at once.
type agent struct{ *watcher }

var (
	_ sdk.IMF         = agent{}
	_ sdk.Agent       = agent{}
	_ sdk.Onliner     = agent{}
	_ sdk.Offliner    = agent{}
	_ sdk.Cleaner     = agent{}
	_ sdk.Informer    = agent{}
	_ sdk.AttrChanger = agent{}
)

func path(r *sdk.Resource) (string, error) {
	p := r.Attrs.Str("PathName")
	if p == "" {
		return "", fmt.Errorf("resource %s: PathName is not set", r.Name)
	}
	return p, nil
}

// Monitor is ONLINE while PathName is a regular file.
func (agent) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	p, err := path(r)
	if err != nil {
		return sdk.Unknown, 0, err
	}
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return sdk.Online, 100, nil
	}
	return sdk.Offline, 0, nil
}

// Online creates PathName.
func (agent) Online(_ context.Context, r *sdk.Resource) (int, error) {
	p, err := path(r)
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		return 0, err
	}
	r.Log.Info("Created file "+p, sdk.MsgID(1003), sdk.Notice)
	return 0, nil
}

// Offline removes PathName.
func (a agent) Offline(ctx context.Context, r *sdk.Resource) (int, error) {
	return 0, a.Clean(ctx, r, sdk.CleanUnexpectedOff)
}

// Clean removes PathName; a missing file is clean.
func (agent) Clean(_ context.Context, r *sdk.Resource, _ sdk.CleanReason) error {
	p, err := path(r)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Info reports the file's size and modification time (ResourceInfo).
func (agent) Info(_ context.Context, r *sdk.Resource, _ sdk.InfoOp) (string, error) {
	p, err := path(r)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("size=%d mtime=%s", fi.Size(), fi.ModTime().UTC().Format("2006-01-02T15:04:05Z")), nil
}

// AttrChanged logs the change; the next monitor uses the new value.
func (agent) AttrChanged(_ context.Context, r *sdk.Resource, c sdk.AttrChange) error {
	r.Log.Info(fmt.Sprintf("attribute %s of %s changed to %q", c.Attr, c.Resource, c.Value), sdk.MsgID(1005))
	return nil
}

func main() { sdk.Serve(agent{newWatcher()}) }
