package publish

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/google/renameio/v2"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// writeFileAtomic writes data to path through a temp file in the same
// directory, readable by all whatever the umask.
func writeFileAtomic(path string, data []byte) error {
	return renameio.WriteFile(path, data, 0o644, renameio.WithStaticPermissions(0o644))
}

// writeBeside writes each attachment as PATH.<FileName> next to a local output.
func writeBeside(path string, atts []Attachment) ([]AttachmentResult, error) {
	var out []AttachmentResult
	for _, a := range atts {
		if a.FileName == "" {
			continue
		}
		p := filepath.Clean(path) + "." + a.FileName
		if err := writeFileAtomic(p, a.Data); err != nil {
			return nil, err
		}
		out = append(out, AttachmentResult{Kind: a.Kind, Ref: p})
	}
	return out, nil
}

// readAllLimited reads r to its end, refusing more than limit bytes.
func readAllLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than %d bytes", limit)
	}
	return data, nil
}

// signedFiles turns signed attestations into attachments written beside a local output.
func signedFiles(signed []Signed) []Attachment {
	var out []Attachment
	for _, s := range signed {
		out = append(out, Attachment{Kind: "signed", FileName: s.FileName, Data: s.Envelope})
	}
	return out
}
