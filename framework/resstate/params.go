package resstate

import (
	"slices"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// Operations values of a type.
const (
	OpsOnOff  = "OnOff"
	OpsOnOnly = "OnOnly"
	OpsNone   = "None"
)

// Params are the policy attributes of one resource, resolved. Durations are
// already scaled by Unit (one attribute second).
type Params struct {
	Unit                   time.Duration // one attribute "second"; time.Second outside tests
	MonitorInterval        time.Duration
	OfflineMonitorInterval time.Duration // 0: no periodic monitor while offline
	MonitorTimeout         time.Duration
	ConfInterval           time.Duration // already raised to its formula minimum
	MonitorTimeoutReset    time.Duration // one hour: FaultOnMonitorTimeouts counter reset
	OnlineWaitLimit        int
	OfflineWaitLimit       int
	OnlineRetryLimit       int
	CleanRetryLimit        int // 0: unlimited
	RestartLimit           int
	ToleranceLimit         int
	FaultOnMonitorTimeouts int // 0: monitor timeouts are never faults
	IntentionalOffline     bool
	ManageFaultsNone       bool   // ManageFaults=NONE
	Operations             string // OnOff, OnOnly or None
	IMFMode                int    // 0 none, 1 offline, 2 online, 3 both
	MonitorFreq            int    // polling multiplier while IMF-registered; 0 = no polling
	RegisterRetryLimit     int
	// Frozen: the resource's group is frozen (Frozen or TFrozen): faults
	// are reported (FAULTED) but nothing is cleaned or restarted.
	Frozen bool
	// IMFSettle is how long after the first monitor result of a new steady
	// state the second, confirming one runs when IMF covers that state
	// (design.md §3: registration within seconds, not one interval).
	IMFSettle time.Duration
	EPs       map[ep.Name]bool // implemented entry points
}

// Has reports whether the entry point is implemented.
func (p Params) Has(n ep.Name) bool { return p.EPs[n] }

// IMFSettle is the settle time before the confirming monitor that makes
// a resource steady for IMF registration (in attribute time: scaled by
// Params.Unit like the intervals).
const IMFSettle = time.Second

// ConfIntervalMinimum returns (MI+MT)×TL + MI + 10, in attribute seconds.
func ConfIntervalMinimum(mi, mt, tl int) int { return (mi+mt)*tl + mi + 10 }

// ParamsFrom resolves the policy attributes of r. has tells which entry
// points the type implements; unit is one attribute second (0 means
// time.Second).
func ParamsFrom(r *model.Resource, has func(ep.Name) bool, unit time.Duration) Params {
	if unit <= 0 {
		unit = time.Second
	}
	sec := func(attr string) time.Duration { return time.Duration(r.Int(attr)) * unit }
	mi, mt, tl := r.Int("MonitorInterval"), r.Int("MonitorTimeout"), r.Int("ToleranceLimit")
	ci := max(r.Int("ConfInterval"), ConfIntervalMinimum(mi, mt, tl))
	p := Params{
		Unit:                   unit,
		MonitorInterval:        sec("MonitorInterval"),
		OfflineMonitorInterval: sec("OfflineMonitorInterval"),
		MonitorTimeout:         sec("MonitorTimeout"),
		ConfInterval:           time.Duration(ci) * unit,
		MonitorTimeoutReset:    3600 * unit,
		OnlineWaitLimit:        r.Int("OnlineWaitLimit"),
		OfflineWaitLimit:       r.Int("OfflineWaitLimit"),
		OnlineRetryLimit:       r.Int("OnlineRetryLimit"),
		CleanRetryLimit:        r.Int("CleanRetryLimit"),
		RestartLimit:           r.Int("RestartLimit"),
		ToleranceLimit:         tl,
		FaultOnMonitorTimeouts: r.Int("FaultOnMonitorTimeouts"),
		IntentionalOffline:     r.Int("IntentionalOffline") != 0,
		ManageFaultsNone:       r.Str("ManageFaults") == "NONE",
		Frozen:                 r.Group != nil && r.Group.Frozen(),
		Operations:             r.Str("Operations"),
		IMFMode:                r.AssocInt("IMF", "Mode"),
		MonitorFreq:            r.AssocInt("IMF", "MonitorFreq"),
		RegisterRetryLimit:     r.AssocInt("IMF", "RegisterRetryLimit"),
		IMFSettle:              IMFSettle * unit / time.Second,
		EPs:                    map[ep.Name]bool{},
	}
	if p.Operations == "" {
		p.Operations = OpsOnOff
	}
	for _, n := range ep.All {
		if has != nil && has(n) {
			p.EPs[n] = true
		}
	}
	return p
}

// IMFRelevant applies the IMF unregistration rules (b)-(d) of design.md §3
// to a changed attribute: the IMF key itself (Mode), ContainerInfo,
// IMFRegList or an attribute it lists, or, with IMFRegList empty, ArgList
// or an attribute it lists.
func IMFRelevant(r *model.Resource, attr string) bool {
	switch attr {
	case "IMF", "ContainerInfo", "IMFRegList":
		return true
	}
	if list := r.Type.IMFRegList(); len(list) > 0 {
		return slices.Contains(list, attr)
	}
	return attr == "ArgList" || slices.Contains(r.Type.ArgList(), attr)
}
