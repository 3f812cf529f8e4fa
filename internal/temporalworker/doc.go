// Package temporalworker runs the Temporal worker that executes the autoscaler's
// workflows and activities, as a controller-runtime Runnable on every replica. Register
// is the single list of what a worker serves; tests use it too.
package temporalworker
