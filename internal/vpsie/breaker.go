package vpsie

import "github.com/sony/gobreaker/v2"

// breaker wraps gobreaker's two-step breaker: each HTTP attempt asks Allow first and reports its outcome after.
type breaker struct {
	cb *gobreaker.TwoStepCircuitBreaker[struct{}]
}

func newBreaker(p BreakerPolicy, m *metrics) *breaker {
	m.breakerState.Set(0)
	return &breaker{cb: gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        "vpsie-api",
		MaxRequests: p.HalfOpenRequests,
		Timeout:     p.OpenTimeout,
		Interval:    p.Window,
		ReadyToTrip: func(c gobreaker.Counts) bool { return trips(p, c) },
		OnStateChange: func(_ string, _, to gobreaker.State) {
			m.breakerState.Set(breakerGaugeValue(to))
		},
		// Only a sick API opens the circuit: 4xx answers prove it is up.
		IsSuccessful: func(err error) bool { return err == nil || !opensCircuit(err) },
		// Errors that are not API outcomes (the caller giving up, the rate limiter) say nothing about its health.
		IsExcluded: func(err error) bool { return err != nil && KindOf(err) == KindUnknown },
	})}
}

// trips is the breaker's rule: failures in a row, and a failing share of the window's calls. A run of
// failures alone is not enough: with many callers at once a flaky but working API (a quarter of its
// calls failing) shows five failures in a row every few seconds, and an open circuit would then stop
// the three quarters that succeed. A down API meets both at once.
func trips(p BreakerPolicy, c gobreaker.Counts) bool {
	return c.ConsecutiveFailures >= p.ConsecutiveFailures &&
		uint64(c.TotalFailures)*100 >= uint64(p.FailurePercent)*uint64(c.Requests)
}

func opensCircuit(err error) bool {
	k := KindOf(err)
	return k == KindTransient || k == KindRateLimited
}

// allow returns the outcome callback, or a CircuitOpen error without any request being sent.
func (b *breaker) allow() (func(error), error) {
	done, err := b.cb.Allow()
	if err != nil {
		return nil, err
	}
	return done, nil
}

// breakerGaugeValue is the circuit_breaker_state gauge: 0 closed, 1 half-open, 2 open (gobreaker's own order).
func breakerGaugeValue(s gobreaker.State) float64 {
	switch s {
	case gobreaker.StateHalfOpen:
		return 1
	case gobreaker.StateOpen:
		return 2
	default:
		return 0
	}
}
