// Package loopback tells whether a host is this machine. The VPSie client and the configuration both allow plain
// HTTP only to such a host (a local simulator), where the credentials and tokens never cross a network; it is its
// own package so the configuration need not import the client.
package loopback

import (
	"net"
	"strings"
)

// Host reports whether host, a URL's Hostname (no port, no brackets), is "localhost" or a loopback IP address
// (127.0.0.0/8 or ::1).
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
