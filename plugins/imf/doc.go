// Package imf owns vigil's intelligent monitoring (IMF) without a kernel
// module: the registry of AMF-style event plugins keyed by the descriptor's
// RegType, and the Manager that registers resources with them for the
// agent (agent.IMF) and turns what they report into immediate monitors.
//
// It does not watch anything itself: the Linux event sources live in
// plugins/imf/process (PRON, PROFF) and plugins/imf/mount (MNTON, MNTOFF),
// and the amfregister.xml descriptors in plugins/amfxml. An event never
// changes a state: it asks the agent for a monitor with cause "imf", whose
// result goes through the normal state machine (design.md §3).
//
//	agent (steady state) --Register(r, online)--> Manager
//	   Manager: descriptor.Resolve(r) -> Specs for PRON/MNTON (online) or PROFF/MNTOFF (offline)
//	   Manager --Watch(spec)--> Plugin (by RegType) --kernel source--> Notice
//	   Notice{Resource}        -> imf-event  + MonitorNow(resource, "imf")
//	   Notice{Rescan}          -> imf-rescan + MonitorNow(every resource of the plugin, "imf")
//	   Watch fails (ErrUnavailable) -> imf-fallback once per plugin; the resource keeps polling
package imf
