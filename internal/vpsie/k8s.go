package vpsie

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// K8sNodeGroup is a node group of a VPSie managed Kubernetes cluster.
type K8sNodeGroup struct {
	ID           int64 // the key workers are added to
	Name         string
	Identifier   string
	DatacenterID string
	CPU          int
	RAMMB        int
	DiskGB       int
	Nodes        int
}

// K8sWorker is one worker node of a managed cluster, as cluster info lists it or as an add answered.
type K8sWorker struct {
	Identifier string // the key a worker is deleted by
	Hostname   string // chosen by VPSie; the Node's name
	IP         string
	Status     string
	GroupID    int64 // 0 when the answer did not say
}

// ListK8sNodeGroups lists the node groups of a managed cluster (one request).
func (c *Client) ListK8sNodeGroups(ctx context.Context, cluster string) ([]K8sNodeGroup, error) {
	r, err := c.k8sRequest(http.MethodGet, vpsieapi.PathK8sNodeGroups, cluster, 0)
	if err != nil {
		return nil, err
	}
	var wire []vpsieapi.K8sNodeGroup
	if err := c.do(ctx, r, &wire); err != nil {
		return nil, fmt.Errorf("listing node groups of cluster %s: %w", cluster, err)
	}
	out := make([]K8sNodeGroup, 0, len(wire))
	for _, g := range wire {
		if g.IsDeleted != 0 {
			continue
		}
		out = append(out, K8sNodeGroup{ID: g.ID, Name: g.GroupName, Identifier: g.Identifier,
			DatacenterID: g.DCIdentifier, CPU: g.CPU, RAMMB: g.RAM, DiskGB: g.SSD, Nodes: g.NodesCount})
	}
	return out, nil
}

// ListK8sWorkers reads the cluster info and returns its workers (masters are never returned), each once: a
// worker listed under both "slaves" and "nodes" is one worker.
func (c *Client) ListK8sWorkers(ctx context.Context, cluster string) ([]K8sWorker, error) {
	r, err := c.k8sRequest(http.MethodGet, vpsieapi.PathK8sCluster, cluster, 0)
	if err != nil {
		return nil, err
	}
	var info vpsieapi.K8sClusterInfo
	if err := c.do(ctx, r, &info); err != nil {
		return nil, fmt.Errorf("reading cluster info of %s: %w", cluster, err)
	}
	seen := map[string]bool{}
	var out []K8sWorker
	for _, n := range append(append([]vpsieapi.K8sClusterNode{}, info.Slaves...), info.Nodes...) {
		if n.Identifier == "" || seen[n.Identifier] || strings.EqualFold(n.Role, vpsieapi.RoleMaster) {
			continue
		}
		seen[n.Identifier] = true
		out = append(out, K8sWorker{Identifier: n.Identifier, Hostname: n.Hostname, IP: n.IP, Status: n.Status,
			GroupID: n.GroupID})
	}
	return out, nil
}

// AddK8sWorker adds one worker to a node group with one POST, never repeated here. The API may answer without
// naming the worker ("data": true): the returned worker then has no Identifier and the caller must find it by
// listing. The hostname is the server's.
func (c *Client) AddK8sWorker(ctx context.Context, cluster string, group int64) (K8sWorker, error) {
	r, err := c.k8sRequest(http.MethodPost, vpsieapi.PathK8sAddWorker, cluster, group)
	if err != nil {
		return K8sWorker{}, err
	}
	var raw json.RawMessage
	if err := c.do(ctx, r, &raw); err != nil {
		return K8sWorker{}, fmt.Errorf("adding a worker to group %d of cluster %s: %w", group, cluster, err)
	}
	var w vpsieapi.K8sAddedWorker
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) || json.Unmarshal(raw, &w) != nil {
		return K8sWorker{GroupID: group}, nil // "data": true, or anything else that names no worker
	}
	return K8sWorker{Identifier: w.Identifier, Hostname: w.Hostname, Status: w.Status, GroupID: group}, nil
}

// DeleteK8sWorker deletes one worker by identifier with one request. Unlike DeleteVM, the API's own 404 is
// returned (ErrNotFound): the managed API also answers 404 for a worker it does not list yet, so only the
// caller, reading the cluster info, may conclude the worker is gone.
func (c *Client) DeleteK8sWorker(ctx context.Context, cluster, identifier string) error {
	if identifier == "" {
		return invalidArgument(http.MethodDelete, vpsieapi.PathK8sDeleteWorker, "worker identifier is required")
	}
	r, err := c.k8sRequest(http.MethodDelete, vpsieapi.PathK8sDeleteWorker, cluster, 0)
	if err != nil {
		return err
	}
	r.json = vpsieapi.K8sDeleteWorkerRequest{Identifier: identifier}
	if err := c.do(ctx, r, nil); err != nil {
		return fmt.Errorf("deleting worker %s of cluster %s: %w", identifier, cluster, err)
	}
	return nil
}

// k8sRequest fills a managed-Kubernetes route template for the client's shape.
func (c *Client) k8sRequest(method, route, cluster string, group int64) (request, error) {
	if cluster == "" {
		return request{}, invalidArgument(method, route, "cluster identifier is required")
	}
	if strings.Contains(route, "{group}") && group <= 0 {
		return request{}, invalidArgument(method, route, "node group id is required")
	}
	if c.opts.Shape == ShapeB {
		route = vpsieapi.PrefixBK8s + route
	}
	path := strings.Replace(route, "{cluster}", url.PathEscape(cluster), 1)
	path = strings.Replace(path, "{group}", strconv.FormatInt(group, 10), 1)
	return request{method: method, route: route, path: path}, nil
}
