package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Release asks for one image of a service to be rolled out beside the
// service's stable Deployment in guarded steps, and reports how far it got.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=rel;rels,categories=pinwheel
// +kubebuilder:printcolumn:name="Service",type=string,JSONPath=`.spec.service`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Step",type=integer,JSONPath=`.status.step`
// +kubebuilder:printcolumn:name="Weight",type=integer,JSONPath=`.status.canaryWeight`
// +kubebuilder:printcolumn:name="Image",type=string,JSONPath=`.spec.image`,priority=1
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Release struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ReleaseSpec   `json:"spec"`
	Status ReleaseStatus `json:"status,omitempty"`
}

// ReleaseList is a list of Releases.
//
// +kubebuilder:object:root=true
type ReleaseList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Release `json:"items"`
}

// ReleaseSpec is what to roll out and how. It must not change once the
// rollout has started: the controller records the strategy it started with.
//
// +kubebuilder:validation:XValidation:rule="oldSelf.image == self.image",message="image is immutable: create a new Release to roll out another image"
type ReleaseSpec struct {
	// Service is the pinwheel service name; metrics, logs and notifications
	// are labelled with it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Service string `json:"service"`

	// Deployment is the service's stable Deployment in the Release's
	// namespace. The canary runs as a Deployment named "<deployment>-canary"
	// with the same selector labels. Defaults to Service.
	// +optional
	Deployment string `json:"deployment,omitempty"`

	// Image is the image to roll out, pinned by digest
	// ("registry/repo@sha256:<64 hex>").
	// +kubebuilder:validation:Pattern=`^[^@\s]+@sha256:[0-9a-f]{64}$`
	Image string `json:"image"`

	// Env is set on the canary's containers in addition to the stable
	// template's own environment.
	// +optional
	Env map[string]string `json:"env,omitempty"`

	// SecretEnv are variables set on the canary's containers from keys of
	// Secrets in the Release's namespace (valueFrom.secretKeyRef): the
	// Release and the pod template name the Secret, never hold the value.
	// +optional
	// +kubebuilder:validation:MaxProperties=4096
	SecretEnv map[string]SecretKeyRef `json:"secretEnv,omitempty"`

	// BuildInfo is the build metadata of Image; pods carry it as annotations.
	BuildInfo BuildInfo `json:"buildInfo"`

	// Strategy is the rollout: steps, SLI checks and analysis settings, the
	// same as the `rollout:` section of pinwheel.yaml.
	Strategy Strategy `json:"strategy"`

	// Traffic says how requests are split between stable and canary.
	// +optional
	Traffic Traffic `json:"traffic,omitempty"`

	// Smoke is a smoke test run before any traffic reaches the canary: a
	// Kubernetes Job in the same image and HTTP probes against the canary.
	// It runs as if it were a first smoke step of the strategy.
	// +optional
	Smoke *SmokeStep `json:"smoke,omitempty"`
}

// TrafficMode names how traffic is split.
// +kubebuilder:validation:Enum=replicas;gatewayAPI
type TrafficMode string

// The traffic modes.
const (
	// TrafficReplicas runs the canary Deployment behind the stable Service;
	// its share of requests follows its share of ready replicas.
	TrafficReplicas TrafficMode = "replicas"
	// TrafficGatewayAPI sets the backendRef weights of a Gateway API
	// HTTPRoute between a stable and a canary Service.
	TrafficGatewayAPI TrafficMode = "gatewayAPI"
)

// Traffic says how requests are split between stable and canary.
//
// +kubebuilder:validation:XValidation:rule="self.mode != 'gatewayAPI' || (has(self.httpRoute) && size(self.httpRoute) > 0)",message="gatewayAPI mode needs httpRoute"
type Traffic struct {
	// Mode is replicas (default) or gatewayAPI.
	// +kubebuilder:default=replicas
	// +optional
	Mode TrafficMode `json:"mode,omitempty"`
	// Service is the Service in front of the stable Deployment's pods.
	// Defaults to the Deployment's name.
	// +optional
	Service string `json:"service,omitempty"`
	// HTTPRoute is the route whose backendRefs are weighted (gatewayAPI).
	// +optional
	HTTPRoute string `json:"httpRoute,omitempty"`
	// CanaryService selects only the canary's pods (gatewayAPI); defaults
	// to "<service>-canary".
	// +optional
	CanaryService string `json:"canaryService,omitempty"`
}

// ReleaseStatus is what the controller observed and decided.
type ReleaseStatus struct {
	// ObservedGeneration is the generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Phase is the rollout engine's phase: Pending, Progressing, Paused,
	// Analyzing, Smoking, Promoting, Promoted, RollingBack, RolledBack,
	// Aborted or Failed.
	// +optional
	Phase string `json:"phase,omitempty"`
	// Step is the index of the current strategy step (the step count once
	// promoting).
	// +optional
	Step int32 `json:"step,omitempty"`
	// Steps is the number of strategy steps.
	// +optional
	Steps int32 `json:"steps,omitempty"`
	// CanaryWeight is the percentage of traffic last asked for the canary.
	// +optional
	CanaryWeight int32 `json:"canaryWeight,omitempty"`
	// StableWeight is 100 - CanaryWeight.
	// +optional
	StableWeight int32 `json:"stableWeight,omitempty"`
	// StableRelease and CanaryRelease are the release IDs being compared.
	// +optional
	StableRelease string `json:"stableRelease,omitempty"`
	// +optional
	CanaryRelease string `json:"canaryRelease,omitempty"`
	// Message is the latest decision's reason.
	// +optional
	Message string `json:"message,omitempty"`
	// Conditions: Progressing, Analyzing, Promoted, RolledBack, Degraded.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Decisions are the newest decisions of the engine, oldest first.
	// +kubebuilder:validation:MaxItems=64
	// +optional
	Decisions []Decision `json:"decisions,omitempty"`
	// DecisionsDropped counts older decisions no longer in Decisions.
	// +optional
	DecisionsDropped int32 `json:"decisionsDropped,omitempty"`
	// Engine is the rollout engine's full status (internal/rollout.Status
	// as JSON). The controller persists it after every decision and resumes
	// from it after a restart; treat it as opaque.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	// +optional
	Engine *runtime.RawExtension `json:"engine,omitempty"`
	// Plan is what the controller last asked the cluster for (stable and
	// canary releases, replicas, promotion/rollback carried out, the last
	// command handled), as JSON. Opaque, like Engine.
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	// +optional
	Plan *runtime.RawExtension `json:"plan,omitempty"`
}

// Decision is one entry of the decision log: what the engine did and why.
type Decision struct {
	Time   metav1.Time `json:"time"`
	Step   int32       `json:"step"`
	Phase  string      `json:"phase"`
	Action string      `json:"action"`
	Reason string      `json:"reason"`
}

// SecretKeyRef names one key of a Secret in the Release's namespace.
type SecretKeyRef struct {
	// Name is the Secret's name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// Key is the key in the Secret's data.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key"`
}
