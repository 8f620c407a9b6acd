package cluster

import "strings"

// DefaultPrefix is the key prefix of a vigil cluster in etcd.
const DefaultPrefix = "/vigil/"

// Key layout under the prefix (see doc.go):
//
//	systems/<sys>        under sys's lease: the system is a live member
//	owners/<group>       under the owner's lease: the system the failover group is online on
//	intent/<group>       "autostart" | "online": the cluster wants the group online
//	seen/<group>         the group was known to the cluster once (AutoStart is applied once)
//	faults/<group>/<sys> the group faulted on sys (until cleared)
//	targets/<group>      the system an administrator asked the group on
//	frozen/<sys>         sys takes no failover group
//	gfrozen/<group>      the failover group is frozen (Frozen/TFrozen set on some system)
const (
	dirSystems = "systems/"
	dirOwners  = "owners/"
	dirIntent  = "intent/"
	dirSeen    = "seen/"
	dirFaults  = "faults/"
	dirTargets = "targets/"
	dirFrozen  = "frozen/"
	dirGFrozen = "gfrozen/"
)

// Intent values.
const (
	IntentAutoStart = "autostart" // online on the first available system of AutoStartList
	IntentOnline    = "online"    // online on the first available system of SystemList
)

type keys struct{ prefix string }

func (k keys) system(s string) string   { return k.prefix + dirSystems + s }
func (k keys) owner(g string) string    { return k.prefix + dirOwners + g }
func (k keys) intent(g string) string   { return k.prefix + dirIntent + g }
func (k keys) seen(g string) string     { return k.prefix + dirSeen + g }
func (k keys) fault(g, s string) string { return k.prefix + dirFaults + g + "/" + s }
func (k keys) faultsOf(g string) string { return k.prefix + dirFaults + g + "/" }
func (k keys) target(g string) string   { return k.prefix + dirTargets + g }
func (k keys) frozen(s string) string   { return k.prefix + dirFrozen + s }
func (k keys) gfrozen(g string) string  { return k.prefix + dirGFrozen + g }
func (k keys) split(key string) (dir, rest string) {
	rest = strings.TrimPrefix(key, k.prefix)
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "", ""
	}
	return rest[:i+1], rest[i+1:]
}
