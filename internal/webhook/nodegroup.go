package webhook

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
)

// validateNodeGroup checks what the CRD schema and its CEL rules cannot: the
// catalogue, label and taint syntax, rebalance combinations, maintenance
// windows, and datacenter bounds. It does not repeat the schema's rules (minNodes
// <= maxNodes, preferredInstanceType in offeringIDs, taint effects): the
// apiserver applies them before any validating webhook is called.
//
// An update that leaves the spec alone (status, finalizers, labels) or that
// comes while the object is being deleted is always admitted, so an object
// that became invalid later (an offering withdrawn from the catalogue) can
// still lose its finalizer. Catalogue checks on update look only at values the
// update adds.
func validateNodeGroup(ng, old *v1alpha1.NodeGroup, ix *catalogueIndex) (field.ErrorList, []string) {
	if old != nil && (ng.DeletionTimestamp != nil || equality.Semantic.DeepEqual(ng.Spec, old.Spec)) {
		return nil, nil
	}
	spec := field.NewPath("spec")
	var errs field.ErrorList
	var warnings []string
	if ix == nil {
		warnings = append(warnings, catalogueNotLoaded)
	} else {
		var oldSpec *v1alpha1.NodeGroupSpec
		if old != nil {
			oldSpec = &old.Spec
		}
		errs = append(errs, validateNodeGroupCatalogue(spec, &ng.Spec, oldSpec, ix)...)
	}
	errs = append(errs, validateImage(spec, &ng.Spec, old)...)
	errs = append(errs, validateTemplate(spec, &ng.Spec)...)
	errs = append(errs, validateSSHPublicKeys(spec.Child("sshPublicKeys"), ng.Spec.SSHPublicKeys)...)
	errs = append(errs, validateDatacenterBounds(spec, &ng.Spec)...)
	errs = append(errs, validateProvisioning(spec, &ng.Spec, specOf(old))...)
	errs = append(errs, validateLabels(spec.Child("labels"), ng.Spec.Labels)...)
	errs = append(errs, validateTaints(spec.Child("taints"), ng.Spec)...)
	errs = append(errs, validateRebalance(spec.Child("rebalancePolicy"), ng.Spec.RebalancePolicy)...)
	if old != nil {
		warnings = append(warnings, maxNodesWarnings(ng, old)...)
	}
	if ng.Spec.MaxNodes == 0 {
		warnings = append(warnings, parkedWarning)
	}
	return errs, warnings
}

// parkedWarning: maxNodes 0 is allowed and parks the group, which an operator should do
// knowingly.
const parkedWarning = "spec.maxNodes: 0 parks the group at zero nodes: scale-down drains every node it has " +
	"(pods that fit on no other node wait as Pending) and scale-up adds none (GroupParked)"

// validateImage refuses an image the default bootstrap cannot install Kubernetes on,
// unless the group brings its own user data template. Like the catalogue checks it looks
// only at what a create or update sets: a group that already has its image keeps it.
func validateImage(spec *field.Path, s *v1alpha1.NodeGroupSpec, old *v1alpha1.NodeGroup) field.ErrorList {
	if s.UserDataTemplate != "" || cloudinit.Supported(s.OSImageID) ||
		old != nil && old.Spec.OSImageID == s.OSImageID && old.Spec.UserDataTemplate == s.UserDataTemplate {
		return nil
	}
	return field.ErrorList{field.Invalid(spec.Child("osImageID"), s.OSImageID, fmt.Sprintf(
		"image %q is not one the default bootstrap supports: %s (any architecture suffix, e.g. ubuntu-24.04-x64); "+
			"another image needs spec.userDataTemplate", s.OSImageID, strings.Join(cloudinit.SupportedImages, ", ")))}
}

// validateTemplate renders an inline template with placeholders for every built-in and
// the group's variables: a variable nobody sets, or a template that does not parse, is
// refused here rather than failing every node's boot.
func validateTemplate(spec *field.Path, s *v1alpha1.NodeGroupSpec) field.ErrorList {
	if s.CloudInitTemplate == "" {
		return nil
	}
	if err := cloudinit.Check(s.CloudInitTemplate, s.CloudInitVariables); err != nil {
		return field.ErrorList{field.Invalid(spec.Child("cloudInitTemplate"), "(template)", err.Error())}
	}
	return nil
}

// validateSSHPublicKeys refuses an entry that is not one OpenSSH public key without
// options, by the parser the SSH key Secret's lines go through (internal/cloudinit).
func validateSSHPublicKeys(p *field.Path, keys []string) field.ErrorList {
	var errs field.ErrorList
	for i, k := range keys {
		parsed, err := cloudinit.ParseAuthorizedKeys(k)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(p.Index(i), "(key)", strings.TrimPrefix(err.Error(), "line 1: ")))
		case len(parsed) != 1:
			errs = append(errs, field.Invalid(p.Index(i), "(key)", "want exactly one OpenSSH public key (\"ssh-ed25519 AAAA... comment\")"))
		}
	}
	return errs
}

// validateDatacenterBounds checks the per-datacenter bounds against each other
// and against the group's.
func validateDatacenterBounds(spec *field.Path, s *v1alpha1.NodeGroupSpec) field.ErrorList {
	var errs field.ErrorList
	var sumMin int32
	for i, d := range s.Datacenters {
		p := spec.Child("datacenters").Index(i)
		sumMin += d.MinNodes
		if d.MaxNodes != 0 && d.MaxNodes < d.MinNodes {
			errs = append(errs, field.Invalid(p.Child("maxNodes"), d.MaxNodes,
				fmt.Sprintf("must be >= %s (%d), or 0 for no cap", p.Child("minNodes"), d.MinNodes)))
		}
	}
	if sumMin > s.MaxNodes {
		errs = append(errs, field.Invalid(spec.Child("datacenters"), sumMin,
			fmt.Sprintf("the datacenters' minNodes add up to %d, more than spec.maxNodes (%d)", sumMin, s.MaxNodes)))
	}
	return errs
}

// datacentersOf is every datacenter the group places nodes in.
func datacentersOf(s *v1alpha1.NodeGroupSpec) []string {
	var dcs []string
	if s.DatacenterID != "" {
		dcs = append(dcs, s.DatacenterID)
	}
	for _, d := range s.Datacenters {
		dcs = append(dcs, d.ID)
	}
	return dcs
}

func validateNodeGroupCatalogue(spec *field.Path, s, old *v1alpha1.NodeGroupSpec, ix *catalogueIndex) field.ErrorList {
	var errs field.ErrorList
	added := func(v string, olds []string) bool { return old == nil || !slices.Contains(olds, v) }
	var oldDCs, oldOfferings []string
	if old != nil {
		oldDCs, oldOfferings = datacentersOf(old), old.OfferingIDs
	}
	if s.DatacenterID != "" && added(s.DatacenterID, oldDCs) && !ix.datacenters[s.DatacenterID] {
		errs = append(errs, unknownDatacenter(spec.Child("datacenterID"), s.DatacenterID))
	}
	for i, d := range s.Datacenters {
		if added(d.ID, oldDCs) && !ix.datacenters[d.ID] {
			errs = append(errs, unknownDatacenter(spec.Child("datacenters").Index(i).Child("id"), d.ID))
		}
	}
	dcs := datacentersOf(s)
	for i, o := range s.OfferingIDs {
		if !added(o, oldOfferings) {
			continue
		}
		p := spec.Child("offeringIDs").Index(i)
		if _, ok := ix.offerings[o]; !ok {
			errs = append(errs, field.Invalid(p, o, fmt.Sprintf("offering %q is not in the VPSie catalogue", o)))
		} else if !ix.soldIn(o, dcs) {
			errs = append(errs, field.Invalid(p, o, fmt.Sprintf("offering %q is sold only in datacenter %q, "+
				"not in the group's %v", o, ix.offerings[o].DatacenterID, dcs)))
		}
	}
	if p := s.PreferredInstanceType; p != "" && added(p, oldOfferings) {
		if _, ok := ix.offerings[p]; !ok {
			errs = append(errs, field.Invalid(spec.Child("preferredInstanceType"), p,
				fmt.Sprintf("offering %q is not in the VPSie catalogue", p)))
		}
	}
	return errs
}

func unknownDatacenter(p *field.Path, id string) *field.Error {
	return field.Invalid(p, id, fmt.Sprintf("datacenter %q is not in the VPSie catalogue", id))
}

// maxNodesWarnings warns when maxNodes drops below the nodes the group has or
// is provisioning: allowed, because nothing is removed by it, but the group
// stays above its new maximum until scale-down removes nodes.
func maxNodesWarnings(ng, old *v1alpha1.NodeGroup) []string {
	if ng.Spec.MaxNodes >= old.Spec.MaxNodes {
		return nil
	}
	have := max(old.Status.CurrentNodes, old.Status.DesiredNodes, int32(len(old.Status.Nodes)))
	if ng.Spec.MaxNodes >= have {
		return nil
	}
	return []string{fmt.Sprintf("spec.maxNodes: lowered to %d, below the %d nodes the group has or is provisioning; "+
		"no node is removed by this change, the group shrinks only through scale-down", ng.Spec.MaxNodes, have)}
}

// specOf is old's spec, nil on create.
func specOf(old *v1alpha1.NodeGroup) *v1alpha1.NodeGroupSpec {
	if old == nil {
		return nil
	}
	return &old.Spec
}
