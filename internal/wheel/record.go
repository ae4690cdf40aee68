package wheel

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/csv"
	"hash"
	"sort"
	"strconv"
	"strings"
)

// recordEntry is one RECORD row of the wheel as built.
type recordEntry struct {
	alg    string // "sha256", "sha384", "sha512"
	digest []byte
	size   int64 // -1 when not given
}

func newRecordHash(alg string) hash.Hash {
	switch alg {
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// parseRecord reads the wheel's RECORD. Every archive file other than RECORD
// and its signatures must appear with a sha256-or-stronger hash (md5 and
// sha1 are not allowed by the spec), and every row must name an archive file.
func (a *archive) parseRecord(d distInfo) (map[string]recordEntry, error) {
	recordName := d.dir + "/RECORD"
	data, err := a.readFile(recordName)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, invalid(a.path, "%s: %v", recordName, err)
	}
	out := map[string]recordEntry{}
	for i, row := range rows {
		if len(row) != 3 {
			return nil, invalid(a.path, "%s line %d: want 3 fields (path,hash,size), got %d", recordName, i+1, len(row))
		}
		name := row[0]
		if unsigned(d, name) {
			continue
		}
		if _, ok := a.files[name]; !ok {
			return nil, invalid(a.path, "%s line %d: %q is not in the archive", recordName, i+1, name)
		}
		if _, dup := out[name]; dup {
			return nil, invalid(a.path, "%s line %d: %q listed twice", recordName, i+1, name)
		}
		alg, b64, ok := strings.Cut(row[1], "=")
		if !ok || newRecordHash(alg) == nil {
			return nil, invalid(a.path, "%s line %d: %q needs a sha256, sha384 or sha512 hash, got %q", recordName, i+1, name, row[1])
		}
		digest, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
		if err != nil || len(digest) != newRecordHash(alg).Size() {
			return nil, invalid(a.path, "%s line %d: bad %s digest for %q", recordName, i+1, alg, name)
		}
		e := recordEntry{alg: alg, digest: digest, size: -1}
		if row[2] != "" {
			if e.size, err = strconv.ParseInt(row[2], 10, 64); err != nil || e.size < 0 {
				return nil, invalid(a.path, "%s line %d: bad size %q for %q", recordName, i+1, row[2], name)
			}
		}
		out[name] = e
	}
	for _, n := range a.names {
		if _, ok := out[n]; !ok && !unsigned(d, n) {
			return nil, invalid(a.path, "%s is not listed in %s", n, recordName)
		}
	}
	return out, nil
}

// unsigned reports whether name is RECORD or one of its signature files,
// which RECORD cannot hash.
func unsigned(d distInfo, name string) bool {
	switch name {
	case d.dir + "/RECORD", d.dir + "/RECORD.jws", d.dir + "/RECORD.p7s":
		return true
	}
	return false
}

// installedRow is one row of the RECORD written after install: the path is
// relative to the directory holding the .dist-info directory.
type installedRow struct {
	path   string
	sha256 []byte // nil for RECORD itself
	size   int64
}

func encodeRecord(rows []installedRow) []byte {
	sort.Slice(rows, func(i, j int) bool { return rows[i].path < rows[j].path })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		if r.sha256 == nil {
			_ = w.Write([]string{r.path, "", ""})
			continue
		}
		_ = w.Write([]string{r.path, "sha256=" + base64.RawURLEncoding.EncodeToString(r.sha256), strconv.FormatInt(r.size, 10)})
	}
	w.Flush()
	return buf.Bytes()
}
