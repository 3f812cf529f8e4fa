// Package loopback tells whether a host is this machine. The VPSie client and the configuration both allow plain
// HTTP only to such a host (a local simulator), where the credentials and tokens never cross a network; it is its
// own package so the configuration need not import the client.
package loopback
