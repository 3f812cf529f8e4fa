// Package bootstraptoken gives every new node its own kubeadm bootstrap token, as
// kubeadm and Cluster API do: a bootstrap.kubernetes.io/token Secret in kube-system that
// lives from the node's create until its join (or its compensation), and the discovery
// data (API endpoint and CA hash) a `kubeadm join` needs, read from kube-public/cluster-info.
// The token is created and rendered inside the activity that creates the VPS, so it never
// enters a workflow's history, a log, an event or a status.
package bootstraptoken
