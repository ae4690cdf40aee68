package vuln

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/renameio/v2"
)

// API is a Source backed by the OSV API: POST /v1/querybatch says which
// advisories (id, modified) affect each package; GET /v1/vulns/{id}
// fetches each record, kept in CacheDir and fetched again only when the
// API reports a newer modified time.
type API struct {
	BaseURL  string // e.g. https://api.osv.dev; the tests' httptest server
	Client   *http.Client
	CacheDir string // "" for no cache
}

var _ Source = (*API)(nil)

// batchSize is the API's limit of queries per querybatch.
const batchSize = 1000

type apiQuery struct {
	Package   PackageRef `json:"package"`
	Version   string     `json:"version"`
	PageToken string     `json:"page_token,omitempty"`
}

type apiResult struct {
	Vulns []struct {
		ID       string `json:"id"`
		Modified string `json:"modified"`
	} `json:"vulns"`
	NextPageToken string `json:"next_page_token"`
}

// Query asks querybatch about pkgs (in batches, following page tokens)
// and returns the records it names, fetched or read from the cache.
// Withdrawn records are left out.
func (a *API) Query(ctx context.Context, pkgs []Package) ([][]*Record, error) {
	out := make([][]*Record, len(pkgs))
	for start := 0; start < len(pkgs); start += batchSize {
		end := min(start+batchSize, len(pkgs))
		pending := map[int]string{} // index → page token
		for i := start; i < end; i++ {
			pending[i] = ""
		}
		for round := 0; len(pending) > 0; round++ {
			if round > 100 {
				return nil, fmt.Errorf("osv api: querybatch still paging after 100 rounds")
			}
			idx := slices.Sorted(maps.Keys(pending))
			qs := make([]apiQuery, len(idx))
			for k, i := range idx {
				qs[k] = apiQuery{Package: PackageRef{Ecosystem: pkgs[i].Ecosystem, Name: pkgs[i].Name}, Version: pkgs[i].Version, PageToken: pending[i]}
			}
			results, err := a.querybatch(ctx, qs)
			if err != nil {
				return nil, err
			}
			for k, i := range idx {
				delete(pending, i)
				for _, v := range results[k].Vulns {
					r, err := a.record(ctx, v.ID, v.Modified)
					if err != nil {
						return nil, err
					}
					if r.Withdrawn == "" {
						out[i] = append(out[i], r)
					}
				}
				if t := results[k].NextPageToken; t != "" {
					pending[i] = t
				}
			}
		}
	}
	return out, nil
}

func (a *API) client() *http.Client {
	if a.Client != nil {
		return a.Client
	}
	return http.DefaultClient
}

func (a *API) querybatch(ctx context.Context, qs []apiQuery) ([]apiResult, error) {
	body, err := json.Marshal(map[string]any{"queries": qs})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(a.BaseURL, "/")+"/v1/querybatch", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	var resp struct {
		Results []apiResult `json:"results"`
	}
	if err := a.do(req, &resp); err != nil {
		return nil, err
	}
	if len(resp.Results) != len(qs) {
		return nil, fmt.Errorf("osv api: querybatch answered %d results for %d queries", len(resp.Results), len(qs))
	}
	return resp.Results, nil
}

// record returns the record id, from the cache when its modified time is
// the one the API reported, else from GET /v1/vulns/{id}.
func (a *API) record(ctx context.Context, id, modified string) (*Record, error) {
	if strings.ContainsAny(id, "/\\") || id == "" || id[0] == '.' {
		return nil, fmt.Errorf("osv api: invalid advisory id %q", id)
	}
	cache := ""
	if a.CacheDir != "" {
		cache = filepath.Join(a.CacheDir, "vulns", id+".json")
		if data, err := os.ReadFile(cache); err == nil {
			if r, err := ParseRecord(cache, data); err == nil && r.Modified == modified {
				return r, nil
			}
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(a.BaseURL, "/")+"/v1/vulns/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := a.do(req, &raw); err != nil {
		return nil, err
	}
	r, err := ParseRecord(req.URL.String(), raw)
	if err != nil {
		return nil, err
	}
	if cache != "" {
		if err := os.MkdirAll(filepath.Dir(cache), 0o755); err != nil {
			return nil, err
		}
		if err := renameio.WriteFile(cache, raw, 0o644); err != nil {
			return nil, fmt.Errorf("osv cache: %w", err)
		}
	}
	return r, nil
}

func (a *API) do(req *http.Request, into any) error {
	resp, err := a.client().Do(req)
	if err != nil {
		return fmt.Errorf("osv api: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("osv api: %s %s: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("osv api: %s %s: %s: %s", req.Method, req.URL.Path, resp.Status, strings.TrimSpace(string(data[:min(len(data), 200)])))
	}
	if err := json.Unmarshal(data, into); err != nil {
		return fmt.Errorf("osv api: %s %s: %w", req.Method, req.URL.Path, err)
	}
	return nil
}
