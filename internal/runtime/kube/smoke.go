package kube

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Smoke tests a release of service: the HTTP probes against one of its
// ready pods, then the command as a Job in the release's own image (same
// digest, same environment) with CANARY_URL set to that pod. A Job that
// already exists for the same release and command is waited on, not
// created again, so a restarted driver does not run a smoke test twice.
func (t *Target) Smoke(ctx context.Context, service, release string, spec rollout.SmokeStep) (runtime.SmokeResult, error) {
	timeout := spec.Timeout.D()
	if timeout <= 0 {
		timeout = rollout.DefaultSmokeTimeout.D()
	}
	name := t.deploymentName(service)
	dep, err := t.releaseDeployment(ctx, name, release)
	if err != nil {
		return runtime.SmokeResult{}, fmt.Errorf("smoke %s/%s: %w", service, release, err)
	}
	pod, err := t.readyPod(ctx, dep, release)
	if err != nil {
		return runtime.SmokeResult{}, fmt.Errorf("smoke %s/%s: %w", service, release, err)
	}
	base := t.podURL(pod, containerPort(dep.Spec.Template.Spec.Containers, t.containerName(service)))
	for _, p := range spec.HTTP {
		if res := t.probe(ctx, base, p, timeout); !res.Passed {
			t.rec.Eventf(t.subject(dep), corev1.EventTypeWarning, ReasonSmokeFailed, "release %s: %s", release, res.Reason)
			return res, nil
		}
	}
	if len(spec.Command) == 0 {
		t.rec.Eventf(t.subject(dep), corev1.EventTypeNormal, ReasonSmokePassed, "release %s: %d HTTP probes passed", release, len(spec.HTTP))
		return runtime.SmokeResult{Passed: true}, nil
	}
	return t.smokeJob(ctx, dep, service, release, spec.Command, base, timeout)
}

// releaseDeployment is the Deployment (canary, else stable) running release.
func (t *Target) releaseDeployment(ctx context.Context, name, release string) (*appsv1.Deployment, error) {
	for _, n := range []string{CanaryName(name), name} {
		var d appsv1.Deployment
		err := t.c.Get(ctx, client.ObjectKey{Namespace: t.ns, Name: n}, &d)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if releaseOf(d.Spec.Template.Annotations, name) == release {
			return &d, nil
		}
	}
	return nil, fmt.Errorf("no deployment runs release %s", release)
}

func (t *Target) readyPod(ctx context.Context, dep *appsv1.Deployment, release string) (*corev1.Pod, error) {
	sel, err := metav1.LabelSelectorAsSelector(dep.Spec.Selector)
	if err != nil {
		return nil, err
	}
	var pods corev1.PodList
	if err := t.c.List(ctx, &pods, client.InNamespace(t.ns), client.MatchingLabelsSelector{Selector: sel}); err != nil {
		return nil, err
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		if releaseOf(p.Annotations, strings.TrimSuffix(dep.Name, CanaryName(""))) == release && podReady(p) && p.DeletionTimestamp == nil {
			return p, nil
		}
	}
	return nil, fmt.Errorf("release %s has no ready pod to test", release)
}

func (t *Target) probe(ctx context.Context, base string, p rollout.HTTPProbe, timeout time.Duration) runtime.SmokeResult {
	want := p.ExpectStatus
	if want == 0 {
		want = rollout.DefaultExpectStatus
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+p.Path, nil)
	if err != nil {
		return runtime.SmokeResult{Reason: fmt.Sprintf("GET %s: %v", p.Path, err)}
	}
	resp, err := t.httpClient.Do(req)
	if err != nil {
		return runtime.SmokeResult{Reason: fmt.Sprintf("GET %s: %v", p.Path, err)}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	if resp.StatusCode != want {
		return runtime.SmokeResult{Reason: fmt.Sprintf("GET %s answered %d, expected %d", p.Path, resp.StatusCode, want), Output: string(body)}
	}
	return runtime.SmokeResult{Passed: true}
}

func (t *Target) smokeJob(ctx context.Context, dep *appsv1.Deployment, service, release string, command []string, canaryURL string, timeout time.Duration) (runtime.SmokeResult, error) {
	job := smokeJob(dep, service, release, t.containerName(service), command, canaryURL, timeout)
	job.OwnerReferences = []metav1.OwnerReference{t.ownerRef(dep)}
	err := t.c.Create(ctx, job)
	switch {
	case apierrors.IsAlreadyExists(err):
	case err != nil:
		return runtime.SmokeResult{}, fmt.Errorf("smoke %s/%s: create job: %w", service, release, err)
	default:
		t.rec.Eventf(t.subject(dep), corev1.EventTypeNormal, ReasonSmokeStarted, "release %s: smoke job %s running %q", release, job.Name, strings.Join(command, " "))
	}
	deadline := time.Now().Add(timeout + 30*time.Second)
	for {
		var got batchv1.Job
		if err := t.c.Get(ctx, client.ObjectKeyFromObject(job), &got); err != nil {
			return runtime.SmokeResult{}, fmt.Errorf("smoke %s/%s: job %s: %w", service, release, job.Name, err)
		}
		if done, passed, reason := jobOutcome(&got); done {
			res := runtime.SmokeResult{Passed: passed, Reason: reason, Output: strings.Join(t.jobLogs(ctx, &got, 50), "\n")}
			if passed {
				t.rec.Eventf(t.subject(dep), corev1.EventTypeNormal, ReasonSmokePassed, "release %s: smoke job %s succeeded", release, job.Name)
			} else {
				t.rec.Eventf(t.subject(dep), corev1.EventTypeWarning, ReasonSmokeFailed, "release %s: smoke job %s: %s", release, job.Name, reason)
			}
			return res, nil
		}
		if time.Now().After(deadline) {
			return runtime.SmokeResult{Reason: fmt.Sprintf("smoke job %s did not finish within %s", job.Name, timeout)}, nil
		}
		select {
		case <-ctx.Done():
			return runtime.SmokeResult{}, ctx.Err()
		case <-time.After(t.poll):
		}
	}
}

// smokeJob builds the Job running command in release's container image and
// environment, with the restricted pod security settings (restrictPod). Its pods carry the build annotations but none of the
// Deployment's labels, so no Service sends them traffic.
func smokeJob(dep *appsv1.Deployment, service, release, container string, command []string, canaryURL string, timeout time.Duration) *batchv1.Job {
	tmpl := dep.Spec.Template.DeepCopy()
	i := max(containerIndex(tmpl.Spec.Containers, container), 0)
	c := tmpl.Spec.Containers[i]
	c.Name = "smoke"
	c.Command, c.Args = command, nil
	c.Ports, c.ReadinessProbe, c.LivenessProbe, c.StartupProbe = nil, nil, nil, nil
	c.Env = append(slices.Clone(c.Env), corev1.EnvVar{Name: "CANARY_URL", Value: canaryURL})
	sum := sha256.Sum256([]byte(release + "\x00" + strings.Join(command, "\x00")))
	name := fmt.Sprintf("%s-smoke-%s", trimName(dep.Name, 63-len("-smoke-")-10), hex.EncodeToString(sum[:])[:10])
	labels := map[string]string{LabelService: service, LabelRevision: RevisionLabel(release)}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: dep.Namespace, Labels: labels,
			Annotations: map[string]string{AnnotationRelease: release}},
		Spec: batchv1.JobSpec{
			BackoffLimit:            ptr.To[int32](0),
			ActiveDeadlineSeconds:   ptr.To(int64(timeout.Seconds())),
			TTLSecondsAfterFinished: ptr.To[int32](3600),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: tmpl.Annotations},
				Spec: corev1.PodSpec{
					RestartPolicy:      corev1.RestartPolicyNever,
					Containers:         []corev1.Container{c},
					ServiceAccountName: tmpl.Spec.ServiceAccountName,
					ImagePullSecrets:   tmpl.Spec.ImagePullSecrets,
					Volumes:            tmpl.Spec.Volumes,
					NodeSelector:       tmpl.Spec.NodeSelector,
					Tolerations:        tmpl.Spec.Tolerations,
					Affinity:           tmpl.Spec.Affinity,
					SecurityContext:    tmpl.Spec.SecurityContext,
				},
			},
		},
	}
	restrictPod(&job.Spec.Template.Spec)
	return job
}

// jobOutcome reads a Job's terminal condition.
func jobOutcome(j *batchv1.Job) (done, passed bool, reason string) {
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return true, true, ""
		case batchv1.JobFailed:
			return true, false, fmt.Sprintf("smoke job %s failed: %s %s", j.Name, c.Reason, c.Message)
		}
	}
	return false, false, ""
}

func trimName(s string, n int) string {
	if len(s) > n {
		return strings.TrimRight(s[:n], "-.")
	}
	return s
}

// podIPURL reaches a pod directly by its IP (from inside the cluster).
func podIPURL(pod *corev1.Pod, port int32) string {
	return "http://" + net.JoinHostPort(pod.Status.PodIP, strconv.Itoa(int(port)))
}
