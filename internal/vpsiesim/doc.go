// Package vpsiesim is an in-memory VPSie cloud served over real HTTP(S): both API shapes of vpsieapi, a catalogue
// with capacity limits, a VM lifecycle (creating, running, deleting, deleted) that can register Kubernetes Nodes,
// fault injection with a seeded RNG, realism knobs that make it as strict as the real API (listing lag, paging,
// deleted VMs still listed, Nodes left NotReady), and admin endpoints that expose everything it holds for tests.
package vpsiesim
