package v1alpha1

import (
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Strategy shares their JSON names with the
// engine's types, so its conversion is a JSON round trip: one rule for every
// field, and a test (mirror_test.go) fails when either side gains a field
// the other lacks.

// RuntimeSecretEnv returns SecretEnv as the references a runtime.Release
// carries (nil when there are none).
func (s *ReleaseSpec) RuntimeSecretEnv() map[string]runtime.SecretRef {
	if len(s.SecretEnv) == 0 {
		return nil
	}
	out := make(map[string]runtime.SecretRef, len(s.SecretEnv))
	for name, r := range s.SecretEnv {
		out[name] = runtime.SecretRef{SecretKeyRef: &runtime.SecretKeyRef{Name: r.Name, Key: r.Key}}
	}
	return out
}

// RolloutSpec returns the engine's spec for the Release: Strategy, with
// Smoke (if set) run as a first smoke step before any traffic moves.
func (s *ReleaseSpec) RolloutSpec() (rollout.Spec, error) {
	spec, err := viaJSON[rollout.Spec](s.Strategy)
	if err != nil {
		return rollout.Spec{}, fmt.Errorf("release strategy: %w", err)
	}
	if s.Smoke != nil {
		smoke, err := viaJSON[rollout.SmokeStep](s.Smoke)
		if err != nil {
			return rollout.Spec{}, fmt.Errorf("release smoke: %w", err)
		}
		spec.Steps = append([]rollout.Step{{Smoke: &smoke}}, spec.Steps...)
	}
	return spec, nil
}

// StrategyFrom returns the Strategy that converts back to spec.
func StrategyFrom(spec rollout.Spec) (Strategy, error) {
	return viaJSON[Strategy](spec)
}

// Attest returns b as the engine's BuildInfo.
func (b BuildInfo) Attest() attest.BuildInfo {
	return attest.BuildInfo{
		Service: b.Service, Version: b.Version,
		GitCommit: b.GitCommit, GitDirty: b.GitDirty, GitSource: b.GitSource, GitCommitTime: timeOf(b.GitCommitTime),
		LockHash: b.LockHash, LockFormat: b.LockFormat, PythonVersion: b.PythonVersion,
		BaseImage: b.BaseImage, BaseDigest: b.BaseDigest,
		ImageDigest: b.ImageDigest, ImageRef: b.ImageRef,
		BuilderVersion: b.BuilderVersion,
		CIProvider:     b.CIProvider, CIRunID: b.CIRunID, CIRunURL: b.CIRunURL,
		Reproducible: b.Reproducible,
		StartedAt:    timeOf(b.StartedAt), FinishedAt: timeOf(b.FinishedAt),
		DurationMS: b.DurationMS,
		CacheHits:  int(b.CacheHits), CacheMisses: int(b.CacheMisses), Cache: attestCache(b.Cache),
		SourceBuilds: convertSlice(b.SourceBuilds, func(s SourceBuild) attest.SourceBuild { return attest.SourceBuild(s) }),
	}
}

// BuildInfoFrom returns b as the API's BuildInfo.
func BuildInfoFrom(b attest.BuildInfo) BuildInfo {
	return BuildInfo{
		Service: b.Service, Version: b.Version,
		GitCommit: b.GitCommit, GitDirty: b.GitDirty, GitSource: b.GitSource, GitCommitTime: metaTimeOf(b.GitCommitTime),
		LockHash: b.LockHash, LockFormat: b.LockFormat, PythonVersion: b.PythonVersion,
		BaseImage: b.BaseImage, BaseDigest: b.BaseDigest,
		ImageDigest: b.ImageDigest, ImageRef: b.ImageRef,
		BuilderVersion: b.BuilderVersion,
		CIProvider:     b.CIProvider, CIRunID: b.CIRunID, CIRunURL: b.CIRunURL,
		Reproducible: b.Reproducible,
		StartedAt:    metaTimeOf(b.StartedAt), FinishedAt: metaTimeOf(b.FinishedAt),
		DurationMS: b.DurationMS,
		CacheHits:  int32(b.CacheHits), CacheMisses: int32(b.CacheMisses), Cache: apiCache(b.Cache),
		SourceBuilds: convertSlice(b.SourceBuilds, func(s attest.SourceBuild) SourceBuild { return SourceBuild(s) }),
	}
}

// convertSlice maps a slice; nil stays nil (omitted in JSON).
func convertSlice[A, B any](in []A, f func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}

func timeOf(t *metav1.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

func metaTimeOf(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	return &metav1.Time{Time: t}
}

func viaJSON[T any](in any) (T, error) {
	var out T
	b, err := json.Marshal(in)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(b, &out)
	return out, err
}

func attestCache(c *CacheStats) *attest.CacheStats {
	if c == nil {
		return nil
	}
	n := func(c CacheCount) attest.CacheCount {
		return attest.CacheCount{Hits: int(c.Hits), Misses: int(c.Misses)}
	}
	return &attest.CacheStats{Wheels: n(c.Wheels), Debs: n(c.Debs), Layers: n(c.Layers)}
}

func apiCache(c *attest.CacheStats) *CacheStats {
	if c == nil {
		return nil
	}
	n := func(c attest.CacheCount) CacheCount { return CacheCount{Hits: int32(c.Hits), Misses: int32(c.Misses)} }
	return &CacheStats{Wheels: n(c.Wheels), Debs: n(c.Debs), Layers: n(c.Layers)}
}
