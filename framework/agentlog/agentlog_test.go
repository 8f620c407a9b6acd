package agentlog_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agentlog"
)

// TestVCSFormat checks the VCS line format for each kind of entry.
func TestVCSFormat(t *testing.T) {
	stamp := `\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `
	tests := []struct {
		name string
		log  func(*zap.Logger)
		want string // regexp after the time stamp
	}{
		{"agent error with umi", func(l *zap.Logger) {
			l.Error("bad thing", zap.String(agentlog.FieldCategory, "2001"), zap.String(agentlog.FieldMsgID, "12"))
		}, `VCS ERROR V-16-2001-12 FileOnOff:f1:monitor:bad thing$`},
		{"notice severity field", func(l *zap.Logger) {
			l.Info("hello", zap.String(agentlog.FieldSeverity, "NOTICE"))
		}, `VCS NOTICE V-16-2-0 FileOnOff:f1:monitor:hello$`},
		{"debug level", func(l *zap.Logger) { l.Debug("dbg", zap.Int(agentlog.FieldDebugLevel, 3)) },
			`VCS DBG_3 V-16-50-0 FileOnOff:f1:monitor:dbg$`},
		{"warning with extra fields and newline", func(l *zap.Logger) {
			l.Warn("two\nlines", zap.Int("pid", 42), zap.String("why", "a b"))
		}, `VCS WARNING V-16-2-0 FileOnOff:f1:monitor:two lines pid=42 why="a b"$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			core, err := agentlog.NewCore(zapcore.AddSync(&buf), agentlog.FormatVCS, nil, agentlog.CategoryFramework)
			if err != nil {
				t.Fatal(err)
			}
			l := zap.New(core).With(zap.String(agentlog.FieldType, "FileOnOff"), zap.String(agentlog.FieldResource, "f1"),
				zap.String(agentlog.FieldEP, "monitor"))
			tc.log(l)
			line := strings.TrimSuffix(buf.String(), "\n")
			if !regexp.MustCompile("^" + stamp + tc.want).MatchString(line) {
				t.Errorf("line %q does not match %q", line, tc.want)
			}
		})
	}
}

// TestFilesAndJSON checks file names, the engine category and JSON output.
func TestFilesAndJSON(t *testing.T) {
	dir := t.TempDir()
	l, c, err := agentlog.Agent(agentlog.Options{Dir: dir}, "Web")
	if err != nil {
		t.Fatal(err)
	}
	l.Info("started")
	c.Close()
	e, c2, err := agentlog.Engine(agentlog.Options{Dir: dir, Format: agentlog.FormatJSON})
	if err != nil {
		t.Fatal(err)
	}
	e.Info("engine up", zap.String(agentlog.FieldMsgID, "10136"))
	c2.Close()
	a, _ := os.ReadFile(filepath.Join(dir, "Web_A.log"))
	if !strings.Contains(string(a), " VCS INFO V-16-2-0 Web:::started\n") {
		t.Errorf("Web_A.log: %q", a)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "engine_A.log"))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["msg"] != "engine up" || m["msgid"] != "10136" {
		t.Errorf("engine_A.log json: %q (%v)", b, err)
	}
	if _, _, err := agentlog.Open(agentlog.Options{Dir: dir, Format: "xml"}, "x_A.log", "1"); err == nil {
		t.Error("unknown format accepted")
	}
}
