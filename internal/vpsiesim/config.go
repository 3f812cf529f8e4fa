package vpsiesim

import (
	"fmt"
	"log/slog"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"
)

// Config is everything the simulator can be told. DefaultConfig fills every field with a working value.
type Config struct {
	// ClientID and ClientSecret are the only credentials login accepts.
	ClientID     string
	ClientSecret string
	// StaticTokens never expire and need no login (the earlier autoscaler's "token" Secret key).
	StaticTokens []string
	// TokenTTL is the access-token lifetime; Faults.TokenTTL overrides it at run time.
	TokenTTL time.Duration

	Catalogue Catalogue
	// ManagedClusters are the VPSie managed Kubernetes clusters served (k8s.go); none by default.
	ManagedClusters []ManagedCluster
	// ManagedAddAnswersTrue makes every add-worker answer "data": true instead of naming the worker, as the real
	// API sometimes does; the worker is then only found through the cluster info.
	ManagedAddAnswersTrue bool
	// Capacity limits live VMs per datacenter id; a datacenter without an entry is unlimited.
	Capacity map[string]Capacity

	// BootDelay is how long a VM stays "creating"; DeleteDelay how long it stays "deleting".
	BootDelay   time.Duration
	DeleteDelay time.Duration
	// InterruptionNotice is how long a spot VM stays "interrupting" before it is deleted.
	InterruptionNotice time.Duration

	// Realism holds the knobs that copy the real API's inconvenient habits (listing lag, paging, deleted VMs
	// still listed, Nodes left behind); its fields are promoted: Config.ListingLag, Config.PageSize, ... (So are
	// its JSON methods: Config is not meant to be JSON-encoded.)
	Realism

	// Faults are active from the start; Seed seeds the RNG that decides which requests they hit, unless
	// Faults.Seed is non-zero, which wins as it does in SetFaults.
	Faults Faults
	Seed   int64
	// MaxHang bounds a hanging request if the client never gives up.
	MaxHang time.Duration

	// StatePath, if set, is the JSON file state is loaded from at New and saved to when it changes (at most every
	// SaveInterval) and when Run returns.
	StatePath    string
	SaveInterval time.Duration

	// Kube, if set, gets a Node for every running VM (the simulator plays the machine).
	Kube kubernetes.Interface
	// NodeSyncInterval is how often Nodes are reconciled even when nothing changed.
	NodeSyncInterval time.Duration
	// Kubelet is how the simulated kubelet registers a booted VM's Node.
	Kubelet KubeletOptions

	// MaxCalls bounds the call log kept for /admin/state (counts stay exact).
	MaxCalls int
	// TickInterval is how often Run advances the lifecycle.
	TickInterval time.Duration
	// AdminToken, if set, must be sent as "X-Admin-Token" to /admin endpoints.
	AdminToken string

	Clock  clock.WithTicker
	Logger *slog.Logger
}

// KubeletOptions is how the simulated kubelet behaves. The defaults are a real kubelet's: it registers only what the
// VM's user data gives it, NotReady first. Every Lenient* field copies a habit of the earlier, lenient simulator and
// is off by default: a test that passes only with one passes only because the world is lenient.
type KubeletOptions struct {
	// ReadyDelay is how long a new Node stays NotReady (Ready False, reason KubeletNotReady, tainted
	// node.kubernetes.io/not-ready:NoSchedule) before it goes Ready and kwok takes it over.
	ReadyDelay time.Duration
	// LenientVMLabels also labels the Node from the VM: zone, region and instance type from its datacenter and
	// offering, and every "key=value" VM tag. A real kubelet knows none of them unless --node-labels says so.
	LenientVMLabels bool
	// LenientProviderID gives a Node whose user data has no --provider-id the provider ID vpsie://<VM id>.
	LenientProviderID bool
	// LenientKubeletVersion, if set, is the kubelet the image carries: a VM whose user data installs none still
	// registers, with this version. Without it such a VM runs and never becomes a Node.
	LenientKubeletVersion string
	// LenientJoinToken registers a VM's Node without checking its `kubeadm join`. Strict (the default), the join's
	// --token must exist as a bootstrap token Secret in kube-system with the same secret, usable for authentication
	// and not expired when the VM boots, as the API server's bootstrap authenticator demands; otherwise no Node.
	LenientJoinToken bool
}

// DefaultReadyDelay is how long DefaultConfig's Nodes stay NotReady.
const DefaultReadyDelay = 3 * time.Second

// Capacity is how much a datacenter can hold; zero means unlimited.
type Capacity struct {
	VMs  int `json:"vms"`
	CPUs int `json:"cpus"`
}

// Default credentials.
const (
	DefaultClientID     = "sim-client"
	DefaultClientSecret = "sim-secret"
)

// DefaultConfig returns a working configuration: default credentials and catalogue, 50 VMs / 400 vCPUs per
// datacenter, 5 s boots, 2 s deletions, 30 s spot notices, pages of 25, deleted VMs listed for 10 s, no listing
// lag, no faults, no persistence, no Kubernetes.
func DefaultConfig() Config {
	cat := DefaultCatalogue()
	capacity := map[string]Capacity{}
	for _, dc := range cat.Datacenters {
		capacity[dc.ID] = Capacity{VMs: 50, CPUs: 400}
	}
	return Config{
		ClientID: DefaultClientID, ClientSecret: DefaultClientSecret, TokenTTL: time.Hour,
		Catalogue: cat, Capacity: capacity,
		BootDelay: 5 * time.Second, DeleteDelay: 2 * time.Second, InterruptionNotice: 30 * time.Second,
		Seed: 1, MaxHang: 10 * time.Minute, SaveInterval: time.Second, NodeSyncInterval: 2 * time.Second,
		MaxCalls: 10000, TickInterval: 100 * time.Millisecond, Kubelet: KubeletOptions{ReadyDelay: DefaultReadyDelay},
		Clock: clock.RealClock{}, Logger: slog.Default(),

		Realism: Realism{PageSize: DefaultPageSize, DeletedRetention: DefaultDeletedRetention},
	}
}

func (c *Config) validate() error {
	if c.ClientID == "" || c.ClientSecret == "" {
		return fmt.Errorf("client id and secret are required")
	}
	if err := c.Catalogue.validate(); err != nil {
		return err
	}
	if err := c.validateManaged(); err != nil {
		return err
	}
	capacity, err := c.Catalogue.normalizeCapacity(c.Capacity)
	if err != nil {
		return err
	}
	c.Capacity = capacity
	if c.TokenTTL <= 0 || c.TickInterval <= 0 || c.SaveInterval <= 0 || c.NodeSyncInterval <= 0 {
		return fmt.Errorf("token TTL, tick, save and node sync intervals must be positive")
	}
	if c.BootDelay < 0 || c.DeleteDelay < 0 || c.InterruptionNotice < 0 || c.Kubelet.ReadyDelay < 0 {
		return fmt.Errorf("delays must not be negative")
	}
	if err := c.Realism.normalize(); err != nil {
		return err
	}
	if c.MaxHang <= 0 {
		c.MaxHang = 10 * time.Minute
	}
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c.Faults.validate()
}

// validateManaged refuses a managed cluster the API could not serve: one without an
// identifier, name or Kubernetes version, a group id given twice (workers are added by group
// id), or a group whose offering or datacenter the catalogue does not sell.
func (c *Config) validateManaged() error {
	groups := map[int64]bool{}
	for i, m := range c.ManagedClusters {
		if m.Identifier == "" || m.Name == "" || m.KubeVersion == "" {
			return fmt.Errorf("managed cluster %d: identifier, name and kube_version are required", i)
		}
		for _, g := range m.Groups {
			switch _, offering := c.Catalogue.offering(g.OfferingID); {
			case g.ID <= 0 || g.Name == "":
				return fmt.Errorf("managed cluster %s: every group needs a positive id and a name", m.Identifier)
			case groups[g.ID]:
				return fmt.Errorf("managed cluster %s: group id %d is used twice", m.Identifier, g.ID)
			case !offering:
				return fmt.Errorf("managed cluster %s, group %s: offering_id %q is not in the catalogue", m.Identifier, g.Name, g.OfferingID)
			}
			if _, ok := c.Catalogue.datacenter(g.DatacenterID); !ok {
				return fmt.Errorf("managed cluster %s, group %s: datacenter_id %q is not in the catalogue", m.Identifier, g.Name, g.DatacenterID)
			}
			groups[g.ID] = true
		}
	}
	return nil
}
