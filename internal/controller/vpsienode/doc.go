// Package vpsienode guards VPSieNodes with a finalizer and, when one is
// deleted, starts the Temporal workflow that terminates its VPS. It never
// calls the VPSie API itself.
package vpsienode
