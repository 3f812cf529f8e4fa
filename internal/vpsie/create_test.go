package vpsie_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

// CreateVM is one POST whatever happens: finding out whether an ambiguous create took effect is the caller's job.
func TestCreateVMSendsOnePOSTAndNothingElse(t *testing.T) {
	tests := []struct {
		name         string
		sim          func(*vpsiesim.Config)
		wantKind     vpsie.Kind // KindUnknown: success
		wantCreated  int        // VMs the simulator made
		wantIdentity bool
	}{
		{name: "accepted", wantCreated: 1, wantIdentity: true},
		{name: "answer lost after the VM was made: retryable error",
			sim:      faultAll(vpsiesim.OpCreateVM, vpsiesim.EndpointFaults{LostResponseRate: 1}),
			wantKind: vpsie.KindTransient, wantCreated: 1},
		{name: "server error: retryable error",
			sim:      faultAll(vpsiesim.OpCreateVM, vpsiesim.EndpointFaults{ErrorRate: 1}),
			wantKind: vpsie.KindTransient},
		{name: "throttled: retryable error",
			sim:      faultAll(vpsiesim.OpCreateVM, vpsiesim.EndpointFaults{RateLimitRate: 1}),
			wantKind: vpsie.KindRateLimited},
		{name: "full datacenter: capacity exhausted",
			sim:      func(c *vpsiesim.Config) { c.Capacity = map[string]vpsiesim.Capacity{"tor1": {CPUs: 1}} },
			wantKind: vpsie.KindCapacityExhausted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inEachShape(t, envConfig{sim: tt.sim}, func(t *testing.T, e *env) {
				vm, err := e.client.CreateVM(e.ctx(), createRequest("one-1"))
				e.check(err)
				if got := vpsie.KindOf(err); got != tt.wantKind || (err == nil) != (tt.wantKind == vpsie.KindUnknown) {
					t.Fatalf("err = %v (kind %v), want kind %v", err, got, tt.wantKind)
				}
				if tt.wantIdentity && (vm.Identifier == "" || vm.Hostname != "one-1") {
					t.Fatalf("vm = %+v, want the created VM", vm)
				}
				assertOnlyRequests(t, e, vpsiesim.OpCreateVM, 1)
				if n := e.sim.Snapshot().Creates("one-1"); n != tt.wantCreated {
					t.Fatalf("%d VMs made, want %d", n, tt.wantCreated)
				}
			})
		})
	}
}

// assertOnlyRequests: besides logins, the env's simulator saw exactly n requests, all of op.
func assertOnlyRequests(t *testing.T, e *env, op string, n int) {
	t.Helper()
	got := 0
	for _, c := range e.sim.Snapshot().Calls {
		switch c.Op {
		case vpsiesim.OpLogin:
		case op:
			got++
		default:
			t.Fatalf("unexpected %s request (status %d)", c.Op, c.Status)
		}
	}
	if got != n {
		t.Fatalf("%d %s requests, want %d", got, op, n)
	}
}

func TestCreateVMRefusesIncompleteRequestsWithoutSending(t *testing.T) {
	e := newEnv(t, envConfig{shape: vpsie.ShapeA})
	req := createRequest("inc-1")
	req.ImageID = ""
	_, err := e.client.CreateVM(e.ctx(), req)
	if !errors.Is(e.check(err), vpsie.ErrInvalidRequest) {
		t.Fatalf("err = %v, want invalid request", err)
	}
	if n := len(e.sim.Snapshot().Calls); n != 0 {
		t.Fatalf("%d requests sent, want none", n)
	}
}

// answerCreatesWithoutVM lets the simulator make the VM but answers like shape B's create: accepted, no VM.
func answerCreatesWithoutVM(posts *atomic.Int32) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || !isVMCollection(r.URL.Path) {
				next.ServeHTTP(w, r)
				return
			}
			posts.Add(1)
			next.ServeHTTP(discard{header: http.Header{}}, r)
			_, _ = w.Write([]byte(`{"error":false,"code":200,"message":"created"}`))
		})
	}
}

func isVMCollection(path string) bool {
	return path == vmsPath(vpsie.ShapeA) || path == vmsPath(vpsie.ShapeB)
}

type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

func TestCreateAcceptedWithoutAVMReturnsTheHostnameOnly(t *testing.T) {
	var posts atomic.Int32
	inEachShape(t, envConfig{wrap: answerCreatesWithoutVM(&posts)}, func(t *testing.T, e *env) {
		posts.Store(0)
		vm, err := e.client.CreateVM(e.ctx(), createRequest("noid-1"))
		e.must(err)
		if vm.Hostname != "noid-1" || vm.Identifier != "" || vm.ID != 0 {
			t.Fatalf("vm = %+v, want only the hostname: the caller finds the VM by it", vm)
		}
		if posts.Load() != 1 || e.sim.Snapshot().Creates("noid-1") != 1 {
			t.Fatalf("%d POSTs, %d VMs made; want 1 and 1", posts.Load(), e.sim.Snapshot().Creates("noid-1"))
		}
		assertOnlyRequests(t, e, vpsiesim.OpCreateVM, 1)
	})
}
