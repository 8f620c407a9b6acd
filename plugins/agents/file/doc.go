// Package file holds the built-in agents of the file types: FileOnOff
// (online creates PathName, offline and clean remove it, monitor tests it),
// FileOnOnly (the same without offline), FileNone (a persistent resource,
// ONLINE while PathName is a regular file) and ElifNone (ONLINE while
// PathName does not exist). They behave as the bundled scripts in
// scripts/agents/ do, in the daemon's process.
package file
