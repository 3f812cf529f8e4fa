// Package dirty breaks every rule once.
package dirty

import (
	"os"
	clock "time"
)

// Work reads the wall clock through an alias, the environment, and spawns and selects.
func Work(c chan int) string {
	go func() { c <- 1 }()
	select {
	case <-c:
	default:
	}
	_ = clock.Now()
	return os.Getenv("HOME")
}
