# compat_inc.sh: shared code of IncludeAgent, installed in ${VCS_HOME}/bin.
VCS_HOME=${VCS_HOME:-/opt/VRTSvcs}
. "${VCS_HOME}/bin/ag_i18n_inc.sh" || exit 1

RESNAME=$1; shift;
VCSAG_SET_ENVS "$RESNAME"

VCSAG_GET_ATTR_VALUE "Level" -1 1 "$@"
if [ $? != $VCSAG_SUCCESS ]; then
	case $entry_point in
	monitor) exit $VCSAG_RES_UNKNOWN ;;
	*) exit $VCSAG_EP_DONE ;;
	esac
fi
LEVEL=${VCSAG_ATTR_VALUE}

level_of() {
	local state=$1
	[ -f "$state" ] || return $VCSAG_RES_OFFLINE
	return $((100 + LEVEL))
}
