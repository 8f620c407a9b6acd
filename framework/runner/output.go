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

// capture reads a child's stdout+stderr: it keeps the first cap bytes and
// logs each line.
type capture struct {
	f    *os.File
	cap  int
	log  *zap.Logger
	fn   func([]byte)
	mu   sync.Mutex
	buf  bytes.Buffer
	lost int // bytes beyond the cap
	done chan struct{}
	once sync.Once
}

func newCapture(f *os.File, capBytes int, log *zap.Logger, fn func([]byte)) *capture {
	c := &capture{f: f, cap: capBytes, log: log, fn: fn, done: make(chan struct{})}
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
