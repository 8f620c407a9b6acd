// Package agentlog writes vigil's log files with zap: the agent logs
// `<Type>_A.log` and the engine log `engine_A.log`, in the VCS line format
//
//	YYYY/MM/DD HH:MM:SS VCS <SEV> V-16-<cat>-<msgid> <Type>:<Res>:<EP>:<text>
//
// or, with Format "json", zap's JSON. Files rotate by size and by letter, as
// VCS's do: the current file is always <name>_A.log, the one before it
// <name>_B.log, and so on.
//
// Loggers carry the well-known fields below; the VCS encoder turns them into
// the UMI and the `Type:Res:EP:` prefix and appends any other field as
// ` key=value`. Severity comes from FieldSeverity when set (NOTICE,
// CRITICAL), else from the zap level; a debug entry prints `DBG_<n>` from
// FieldDebugLevel and category 50, as VCS does.
//
// It does not decide what is logged or gate VCS debug levels (LogDbg is
// applied by the helper library and the agent); it only formats and writes.
package agentlog
