package metrics

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHTTPJSONQuery(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/number":
			fmt.Fprint(w, "0.25")
		case "/series":
			if r.URL.Query().Get("release") != "v2" || r.URL.Query().Get("start") != "1700000000" {
				http.Error(w, "bad query "+r.URL.RawQuery, http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, `[[1700000000, 0.1], [1700000005.5, "0.2"], [1700000010, "NaN"]]`)
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	p := NewHTTPJSON(WithHeader("Authorization", "Bearer s3cret"))
	q := Query{Service: "svc", Release: "v2", Start: t0, End: t0.Add(10 * time.Second)}

	q.Expr = srv.URL + "/number"
	got, err := p.Query(context.Background(), q)
	if err != nil || len(got) != 1 || got[0].Value != 0.25 || !got[0].Time.Equal(q.End) {
		t.Errorf("number: %v %v", got, err)
	}
	q.Expr = srv.URL + "/series?release={{.Release}}&start={{.Start}}"
	got, err = p.Query(context.Background(), q)
	if err != nil || len(got) != 3 || got[1].Value != 0.2 || !math.IsNaN(got[2].Value) || got[1].Time.UnixMilli() != 1700000005500 {
		t.Errorf("series: %v %v", got, err)
	}
	q.Expr = srv.URL + "/fail"
	if _, err = p.Query(context.Background(), q); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("server error: %v", err)
	}
}

func TestHTTPJSONResolveErrors(t *testing.T) {
	p := NewHTTPJSON()
	for name, expr := range map[string]string{
		"bad_template":  "http://x/{{.Release",
		"unknown_field": "http://x/{{.Nope}}",
		"not_a_url":     "error_rate",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := p.Resolve(Query{Expr: expr}); err == nil {
				t.Errorf("%q: want an error", expr)
			}
		})
	}
}

func TestParseSeriesErrors(t *testing.T) {
	for name, body := range map[string]string{
		"object":    `{"value": 1}`,
		"short":     `[[1700000000]]`,
		"bad_time":  `[["x", 1]]`,
		"bad_value": `[[1700000000, "abc"]]`,
		"backwards": `[[1700000010, 1], [1700000000, 2]]`,
		"garbage":   `nope`,
	} {
		t.Run(name, func(t *testing.T) {
			if s, err := ParseSeries([]byte(body), t0); err == nil {
				t.Errorf("%s: want an error, got %v", body, s)
			}
		})
	}
}

func FuzzParseSeries(f *testing.F) {
	for _, s := range []string{`0.5`, `"NaN"`, `[[1700000000, 0.1], [1700000001, "2"]]`, `[]`, `[[1,2,3]]`, `{"a":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		samples, err := ParseSeries(b, t0)
		if err != nil {
			return
		}
		for i := 1; i < len(samples); i++ {
			if samples[i].Time.Before(samples[i-1].Time) {
				t.Fatalf("unordered samples %v", samples)
			}
		}
	})
}
