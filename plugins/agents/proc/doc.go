// Package proc finds and handles the processes of the built-in agents'
// resources: matching by argv and effective uid, pid files, signalling a
// process and the group it leads, waiting for processes to be gone, and
// the users programs run as. It reads /proc through framework/procfs (where
// a zombie counts as dead, design.md "Zombies and reaping"). It starts no
// processes.
package proc
