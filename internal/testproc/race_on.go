//go:build race

package testproc

// Race reports whether this binary was built with the race detector, so a test can build the
// process it runs the same way (Build(t, root, dir, Race) then links from the same build cache).
const Race = true
