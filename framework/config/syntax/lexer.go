package syntax

import (
	"fmt"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind int

const (
	tEOF     tokKind = iota
	tIllegal         // a lexical error, already reported
	tWord            // unquoted word: letter or '_' first, then letters, digits, '_', '-', '.', ':'
	tString          // double-quoted string, escapes removed
	tInt             // optional sign and decimal digits
	tLParen
	tRParen
	tLBrace
	tRBrace
	tLBrack
	tRBrack
	tEq
	tComma
	tSemi
	tAt // '@' of a per-system value: Attr@sys = value
)

var tokNames = [...]string{
	tEOF: "end of file", tIllegal: "invalid token", tWord: "word", tString: "string", tInt: "integer",
	tLParen: "'('", tRParen: "')'", tLBrace: "'{'", tRBrace: "'}'", tLBrack: "'['", tRBrack: "']'",
	tEq: "'='", tComma: "','", tSemi: "';'", tAt: "'@'",
}

func (k tokKind) String() string { return tokNames[k] }

// token is one lexical token. Text is the word, the unescaped string or the
// integer as written.
type token struct {
	kind tokKind
	text string
	pos  Pos
}

// describe names the token for a diagnostic.
func (t token) describe() string {
	switch t.kind {
	case tWord:
		return fmt.Sprintf("%q", t.text)
	case tString:
		return fmt.Sprintf("string %q", t.text)
	case tInt:
		return "integer " + t.text
	default:
		return t.kind.String()
	}
}

// lexer turns source bytes into tokens, reporting lexical errors into errs.
type lexer struct {
	file string
	src  []byte
	off  int
	line int
	col  int
	errs *ErrorList
	nerr int // lexical errors reported so far
}

func newLexer(file string, src []byte, errs *ErrorList) *lexer {
	l := &lexer{file: file, src: src, line: 1, col: 1, errs: errs}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		l.off = 3 // a UTF-8 byte order mark is not part of the text
	}
	return l
}

func (l *lexer) pos() Pos { return Pos{File: l.file, Line: l.line, Col: l.col} }

// maxLexErrors is how many lexical errors one file may have; at the next,
// the lexer reports that it stops and returns end of file from then on, so
// garbage input costs bounded time and memory.
const maxLexErrors = 200

func (l *lexer) errorf(p Pos, format string, args ...any) {
	if l.nerr >= maxLexErrors {
		return
	}
	l.nerr++
	l.errs.Add(p, fmt.Sprintf(format, args...))
	if l.nerr == maxLexErrors {
		l.errs.Add(p, fmt.Sprintf("too many errors in this file (%d); the rest of it is not read", maxLexErrors))
		l.off = len(l.src)
	}
}

// advance moves past one byte, keeping line and column.
func (l *lexer) advance() {
	if l.src[l.off] == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	l.off++
}

func (l *lexer) peekByte(n int) byte {
	if l.off+n < len(l.src) {
		return l.src[l.off+n]
	}
	return 0
}

// skipSpace skips blanks and comments; it reports an unterminated block comment.
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.advance()
		case c == '/' && l.peekByte(1) == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance()
			}
		case c == '/' && l.peekByte(1) == '*':
			p := l.pos()
			l.advance()
			l.advance()
			for {
				if l.off >= len(l.src) {
					l.errorf(p, "unterminated comment")
					return
				}
				if l.src[l.off] == '*' && l.peekByte(1) == '/' {
					l.advance()
					l.advance()
					break
				}
				l.advance()
			}
		default:
			return
		}
	}
}

var punct = map[byte]tokKind{
	'(': tLParen, ')': tRParen, '{': tLBrace, '}': tRBrace, '[': tLBrack, ']': tRBrack,
	'=': tEq, ',': tComma, ';': tSemi, '@': tAt,
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isWordByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '-' || c == '.' || c == ':'
}

// IsWord reports whether s reads back as one unquoted word: a letter or
// '_', then letters, digits, '_', '-', '.' and ':'. A printer writes other
// text quoted.
func IsWord(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return true
}

// IsInt reports whether s reads back as one integer: an optional sign and
// decimal digits.
func IsInt(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// IsKeyword reports whether s is a word that starts a top-level statement
// (include, cluster, system, group, type, requires): a name spelled so must
// be quoted to be read as a name.
func IsKeyword(s string) bool { return topKeywords[s] }

// next returns the next token.
func (l *lexer) next() token {
	l.skipSpace()
	p := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tEOF, pos: p}
	}
	c := l.src[l.off]
	if k, ok := punct[c]; ok {
		l.advance()
		return token{kind: k, text: string(c), pos: p}
	}
	switch {
	case c == '"':
		return l.lexString(p)
	case isLetter(c):
		start := l.off
		for l.off < len(l.src) && isWordByte(l.src[l.off]) {
			l.advance()
		}
		return token{kind: tWord, text: string(l.src[start:l.off]), pos: p}
	case isDigit(c) || (c == '-' || c == '+') && isDigit(l.peekByte(1)):
		return l.lexNumber(p)
	}
	l.unexpected(p)
	return token{kind: tIllegal, pos: p}
}

// unexpected reports the character at the current offset, decoded as
// UTF-8, and skips it with the run of unexpected bytes that follows it: a
// megabyte of NUL bytes is one diagnostic, not a million.
func (l *lexer) unexpected(p Pos) {
	r, n := utf8.DecodeRune(l.src[l.off:])
	what := fmt.Sprintf("%q", r)
	if r == utf8.RuneError && n <= 1 {
		what = fmt.Sprintf("byte 0x%02x (not UTF-8)", l.src[l.off])
		n = 1
	}
	for range n {
		l.advance()
	}
	start := l.off
	for l.off < len(l.src) && !startsToken(l.src[l.off]) {
		l.advance()
	}
	if run := l.off - start; run > 0 {
		l.errorf(p, "unexpected character %s (and %d more unexpected bytes after it)", what, run)
		return
	}
	l.errorf(p, "unexpected character %s", what)
}

// startsToken reports whether c may begin a token, a blank or a comment.
func startsToken(c byte) bool {
	_, isPunct := punct[c]
	return isPunct || isLetter(c) || isDigit(c) || c == '"' || c == '-' || c == '+' || c == '/' ||
		c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// lexNumber reads [+-]digits; digits followed by word characters are an error.
func (l *lexer) lexNumber(p Pos) token {
	start := l.off
	l.advance()
	for l.off < len(l.src) && isWordByte(l.src[l.off]) {
		l.advance()
	}
	text := string(l.src[start:l.off])
	for i := 1; i < len(text); i++ {
		if !isDigit(text[i]) {
			l.errorf(p, "malformed number %q (a string that does not start with a letter needs quotes)", text)
			return token{kind: tIllegal, pos: p}
		}
	}
	return token{kind: tInt, text: text, pos: p}
}

// lexString reads a double-quoted string; \" and \\ are escapes, any other
// backslash is kept as written.
func (l *lexer) lexString(p Pos) token {
	l.advance()
	var buf []byte
	for {
		if l.off >= len(l.src) || l.src[l.off] == '\n' {
			l.errorf(p, "unterminated string")
			return token{kind: tIllegal, pos: p}
		}
		c := l.src[l.off]
		if c == '"' {
			l.advance()
			return token{kind: tString, text: string(buf), pos: p}
		}
		if c == '\\' && (l.peekByte(1) == '"' || l.peekByte(1) == '\\') {
			l.advance()
			c = l.src[l.off]
		}
		buf = append(buf, c)
		l.advance()
	}
}
