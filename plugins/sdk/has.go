package sdk

// EntryPoint names an entry point as VCS spells it.
type EntryPoint string

// Entry point names.
const (
	EPOpen        EntryPoint = "open"
	EPClose       EntryPoint = "close"
	EPOnline      EntryPoint = "online"
	EPOffline     EntryPoint = "offline"
	EPMonitor     EntryPoint = "monitor"
	EPClean       EntryPoint = "clean"
	EPAction      EntryPoint = "action"
	EPInfo        EntryPoint = "info"
	EPAttrChanged EntryPoint = "attr_changed"
	EPShutdown    EntryPoint = "shutdown"
	// The two entry points of an agent implementing IMF.
	EPIMFRegister        EntryPoint = "imf_register"
	EPIMFGetNotification EntryPoint = "imf_getnotification"
)

// Implements returns the entry points a implements: monitor, and each
// optional interface it satisfies.
func Implements(a Agent) []EntryPoint {
	out := []EntryPoint{EPMonitor}
	add := func(ok bool, n EntryPoint) {
		if ok {
			out = append(out, n)
		}
	}
	_, ok := a.(Opener)
	add(ok, EPOpen)
	_, ok = a.(Closer)
	add(ok, EPClose)
	_, ok = a.(Onliner)
	add(ok, EPOnline)
	_, ok = a.(Offliner)
	add(ok, EPOffline)
	_, ok = a.(Cleaner)
	add(ok, EPClean)
	_, ok = a.(Actioner)
	add(ok, EPAction)
	_, ok = a.(Informer)
	add(ok, EPInfo)
	_, ok = a.(AttrChanger)
	add(ok, EPAttrChanged)
	_, ok = a.(Shutdowner)
	add(ok, EPShutdown)
	_, ok = a.(IMF)
	add(ok, EPIMFRegister)
	add(ok, EPIMFGetNotification)
	return out
}
