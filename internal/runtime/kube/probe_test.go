package kube

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/rollout"
)

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusNoContent)
		case "/ok":
			w.Write([]byte("ok"))
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	tgt := New(nil, nil, "ns")
	tests := []struct {
		name   string
		probe  rollout.HTTPProbe
		passed bool
		reason string
	}{
		{"default_status_200", rollout.HTTPProbe{Path: "/ok"}, true, ""},
		{"expected_204", rollout.HTTPProbe{Path: "/healthz", ExpectStatus: 204}, true, ""},
		{"unexpected_500", rollout.HTTPProbe{Path: "/broken"}, false, "GET /broken answered 500, expected 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tgt.probe(context.Background(), srv.URL, tt.probe, 5*time.Second)
			if res.Passed != tt.passed || !strings.Contains(res.Reason, tt.reason) {
				t.Fatalf("probe = %+v", res)
			}
		})
	}
	srv.Close()
	if res := tgt.probe(context.Background(), srv.URL, rollout.HTTPProbe{Path: "/ok"}, time.Second); res.Passed || !strings.Contains(res.Reason, "GET /ok") {
		t.Fatalf("probe of a closed server = %+v", res)
	}
}
