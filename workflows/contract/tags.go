package contract

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

// OwnerTags are the tags that tie a VPS to a cluster and a VPSieNode object:
// with its UID, a later object reusing the name (and hostname) does not match.
// The creator knows the UID because the VPSieNode is created before its VPS.
func OwnerTags(cluster, namespace, name, uid string) []string {
	tags := []string{tagCluster + cluster, tagVPSieNode + namespace + "." + name}
	if uid != "" {
		tags = append(tags, tagUID+uid)
	}
	return tags
}
