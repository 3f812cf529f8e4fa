package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Workload is one object of a what-if manifest and the pods it would create.
type Workload struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Replicas  int32  `json:"replicas"`
	pods      []*corev1.Pod
}

// readManifest decodes every document of path ("-" is stdin): Deployments, StatefulSets,
// Jobs and Pods become their replicas as pending pods in namespace ns unless they name one.
// Other kinds are an error naming the document, so a what-if never silently ignores part
// of what will be applied.
func readManifest(path, ns string, stdin io.Reader) ([]Workload, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageError("reading -f %s: %v", path, err)
		}
		defer f.Close()
		r = f
	}
	decoder := serializer.NewCodecFactory(newScheme()).UniversalDeserializer()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var out []Workload
	for i := 1; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usageError("reading -f %s: %v", path, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 || bytes.Equal(bytes.TrimSpace(doc), []byte("---")) {
			continue
		}
		obj, gvk, err := decoder.Decode(doc, nil, nil)
		if err != nil {
			return nil, usageError("-f %s, document %d: %v", path, i, err)
		}
		w, err := workload(obj, ns)
		if err != nil {
			return nil, usageError("-f %s, document %d (%s): %v", path, i, gvk.Kind, err)
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		return nil, usageError("-f %s holds no Deployment, StatefulSet, Job or Pod", path)
	}
	return out, nil
}

func workload(obj runtime.Object, ns string) (Workload, error) {
	one := int32(1)
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return fromTemplate("Deployment", o.ObjectMeta, o.Spec.Template, orOne(o.Spec.Replicas), ns), nil
	case *appsv1.StatefulSet:
		return fromTemplate("StatefulSet", o.ObjectMeta, o.Spec.Template, orOne(o.Spec.Replicas), ns), nil
	case *batchv1.Job:
		n := orOne(o.Spec.Parallelism)
		if c := o.Spec.Completions; c != nil && *c < n {
			n = *c
		}
		return fromTemplate("Job", o.ObjectMeta, o.Spec.Template, n, ns), nil
	case *corev1.Pod:
		return fromTemplate("Pod", o.ObjectMeta, corev1.PodTemplateSpec{ObjectMeta: o.ObjectMeta, Spec: o.Spec}, one, ns), nil
	}
	return Workload{}, fmt.Errorf("kind not supported: use Deployments, StatefulSets, Jobs or Pods")
}

func orOne(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// fromTemplate makes n pending pods of the template, owned by the workload (so scale-down
// would treat them as the workload's pods), unscheduled as the scheduler would leave them.
func fromTemplate(kind string, meta metav1.ObjectMeta, t corev1.PodTemplateSpec, n int32, ns string) Workload {
	if meta.Namespace != "" {
		ns = meta.Namespace
	}
	w := Workload{Kind: kind, Namespace: ns, Name: meta.Name, Replicas: n}
	yes := true
	for i := int32(0); i < n; i++ {
		p := &corev1.Pod{ObjectMeta: *t.ObjectMeta.DeepCopy(), Spec: *t.Spec.DeepCopy()}
		p.Namespace, p.Name = ns, fmt.Sprintf("%s-whatif-%d", meta.Name, i)
		if kind != "Pod" {
			p.OwnerReferences = []metav1.OwnerReference{{Kind: kind, Name: meta.Name, Controller: &yes}}
		} else {
			p.Name = meta.Name
		}
		p.Spec.NodeName = ""
		p.Status = corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled,
			Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: "what-if"}}}
		w.pods = append(w.pods, p)
	}
	return w
}
