package procfs

import (
	"encoding/binary"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The readers below go to /proc through plain system calls into buffers
// they reuse: os.Open costs an fstat, a poller registration, a finalizer
// and several allocations per file, which a scan of the process table pays
// once per process (a Process resource's monitor scans it when the pid it
// knew is gone, on the path from a kill to the state change).
//
// openat and close of a /proc file are raw system calls (no hand-over of
// the scheduler's P): they do no I/O and return at once, and a scan makes
// one of each per process. read is an ordinary one: reading a cmdline
// reads the process's memory, which may have to be paged in.

// reader holds the buffers of one read or scan; readers are pooled.
type reader struct {
	buf   []byte   // file contents, grown up to maxFile
	dents []byte   // getdents64 records
	name  [64]byte // "<pid>/<file>" and a NUL, for openat

	// A scan's view of the kernel threads (kthreads_linux.go).
	kpoll []unix.PollFd  // their pidfds
	kpid  []int          // their pids
	kgen  []uint64       // their generations in the set
	skip  map[int]int    // pid not read -> index in kpoll
	plain map[int]uint64 // pid met with an empty cmdline, not a kernel thread -> inode
}

var readers = sync.Pool{New: func() any {
	return &reader{buf: make([]byte, 4096), dents: make([]byte, 8192), skip: map[int]int{}, plain: map[int]uint64{}}
}}

func getReader() *reader  { return readers.Get().(*reader) }
func putReader(r *reader) { readers.Put(r) }

// rootName is Root, NUL-terminated for openat.
var rootName = []byte(Root + "\x00")

// openProc opens /proc itself, for the openat calls of a scan.
func openProc() (int, error) { return openat(unix.AT_FDCWD, &rootName[0], unix.O_DIRECTORY) }

// read reads /proc/<pid>/<file> (dir is an open /proc, or AT_FDCWD with
// the path taken from Root) into r.buf and returns its first maxFile
// bytes, valid until r's next read.
func (r *reader) read(dir, pid int, file string) ([]byte, error) {
	n := 0
	if dir == unix.AT_FDCWD {
		n = copy(r.name[:], Root+"/")
	}
	name := strconv.AppendInt(r.name[:n], int64(pid), 10)
	name = append(append(name, '/'), file...)
	if len(name) >= len(r.name) {
		return nil, unix.ENAMETOOLONG
	}
	r.name[len(name)] = 0
	fd, err := openat(dir, &r.name[0], 0)
	if err != nil {
		return nil, err
	}
	defer closeFd(fd)
	b := r.buf[:0]
	for {
		if len(b) == cap(b) {
			if cap(b) >= maxFile {
				break
			}
			nb := make([]byte, len(b), min(2*cap(b), maxFile))
			copy(nb, b)
			b, r.buf = nb, nb[:cap(nb)]
		}
		m, err := unix.Read(fd, b[len(b):cap(b)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if m == 0 {
			break
		}
		b = b[:len(b)+m]
		if file == "cmdline" && len(b) < cap(b) {
			break // the kernel fills a cmdline read up to the end of the argv: saves a read per process
		}
	}
	return b, nil
}

// openat opens the NUL-terminated name relative to dir, read-only, with
// flags added. It makes the system call itself because unix.Openat copies
// the name into a new allocation on every call.
func openat(dir int, name *byte, flags int) (int, error) {
	for {
		fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(dir), uintptr(unsafe.Pointer(name)),
			uintptr(unix.O_RDONLY|unix.O_CLOEXEC|flags), 0, 0, 0)
		switch e {
		case 0:
			return int(fd), nil
		case unix.EINTR:
			continue
		}
		return -1, e
	}
}

// closeFd closes a descriptor of a /proc file (an error leaves nothing to do).
func closeFd(fd int) { unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0) }

// eachPid calls fn with every numeric entry of the open directory dir
// (/proc) and its inode number, until fn returns false.
func (r *reader) eachPid(dir int, fn func(pid int, ino uint64) bool) error {
	for {
		n, err := unix.Getdents(dir, r.dents)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n <= 0 {
			return nil
		}
		for b := r.dents[:n]; len(b) >= direntName; {
			reclen := int(binary.NativeEndian.Uint16(b[16:18])) // d_reclen
			if reclen < direntName || reclen > len(b) {
				return unix.EIO
			}
			if pid := atoiName(b[direntName:reclen]); pid > 0 && !fn(pid, binary.NativeEndian.Uint64(b[:8])) {
				return nil
			}
			b = b[reclen:]
		}
	}
}

// direntName is the offset of d_name in struct linux_dirent64 (d_ino 8
// bytes, d_off 8, d_reclen 2, d_type 1).
const direntName = 19

// atoiName returns the positive decimal number a NUL-terminated directory
// entry name spells, or 0 (the entry is not a process).
func atoiName(b []byte) int {
	n := 0
	for i, c := range b {
		if c == 0 {
			if i == 0 {
				return 0
			}
			return n
		}
		if c < '0' || c > '9' || n > (1<<31) {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return 0
}
