package deploy

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Project is a service's pinwheel.yaml with the sections deploying needs
// decoded.
type Project struct {
	Dir    string
	Config *config.Config
	Spec   rollout.Spec
	Notify config.Notify
	// Runtime is the runtime: section (replicas, readinessPath, metrics).
	Runtime config.Runtime
	// Metrics answers the rollout analysis's queries when runtime.metrics
	// names a provider; nil means the target's own (the local proxy).
	Metrics metrics.Provider
	// Snapshot is pinwheel.yaml as JSON, for ledger.Release.Config.
	Snapshot json.RawMessage
}

// LoadProject reads dir/pinwheel.yaml and decodes its rollout, runtime and
// notify sections. Every problem is an *inputerr.Error naming file:line:col.
func LoadProject(dir string) (*Project, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	sec, err := cfg.Deploy()
	if err != nil {
		return nil, err
	}
	provider, err := NewMetricsProvider(sec.Runtime.Metrics)
	if err != nil {
		return nil, &inputerr.Error{Path: cfg.Path, Msg: "runtime.metrics", Err: err}
	}
	if err := notify.CheckEvents(sec.Notify, cfg.Path); err != nil {
		return nil, err
	}
	snap, err := snapshot(cfg.Path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Project{Dir: abs, Config: cfg, Spec: sec.Spec, Notify: sec.Notify, Runtime: sec.Runtime, Metrics: provider, Snapshot: snap}, nil
}

// snapshot is the config file as JSON (keys as written, env values as
// digests: config.Snapshot), so release diffs can name the keys that changed
// without any record holding a value.
func snapshot(path string) (json.RawMessage, error) {
	v, err := config.Snapshot(path)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// Lock parses the project's lockfile (nil when it has none).
func (p *Project) Lock() (*lock.Lock, error) {
	name := p.Config.Lockfile
	if name == "" {
		return nil, nil
	}
	l, err := lock.ParseFile(filepath.Join(p.Dir, name), lock.WithRoot(p.Dir))
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	return l, nil
}

// DefaultReadinessPath is the HTTP path probed (GET, 2xx) before a replica
// gets traffic, unless deploy --readiness-path or pinwheel.yaml's
// runtime.readinessPath says otherwise.
const DefaultReadinessPath = "/healthz"
