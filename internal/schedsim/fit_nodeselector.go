package schedsim

import "sort"

// nodeSelectorMatches is the nodeSelector half of the scheduler's NodeAffinity filter: every
// key must be on the node with exactly that value.
func nodeSelectorMatches(selector, nodeLabels map[string]string) Failure {
	for key, want := range selector {
		if got, ok := nodeLabels[key]; !ok || got != want {
			return fail(ReasonNodeSelectorMismatch, "nodeSelector "+firstMismatch(selector, nodeLabels)+" not matched")
		}
	}
	return Failure{}
}

// firstMismatch names the alphabetically first unmatched pair, so the message is stable
// whatever order the map iterates in.
func firstMismatch(selector, nodeLabels map[string]string) string {
	keys := make([]string, 0, len(selector))
	for key := range selector {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if got, ok := nodeLabels[key]; !ok || got != selector[key] {
			return key + "=" + selector[key]
		}
	}
	return ""
}
