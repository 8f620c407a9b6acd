package host

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// hostModule names go-plugin's own logger; it logs the plugin's stderr
// under hostModule.<binary>.
const hostModule = "plugin"

// newHCLog returns the hclog logger go-plugin writes the plugin's stderr
// (and its own messages) to: JSON lines turned into entries of log.
func newHCLog(log *zap.Logger) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: hostModule, Output: &zapWriter{log: log}, JSONFormat: true,
		Level: hclog.Debug})
}

// zapWriter decodes hclog JSON lines into zap entries.
type zapWriter struct {
	mu   sync.Mutex
	log  *zap.Logger
	part []byte
}

// dropped are hclog keys that the agent log's own line already carries.
var dropped = map[string]bool{"@level": true, "@message": true, "@timestamp": true, "@module": true,
	"@caller": true, "timestamp": true}

// Write logs every complete line of p.
func (w *zapWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.part = append(w.part, p...)
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.line(w.part[:i])
		w.part = w.part[i+1:]
	}
}

func (w *zapWriter) line(b []byte) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		w.log.Info(string(b))
		return
	}
	msg, _ := m["@message"].(string)
	lvl, _ := m["@level"].(string)
	if mod, _ := m["@module"].(string); mod == hostModule && (lvl == "debug" || lvl == "trace") {
		return // go-plugin's own start-up chatter; the plugin's lines come as hostModule.<binary>
	}
	var fields []zap.Field
	for k, v := range m {
		if dropped[k] {
			continue
		}
		if s, ok := v.(string); ok {
			fields = append(fields, zap.String(k, s))
			continue
		}
		fields = append(fields, zap.String(k, fmt.Sprint(v)))
	}
	level := zapcore.InfoLevel
	switch lvl {
	case "trace", "debug":
		level = zapcore.DebugLevel
	case "warn":
		level = zapcore.WarnLevel
	case "error":
		level = zapcore.ErrorLevel
	}
	if ce := w.log.Check(level, msg); ce != nil {
		ce.Write(fields...)
	}
}
