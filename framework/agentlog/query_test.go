package agentlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestQuery(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"engine_B.log": "2026/01/02 10:00:00 VCS INFO V-16-1-10297 Sleeper:mid::state OFFLINE -> ONLINE (online) kind=state\n",
		"engine_A.log": "2026/01/02 10:00:05 VCS ERROR V-16-1-10303 Sleeper:mid::fault: monitor OFFLINE kind=fault\n" +
			"2026/01/02 10:00:06 VCS INFO V-16-1-0 vigil agent ready\nnot a vcs line\n",
		"Sleeper_A.log": "2026/01/02 10:00:04 VCS WARNING V-16-2-13027 Sleeper:mid:monitor:monitor-timeout\n" +
			"2026/01/02 10:00:04 VCS DBG_1 V-16-50-0 Sleeper:mid:monitor:step event=x\n",
		"FileOnOff_A.log": "2026/01/02 10:00:03 VCS ERROR V-16-2-13066 FileOnOff:top:online:online-failed\n",
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	texts := func(f Filter) string {
		ls, err := Query(dir, f)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, l := range ls {
			s = append(s, l.File+":"+l.Severity+":"+l.Resource)
		}
		return strings.Join(s, ",")
	}
	at := func(s int) time.Time { return time.Date(2026, 1, 2, 10, 0, s, 0, time.Local) }
	for _, tc := range []struct {
		name string
		f    Filter
		want string
	}{
		{"all merged by time", Filter{}, "engine_B.log:INFO:mid,FileOnOff_A.log:ERROR:top,Sleeper_A.log:WARNING:mid," +
			"Sleeper_A.log:DBG_1:mid,engine_A.log:ERROR:mid,engine_A.log:INFO:"},
		{"errors", Filter{MinSeverity: "ERROR"}, "FileOnOff_A.log:ERROR:top,engine_A.log:ERROR:mid"},
		{"warnings of mid", Filter{MinSeverity: "WARNING", Resource: "mid"}, "Sleeper_A.log:WARNING:mid,engine_A.log:ERROR:mid"},
		{"type", Filter{Type: "FileOnOff"}, "FileOnOff_A.log:ERROR:top"},
		{"time window", Filter{Since: at(4), Until: at(5), MinSeverity: "INFO"}, "Sleeper_A.log:WARNING:mid,engine_A.log:ERROR:mid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := texts(tc.f); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
