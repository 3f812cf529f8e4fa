// Package activities implements the Temporal activities workflows call by name. Each
// dependency (VPSie API, Kubernetes API, the worker itself) gets one struct whose methods
// are thin, idempotent adapters; retries belong to the workflow's retry policy, not here.
package activities
