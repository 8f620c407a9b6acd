package wire

import "time"

// StatsView is the monitor statistics of one resource (GET /v1/stats,
// GET /v1/stats/{name}). Durations are milliseconds; MonitorTimeout and
// the suggestion are whole seconds, as the attribute is.
type StatsView struct {
	Resource string `json:"resource"`
	Type     string `json:"type"`
	State    string `json:"state"`
	// Measured says the rule applies: ComputeStats = 1 and Frequency 1..30
	// (cycles count only while the resource is ONLINE).
	Measured       bool    `json:"measured"`
	Note           string  `json:"note,omitempty"` // why nothing is measured
	ComputeStats   bool    `json:"compute_stats"`
	Frequency      int     `json:"frequency"`
	ExpectedMs     float64 `json:"expected_ms"`
	ValueThreshold int     `json:"value_threshold_pct"`
	AvgThreshold   int     `json:"avg_threshold_pct"`
	LimitMs        float64 `json:"limit_ms"` // the longest cycle that is not a spike
	MonitorTimeout int     `json:"monitor_timeout"`

	Cycles   int     `json:"cycles"` // cycles measured since the computation (re)started
	Restarts int     `json:"restarts"`
	Window   int     `json:"window"` // recent cycles the figures below describe
	TimedOut int     `json:"timed_out"`
	LastMs   float64 `json:"last_ms"`
	MinMs    float64 `json:"min_ms"`
	MeanMs   float64 `json:"mean_ms"`
	P50Ms    float64 `json:"p50_ms"`
	P95Ms    float64 `json:"p95_ms"`
	P99Ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`

	MonitorTimeStats MonitorTimeStats `json:"monitor_time_stats"`
	BenchmarkMs      *float64         `json:"benchmark_ms,omitempty"`      // absent until the first average
	MovingMs         *float64         `json:"moving_average_ms,omitempty"` // absent until Frequency cycles

	Run        int `json:"spike_run"` // current run of consecutive spikes
	Spikes     int `json:"spikes"`
	Runs       int `json:"spike_runs"`
	LongestRun int `json:"longest_spike_run"`
	Sudden     int `json:"sudden_notifications"`
	Gradual    int `json:"gradual_notifications"`

	SuggestedTimeout int    `json:"suggested_monitor_timeout,omitempty"` // seconds; 0 = none
	SuggestionReason string `json:"suggestion_reason"`

	Recent []StatsSample `json:"recent,omitempty"`
}

// MonitorTimeStats is the resource attribute of that name: Avg in whole
// milliseconds and TS, both as VCS shows them ("0" and "" before the first
// average).
type MonitorTimeStats struct {
	Avg string `json:"Avg"`
	TS  string `json:"TS"`
}

// StatsSample is one measured monitor cycle.
type StatsSample struct {
	Time     time.Time `json:"time"`
	Ms       float64   `json:"ms"`
	TimedOut bool      `json:"timed_out,omitempty"`
	Spike    bool      `json:"spike,omitempty"`
}
