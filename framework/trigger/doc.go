// Package trigger runs VCS-style trigger scripts: for events of the bus
// that VCS announces through triggers, an executable file
// `<config dir>/triggers/<name>` is run with the VCS arguments, under a
// timeout, through package runner (own process group, whole tree killed
// at the deadline). A missing trigger file is not an error.
//
// Events and their triggers (argv after the program name):
//
//	state X -> Y            resstatechange <system> <resource> <X> <Y>
//	fault                   resfault       <system> <resource> <previous state>
//	restart                 resrestart     <system> <resource>
//	offline-failed          resnotoff      <system> <resource>
//	admin-wait              resadminwait   <system> <resource> <detail>
//	stats-sudden-change     monitortimechange <system> <resource> sudden <value ms> <ExpectedValue ms>
//	                        <ValueThreshold %> <count> <max ms> <mean ms>
//	stats-gradual-change    monitortimechange <system> <resource> gradual <moving average ms>
//	                        <benchmark ms> <AvgThreshold %> <Frequency> <max ms> <mean ms>
//	group-fault             grpfault       <system> <group> <detail>
//
// It does not decide anything about resources (package engine does).
package trigger
