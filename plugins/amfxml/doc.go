// Package amfxml reads amfregister.xml, the IMF descriptor of an agent
// directory (reference §7.1, design.md §3): root <xml>, one <Register>
// block per registration type. It owns the descriptor grammar keyed by
// RegType (the VCS process types PRON and PROFF, vigil's MNTON and MNTOFF,
// and the PidFile tag), validation against a resource type with file:line
// diagnostics, and the ${Attr} substitution per resource.
//
// It does not watch anything: package plugins/imf hands the resolved
// blocks to the event plugins.
package amfxml
