# process_inc.sh - shared code of the Process agent's entry points (vigil
# bundled agent). Sourced after ag_i18n_inc.sh; POSIX sh (dash and bash).
#
# Arguments is split into words at blanks, with no quoting, globbing or
# variable expansion, as VCS's Process agent does: an argument cannot hold a
# space (use a wrapper script and PidFile for that).

# proc_get_attrs "$@": sets PATHNAME, ARGUMENTS (blanks squeezed), USERNAME
# and PIDFILE from the ArgList tuples. Returns 1 (after logging) when
# PathName is not set.
proc_get_attrs() {
	VCSAG_GET_ATTR_VALUE "PathName" -1 1 "$@"
	PATHNAME=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "Arguments" -1 1 "$@"
	ARGUMENTS=$(VCSAG_SQUEEZE_SPACES "$VCSAG_ATTR_VALUE")
	VCSAG_GET_ATTR_VALUE "UserName" -1 1 "$@"
	USERNAME=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "PidFile" -1 1 "$@"
	PIDFILE=$VCSAG_ATTR_VALUE
	if [ -z "$PATHNAME" ]; then
		VCSAG_LOG_MSG "E" "Attribute PathName is not set for resource %s" 2001 "$VCSAG_LOG_RESOURCE_NAME"
		return 1
	fi
	return 0
}

# proc_alive <pid>: the process exists and is neither a zombie nor dead
# (state Z or X in /proc/<pid>/stat).
proc_alive() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	[ -r "/proc/$1/stat" ] || return 1
	read -r _proc_stat 2>/dev/null <"/proc/$1/stat" || return 1
	_proc_rest=${_proc_stat##*) }
	case ${_proc_rest%% *} in Z | X | '') return 1 ;; esac
	return 0
}

# proc_pgid <pid>: prints the process group of pid.
proc_pgid() {
	read -r _proc_stat 2>/dev/null <"/proc/$1/stat" || return 1
	# shellcheck disable=SC2086
	set -- ${_proc_stat##*) }
	printf '%s\n' "$3"
}

# proc_ere <string>: prints string with every extended-regex special
# character escaped.
proc_ere() {
	printf '%s\n' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

# proc_pidfile_pid: prints the pid held in PIDFILE, if it is a number.
proc_pidfile_pid() {
	[ -r "$PIDFILE" ] || return 1
	_proc_pid=
	read -r _proc_pid 2>/dev/null <"$PIDFILE"
	case $_proc_pid in '' | *[!0-9]*) return 1 ;; esac
	printf '%s\n' "$_proc_pid"
}

# proc_targets: prints the pids of the resource's live processes: with
# PidFile the pid it holds; otherwise every process whose command line is
# exactly PathName followed by Arguments, owned by UserName when set.
proc_targets() {
	if [ -n "$PIDFILE" ]; then
		_proc_pid=$(proc_pidfile_pid) || return 0
		proc_alive "$_proc_pid" && printf '%s\n' "$_proc_pid"
		return 0
	fi
	_proc_pat=$(proc_ere "$PATHNAME${ARGUMENTS:+ $ARGUMENTS}")
	if [ -n "$USERNAME" ]; then
		_proc_list=$(pgrep -u "$USERNAME" -x -f -- "$_proc_pat" 2>/dev/null)
	else
		_proc_list=$(pgrep -x -f -- "$_proc_pat" 2>/dev/null)
	fi
	for _proc_p in $_proc_list; do
		proc_alive "$_proc_p" && printf '%s\n' "$_proc_p"
	done
	return 0
}

# proc_signal <SIG> <pids...>: signals each pid, and its whole process group
# when it leads one (the agent starts the process in a session of its own).
proc_signal() {
	_proc_sig=$1
	shift
	for _proc_p in "$@"; do
		if [ "$(proc_pgid "$_proc_p")" = "$_proc_p" ]; then
			kill "-$_proc_sig" "-$_proc_p" 2>/dev/null
		fi
		kill "-$_proc_sig" "$_proc_p" 2>/dev/null
	done
	return 0
}

# proc_wait_gone <tenths> <pids...>: waits up to tenths/10 seconds for every
# pid to be dead (or a zombie). Returns 1 if one is still alive.
proc_wait_gone() {
	_proc_n=$1
	shift
	while :; do
		_proc_left=0
		for _proc_p in "$@"; do
			proc_alive "$_proc_p" && _proc_left=1
		done
		[ $_proc_left -eq 0 ] && return 0
		[ "$_proc_n" -le 0 ] && return 1
		sleep 0.1
		_proc_n=$((_proc_n - 1))
	done
}

# proc_run_as: sets RUN_AS to the command prefix that runs a program as
# USERNAME (empty for root or the current user). setpriv execs the program
# in place, so the pid written to PidFile is the program's own.
proc_run_as() {
	RUN_AS=
	[ -z "$USERNAME" ] && return 0
	_proc_uid=$(id -u -- "$USERNAME" 2>/dev/null) || {
		VCSAG_LOG_MSG "E" "User %s does not exist" 2002 "$USERNAME"
		return 1
	}
	[ "$_proc_uid" = "$(id -u)" ] && return 0
	_proc_gid=$(id -g -- "$USERNAME")
	if command -v setpriv >/dev/null 2>&1; then
		RUN_AS="setpriv --reuid=$_proc_uid --regid=$_proc_gid --init-groups --reset-env --"
	elif command -v runuser >/dev/null 2>&1; then
		RUN_AS="runuser -u $USERNAME --"
	else
		VCSAG_LOG_MSG "E" "Cannot switch to user %s: neither setpriv nor runuser is installed" 2003 "$USERNAME"
		return 1
	fi
	return 0
}
