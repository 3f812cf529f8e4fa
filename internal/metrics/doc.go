// Package metrics holds what the controllers' Prometheus metrics share: registering a
// collector so that a second operator in one process (tests) reuses the first one's.
package metrics
