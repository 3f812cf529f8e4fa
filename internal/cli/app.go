package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/temporalclient"
)

// Environment variables the plugin reads when the flag is not given.
const (
	EnvTemporalAddress   = "VPSIE_TEMPORAL_ADDRESS"
	EnvTemporalNamespace = "VPSIE_TEMPORAL_NAMESPACE"
	EnvTemporalUI        = "VPSIE_TEMPORAL_UI"
	EnvCluster           = "VPSIE_CLUSTER"
	EnvCatalogue         = "VPSIE_CATALOGUE"
)

// App is one invocation: the streams, kubectl's flags, the plugin's own and how it reaches
// Kubernetes and Temporal. Tests replace NewClient and NewTemporal.
type App struct {
	Streams genericiooptions.IOStreams
	Kube    *genericclioptions.ConfigFlags

	Output            string
	AllNamespaces     bool
	TemporalAddress   string
	TemporalNamespace string
	TemporalUI        string
	Cluster           string
	CatalogueFile     string
	Color             string // auto, always, never

	// NewClient returns the Kubernetes client; nil builds one from Kube.
	NewClient func() (client.Client, error)
	// NewTemporal dials Temporal; nil uses temporalclient.Dial with the flags.
	NewTemporal func(ctx context.Context) (sdkclient.Client, error)
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Sleep waits between --watch polls; nil is time.Sleep honouring ctx.
	Sleep func(ctx context.Context, d time.Duration) error

	kube client.Client
	// tc and tcErr are the one Temporal dial of the invocation: a --watch polls without
	// dialling again, and an unreachable Temporal costs its timeout once.
	tc     sdkclient.Client
	tcErr  error
	dialed bool
}

// NewApp returns an App on the process's streams and environment.
func NewApp(in io.Reader, out, errOut io.Writer) *App {
	return &App{Streams: genericiooptions.IOStreams{In: in, Out: out, ErrOut: errOut},
		Kube: genericclioptions.NewConfigFlags(true), Output: "table", Color: "auto",
		TemporalAddress: os.Getenv(EnvTemporalAddress), TemporalNamespace: envOr(EnvTemporalNamespace, "default"),
		TemporalUI: os.Getenv(EnvTemporalUI), Cluster: envOr(EnvCluster, "vpsie"), CatalogueFile: os.Getenv(EnvCatalogue)}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func (a *App) client() (client.Client, error) {
	if a.kube != nil {
		return a.kube, nil
	}
	var err error
	if a.NewClient != nil {
		a.kube, err = a.NewClient()
		return a.kube, err
	}
	cfg, err := a.Kube.ToRESTConfig()
	if err != nil {
		return nil, usageError("reading the kubeconfig: %v", err)
	}
	a.kube, err = client.New(cfg, client.Options{Scheme: newScheme()})
	return a.kube, err
}

// namespace is -n, else the kubeconfig context's namespace, else default.
func (a *App) namespace() string {
	if a.Kube.Namespace != nil && *a.Kube.Namespace != "" {
		return *a.Kube.Namespace
	}
	ns, _, err := a.Kube.ToRawKubeConfigLoader().Namespace()
	if err != nil || ns == "" {
		return "default"
	}
	return ns
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *App) sleep(ctx context.Context, d time.Duration) error {
	if a.Sleep != nil {
		return a.Sleep(ctx, d)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// temporal is the invocation's Temporal client, dialled once; it fails fast with
// ExitTemporalUnreachable. Run closes it.
func (a *App) temporal(ctx context.Context) (sdkclient.Client, error) {
	if !a.dialed {
		a.tc, a.tcErr = a.dial(ctx)
		a.dialed = true
	}
	return a.tc, a.tcErr
}

// closeTemporal closes the client temporal dialled, if any.
func (a *App) closeTemporal() {
	if a.tc != nil {
		a.tc.Close()
	}
}

// quiet takes the Temporal client's and SDK's logs: a command's output is its answer, and
// what goes wrong reaches the user as the command's error.
var quiet = slog.New(slog.DiscardHandler)

func (a *App) dial(ctx context.Context) (sdkclient.Client, error) {
	if a.NewTemporal != nil {
		return a.NewTemporal(ctx)
	}
	if a.TemporalAddress == "" {
		return nil, temporalError("(no address)", fmt.Errorf("no --temporal-address given and %s is not set", EnvTemporalAddress))
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := temporalclient.Dial(ctx, temporalclient.Options{Address: a.TemporalAddress, Namespace: a.TemporalNamespace,
		Identity: "kubectl-vpsie@" + temporalclient.DefaultIdentity(), Logger: quiet})
	if err != nil {
		return nil, temporalError(a.TemporalAddress, err)
	}
	return c, nil
}

// webUI is the Temporal Web UI link of a workflow, or "" when no UI address is known.
func (a *App) webUI(workflowID string) string {
	if a.TemporalUI == "" {
		return ""
	}
	return strings.TrimRight(a.TemporalUI, "/") + "/namespaces/" + a.TemporalNamespace + "/workflows/" + workflowID
}

// colored reports whether table output may use colour: asked for, or stdout a terminal and
// NO_COLOR unset.
func (a *App) colored() bool {
	switch a.Color {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := a.Streams.Out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
