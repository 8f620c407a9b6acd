# process_inc.sh - shared code of the Process agent's entry points (vigil
# bundled agent). Sourced after ag_i18n_inc.sh; POSIX sh (dash and bash).
#
# Arguments is split into words at blanks, with no quoting, globbing or
# variable expansion, as VCS's Process agent does: an argument cannot hold a
# space (use a wrapper script and PidFile for that). Processes are found in
# /proc; a zombie counts as dead.

# proc_get_attrs "$@": sets PATHNAME, ARGUMENTS (blanks squeezed), USERNAME
# and PIDFILE from the ArgList tuples. Returns 1 (after logging) when
# PathName is not set.
proc_get_attrs() {
	VCSAG_GET_ATTR_VALUE "PathName" -1 1 "$@"
	PATHNAME=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "Arguments" -1 1 "$@"
	proc_words "$VCSAG_ATTR_VALUE"
	ARGUMENTS=$_proc_words
	VCSAG_GET_ATTR_VALUE "UserName" -1 1 "$@"
	USERNAME=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "PidFile" -1 1 "$@"
	PIDFILE=$VCSAG_ATTR_VALUE
	if [ -z "$PATHNAME" ]; then
		VCSAG_LOG_MSG "E" "Attribute PathName is not set for resource %s" 2001 "$VCSAG_LOG_RESOURCE_NAME"
		return 1
	fi
	case $PIDFILE in
	'' | /*) ;;
	*)
		VCSAG_LOG_MSG "E" "PidFile %s is not an absolute path" 2004 "$PIDFILE"
		return 1
		;;
	esac
	return 0
}

# proc_words <string>: sets _proc_words to the words of string (split at
# blanks, no globbing) joined by one space, and _proc_argv to them joined
# by newlines (words never hold a newline).
proc_words() {
	_proc_f=$-
	set -f
	# shellcheck disable=SC2086
	set -- $1
	case $_proc_f in *f*) ;; *) set +f ;; esac
	_proc_words=$*
	_proc_argv=
	for _proc_w in "$@"; do
		_proc_argv="$_proc_argv
$_proc_w"
	done
}

# proc_alive <pid>: the process exists and is neither a zombie nor dead
# (state Z or X in /proc/<pid>/stat).
proc_alive() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	read -r _proc_stat 2>/dev/null <"/proc/$1/stat" || return 1
	_proc_rest=${_proc_stat##*) }
	case ${_proc_rest%% *} in Z | X | '') return 1 ;; esac
	return 0
}

# proc_uid <pid>: sets _proc_uid to the effective uid of pid.
proc_uid() {
	_proc_uid=
	while read -r _proc_k _proc_r _proc_e _proc_x; do
		if [ "$_proc_k" = "Uid:" ]; then
			_proc_uid=$_proc_e
			return 0
		fi
	done 2>/dev/null <"/proc/$1/status"
	return 1
}

# proc_pgid <pid>: prints the process group of pid.
proc_pgid() {
	read -r _proc_stat 2>/dev/null <"/proc/$1/stat" || return 1
	# shellcheck disable=SC2086
	set -- ${_proc_stat##*) }
	printf '%s\n' "$3"
}

# proc_by_argv <argv>: prints the pids whose argument vector, elements
# joined by newlines, is exactly argv. One awk reads every
# /proc/<pid>/cmdline; a process that exits meanwhile is skipped. Runs in a
# subshell, so turning globbing on for /proc stays local.
proc_by_argv() {
	set +f
	PROC_WANT=$1 awk 'BEGIN {
		RS = "\0"
		want = ENVIRON["PROC_WANT"]
		for (i = 1; i < ARGC; i++) {
			f = ARGV[i]
			got = ""
			n = 0
			while ((getline line < f) > 0) got = n++ ? got "\n" line : line
			close(f)
			if (n && got == want) {
				split(f, part, "/")
				print part[3]
			}
		}
		exit
	}' /proc/[0-9]*/cmdline
}

# proc_targets: sets PIDS to the pids (space separated) of the resource's
# live processes: with PidFile the pid it holds; otherwise every process
# whose arguments are exactly PathName and the words of Arguments, run by
# UserName when set.
proc_targets() {
	PIDS=
	if [ -n "$PIDFILE" ]; then
		_proc_pid=
		read -r _proc_pid 2>/dev/null <"$PIDFILE"
		proc_alive "$_proc_pid" && PIDS=$_proc_pid
		return 0
	fi
	proc_words "$ARGUMENTS"
	_proc_want_uid=
	case $USERNAME in
	'') ;;
	root) _proc_want_uid=0 ;;
	*) _proc_want_uid=$(id -u -- "$USERNAME" 2>/dev/null) || return 0 ;;
	esac
	for _proc_p in $(proc_by_argv "$PATHNAME$_proc_argv"); do
		proc_alive "$_proc_p" || continue
		if [ -n "$_proc_want_uid" ]; then
			proc_uid "$_proc_p" && [ "$_proc_uid" = "$_proc_want_uid" ] || continue
		fi
		PIDS="${PIDS:+$PIDS }$_proc_p"
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
