package cluster

import (
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Watchdog is a Linux watchdog device (/dev/watchdog: a hardware watchdog
// or the softdog module). Once opened, the machine is reset unless Feed is
// called within the device's timeout; Close disarms it (magic close).
type Watchdog struct {
	mu      sync.Mutex
	f       *os.File
	timeout time.Duration
}

// OpenWatchdog opens a watchdog device and sets its timeout (whole
// seconds, at least one).
func OpenWatchdog(path string, timeout time.Duration) (*Watchdog, error) {
	if timeout < time.Second {
		return nil, fmt.Errorf("watchdog %s: timeout %s: want at least 1s", path, timeout)
	}
	timeout = timeout.Truncate(time.Second)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("watchdog %s: %w", path, err)
	}
	if err := unix.IoctlSetPointerInt(int(f.Fd()), unix.WDIOC_SETTIMEOUT, int(timeout/time.Second)); err != nil {
		f.Write([]byte("V"))
		f.Close()
		return nil, fmt.Errorf("watchdog %s: set timeout %s: %w", path, timeout, err)
	}
	return &Watchdog{f: f, timeout: timeout}, nil
}

// Timeout returns the device's timeout.
func (w *Watchdog) Timeout() time.Duration { return w.timeout }

// Feed resets the watchdog's countdown.
func (w *Watchdog) Feed() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		w.f.Write([]byte{0})
	}
}

// Close disarms and closes the device.
func (w *Watchdog) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		w.f.Write([]byte("V"))
		w.f.Close()
		w.f = nil
	}
}

// boottime returns CLOCK_BOOTTIME: one clock for every process of the
// machine, counting through a suspend (the fence guard's deadlines).
func boottime() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return time.Duration(time.Now().UnixNano()) // unreachable on Linux
	}
	return time.Duration(ts.Nano())
}
