package kube

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Logs returns up to tail of the newest log lines of the release's pods,
// each prefixed with its pod's name; pods are read in name order. Pods whose
// logs cannot be read are skipped; an error means none could be read.
func (t *Target) Logs(ctx context.Context, service, release string, tail int) ([]string, error) {
	name := t.deploymentName(service)
	var stable appsv1.Deployment
	if err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: name}, &stable); err != nil {
		return nil, fmt.Errorf("logs %s: %w", service, err)
	}
	sel, err := metav1.LabelSelectorAsSelector(stable.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("logs %s: %w", service, err)
	}
	var pods corev1.PodList
	if err := t.c.List(ctx, &pods, client.InNamespace(t.ns), client.MatchingLabelsSelector{Selector: sel}); err != nil {
		return nil, fmt.Errorf("logs %s: %w", service, err)
	}
	var mine []corev1.Pod
	for _, p := range pods.Items {
		if releaseOf(p.Annotations, stable.Name) == release {
			mine = append(mine, p)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].Name < mine[j].Name })
	var out []string
	var firstErr error
	for i := range mine {
		lines, err := t.podLogs(ctx, &mine[i], tail)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		out = append(out, lines...)
	}
	if len(out) == 0 && firstErr != nil {
		return nil, fmt.Errorf("logs %s/%s: %w", service, release, firstErr)
	}
	if len(out) > tail {
		out = out[len(out)-tail:]
	}
	return out, nil
}

func (t *Target) podLogs(ctx context.Context, p *corev1.Pod, tail int) ([]string, error) {
	b, err := t.cs.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{TailLines: ptr.To(int64(tail))}).DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("pod %s: %w", p.Name, err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		lines = append(lines, p.Name+": "+sc.Text())
	}
	return lines, nil
}

// jobLogs returns the newest lines of a Job's pods, best effort.
func (t *Target) jobLogs(ctx context.Context, j *batchv1.Job, tail int) []string {
	var pods corev1.PodList
	if err := t.c.List(ctx, &pods, client.InNamespace(j.Namespace), client.MatchingLabels{"job-name": j.Name}); err != nil {
		return nil
	}
	var out []string
	for i := range pods.Items {
		lines, err := t.podLogs(ctx, &pods.Items[i], tail)
		if err == nil {
			out = append(out, lines...)
		}
	}
	return out
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
