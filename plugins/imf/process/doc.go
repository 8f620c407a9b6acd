// Package process is the built-in IMF plugin for processes: PRON (the exit
// of a resource's processes, a pidfd per process in one epoll set) and PROFF
// (the start of a matching process, from the netlink proc connector, opened
// only while a PROFF watch exists). It owns the /proc parsers and the
// matching rules of ProcPattern/PronOptions and Path/arg0/args/Owner.
//
// Identity: every PID is opened as a pidfd first and only then checked
// (command line, owner, start time against a pid file), and the pidfd must
// still be unreadable (alive) after the check, so a reused PID is never
// taken for the resource's process. Zombies count as dead.
//
//	PRON  Watch: PidFile or /proc scan -> pidfd_open -> verify -> epoll set
//	      pidfd readable -> Notice (and a rescan of the pattern when none is left)
//	PROFF Watch: proc connector (EXEC|FORK|EXIT) -> EXEC: pidfd_open, match -> Notice
//	      FORK of a PID that exited unread -> the child is matched (daemons forking without exec)
//	      ENOBUFS -> Notice{Rescan}
package process
