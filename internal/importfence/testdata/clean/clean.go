// Package clean uses only what a pure package may.
package clean

import (
	"strings"
	"time"
)

// Later adds d to t; time types and arithmetic are pure.
func Later(t time.Time, d time.Duration) string { return strings.ToUpper(t.Add(d).String()) }
