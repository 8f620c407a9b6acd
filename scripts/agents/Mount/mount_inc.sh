# mount_inc.sh - shared code of the Mount agent's entry points (vigil
# bundled agent). Sourced after ag_i18n_inc.sh; POSIX sh (dash and bash).

# mnt_get_attrs "$@": sets MOUNTPOINT (canonical, no trailing slash),
# BLOCKDEV, FSTYPE, MOUNTOPT and FSCKOPT from the ArgList tuples. Returns 1
# (after logging) when MountPoint or BlockDevice is not set.
mnt_get_attrs() {
	VCSAG_GET_ATTR_VALUE "MountPoint" -1 1 "$@"
	MOUNTPOINT=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "BlockDevice" -1 1 "$@"
	BLOCKDEV=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "FSType" -1 1 "$@"
	FSTYPE=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "MountOpt" -1 1 "$@"
	MOUNTOPT=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "FsckOpt" -1 1 "$@"
	FSCKOPT=$VCSAG_ATTR_VALUE
	for _mnt_a in MountPoint BlockDevice; do
		case $_mnt_a in MountPoint) _mnt_v=$MOUNTPOINT ;; *) _mnt_v=$BLOCKDEV ;; esac
		if [ -z "$_mnt_v" ]; then
			VCSAG_LOG_MSG "E" "Attribute %s is not set for resource %s" 4001 "$_mnt_a" "$VCSAG_LOG_RESOURCE_NAME"
			return 1
		fi
	done
	case $MOUNTPOINT in
	/*) ;;
	*)
		VCSAG_LOG_MSG "E" "MountPoint %s is not an absolute path" 4002 "$MOUNTPOINT"
		return 1
		;;
	esac
	# Resolve symbolic links (as mountinfo shows the mount point) with the
	# cd builtin rather than a readlink(1) process.
	_mnt_old=$PWD
	if [ -d "$MOUNTPOINT" ] && cd -P -- "$MOUNTPOINT" 2>/dev/null; then
		MOUNTPOINT=$PWD
		cd -- "$_mnt_old" || return 1
	fi
	while :; do
		case $MOUNTPOINT in /) break ;; */) MOUNTPOINT=${MOUNTPOINT%/} ;; *) break ;; esac
	done
	return 0
}

# mnt_entries: prints one line "<major:minor> <fstype> <source>" for every
# mount on MOUNTPOINT in /proc/self/mountinfo, bottom first (octal escapes
# of the mount point and source decoded).
mnt_entries() {
	MNT_MP=$MOUNTPOINT awk '
	function dec(s,   out, i, c) {
		out = ""
		while ((i = index(s, "\\")) > 0) {
			c = substr(s, i + 1, 3)
			if (c ~ /^[0-7][0-7][0-7]$/) {
				out = out substr(s, 1, i - 1) sprintf("%c", (substr(c,1,1) * 64) + (substr(c,2,1) * 8) + substr(c,3,1))
				s = substr(s, i + 4)
			} else {
				out = out substr(s, 1, i)
				s = substr(s, i + 1)
			}
		}
		return out s
	}
	{
		if (dec($5) != ENVIRON["MNT_MP"]) next
		for (i = 7; i <= NF && $i != "-"; i++) ;
		if (i + 2 > NF) next
		print $3, $(i + 1), dec($(i + 2))
	}' /proc/self/mountinfo
}

# mnt_is_ours <major:minor> <fstype> <source>: the entry is BlockDevice of
# FSType. The source matches when it is BlockDevice as given (tmpfs, NFS,
# bind sources), the same file after resolving symbolic links (/dev/mapper,
# /dev/disk/by-*), or when BlockDevice is a block device whose number is the
# entry's major:minor.
mnt_is_ours() {
	if [ -n "$FSTYPE" ] && [ "$FSTYPE" != auto ]; then
		case $2 in "$FSTYPE" | "$FSTYPE"*) ;; *) return 1 ;; esac
	fi
	[ "$3" = "$BLOCKDEV" ] && return 0
	case $BLOCKDEV in
	/*)
		if [ -e "$BLOCKDEV" ] && [ -e "$3" ] &&
			[ "$(readlink -f -- "$BLOCKDEV")" = "$(readlink -f -- "$3")" ]; then
			return 0
		fi
		if [ -b "$BLOCKDEV" ] && [ "$(stat -L -c '%Hr:%Lr' -- "$BLOCKDEV" 2>/dev/null)" = "$1" ]; then
			return 0
		fi
		;;
	esac
	return 1
}

# mnt_state: sets MNT_STATE to "ours" when BlockDevice is mounted on
# MountPoint, "other" when only something else is, "none" otherwise, and
# MNT_OTHER to the source of the last foreign mount seen.
mnt_state() {
	MNT_STATE=none
	MNT_OTHER=
	_mnt_list=$(mnt_entries)
	[ -n "$_mnt_list" ] || return 0
	_mnt_ifs=$IFS
	IFS='
'
	set -f
	for _mnt_line in $_mnt_list; do
		IFS=$_mnt_ifs
		_mnt_dev=${_mnt_line%% *}
		_mnt_rest=${_mnt_line#* }
		_mnt_type=${_mnt_rest%% *}
		_mnt_src=${_mnt_rest#* }
		if mnt_is_ours "$_mnt_dev" "$_mnt_type" "$_mnt_src"; then
			MNT_STATE=ours
		elif [ "$MNT_STATE" = none ]; then
			MNT_STATE=other
			MNT_OTHER=$_mnt_src
		fi
	done
	set +f
	IFS=$_mnt_ifs
	return 0
}

# mnt_needs_fsck: BlockDevice is a block device and FSType has a
# fsck.<FSType> checker (ext2/3/4, vfat, ...; not tmpfs, NFS or bind).
mnt_needs_fsck() {
	[ -b "$BLOCKDEV" ] && [ -n "$FSTYPE" ] && command -v "fsck.$FSTYPE" >/dev/null 2>&1
}
