# Probe entry point (the #! line is added by the test): writes its argv and
# the results of VCSAG_GET_ATTR_VALUE lookups, NUL-terminated.
. "$VCS_HOME/bin/ag_i18n_inc.sh"
out=$PROBE_OUT
: >"$out"
for a in "$@"; do printf '%s\0' "$a" >>"$out"; done
: >"$out.attr"
q() {
	VCSAG_GET_ATTR_VALUE "$@"
	printf '%s\0%s\0' "$?" "$VCSAG_ATTR_VALUE" >>"$out.attr"
}
[ $# -gt 0 ] && shift
case $entry_point in
clean | info) shift ;;
imf_register) shift 2 ;;
esac
q Str -1 1 "$@"
q Int -1 1 "$@"
q Vec "$@"
q Vec 0 1 "$@"
q Vec 4 1 "$@"
q Vec 5 1 "$@"
q Vec 1 2 "$@"
q Key 2 1 "$@"
q Assoc "$@"
q Assoc 1 1 "$@"
q Empty "$@"
q Empty -1 1 "$@"
q Peer:Str -1 1 "$@"
q Vec 9 1 "$@"
q Missing -1 1 "$@"
q ACTION_ARGS "$@"
q ACTION_ARGS 1 1 "$@"
q AEPTimeout -1 1 "$@"
printf '%s\0' "$entry_point" >>"$out.attr"
exit "${PROBE_EXIT:-100}"
