package engine

import (
	"strings"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/events"
)

// agentAdapter makes a *agent.Agent an Agent: it converts the status type.
type agentAdapter struct {
	*agent.Agent
}

var _ Agent = agentAdapter{}

// FromAgent wraps a per-type agent for the engine.
func FromAgent(a *agent.Agent) Agent { return agentAdapter{a} }

// Status converts the agent's status of a resource.
func (a agentAdapter) Status(name string) (ResourceStatus, bool) {
	st, ok := a.Agent.Status(name)
	if !ok {
		return ResourceStatus{State: StateUnknown}, false
	}
	state, flags := splitState(st.State)
	return ResourceStatus{State: state, Flags: append(flags, st.Flags...), Internal: st.Internal,
		Confidence: st.Confidence, LastMonitor: st.LastMonitor, Counters: st.Counters,
		ResourceInfo: st.ResourceInfo, Enabled: st.Enabled}, true
}

// splitState separates "ONLINE|ADMIN_WAIT" into the base state and flags.
func splitState(s string) (string, []string) {
	parts := strings.Split(s, "|")
	if parts[0] == "" {
		return StateUnknown, nil
	}
	return parts[0], parts[1:]
}

// EventFromAgent converts an agent event for the bus.
func EventFromAgent(ev agent.Event) events.Event {
	return events.Event{Time: ev.Time, Kind: ev.Kind, Type: ev.Type, Resource: ev.Resource,
		From: ev.From, To: ev.To, Cause: ev.Cause, Detail: ev.Detail}
}
