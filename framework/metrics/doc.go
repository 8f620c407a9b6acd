// Package metrics owns vigil's optional Prometheus endpoint
// (`vigil agent --metrics-addr`): resource states, events by kind and
// cause (IMF events among them), entry-point durations and results, and the
// queue delay from the engine's request to the start of the online or
// offline entry point.
//
// It only counts: events come from the bus, durations from an
// ep.Implementation wrapper (Instrument). It decides nothing.
package metrics
