// Package scripts holds vigil's VCS compatibility tree: the helper
// libraries ag_i18n_inc.sh and ag_i18n_inc.pm, and the bundled script agents
// under agents/<Type>/, embedded in the binary. Materialise writes them out
// as a VCS_HOME:
//
//	<home>/bin/ag_i18n_inc.sh
//	<home>/bin/ag_i18n_inc.pm
//	<home>/bin/vcsdecrypt   ($HADECRYPT: decodes `vigil encrypt` tokens)
//	<home>/bin/<Type>/<entry points>, <home>/bin/<Type>/actions/<token>
//
// so that scripts which source ${VCS_HOME}/bin/ag_i18n_inc.sh run unchanged,
// from a checkout and from an installed binary alike.
//
// It does not run anything (package runner does).
package scripts
