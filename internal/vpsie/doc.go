// Package vpsie is the one hardened client for the VPSie API, for both known API shapes: token auth with refresh,
// TLS 1.2+, rate limit, circuit breaker, typed errors and Prometheus metrics.
//
// It only transports: each method sends one request (a listing one per page), with no lookups and no retries of
// its own; Temporal's retry policy is the one retry layer. The only second request is the resend after a 401 with
// a fresh token. Errors carry a Kind: activities mark those that are not IsRetryable as non-retryable and pass
// RetryAfter(err) to Temporal as the next retry's delay. WithWaitObserver lets an activity heartbeat while a call
// waits for the rate limiter or a login.
package vpsie
