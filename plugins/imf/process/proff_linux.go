package process

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/plugins/imf"
)

// Coalescing of the proc connector reader under an exec storm: after a
// batch of at least coalesceBatch events it waits coalesceWait before
// reading again (the kernel queues meanwhile; the buffer holds ~10,000).
const (
	coalesceBatch = 4
	coalesceWait  = 10 * time.Millisecond
)

// maxUnresolved bounds the PIDs remembered because they exec'd and were
// gone before they could be read (pid_max is 32768 by default).
const maxUnresolved = 1 << 16

// proffWatch is the PROFF watch of one resource.
type proffWatch struct {
	spec   imf.Spec
	start  Start
	events uint64
}

// newStart reads Path, arg0, args and Owner of a PROFF spec. An absent
// tag is not compared; an Owner must be a known user (or a numeric id).
func newStart(s imf.Spec) (Start, error) {
	st := Start{UID: -1}
	st.Path, _ = s.Tag("Path")
	st.Arg0, _ = s.Tag("arg0")
	st.Path, st.Arg0 = strings.TrimSpace(st.Path), strings.TrimSpace(st.Arg0)
	if a, ok := s.Tag("args"); ok {
		st.Args = &a
	}
	if _, ok := s.Tag("ProcPattern"); ok {
		pats, err := patterns(s)
		if err != nil {
			return st, err
		}
		st.Patterns = pats
	}
	if st.Path == "" && st.Arg0 == "" && len(st.Patterns) == 0 {
		return st, fmt.Errorf("%w: PROFF needs Path, arg0 or ProcPattern", imf.ErrNothingToWatch)
	}
	if o, _ := s.Tag("Owner"); strings.TrimSpace(o) != "" {
		o = strings.TrimSpace(o)
		if uid, err := strconv.Atoi(o); err == nil {
			st.UID = uid
		} else {
			u, err := user.Lookup(o)
			if err != nil {
				return st, fmt.Errorf("Owner %q: %w", o, err)
			}
			st.UID, _ = strconv.Atoi(u.Uid)
		}
	}
	return st, nil
}

// watchPROFF waits for the resource's process to start. The proc connector
// is opened with the first PROFF watch and closed with the last. A
// matching process that already runs is reported at once.
func (p *Plugin) watchPROFF(s imf.Spec) error {
	st, err := newStart(s)
	if err != nil {
		return fmt.Errorf("PROFF watch of resource %q: %w", s.Resource, err)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return fmt.Errorf("PROFF watch of resource %q: %w", s.Resource, ErrClosed)
	}
	p.dropPROFF(s.Resource)
	if p.conn == nil {
		c, err := OpenConn(p.o.Conn)
		if err != nil {
			if p.connErr == nil {
				p.log.Warn("proc connector unavailable; PROFF resources keep polling", zap.Error(err))
			}
			p.connErr = err
			p.mu.Unlock()
			return fmt.Errorf("PROFF watch of resource %q: %w: %w", s.Resource, imf.ErrUnavailable, err)
		}
		p.conn, p.connErr = c, nil
		p.wg.Add(1)
		go p.connLoop(c)
	}
	w := &proffWatch{spec: s, start: st}
	p.proff[s.Resource] = w
	p.mu.Unlock()
	// A start between the monitor that found the resource offline and
	// this registration would otherwise go unseen.
	if all, err := procfs.Pids(); err == nil {
		self := os.Getpid()
		for _, pid := range all {
			if pr, err := readProc(pid, st.UID >= 0); err == nil && pid != self && st.Match(pr) {
				p.mu.Lock()
				w.events++
				p.events++
				p.mu.Unlock()
				go p.notify(imf.Notice{Resource: s.Resource, Detail: fmt.Sprintf("process %d already running", pid)})
				break
			}
		}
	}
	return nil
}

// dropPROFF ends the PROFF watch of a resource; the last one closes the
// proc connector. Callers hold p.mu.
func (p *Plugin) dropPROFF(resource string) {
	if _, ok := p.proff[resource]; !ok {
		return
	}
	delete(p.proff, resource)
	if len(p.proff) == 0 && p.conn != nil {
		p.conn.Close()
		p.conn = nil
		clear(p.unresolved)
	}
}

// connLoop reads the proc connector until it is closed.
func (p *Plugin) connLoop(c *Conn) {
	defer p.wg.Done()
	for {
		evs, err := c.Receive()
		if errors.Is(err, ErrClosed) {
			return
		}
		for _, e := range evs {
			p.procEvent(c, e)
		}
		if err == nil {
			if len(evs) >= coalesceBatch {
				// An exec storm: let events gather for a while and read
				// them in one batch. An isolated event is read at once.
				<-p.o.Clock.After(coalesceWait)
			}
			continue
		}
		p.mu.Lock()
		p.rescans++
		current := p.conn == c
		p.mu.Unlock()
		if !current {
			return
		}
		p.log.Warn("proc connector lost events; every resource of the plugin is monitored now", zap.Error(err))
		p.notify(imf.Notice{Rescan: true, Detail: err.Error()})
		if !errors.Is(err, ErrLost) {
			p.mu.Lock()
			if p.conn == c {
				p.conn, p.connErr = nil, err
				c.Close()
			}
			p.mu.Unlock()
			return
		}
	}
}

// procEvent applies one proc connector event to the PROFF watches.
func (p *Plugin) procEvent(c *Conn, e ProcEvent) {
	switch e.Kind {
	case ProcExit:
		if e.PID == e.TGID {
			p.mu.Lock()
			delete(p.unresolved, e.TGID)
			p.mu.Unlock()
		}
	case ProcExec:
		p.evaluate(e.TGID)
	case ProcFork:
		// A process (not a thread) forked by one that exec'd and vanished
		// unread: a daemon whose parent exits at once. The child runs the
		// same program; evaluate it instead.
		if e.PID != e.TGID {
			return
		}
		p.mu.Lock()
		pending := p.unresolved[e.ParentTGID]
		p.mu.Unlock()
		if pending {
			p.evaluate(e.TGID)
		}
	}
}

// evaluate reads a process through a pidfd and reports every PROFF watch
// it matches. A process gone before it could be read is remembered, so its
// forked children are evaluated in its place.
func (p *Plugin) evaluate(pid int) {
	p.mu.Lock()
	if len(p.proff) == 0 {
		p.mu.Unlock()
		return
	}
	watches := make([]*proffWatch, 0, len(p.proff))
	needUID := false
	for _, w := range p.proff {
		watches = append(watches, w)
		needUID = needUID || w.start.UID >= 0
	}
	p.mu.Unlock()
	comm, err := readComm(pid)
	if err == nil && !candidate(comm, watches) {
		return // the common case in an exec storm: one small read
	}
	pr, err := readVerified(pid, needUID)
	if err != nil {
		p.mu.Lock()
		if len(p.unresolved) >= maxUnresolved {
			clear(p.unresolved)
		}
		p.unresolved[pid] = true
		p.mu.Unlock()
		return
	}
	for _, w := range watches {
		if !w.start.Match(pr) {
			continue
		}
		p.mu.Lock()
		cur := p.proff[w.spec.Resource] == w
		if cur {
			w.events++
			p.events++
		}
		p.mu.Unlock()
		if cur {
			p.notify(imf.Notice{Resource: w.spec.Resource, Detail: fmt.Sprintf("process %d started: %s", pid,
				strings.Join(pr.Argv, " "))})
		}
	}
}

// readVerified opens a pidfd, reads the process and checks the pidfd is
// still alive, so the data is the process's and not a PID reuser's.
func readVerified(pid int, withUID bool) (Proc, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return Proc{}, fmt.Errorf("pid %d: %w: %w", pid, ErrGone, err)
	}
	defer unix.Close(fd)
	pr, err := readProc(pid, withUID)
	if err != nil {
		return Proc{}, err
	}
	if exited(fd) {
		return Proc{}, fmt.Errorf("pid %d: %w", pid, ErrGone)
	}
	return pr, nil
}

// interpreters run scripts: their comm says nothing of the script (run as
// "sh script"), so their processes are always read.
var interpreters = map[string]bool{"sh": true, "bash": true, "dash": true, "ksh": true, "zsh": true, "busybox": true,
	"perl": true, "python": true, "python3": true, "ruby": true, "env": true}

// candidate is the cheap pre-filter of a just-exec'd process: its comm
// (the executable's base name, cut to 15 bytes) may belong to a watch.
// Only candidates have their command line read, which is the costly part
// under an exec storm.
func candidate(comm string, watches []*proffWatch) bool {
	if interpreters[comm] || strings.HasPrefix(comm, "python") {
		return true
	}
	cut := func(s string) string {
		s = path.Base(s)
		if len(s) > 15 {
			s = s[:15]
		}
		return s
	}
	for _, w := range watches {
		for _, p := range w.start.Patterns {
			if first, _, _ := strings.Cut(p.String(), " "); cut(first) == comm {
				return true
			}
		}
		if len(w.start.Patterns) > 0 {
			continue
		}
		if w.start.Path == "" || cut(w.start.Path) == comm || (w.start.Arg0 != "" && cut(w.start.Arg0) == comm) {
			return true
		}
	}
	return false
}
