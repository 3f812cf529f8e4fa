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
)

// OwnerTags are the tags that tie a VPS to a cluster and a VPSieNode.
func OwnerTags(cluster, namespace, name string) []string {
	return []string{tagCluster + cluster, tagVPSieNode + namespace + "." + name}
}
