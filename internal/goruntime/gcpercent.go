package goruntime

import (
	"runtime/debug"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

// Where the collector's target in force came from, for the start log.
const (
	SourceConfig = "runtime.gcPercent"
	SourceEnv    = "GOGC"
)

// ApplyGCPercent sets the collector's target to runtime.gcPercent unless the GOGC environment variable is set: the
// runtime has already applied GOGC, and an operator who set it chose explicitly. It returns the source in force.
func ApplyGCPercent(c config.RuntimeConfig, lookupEnv func(string) (string, bool)) string {
	if _, set := lookupEnv("GOGC"); set {
		return SourceEnv
	}
	debug.SetGCPercent(c.GCPercent)
	return SourceConfig
}
