package webhook

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestDefaultingPatchesOnlyWhatIsMissing(t *testing.T) {
	// full is a spec with every default already set: changes to it show what
	// the webhook adds, whatever defaults later get added to the table.
	full := func(mutate func(spec map[string]any)) map[string]any {
		obj := map[string]any{"spec": map[string]any{}}
		applyDefaults(obj, nodeGroupDefaults)
		spec := obj["spec"].(map[string]any)
		if mutate != nil {
			mutate(spec)
		}
		return spec
	}
	rebalance := func(spec map[string]any) map[string]any { return spec["rebalancePolicy"].(map[string]any) }
	tests := []struct {
		name   string
		spec   any
		meta   map[string]any // default: a group that carries the cleanup finalizer already
		want   []patchOp
		subset bool // want is in order within the patch, not all of it
	}{
		{name: "an empty spec gets every policy with its defaults", spec: map[string]any{}, subset: true, want: []patchOp{
			{"add", "/spec/scaleUpPolicy", map[string]any{}},
			{"add", "/spec/scaleUpPolicy/enabled", true},
			{"add", "/spec/scaleDownPolicy", map[string]any{}},
			{"add", "/spec/scaleDownPolicy/enabled", true},
			{"add", "/spec/rebalancePolicy", map[string]any{}},
			{"add", "/spec/rebalancePolicy/strategy", "rolling"},
			{"add", "/spec/rebalancePolicy/maxSurge", float64(1)},
		}},
		{name: "values the user set, zero or false included, are kept", spec: full(func(spec map[string]any) {
			spec["scaleUpPolicy"] = map[string]any{"enabled": false}
			rebalance(spec)["maxSurge"] = 0
			rebalance(spec)["strategy"] = "surge"
		})},
		{name: "each datacenter without a weight gets 1", spec: full(func(spec map[string]any) {
			spec["datacenters"] = []any{map[string]any{"id": "a"}, map[string]any{"id": "b", "weight": 5}}
		}), want: []patchOp{{"add", "/spec/datacenters/0/weight", float64(1)}}},
		{name: "a maintenance window without a time zone gets UTC", spec: full(func(spec map[string]any) {
			rebalance(spec)["maintenanceWindows"] = []any{
				map[string]any{"start": "02:00", "durationMinutes": 60, "timeZone": "Europe/Berlin"},
				map[string]any{"start": "03:00", "durationMinutes": 60}}
		}), want: []patchOp{{"add", "/spec/rebalancePolicy/maintenanceWindows/1/timeZone", "UTC"}}},
		{name: "a new group gets the cleanup finalizer", spec: full(nil), meta: map[string]any{"name": "g"},
			want: []patchOp{{"add", "/metadata/finalizers", []any{v1alpha1.FinalizerNodeGroupCleanup}}}},
		{name: "next to the user's finalizers", spec: full(nil), meta: map[string]any{"name": "g", "finalizers": []any{"mine"}},
			want: []patchOp{{"add", "/metadata/finalizers/-", v1alpha1.FinalizerNodeGroupCleanup}}},
	}
	h := NewHandler(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := tt.meta
			if meta == nil {
				meta = map[string]any{"name": "g", "finalizers": []any{v1alpha1.FinalizerNodeGroupCleanup}}
			}
			obj := map[string]any{"apiVersion": "autoscaler.vpsie.com/v1alpha1", "kind": "NodeGroup",
				"metadata": meta, "spec": tt.spec}
			_, resp := post(t, h, PathDefaultNodeGroup, "application/json", reviewBody(t, admissionv1.Create, "u", nil, obj, nil))
			if !resp.Allowed {
				t.Fatalf("denied: %v", resp.Result)
			}
			var got []patchOp
			if len(resp.Patch) > 0 {
				if resp.PatchType == nil || *resp.PatchType != admissionv1.PatchTypeJSONPatch {
					t.Errorf("patch type %v", resp.PatchType)
				}
				if err := json.Unmarshal(resp.Patch, &got); err != nil {
					t.Fatal(err)
				}
			}
			if tt.subset {
				got = slices.DeleteFunc(got, func(op patchOp) bool {
					return !slices.ContainsFunc(tt.want, func(w patchOp) bool { return w.Path == op.Path })
				})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("patch\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

// The CRD's +kubebuilder:default markers and nodeGroupDefaults say the same:
// every schema default is in the table with the same value, and every table
// entry not marked webhookOnly is a schema default.
func TestDefaultsMatchTheCRDSchema(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "crds", "autoscaler.vpsie.com_nodegroups.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	schema := map[string]any{}
	collectSchemaDefaults(crd.Spec.Versions[0].Schema.OpenAPIV3Schema, "", schema)
	table := map[string]any{}
	for _, d := range nodeGroupDefaults {
		if !d.webhookOnly {
			v, _ := json.Marshal(d.value)
			var norm any
			_ = json.Unmarshal(v, &norm)
			table[d.path] = norm
		}
	}
	if !reflect.DeepEqual(schema, table) {
		t.Errorf("schema defaults %v\ndiffer from nodeGroupDefaults %v", schema, table)
	}
	for _, p := range slices.Sorted(maps.Keys(schema)) {
		if strings.Count(p, "/") > 1 && schema[parent(p)] == nil && !strings.Contains(p, "*") {
			t.Errorf("%s has a default but its parent %s has none: the default would never apply", p, parent(p))
		}
	}
}

func parent(p string) string { return p[:strings.LastIndex(p, "/")] }

func collectSchemaDefaults(s map[string]any, path string, out map[string]any) {
	if d, ok := s["default"]; ok && path != "" {
		out[path] = d
	}
	props, _ := s["properties"].(map[string]any)
	for name, sub := range props {
		if m, ok := sub.(map[string]any); ok {
			collectSchemaDefaults(m, strings.TrimPrefix(path+"/"+name, "/"), out)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		collectSchemaDefaults(items, path+"/*", out)
	}
}
