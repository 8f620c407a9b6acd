package process

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/plugins/imf"
)

// pidFileSlack is how much later than its pid file's last write a process
// may have started and still be the process the file names (a daemon
// writes its pid file after it starts; clock ticks are 10 ms).
const pidFileSlack = time.Second

// pronWatch is the PRON watch of one resource.
type pronWatch struct {
	spec     imf.Spec
	patterns []Pattern
	pidFiles []string
	ids      map[uint32]int // PidSet ID -> PID
	events   uint64
}

func (w *pronWatch) describe() string {
	pids := make([]int, 0, len(w.ids))
	for _, pid := range w.ids {
		pids = append(pids, pid)
	}
	sort.Ints(pids)
	s := make([]string, len(pids))
	for i, pid := range pids {
		s[i] = strconv.Itoa(pid)
	}
	what := "exit of pids [" + strings.Join(s, " ") + "]"
	if len(w.pidFiles) > 0 {
		return what + " from pid file " + strings.Join(w.pidFiles, ", ")
	}
	return what + " matching " + quoted(w.patterns)
}

// quoted lists patterns for messages.
func quoted(ps []Pattern) string {
	q := make([]string, len(ps))
	for i, p := range ps {
		q[i] = strconv.Quote(p.String())
	}
	return strings.Join(q, ", ")
}

// newPRON checks a PRON spec: PidFile (when not empty) names the
// processes, else ProcPattern with PronOptions. A tag from a list
// attribute gives one pid file or pattern per element.
func newPRON(s imf.Spec) (*pronWatch, error) {
	w := &pronWatch{spec: s, ids: map[uint32]int{}}
	if files := s.Values("PidFile"); len(files) > 0 {
		for _, f := range files {
			if !strings.HasPrefix(f, "/") {
				return nil, fmt.Errorf("PidFile %q is not an absolute path", f)
			}
		}
		w.pidFiles = files
		return w, nil
	}
	pats, err := patterns(s)
	if err != nil {
		return nil, err
	}
	w.patterns = pats
	return w, nil
}

// patterns compiles the ProcPattern values of a spec with its PronOptions.
func patterns(s imf.Spec) ([]Pattern, error) {
	opts, _ := s.Tag("PronOptions")
	vals := s.Values("ProcPattern")
	if len(vals) == 0 {
		return nil, fmt.Errorf("%w: ProcPattern and PidFile are empty", imf.ErrNothingToWatch)
	}
	var out []Pattern
	for _, v := range vals {
		cp, err := NewPattern(v, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, nil
}

// watchPRON registers the resource's processes for exit.
func (p *Plugin) watchPRON(s imf.Spec) error {
	w, err := newPRON(s)
	if err != nil {
		return fmt.Errorf("PRON watch of resource %q: %w", s.Resource, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pids == nil {
		return fmt.Errorf("PRON watch of resource %q: %w: %w", s.Resource, imf.ErrUnavailable, p.pidErr)
	}
	p.dropPRON(s.Resource)
	if err := p.arm(w); err != nil {
		return fmt.Errorf("PRON watch of resource %q: %w", s.Resource, err)
	}
	p.pron[s.Resource] = w
	return nil
}

// arm finds the watch's processes and adds them to the pidfd set. Callers
// hold p.mu.
func (p *Plugin) arm(w *pronWatch) error {
	if len(w.pidFiles) > 0 {
		var errs []error
		for _, f := range w.pidFiles {
			errs = append(errs, p.armPidFile(w, f))
		}
		if len(w.ids) == 0 {
			return errors.Join(errs...)
		}
		return nil
	}
	match := func(pr Proc) bool {
		for _, pat := range w.patterns {
			if pat.Match(pr) {
				return true
			}
		}
		return false
	}
	all, err := procfs.Pids()
	if err != nil {
		return fmt.Errorf("%w: list /proc: %w", imf.ErrUnavailable, err)
	}
	self := os.Getpid()
	for _, pid := range all {
		if pid == self {
			continue
		}
		pr, err := readProc(pid, false)
		if err != nil || !match(pr) {
			continue
		}
		id, err := p.pids.Add(pid, w.spec.Resource, func(pid int) error {
			// Read again through the pidfd's lifetime: the PID is now pinned.
			pr, err := readProc(pid, false)
			if err != nil {
				return err
			}
			if !match(pr) {
				return fmt.Errorf("no longer matches: %w", ErrGone)
			}
			return alive(pid)
		})
		if err == nil {
			w.ids[id] = pid
			p.byID[id] = w
		}
	}
	if len(w.ids) == 0 {
		return fmt.Errorf("%w: no live process matches %s", imf.ErrNothingToWatch, quoted(w.patterns))
	}
	return nil
}

// armPidFile watches the process named by a pid file, if it is alive and
// started no later than the file was last written (a PID reused by a later
// process is not the resource's).
func (p *Plugin) armPidFile(w *pronWatch, file string) error {
	fi, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("%w: pid file: %w", imf.ErrNothingToWatch, err)
	}
	pid, err := procfs.PidFromFile(file)
	if err != nil {
		return fmt.Errorf("%w: %w", imf.ErrNothingToWatch, err)
	}
	id, err := p.pids.Add(pid, w.spec.Resource, func(pid int) error {
		st, err := procfs.ReadStat(pid)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrGone, err)
		}
		if st.Dead() {
			return fmt.Errorf("state %c: %w", st.State, ErrGone)
		}
		if started := procfs.StartTime(st); started.After(fi.ModTime().Add(pidFileSlack)) {
			return fmt.Errorf("%w: started %s, after pid file %s was written (%s): the PID was reused",
				ErrGone, started.Format(time.RFC3339Nano), file, fi.ModTime().Format(time.RFC3339Nano))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %w", imf.ErrNothingToWatch, err)
	}
	w.ids[id] = pid
	p.byID[id] = w
	return nil
}

// dropPRON ends the PRON watch of a resource. Callers hold p.mu.
func (p *Plugin) dropPRON(resource string) {
	w, ok := p.pron[resource]
	if !ok {
		return
	}
	for id := range w.ids {
		p.pids.Remove(id)
		delete(p.byID, id)
	}
	delete(p.pron, resource)
}

// exited reports a watched process's exit. When none of the resource's
// processes is left, the pattern or pid file is looked up again, so that a
// process restarted meanwhile stays watched.
func (p *Plugin) exited(e Exit) {
	p.mu.Lock()
	w, ok := p.byID[e.ID]
	if !ok {
		p.mu.Unlock()
		return
	}
	delete(p.byID, e.ID)
	delete(w.ids, e.ID)
	w.events++
	p.events++
	empty := len(w.ids) == 0
	p.mu.Unlock()
	p.notify(imf.Notice{Resource: w.spec.Resource, Detail: fmt.Sprintf("process %d exited", e.PID)})
	if !empty {
		return
	}
	// The confirming monitor runs now. If it finds the resource offline,
	// the watch is dropped; if online (restarted outside the framework),
	// the watch is still here with nothing in it: look the process up
	// again then, rather than competing with that monitor for the CPU.
	p.o.Clock.AfterFunc(rearmDelay, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.closed || p.pron[w.spec.Resource] != w || len(w.ids) > 0 {
			return // unwatched or re-armed meanwhile
		}
		if err := p.arm(w); err != nil && !errors.Is(err, imf.ErrNothingToWatch) {
			p.log.Debug("re-arm after exit failed")
		}
	})
}

// rearmDelay is how long after the exit of a PRON watch's last process its
// pattern or pid file is looked up again (when the watch is still there).
const rearmDelay = time.Second
