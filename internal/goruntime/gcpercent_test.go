package goruntime

import (
	"runtime/debug"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

func TestApplyGCPercentYieldsToTheGOGCEnvironmentVariable(t *testing.T) {
	for _, tc := range []struct {
		name       string
		env        map[string]string
		wantSource string
		want       int
	}{
		{"config applies without GOGC", map[string]string{}, SourceConfig, 37},
		{"GOGC set keeps the runtime's value", map[string]string{"GOGC": "200"}, SourceEnv, 123},
		{"GOGC set but empty still counts as the operator's choice", map[string]string{"GOGC": ""}, SourceEnv, 123},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := debug.SetGCPercent(123) // stands in for what the runtime read from GOGC at start
			defer debug.SetGCPercent(before)
			got := ApplyGCPercent(config.RuntimeConfig{GCPercent: 37}, func(k string) (string, bool) {
				v, ok := tc.env[k]
				return v, ok
			})
			if got != tc.wantSource {
				t.Errorf("source = %q, want %q", got, tc.wantSource)
			}
			if inForce := debug.SetGCPercent(123); inForce != tc.want {
				t.Errorf("GC percent in force = %d, want %d", inForce, tc.want)
			}
		})
	}
}
