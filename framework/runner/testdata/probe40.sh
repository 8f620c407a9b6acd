# V40 probe entry point (the #! line is added by the test): writes its argv
# and then the values it decodes by position, as an old script does, for
# the ArgList of type Probe (Str Int Vec Key Assoc Empty Peer:Str), all
# NUL-terminated; what follows the values is recorded with its count.
out=$PROBE_OUT
: >"$out"
for a in "$@"; do printf '%s\0' "$a" >>"$out"; done
: >"$out.attr"
rec() { printf '%s\0' "$1" >>"$out.attr"; }
ep=${0##*/}
case $ep in
attr_changed | shutdown | imf_init) exit "${PROBE_EXIT:-100}" ;;
clean | info) shift 2 ;;
imf_register) shift 3 ;;
*) shift ;;
esac
rec "$1"
rec "$2"
shift 2
for dim in Vec Key Assoc Empty; do
	n=$1
	shift
	rec "$n"
	i=0
	while [ "$i" -lt "$n" ]; do
		rec "$1"
		shift
		i=$((i + 1))
	done
done
rec "$1"
shift
rec "$#"
for a in "$@"; do rec "$a"; done
exit "${PROBE_EXIT:-100}"
