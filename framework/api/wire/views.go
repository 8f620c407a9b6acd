package wire

import "time"

// ResourceView is a resource as the API shows it.
type ResourceView struct {
	Name         string            `json:"name"`
	Type         string            `json:"type"`
	Group        string            `json:"group"`
	State        string            `json:"state"`
	Flags        []string          `json:"flags,omitempty"`
	Internal     string            `json:"internal,omitempty"`
	Confidence   int               `json:"confidence"`
	LastMonitor  *time.Time        `json:"last_monitor,omitempty"`
	Counters     map[string]int    `json:"counters,omitempty"`
	ResourceInfo map[string]string `json:"resource_info,omitempty"`
	Enabled      bool              `json:"enabled"`
	Critical     bool              `json:"critical"`
	Requires     []string          `json:"requires,omitempty"`
	Attributes   []AttrView        `json:"attributes,omitempty"`
}

// AttrView is one attribute with its resolved value.
type AttrView struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Dim    string   `json:"dimension"`
	Static bool     `json:"static,omitempty"`
	Values []string `json:"values"`
}

// GroupView is a service group as the API shows it.
type GroupView struct {
	Name       string         `json:"name"`
	State      string         `json:"state"`
	Flags      []string       `json:"flags,omitempty"`
	Parallel   bool           `json:"parallel"`
	Enabled    bool           `json:"enabled"`
	Frozen     bool           `json:"frozen,omitempty"`      // Frozen = 1 (persistent)
	TFrozen    bool           `json:"temp_frozen,omitempty"` // TFrozen = 1 (until unfrozen or the daemon restarts)
	AutoStart  bool           `json:"auto_start"`
	Intent     string         `json:"intent,omitempty"`
	SystemList []string       `json:"system_list,omitempty"`
	Requires   []GroupDepView `json:"requires,omitempty"`
	Resources  []ResourceView `json:"resources"`
}

// GroupDepView is one `requires group` line.
type GroupDepView struct {
	Group    string `json:"group"`
	Category string `json:"category"`
	Location string `json:"location"`
	Rigidity string `json:"rigidity"`
}

// TypeView is a type with its resolved static attributes.
type TypeView struct {
	Name       string     `json:"name"`
	Resources  []string   `json:"resources"`
	Attributes []AttrView `json:"attributes,omitempty"`
}

// StatusView is the summary `vigil status` prints.
type StatusView struct {
	Cluster string      `json:"cluster,omitempty"`
	System  string      `json:"system"`
	Groups  []GroupView `json:"groups"`
	Counts  Counts      `json:"counts"`
}

// Counts are the summary lines of vigil status: groups frozen (either way),
// disabled and faulted, resources faulted and disabled, on this system.
type Counts struct {
	Groups            int `json:"groups"`
	FrozenGroups      int `json:"frozen_groups"`
	DisabledGroups    int `json:"disabled_groups"`
	FaultedGroups     int `json:"faulted_groups"`
	Resources         int `json:"resources"`
	FaultedResources  int `json:"faulted_resources"`
	DisabledResources int `json:"disabled_resources"`
}

// IMFWatch is one row of `vigil imf status`: a plugin (Resource empty:
// Watch says what it runs on, State available or unavailable, with its
// event and rescan counters) or a resource's registration (Watch says what
// is watched: PIDs, pattern, mount point; State registered online/offline
// or failed: why; Failures counts consecutive failed registrations).
type IMFWatch struct {
	Plugin   string `json:"plugin"`
	Type     string `json:"type"`
	Resource string `json:"resource"`
	Watch    string `json:"watch"`
	State    string `json:"state"`
	Events   uint64 `json:"events"`
	Rescans  uint64 `json:"rescans,omitempty"`
	Failures int    `json:"failures,omitempty"`
	Since    string `json:"since,omitempty"` // RFC 3339, when registered
}
