package cloudinit

// defaultTemplate installs the kubelet and kubeadm of the NodeGroup's Kubernetes version
// from pkgs.k8s.io and joins the node with kubeadm; it assumes a Debian or Ubuntu image
// with a container runtime (a NodeGroup with another image uses its own template). The
// kubelet registers with every label the node will carry (internal/nodelabels: the
// group's, topology, instance type and the autoscaler's) and the group's taints, so pods
// that need them can land at once and none land where they must not.
//
// No --provider-id: a VPS learns its VPSie id only after the create call that carries
// this user data returns, and VPSie offers no metadata service the kubelet could ask. The
// autoscaler finds a node by its hostname (the node name) and its
// autoscaler.vpsie.com/vpsienode label instead.
const defaultTemplate = `#cloud-config
# vpsie-autoscaler: node {{ .NodeName }} of NodeGroup {{ .NodeGroup }}, Kubernetes {{ .KubernetesVersion }}
hostname: {{ .NodeName }}
write_files:
  - path: /etc/apt/sources.list.d/kubernetes.list
    content: |
      deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/{{ .KubernetesMinor }}/deb/ /
  - path: /etc/default/kubelet
    content: |
      KUBELET_EXTRA_ARGS=--node-labels={{ .LabelsArg }}{{ if .TaintsArg }} --register-with-taints={{ .TaintsArg }}{{ end }}{{ if .ReservesArg }} {{ .ReservesArg }}{{ end }}
runcmd:
  - mkdir -p -m 755 /etc/apt/keyrings
  - curl -fsSL https://pkgs.k8s.io/core:/stable:/{{ .KubernetesMinor }}/deb/Release.key | gpg --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg
  - apt-get update
  - apt-get install -y 'kubelet={{ .KubernetesPackageVersion }}-*' 'kubeadm={{ .KubernetesPackageVersion }}-*'
  - apt-mark hold kubelet kubeadm
  - kubeadm join {{ .APIServerEndpoint }} --token {{ .Token }} --discovery-token-ca-cert-hash {{ .CACertHash }} --node-name {{ .NodeName }}
`
