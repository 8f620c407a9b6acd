package events

import "strings"

// Severity is the VCS severity word a log line carries for an event.
type Severity string

// Severities, as VCS logs print them.
const (
	SevCritical Severity = "CRITICAL"
	SevError    Severity = "ERROR"
	SevWarning  Severity = "WARNING"
	SevNotice   Severity = "NOTICE"
	SevInfo     Severity = "INFO"
)

// UMICategory is the category of every event line: 1, the engine (HAD).
const UMICategory = "1"

// umi is a kind's message id and usual severity.
type umi struct {
	id  int
	sev Severity
}

// catalogue gives every kind a stable message id, so `grep V-16-1-10303`
// finds every fault and nothing else, as on VCS. Where VCS has a message for
// the same occurrence its number is reused (10303 resource faulted, 13027
// monitor timed out, 13067 clean after an unexpected offline, 10242 and
// 10136 added); the others are numbers of our own, never reused for
// another kind. TestCatalogueComplete checks every kind has one.
var catalogue = map[Kind]umi{
	KindState:          {10297, SevInfo},
	KindFault:          {10303, SevError},
	KindRestart:        {13073, SevWarning},
	KindClean:          {13067, SevInfo},
	KindMonitorTimeout: {13027, SevWarning},
	KindOnlineFailed:   {13066, SevError},
	KindOfflineFailed:  {13069, SevError},
	KindEPError:        {13078, SevError},
	KindInfo:           {10001, SevInfo},
	KindAdminWait:      {13075, SevWarning},

	KindGroupState:      {10447, SevInfo},
	KindGroupFault:      {10205, SevError},
	KindPropagate:       {10206, SevWarning},
	KindAttr:            {10011, SevNotice},
	KindEngine:          {10000, SevInfo},
	KindAgentError:      {10031, SevError},
	KindAutoStartFailed: {10165, SevError},
	KindRequest:         {10233, SevInfo},
	KindTrigger:         {10040, SevInfo},
	KindEventsLost:      {10050, SevWarning},

	KindIMFRegistered:   {10700, SevInfo},
	KindIMFUnregistered: {10701, SevInfo},
	KindIMFEvent:        {10702, SevInfo},
	KindIMFRescan:       {10703, SevWarning},
	KindIMFFallback:     {10704, SevWarning},

	KindStatsSudden:  {10710, SevWarning}, // issue 11: statistics notifications are WARNINGs
	KindStatsGradual: {10711, SevWarning},
}

// MessageID returns the UMI message id of kind k (the <id> of
// V-16-1-<id>), 0 for a kind outside the catalogue.
func (k Kind) MessageID() int { return catalogue[k].id }

// LogSeverity returns the severity the engine log gives e: the kind's own
// severity, raised for the events of a kind that are failures: a state
// change to FAULTED is an ERROR, a failed clean or trigger a WARNING (their
// Detail is written by the state machine and the trigger runner as
// "... failed ..." and "...: exited N" / "timed out").
func LogSeverity(e Event) Severity {
	u, ok := catalogue[e.Kind]
	if !ok {
		return SevInfo
	}
	switch e.Kind {
	case KindState:
		if strings.HasPrefix(e.To, "FAULTED") {
			return SevError
		}
	case KindGroupState:
		if strings.Contains(e.To, "FAULTED") {
			return SevError
		}
	case KindClean:
		if strings.Contains(e.Detail, " failed") {
			return SevError
		}
	case KindTrigger:
		if !strings.HasSuffix(e.Detail, ": exited 0") {
			return SevWarning
		}
	}
	return u.sev
}
