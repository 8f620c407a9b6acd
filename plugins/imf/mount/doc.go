// Package mount is the built-in IMF plugin for mounts: MNTON (a mounted
// MountPoint is unmounted, or changes: remounted read-only, other options,
// another source) and MNTOFF (something is mounted on MountPoint, with the
// BlockDevice and FSType asked for). Its source is readiness of
// /proc/self/mountinfo (EPOLLPRI), the only one that also reports remounts;
// on each wake the table is read again and parsed with moby/sys/mountinfo.
// It watches the daemon's own mount namespace.
//
//	Watch: read the table; MNTON needs the point mounted (else nothing to watch)
//	mountinfo EPOLLPRI -> read + parse -> per watch: compare with the last
//	    fingerprint (mount ID, source, fstype, options) -> Notice
//	read error -> Notice{Rescan}
package mount
