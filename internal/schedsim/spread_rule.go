package schedsim

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// SpreadRule is one topology spread constraint with whenUnsatisfiable DoNotSchedule; the
// ScheduleAnyway kind only steers scoring, so it never blocks a placement.
type SpreadRule struct {
	key        string
	maxSkew    int
	minDomains int
	selector   labels.Selector
	// honorAffinity and honorTaints say which nodes count as domains: by default those the
	// pod's node affinity accepts, whatever their taints.
	honorAffinity, honorTaints bool
	selfMatch                  int // 1 when the pod counts towards its own constraint
}

func spreadRules(p *corev1.Pod) []SpreadRule {
	var rules []SpreadRule
	for _, c := range p.Spec.TopologySpreadConstraints {
		if c.WhenUnsatisfiable != corev1.DoNotSchedule {
			continue
		}
		r := SpreadRule{
			key:           c.TopologyKey,
			maxSkew:       int(c.MaxSkew),
			selector:      withMatchLabelKeys(selectorOf(c.LabelSelector), c.MatchLabelKeys, p.Labels),
			honorAffinity: c.NodeAffinityPolicy == nil || *c.NodeAffinityPolicy == corev1.NodeInclusionPolicyHonor,
			honorTaints:   c.NodeTaintsPolicy != nil && *c.NodeTaintsPolicy == corev1.NodeInclusionPolicyHonor,
		}
		if c.MinDomains != nil {
			r.minDomains = int(*c.MinDomains)
		}
		if r.selector.Matches(labels.Set(p.Labels)) {
			r.selfMatch = 1
		}
		rules = append(rules, r)
	}
	return rules
}

// withMatchLabelKeys narrows the selector to pods sharing the pod's value of each key, as the
// scheduler does (typically pod-template-hash, so one rollout's pods spread among themselves).
func withMatchLabelKeys(s labels.Selector, keys []string, podLabels map[string]string) labels.Selector {
	for _, key := range keys {
		value, ok := podLabels[key]
		if !ok {
			continue
		}
		if req, err := labels.NewRequirement(key, selection.Equals, []string{value}); err == nil {
			s = s.Add(*req)
		}
	}
	return s
}

// Mentions reports whether the rule's domains depend on key.
func (r *SpreadRule) Mentions(key string) bool { return r.key == key }
