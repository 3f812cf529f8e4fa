package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

const exitCodes = `Exit codes:
  0  success
  1  any other error
  2  wrong flag, argument or manifest
  3  not found: the NodeGroup, pod or node (or no NodeGroup at all, or the CRDs)
  4  forbidden: RBAC denied a read or write, or the credentials were refused
  5  Temporal not reachable (a command that needs it)
  6  the Kubernetes API server not reachable`

// NewCommand is the root command `kubectl vpsie`.
func NewCommand(a *App) *cobra.Command {
	root := &cobra.Command{
		Use:         "kubectl-vpsie",
		Annotations: map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl vpsie"},
		Short:       "Explain, dry-run and drive the VPSie autoscaler",
		Long: `kubectl vpsie answers why a pod is pending, why a node stays, what the autoscaler will do
next, and drives rebalances. It runs the autoscaler's own planners on one read of the
cluster, so its answer is the controller's answer.

` + exitCodes,
		Example: `  kubectl vpsie get nodegroups -A
  kubectl vpsie explain pod web-7f9c -n shop
  kubectl vpsie explain node prod-general-1a2b3c4d-0
  kubectl vpsie plan general
  kubectl vpsie plan -f deploy.yaml
  kubectl vpsie rebalance pause general --temporal-address localhost:7233
  kubectl vpsie rebalance status general --watch`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return checkFormat(a.Output)
		},
	}
	root.SetIn(a.Streams.In)
	root.SetOut(a.Streams.Out)
	root.SetErr(a.Streams.ErrOut)
	fs := root.PersistentFlags()
	a.Kube.AddFlags(fs)
	fs.StringVarP(&a.Output, "output", "o", a.Output, "output format: "+strings.Join(formats, "|"))
	fs.StringVar(&a.TemporalAddress, "temporal-address", a.TemporalAddress, "Temporal frontend host:port (env "+EnvTemporalAddress+")")
	fs.StringVar(&a.TemporalNamespace, "temporal-namespace", a.TemporalNamespace, "Temporal namespace (env "+EnvTemporalNamespace+")")
	fs.StringVar(&a.TemporalUI, "temporal-ui", a.TemporalUI, "Temporal Web UI base URL, for links (env "+EnvTemporalUI+")")
	fs.StringVar(&a.Cluster, "vpsie-cluster", a.Cluster, "the autoscaler's clusterName, which names its Catalogue workflow (env "+EnvCluster+")")
	fs.StringVar(&a.CatalogueFile, "catalogue", a.CatalogueFile, "VPSie catalogue as JSON instead of the Catalogue workflow's last result (env "+EnvCatalogue+")")
	fs.StringVar(&a.Color, "color", a.Color, "colour: auto (only on a terminal, not with NO_COLOR), always, never")
	_ = root.RegisterFlagCompletionFunc("output", fixed(formats...))
	_ = root.RegisterFlagCompletionFunc("color", fixed("auto", "always", "never"))
	root.AddCommand(getCommand(a), costCommand(a), explainCommand(a), planCommand(a), rebalanceCommand(a), runsCommand(a))
	return root
}

func fixed(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeGroups completes NodeGroup names of the namespace.
func completeGroups(a *App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		v, err := a.view(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []string
		for _, g := range v.NodeGroups {
			if g.Namespace == a.namespace() {
				out = append(out, g.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func addAllNamespaces(a *App, cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&a.AllNamespaces, "all-namespaces", "A", false, "every namespace")
}

func getCommand(a *App) *cobra.Command {
	get := &cobra.Command{Use: "get", Short: "List the autoscaler's objects"}
	ng := &cobra.Command{
		Use:     "nodegroups",
		Aliases: []string{"nodegroup", "ng"},
		Short:   "NodeGroups: min, desired, current, ready, in flight, mode, monthly cost, state",
		Example: "  kubectl vpsie get nodegroups -A\n  kubectl vpsie get ng -n prod -o wide",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.runGetNodeGroups(cmd.Context()) },
	}
	addAllNamespaces(a, ng)
	get.AddCommand(ng)
	return get
}

func costCommand(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:     "cost",
		Short:   "Monthly cost per NodeGroup and offering, and what a rebalance could save",
		Example: "  kubectl vpsie cost -A\n  kubectl vpsie cost -n prod -o json",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.runCost(cmd.Context()) },
	}
	addAllNamespaces(a, c)
	return c
}

func explainCommand(a *App) *cobra.Command {
	ex := &cobra.Command{Use: "explain", Short: "Why a pod is pending, why a node stays"}
	ex.AddCommand(&cobra.Command{
		Use:   "pod NAME",
		Short: "Why the pod is pending, which NodeGroups could take it and which refuse and why, and what brings its node",
		Long: `Plans the cluster with the scale-up planner and reads its answer for the pod: the new nodes the
next scale-up buys for it, the booting node (and its ScaleUp run) that will take it, or why no
NodeGroup can. Every NodeGroup is also judged alone, with the planner's typed reason and numbers.`,
		Example: "  kubectl vpsie explain pod web-7f9c -n shop\n  kubectl vpsie explain pod batch-0 -o json",
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return a.runExplainPod(cmd.Context(), args[0]) },
	})
	ex.AddCommand(&cobra.Command{
		Use:   "node NAME",
		Short: "Whether scale-down would remove the node, every reason it stays, and what a rebalance would replace it with",
		Long: `Runs the scale-down planner and lists every check that keeps the node (PodDisruptionBudgets by
name, annotations, local storage, cooldowns, minNodes...), its load, the controller's last verdict,
and the rebalance analyzer's replacement and saving. The controller judges load over a window of
samples only it holds; the plugin judges the load now as if it had held for the window.`,
		Example: "  kubectl vpsie explain node prod-general-1a2b3c4d-0",
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return a.runExplainNode(cmd.Context(), args[0]) },
	})
	return ex
}

func planCommand(a *App) *cobra.Command {
	var manifest string
	c := &cobra.Command{
		Use:   "plan [NODEGROUP]",
		Short: "Dry run of scale-up, scale-down and rebalance on the live cluster; -f adds a manifest's workloads (what-if)",
		Long: `Runs the three planners on one read of the cluster, read-only: the nodes a scale-up would add, the
nodes a scale-down would drain, the rebalance candidates, with prices and reasons.

With -f, the Deployments, StatefulSets, Jobs and Pods of a manifest are added as pending pods
(their replicas), and the plan says what the autoscaler would buy for them, in which groups, at
what monthly cost, and which pods would still not fit and why, before anyone applies it.`,
		Example:           "  kubectl vpsie plan\n  kubectl vpsie plan general -n prod\n  kubectl vpsie plan -f deploy.yaml\n  helm template . | kubectl vpsie plan -f -",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeGroups(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			group := ""
			if len(args) == 1 {
				group = args[0]
			}
			return a.runPlan(cmd.Context(), group, manifest)
		},
	}
	c.Flags().StringVarP(&manifest, "filename", "f", "", "manifest to add as pending pods (what-if); - reads stdin")
	addAllNamespaces(a, c)
	return c
}

func rebalanceCommand(a *App) *cobra.Command {
	r := &cobra.Command{
		Use:   "rebalance",
		Short: "Start, pause, resume, roll back or cancel a NodeGroup's rebalance, or follow it",
		Long: `Signals go to the NodeGroup's Rebalance workflow through Temporal when the plugin can reach it
(--temporal-address or ` + EnvTemporalAddress + `), else through the NodeGroup's
autoscaler.vpsie.com/rebalance annotation, which the rebalance controller turns into the same
signal (start always uses it: the controller analyzes and starts the run; cancel needs Temporal).
The signal commands need patch on nodegroups (annotation) or a Temporal connection.`,
	}
	actions := make([]string, 0, len(rebalanceActions))
	for k := range rebalanceActions {
		actions = append(actions, k)
	}
	sort.Strings(actions)
	for _, act := range actions {
		r.AddCommand(&cobra.Command{
			Use:               act + " NODEGROUP",
			Short:             act + " the NodeGroup's rebalance",
			Example:           fmt.Sprintf("  kubectl vpsie rebalance %s general -n prod", act),
			Args:              cobra.ExactArgs(1),
			ValidArgsFunction: completeGroups(a),
			RunE: func(cmd *cobra.Command, args []string) error {
				return a.runRebalanceAction(cmd.Context(), act, args[0])
			},
		})
	}
	var watch bool
	var interval time.Duration
	st := &cobra.Command{
		Use:               "status NODEGROUP",
		Short:             "The rebalance's progress; --watch draws a progress bar per batch until the run ends",
		Example:           "  kubectl vpsie rebalance status general\n  kubectl vpsie rebalance status general --watch",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeGroups(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runRebalanceStatus(cmd.Context(), args[0], watch, interval)
		},
	}
	st.Flags().BoolVarP(&watch, "watch", "w", false, "follow the run until it ends")
	st.Flags().DurationVar(&interval, "interval", 2*time.Second, "poll interval of --watch")
	r.AddCommand(st)
	return r
}

func runsCommand(a *App) *cobra.Command {
	return &cobra.Command{
		Use:               "runs NODEGROUP",
		Short:             "The NodeGroup's Temporal runs (type, status, started, duration, failure) with Web UI links",
		Example:           "  kubectl vpsie runs general --temporal-address localhost:7233 --temporal-ui http://localhost:8233",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeGroups(a),
		RunE:              func(cmd *cobra.Command, args []string) error { return a.runRuns(cmd.Context(), args[0]) },
	}
}

// Run executes the command line and returns the exit code, printing an error with its
// hint to stderr.
func Run(ctx context.Context, a *App, args []string) int {
	cmd := NewCommand(a)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	a.closeTemporal()
	if err == nil {
		return ExitOK
	}
	e := Classify(err)
	if e.Code == ExitError && isUsage(err) {
		e = &Error{Code: ExitUsage, Err: err, Hint: "see --help"}
	}
	fmt.Fprintf(a.Streams.ErrOut, "%s %s\n", a.paint(red, "error:"), e.Error())
	return e.Code
}

// isUsage recognizes cobra's own argument and flag errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "flag needs an argument", "invalid argument"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return errors.Is(err, errUsage)
}

var errUsage = errors.New("usage")
