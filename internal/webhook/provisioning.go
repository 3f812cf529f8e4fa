package webhook

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// validateProvisioning checks what the schema's CEL rules do not: the mode of an
// existing group never changes (its nodes were made the other way and are deleted
// that way), and a managed group sets no field that only a VM can carry (VPSie boots
// managed workers itself and their API takes neither user data nor tags).
func validateProvisioning(spec *field.Path, s, old *v1alpha1.NodeGroupSpec) field.ErrorList {
	var errs field.ErrorList
	p := spec.Child("provisioning")
	if old != nil && old.ProvisioningModeOf() != s.ProvisioningModeOf() {
		errs = append(errs, field.Forbidden(p.Child("mode"),
			"the provisioning mode of a NodeGroup cannot change; create a new NodeGroup instead"))
	}
	if s.ProvisioningModeOf() != v1alpha1.ProvisioningManagedKubernetes {
		return errs
	}
	if s.UserDataTemplate != "" {
		errs = append(errs, field.Forbidden(spec.Child("userDataTemplate"),
			"managedKubernetes workers are booted by VPSie; user data is only for mode vm"))
	}
	if s.SSHKeySecretRef != nil {
		errs = append(errs, field.Forbidden(spec.Child("sshKeySecretRef"),
			"managedKubernetes workers are booted by VPSie with no keys of ours; SSH keys are only for mode vm"))
	}
	if len(s.Tags) > 0 {
		errs = append(errs, field.Forbidden(spec.Child("tags"),
			"managedKubernetes workers cannot carry VPS tags; tags are only for mode vm"))
	}
	if mk := s.Provisioning.ManagedKubernetes; mk == nil || (mk.NodeGroupID == nil && mk.NodeGroupName == "") {
		errs = append(errs, field.Required(p.Child("managedKubernetes", "nodeGroupID"),
			"mode managedKubernetes needs the VPSie node group's id or name"))
	}
	return errs
}
