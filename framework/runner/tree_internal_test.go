package runner

import "testing"

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
