// Package scenario reads and runs resource state-machine scenarios: text
// files of commands (attribute settings, engine requests, scripted
// entry-point results) that drive one resource through package resstate.
// Running a scenario renders, under each command, the state reached and the
// actions emitted; tests compare that rendering with the file itself and
// rewrite it with -update. Package agent replays the same files against
// the real agent (fake or script entry points) and checks that the
// sequence of reported engine states is the same.
//
// It does not run entry points or keep time itself beyond the simulated
// clock of Run.
//
// File format, one command per line; lines starting with whitespace are
// output (regenerated), '#' starts a comment line:
//
//	tags no-e2e                 # skip the end-to-end replay
//	has monitor online offline clean   # implemented entry points
//	set ToleranceLimit=3 RestartLimit=2 # resource attribute values
//	set TFrozen=1               # group attributes Frozen, TFrozen (hagrp -freeze)
//	enable | disable | remove | probe | online | offline | clear | imf-reset
//	monitor online [conf] | offline | unknown | intentional | timeout
//	open-done | close-done | online-done [N] | online-timeout | offline-done [N] | offline-timeout
//	clean ok | fail | timeout
//	imf ok | fail
//	wait DURATION
package scenario
