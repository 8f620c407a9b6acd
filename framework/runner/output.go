package runner

import (
	"bufio"
	"bytes"
	"os"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
)

// drainGrace is how long output is still read after the child exited, for
// lines a left-behind process (the resource's daemon) may still hold open.
const drainGrace = 50 * time.Millisecond

// maxLine bounds one logged line; longer lines are logged in pieces.
const maxLine = 4096

// capture reads a child's stdout+stderr and its fd 3 records, which share
// one pipe: it keeps the first cap bytes of output and logs each line; a
// line that starts with RecordMark is a helper-library record, logged as
// the record and handed to rec, never counted as output.
type capture struct {
	f    *os.File
	cap  int
	log  *zap.Logger
	fn   func([]byte)
	rec  func(Record)
	mu   sync.Mutex
	buf  bytes.Buffer
	lost int // bytes beyond the cap
	done chan struct{}
	once sync.Once
}

func newCapture(f *os.File, capBytes int, log *zap.Logger, fn func([]byte), rec func(Record)) *capture {
	c := &capture{f: f, cap: capBytes, log: log, fn: fn, rec: rec, done: make(chan struct{})}
	go c.read()
	return c
}

func (c *capture) read() {
	defer close(c.done)
	defer c.close()
	sc := bufio.NewScanner(c.f)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	sc.Split(scanLinesKeep)
	for sc.Scan() {
		b := sc.Bytes()
		if len(b) > 0 && b[0] == RecordMark {
			c.record(string(bytes.TrimRight(b, "\n")))
			continue
		}
		c.mu.Lock()
		if room := c.cap - c.buf.Len(); room > 0 {
			if len(b) > room {
				c.lost += len(b) - room
				c.buf.Write(b[:room])
			} else {
				c.buf.Write(b)
			}
		} else {
			c.lost += len(b)
		}
		c.mu.Unlock()
		line := bytes.TrimRight(b, "\n")
		c.log.Info(string(line))
		if c.fn != nil {
			c.fn(line)
		}
	}
}

// record logs and hands on one record line.
func (c *capture) record(line string) {
	rec, ok := ParseRecord(line)
	if !ok {
		c.log.Warn("malformed helper record", zap.String("record", line[1:]))
		return
	}
	rec.Log(c.log)
	if c.rec != nil {
		c.rec(rec)
	}
}

// scanLinesKeep splits at newlines, keeping them, and at maxLine.
func scanLinesKeep(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i+1], nil
	}
	if len(data) >= maxLine || (atEOF && len(data) > 0) {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// finish waits briefly for the end of the output, then stops reading.
func (c *capture) finish(clk clock.Clock) {
	select {
	case <-c.done:
	case <-clk.After(drainGrace):
		c.close()
	}
}

func (c *capture) close() {
	c.once.Do(func() { c.f.Close() })
}

// snapshot returns the captured bytes so far.
func (c *capture) snapshot() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.buf.Bytes()...)
}

// lostBytes returns how many bytes were dropped at the cap.
func (c *capture) lostBytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lost
}
