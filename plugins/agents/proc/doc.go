// Package proc reads the process table in /proc for the built-in agents:
// liveness (a zombie, state Z or X, counts as dead — design.md "Zombies and
// reaping"), effective uid, command lines, finding processes by argv, and
// signalling and waiting for them. Parsers take an io.Reader so tests feed
// fixtures. It starts no processes.
package proc
