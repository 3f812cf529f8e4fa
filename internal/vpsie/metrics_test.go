package vpsie_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
)

func TestMetricsUseRouteTemplatesAndKinds(t *testing.T) {
	inEachShape(t, envConfig{}, func(t *testing.T, e *env) {
		ctx := e.ctx()
		vm := createVM(t, e, createRequest("m-1"))
		_, err := e.client.GetVM(ctx, vm.Identifier)
		e.must(err)
		_, err = e.client.GetVM(ctx, "no-such-vm")
		e.check(err)
		e.must(e.client.DeleteVM(ctx, vm.Identifier))

		text, route := e.metricsText(), getRoute(e.opts.Shape)
		for _, want := range []string{
			`vpsie_autoscaler_vpsie_api_requests_total{code="200",endpoint="` + route + `",method="GET"} 1`,
			`vpsie_autoscaler_vpsie_api_requests_total{code="404",endpoint="` + route + `",method="GET"} 1`,
			`vpsie_autoscaler_vpsie_api_request_duration_seconds_count{endpoint="` + route + `",method="GET"} 2`,
			`vpsie_autoscaler_vpsie_api_errors_total{kind="not_found"} 1`,
			`vpsie_autoscaler_vpsie_api_circuit_breaker_state 0`,
			`vpsie_autoscaler_vpsie_api_rate_limited_total `,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		// No label value may carry a concrete id: endpoints are templates.
		idInLabel := regexp.MustCompile(`endpoint="[^"]*(` + regexp.QuoteMeta(vm.Identifier) + `|/\d+|no-such-vm)`)
		if idInLabel.MatchString(text) {
			t.Errorf("an endpoint label carries a concrete id:\n%s", text)
		}
	})
}

func getRoute(shape vpsie.Shape) string {
	if shape == vpsie.ShapeB {
		return "/api/v2/vm/{id}"
	}
	return "/vm/{id}"
}

func TestTwoClientsCanShareARegistry(t *testing.T) {
	e := newEnv(t, envConfig{shape: vpsie.ShapeA})
	if _, err := vpsie.New(e.opts); err != nil {
		t.Fatalf("second client on the same registry: %v", err)
	}
}
