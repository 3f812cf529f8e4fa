// Package vpsiesim is an in-memory VPSie cloud served over real HTTP(S): both API shapes of vpsieapi, a catalogue
// with capacity limits, a VM lifecycle (creating, running, deleting, gone) that can register Kubernetes Nodes,
// fault injection with a seeded RNG, and admin endpoints that expose everything it holds for tests.
package vpsiesim
