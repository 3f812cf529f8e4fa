package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// The certificate watcher logs through controller-runtime's global logger,
// which warns with a stack trace when a long run (the load benchmark) never set one.
func init() { ctrllog.SetLogger(logr.Discard()) }

// testCatalogue sells std-2-4 everywhere and ams-only in dc-ams1.
var testCatalogue = StaticCatalogue{
	Offerings:   []contract.Offering{{ID: "std-2-4"}, {ID: "std-4-8"}, {ID: "ams-only", DatacenterID: "dc-ams1"}},
	Datacenters: []string{"dc-ams1", "dc-fra1"},
}

func raw(t testing.TB, obj any) runtime.RawExtension {
	t.Helper()
	if obj == nil {
		return runtime.RawExtension{}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return runtime.RawExtension{Raw: b}
}

// reviewBody is an admission.k8s.io/v1 AdmissionReview as the apiserver sends it.
func reviewBody(t testing.TB, op admissionv1.Operation, user string, groups []string, obj, old any) []byte {
	t.Helper()
	r := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID("uid-1"), Operation: op, Name: "x",
			UserInfo: authenticationv1.UserInfo{Username: user, Groups: groups},
			Object:   raw(t, obj), OldObject: raw(t, old),
		},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends body to path and returns the status and, for 200, the response.
func post(t testing.TB, h http.Handler, path, contentType string, body []byte) (int, *admissionv1.AdmissionResponse) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return rec.Code, nil
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("response is not an AdmissionReview: %v: %s", err, rec.Body)
	}
	return rec.Code, out.Response
}

func validGroup() *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaler.vpsie.com/v1alpha1", Kind: "NodeGroup"},
		ObjectMeta: metav1.ObjectMeta{Name: "general", Namespace: "kube-system"},
		Spec: v1alpha1.NodeGroupSpec{
			MinNodes: 1, MaxNodes: 5, DatacenterID: "dc-ams1", OfferingIDs: []string{"std-2-4"},
			OSImageID: "ubuntu-24.04", KubernetesVersion: "v1.36.3",
			RebalancePolicy: v1alpha1.RebalancePolicy{Strategy: v1alpha1.RebalanceRolling, MaxSurge: 1},
		},
	}
}

func node(name string, labels map[string]string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Node",
		"metadata": map[string]any{"name": name, "labels": labels}}
}
