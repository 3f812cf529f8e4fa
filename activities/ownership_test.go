package activities_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestInspectVPSJudgesTheRecordedVPS(t *testing.T) {
	otherUID := contract.Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-2"}
	otherCluster := contract.Owner{Cluster: "c2", Namespace: "ns", Name: "vn-1", UID: "uid-1"}
	tests := []struct {
		name     string
		hostname string
		tags     []string
		want     contract.Verdict
	}{
		{name: "our tags and hostname: ours", hostname: "host-1", tags: append(owner.Tags(), "env:prod"), want: contract.VerdictOwned},
		{name: "our tags without a uid (before uids): ours", hostname: "host-1", tags: owner.Tags()[:2], want: contract.VerdictOwned},
		{name: "a later object's uid: foreign", hostname: "host-1", tags: otherUID.Tags(), want: contract.VerdictForeign},
		{name: "another cluster's: foreign", hostname: "host-1", tags: otherCluster.Tags(), want: contract.VerdictForeign},
		{name: "none of our tags, our hostname: untagged (deleted and reported)", hostname: "host-1", tags: []string{"env:prod"},
			want: contract.VerdictUntagged},
		{name: "a status pointing at another vps of the account: foreign", hostname: "db-primary", tags: []string{"env:prod"},
			want: contract.VerdictForeign},
		{name: "our tags on another hostname: foreign", hostname: "db-primary", tags: owner.Tags(), want: contract.VerdictForeign},
	}
	for _, shape := range shapes {
		for _, tt := range tests {
			t.Run(shape.String()+"/"+tt.name, func(t *testing.T) {
				a := simulatedVPSie(t, shape, nil)
				id := a.post(tt.hostname, tt.tags)
				got, err := run[contract.JudgedVPS](t, &activities.VPSie{API: a.api}, contract.InspectVPSActivity,
					contract.InspectVPSInput{VPSID: id, Hostname: "host-1", Owner: owner})
				if err != nil {
					t.Fatal(err)
				}
				if got.Verdict != tt.want || got.VPSID != id {
					t.Fatalf("verdict = %s (%s) for %s, want %s", got.Verdict, got.Why, got.VPSID, tt.want)
				}
			})
		}
	}
}

func TestInspectVPSOfAVPSThatIsGone(t *testing.T) {
	a := simulatedVPSie(t, 0, nil)
	got, err := run[contract.JudgedVPS](t, &activities.VPSie{API: a.api}, contract.InspectVPSActivity,
		contract.InspectVPSInput{VPSID: "no-such-vps", Hostname: "host-1", Owner: owner})
	if err != nil || got.Verdict != contract.VerdictGone {
		t.Fatalf("inspect of a missing vps = %+v, %v; want Gone", got, err)
	}
}

// Shape B's listings carry no tags, so ownership is read from each VM's detail.
func TestFindOwnedVPSJudgesEveryVPSOfTheHostname(t *testing.T) {
	for _, shape := range shapes {
		t.Run(shape.String(), func(t *testing.T) {
			a := simulatedVPSie(t, shape, nil)
			ours := a.post("host-1", owner.Tags())
			dup := a.post("host-1", owner.Tags())
			foreign := a.post("host-1", []string{"env:prod"})
			a.post("host-2", owner.Tags())
			got, err := run[contract.FindOwnedVPSResult](t, &activities.VPSie{API: a.api}, contract.FindOwnedVPSActivity,
				contract.FindOwnedVPSInput{Hostname: "host-1", Owner: owner})
			if err != nil {
				t.Fatal(err)
			}
			if ids := idsOf(got.Owned); len(ids) != 2 || !ids[ours] || !ids[dup] {
				t.Errorf("owned = %+v, want %s and %s", got.Owned, ours, dup)
			}
			if len(got.LeftAlone) != 1 || got.LeftAlone[0].VPSID != foreign {
				t.Errorf("left alone = %+v, want %s", got.LeftAlone, foreign)
			}
		})
	}
}

func idsOf(js []contract.JudgedVPS) map[string]bool {
	out := map[string]bool{}
	for _, j := range js {
		out[j.VPSID] = true
	}
	return out
}

// Older payloads (the v2 DeleteVPS input with requireTags, or a v3 one with an owner but
// no verdict) decode without what the delete needs: they are refused before any call.
func TestDeleteOwnedVPSRefusesInputsThatDoNotProveOwnership(t *testing.T) {
	tests := []struct {
		name    string
		payload string
	}{
		{name: "v2: required tags, no owner", payload: `{"vpsID":"%s","hostname":"host-1","requireTags":["vpsie-autoscaler:cluster=c1"]}`},
		{name: "v3: owner, no verdict", payload: `{"vpsID":"%s","hostname":"host-1","owner":{"cluster":"c1","namespace":"ns","name":"vn-1"}}`},
		{name: "a verdict that is not deletable", payload: `{"vpsID":"%s","hostname":"host-1","verdict":"Foreign","owner":{"cluster":"c1","namespace":"ns","name":"vn-1"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := simulatedVPSie(t, 0, nil)
			id := a.post("host-1", []string{"env:prod"})
			var in contract.DeleteOwnedVPSInput
			if err := json.Unmarshal([]byte(fmt.Sprintf(tt.payload, id)), &in); err != nil {
				t.Fatal(err)
			}
			_, err := run[struct{}](t, &activities.VPSie{API: a.api}, contract.DeleteOwnedVPSActivity, in)
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != contract.ErrInvalidInput {
				t.Fatalf("error = %v, want a non-retryable %s", err, contract.ErrInvalidInput)
			}
			if n := a.sim.Snapshot().CallCount(vpsiesim.OpDeleteVM); n != 0 {
				t.Fatalf("%d delete calls reached the api, want none", n)
			}
		})
	}
}

func TestDeleteOwnedVPSDeletesAndAVPSAlreadyGoneIsSuccess(t *testing.T) {
	a := simulatedVPSie(t, 0, nil)
	id := a.post("host-1", owner.Tags())
	v := &activities.VPSie{API: a.api}
	in := contract.DeleteOwnedVPSInput{VPSID: id, Hostname: "host-1", Owner: owner, Verdict: contract.VerdictOwned}
	for range 2 {
		if _, err := run[struct{}](t, v, contract.DeleteOwnedVPSActivity, in); err != nil {
			t.Fatal(err)
		}
	}
	st, err := run[contract.VPSState](t, v, contract.GetVPSStateActivity, contract.GetVPSStateInput{VPSID: id})
	if err != nil || st.Status != "deleting" && st.Found {
		t.Fatalf("state after delete = %+v, %v; want deleting or gone", st, err)
	}
}
