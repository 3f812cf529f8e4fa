package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/clusterview"
	"github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
	"github.com/vpsie/vpsie-autoscaler/internal/planinput"
	"github.com/vpsie/vpsie-autoscaler/internal/utilization"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// clockOf is the App's clock as clusterview wants it.
type clockOf struct{ a *App }

func (c clockOf) Now() time.Time                  { return c.a.now() }
func (c clockOf) Since(t time.Time) time.Duration { return c.a.now().Sub(t) }

// view reads the cluster once, as the controllers do, with every optional list: one List
// of each kind through the API server.
func (a *App) view(ctx context.Context) (*clusterview.View, error) {
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	v, err := clusterview.Read(ctx, c, clusterview.Options{Clock: clockOf{a}, PDBs: true, Volumes: true, DaemonSets: true})
	if err != nil {
		return nil, fmt.Errorf("reading the cluster: %w", err)
	}
	return v, nil
}

// catalogue is the VPSie catalogue: the file of --catalogue, else the last result of the
// cluster's Catalogue workflow (what the controller plans with). Source says which; a
// catalogue that cannot be had is empty with the reason, and the callers say what that
// leaves out (prices, scale-up).
type catalogue struct {
	contract.Catalogue
	Source  string `json:"source"`
	Missing string `json:"missing,omitempty"`
}

func (a *App) catalogue(ctx context.Context) catalogue {
	if a.CatalogueFile != "" {
		b, err := os.ReadFile(a.CatalogueFile)
		var cat contract.Catalogue
		if err == nil {
			err = json.Unmarshal(b, &cat)
		}
		if err != nil {
			return catalogue{Source: a.CatalogueFile, Missing: fmt.Sprintf("reading --catalogue %s: %v", a.CatalogueFile, err)}
		}
		return catalogue{Catalogue: cat, Source: a.CatalogueFile}
	}
	id := contract.CatalogueWorkflowID(a.Cluster)
	tc, err := a.temporal(ctx)
	if err != nil {
		return catalogue{Missing: "no catalogue: Temporal is not reachable (pass --temporal-address, or --catalogue FILE)"}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var cat contract.Catalogue
	if err := tc.GetWorkflow(ctx, id, "").Get(ctx, &cat); err != nil {
		return catalogue{Source: "workflow " + id, Missing: fmt.Sprintf("no catalogue from workflow %s: %v (is --vpsie-cluster right?)", id, err)}
	}
	return catalogue{Catalogue: cat, Source: "workflow " + id}
}

// warn writes a warning to stderr.
func (a *App) warn(format string, args ...any) {
	fmt.Fprintf(a.Streams.ErrOut, a.paint(yellow, "warning:")+" "+format+"\n", args...)
}

func (c catalogue) price(offering string) (float64, bool) {
	for _, o := range c.Offerings {
		if o.ID == offering {
			return o.MonthlyPrice, true
		}
	}
	return 0, false
}

// estimatedUtilization is the scale-down planner's utilization input as far as the plugin
// can know it. The controller's verdicts come from a window of samples only it holds; the
// plugin takes the node's load now (requests of allocatable, as the controller samples it)
// as if it had held for the whole window. Detail says so.
func estimatedUtilization(v *clusterview.View, o scaledown.Options) map[string]scaledown.Utilization {
	out := map[string]scaledown.Utilization{}
	policies := planinput.Policies(v)
	for _, n := range v.Nodes {
		p, ok := policies[n.Name]
		if !ok {
			continue
		}
		s := utilization.NodeSample(n, v.PodsOn(n.Name), v.Now)
		store := utilization.NewStore(2, 0)
		window := max(p.Window, o.EmptyNodeDelay)
		early := s
		early.At = v.Now.Add(-window)
		store.Add(n.Name, early)
		store.Add(n.Name, s)
		below, why := store.Below(n.Name, planinput.Thresholds(p, false), v.Now)
		empty, _ := store.Empty(n.Name, o.EmptyNodeDelay, v.Now)
		out[n.Name] = scaledown.Utilization{Below: below, Empty: empty, Detail: why + " (now; the controller judges its " + p.Window.String() + " window)"}
	}
	return out
}
