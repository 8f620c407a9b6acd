package syntax

import "fmt"

// Pos is a position in a configuration file. Line and Col are 1-based; Col
// counts bytes.
type Pos struct {
	File string
	Line int
	Col  int
}

// String returns "file:line:col".
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }
