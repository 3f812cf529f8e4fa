// Package freeport finds loopback ports for servers that a test or the embedded dev server
// must name before they bind. It picks below the kernel's ephemeral range, where no outgoing
// connection can take the port between the check and the real bind.
package freeport
