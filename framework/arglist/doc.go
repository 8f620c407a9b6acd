// Package arglist builds the argv of script entry points: the ArgListValues
// of a resource and the full argument list of each entry point (design.md
// §3, reference §1.2 and §2), in the encoding of the agent's registration
// version.
//
//	Build(r, cfg)            V50: <Name> <N> <v1..vN> per ArgList entry; a
//	                         Ref:Attr entry is the tuple `Ref:Attr` carrying
//	                         Attr of the resource named by r's Ref; over 425
//	                         values is an error.
//	BuildVersion(v, r, cfg)  the same for version v; V40 is positional:
//	                         values in ArgList order, a scalar as one element,
//	                         a vector, keylist or association as its count N
//	                         followed by its N elements (an association counts
//	                         keys and values). The 425 limit counts values
//	                         only, never names or counts, in both encodings.
//	ForEP(name, r, cfg, x)   the whole V50 argv after the program name:
//	    monitor, online, offline, open, close   <res> <values>
//	    clean                 <res> <reason> <values>
//	    info                  <res> <resinfo_op> <values>
//	    action                <res> <values> ACTION_ARGS <n> <a1..an>
//	                          (V40: <res> <values> <n> <a1..an>)
//	    attr_changed          <res> <changed_res> <changed_attr> <new value elements>
//	    imf_register          <res> <start|stop> <online|offline> <values>
//	    imf_init, imf_getnotification   <type>
//	    shutdown              (nothing)
//	  followed by `AEPTimeout 1 <secs>` (after the values) when the type sets
//	  AEPTimeout=1, for every entry point that takes values; never for V40.
//	ForEPVersion(v, ...)     ForEP for an agent registered with version v.
//	Timeout(name, r)         the timeout attribute in force for an entry point.
//
// Versions. V40 agents read their arguments by position ($2, $ARGV[1]);
// V50 and later (V51, ...) find them by name with VCSAG_GET_ATTR_VALUE. The
// zero Version is V50, the default. A V40 Ref:Attr entry whose reference
// names no resource is one element: "" when Attr is a scalar in every type
// declaring it, else the count "0". Package runner learns an agent
// directory's version (runner.AgentVersion); an ep.Implementation that knows
// it implements Versioned.
//
// Values are argv elements, never shell text. It does not run anything
// (package runner does).
package arglist
