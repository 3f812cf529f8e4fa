package webhook

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// validateVPSieNode checks a new VPSieNode's offering and datacenter against
// the catalogue and its group label against spec.nodeGroup. The spec is
// immutable through the CRD's CEL rule; the webhook keeps the labels that tie
// the object to its group and to the autoscaler immutable too, because the
// group counts and the termination's ownership checks read them.
func validateVPSieNode(vn, old *v1alpha1.VPSieNode, ix *catalogueIndex) (field.ErrorList, []string) {
	labels := field.NewPath("metadata", "labels")
	var errs field.ErrorList
	if old != nil {
		if vn.DeletionTimestamp != nil {
			return nil, nil
		}
		for _, l := range []string{v1alpha1.LabelNodeGroup, v1alpha1.LabelManaged} {
			was, had := old.Labels[l]
			if is, has := vn.Labels[l]; had && (!has || is != was) {
				errs = append(errs, field.Forbidden(labels.Key(l), fmt.Sprintf("is immutable (was %q)", was)))
			}
		}
		return errs, nil
	}
	if g, ok := vn.Labels[v1alpha1.LabelNodeGroup]; ok && g != vn.Spec.NodeGroup {
		errs = append(errs, field.Invalid(labels.Key(v1alpha1.LabelNodeGroup), g,
			fmt.Sprintf("must equal spec.nodeGroup (%q)", vn.Spec.NodeGroup)))
	}
	switch ix {
	case nil:
		return errs, []string{catalogueNotLoaded}
	case trustedCatalogue:
		return errs, nil
	}
	spec := field.NewPath("spec")
	if !ix.datacenters[vn.Spec.DatacenterID] {
		errs = append(errs, unknownDatacenter(spec.Child("datacenterID"), vn.Spec.DatacenterID))
	}
	if _, ok := ix.offerings[vn.Spec.OfferingID]; !ok {
		errs = append(errs, field.Invalid(spec.Child("offeringID"), vn.Spec.OfferingID,
			fmt.Sprintf("offering %q is not in the VPSie catalogue", vn.Spec.OfferingID)))
	} else if !ix.soldIn(vn.Spec.OfferingID, []string{vn.Spec.DatacenterID}) {
		errs = append(errs, field.Invalid(spec.Child("offeringID"), vn.Spec.OfferingID, fmt.Sprintf(
			"offering %q is not sold in datacenter %q", vn.Spec.OfferingID, vn.Spec.DatacenterID)))
	}
	return errs, nil
}
