// Package importfence lets a test keep pure code pure: it fails when production files under a
// directory import a package outside an allow-list, or read the wall clock, start goroutines or
// touch the OS. Workflows and planners both need that guarantee, so they share one checker.
package importfence
