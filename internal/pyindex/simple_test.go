package pyindex

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

var pageBase, _ = url.Parse("https://example.test/simple/demo/")

func TestParseSimpleJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []File
		wantErr string
	}{
		{
			name: "full_file",
			in: `{"meta":{"api-version":"1.1"},"name":"demo","files":[
				{"filename":"demo-1.0-py3-none-any.whl","url":"../../files/demo-1.0-py3-none-any.whl",
				 "hashes":{"SHA256":"ABCD"},"requires-python":">=3.8","yanked":"broken","core-metadata":{"sha256":"ee"}}]}`,
			want: []File{{Filename: "demo-1.0-py3-none-any.whl", URL: "https://example.test/files/demo-1.0-py3-none-any.whl",
				Hashes: map[string]string{"sha256": "abcd"}, RequiresPython: ">=3.8", Yanked: true, YankedReason: "broken",
				CoreMetadata: true, CoreMetadataHashes: map[string]string{"sha256": "ee"}}},
		},
		{
			name: "yanked_true_dist_info_metadata_bool",
			in:   `{"meta":{"api-version":"1.0"},"name":"demo","files":[{"filename":"demo-1.0.tar.gz","url":"https://files.test/demo-1.0.tar.gz#sha256=ff","hashes":{},"yanked":true,"dist-info-metadata":true}]}`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: "https://files.test/demo-1.0.tar.gz", Hashes: map[string]string{"sha256": "ff"}, Yanked: true, CoreMetadata: true}},
		},
		{name: "api_version_2", in: `{"meta":{"api-version":"2.0"},"name":"demo","files":[]}`, wantErr: "unsupported api-version"},
		{name: "api_version_missing", in: `{"name":"demo","files":[]}`, wantErr: "api-version missing"},
		{name: "filename_with_slash", in: `{"meta":{"api-version":"1.0"},"files":[{"filename":"../x.whl","url":"x"}]}`, wantErr: "bad filename"},
		{name: "yanked_number", in: `{"meta":{"api-version":"1.0"},"files":[{"filename":"x.whl","url":"x","yanked":3}]}`, wantErr: "want bool or string"},
		{name: "not_json", in: `<html>`, wantErr: "parse simple API JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := ParseSimpleJSON([]byte(tt.in), pageBase)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(page.Files, tt.want) {
				t.Errorf("files =\n%+v\nwant\n%+v", page.Files, tt.want)
			}
		})
	}
}

func TestParseSimpleHTML(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []File
		wantErr string
	}{
		{
			name: "pep503_with_attributes",
			in: `<!DOCTYPE html><html><body>
<a href="../../files/demo-1.0-py3-none-any.whl#sha256=ABC" data-requires-python="&gt;=3.8" data-yanked="" data-core-metadata="sha256=dd">demo-1.0-py3-none-any.whl</a><br/>
<a href="https://files.test/demo-0.9.tar.gz">demo-0.9.tar.gz</a>
</body></html>`,
			want: []File{
				{Filename: "demo-1.0-py3-none-any.whl", URL: "https://example.test/files/demo-1.0-py3-none-any.whl",
					Hashes: map[string]string{"sha256": "abc"}, RequiresPython: ">=3.8", Yanked: true,
					CoreMetadata: true, CoreMetadataHashes: map[string]string{"sha256": "dd"}},
				{Filename: "demo-0.9.tar.gz", URL: "https://files.test/demo-0.9.tar.gz"},
			},
		},
		{
			name: "base_href_and_empty_text",
			in:   `<html><head><base href="https://mirror.test/pkgs/"></head><body><a href="demo-1.0.zip#md5=00"></a></body></html>`,
			want: []File{{Filename: "demo-1.0.zip", URL: "https://mirror.test/pkgs/demo-1.0.zip", Hashes: map[string]string{"md5": "00"}}},
		},
		{name: "dist_info_metadata_false", in: `<a href="x.whl" data-dist-info-metadata="false">x.whl</a>`,
			want: []File{{Filename: "x.whl", URL: "https://example.test/simple/demo/x.whl"}}},
		{name: "anchor_without_href", in: `<a name="top">top</a>`, wantErr: "has no href"},
		{name: "unclosed_anchor", in: `<a href="x.whl">x.whl`, wantErr: "unclosed <a>"},
		{name: "empty_page", in: ``, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := ParseSimpleHTML([]byte(tt.in), pageBase)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(page.Files, tt.want) {
				t.Errorf("files =\n%+v\nwant\n%+v", page.Files, tt.want)
			}
		})
	}
}

func FuzzParseSimpleHTML(f *testing.F) {
	f.Add(`<a href="../../files/a-1-py3-none-any.whl#sha256=00" data-yanked="x" data-requires-python="&gt;=3">a-1-py3-none-any.whl</a>`)
	f.Add(`<base href="http://h/"><a href="x">x</a><a/>`)
	f.Add(`<a href="%zz">`)
	f.Fuzz(func(t *testing.T, in string) {
		page, err := ParseSimpleHTML([]byte(in), pageBase)
		if err == nil {
			for _, file := range page.Files {
				if strings.Contains(file.URL, "#") {
					t.Fatalf("fragment kept in %q", file.URL)
				}
			}
		}
	})
}

func FuzzParseSimpleJSON(f *testing.F) {
	f.Add(`{"meta":{"api-version":"1.0"},"name":"a","files":[{"filename":"a.whl","url":"a.whl","hashes":{"sha256":"00"},"yanked":"r","core-metadata":{"sha256":"1"}}]}`)
	f.Add(`{"meta":{"api-version":"1.1"},"files":[{"filename":"a","url":"%zz"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		page, err := ParseSimpleJSON([]byte(in), pageBase)
		if err == nil {
			for _, file := range page.Files {
				if file.Filename == "" || strings.ContainsAny(file.Filename, "/\\") {
					t.Fatalf("accepted filename %q", file.Filename)
				}
			}
		}
	})
}
