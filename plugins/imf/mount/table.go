package mount

import (
	"io"
	"path/filepath"

	"github.com/moby/sys/mountinfo"
)

// Table is the parsed mount table of the namespace.
type Table []*mountinfo.Info

// ParseTable parses /proc/<pid>/mountinfo text.
func ParseTable(r io.Reader) (Table, error) {
	t, err := mountinfo.GetMountsFromReader(r, nil)
	return Table(t), err
}

// Fingerprint is what a change of one mount is judged by.
type Fingerprint struct {
	ID                           int
	Source, FSType, Options, VFS string
}

// Top returns the mount visible at point (the last one stacked there) that
// has the given source and fstype when those are not empty.
func (t Table) Top(point, source, fstype string) (Fingerprint, bool) {
	point = filepath.Clean(point)
	for i := len(t) - 1; i >= 0; i-- {
		m := t[i]
		if m.Mountpoint != point {
			continue
		}
		if (source != "" && m.Source != source) || (fstype != "" && m.FSType != fstype) {
			return Fingerprint{}, false
		}
		return Fingerprint{ID: m.ID, Source: m.Source, FSType: m.FSType, Options: m.Options, VFS: m.VFSOptions}, true
	}
	return Fingerprint{}, false
}
