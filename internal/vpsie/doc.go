// Package vpsie is the one hardened client for the VPSie API: token auth with refresh, TLS 1.2+, rate limit,
// retries with backoff, circuit breaker, typed errors and Prometheus metrics, for both known API shapes.
//
// One retry layer per call path: Temporal activities construct the client WithoutRetries (MaxAttempts=1) so that
// only Temporal retries, while the rate limiter and circuit breaker stay on; the retrying mode is for CLI and tools.
// Activities use IsRetryable to mark permanent errors non-retryable.
package vpsie
