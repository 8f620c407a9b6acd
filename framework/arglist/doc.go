// Package arglist builds the argv of script entry points: the V50
// ArgListValues tuples of a resource and the full argument list of each
// entry point (design.md §3, reference §1.2 and §2).
//
//	Build(r, cfg)            <Name> <N> <v1..vN> per ArgList entry; a Ref:Attr
//	                         entry is the tuple `Ref:Attr` carrying Attr of the
//	                         resource named by r's Ref; over 425 values is an error.
//	ForEP(name, r, cfg, x)   the whole argv after the program name:
//	    monitor, online, offline, open, close   <res> <tuples>
//	    clean                 <res> <reason> <tuples>
//	    info                  <res> <resinfo_op> <tuples>
//	    action                <res> <tuples> ACTION_ARGS <n> <a1..an>
//	    attr_changed          <res> <changed_res> <changed_attr> <new value elements>
//	    imf_register          <res> <start|stop> <online|offline> <tuples>
//	    imf_init, imf_getnotification   <type>
//	    shutdown              (nothing)
//	  followed by `AEPTimeout 1 <secs>` (after the tuples) when the type sets
//	  AEPTimeout=1, for every entry point that takes tuples.
//	Timeout(name, r)         the timeout attribute in force for an entry point.
//
// Values are argv elements, never shell text. It does not run anything
// (package runner does).
package arglist
