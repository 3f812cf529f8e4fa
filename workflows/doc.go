// Package workflows holds the deterministic Temporal workflow definitions. Code here uses
// only the workflow.* APIs and calls activities by the names in workflows/contract; it never
// does I/O, reads the wall clock or starts goroutines (imports_test.go enforces this).
package workflows
