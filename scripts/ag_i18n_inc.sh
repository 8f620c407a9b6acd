# ag_i18n_inc.sh - the VCS script helper library, as provided by vigil.
#
# Source it from an entry point:   . "${VCS_HOME:-/opt/VRTSvcs}/bin/ag_i18n_inc.sh"
# POSIX sh: works under dash and bash. Every helper variable starts with
# VCSAG_ or _vcsag_; nothing else in the caller's namespace is touched except
# entry_point.
#
# Under vigil, log records go to file descriptor $VCSAG_LOG_FD (3), which the
# runner reads into the agent log; run by hand, lines in the VCS log format go
# to stderr instead. See docs/writing-script-agents.md.

VCSAG_SUCCESS=0
VCSAG_FAILURE=1
VCSAG_RES_ONLINE=110
VCSAG_RES_OFFLINE=100
VCSAG_RES_UNKNOWN=99
VCSAG_RES_INTENTIONAL_OFFLINE=200
VCSAG_EP_DONE=0
VCSAG_EP_FAILED=1
VCSAG_ATTR_VALUE=
VCSAG_LOG_CATEGORY=${VCSAG_LOG_CATEGORY:-10000}
VCSAG_LOG_AGENT_NAME=${VCSAG_AGENT_DIR:-${0%/*}}
VCSAG_LOG_SCRIPT_NAME=$0
VCSAG_LOG_RESOURCE_NAME=${VCSAG_LOG_RESOURCE_NAME:-}
# HADECRYPT decodes a password attribute: agents run `$HADECRYPT $value`.
# vcsdecrypt decodes a token of `vigil encrypt` and prints other values back.
if [ -n "${VCS_HOME:-}" ] && [ -x "$VCS_HOME/bin/vcsdecrypt" ]; then
	HADECRYPT=$VCS_HOME/bin/vcsdecrypt
else
	HADECRYPT="printf %s\\n"
fi
entry_point=${VCSAG_ENTRY_POINT:-${0##*/}}
_vcsag_nl='
'

# VCSAG_DECRYPT <value>: prints the secret a `vigil encrypt` token holds, or
# the value itself when it is not a token.
VCSAG_DECRYPT() {
	$HADECRYPT "$1"
}

# VCSAG_SET_ENVS <res_name> [<category_id>]
VCSAG_SET_ENVS() {
	VCSAG_LOG_RESOURCE_NAME=${1:-}
	if [ -n "${2:-}" ]; then VCSAG_LOG_CATEGORY=$2; fi
	export VCSAG_LOG_CATEGORY VCSAG_LOG_AGENT_NAME VCSAG_LOG_SCRIPT_NAME VCSAG_LOG_RESOURCE_NAME
	return $VCSAG_SUCCESS
}

_vcsag_isint() {
	case $1 in '' | - | *[!0-9-]* | ?*-*) return 1 ;; esac
	return 0
}

_vcsag_isuint() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	return 0
}

# VCSAG_GET_ATTR_VALUE <name> [<index> [<count>]] <ArgListValues...>
# index -1: the value (a scalar; the elements joined by a space otherwise);
# index i >= 0: element i (0-based), count elements from there joined by a
# space; index omitted: the number of elements. The result is in
# VCSAG_ATTR_VALUE; the status is the return code.
VCSAG_GET_ATTR_VALUE() {
	VCSAG_ATTR_VALUE=
	[ $# -ge 1 ] || return $VCSAG_FAILURE
	_vcsag_name=$1
	shift
	_vcsag_idx=
	_vcsag_cnt=1
	if [ $# -ge 1 ] && _vcsag_isint "$1"; then
		_vcsag_idx=$1
		shift
		if [ $# -ge 1 ] && _vcsag_isint "$1"; then
			_vcsag_cnt=$1
			shift
		fi
	fi
	while [ $# -ge 2 ]; do
		if ! _vcsag_isuint "$2"; then
			shift # not a tuple start (e.g. an unshifted resource name): resync
			continue
		fi
		_vcsag_n=$2
		if [ "$1" = "$_vcsag_name" ]; then
			shift 2
			[ $# -ge "$_vcsag_n" ] || return $VCSAG_FAILURE
			_vcsag_pick "$@"
			return $?
		fi
		shift 2
		[ $# -ge "$_vcsag_n" ] || return $VCSAG_FAILURE
		shift "$_vcsag_n"
	done
	return $VCSAG_FAILURE
}

# _vcsag_pick <values...>: applies _vcsag_idx/_vcsag_cnt/_vcsag_n.
_vcsag_pick() {
	if [ -z "$_vcsag_idx" ]; then
		VCSAG_ATTR_VALUE=$_vcsag_n
		return $VCSAG_SUCCESS
	fi
	if [ "$_vcsag_idx" -lt 0 ]; then
		[ "$_vcsag_n" -gt 0 ] || return $VCSAG_SUCCESS # empty value
		_vcsag_idx=0
		_vcsag_cnt=$_vcsag_n
	fi
	[ "$_vcsag_idx" -lt "$_vcsag_n" ] || return $VCSAG_FAILURE
	[ "$_vcsag_cnt" -ge 1 ] || _vcsag_cnt=1
	shift "$_vcsag_idx"
	VCSAG_ATTR_VALUE=$1
	shift
	_vcsag_k=1
	while [ "$_vcsag_k" -lt "$_vcsag_cnt" ] && [ $((_vcsag_idx + _vcsag_k)) -lt "$_vcsag_n" ]; do
		VCSAG_ATTR_VALUE="$VCSAG_ATTR_VALUE $1"
		shift
		_vcsag_k=$((_vcsag_k + 1))
	done
	return $VCSAG_SUCCESS
}

# _vcsag_oneline <text>: folds newlines into spaces, result in _vcsag_text.
_vcsag_oneline() {
	_vcsag_text=
	_vcsag_rest=$1
	while :; do
		case $_vcsag_rest in
		*"$_vcsag_nl"*)
			_vcsag_text="$_vcsag_text${_vcsag_rest%%"$_vcsag_nl"*} "
			_vcsag_rest=${_vcsag_rest#*"$_vcsag_nl"}
			;;
		*)
			_vcsag_text="$_vcsag_text$_vcsag_rest"
			return 0
			;;
		esac
	done
}

# _vcsag_format <msg> [params...]: replaces each %s by the next parameter
# (no other format is interpreted), result in _vcsag_text.
_vcsag_format() {
	_vcsag_rest=$1
	shift
	_vcsag_out=
	while [ $# -gt 0 ]; do
		case $_vcsag_rest in
		*%s*)
			_vcsag_out="$_vcsag_out${_vcsag_rest%%"%s"*}$1"
			_vcsag_rest=${_vcsag_rest#*"%s"}
			shift
			;;
		*) break ;;
		esac
	done
	_vcsag_oneline "$_vcsag_out$_vcsag_rest"
}

# _vcsag_emit <record>: one record to the runner, or a log line to stderr.
# fd 3 shares the pipe of stdout and stderr (so records and printed lines
# keep their order); the leading RS byte (\036) marks a record.
_vcsag_emit() {
	if [ "${VCSAG_LOG_FD:-}" = 3 ] && { true >&3; } 2>/dev/null; then
		printf '\036%s\n' "$1" >&3
		return $VCSAG_SUCCESS
	fi
	return $VCSAG_FAILURE
}

_vcsag_stderr_line() { # <SEV> <umi> <text>
	printf '%s VCS %s %s %s:%s:%s:%s\n' "$(date '+%Y/%m/%d %H:%M:%S')" "$1" "$2" \
		"${VCSAG_TYPE:-${VCSAG_LOG_AGENT_NAME##*/}}" "$VCSAG_LOG_RESOURCE_NAME" "$entry_point" "$3" >&2
}

# _vcsag_skip_encoding: sets _vcsag_shift to the number of arguments an
# -encoding option takes at the head of "$@" (0, 1 or 2).
_vcsag_skip_encoding() {
	case ${1:-} in
	-encoding) _vcsag_shift=2 ;;
	-encoding*) _vcsag_shift=1 ;;
	*) _vcsag_shift=0 ;;
	esac
	[ $# -ge $_vcsag_shift ] || _vcsag_shift=$#
}

# VCSAG_LOG_MSG <sev C|E|W|N|I> <msg> <msgid> [-encoding <enc>] [p1..p6]
VCSAG_LOG_MSG() {
	[ $# -ge 2 ] || return $VCSAG_FAILURE
	_vcsag_sev=$1
	_vcsag_msg=$2
	_vcsag_id=${3:-0}
	if [ $# -ge 3 ]; then shift 3; else shift 2; fi
	_vcsag_skip_encoding "$@"
	shift $_vcsag_shift
	case $_vcsag_sev in
	C | c) _vcsag_word=CRITICAL ;; E | e) _vcsag_word=ERROR ;; W | w) _vcsag_word=WARNING ;;
	N | n) _vcsag_word=NOTICE ;; *) _vcsag_sev=I _vcsag_word=INFO ;;
	esac
	_vcsag_format "$_vcsag_msg" "$@"
	_vcsag_emit "L	$_vcsag_sev	$VCSAG_LOG_CATEGORY	$_vcsag_id	$_vcsag_text" ||
		_vcsag_stderr_line "$_vcsag_word" "V-16-$VCSAG_LOG_CATEGORY-$_vcsag_id" "$_vcsag_text"
	return $VCSAG_SUCCESS
}

# VCSAG_LOGDBG_MSG <level 1..21> <msg> [-encoding <enc>] [p1..p6]
# Emitted only when DBG_<level> is among the LogDbg levels in force.
VCSAG_LOGDBG_MSG() {
	[ $# -ge 2 ] || return $VCSAG_FAILURE
	_vcsag_lvl=${1#DBG_}
	_vcsag_msg=$2
	shift 2
	_vcsag_isuint "$_vcsag_lvl" || return $VCSAG_FAILURE
	case " ${VCSAG_LOGDBG:-} " in
	*" DBG_$_vcsag_lvl "*) ;;
	*) return $VCSAG_SUCCESS ;;
	esac
	_vcsag_skip_encoding "$@"
	shift $_vcsag_shift
	_vcsag_format "$_vcsag_msg" "$@"
	_vcsag_emit "D	$_vcsag_lvl	$VCSAG_LOG_CATEGORY	$_vcsag_text" ||
		_vcsag_stderr_line "DBG_$_vcsag_lvl" "V-16-50-0" "$_vcsag_text"
	return $VCSAG_SUCCESS
}

# VCSAG_SQUEEZE_SPACES <string...>: prints its arguments joined by a space,
# with leading and trailing blanks (space, tab, newline) removed and inner
# runs of blanks squeezed to one space. An unquoted value split into several
# arguments gives the same result as the quoted value.
VCSAG_SQUEEZE_SPACES() {
	(
		set -f
		IFS=' 	
'
		# shellcheck disable=SC2048,SC2086
		set -- $*
		IFS=' '
		printf '%s\n' "$*"
	)
}

# VCSAG_GET_MONITOR_LEVEL: sets VCSAG_MONITOR_LEVEL_ONE (always 1) and
# VCSAG_MONITOR_LEVEL_TWO (1 on every LevelTwoMonitorFreq-th monitor cycle).
VCSAG_GET_MONITOR_LEVEL() {
	VCSAG_MONITOR_LEVEL_ONE=1
	VCSAG_MONITOR_LEVEL_TWO=0
	_vcsag_f=${VCSAG_LEVEL_TWO_MONITOR_FREQ:-0}
	_vcsag_c=${VCSAG_MONITOR_COUNT:-0}
	if _vcsag_isuint "$_vcsag_f" && _vcsag_isuint "$_vcsag_c" && [ "$_vcsag_f" -gt 0 ] &&
		[ "$_vcsag_c" -gt 0 ] && [ $((_vcsag_c % _vcsag_f)) -eq 0 ]; then
		VCSAG_MONITOR_LEVEL_TWO=1
	fi
	export VCSAG_MONITOR_LEVEL_ONE VCSAG_MONITOR_LEVEL_TWO
	return $VCSAG_SUCCESS
}

# VCSAG_SET_RES_EP_TIMEOUT <seconds>: the running entry point's deadline
# becomes now + seconds.
VCSAG_SET_RES_EP_TIMEOUT() {
	_vcsag_isuint "${1:-}" && [ "$1" -gt 0 ] || return $VCSAG_FAILURE
	_vcsag_emit "T	$1"
}
