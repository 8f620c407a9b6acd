package resstate

// transition is one legal (state, event) pair: the handler and the states
// it may lead to.
type transition struct {
	to []State
	do func(m *Machine, e Event)
}

// table is the one transition table. Steady and waiting states share the
// entries of watched(); EP-running states accept only their EP's result.
var table map[State]map[Kind]transition

func init() {
	off := []State{Detached, Closing}
	table = map[State]map[Kind]transition{
		Detached: {
			Enable: {[]State{Opening, Probing}, (*Machine).enable},
			Remove: {[]State{Detached}, func(*Machine, Event) {}},
		},
		Opening: {OpenDone: {[]State{Probing}, (*Machine).openDone}},
		Closing: {CloseDone: {[]State{Detached}, func(m *Machine, _ Event) { m.st = Detached }}},
		Probing: watched(nil, off, []State{Probing, Online, Offline}),
		Online: watched(map[Kind]transition{
			OfflineRequested: {[]State{GoingOffline}, (*Machine).offlineRequested},
			IMFResult:        {[]State{Online}, (*Machine).imfResult},
			OfflineExpired:   {[]State{Cleaning, AdminWait, Online}, (*Machine).offlineExpired},
		}, off, []State{Online, Offline, Cleaning, Faulted, AdminWait}),
		Offline: watched(map[Kind]transition{
			OnlineRequested: {[]State{GoingOnline}, (*Machine).onlineRequested},
			IMFResult:       {[]State{Offline}, (*Machine).imfResult},
		}, off, []State{Offline, Online}),
		GoingOnline: {
			OnlineDone:     {[]State{GoingOnlineWaiting}, (*Machine).onlineDone},
			OnlineTimedOut: {[]State{Cleaning, AdminWait, GoingOnlineWaiting}, (*Machine).onlineTimedOut},
		},
		GoingOnlineWaiting: watched(map[Kind]transition{
			OfflineRequested: {[]State{GoingOffline}, (*Machine).offlineRequested},
		}, off, []State{GoingOnlineWaiting, Online, Cleaning, AdminWait}),
		GoingOffline: {
			OfflineDone:     {[]State{GoingOfflineWaiting}, (*Machine).offlineDone},
			OfflineTimedOut: {[]State{Cleaning, AdminWait, GoingOfflineWaiting}, (*Machine).offlineTimedOut},
		},
		GoingOfflineWaiting: watched(map[Kind]transition{
			OfflineExpired: {[]State{Cleaning, AdminWait, GoingOfflineWaiting}, (*Machine).offlineExpired},
		}, off, []State{GoingOfflineWaiting, Offline, Cleaning, AdminWait}),
		Cleaning: {
			CleanDone: {[]State{CleanFailed, AdminWait, Offline, GoingOnline, Faulted}, (*Machine).cleanDone},
		},
		CleanFailed: watched(nil, off, []State{Cleaning, CleanFailed}),
		Faulted: watched(map[Kind]transition{
			Clear: {[]State{Probing}, (*Machine).clear},
		}, off, []State{Faulted, Online}),
		AdminWait: watched(map[Kind]transition{
			Clear: {[]State{Probing}, (*Machine).clear},
		}, off, []State{AdminWait}),
	}
}

// watched returns the entries shared by every state in which the resource
// is monitored and no entry point but monitor runs: monitor results,
// probes, Enabled=0, removal and IMF resets. monitorTo lists where a
// monitor result may lead from the state.
func watched(extra map[Kind]transition, off, monitorTo []State) map[Kind]transition {
	t := map[Kind]transition{
		MonitorResult:   {monitorTo, (*Machine).monitorResult},
		MonitorTimedOut: {monitorTo, (*Machine).monitorTimedOut},
		Probe:           {[]State{}, (*Machine).probe}, // filled below: stays in place
		Disable:         {off, (*Machine).disable},
		Remove:          {off, (*Machine).remove},
		IMFReset:        {[]State{}, (*Machine).imfReset},
	}
	for k, v := range extra {
		t[k] = v
	}
	return t
}

func init() {
	// Probe and IMFReset never change the state.
	for s, row := range table {
		for _, k := range []Kind{Probe, IMFReset} {
			if tr, ok := row[k]; ok {
				tr.to = []State{s}
				row[k] = tr
			}
		}
	}
}

// Transition is one row of the transition table, for documentation.
type Transition struct {
	From  State
	Event Kind
	To    []State
}

// Transitions lists the table, ordered by state and event.
func Transitions() []Transition {
	var out []Transition
	for _, s := range States() {
		for _, k := range Kinds() {
			if tr, ok := table[s][k]; ok {
				out = append(out, Transition{From: s, Event: k, To: append([]State(nil), tr.to...)})
			}
		}
	}
	return out
}
