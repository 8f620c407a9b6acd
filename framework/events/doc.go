// Package events owns vigil's one internal event bus: every state change,
// fault, restart, clean, monitor timeout, IMF event and statistics
// notification becomes an Event published here, kept in a bounded history
// and fanned out to subscribers (the engine log, `vigil events --follow`,
// metrics and triggers).
//
// It does not decide what happens on an event (the engine does), run
// trigger scripts (package trigger) or count anything (package metrics).
//
//	producer ──Publish──▶ Bus ──▶ history ring (Recent)
//	                          └──▶ subscriber channels (Subscribe; a full
//	                               channel is closed and its Subscription
//	                               reports Dropped)
package events
