package clean

import (
	"os"
	"testing"
	"time"
)

// Tests may do anything: the fence reads production files only.
func TestAnything(t *testing.T) { _ = time.Now(); _ = os.Getenv("HOME") }
