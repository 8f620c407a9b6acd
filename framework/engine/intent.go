package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"
)

// intentFile holds the groups' intended states (like VCS IntentOnline), so
// that a restarted daemon brings back online what was online and leaves
// offline what an administrator took offline.
const intentFile = "intent.json"

func loadIntent(dir string, log *zap.Logger) map[string]string {
	m := map[string]string{}
	if dir == "" {
		return m
	}
	b, err := os.ReadFile(filepath.Join(dir, intentFile))
	if err != nil {
		if !os.IsNotExist(err) {
			log.Warn("read group intents", zap.Error(err))
		}
		return m
	}
	if err := json.Unmarshal(b, &m); err != nil {
		log.Warn("group intents unreadable; ignored", zap.Error(err))
		return map[string]string{}
	}
	return m
}

// setIntent records a group's intended state and saves all intents
// atomically (temp file, fsync, rename). When the intents cannot be saved
// the intent in memory is put back and the error returned: a change that
// would not survive a restart is refused. The caller holds e.saveMu.
func (e *Engine) setIntent(group, state string) error {
	e.mu.Lock()
	prev, had := e.intent[group]
	e.intent[group] = state
	b, _ := json.MarshalIndent(e.intent, "", "  ")
	stopped := e.stopped
	e.mu.Unlock()
	if e.o.StateDir == "" || stopped {
		return nil
	}
	err := writeAtomic(filepath.Join(e.o.StateDir, intentFile), b)
	if err == nil {
		return nil
	}
	e.mu.Lock()
	if had {
		e.intent[group] = prev
	} else {
		delete(e.intent, group)
	}
	e.mu.Unlock()
	e.log.Error("save group intents", zap.String("group", group), zap.Error(err))
	return errorf(ErrFailed, "%s group %q: the intent cannot be saved, so nothing is done (a restart would not "+
		"honour it): %w", verb(state), group, err)
}

func verb(state string) string {
	if state == "online" {
		return "online"
	}
	return "offline"
}

// CheckStateDir reports whether the state directory can hold the group
// intents: it creates, syncs and removes a file there. The daemon calls it
// at start-up and says so when it cannot.
func (e *Engine) CheckStateDir() error {
	if e.o.StateDir == "" {
		return nil
	}
	f, err := os.CreateTemp(e.o.StateDir, ".tmp-check-")
	if err != nil {
		return fmt.Errorf("state directory %s is not writable; group intents cannot be saved and every "+
			"online or offline request will be refused: %w", e.o.StateDir, err)
	}
	defer os.Remove(f.Name())
	return f.Close()
}

// groupRequest starts a group online or offline: under e.saveMu (so that
// the intent saved last is the operation started last), it saves the
// intent and starts the operation, or joins the identical one running. A
// An intent that cannot be saved refuses the request with nothing done.
func (e *Engine) groupRequest(ctx context.Context, name, state string, why error, fn func(context.Context) error) (*opResult, error) {
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	if err := e.setIntent(name, state); err != nil {
		return nil, err
	}
	e.touch(name)
	return e.startGroupOpKey(name, state, state, why, fn), nil
}

// awaitProbes waits until Start has the first probe of every resource, so a
// request received while the engine probes is acted on with known states.
// If ctx ends first, nothing is done.
func (e *Engine) awaitProbes(ctx context.Context, what string) error {
	select {
	case <-e.probed:
		return nil
	case <-ctx.Done():
		return errorf(ErrConflict, "%s: the engine is still probing its resources; nothing done (%w)", what, context.Cause(ctx))
	}
}

// CleanStateDir removes the temporary files a crash may have left in the
// state directory (.tmp-*).
func CleanStateDir(dir string) {
	if dir == "" {
		return
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	for _, p := range leftovers {
		os.Remove(p)
	}
}

func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
