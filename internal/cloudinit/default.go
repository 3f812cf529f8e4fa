package cloudinit

import _ "embed"

// installScript is the default bootstrap's install step (a template over Vars), written
// to the node by cloud-init and run before the join. It is a file of its own so that
// shellcheck reads what nodes run (render_test.go checks the rendered script).
//
//go:embed install.sh.tmpl
var installScript string

// InstallPath is where the default user data writes the install script.
const InstallPath = "/usr/local/sbin/vpsie-node-install"

// defaultTemplate installs containerd and the kubelet, kubeadm and kubectl of the
// NodeGroup's Kubernetes version (its minor's pkgs.k8s.io repository) on a supported
// image (SupportedImages) and joins the node with kubeadm. The kubelet registers with
// every label the node will carry (internal/nodelabels: the group's, topology, instance
// type and the autoscaler's), the group's taints and the planner's reserves, so pods that
// need them can land at once and none land where they must not.
//
// No --provider-id: a VPS learns its VPSie id only after the create call that carries
// this user data returns, and VPSie offers no metadata service the kubelet could ask. The
// autoscaler finds a node by its hostname (the node name) and its
// autoscaler.vpsie.com/vpsienode label instead, and sets the Node's provider ID after the
// join (ApplyNodeTemplate).
const defaultTemplate = `#cloud-config
# vpsie-autoscaler: node {{ .NodeName }} of NodeGroup {{ .NodeGroup }}, Kubernetes {{ .KubernetesVersion }}
hostname: {{ .NodeName }}
write_files:
  - path: ` + InstallPath + `
    permissions: "0755"
    content: |
{{ indent 6 .InstallScript }}
  - path: /etc/default/kubelet
    content: |
      KUBELET_EXTRA_ARGS=--node-labels={{ .LabelsArg }}{{ if .TaintsArg }} --register-with-taints={{ .TaintsArg }}{{ end }}{{ if .ReservesArg }} {{ .ReservesArg }}{{ end }}
runcmd:
  - [` + InstallPath + `]
  - kubeadm join {{ .APIServerEndpoint }} --token {{ .Token }} --discovery-token-ca-cert-hash {{ .CACertHash }} --node-name {{ .NodeName }}
`

// SupportedImages are the image families the default user data installs Kubernetes on, as
// VPSie names its images ("ubuntu-24.04-x64"): an image ID that starts with one of them.
// A NodeGroup on another image needs its own template (spec.userDataTemplate).
var SupportedImages = []string{"ubuntu-22.04", "ubuntu-24.04", "debian-12"}

// Supported reports whether the default user data can bootstrap a node of image.
func Supported(image string) bool {
	for _, s := range SupportedImages {
		if image == s || len(image) > len(s) && image[:len(s)] == s && image[len(s)] == '-' {
			return true
		}
	}
	return false
}
