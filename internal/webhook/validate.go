package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// validator holds what the NodeGroup and VPSieNode checks need beyond the object.
type validator struct {
	catalogue Catalogue
	// autoscalerUser's VPSieNodes skip the catalogue checks: it planned them from
	// its own catalogue cache, which may be a refresh ahead of the webhook's.
	autoscalerUser string
}

func (v *validator) admitNodeGroup(_ context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return allow()
	}
	var ng, old v1alpha1.NodeGroup
	if resp := decodeObjects(req, &ng, &old); resp != nil {
		return resp
	}
	var prev *v1alpha1.NodeGroup
	if req.Operation == admissionv1.Update {
		prev = &old
	}
	errs, warnings := validateNodeGroup(&ng, prev, index(v.catalogue))
	return verdict("NodeGroup", ng.Name, errs, warnings)
}

func (v *validator) admitVPSieNode(_ context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return allow()
	}
	var vn, old v1alpha1.VPSieNode
	if resp := decodeObjects(req, &vn, &old); resp != nil {
		return resp
	}
	var prev *v1alpha1.VPSieNode
	if req.Operation == admissionv1.Update {
		prev = &old
	}
	ix := index(v.catalogue)
	if v.autoscalerUser != "" && req.UserInfo.Username == v.autoscalerUser {
		ix = trustedCatalogue
	}
	errs, warnings := validateVPSieNode(&vn, prev, ix)
	return verdict("VPSieNode", vn.Name, errs, warnings)
}

// decodeObjects reads object, and oldObject on UPDATE; a response means it failed.
func decodeObjects(req *admissionv1.AdmissionRequest, obj, old any) *admissionv1.AdmissionResponse {
	if err := json.Unmarshal(req.Object.Raw, obj); err != nil {
		return deny(http.StatusBadRequest, metav1.StatusReasonBadRequest, fmt.Sprintf("object: %v", err))
	}
	if req.Operation != admissionv1.Update {
		return nil
	}
	if err := json.Unmarshal(req.OldObject.Raw, old); err != nil {
		return deny(http.StatusBadRequest, metav1.StatusReasonBadRequest, fmt.Sprintf("oldObject: %v", err))
	}
	return nil
}

// verdict denies with every field error, one per line as "path: detail", or
// admits with the warnings.
func verdict(kind, name string, errs field.ErrorList, warnings []string) *admissionv1.AdmissionResponse {
	if len(errs) == 0 {
		return allow(warnings...)
	}
	lines := make([]string, len(errs))
	causes := make([]metav1.StatusCause, len(errs))
	for i, e := range errs {
		lines[i] = fieldMessage(e)
		causes[i] = metav1.StatusCause{Type: metav1.CauseType(e.Type), Message: e.Detail, Field: e.Field}
	}
	resp := deny(http.StatusUnprocessableEntity, metav1.StatusReasonInvalid,
		fmt.Sprintf("%s %q is invalid: %s", kind, name, strings.Join(lines, "; ")))
	resp.Result.Details = &metav1.StatusDetails{Name: name, Group: v1alpha1.GroupVersion.Group, Kind: kind, Causes: causes}
	resp.Warnings = warnings
	return resp
}

// fieldMessage is "spec.maxNodes: must be >= spec.minNodes (3)": the field, then
// what is wrong, without field.Error's "Invalid value: ..." in between.
func fieldMessage(e *field.Error) string {
	if e.Detail == "" {
		return e.Error()
	}
	return e.Field + ": " + e.Detail
}
