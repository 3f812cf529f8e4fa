package activities_test

import (
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/testsuite"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/activities"
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func orphanScheme(t *testing.T) *runtime.Scheme {
	s := testScheme(t)
	if err := corev1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The collector's view: VPSs tagged for the cluster that no VPSieNode accounts for, and
// managed Nodes without a VPSieNode (the membership rule). A live owner keeps its VPS
// even at the delete, and only a VPS the ownership rule judges Owned is deleted.
func TestOrphanCollectorActivitiesFindAndDeleteOnlyOrphans(t *testing.T) {
	for _, shape := range shapes {
		t.Run(shape.String(), func(t *testing.T) {
			a := simulatedVPSie(t, shape, nil)
			gone := contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-gone", UID: "uid-gone"}
			live := contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-live", UID: "uid-live"}
			idGone := a.post("vn-gone", gone.Tags())
			a.post("vn-live", live.Tags())
			a.post("other-cluster", contract.Owner{Cluster: "c2", Namespace: "ns", Name: "x"}.Tags())
			a.post("hand-made", []string{"env:prod"})

			vnLive := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-live", UID: "uid-live",
				CreationTimestamp: metav1.Now()}, Spec: v1alpha1.VPSieNodeSpec{Hostname: "vn-live"},
				Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseProvisioning}}
			old := metav1.NewTime(time.Now().Add(-time.Hour))
			vnStranded := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-stuck", UID: "uid-stuck",
				CreationTimestamp: old}, Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseJoining}}
			vnReady := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vn-ready", UID: "uid-ready",
				CreationTimestamp: old}, Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady}}
			managed := map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelVPSieNode: "vn-x"}
			nodeOrphan := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "vn-x", UID: "n1", Labels: managed},
				Spec: corev1.NodeSpec{ProviderID: "vpsie://vps-x"}}
			nodeLive := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "vn-live", UID: "n2", Labels: map[string]string{
				v1alpha1.LabelManaged: "true", v1alpha1.LabelVPSieNode: "vn-live"}}}
			unmanaged := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1", UID: "n3"}}
			kc := fake.NewClientBuilder().WithScheme(orphanScheme(t)).WithObjects(vnLive, vnStranded, vnReady, nodeOrphan, nodeLive, unmanaged).Build()
			reg := prometheus.NewRegistry()
			m, err := activities.NewOrphanMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			kube := &activities.Kube{Client: kc, Orphans: m}
			v := &activities.VPSie{API: a.api, Owners: kube, Orphans: m}

			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			activities.Register(env, activities.Set{Kube: kube})
			activities.RegisterVPSie(env, v)
			var listed []contract.OrphanVPS
			get(t, env, contract.ListClusterVPSActivity, contract.ListClusterVPSInput{Cluster: "c1"}, &listed)
			if hosts := hostnames(listed); !slices.Equal(hosts, []string{"vn-gone", "vn-live"}) {
				t.Fatalf("listed %v, want the two VPSs tagged for c1", hosts)
			}
			var found contract.Orphans
			get(t, env, contract.FindOrphansActivity, contract.FindOrphansInput{VPSs: listed, StrandedAfter: 30 * time.Minute}, &found)
			if len(found.Stranded) != 1 || found.Stranded[0].Name != "vn-stuck" {
				t.Fatalf("stranded %+v, want vn-stuck only (an hour in Joining)", found.Stranded)
			}
			if len(found.VPSs) != 1 || found.VPSs[0].VPSID != idGone || found.VPSs[0].Owner != gone {
				t.Fatalf("orphan vps %+v, want only %s of %v", found.VPSs, idGone, gone)
			}
			if len(found.Nodes) != 1 || found.Nodes[0].NodeName != "vn-x" || found.Nodes[0].VPSID != "vps-x" {
				t.Fatalf("orphan nodes %+v, want vn-x only", found.Nodes)
			}
			for _, o := range listed {
				var res contract.DeleteOrphanVPSResult
				get(t, env, contract.DeleteOrphanVPSActivity, o, &res)
				if res.Deleted != (o.VPSID == idGone) {
					t.Errorf("%s: deleted %v (%s)", o.Hostname, res.Deleted, res.Why)
				}
			}
			if left := a.sim.Snapshot().VMsByHostname("vn-live"); len(left) != 1 {
				t.Errorf("the live owner's vps was touched: %d left", len(left))
			}
			if _, err := env.ExecuteActivity(contract.ReportOrphansActivity, contract.ReportOrphansInput{Orphans: found}); err != nil {
				t.Fatal(err)
			}
			got := counters(t, reg)
			for k, want := range map[string]float64{"vpsie_autoscaler_orphans_deleted_total/vps": 1,
				"vpsie_autoscaler_orphans_found_total/vps": 1, "vpsie_autoscaler_orphans_found_total/node": 1,
				"vpsie_autoscaler_orphans_found_total/stranded_vpsienode": 1} {
				if got[k] != want {
					t.Errorf("%s = %v, want %v (all: %v)", k, got[k], want, got)
				}
			}
		})
	}
}

func get(t *testing.T, env *testsuite.TestActivityEnvironment, name string, in, out any) {
	t.Helper()
	val, err := env.ExecuteActivity(name, in)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := val.Get(out); err != nil {
		t.Fatal(err)
	}
}

func hostnames(vs []contract.OrphanVPS) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Hostname)
	}
	slices.Sort(out)
	return out
}

// counters reads every counter of reg as "<name>/<kind label>".
func counters(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" {
					out[mf.GetName()+"/"+l.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}
