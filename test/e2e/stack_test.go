//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/server/temporaltest"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/testproc"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// stack is the whole product's surroundings, shared by the package's tests (which run
// one after another: each starts its own autoscaler, and two leaders would fight).
type stack struct {
	dir, kubeconfig, creds, repo string
	kube                         client.Client
	cs                           kubernetes.Interface
	temporal                     *temporaltest.TestServer
	sim                          *vpsiesim.Simulator
	simURL                       string
	buildOnce                    sync.Once
	bin                          string
}

var env *stack

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	repo := testenv.RepoRoot()
	if _, err := os.Stat(filepath.Join(repo, "bin", "k8s", "kwok")); err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "e2e: cluster binaries missing in CI (make cluster-binaries):", err)
			return 1
		}
		fmt.Fprintln(os.Stderr, "e2e: skipped, no cluster binaries (make cluster-binaries)")
		return 0
	}
	dir, err := os.MkdirTemp("", "vpsie-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	s, stop, err := startStack(repo, dir)
	defer stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	env = s
	return m.Run()
}

// startStack brings up the cluster, Temporal and the simulator; stop tears down what started.
func startStack(repo, dir string) (*stack, func(), error) {
	s := &stack{dir: dir, repo: repo, kubeconfig: filepath.Join(dir, "kubeconfig"), creds: filepath.Join(dir, "creds.yaml")}
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	clusterEnv := append(os.Environ(), "LOCAL_CLUSTER_STATE_DIR="+filepath.Join(dir, "cluster"),
		"LOCAL_CLUSTER_KUBECONFIG="+s.kubeconfig)
	for _, name := range []string{"ETCD", "ETCD_PEER", "APISERVER", "KCM", "SCHEDULER", "KWOK"} {
		addr, err := freeport.Addr()
		if err != nil {
			return nil, stop, err
		}
		clusterEnv = append(clusterEnv, "LOCAL_CLUSTER_"+name+"_PORT="+addr[strings.LastIndex(addr, ":")+1:])
	}
	script := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(repo, "hack", "local-cluster", name), args...)
		cmd.Env, cmd.Dir = clusterEnv, repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", name, err, out)
		}
		return nil
	}
	stops = append(stops, func() { _ = script("down.sh") })
	if err := script("up.sh", "--background"); err != nil {
		return nil, stop, err
	}
	if err := s.connect(); err != nil {
		return nil, stop, err
	}
	s.temporal = temporaltest.NewServer()
	stops = append(stops, s.temporal.Stop)
	simStop, err := s.startSimulator()
	stops = append(stops, simStop)
	if err != nil {
		return nil, stop, err
	}
	return s, stop, s.prepareCluster()
}

func (s *stack) connect() error {
	cfg, err := clientcmd.BuildConfigFromFlags("", s.kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 200, 400
	if s.kube, err = client.New(cfg, client.Options{Scheme: testenv.NewScheme()}); err != nil {
		return err
	}
	s.cs, err = kubernetes.NewForConfig(cfg)
	return err
}

// startSimulator serves vpsie-sim over plain HTTP on loopback; it registers each running
// VM's Node for kwok to play the kubelet, as a cloud's node would join.
func (s *stack) startSimulator() (func(), error) {
	cfg := vpsiesim.DefaultConfig()
	logFile, err := os.Create(filepath.Join(s.dir, "vpsie-sim.log"))
	if err != nil {
		return func() {}, err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logFile, nil))
	cfg.Kube, cfg.BootDelay, cfg.DeleteDelay = s.cs, time.Second, time.Second
	cfg.TickInterval, cfg.ListingLagLookups = 100*time.Millisecond, 1
	cfg.ManagedClusters = []vpsiesim.ManagedCluster{e2eManagedCluster}
	sim, err := vpsiesim.New(cfg)
	if err != nil {
		return func() {}, err
	}
	srv := httptest.NewServer(sim.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = sim.Run(ctx) }()
	s.sim, s.simURL = sim, srv.URL+vpsieapi.PrefixA
	creds := fmt.Sprintf("clientId: %s\nclientSecret: %q\n", cfg.ClientID, cfg.ClientSecret)
	return func() { cancel(); <-done; srv.Close(); _ = logFile.Close() }, os.WriteFile(s.creds, []byte(creds), 0o600)
}

// prepareCluster installs the CRDs, publishes kube-public/cluster-info as kubeadm does (new nodes read their join's
// endpoint and CA hash from it), and leaves the day-1 bootstrap token a kubeadm cluster has (DayOneToken): the
// product never uses it, each node gets its own.
func (s *stack) prepareCluster() error {
	kubectl := filepath.Join(s.repo, "bin", "k8s", "kubectl")
	for _, args := range [][]string{
		{"apply", "-f", filepath.Join(s.repo, "deploy", "crds")},
		{"wait", "--for", "condition=established", "--timeout=60s", "crd/nodegroups.autoscaler.vpsie.com",
			"crd/vpsienodes.autoscaler.vpsie.com"},
	} {
		if out, err := exec.Command(kubectl, append([]string{"--kubeconfig", s.kubeconfig}, args...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("kubectl %s: %w\n%s", args[0], err, out)
		}
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", s.kubeconfig)
	if err != nil {
		return err
	}
	if err := rest.LoadTLSFiles(cfg); err != nil {
		return err
	}
	ctx := context.Background()
	if err := testenv.PublishClusterInfo(ctx, s.kube, cfg); err != nil {
		return err
	}
	return s.kube.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system",
		Name: "bootstrap-token-" + dayOneTokenID}, Type: "bootstrap.kubernetes.io/token",
		StringData: map[string]string{"token-id": dayOneTokenID, "token-secret": "0123456789abcdef",
			"usage-bootstrap-authentication": "true", "usage-bootstrap-signing": "true",
			"auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token"}})
}

// dayOneTokenID is the token `kubeadm init` left behind (prepareCluster).
const dayOneTokenID = "abcdef"

// autoscaler starts the autoscaler binary against the stack; extra flags come last.
func (s *stack) autoscaler(t testing.TB, name string, flags ...string) *testproc.Process {
	t.Helper()
	s.buildOnce.Do(func() { s.bin = testproc.Build(t, s.repo, s.dir, testproc.Race) })
	if s.bin == "" {
		t.Fatal("the autoscaler did not build")
	}
	args := append([]string{
		"--controller.kubeconfig=" + s.kubeconfig, "--controller.namespace=kube-system",
		"--controller.leader-election-id=e2e", "--controller.cluster-name=e2e",
		"--controller.lease-duration=6s", "--controller.renew-deadline=4s", "--controller.retry-period=1s",
		"--temporal.address=" + s.temporal.GetFrontendHostPort(), "--temporal.namespace=" + s.temporal.GetDefaultNamespace(),
		"--temporal.task-queue=e2e", "--temporal.identity=" + name,
		"--vpsie.base-url=" + s.simURL, "--vpsie.allow-insecure-http", "--vpsie.credentials.file=" + s.creds,
		"--vpsie.listing-lag=2s", "--logging.format=text",
		"--scale-up.batch-idle=1s", "--scale-up.batch-max=5s", "--scale-up.resync-period=5s",
		"--scale-up.boot-timeout=2m", "--scale-up.join-timeout=2m", "--scale-up.ready-timeout=2m",
	}, flags...)
	return testproc.Start(t, testproc.Spec{Name: name, Bin: s.bin, LogDir: s.dir, Args: args})
}

// eventually polls cond every half second until it holds or limit passes. A wait that took
// more than half its limit is logged ("slow wait"), so a CI log shows the near misses.
func eventually(t testing.TB, limit time.Duration, what string, cond func() error) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(limit)
	for {
		err := cond()
		if err == nil {
			if took := time.Since(start); took > limit/2 {
				t.Logf("slow wait: %s held after %s of its %s", what, took.Round(100*time.Millisecond), limit)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true after %s: %v", what, limit, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
