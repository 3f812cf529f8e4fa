package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// TestNoSecretInLogsEventsStatusMetricsOrHistories runs the autoscaler binary at debug level with known VPSie
// credentials and the default joinMode (perNodeToken), drives one ScaleUp (whose create activity issues the node
// its own bootstrap token and renders it into the new VPS's user data, where the test reads it back) and then gathers what the run left behind: the process's log, every Event in the cluster, the NodeGroup
// and VPSieNode objects (status included), the /metrics output, and every Temporal workflow history in the
// namespace (each event in its wire encoding, so payloads are searched as the bytes they are, plus its JSON).
// None may contain the client secret, an access token the simulator issued, or the join token (whole or its
// secret half), in plain text or base64.
//
// Excluded, on purpose: the simulator's own state (its VMs keep the user data they were given, as a real VPS does,
// and its token table is where the tokens come from) and the Kubernetes Secrets the values were read from.
func TestNoSecretInLogsEventsStatusMetricsOrHistories(t *testing.T) {
	env := needKube(t)
	ctx := context.Background()
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay = 0, time.Second
	simCfg.ClientSecret = "client-secret-" + randomHex(t, 12)
	simCfg.StatePath = filepath.Join(t.TempDir(), "sim-state.json") // only to read back the tokens it issued
	h := newProcessHarness(t, simCfg)

	p := h.start(t, "nosecret", "--logging.level=debug", "--controller.graceful-shutdown-timeout=6s")
	eventually(t, "lease held", func() error { return leaseHolder(ctx, h.ns, h.leaseID, true) })
	ng := validNodeGroup(h.ns, "g")
	ng.Spec.DatacenterID, ng.Spec.OfferingIDs, ng.Spec.OSImageID = "ams1", []string{"std-2c-4g"}, "ubuntu-24.04-x64"
	if err := env.Client.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { purgeAutoscalerObjects(t, h.ns) })
	var joinToken, tokenSecret string
	eventuallyWithin(t, 2*time.Minute, "a VPS made by scale-up with its own join token in its user data", func() error {
		for _, vm := range h.sim.Snapshot().VMs {
			if m := regexp.MustCompile(`--token ([a-z0-9]{6})\.([a-z0-9]{16})`).FindStringSubmatch(vm.UserData); m != nil {
				joinToken, tokenSecret = m[1]+"."+m[2], m[2]
				return nil
			}
		}
		return fmt.Errorf("no VPS with a join token yet; %d VMs", len(h.sim.Snapshot().VMs))
	})
	eventually(t, "the VPSieNode's status written", func() error {
		var vns v1alpha1.VPSieNodeList
		if err := env.Client.List(ctx, &vns, client.InNamespace(h.ns)); err != nil {
			return err
		}
		for _, vn := range vns.Items {
			if vn.Status.VPSID != "" {
				return nil
			}
		}
		return fmt.Errorf("no VPSieNode with a VPS ID among %d", len(vns.Items))
	})

	captured := map[string][]byte{}
	metrics, err := httpGet("http://" + p.Metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	captured["metrics"] = []byte(metrics)
	var events corev1.EventList
	if err := env.Client.List(ctx, &events); err != nil {
		t.Fatal(err)
	}
	captured["events"] = marshalJSON(t, events)
	var ngs v1alpha1.NodeGroupList
	var vns v1alpha1.VPSieNodeList
	if err := env.Client.List(ctx, &ngs, client.InNamespace(h.ns)); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.List(ctx, &vns, client.InNamespace(h.ns)); err != nil {
		t.Fatal(err)
	}
	captured["nodegroups"], captured["vpsienodes"] = marshalJSON(t, ngs), marshalJSON(t, vns)
	histories, nEvents := gatherHistories(ctx, t, h)
	for id, b := range histories {
		captured["history "+id] = b
	}
	// The log last: SIGTERM, so the shutdown is logged too.
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if done, _ := p.WaitExit(45 * time.Second); !done {
		t.Fatal("the autoscaler did not exit after SIGTERM")
	}
	logData, err := os.ReadFile(p.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	captured["autoscaler log"] = logData

	needles := map[string]string{"the VPSie client secret": simCfg.ClientSecret, "the join token": joinToken,
		"the join token's secret half": tokenSecret}
	for i, tok := range issuedTokens(t, h.sim, simCfg.StatePath) {
		needles[fmt.Sprintf("access token %d issued by the simulator", i+1)] = tok
	}
	if len(needles) < 4 {
		t.Fatalf("the simulator issued no access token (%d needles): the search would miss them", len(needles))
	}
	found := 0
	for where, data := range captured {
		for what, secret := range needles {
			for _, form := range searchForms([]byte(secret)) {
				if i := bytes.Index(data, form); i >= 0 {
					found++
					t.Errorf("%s found in %s: …%s…", what, where, excerpt(data, i, len(form)))
				}
			}
		}
	}
	total := 0
	for _, b := range captured {
		total += len(b)
	}
	t.Logf("searched %d needles (plain and base64) in %d KiB: log %d lines, %d events, %d NodeGroups, %d VPSieNodes, "+
		"metrics %d KiB, %d workflow histories with %d events; found %d",
		len(needles), total/1024, bytes.Count(logData, []byte("\n")), len(events.Items), len(ngs.Items), len(vns.Items),
		len(metrics)/1024, len(histories), nEvents, found)
	// The search is only worth something if the values were really used: the same search finds the join token in
	// the simulator's state (excluded above: the VPS's user data), and the client secret in the credentials file.
	simState, err := os.ReadFile(simCfg.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	for what, pair := range map[string][2][]byte{"the join token in the simulator's VM user data": {simState, []byte(joinToken)},
		"the client secret in the credentials file": {readFile(t, h.creds), []byte(simCfg.ClientSecret)}} {
		if !containsPlainOrBase64(pair[0], pair[1]) {
			t.Errorf("positive control: %s not found, so the search proves nothing", what)
		}
	}
	if !bytes.Contains(logData, []byte("ScaleUp")) && !bytes.Contains(logData, []byte("scale-up")) {
		t.Errorf("the log shows no scale-up: the run may not have rendered the join token")
	}
}

// gatherHistories reads every workflow execution of the harness's Temporal namespace: each history event's wire
// encoding (payload bytes as they are) followed by its JSON.
func gatherHistories(ctx context.Context, t *testing.T, h *processHarness) (map[string][]byte, int) {
	t.Helper()
	c := temporalClient(t, h)
	out := map[string][]byte{}
	n := 0
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: h.temporalNS,
			NextPageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.GetExecutions() {
			id, run := e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId()
			var buf bytes.Buffer
			for _, ev := range fetchTemporalHistory(ctx, t, c, id, run).GetEvents() {
				wire, err := proto.Marshal(ev)
				if err != nil {
					t.Fatal(err)
				}
				js, err := protojson.Marshal(ev)
				if err != nil {
					t.Fatal(err)
				}
				buf.Write(wire)
				buf.Write(js)
				n++
			}
			out[id+" "+run] = buf.Bytes()
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	if len(out) == 0 {
		t.Fatal("no workflow executions listed")
	}
	return out, n
}

// issuedTokens reads the simulator's saved state for the access tokens it issued.
func issuedTokens(t *testing.T, sim *vpsiesim.Simulator, path string) []string {
	t.Helper()
	if err := sim.Save(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Tokens map[string]time.Time `json:"tokens"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	var out []string
	for tok := range st.Tokens {
		out = append(out, tok)
	}
	return out
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", b)
}

func marshalJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// searchForms are a secret as it is and base64-encoded (as Kubernetes and protobuf JSON encode bytes).
func searchForms(secret []byte) [][]byte {
	return [][]byte{secret, []byte(base64.StdEncoding.EncodeToString(secret))}
}

func containsPlainOrBase64(data, secret []byte) bool {
	for _, form := range searchForms(secret) {
		if bytes.Contains(data, form) {
			return true
		}
	}
	return false
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func excerpt(data []byte, i, n int) string {
	from, to := max(0, i-60), min(len(data), i+n+60)
	return strings.ToValidUTF8(string(data[from:to]), "?")
}
