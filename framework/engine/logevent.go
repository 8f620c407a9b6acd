package engine

import (
	"strconv"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/events"
)

// logEvent writes ev to the engine log at the severity and with the
// message id of its kind (events.LogSeverity, Kind.MessageID), so that
// `grep "VCS ERROR" engine_A.log` finds every fault, failed online or
// offline and agent error, and `grep V-16-1-10303` finds every fault.
func (e *Engine) logEvent(ev events.Event) {
	sev := events.LogSeverity(ev)
	fields := []zap.Field{zap.String("kind", string(ev.Kind)),
		zap.String(agentlog.FieldSeverity, string(sev)),
		zap.String(agentlog.FieldCategory, events.UMICategory),
		zap.String(agentlog.FieldMsgID, strconv.Itoa(ev.Kind.MessageID()))}
	for _, f := range [][2]string{{"resource", ev.Resource}, {"type", ev.Type}, {"group", ev.Group}} {
		if f[1] != "" {
			fields = append(fields, zap.String(f[0], f[1]))
		}
	}
	if ce := e.log.Check(levelOf(sev), describe(ev)); ce != nil {
		ce.Write(fields...)
	}
}

// levelOf maps a VCS severity to the zap level it is written at (NOTICE is
// written at info level with its own word, CRITICAL at error level).
func levelOf(s events.Severity) zapcore.Level {
	switch s {
	case events.SevCritical, events.SevError:
		return zapcore.ErrorLevel
	case events.SevWarning:
		return zapcore.WarnLevel
	}
	return zapcore.InfoLevel
}
