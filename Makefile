# vpsie-autoscaler developer entry points. The README names two of them:
# `make dev` (local mode) and `make test` (everything CI runs).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c

BIN            := $(CURDIR)/bin
CONTROLLER_GEN := $(BIN)/controller-gen
STATICCHECK    := $(BIN)/staticcheck
KUBE_ASSETS    := $(BIN)/k8s
HELM           := $(BIN)/helm
CHART          := charts/vpsie-autoscaler
VERSION        ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO_TEST_FLAGS  ?= -race -count=1 -timeout 25m
# The main module is compiled once, with the race detector, for everything make test does: go vet
# -race and staticcheck (GOFLAGS=-race: its `go list -export` reads the race build's export data)
# share the build go test -race uses, and the e2e suite and hack/dev.sh --check build -race too.
# -vet=off: make vet vets test/e2e (go vet -race -tags e2e) with every analyzer.
E2E_GO_TEST_FLAGS ?= -race -count=1 -timeout 30m -vet=off
DEV_BUILD_FLAGS   ?= -race

.PHONY: all build generate manifests tools cluster-binaries lint vet staticcheck fmt-check shellcheck verify-generated test unit integration e2e e2e-suite bench bench-e2e dev clean
.PHONY: rbac chart-sync helm helm-lint image promtool-test

all: build

## tools: build the pinned tools module (controller-gen, staticcheck) and helm (hack/helm) into bin/
tools: $(CONTROLLER_GEN) $(STATICCHECK) helm
$(CONTROLLER_GEN) $(STATICCHECK): hack/tools/go.mod hack/tools/go.sum
	cd hack/tools && go build -o $(BIN)/ sigs.k8s.io/controller-tools/cmd/controller-gen honnef.co/go/tools/cmd/staticcheck

## helm: the Helm CLI pinned in hack/helm (cached outside the clone, like the cluster binaries)
helm:
	hack/helm/build.sh $(HELM)

## cluster-binaries: kube-apiserver, etcd, kube-scheduler, kube-controller-manager, kubectl, kwok (cached)
cluster-binaries:
	hack/local-cluster/build.sh

## generate: deepcopy code and CRD manifests from api/, RBAC from the markers, their copies in the chart
generate: $(CONTROLLER_GEN)
	$(CONTROLLER_GEN) object paths=./api/...
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=deploy/crds
	$(MAKE) --no-print-directory rbac chart-sync

## rbac: deploy/rbac/role.yaml from the +kubebuilder:rbac markers (internal/operator/rbac.go)
rbac: $(CONTROLLER_GEN)
	$(CONTROLLER_GEN) rbac:roleName=vpsie-autoscaler paths=./... output:rbac:artifacts:config=deploy/rbac

## chart-sync: the chart's copies of the CRDs, the generated RBAC, the Prometheus rules and the Grafana dashboards
## (Helm reads no file outside the chart)
chart-sync:
	rm -f $(CHART)/crds/*.yaml
	cp deploy/crds/*.yaml $(CHART)/crds/
	cp deploy/rbac/role.yaml $(CHART)/files/rbac/role.yaml
	mkdir -p $(CHART)/files/prometheus $(CHART)/files/grafana
	rm -f $(CHART)/files/prometheus/*.yaml $(CHART)/files/grafana/*.json
	cp $(filter-out %_test.yaml,$(wildcard deploy/prometheus/*.yaml)) $(CHART)/files/prometheus/
	cp deploy/grafana/*.json $(CHART)/files/grafana/

manifests: generate

build:
	go build -o $(BIN)/ ./cmd/...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## vet: all analyzers over the race build (the one go test -race compiles); the single file the race
## build tag leaves out is vetted on its own (it imports nothing, so that needs no other build)
vet:
	go vet -race ./...
	go vet -race -tags e2e ./test/e2e
	go vet ./test/integration/race_off_test.go

## shellcheck: the scripts (shellcheck comes from apt: hack/local-cluster/deps.sh --lint)
shellcheck:
	shellcheck -x -S warning .ci/run hack/dev.sh hack/local-cluster/*.sh hack/helm/*.sh hack/ci/*.sh

lint: tools fmt-check vet shellcheck helm-lint staticcheck

## staticcheck: over the race build's export data (GOFLAGS=-race), so it compiles nothing vet did not.
## It checks race_on_test.go instead of race_off_test.go (one constant each; alone, the constant looks unused).
staticcheck: $(STATICCHECK)
	GOFLAGS="$(GOFLAGS) -race" $(STATICCHECK) ./...
	GOFLAGS="$(GOFLAGS) -race" $(STATICCHECK) -tags e2e ./test/e2e

## helm-lint: the chart with the two required values, with every option set, and with the webhooks (generated CA)
helm-lint: helm
	$(HELM) lint --strict $(CHART) -f $(CHART)/ci/required-values.yaml
	$(HELM) lint --strict $(CHART) -f $(CHART)/ci/full-values.yaml
	$(HELM) lint --strict $(CHART) -f $(CHART)/ci/webhook-values.yaml

## promtool-test: check the alert and SLO rules and run their unit tests (promtool from Debian's prometheus
## package: hack/local-cluster/deps.sh installs it)
promtool-test:
	promtool check rules $(filter-out %_test.yaml,$(wildcard deploy/prometheus/*.yaml))
	cd deploy/prometheus && promtool test rules *_test.yaml

## verify-generated: fail when committed CRDs or deepcopy code are stale
verify-generated: generate
	@git diff --exit-code -- api deploy/crds deploy/rbac $(CHART)/crds $(CHART)/files || { echo "generated files are stale: run make generate"; exit 1; }

## test: what CI runs — lint, generated-file check, unit and integration tests with -race, the
## local-cluster smoke test and local mode end to end (make e2e). hack/ci/test.sh runs them in
## lanes (the Kubernetes build next to lint, e2e next to go test) and prints each phase's time.
test: tools
	GO_TEST_FLAGS='$(GO_TEST_FLAGS)' KUBE_ASSETS='$(KUBE_ASSETS)' hack/ci/test.sh

## e2e: the local cluster's smoke test, the product end to end on it (test/e2e), and `make dev` brought up, checked and stopped
e2e: cluster-binaries
	@mkdir -p $(BIN)/ci
	hack/ci/timed.sh e2e-smoke hack/local-cluster/smoke.sh
	hack/ci/timed.sh e2e-suite $(MAKE) --no-print-directory e2e-suite
	DEV_BUILD_FLAGS='$(DEV_BUILD_FLAGS)' hack/ci/timed.sh e2e-dev-check hack/dev.sh --check

## e2e-suite: the e2e suite alone, on a cluster of its own; E2E_SELECT (one -run=REGEX or -skip=REGEX) runs a share
## of its tests (make test runs two shares at once, each with its own stack), E2E_LOG names the -v log
E2E_SELECT ?=
E2E_LOG    ?= $(BIN)/ci/e2e.log
e2e-suite: cluster-binaries
	@mkdir -p $(dir $(E2E_LOG))
	GO_TEST_FLAGS='-tags e2e $(E2E_GO_TEST_FLAGS)' GO_TEST_SELECT='$(E2E_SELECT)' hack/ci/go-test.sh $(E2E_LOG) ./test/e2e

## bench-e2e: the scale-up benchmarks on the local cluster (decision latency at 100 and 1000 nodes, 1000 pending
## pods, 1000 memory-bound pods, RSS at 1000 nodes and 10k pods); results go to docs/performance/scale-up.md
bench-e2e: cluster-binaries
	go test -tags e2e -count=1 -timeout 60m -run '^$$' -bench . -benchtime 1x ./test/e2e

unit:
	go test $(GO_TEST_FLAGS) -short ./...

integration: cluster-binaries
	KUBEBUILDER_ASSETS=$(KUBE_ASSETS) go test $(GO_TEST_FLAGS) ./test/...

## image: the container image as an OCI layout tarball, built without Docker (hack/image); prints its digest
IMAGE_PLATFORMS ?= linux/amd64,linux/arm64
image:
	go -C hack/image run . -repo $(CURDIR) -out $(BIN)/vpsie-autoscaler-image.tar \
		-platforms $(IMAGE_PLATFORMS) -version $(VERSION) | tee $(BIN)/vpsie-autoscaler-image.digest

## bench: speed and memory numbers (never asserted in unit tests: CI machines are noisy)
bench:
	go test -run '^$$' -bench . -benchmem ./internal/...

## dev: one-command local mode (cluster, Temporal + UI, VPSie simulator, autoscaler)
dev: cluster-binaries build
	hack/dev.sh

clean:
	rm -rf $(BIN) .local
