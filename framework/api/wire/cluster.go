package wire

// ClusterView answers GET /v1/cluster: every system and every failover
// group of the cluster, as this daemon reads them from etcd.
type ClusterView struct {
	// System is the daemon's own system.
	System string `json:"system"`
	// Live is false while this system holds no valid lease (fencing,
	// rejoining, no quorum): it starts nothing then.
	Live bool `json:"live"`
	// LeaseTTL is the lease TTL, as a Go duration.
	LeaseTTL string             `json:"lease_ttl"`
	Systems  []SystemView       `json:"systems"`
	Groups   []ClusterGroupView `json:"groups"`
}

// SystemView is one system, like a line of `hasys -state`.
type SystemView struct {
	Name string `json:"name"`
	// State is RUNNING (a member holding a lease) or EXITED (declared in
	// main.cf, not a member now).
	State  string `json:"state"`
	Frozen bool   `json:"frozen,omitempty"`
	// Leader marks the system whose embedded etcd member leads the etcd
	// cluster (known only with embedded members).
	Leader bool     `json:"etcd_leader,omitempty"`
	Groups []string `json:"groups,omitempty"` // failover groups it owns
}

// ClusterGroupView is one group across the cluster.
type ClusterGroupView struct {
	Name     string `json:"name"`
	Parallel bool   `json:"parallel,omitempty"`
	// Owner is the system a failover group is online on, "" if none.
	Owner string `json:"owner,omitempty"`
	// Token is the owner key's revision: the fencing token.
	Token int64 `json:"token,omitempty"`
	// Intent is "autostart" or "online" while the cluster wants the group
	// online, "" when it does not.
	Intent  string   `json:"intent,omitempty"`
	Target  string   `json:"target,omitempty"`
	Faulted []string `json:"faulted_on,omitempty"`
	// SystemList in priority order.
	SystemList []string `json:"system_list"`
}

// PlaceRequest is the body of POST /v1/cluster/groups/{name}/place:
// `vigil grp switch G --to SYS` (Switch) or `vigil grp online G --sys SYS`.
type PlaceRequest struct {
	System string `json:"system"`
	// Switch requires the group to be online somewhere already.
	Switch bool `json:"switch,omitempty"`
	// Wait returns once the group is ONLINE on System; Timeout bounds it.
	Wait    bool   `json:"wait,omitempty"`
	Timeout string `json:"timeout,omitempty"`
}
