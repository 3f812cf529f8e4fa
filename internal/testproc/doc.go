// Package testproc runs the autoscaler binary as a child process for integration and end-to-end tests: built
// once in the test binary's race mode, started with free metrics and health ports, waited for until ready, and
// killed or stopped the way a node failure or a pod deletion would.
package testproc
