package state

import (
	"fmt"
	"strings"
)

// Resource is an engine-visible resource state. The zero value is Unknown.
type Resource uint8

// Engine-visible resource states.
const (
	Unknown Resource = iota
	Online
	Offline
	Faulted
	numResource
)

var resourceNames = [...]string{"UNKNOWN", "ONLINE", "OFFLINE", "FAULTED"}

// String returns the VCS name ("ONLINE").
func (s Resource) String() string {
	if s >= numResource {
		return fmt.Sprintf("Resource(%d)", uint8(s))
	}
	return resourceNames[s]
}

// Resources lists every resource state, in declaration order.
func Resources() []Resource {
	out := make([]Resource, numResource)
	for i := range out {
		out[i] = Resource(i)
	}
	return out
}

// ParseResource returns the state named s.
func ParseResource(s string) (Resource, error) {
	for i, n := range resourceNames {
		if n == s {
			return Resource(i), nil
		}
	}
	return Unknown, fmt.Errorf("unknown resource state %q", s)
}

// Flags is a set of resource state flags.
type Flags uint16

// Resource state flags, in the order String lists them: at most one of the
// first five is set at a time (it follows from the agent-internal state),
// then RESTARTING and MONITOR_TIMEDOUT.
const (
	Probing Flags = 1 << iota
	WaitingToOnline
	WaitingToOffline
	Cleaning
	AdminWait
	Restarting
	MonitorTimedOut
	numFlags = iota
)

var flagNames = [numFlags]string{"PROBING", "WAITING_TO_ONLINE", "WAITING_TO_OFFLINE", "CLEANING",
	"ADMIN_WAIT", "RESTARTING", "MONITOR_TIMEDOUT"}

// Has reports whether every flag of g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Names returns the names of the flags set, in order.
func (f Flags) Names() []string {
	var out []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// String returns the names joined by "|" ("CLEANING|RESTARTING"), or "".
func (f Flags) String() string { return strings.Join(f.Names(), "|") }

// ParseFlag returns the flag named s.
func ParseFlag(s string) (Flags, error) {
	for i, n := range flagNames {
		if n == s {
			return 1 << i, nil
		}
	}
	return 0, fmt.Errorf("unknown resource state flag %q", s)
}

// ResourceState is a resource state with its flags.
type ResourceState struct {
	State Resource
	Flags Flags
}

// String returns the state and its flags as VCS shows them:
// "OFFLINE|WAITING_TO_ONLINE|RESTARTING".
func (s ResourceState) String() string {
	if s.Flags == 0 {
		return s.State.String()
	}
	return s.State.String() + "|" + s.Flags.String()
}

// JoinText joins a state's text and its flags' names as String does, for
// callers that hold the wire form (the API's state and flags fields).
func JoinText(base string, flags []string) string {
	return strings.Join(append([]string{base}, flags...), "|")
}

// ParseResourceState reads what String writes.
func ParseResourceState(text string) (ResourceState, error) {
	parts := strings.Split(text, "|")
	st, err := ParseResource(parts[0])
	if err != nil {
		return ResourceState{}, err
	}
	out := ResourceState{State: st}
	for _, p := range parts[1:] {
		f, err := ParseFlag(p)
		if err != nil {
			return ResourceState{}, err
		}
		out.Flags |= f
	}
	return out, nil
}

// MarshalText writes String's form.
func (s ResourceState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads String's form.
func (s *ResourceState) UnmarshalText(b []byte) error {
	v, err := ParseResourceState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
