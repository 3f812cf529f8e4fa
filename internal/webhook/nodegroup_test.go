package webhook

import (
	"slices"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// testKey is a real ed25519 public key (the webhook parses keys).
const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMw9o9W3gJIxv3XX3QZ4fGhdQO7pKxGzbsAbVf6Y0P1n"

func TestNodeGroupValidationOnCreate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*v1alpha1.NodeGroup)
		want   []string // every error message, "path: detail"
	}{
		{name: "a valid group is admitted", mutate: func(*v1alpha1.NodeGroup) {}},
		{name: "an unknown offering is named by index", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.OfferingIDs = []string{"std-2-4", "gpu-xl"}
		}, want: []string{`spec.offeringIDs[1]: offering "gpu-xl" is not in the VPSie catalogue`}},
		{name: "an unknown preferred instance type is named", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.OfferingIDs, g.Spec.PreferredInstanceType = []string{"gpu-xl"}, "gpu-xl"
		}, want: []string{`spec.offeringIDs[0]: offering "gpu-xl" is not in the VPSie catalogue`,
			`spec.preferredInstanceType: offering "gpu-xl" is not in the VPSie catalogue`}},
		{name: "an offering sold only elsewhere is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.DatacenterID, g.Spec.OfferingIDs = "dc-fra1", []string{"ams-only"}
		}, want: []string{`spec.offeringIDs[0]: offering "ams-only" is sold only in datacenter "dc-ams1", not in the group's [dc-fra1]`}},
		{name: "an image the default bootstrap does not support is refused with the list", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.OSImageID = "centos-9-x64"
		}, want: []string{`spec.osImageID: image "centos-9-x64" is not one the default bootstrap supports: ` +
			`ubuntu-22.04, ubuntu-24.04, debian-12 (any architecture suffix, e.g. ubuntu-24.04-x64); another image needs spec.userDataTemplate`}},
		{name: "any image with the group's own template", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.OSImageID, g.Spec.UserDataTemplate = "centos-9-x64", "centos-join"
		}},
		{name: "an inline template naming a variable nobody sets is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.CloudInitTemplate = "#cloud-config\npackages: [{{ .Variables.extra }}]\n"
		}, want: []string{`spec.cloudInitTemplate: template: user-data:2:24: executing "user-data" at <.Variables.extra>: map has no entry for key "extra"`}},
		{name: "an inline template with its variables is admitted", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.CloudInitTemplate = "#cloud-config\npackages: [{{ .Variables.extra }}]\n# {{ .Token }} {{ .NodeName }}\n"
			g.Spec.CloudInitVariables = map[string]string{"extra": "nfs-common"}
		}},
		{name: "debian 12 and ubuntu 22.04 are supported", mutate: func(g *v1alpha1.NodeGroup) { g.Spec.OSImageID = "debian-12-arm64" }},
		{name: "an unknown datacenter is named", mutate: func(g *v1alpha1.NodeGroup) { g.Spec.DatacenterID = "dc-mars" },
			want: []string{`spec.datacenterID: datacenter "dc-mars" is not in the VPSie catalogue`}},
		{name: "an unknown datacenter in the list is named by index", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "dc-fra1"}, {ID: "dc-moon"}}
		}, want: []string{`spec.datacenters[1].id: datacenter "dc-moon" is not in the VPSie catalogue`}},
		{name: "a datacenter's maxNodes below its minNodes is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "dc-fra1", MinNodes: 3, MaxNodes: 2}}
		}, want: []string{"spec.datacenters[0].maxNodes: must be >= spec.datacenters[0].minNodes (3), or 0 for no cap"}},
		{name: "datacenter minimums above the group maximum are refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Datacenters = []v1alpha1.DatacenterPlacement{{ID: "dc-fra1", MinNodes: 3}, {ID: "dc-ams1", MinNodes: 3}}
		}, want: []string{"spec.datacenters: the datacenters' minNodes add up to 6, more than spec.maxNodes (5)"}},
		{name: "an invalid label key is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Labels = map[string]string{"bad key!": "x"}
		}, want: []string{"spec.labels[bad key!]: key name part must consist of alphanumeric characters"}},
		{name: "an invalid label value is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Labels = map[string]string{"tier": "has space"}
		}, want: []string{"spec.labels[tier]: value a valid label must be"}},
		{name: "the autoscaler's label prefix is reserved", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Labels = map[string]string{v1alpha1.LabelManaged: "true"}
		}, want: []string{"spec.labels[autoscaler.vpsie.com/managed]: the prefix autoscaler.vpsie.com/ is reserved"}},
		{name: "a label the kubelet may not set on its own Node is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Labels = map[string]string{"node-role.kubernetes.io/worker": ""}
		}, want: []string{`spec.labels[node-role.kubernetes.io/worker]: a kubelet may not set "node-role.kubernetes.io/worker" on its own Node`}},
		{name: "the topology and instance-type labels a kubelet may set are allowed", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Labels = map[string]string{"topology.kubernetes.io/zone": "z", "node.kubernetes.io/instance-type": "t"}
		}},
		{name: "an invalid taint key is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Taints = []corev1.Taint{{Key: "-bad", Effect: corev1.TaintEffectNoSchedule}}
		}, want: []string{"spec.taints[0].key: name part must consist of alphanumeric characters"}},
		{name: "an invalid taint value is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: "a b", Effect: corev1.TaintEffectNoSchedule}}
		}, want: []string{"spec.taints[0].value: a valid label must be"}},
		{name: "a repeated taint key and effect is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Taints = []corev1.Taint{{Key: "gpu", Effect: corev1.TaintEffectNoSchedule},
				{Key: "gpu", Value: "x", Effect: corev1.TaintEffectNoSchedule}, {Key: "gpu", Effect: corev1.TaintEffectNoExecute}}
		}, want: []string{"spec.taints[1]: taint gpu:NoSchedule repeats spec.taints[0]"}},
		{name: "a rolling rebalance with neither surge nor unavailability is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.RebalancePolicy.MaxSurge = 0
		}, want: []string{"spec.rebalancePolicy.maxUnavailable: must be > 0 when spec.rebalancePolicy.maxSurge is 0"}},
		{name: "a rolling rebalance by unavailability alone is admitted", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.RebalancePolicy.MaxSurge, g.Spec.RebalancePolicy.MaxUnavailable = 0, 1
		}},
		{name: "a surge rebalance without surge is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.RebalancePolicy = v1alpha1.RebalancePolicy{Strategy: v1alpha1.RebalanceSurge, MaxUnavailable: 2}
		}, want: []string{"spec.rebalancePolicy.maxSurge: must be >= 1 for strategy surge"}},
		{name: "blue-green ignores surge and unavailability", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.RebalancePolicy = v1alpha1.RebalancePolicy{Strategy: v1alpha1.RebalanceBlueGreen}
		}},
		{name: "an unknown time zone is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{
				{Start: "02:00", DurationMinutes: 60, TimeZone: "Europe/Berlin"},
				{Start: "03:00", DurationMinutes: 60, TimeZone: "Mars/Olympus"}}
		}, want: []string{`spec.rebalancePolicy.maintenanceWindows[1].timeZone: unknown time zone "Mars/Olympus"`}},
		{name: "the process's Local zone is not an IANA name", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{{Start: "02:00", DurationMinutes: 60, TimeZone: "Local"}}
		}, want: []string{`spec.rebalancePolicy.maintenanceWindows[0].timeZone: unknown time zone "Local"`}},
		{name: "a start that is not HH:MM is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{{Start: "25:00", DurationMinutes: 60}}
		}, want: []string{"spec.rebalancePolicy.maintenanceWindows[0].start: must be a time of day as HH:MM"}},
		{name: "a managed group names its VPSie node group", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Provisioning = v1alpha1.Provisioning{Mode: v1alpha1.ProvisioningManagedKubernetes,
				ManagedKubernetes: &v1alpha1.ManagedKubernetes{NodeGroupName: "workers"}}
		}},
		{name: "a managed group without its VPSie node group is refused", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.Provisioning = v1alpha1.Provisioning{Mode: v1alpha1.ProvisioningManagedKubernetes}
		}, want: []string{"spec.provisioning.managedKubernetes.nodeGroupID: mode managedKubernetes needs"}},
		{name: "a managed group takes neither user data, an SSH key Secret nor tags", mutate: func(g *v1alpha1.NodeGroup) {
			one := int64(7)
			g.Spec.UserDataTemplate, g.Spec.Tags = "my-template", []string{"team=a"}
			g.Spec.SSHKeySecretRef = &v1alpha1.SSHKeySecretReference{Name: "ops-keys"}
			g.Spec.Provisioning = v1alpha1.Provisioning{Mode: v1alpha1.ProvisioningManagedKubernetes,
				ManagedKubernetes: &v1alpha1.ManagedKubernetes{NodeGroupID: &one}}
		}, want: []string{"spec.userDataTemplate: managedKubernetes workers are booted by VPSie",
			"spec.sshKeySecretRef: managedKubernetes workers are booted by VPSie with no keys of ours",
			"spec.tags: managedKubernetes workers cannot carry VPS tags"}},
		{name: "SSH public keys that are keys, and a key Secret, are admitted", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.SSHPublicKeys = []string{testKey + " ops@laptop"}
			g.Spec.SSHKeySecretRef = &v1alpha1.SSHKeySecretReference{Name: "ops-keys"}
		}},
		{name: "an SSH public key that is no key, or has options, is refused by index", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.SSHPublicKeys = []string{testKey, "ssh-ed25519 AAAA alice", `command="true" ` + testKey, testKey + "\n" + testKey}
		}, want: []string{"spec.sshPublicKeys[1]: not an OpenSSH public key",
			"spec.sshPublicKeys[2]: authorized_keys options (command) are not supported",
			"spec.sshPublicKeys[3]: want exactly one OpenSSH public key"}},
		{name: "every problem is reported at once", mutate: func(g *v1alpha1.NodeGroup) {
			g.Spec.DatacenterID, g.Spec.OfferingIDs = "dc-mars", []string{"gpu-xl"}
		}, want: []string{`spec.datacenterID: datacenter "dc-mars"`, `spec.offeringIDs[0]: offering "gpu-xl"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := validGroup()
			tt.mutate(g)
			errs, _ := validateNodeGroup(g, nil, index(testCatalogue))
			var got []string
			for _, e := range errs {
				got = append(got, fieldMessage(e))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("errors %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("error %d = %q, want it to start with %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestNodeGroupValidationOnUpdate(t *testing.T) {
	withdrawn := StaticCatalogue{Offerings: []contract.Offering{{ID: "std-4-8"}}, Datacenters: []string{"dc-fra1"}}
	tests := []struct {
		name     string
		old, new func(*v1alpha1.NodeGroup)
		wantErrs []string
		warnings []string
	}{
		{name: "an update that keeps the spec is admitted though the catalogue no longer sells it",
			new: func(g *v1alpha1.NodeGroup) { g.Finalizers = nil }},
		{name: "a deleted group may lose its finalizer whatever its spec",
			old: func(g *v1alpha1.NodeGroup) { g.Spec.Labels = map[string]string{"bad key!": ""} },
			new: func(g *v1alpha1.NodeGroup) {
				g.Spec.Labels = map[string]string{"bad key!": "", "worse key!": ""}
				now := metav1.Now()
				g.DeletionTimestamp = &now
				g.Finalizers = nil
			}},
		{name: "values already stored are not checked against the catalogue again",
			new: func(g *v1alpha1.NodeGroup) { g.Spec.MaxNodes = 9 }},
		{name: "the provisioning mode cannot change",
			new: func(g *v1alpha1.NodeGroup) {
				g.Spec.Provisioning = v1alpha1.Provisioning{Mode: v1alpha1.ProvisioningManagedKubernetes,
					ManagedKubernetes: &v1alpha1.ManagedKubernetes{NodeGroupName: "workers"}}
			},
			wantErrs: []string{"spec.provisioning.mode: the provisioning mode of a NodeGroup cannot change"}},
		{name: "an offering the update adds is checked",
			new:      func(g *v1alpha1.NodeGroup) { g.Spec.OfferingIDs = []string{"std-2-4", "gpu-xl"} },
			wantErrs: []string{`spec.offeringIDs[1]: offering "gpu-xl" is not in the VPSie catalogue`}},
		{name: "lowering maxNodes below the nodes the group has warns",
			old:      func(g *v1alpha1.NodeGroup) { g.Status.CurrentNodes, g.Status.DesiredNodes = 4, 5 },
			new:      func(g *v1alpha1.NodeGroup) { g.Spec.MaxNodes, g.Spec.MinNodes = 3, 1 },
			warnings: []string{"spec.maxNodes: lowered to 3, below the 5 nodes the group has or is provisioning"}},
		{name: "lowering maxNodes above the nodes the group has is silent",
			old: func(g *v1alpha1.NodeGroup) { g.Status.CurrentNodes = 2 },
			new: func(g *v1alpha1.NodeGroup) { g.Spec.MaxNodes = 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, ng := validGroup(), validGroup()
			old.Finalizers, ng.Finalizers = []string{"x"}, []string{"x"}
			if tt.old != nil {
				tt.old(old)
			}
			tt.new(ng)
			// std-2-4 and dc-ams1 were withdrawn since the group was created.
			errs, warnings := validateNodeGroup(ng, old, index(withdrawn))
			var got []string
			for _, e := range errs {
				got = append(got, fieldMessage(e))
			}
			if len(got) != len(tt.wantErrs) || (len(got) > 0 && !strings.HasPrefix(got[0], tt.wantErrs[0])) {
				t.Errorf("errors %q, want %q", got, tt.wantErrs)
			}
			if len(warnings) != len(tt.warnings) || (len(warnings) > 0 && !strings.HasPrefix(warnings[0], tt.warnings[0])) {
				t.Errorf("warnings %q, want %q", warnings, tt.warnings)
			}
		})
	}
}

// Without a catalogue the webhook must not block: it admits and says what it
// could not check.
func TestNodeGroupValidationWithoutCatalogueAdmitsWithWarning(t *testing.T) {
	for name, cat := range map[string]Catalogue{"no catalogue": nil, "not loaded yet": notLoaded{}} {
		t.Run(name, func(t *testing.T) {
			h := NewHandler(Options{Catalogue: cat})
			g := validGroup()
			g.Spec.OfferingIDs = []string{"anything"}
			_, resp := post(t, h, PathValidateNodeGroup, "application/json",
				reviewBody(t, admissionv1.Create, "u", nil, g, nil))
			if !resp.Allowed || !slices.Contains(resp.Warnings, catalogueNotLoaded) {
				t.Errorf("allowed %v warnings %q", resp.Allowed, resp.Warnings)
			}
		})
	}
}

type notLoaded struct{}

func (notLoaded) Snapshot() (contract.Catalogue, bool) { return contract.Catalogue{}, false }

// The denial names every field as "path: detail" and carries them as causes,
// which kubectl prints and clients can match on.
func TestNodeGroupDenialNamesEachField(t *testing.T) {
	h := NewHandler(Options{Catalogue: testCatalogue})
	g := validGroup()
	g.Spec.DatacenterID = "dc-mars"
	g.Spec.RebalancePolicy.MaxSurge = 0
	_, resp := post(t, h, PathValidateNodeGroup, "application/json", reviewBody(t, admissionv1.Create, "u", nil, g, nil))
	if resp.Allowed {
		t.Fatal("allowed")
	}
	want := `NodeGroup "general" is invalid: spec.datacenterID: datacenter "dc-mars" is not in the VPSie catalogue; ` +
		"spec.rebalancePolicy.maxUnavailable: must be > 0 when spec.rebalancePolicy.maxSurge is 0, " +
		"or a rolling rebalance can never replace a node"
	if resp.Result.Message != want {
		t.Errorf("message\n%s\nwant\n%s", resp.Result.Message, want)
	}
	if resp.Result.Code != 422 || resp.Result.Reason != metav1.StatusReasonInvalid || len(resp.Result.Details.Causes) != 2 ||
		resp.Result.Details.Causes[0].Field != "spec.datacenterID" {
		t.Errorf("result %+v", resp.Result)
	}
}
