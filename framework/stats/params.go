package stats

import (
	"time"

	"github.com/vigil-ha/vigil/framework/model"
)

// Frequency bounds: a Frequency outside MinFrequency..MaxFrequency measures
// nothing (0 is the default, "off"; `vigil check` rejects the others).
const (
	MinFrequency = 1
	MaxFrequency = 30
)

// Params are the resolved statistics attributes of one resource.
type Params struct {
	Compute        bool          // ComputeStats
	Frequency      int           // MonitorStatsParam Frequency: cycles per MonitorTimeStats average
	Expected       time.Duration // MonitorStatsParam ExpectedValue (milliseconds in the configuration)
	ValueThreshold int           // MonitorStatsParam ValueThreshold, percent
	AvgThreshold   int           // MonitorStatsParam AvgThreshold, percent
}

// ParamsOf resolves the statistics attributes of r (resource value, else
// type value, else the catalogue default for each key).
func ParamsOf(r *model.Resource) Params {
	return Params{
		Compute:        r.Int("ComputeStats") != 0,
		Frequency:      r.AssocInt("MonitorStatsParam", "Frequency"),
		Expected:       time.Duration(r.AssocInt("MonitorStatsParam", "ExpectedValue")) * time.Millisecond,
		ValueThreshold: r.AssocInt("MonitorStatsParam", "ValueThreshold"),
		AvgThreshold:   r.AssocInt("MonitorStatsParam", "AvgThreshold"),
	}
}

// Enabled reports whether the parameters ask for statistics:
// ComputeStats=1 and Frequency in 1..30.
func (p Params) Enabled() bool {
	return p.Compute && p.Frequency >= MinFrequency && p.Frequency <= MaxFrequency
}

// Spike reports whether a cycle of duration d is a spike: longer than
// ExpectedValue × (1 + ValueThreshold/100). A cycle exactly at the limit is
// not. The comparison is exact (integer nanoseconds).
func (p Params) Spike(d time.Duration) bool {
	return int64(d)*100 > int64(p.Expected)*int64(100+p.ValueThreshold)
}

// Limit is the longest duration that is not a spike.
func (p Params) Limit() time.Duration {
	return time.Duration(int64(p.Expected) * int64(100+p.ValueThreshold) / 100)
}

// drifted reports whether avg departs from bench by more than
// AvgThreshold percent of bench, either way.
func (p Params) drifted(avg, bench time.Duration) bool {
	diff := avg - bench
	if diff < 0 {
		diff = -diff
	}
	return int64(diff)*100 > int64(bench)*int64(p.AvgThreshold)
}
