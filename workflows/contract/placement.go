package contract

import (
	"strconv"
	"strings"
)

// PlacementName is the VPSieNode name of a node request's k-th placement: the first keeps
// the request's name (and hostname); a fallback gets its own, because a VPSieNode's spec,
// offering included, never changes.
func PlacementName(request string, k int) string {
	if k == 0 {
		return request
	}
	return request + "-f" + strconv.Itoa(k)
}

// RequestName is the node request a VPSieNode name belongs to: the inverse of PlacementName.
func RequestName(vpsieNode string) string {
	i := strings.LastIndex(vpsieNode, "-f")
	if i <= 0 || i+2 == len(vpsieNode) {
		return vpsieNode
	}
	if _, err := strconv.Atoi(vpsieNode[i+2:]); err != nil || vpsieNode[i+2] == '0' || vpsieNode[i+2] == '+' || vpsieNode[i+2] == '-' {
		return vpsieNode
	}
	return vpsieNode[:i]
}
