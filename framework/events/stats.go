package events

// StatsChange carries the figures of a monitor statistics notification
// (KindStatsSudden, KindStatsGradual), in milliseconds, so that triggers,
// `vigil events --json` and metrics read numbers rather than text.
//
// Sudden: Value is the spike's duration (the first of a run) or the mean of
// the Count spikes a collective notification covers; Reference is
// ExpectedValue and Threshold ValueThreshold; Run is the run's length so
// far. Gradual: Value is the moving average (the new benchmark), Reference
// the benchmark it departed from, Threshold AvgThreshold, Count the cycles
// averaged (Frequency).
type StatsChange struct {
	Change      string  `json:"change"` // "sudden" or "gradual"
	ValueMs     float64 `json:"value_ms"`
	ReferenceMs float64 `json:"reference_ms"`
	Threshold   int     `json:"threshold_pct"`
	Count       int     `json:"count"`
	MaxMs       float64 `json:"max_ms"`
	MeanMs      float64 `json:"mean_ms"`
	Run         int     `json:"run,omitempty"`
}
