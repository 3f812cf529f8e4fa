package scaledown

import (
	"time"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// The defaults of spec.scaleDownPolicy, for fields left at zero.
const (
	DefaultThresholdPercent = 50
	DefaultWindow           = 10 * time.Minute
)

// Policy is a NodeGroup's scale-down policy with the defaults filled in.
type Policy struct {
	Enabled bool
	// A node is below when both CPU and memory stay under these, as requested of allocatable.
	CPUPercent, MemoryPercent int32
	// Window is how long a node must stay below.
	Window time.Duration
	// Cooldown is the pause after a scale-down; AfterScaleUp the pause after a scale-up
	// (spec.scaleUpPolicy.cooldownSeconds).
	Cooldown, AfterScaleUp time.Duration
}

// PolicyOf reads ng's scaleDownPolicy: thresholds of zero mean 50 %, a window of zero 10
// minutes, and a cooldown of zero no pause.
func PolicyOf(ng *v1alpha1.NodeGroup) Policy {
	sd := ng.Spec.ScaleDownPolicy
	p := Policy{
		Enabled:       sd.IsEnabled(),
		CPUPercent:    orDefault(sd.CPUThresholdPercent, DefaultThresholdPercent),
		MemoryPercent: orDefault(sd.MemoryThresholdPercent, DefaultThresholdPercent),
		Window:        seconds(sd.StabilizationWindowSeconds),
		Cooldown:      seconds(sd.CooldownSeconds),
		AfterScaleUp:  seconds(ng.Spec.ScaleUpPolicy.CooldownSeconds),
	}
	if p.Window == 0 {
		p.Window = DefaultWindow
	}
	return p
}

func orDefault(v, def int32) int32 {
	if v <= 0 {
		return def
	}
	return v
}

func seconds(s int32) time.Duration { return time.Duration(max(s, 0)) * time.Second }
