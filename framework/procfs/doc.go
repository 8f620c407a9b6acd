// Package procfs reads what vigil needs of the Linux /proc file system: a
// process's state, parent, process group, session and start time (stat), its argv
// (cmdline), its user ids (status), the boot time, and pid files. The
// built-in agents (plugins/agents) and the IMF process plugin
// (plugins/imf/process) both read processes through it.
//
// Parsers take an io.Reader, so tests feed fixtures; the readers open the
// files under Root. A zombie or dead process (state Z or X) counts as dead
// everywhere: vigil is a subreaper and reaps at once, but a process whose
// parent is slow to reap must not pass for the resource.
//
// It starts nothing and matches nothing: what a resource's processes are is
// the agents' and the IMF plugins' business.
package procfs
