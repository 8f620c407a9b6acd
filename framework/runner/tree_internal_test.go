package runner

import "testing"

// TestParseStat covers command names with spaces and parentheses, zombies
// and malformed text.
func TestParseStat(t *testing.T) {
	tail := " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 987654 17 18\n"
	tests := []struct {
		name string
		text string
		want procStat
		ok   bool
	}{
		{"plain", "42 (sh) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 5551 0 0", procStat{pid: 42, ppid: 1, pgrp: 42, sid: 42, state: 'S', start: 5551}, true},
		{"odd name", "7 (a) b (c) Z 3 4 5" + tail, procStat{pid: 7, ppid: 3, pgrp: 4, sid: 5, state: 'Z', start: 987654}, true},
		{"truncated", "7 (x) S 1 2", procStat{}, false},
		{"no parens", "7 x S 1 2 3" + tail, procStat{}, false},
		{"bad number", "7 (x) S one 2 3" + tail, procStat{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseStat(tc.text)
			if ok != tc.ok || got != tc.want {
				t.Errorf("parseStat = %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
			if ok && got.dead() != (got.state == 'Z') {
				t.Errorf("dead() = %v for state %c", got.dead(), got.state)
			}
		})
	}
}

// TestParseRecord covers the fd 3 record forms.
func TestParseRecord(t *testing.T) {
	tests := []struct {
		line string
		want Record
		ok   bool
	}{
		{"L\tE\t2001\t12\ttext\twith tab", Record{Kind: RecordLog, Severity: "ERROR", Category: "2001", MsgID: "12", Text: "text\twith tab"}, true},
		{"L\tx\t1\t2\tt", Record{Kind: RecordLog, Severity: "INFO", Category: "1", MsgID: "2", Text: "t"}, true},
		{"D\t3\t10000\tdebug", Record{Kind: RecordDebug, Level: 3, Category: "10000", Text: "debug"}, true},
		{"D\t22\t1\tx", Record{}, false},
		{"T\t30", Record{Kind: RecordTimeout, Timeout: 30e9}, true},
		{"T\t-1", Record{}, false},
		{"garbage", Record{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			got, ok := ParseRecord(tc.line)
			if ok != tc.ok || got != tc.want {
				t.Errorf("ParseRecord = %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
