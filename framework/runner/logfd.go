package runner

import (
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/agentlog"
)

// RecordKind says what a helper-library record on fd 3 is.
type RecordKind byte

// Record kinds. The wire form is one line per record, starting with
// RecordMark, fields separated by a tab, the text last (helpers fold
// newlines in it into spaces):
//
//	<RS> L <tab> <sev C|E|W|N|I> <tab> <category> <tab> <msgid> <tab> <text>
//	<RS> D <tab> <level 1..21> <tab> <category> <tab> <text>
//	<RS> T <tab> <seconds>
//
// fd 3 is the same pipe as stdout and stderr, so records and printed lines
// keep the order in which they were written; the mark tells them apart.
const (
	RecordLog     RecordKind = 'L' // VCSAG_LOG_MSG
	RecordDebug   RecordKind = 'D' // VCSAG_LOGDBG_MSG (already gated by LogDbg)
	RecordTimeout RecordKind = 'T' // VCSAG_SET_RES_EP_TIMEOUT
)

// Record is one parsed helper-library record.
type Record struct {
	Kind     RecordKind
	Severity string // CRITICAL, ERROR, WARNING, NOTICE, INFO (RecordLog)
	Level    int    // debug level (RecordDebug)
	Category string
	MsgID    string
	Text     string
	Timeout  time.Duration // RecordTimeout
}

var severities = map[string]string{"C": "CRITICAL", "E": "ERROR", "W": "WARNING", "N": "NOTICE", "I": "INFO"}

// RecordMark starts every record line (ASCII RS, which no entry point
// prints by accident).
const RecordMark = '\x1e'

// ParseRecord parses one record line (without its newline; the leading
// RecordMark is optional).
func ParseRecord(line string) (Record, bool) {
	line = strings.TrimPrefix(line, string(RecordMark))
	f := strings.SplitN(line, "\t", 5)
	switch {
	case len(f) == 5 && f[0] == "L":
		sev, ok := severities[strings.ToUpper(f[1])]
		if !ok {
			sev = "INFO"
		}
		return Record{Kind: RecordLog, Severity: sev, Category: f[2], MsgID: f[3], Text: f[4]}, true
	case len(f) >= 4 && f[0] == "D":
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 1 || n > 21 {
			return Record{}, false
		}
		return Record{Kind: RecordDebug, Level: n, Category: f[2], Text: strings.Join(f[3:], "\t")}, true
	case len(f) == 2 && f[0] == "T":
		n, err := strconv.Atoi(strings.TrimSpace(f[1]))
		if err != nil || n <= 0 {
			return Record{}, false
		}
		return Record{Kind: RecordTimeout, Timeout: time.Duration(n) * time.Second}, true
	}
	return Record{}, false
}

// Log writes the record to log with the fields agentlog understands.
func (r Record) Log(log *zap.Logger) {
	switch r.Kind {
	case RecordLog:
		fields := []zap.Field{zap.String(agentlog.FieldSeverity, r.Severity),
			zap.String(agentlog.FieldCategory, r.Category), zap.String(agentlog.FieldMsgID, r.MsgID)}
		switch r.Severity {
		case "CRITICAL", "ERROR":
			log.Error(r.Text, fields...)
		case "WARNING":
			log.Warn(r.Text, fields...)
		default:
			log.Info(r.Text, fields...)
		}
	case RecordDebug:
		// VCS prints debug lines under category 50 whatever the agent's category.
		log.Debug(r.Text, zap.Int(agentlog.FieldDebugLevel, r.Level))
	case RecordTimeout:
		log.Info("entry point extends its timeout", zap.Duration("timeout", r.Timeout))
	}
}
