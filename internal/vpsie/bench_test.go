package vpsie_test

import (
	"log/slog"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
)

// BenchmarkGetVM measures one GetVM through the whole stack (limiter, breaker, token, TLS, decoding) against the
// simulator on loopback.
func BenchmarkGetVM(b *testing.B) {
	e := newEnv(b, envConfig{shape: vpsie.ShapeA, client: func(o *vpsie.Options) {
		o.Logger = slog.New(slog.DiscardHandler) // measure the client, not the log buffer
		o.RateLimit = 1e9                        // nor the test limiter (1000/s)
	}})
	ctx := b.Context()
	vm, err := e.client.CreateVM(ctx, createRequest("bench-1"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.client.GetVM(ctx, vm.Identifier); err != nil {
			b.Fatal(err)
		}
	}
}
