// Package vpsienode, when a VPSieNode is deleted, starts the Temporal workflow
// that terminates its VPS. The finalizer is set in the create request
// (activities.CreateVPSieNode); this controller adds it only to an object that
// lacks it, as a backstop. It never calls the VPSie API itself.
package vpsienode
