package application

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// cksumTable is the table of the POSIX cksum CRC (polynomial 0x04C11DB7,
// most significant bit first).
var cksumTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 24
		for j := 0; j < 8; j++ {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04C11DB7
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// cksum returns what `cksum -- path` prints: "<crc> <size> <path>".
func cksum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var crc uint32
	var n uint64
	buf := make([]byte, 32<<10)
	for {
		k, err := f.Read(buf)
		for _, b := range buf[:k] {
			crc = crc<<8 ^ cksumTable[byte(crc>>24)^b]
		}
		n += uint64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	for l := n; l > 0; l >>= 8 {
		crc = crc<<8 ^ cksumTable[byte(crc>>24)^byte(l)]
	}
	return fmt.Sprintf("%d %d %s", ^crc, n, path), nil
}

// programs returns the first word of each program attribute that is set,
// in the order StartProgram, StopProgram, CleanProgram, MonitorProgram.
func programs(attrs interface{ Str(string) string }) []string {
	var out []string
	for _, a := range []string{"StartProgram", "StopProgram", "CleanProgram", "MonitorProgram"} {
		if w := strings.Fields(attrs.Str(a)); len(w) > 0 {
			out = append(out, w[0])
		}
	}
	return out
}

// getcksum prints the cksum line of every program.
func getcksum(progs []string) (string, error) {
	var b strings.Builder
	var bad error
	for _, p := range progs {
		line, err := cksum(p)
		if err != nil {
			fmt.Fprintf(&b, "cksum: %s: %v\n", p, err)
			bad = err
			continue
		}
		b.WriteString(line + "\n")
	}
	return b.String(), bad
}

// cksumVfd compares each program's cksum line with the action argument at
// the same position.
func cksumVfd(progs, want []string) (string, error) {
	var b strings.Builder
	var bad error
	for i, p := range progs {
		here, _ := cksum(p)
		given := ""
		if i < len(want) {
			given = want[i]
		}
		if here != "" && here == given {
			fmt.Fprintf(&b, "%s: match\n", p)
			continue
		}
		fmt.Fprintf(&b, "%s: mismatch: here '%s', given '%s'\n", p, here, given)
		bad = fmt.Errorf("%s: checksum mismatch", p)
	}
	return b.String(), bad
}
