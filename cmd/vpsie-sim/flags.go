package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// options are the command's flags; everything the simulator can be told has one.
type options struct {
	listen, adminListen                  string
	tlsCert, tlsKey, tlsCAOut, tlsHost   string
	tlsSelfSigned                        bool
	capacity, catalogue, faults, managed string
	staticTokens, kubeconfig             string
	kubeQPS, kubeBurst                   int
	logLevel, logFormat                  string
	cfg                                  vpsiesim.Config
}

// parseFlags parses args; usage and parse errors go to output.
func parseFlags(args []string, output io.Writer) (*options, error) {
	o := &options{cfg: vpsiesim.DefaultConfig()}
	c := &o.cfg
	fs := flag.NewFlagSet("vpsie-sim", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8444", "API address (both shapes; also /admin unless --admin-listen)")
	fs.StringVar(&o.adminListen, "admin-listen", "", "serve /admin on this separate plain-HTTP address instead")
	fs.StringVar(&c.AdminToken, "admin-token", "", "require this X-Admin-Token on /admin endpoints")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serving certificate (PEM); with --tls-key")
	fs.StringVar(&o.tlsKey, "tls-key", "", "serving key (PEM)")
	fs.BoolVar(&o.tlsSelfSigned, "tls-self-signed", false, "serve HTTPS with a fresh CA written to --tls-ca-out")
	fs.StringVar(&o.tlsCAOut, "tls-ca-out", "vpsie-sim-ca.pem", "where --tls-self-signed writes its CA certificate")
	fs.StringVar(&o.tlsHost, "tls-hosts", "127.0.0.1,localhost,::1", "names and IPs of the self-signed certificate")
	fs.StringVar(&c.ClientID, "client-id", c.ClientID, "the client id login accepts")
	// No default value here: the flag package prints defaults in its usage, which would leak the secret.
	builtinSecret := c.ClientSecret
	fs.StringVar(&c.ClientSecret, "client-secret", "",
		"the client secret login accepts (default $"+envClientSecret+", else the built-in secret)")
	fs.StringVar(&o.staticTokens, "static-tokens", "", "comma-separated tokens accepted without login")
	fs.DurationVar(&c.TokenTTL, "token-ttl", c.TokenTTL, "access token lifetime")
	fs.DurationVar(&c.BootDelay, "boot-delay", c.BootDelay, "time a VM stays creating")
	fs.DurationVar(&c.DeleteDelay, "delete-delay", c.DeleteDelay, "time a VM stays deleting")
	fs.DurationVar(&c.InterruptionNotice, "interruption-notice", c.InterruptionNotice, "spot interruption notice")
	fs.DurationVar(&c.ListingLag, "listing-lag", c.ListingLag,
		"a new VM shows in VM listings only this long after its creation (GET by id is never lagged)")
	fs.IntVar(&c.ListingLagLookups, "listing-lag-lookups", c.ListingLagLookups,
		"a new VM shows in VM listings only after this many more VM list requests")
	fs.IntVar(&c.PageSize, "page-size", c.PageSize, "items per list page (shape A per_page, shape B limit cap); 0 = 25")
	fs.DurationVar(&c.DeletedRetention, "deleted-retention", c.DeletedRetention,
		"how long a deleted VM stays listed in state deleted")
	fs.BoolVar(&c.RemoveNodes, "remove-nodes", c.RemoveNodes,
		"delete a gone VM's Node like a cloud-controller-manager (default: the Node goes NotReady and stays)")
	fs.StringVar(&o.capacity, "capacity", "", "per-datacenter limits dc=vms[:cpus],... (replaces the defaults)")
	fs.StringVar(&o.catalogue, "catalogue", "", "JSON file with datacenters, offerings and images")
	fs.StringVar(&o.faults, "faults", "", "JSON file with the initial faults (see docs/development/vpsie-sim.md)")
	fs.StringVar(&o.managed, "managed-clusters", "", "JSON file with the VPSie managed Kubernetes clusters to serve (see docs/development/vpsie-sim.md)")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seed of the fault RNG")
	fs.DurationVar(&c.MaxHang, "max-hang", c.MaxHang, "longest an injected hang lasts")
	fs.StringVar(&c.StatePath, "state", "", "JSON file to load state from and save it to")
	fs.DurationVar(&c.SaveInterval, "save-interval", c.SaveInterval, "how often changed state is saved")
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "register Nodes for running VMs in this cluster")
	fs.IntVar(&o.kubeQPS, "kube-qps", 200, "sustained requests per second of the Kubernetes client (client-go's own 5 would pace Node registration)")
	fs.IntVar(&o.kubeBurst, "kube-burst", 300, "requests the Kubernetes client may send at once above --kube-qps")
	fs.DurationVar(&c.NodeSyncInterval, "node-sync-interval", c.NodeSyncInterval, "Node reconcile period")
	fs.DurationVar(&c.Kubelet.ReadyDelay, "node-ready-delay", c.Kubelet.ReadyDelay,
		"how long a new Node stays NotReady (with the not-ready taint) before it goes Ready and kwok takes it over")
	fs.BoolVar(&c.Kubelet.LenientVMLabels, "lenient-vm-labels", false,
		"LENIENT: also label Nodes from the VM (zone, region, instance type, key=value tags), which no real kubelet does")
	fs.BoolVar(&c.Kubelet.LenientProviderID, "lenient-provider-id", false,
		"LENIENT: give a Node whose user data has no --provider-id the provider ID vpsie://<VM id>")
	fs.StringVar(&c.Kubelet.LenientKubeletVersion, "lenient-kubelet-version", "",
		"LENIENT: the kubelet version the image carries; VMs whose user data installs no kubelet register with it "+
			"(default: they never become Nodes)")
	fs.BoolVar(&c.Kubelet.LenientJoinToken, "lenient-join-token", false,
		"LENIENT: register a VM's Node without checking that its kubeadm join names an existing, unexpired bootstrap "+
			"token Secret in kube-system (default: checked, as the API server's bootstrap authenticator does)")
	fs.DurationVar(&c.TickInterval, "tick", c.TickInterval, "lifecycle loop period")
	fs.IntVar(&c.MaxCalls, "max-calls", c.MaxCalls, "API calls kept in /admin/state")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug|info|warn|error")
	fs.StringVar(&o.logFormat, "log-format", "text", "text|json")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if !isSet(fs, "client-secret") {
		c.ClientSecret = envOr(envClientSecret, builtinSecret)
	}
	return o, o.complete()
}

// envClientSecret is read when --client-secret is not given, so the secret need not appear in the process list.
const envClientSecret = "VPSIE_SIM_CLIENT_SECRET"

// isSet reports whether the flag name was given on the command line (even as an empty value).
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// complete turns file and list flags into Config fields.
func (o *options) complete() error {
	c := &o.cfg
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	hopts := &slog.HandlerOptions{Level: level}
	c.Logger = slog.New(slog.NewTextHandler(os.Stderr, hopts))
	if o.logFormat == "json" {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, hopts))
	}
	if o.catalogue != "" {
		if err := vpsiesim.LoadJSON(o.catalogue, &c.Catalogue); err != nil {
			return fmt.Errorf("--catalogue: %w", err)
		}
		c.Capacity = nil // default limits name the default datacenters
	}
	if o.capacity != "" {
		capacity, err := vpsiesim.ParseCapacity(o.capacity)
		if err != nil {
			return fmt.Errorf("--capacity: %w", err)
		}
		c.Capacity = capacity
	}
	if o.faults != "" {
		if err := vpsiesim.LoadJSON(o.faults, &c.Faults); err != nil {
			return fmt.Errorf("--faults: %w", err)
		}
	}
	if o.managed != "" {
		if err := vpsiesim.LoadJSON(o.managed, &c.ManagedClusters); err != nil {
			return fmt.Errorf("--managed-clusters: %w", err)
		}
	}
	if o.staticTokens != "" {
		c.StaticTokens = strings.Split(o.staticTokens, ",")
	}
	if (o.tlsCert == "") != (o.tlsKey == "") || (o.tlsCert != "" && o.tlsSelfSigned) {
		return fmt.Errorf("use --tls-cert with --tls-key, or --tls-self-signed, not both")
	}
	if o.kubeconfig != "" {
		rest, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
		if err != nil {
			return fmt.Errorf("--kubeconfig: %w", err)
		}
		if o.kubeQPS < 1 || o.kubeBurst < o.kubeQPS {
			return fmt.Errorf("--kube-qps must be at least 1 and --kube-burst at least --kube-qps, got %d and %d", o.kubeQPS, o.kubeBurst)
		}
		rest.QPS, rest.Burst = float32(o.kubeQPS), o.kubeBurst
		if c.Kube, err = kubernetes.NewForConfig(rest); err != nil {
			return fmt.Errorf("kubernetes client: %w", err)
		}
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// shutdownGrace bounds how long in-flight requests may take after SIGINT/SIGTERM.
const shutdownGrace = 10 * time.Second
