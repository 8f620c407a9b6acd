package agent

import (
	"strconv"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/events"
)

// logSteps reports whether the per-cycle state-machine step lines of res
// are written: only when Options.Debug (vigil agent --debug) or the type's
// LogDbg asks for debug output. With LogDbg empty an agent log holds the
// entry points' messages and the failures, not one line per monitor cycle.
// Called with a.mu held.
func (a *Agent) logSteps(res *resource) bool {
	if a.o.Debug {
		return true
	}
	v, _ := res.r.Attr("LogDbg")
	return len(v.List) > 0
}

// logNote writes a notification that reports a failure (fault, monitor
// timeout, failed clean, failed online or offline, entry-point error) to
// the agent log at its severity, with the kind's message id in category 2
// (the agent framework), so `grep "VCS ERROR" <Type>_A.log` finds it.
// Informational notifications and state changes go to the engine log only.
func (a *Agent) logNote(e events.Event) {
	sev := events.LogSeverity(e)
	var lvl zapcore.Level
	switch sev {
	case events.SevCritical, events.SevError:
		lvl = zapcore.ErrorLevel
	case events.SevWarning:
		lvl = zapcore.WarnLevel
	default:
		return
	}
	msg := string(e.Kind)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if ce := a.log.Check(lvl, msg); ce != nil {
		ce.Write(zap.String(agentlog.FieldResource, e.Resource), zap.String(agentlog.FieldEP, e.Cause),
			zap.String(agentlog.FieldSeverity, string(sev)), zap.String(agentlog.FieldCategory, agentlog.CategoryFramework),
			zap.String(agentlog.FieldMsgID, strconv.Itoa(e.Kind.MessageID())))
	}
}
