package agentlog

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Field names the VCS encoder understands.
const (
	FieldType       = "type"
	FieldResource   = "resource"
	FieldEP         = "ep"
	FieldSeverity   = "sev"   // CRITICAL, ERROR, WARNING, NOTICE, INFO
	FieldCategory   = "cat"   // UMI category
	FieldMsgID      = "msgid" // UMI message id
	FieldDebugLevel = "dbg"   // 1..21
)

// Default UMI categories.
const (
	CategoryEngine    = "1"
	CategoryFramework = "2"
	CategoryDebug     = "50"
)

// Formats.
const (
	FormatVCS  = "vcs"
	FormatJSON = "json"
)

// Options configure log files.
type Options struct {
	Dir        string // log directory
	Format     string // FormatVCS (default) or FormatJSON
	MaxSizeMB  int    // rotate when a file would exceed this (0 = 32)
	MaxBackups int    // rotated files kept, _B.log onwards (0 = 5, at most 25)
	// Level is the lowest level written (default debug: debug records
	// arriving here were already gated by LogDbg).
	Level zapcore.LevelEnabler
}

// ErrFormat is returned for an unknown log format.
var ErrFormat = errors.New("unknown log format")

// Agent opens `<Dir>/<typeName>_A.log` and returns a logger with FieldType
// set, and the closer of the file.
func Agent(o Options, typeName string) (*zap.Logger, io.Closer, error) {
	l, c, err := Open(o, typeName+"_A.log", CategoryFramework)
	if err != nil {
		return nil, nil, err
	}
	return l.With(zap.String(FieldType, typeName)), c, nil
}

// Engine opens `<Dir>/engine_A.log`.
func Engine(o Options) (*zap.Logger, io.Closer, error) {
	return Open(o, "engine_A.log", CategoryEngine)
}

// Open opens a size-rotated log file in o.Dir; defCat is the UMI category
// of entries that carry none.
func Open(o Options, name, defCat string) (*zap.Logger, io.Closer, error) {
	if o.MaxSizeMB <= 0 {
		o.MaxSizeMB = 32
	}
	if o.MaxBackups <= 0 {
		o.MaxBackups = 5
	}
	lf, err := openLetterFile(o.Dir, name, int64(o.MaxSizeMB)<<20, o.MaxBackups)
	if err != nil {
		return nil, nil, err
	}
	core, err := NewCore(lf, o.Format, o.Level, defCat)
	if err != nil {
		lf.Close()
		return nil, nil, err
	}
	lf.report = rotationReport(o.Format, lf.path(0), defCat)
	return zap.New(core), lf, nil
}

// NewCore returns a zap core writing to w in the given format.
func NewCore(w zapcore.WriteSyncer, format string, lvl zapcore.LevelEnabler, defCat string) (zapcore.Core, error) {
	if lvl == nil {
		lvl = zapcore.DebugLevel
	}
	switch format {
	case "", FormatVCS:
		return &vcsCore{LevelEnabler: lvl, out: w, defCat: defCat, mu: &sync.Mutex{}}, nil
	case FormatJSON:
		cfg := zap.NewProductionEncoderConfig()
		cfg.EncodeTime = zapcore.RFC3339NanoTimeEncoder
		return zapcore.NewCore(zapcore.NewJSONEncoder(cfg), w, lvl), nil
	}
	return nil, fmt.Errorf("log format %q: %w", format, ErrFormat)
}

// vcsCore formats entries as VCS log lines.
type vcsCore struct {
	zapcore.LevelEnabler
	fields []zapcore.Field
	out    zapcore.WriteSyncer
	defCat string
	mu     *sync.Mutex
}

func (c *vcsCore) With(fs []zapcore.Field) zapcore.Core {
	n := *c
	n.fields = append(append([]zapcore.Field(nil), c.fields...), fs...)
	return &n
}

func (c *vcsCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c *vcsCore) Write(e zapcore.Entry, fs []zapcore.Field) error {
	enc := zapcore.NewMapObjectEncoder()
	for _, f := range c.fields {
		f.AddTo(enc)
	}
	for _, f := range fs {
		f.AddTo(enc)
	}
	line := FormatLine(e, enc.Fields, c.defCat)
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := io.WriteString(c.out, line)
	return err
}

func (c *vcsCore) Sync() error { return c.out.Sync() }

// FormatLine renders one entry with its fields as a VCS log line (with the
// trailing newline).
func FormatLine(e zapcore.Entry, f map[string]any, defCat string) string {
	take := func(k string) string {
		v, ok := f[k]
		if !ok {
			return ""
		}
		delete(f, k)
		return fmt.Sprint(v)
	}
	sev, cat, id, dbg := take(FieldSeverity), take(FieldCategory), take(FieldMsgID), take(FieldDebugLevel)
	if sev == "" {
		sev = levelWord(e.Level)
	}
	if e.Level == zapcore.DebugLevel {
		if dbg == "" {
			dbg = "1"
		}
		sev = "DBG_" + dbg
		if cat == "" {
			cat = CategoryDebug
		}
	}
	if cat == "" {
		cat = defCat
	}
	if id == "" {
		id = "0"
	}
	var b strings.Builder
	b.WriteString(e.Time.Format("2006/01/02 15:04:05"))
	b.WriteString(" VCS " + sev + " V-16-" + cat + "-" + id + " ")
	typ, res, epn := take(FieldType), take(FieldResource), take(FieldEP)
	if typ != "" || res != "" || epn != "" {
		b.WriteString(typ + ":" + res + ":" + epn + ":")
	}
	b.WriteString(oneLine(e.Message))
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" " + k + "=" + quoteIfNeeded(fmt.Sprint(f[k])))
	}
	b.WriteByte('\n')
	return b.String()
}

func levelWord(l zapcore.Level) string {
	switch {
	case l >= zapcore.DPanicLevel:
		return "CRITICAL"
	case l == zapcore.ErrorLevel:
		return "ERROR"
	case l == zapcore.WarnLevel:
		return "WARNING"
	default:
		return "INFO"
	}
}

func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"=") {
		return strconv.Quote(s)
	}
	return s
}
