package scaleup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaleup"
)

// maxPrefix keeps "<prefix>-<batch>-<n>" within a 63-character hostname.
const maxPrefix = 40

// batchID names run n of one intent deterministically: the same intent, planned again
// after a restart, gets the same ID and attaches to its running workflow. An intent is its
// pods, or for pod-less growth (minNodes) the group size it grows from.
func batchID(in plan.Intent, members int32, n int) string {
	pods := slices.Clone(in.Pods)
	slices.SortFunc(pods, func(a, b types.NamespacedName) int { return strings.Compare(a.String(), b.String()) })
	h := sha256.New()
	if len(pods) > 0 {
		members = 0 // pods name the intent; an unrelated member joining must not rename it
	}
	fmt.Fprintf(h, "%s|%s|%s|%d|%s|%d|%d", in.NodeGroup, in.Offering, in.Datacenter, in.Count, in.Reason, members, n)
	for _, p := range pods {
		fmt.Fprintf(h, "|%s", p)
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// nodeName is the VPSieNode name, VPS hostname and Node name of node n of a batch:
// lowercase DNS label characters only.
func nodeName(cluster, nodeGroup, batch string, n int) string {
	prefix := strings.ToLower(cluster + "-" + nodeGroup)
	prefix = strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			return r
		}
		return '-'
	}, prefix)
	if len(prefix) > maxPrefix {
		prefix = prefix[:maxPrefix]
	}
	return fmt.Sprintf("%s-%s-%d", strings.Trim(prefix, "-"), batch, n)
}
