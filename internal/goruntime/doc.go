// Package goruntime applies the configuration's runtime section to the Go runtime: the garbage collector's target
// (unless the operator set GOGC) and one return of the initial informer sync's peak to the operating system.
package goruntime
