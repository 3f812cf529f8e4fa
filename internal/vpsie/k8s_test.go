package vpsie_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// k8sPattern is a managed-Kubernetes route of shape filled with cluster "c1" and group 7.
func k8sPattern(shape vpsie.Shape, method, route string) string {
	prefix := vpsieapi.PrefixA
	if shape == vpsie.ShapeB {
		prefix = vpsieapi.PrefixBK8s
	}
	r := map[string]string{vpsieapi.PathK8sNodeGroups: "/k8s/node/groups/byClusterId/c1",
		vpsieapi.PathK8sCluster: "/k8s/cluster/byId/c1", vpsieapi.PathK8sAddWorker: "/k8s/cluster/byId/c1/add/slave/group/7",
		vpsieapi.PathK8sDeleteWorker: "/k8s/cluster/byId/c1/delete/slave"}[route]
	return method + " " + prefix + r
}

func TestAddK8sWorkerReadsAnObjectOrTrue(t *testing.T) {
	tests := []struct {
		name string
		body string
		want vpsie.K8sWorker
	}{
		{name: "an object names the worker",
			body: `{"error":false,"data":{"id":5,"identifier":"w-1","status":"provisioning","hostname":"k8s-node-ab12"}}`,
			want: vpsie.K8sWorker{Identifier: "w-1", Hostname: "k8s-node-ab12", Status: "provisioning", GroupID: 7}},
		{name: "data true names nothing", body: `{"error":false,"data":true}`, want: vpsie.K8sWorker{GroupID: 7}},
	}
	for _, shape := range shapes {
		for _, tt := range tests {
			t.Run(shape.String()+" "+tt.name, func(t *testing.T) {
				c := fakeAPI(t, shape, map[string]http.HandlerFunc{
					k8sPattern(shape, http.MethodPost, vpsieapi.PathK8sAddWorker): answer(http.StatusOK, tt.body)})
				got, err := c.AddK8sWorker(t.Context(), "c1", 7)
				if err != nil || got != tt.want {
					t.Fatalf("AddK8sWorker = %+v, %v; want %+v", got, err, tt.want)
				}
			})
		}
	}
}

func TestK8sErrorsAreClassifiedLikeVMErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantKind vpsie.Kind
	}{
		{name: "error true on HTTP 200 is a failure", status: http.StatusOK,
			body: `{"error":true,"code":400,"message":"group is locked"}`, wantKind: vpsie.KindInvalidRequest},
		{name: "quota phrase is capacity", status: http.StatusBadRequest,
			body: `{"error":true,"code":400,"message":"Node count exceeds the allowed limit"}`, wantKind: vpsie.KindCapacityExhausted},
		{name: "server error is transient", status: http.StatusBadGateway, body: `{"error":true,"code":502,"message":"x"}`,
			wantKind: vpsie.KindTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeAPI(t, vpsie.ShapeA, map[string]http.HandlerFunc{
				k8sPattern(vpsie.ShapeA, http.MethodPost, vpsieapi.PathK8sAddWorker): answer(tt.status, tt.body)})
			_, err := c.AddK8sWorker(t.Context(), "c1", 7)
			if vpsie.KindOf(err) != tt.wantKind {
				t.Fatalf("kind of %v = %v, want %v", err, vpsie.KindOf(err), tt.wantKind)
			}
		})
	}
}

// A 404 on a worker delete is returned, not swallowed: the API also answers 404 for a worker it does not list yet.
func TestDeleteK8sWorkerReturnsTheAPIs404(t *testing.T) {
	for _, shape := range shapes {
		t.Run(shape.String(), func(t *testing.T) {
			var got vpsieapi.K8sDeleteWorkerRequest
			c := fakeAPI(t, shape, map[string]http.HandlerFunc{
				k8sPattern(shape, http.MethodDelete, vpsieapi.PathK8sDeleteWorker): func(w http.ResponseWriter, r *http.Request) {
					_ = json.NewDecoder(r.Body).Decode(&got)
					answer(http.StatusNotFound, `{"error":true,"code":404,"message":"node not found"}`)(w, r)
				}})
			err := c.DeleteK8sWorker(t.Context(), "c1", "w-1")
			if !errors.Is(err, vpsie.ErrNotFound) || got.Identifier != "w-1" {
				t.Fatalf("err = %v, body identifier %q; want not found for w-1", err, got.Identifier)
			}
		})
	}
}

func TestListK8sWorkersListsEachWorkerOnceAndNoMasters(t *testing.T) {
	body := `{"error":false,"data":{"identifier":"c1","masters":[{"identifier":"m-1","hostname":"m","role":"master"}],
		"slaves":[{"identifier":"w-1","hostname":"a","role":"slave"}],
		"nodes":[{"identifier":"w-1","hostname":"a","role":"slave"},{"identifier":"w-2","hostname":"b","role":"slave"},
		{"identifier":"m-1","hostname":"m","role":"master"}]}}`
	c := fakeAPI(t, vpsie.ShapeA, map[string]http.HandlerFunc{
		k8sPattern(vpsie.ShapeA, http.MethodGet, vpsieapi.PathK8sCluster): answer(http.StatusOK, body)})
	ws, err := c.ListK8sWorkers(t.Context(), "c1")
	if err != nil || len(ws) != 2 || ws[0].Identifier != "w-1" || ws[1].Identifier != "w-2" {
		t.Fatalf("ListK8sWorkers = %+v, %v; want w-1, w-2", ws, err)
	}
}

func TestListK8sNodeGroupsSkipsDeletedGroups(t *testing.T) {
	body := `{"error":false,"data":[{"id":7,"group_name":"workers","is_deleted":0},{"id":8,"group_name":"old","is_deleted":1}]}`
	c := fakeAPI(t, vpsie.ShapeA, map[string]http.HandlerFunc{
		k8sPattern(vpsie.ShapeA, http.MethodGet, vpsieapi.PathK8sNodeGroups): answer(http.StatusOK, body)})
	gs, err := c.ListK8sNodeGroups(t.Context(), "c1")
	if err != nil || len(gs) != 1 || gs[0].ID != 7 || gs[0].Name != "workers" {
		t.Fatalf("ListK8sNodeGroups = %+v, %v; want group 7 only", gs, err)
	}
}

func TestK8sCallsRefuseMissingKeysWithoutARequest(t *testing.T) {
	c := fakeAPI(t, vpsie.ShapeA, nil)
	if _, err := c.AddK8sWorker(t.Context(), "", 7); vpsie.KindOf(err) != vpsie.KindInvalidRequest {
		t.Errorf("add without cluster: %v", err)
	}
	if _, err := c.AddK8sWorker(t.Context(), "c1", 0); vpsie.KindOf(err) != vpsie.KindInvalidRequest {
		t.Errorf("add without group: %v", err)
	}
	if err := c.DeleteK8sWorker(t.Context(), "c1", ""); vpsie.KindOf(err) != vpsie.KindInvalidRequest {
		t.Errorf("delete without identifier: %v", err)
	}
}
