// Package simtest serves a VPSie simulator over real HTTP for tests in other packages and hands back a client
// configured as the autoscaler configures its own (a transport: Temporal's retries are the one retry layer).
package simtest
