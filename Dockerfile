# syntax=docker/dockerfile:1
#
# The vpsie-autoscaler image for people with Docker (or BuildKit, podman,
# kaniko). It builds the same static binary as `make image` (hack/image), which
# needs neither Docker nor a base image and is what CI tests; this file is the
# conventional alternative. Pin both base images by digest in your own builds.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t vpsie-autoscaler:dev .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v0.1.0 -t REGISTRY/vpsie-autoscaler:v0.1.0 --push .
#
# Result: distroless static (no shell, no package manager), user 65532, the
# binary at /usr/local/bin/vpsie-autoscaler; `docker run --rm IMAGE --version`.

ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=dev
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
# Only the packages the binary is built from (test/integration checks this list
# against `go list -deps ./cmd/autoscaler`).
COPY activities/ activities/
COPY api/ api/
COPY cmd/ cmd/
COPY internal/ internal/
COPY workflows/ workflows/
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/vpsie-autoscaler ./cmd/autoscaler

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vpsie-autoscaler /usr/local/bin/vpsie-autoscaler
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/vpsie-autoscaler"]
