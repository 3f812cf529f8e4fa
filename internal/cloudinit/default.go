package cloudinit

// defaultTemplate joins the node with kubeadm. The kubelet registers with the
// NodeGroup's labels and taints, so pods that need them can land at once.
const defaultTemplate = `#cloud-config
# vpsie-autoscaler: node {{ .NodeName }} of NodeGroup {{ .NodeGroup }}, Kubernetes {{ .KubernetesVersion }}
hostname: {{ .NodeName }}
write_files:
  - path: /etc/default/kubelet
    content: |
      KUBELET_EXTRA_ARGS=--node-labels={{ .LabelsArg }}{{ if .TaintsArg }} --register-with-taints={{ .TaintsArg }}{{ end }}
runcmd:
  - kubeadm join {{ .APIServerEndpoint }} --token {{ .Token }} --discovery-token-ca-cert-hash {{ .CACertHash }} --node-name {{ .NodeName }}
`
