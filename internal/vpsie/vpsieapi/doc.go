// Package vpsieapi holds the wire types and route constants of the VPSie API in both shapes known from public
// sources (shape A: the earlier autoscaler's /v2 API; shape B: VPSie's Go client, /apps/v2 and /api/v2). It is pure
// data: the client (internal/vpsie) and the simulator (internal/vpsiesim) both import it, so each JSON shape is
// defined exactly once. See docs/development/vpsie-sim.md for where each field comes from.
package vpsieapi
