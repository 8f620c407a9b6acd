package engine

import (
	"encoding/json"
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
// atomically (temp file, fsync, rename).
func (e *Engine) setIntent(group, state string) {
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	e.mu.Lock()
	e.intent[group] = state
	b, _ := json.MarshalIndent(e.intent, "", "  ")
	stopped := e.stopped
	e.mu.Unlock()
	if e.o.StateDir == "" || stopped {
		return
	}
	if err := writeAtomic(filepath.Join(e.o.StateDir, intentFile), b); err != nil {
		e.log.Warn("save group intents", zap.Error(err))
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
