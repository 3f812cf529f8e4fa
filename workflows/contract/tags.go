package contract

import (
	"slices"
	"strings"
)

// Tags on every VPS the autoscaler creates. They prove ownership: a VPS found
// only by its hostname is deleted when it carries them, never otherwise, so a
// hand-made VPS or another cluster's VPS with the same hostname is left alone.
// They use only the characters NodeGroup tags allow (no slash; a namespace has
// no dot, so "<namespace>.<name>" is unambiguous) and are not Kubernetes labels
// (the colon keeps them out of the simulator's tag-to-label copy).
const (
	tagCluster   = "vpsie-autoscaler:cluster="
	tagVPSieNode = "vpsie-autoscaler:vpsienode="
	tagUID       = "vpsie-autoscaler:uid="
)

// Owner is the VPSieNode object a VPS belongs to.
type Owner struct {
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	UID       string `json:"uid,omitempty"`
}

// Tags are the tags a creator writes on the owner's VPS. The creator knows the
// UID because the VPSieNode is created before its VPS.
func (o Owner) Tags() []string {
	tags := []string{tagCluster + o.Cluster, tagVPSieNode + o.Namespace + "." + o.Name}
	if o.UID != "" {
		tags = append(tags, tagUID+o.UID)
	}
	return tags
}

// Owns reports whether a VPS with these tags is the owner's: it carries the
// cluster and VPSieNode tags, and no UID tag of another object (one that
// reuses the name). A VPS without a UID tag is accepted: the UID was added to
// the tags later, and a VPSieNode restored from a backup has a new UID.
func (o Owner) Owns(tags []string) bool {
	base := o.Tags()[:2]
	if !slices.Contains(tags, base[0]) || !slices.Contains(tags, base[1]) {
		return false
	}
	for _, t := range tags {
		if uid, ok := strings.CutPrefix(t, tagUID); ok && o.UID != "" && uid != o.UID {
			return false
		}
	}
	return true
}
