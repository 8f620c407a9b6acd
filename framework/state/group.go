package state

import (
	"fmt"
	"slices"
	"strings"
)

// Group is the state of a service group on this system. The zero value is
// GroupUnknown.
type Group uint8

// Group states.
const (
	GroupUnknown Group = iota
	GroupOnline
	GroupOffline
	GroupPartial
	numGroup
)

var groupNames = [...]string{"UNKNOWN", "ONLINE", "OFFLINE", "PARTIAL"}

// String returns the VCS name ("PARTIAL").
func (g Group) String() string {
	if g >= numGroup {
		return fmt.Sprintf("Group(%d)", uint8(g))
	}
	return groupNames[g]
}

// ParseGroup returns the group state named s.
func ParseGroup(s string) (Group, error) {
	for i, n := range groupNames {
		if n == s {
			return Group(i), nil
		}
	}
	return GroupUnknown, fmt.Errorf("unknown group state %q", s)
}

// GroupFlags is a set of group state flags.
type GroupFlags uint8

// Group state flags, in the order String lists them.
const (
	GroupFaulted  GroupFlags = 1 << iota // one of its resources is FAULTED
	GroupStarting                        // a group online operation is running
	GroupStopping                        // a group offline operation is running
	numGroupFlags = iota
)

var groupFlagNames = [numGroupFlags]string{"FAULTED", "STARTING", "STOPPING"}

// Names returns the names of the flags set, in order.
func (f GroupFlags) Names() []string {
	var out []string
	for i, n := range groupFlagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// String returns the names joined by "|", or "".
func (f GroupFlags) String() string { return strings.Join(f.Names(), "|") }

// GroupState is a group state with its flags.
type GroupState struct {
	State Group
	Flags GroupFlags
}

// String returns "PARTIAL" or "PARTIAL|FAULTED".
func (g GroupState) String() string {
	if g.Flags == 0 {
		return g.State.String()
	}
	return g.State.String() + "|" + g.Flags.String()
}

// ParseGroupState reads what String writes.
func ParseGroupState(text string) (GroupState, error) {
	parts := strings.Split(text, "|")
	st, err := ParseGroup(parts[0])
	if err != nil {
		return GroupState{}, err
	}
	out := GroupState{State: st}
	for _, p := range parts[1:] {
		i := slices.Index(groupFlagNames[:], p)
		if i < 0 {
			return GroupState{}, fmt.Errorf("unknown group state flag %q", p)
		}
		out.Flags |= 1 << i
	}
	return out, nil
}
