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
	// ReservedTagPrefix starts every tag the autoscaler writes. NodeGroup tags may not
	// use it (a CEL rule on the CRD), so a user can never forge ownership.
	ReservedTagPrefix = "vpsie-autoscaler:"

	tagCluster   = ReservedTagPrefix + "cluster="
	tagVPSieNode = ReservedTagPrefix + "vpsienode="
	tagUID       = ReservedTagPrefix + "uid="
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

// Valid reports whether o names an object at all. An input decoded from an older
// payload without an owner has a zero Owner, which must never match "any VPS".
func (o Owner) Valid() bool { return o.Cluster != "" && o.Namespace != "" && o.Name != "" }

// HasReservedTags reports whether any tag carries the autoscaler's prefix.
func HasReservedTags(tags []string) bool {
	return slices.ContainsFunc(tags, func(t string) bool { return strings.HasPrefix(t, ReservedTagPrefix) })
}

// Owns reports whether a VPS with these tags is the owner's: it carries the
// cluster and VPSieNode tags, and no UID tag of another object (one that
// reuses the name). A VPS without a UID tag is accepted: the UID was added to
// the tags later, and a VPSieNode restored from a backup has a new UID.
func (o Owner) Owns(tags []string) bool {
	if !o.Valid() {
		return false
	}
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
