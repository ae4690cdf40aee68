package kube

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/internal/runtime"
)

// Target runs services as Deployments in one namespace.
type Target struct {
	c           client.Client
	cs          kubernetes.Interface
	ns          string
	log         *slog.Logger
	rec         Recorder
	owner       *metav1.OwnerReference
	deployments map[string]string
	traffic     map[string]Traffic
	container   string
	httpClient  *http.Client
	podURL      func(pod *corev1.Pod, port int32) string
	poll        time.Duration
	ownerIndex  bool
}

var _ runtime.Target = (*Target)(nil)

// Recorder emits Kubernetes Events; client-go's record.EventRecorder is one.
type Recorder interface {
	Eventf(object kruntime.Object, eventtype, reason, messageFmt string, args ...any)
}

// Option configures a Target.
type Option func(*Target)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(t *Target) { t.log = l } }

// WithRecorder sets where Events go (default: nowhere).
func WithRecorder(r Recorder) Option { return func(t *Target) { t.rec = r } }

// WithOwner makes owner (e.g. the Release) the controlling owner of every
// object the Target creates, and the object Events are about. Without it
// created objects are owned by the stable Deployment, and Events are
// recorded on it.
func WithOwner(owner metav1.OwnerReference) Option {
	return func(t *Target) { t.owner = &owner }
}

// WithDeployment says service's stable Deployment is named deployment
// (default: the service name).
func WithDeployment(service, deployment string) Option {
	return func(t *Target) { t.deployments[service] = deployment }
}

// WithContainer names the container that runs the release's image
// (default: the container named like the service, else the first).
func WithContainer(name string) Option { return func(t *Target) { t.container = name } }

// WithHTTPClient sets the client smoke probes use.
func WithHTTPClient(c *http.Client) Option { return func(t *Target) { t.httpClient = c } }

// WithPodURL sets how smoke probes and CANARY_URL reach a pod (default:
// http://<pod IP>:<port>, which works from inside the cluster).
func WithPodURL(f func(pod *corev1.Pod, port int32) string) Option {
	return func(t *Target) { t.podURL = f }
}

// WithPollInterval sets how often Smoke checks its Job (default 1s).
func WithPollInterval(d time.Duration) Option { return func(t *Target) { t.poll = d } }

// New returns a Target for namespace. c reads and writes objects; cs reads
// pod logs (the controller-runtime client cannot stream them).
func New(c client.Client, cs kubernetes.Interface, namespace string, opts ...Option) *Target {
	t := &Target{
		c: c, cs: cs, ns: namespace,
		log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		rec:         discardRecorder{},
		deployments: map[string]string{},
		traffic:     map[string]Traffic{},
		httpClient:  &http.Client{Timeout: 10 * time.Second},
		podURL:      podIPURL,
		poll:        time.Second,
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

func (t *Target) deploymentName(service string) string {
	if d, ok := t.deployments[service]; ok {
		return d
	}
	return service
}

func (t *Target) containerName(service string) string {
	if t.container != "" {
		return t.container
	}
	return service
}

type discardRecorder struct{}

func (discardRecorder) Eventf(kruntime.Object, string, string, string, ...any) {}
