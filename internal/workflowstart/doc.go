// Package workflowstart is the one way controllers start Temporal workflows: a
// deterministic ID with reuse and conflict policies, search attributes and memo, so a
// restarted controller attaches to a running operation instead of starting it twice.
// It also reads how a run is doing, so controllers can report a run that keeps failing.
package workflowstart
