# application_inc.sh - shared code of the Application agent's entry points
# (vigil bundled agent). Sourced after ag_i18n_inc.sh; POSIX sh (dash and
# bash).
#
# StartProgram, StopProgram, CleanProgram and MonitorProgram are a program's
# full path followed by its arguments, split into words at blanks with no
# shell interpretation (no quoting, redirection, globbing or variables); use
# a wrapper script for anything more. They run as User.

# app_get_attrs "$@": sets APP_USER, START, STOP, CLEAN, MONPROG, and
# PIDFILES and MONPROCS (newline-separated lists) from the ArgList tuples.
app_get_attrs() {
	VCSAG_GET_ATTR_VALUE "User" -1 1 "$@"
	APP_USER=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "StartProgram" -1 1 "$@"
	START=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "StopProgram" -1 1 "$@"
	STOP=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "CleanProgram" -1 1 "$@"
	CLEAN=$VCSAG_ATTR_VALUE
	VCSAG_GET_ATTR_VALUE "MonitorProgram" -1 1 "$@"
	MONPROG=$VCSAG_ATTR_VALUE
	app_list "PidFiles" "$@"
	PIDFILES=$_app_list
	app_list "MonitorProcesses" "$@"
	MONPROCS=$_app_list
}

# app_list <name> "$@": sets _app_list to the non-empty elements of a
# vector attribute, one a line.
app_list() {
	_app_list=
	_app_name=$1
	shift
	VCSAG_GET_ATTR_VALUE "$_app_name" "$@" || return 0
	_app_n=$VCSAG_ATTR_VALUE
	_app_i=0
	while [ "$_app_i" -lt "$_app_n" ]; do
		if VCSAG_GET_ATTR_VALUE "$_app_name" "$_app_i" 1 "$@" && [ -n "$VCSAG_ATTR_VALUE" ]; then
			_app_list="${_app_list:+$_app_list
}$VCSAG_ATTR_VALUE"
		fi
		_app_i=$((_app_i + 1))
	done
}

# app_alive <pid>: the process exists and is not a zombie (Z, X).
app_alive() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	read -r _app_stat 2>/dev/null <"/proc/$1/stat" || return 1
	_app_rest=${_app_stat##*) }
	case ${_app_rest%% *} in Z | X | '') return 1 ;; esac
	return 0
}

# app_pidfile_pid <file>: sets _app_pid to the pid a pid file holds.
app_pidfile_pid() {
	_app_pid=
	read -r _app_pid 2>/dev/null <"$1"
	case $_app_pid in '' | *[!0-9]*) _app_pid= ; return 1 ;; esac
	return 0
}

# app_uid <pid>: sets _app_uid to the effective uid of pid.
app_uid() {
	_app_uid=
	while read -r _app_k _app_r _app_e _app_x; do
		if [ "$_app_k" = "Uid:" ]; then
			_app_uid=$_app_e
			return 0
		fi
	done 2>/dev/null <"/proc/$1/status"
	return 1
}

# app_proc_pids <command line>: sets _app_pids to the live pids (space
# separated), run by User, whose arguments joined by one space are exactly
# the given command line. One awk reads every /proc/<pid>/cmdline; a
# process that exits meanwhile is skipped.
app_proc_pids() {
	_app_pids=
	case $APP_USER in
	'') _app_want_uid= ;;
	root) _app_want_uid=0 ;;
	*) _app_want_uid=$(id -u -- "$APP_USER" 2>/dev/null) || return 0 ;;
	esac
	_app_flags=$-
	set +f # for the /proc glob
	_app_found=$(APP_WANT=$1 awk 'BEGIN {
		RS = "\0"
		want = ENVIRON["APP_WANT"]
		for (i = 1; i < ARGC; i++) {
			f = ARGV[i]
			got = ""
			n = 0
			while ((getline line < f) > 0) got = n++ ? got " " line : line
			close(f)
			if (n && got == want) {
				split(f, part, "/")
				print part[3]
			}
		}
		exit
	}' /proc/[0-9]*/cmdline)
	case $_app_flags in *f*) set -f ;; esac
	for _app_p in $_app_found; do
		app_alive "$_app_p" || continue
		if [ -n "$_app_want_uid" ]; then
			app_uid "$_app_p" && [ "$_app_uid" = "$_app_want_uid" ] || continue
		fi
		_app_pids="${_app_pids:+$_app_pids }$_app_p"
	done
	return 0
}

# app_all_pids: sets _app_all to the live pids of PidFiles and
# MonitorProcesses (space separated).
app_all_pids() {
	_app_all=
	_app_ifs=$IFS
	_app_flags=$-
	IFS='
'
	set -f
	for _app_f in $PIDFILES; do
		IFS=$_app_ifs
		app_pidfile_pid "$_app_f" && app_alive "$_app_pid" && _app_all="${_app_all:+$_app_all }$_app_pid"
	done
	IFS='
'
	for _app_c in $MONPROCS; do
		IFS=$_app_ifs
		app_proc_pids "$_app_c"
		_app_all="$_app_all${_app_pids:+ $_app_pids}"
	done
	IFS=$_app_ifs
	case $_app_flags in *f*) ;; *) set +f ;; esac
	return 0
}

# app_wait_gone <tenths> <pids...>: waits up to tenths/10 s for the pids to
# die. Returns 1 if one is still alive.
app_wait_gone() {
	_app_n=$1
	shift
	while :; do
		_app_left=0
		for _app_p in "$@"; do app_alive "$_app_p" && _app_left=1; done
		[ $_app_left -eq 0 ] && return 0
		[ "$_app_n" -le 0 ] && return 1
		sleep 0.1
		_app_n=$((_app_n - 1))
	done
}

# app_run_as: sets RUN_AS to the command prefix that runs a program as
# APP_USER (empty for root or the current user).
app_run_as() {
	RUN_AS=
	[ -z "$APP_USER" ] && return 0
	_app_uid=$(id -u -- "$APP_USER" 2>/dev/null) || {
		VCSAG_LOG_MSG "E" "User %s does not exist" 3002 "$APP_USER"
		return 1
	}
	[ "$_app_uid" = "$(id -u)" ] && return 0
	_app_gid=$(id -g -- "$APP_USER")
	if command -v setpriv >/dev/null 2>&1; then
		RUN_AS="setpriv --reuid=$_app_uid --regid=$_app_gid --init-groups --reset-env --"
	elif command -v runuser >/dev/null 2>&1; then
		RUN_AS="runuser -u $APP_USER --"
	else
		VCSAG_LOG_MSG "E" "Cannot switch to user %s: neither setpriv nor runuser is installed" 3003 "$APP_USER"
		return 1
	fi
	return 0
}

# app_program <attr> <command>: checks that the command's program is an
# absolute path to an executable file. Returns 1 (after logging) otherwise.
app_program() {
	_app_prog=${2%%[ 	]*}
	case $_app_prog in
	/*) ;;
	*)
		VCSAG_LOG_MSG "E" "%s %s must start with an absolute path" 3004 "$1" "$2"
		return 1
		;;
	esac
	if [ ! -f "$_app_prog" ] || [ ! -x "$_app_prog" ]; then
		VCSAG_LOG_MSG "E" "%s: %s is not an executable file" 3005 "$1" "$_app_prog"
		return 1
	fi
	return 0
}

# app_run <attr> <command>: runs the command as User from /, stdin
# /dev/null, in a session of its own, and waits for it. Its output (stdout
# and stderr, first 50 lines) goes to the agent log through a temporary file,
# so a daemon it leaves behind holds no pipe of the entry point. Returns the
# command's exit status (127 when it cannot be run).
app_run() {
	app_program "$1" "$2" || return 127
	app_run_as || return 127
	_app_out=$(mktemp "${TMPDIR:-/tmp}/vigil-app.XXXXXX") || return 127
	(
		cd / || exit 127
		set -f
		# The command and RUN_AS are split into words on purpose.
		# shellcheck disable=SC2086
		exec setsid -w $RUN_AS $2 </dev/null >"$_app_out" 2>&1 3>&-
	)
	_app_rc=$?
	head -n 50 "$_app_out"
	rm -f -- "$_app_out"
	return $_app_rc
}
