package procfs

import (
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// Kernel threads are most of a quiet machine's process table (60 of 85 on
// a small virtual machine, four or more per CPU on a large one), and a
// kernel thread's cmdline is empty for its whole life: it has no user
// memory (the kernel hands out none for a task flagged PF_KTHREAD), and
// it cannot exec. So ScanCmdlines remembers the kernel threads it meets
// and does not read their files again, as long as each is provably the
// same thread.
//
// The proof is a pidfd per remembered thread: a pidfd names one task, not
// a number, and polls readable once that task has exited. A scan polls
// all of them before it starts and after it ends; a thread still running
// at the end was running throughout, so its pid was never reused meanwhile
// and its cmdline is still empty. A thread that exited is forgotten and its
// pid read like any other (it may now be a new process).
//
//	scan:  poll pidfds ── exited: forget, read the pid normally
//	         │
//	       getdents ── remembered pid: skip (no file read)
//	         │      └─ empty cmdline, PF_KTHREAD: pidfd, stat, poll ─▶ remember
//	         │
//	       poll pidfds ── still running: deliver the skipped pid, empty
//	                   └─ exited: read its cmdline now, deliver it

// pfKthread is PF_KTHREAD in the flags of /proc/<pid>/stat (field 9).
const pfKthread = 0x00200000

// maxKthreads bounds the kernel threads remembered, and the pidfds held.
const maxKthreads = 1024

// kthreadSet is the kernel threads remembered, each with its pidfd. A
// pidfd is closed only under mu, when its entry is dropped, and every
// entry has a generation of its own: a scan polls its snapshot under mu,
// and trusts an entry only while the set still holds it with the same
// generation (so a closed pidfd's number, reused by another open, is
// never polled in its stead).
type kthreadSet struct {
	mu  sync.Mutex
	fd  map[int]kthread // by pid
	gen uint64
	// plain are the processes the last scan met with an empty cmdline
	// that are no kernel threads (zombies, mostly) or could not be
	// remembered (no pidfd, set full), by pid, with the inode of their
	// /proc directory: a later scan that meets the same pid with the same
	// inode does not read its stat again. A stale entry costs nothing but
	// a kernel thread not skipped (its cmdline is read, as any process's).
	plain map[int]uint64
}

type kthread struct {
	fd  int    // pidfd
	gen uint64 // set's generation when remembered
}

var kthreads = &kthreadSet{fd: map[int]kthread{}, plain: map[int]uint64{}}

// kthreadsUsable reports whether pidfds name the processes of Root: a
// pidfd is opened in this process's pid namespace, which must be the one
// Root shows.
var kthreadsUsable = sync.OnceValue(func() bool {
	self, err := os.Readlink(Root + "/self")
	return err == nil && self == strconv.Itoa(os.Getpid())
})

// start begins a scan: it forgets the threads that exited and fills
// r.skip with the pids of the others (r.kpoll, r.kpid, r.kgen hold them).
func (s *kthreadSet) start(r *reader) {
	r.kpoll, r.kpid, r.kgen = r.kpoll[:0], r.kpid[:0], r.kgen[:0]
	clear(r.skip)
	clear(r.plain)
	s.mu.Lock()
	defer s.mu.Unlock()
	for pid, k := range s.fd {
		r.kpoll = append(r.kpoll, unix.PollFd{Fd: int32(k.fd), Events: unix.POLLIN})
		r.kpid = append(r.kpid, pid)
		r.kgen = append(r.kgen, k.gen)
	}
	ok := pollNow(r.kpoll)
	for i, pid := range r.kpid {
		if ok && r.kpoll[i].Revents == 0 {
			r.skip[pid] = i
		} else {
			s.drop(pid)
		}
	}
}

// stillRunning ends a scan: afterwards r.kpoll[i].Revents is zero for
// each skipped thread i still running (it ran throughout the scan), and
// the others are forgotten.
func (s *kthreadSet) stillRunning(r *reader) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := pollNow(r.kpoll) // every pidfd of r.kpoll the set still holds is open
	for pid, i := range r.skip {
		if k, held := s.fd[pid]; !held || k.gen != r.kgen[i] {
			r.kpoll[i].Revents = unix.POLLNVAL // dropped meanwhile: its number may name another file now
		} else if !ok || r.kpoll[i].Revents != 0 {
			r.kpoll[i].Revents |= unix.POLLHUP
			s.drop(pid)
		}
	}
}

// wasPlain reports whether the last scan found pid, with the same inode,
// to be no kernel thread.
func (s *kthreadSet) wasPlain(pid int, ino uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.plain[pid]
	return ok && old == ino
}

// endPlain makes the plain processes of r's finished scan the set's.
func (s *kthreadSet) endPlain(r *reader) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plain, r.plain = r.plain, s.plain
}

// drop forgets pid and closes its pidfd. Callers hold mu.
func (s *kthreadSet) drop(pid int) {
	if k, ok := s.fd[pid]; ok {
		delete(s.fd, pid)
		closeFd(k.fd)
	}
}

// add remembers pid with its pidfd, or closes the pidfd when pid is known
// already (a concurrent scan found it too) or the set is full. It reports
// whether pid is in the set.
func (s *kthreadSet) add(pid, fd int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.fd[pid]; ok || len(s.fd) >= maxKthreads {
		closeFd(fd)
		return ok
	}
	s.gen++
	s.fd[pid] = kthread{fd: fd, gen: s.gen}
	return true
}

// pollNow polls fds without waiting (Revents non-zero: exited, or not a
// valid descriptor). It reports whether it could poll.
func pollNow(fds []unix.PollFd) bool {
	for i := range fds {
		fds[i].Revents = 0
	}
	for {
		_, err := unix.Poll(fds, 0)
		if err != unix.EINTR {
			return err == nil
		}
	}
}

// checkKthread looks at pid, met with an empty cmdline (ino is the inode
// of its /proc directory), and remembers it when it is a kernel thread
// (rememberKthread). One that is not, or cannot be remembered, is noted
// in r.plain, and the next scan does not look at it again while it has
// the same inode.
func (r *reader) checkKthread(dir, pid int, ino uint64) {
	if kthreads.wasPlain(pid, ino) || !r.isKthread(dir, pid) || !r.rememberKthread(dir, pid) {
		if len(r.plain) < maxKthreads {
			r.plain[pid] = ino
		}
	}
}

// rememberKthread adds pid, which stat said is a kernel thread, to the
// set: stat still says PF_KTHREAD after a pidfd is opened, and the pidfd's
// task had not exited after that read (so the read was of the pidfd's
// task). It reports whether pid is in the set now.
func (r *reader) rememberKthread(dir, pid int) bool {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return false
	}
	p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if !r.isKthread(dir, pid) {
		closeFd(fd)
		return false
	}
	if n, err := unix.Poll(p, 0); err != nil || n != 0 {
		closeFd(fd)
		return false
	}
	return kthreads.add(pid, fd)
}

// isKthread reads pid's stat and reports whether it has PF_KTHREAD.
func (r *reader) isKthread(dir, pid int) bool {
	b, err := r.read(dir, pid, "stat")
	if err != nil {
		return false
	}
	flags, err := statFlags(b[:min(len(b), maxStat)])
	return err == nil && flags&pfKthread != 0
}
