// Package secret turns an agent password into the token `vigil encrypt`
// prints for main.cf, and back. The token is what VCS's `vcsencrypt -agent`
// output is to VCS agents: a value that survives the unquoted shell call
// real agents make, `$HADECRYPT $value` inside backticks, and that the
// helper libraries decode ($HADECRYPT, VCSAG_DECRYPT).
//
// A token is "VGL1" followed by the standard base64 of the secret: only
// letters, digits, '+', '/' and '=', none of which a shell splits, expands
// or globs. It is an encoding, not encryption: whoever can read main.cf can
// decode it, as with vcsencrypt -agent. Keep main.cf readable by root only.
//
// It owns the token format only; the shell and Perl decoders live with the
// helper libraries in scripts/.
package secret
