package syntax

// Scanner reads the tokens of one file with the parser's lexer, for tools
// and benchmarks that need the tokens alone (the read-and-lex baseline of
// `vigil check`). Lexical errors go to the ErrorList given to NewScanner.
type Scanner struct{ l *lexer }

// NewScanner returns a Scanner over src, naming file in positions and
// adding lexical errors to errs.
func NewScanner(file string, src []byte, errs *ErrorList) *Scanner {
	return &Scanner{l: newLexer(file, src, errs)}
}

// Scan returns the position and text of the next token: the word, the
// unescaped string, the integer as written or the punctuation character
// (empty for a token in error). ok is false at end of file.
func (s *Scanner) Scan() (pos Pos, text string, ok bool) {
	t := s.l.next()
	return t.pos, t.text, t.kind != tEOF
}
