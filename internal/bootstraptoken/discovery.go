package bootstraptoken

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/url"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/clientcmd"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ClusterInfo is the ConfigMap kubeadm publishes for discovery (kube-public/cluster-info).
var ClusterInfo = types.NamespacedName{Namespace: metav1.NamespacePublic, Name: bootstrapapi.ConfigMapClusterInfo}

// Discovery is what `kubeadm join` needs besides the token: the API server's endpoint
// ("host:port") and the hash of its CA's public key ("sha256:<hex>").
type Discovery struct {
	APIServerEndpoint, CACertHash string
}

// Discover returns the configured discovery data, filling what is not configured from
// kube-public/cluster-info (the kubeconfig kubeadm publishes there).
func Discover(ctx context.Context, r client.Reader, configured Discovery) (Discovery, error) {
	if configured.APIServerEndpoint != "" && configured.CACertHash != "" {
		return configured, nil
	}
	cm := &corev1.ConfigMap{}
	if err := r.Get(ctx, ClusterInfo, cm); err != nil {
		return Discovery{}, fmt.Errorf("reading %s for the join's API endpoint and CA hash (or configure both): %w",
			ClusterInfo, err)
	}
	found, err := fromKubeconfig(cm.Data[bootstrapapi.KubeConfigKey])
	if err != nil {
		return Discovery{}, fmt.Errorf("%s: %w", ClusterInfo, err)
	}
	if configured.APIServerEndpoint != "" {
		found.APIServerEndpoint = configured.APIServerEndpoint
	}
	if configured.CACertHash != "" {
		found.CACertHash = configured.CACertHash
	}
	return found, nil
}

// fromKubeconfig reads the first cluster of a kubeconfig.
func fromKubeconfig(text string) (Discovery, error) {
	if text == "" {
		return Discovery{}, fmt.Errorf("no key %q", bootstrapapi.KubeConfigKey)
	}
	cfg, err := clientcmd.Load([]byte(text))
	if err != nil {
		return Discovery{}, fmt.Errorf("parsing its kubeconfig: %w", err)
	}
	for _, c := range cfg.Clusters {
		u, err := url.Parse(c.Server)
		if err != nil || u.Host == "" {
			return Discovery{}, fmt.Errorf("its kubeconfig's server %q is not a URL with a host", c.Server)
		}
		hash, err := CACertHash(c.CertificateAuthorityData)
		if err != nil {
			return Discovery{}, err
		}
		return Discovery{APIServerEndpoint: u.Host, CACertHash: hash}, nil
	}
	return Discovery{}, fmt.Errorf("its kubeconfig names no cluster")
}

// CACertHash is kubeadm's --discovery-token-ca-cert-hash of a PEM CA certificate: the
// SHA-256 of its DER-encoded SubjectPublicKeyInfo.
func CACertHash(caPEM []byte) (string, error) {
	block, _ := pem.Decode(caPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return "", fmt.Errorf("the cluster's certificate-authority-data is not a PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", fmt.Errorf("parsing the cluster's CA certificate: %w", err)
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}
