// Package procfs reads what vigil needs of the Linux /proc file system: a
// process's state, parent, process group, session and start time (stat), its argv
// (cmdline), its user ids (status), the boot time, and pid files. The
// built-in agents (plugins/agents) and the IMF process plugin
// (plugins/imf/process) both read processes through it.
//
// Parsers take an io.Reader, so tests feed fixtures; the readers open the
// files under Root. The readers of a process's files read them with plain
// system calls into pooled buffers (raw_linux.go), and ScanCmdlines hands
// every process's command line to a matcher unsplit: a Process monitor
// scans the whole table when the pid it knew is gone, on the path from a
// kill to the state change. ScanCmdlines remembers the kernel threads it
// met, holding a pidfd for each (at most 1024) so it can skip their files
// and still know each is the same thread (kthreads_linux.go). A zombie or dead process (state Z or X) counts as dead
// everywhere: vigil is a subreaper and reaps at once, but a process whose
// parent is slow to reap must not pass for the resource.
//
// It starts nothing and matches nothing: what a resource's processes are is
// the agents' and the IMF plugins' business.
package procfs
