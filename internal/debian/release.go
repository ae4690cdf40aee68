package debian

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Release is a parsed Release file: what the archive says about one suite
// and the SHA256 of every index file under it.
type Release struct {
	Suite, Codename string
	Date            string
	Components      []string
	Architectures   []string
	NotAutomatic    bool
	// Files maps a path relative to the suite directory
	// ("main/binary-amd64/Packages.xz") to its size and SHA256.
	Files map[string]FileSum
}

// FileSum is one line of a Release file's SHA256 section.
type FileSum struct {
	Size   int64
	SHA256 string
}

// DefaultKeyring is where debian-archive-keyring installs Debian's archive keys.
const DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// VerifyInRelease checks the OpenPGP clearsigned InRelease data against the
// keys in keyringPath (a binary or armored keyring) and returns the signed
// text. Unsigned, badly signed or unknown-key data is an error.
func VerifyInRelease(data []byte, path, keyringPath string) ([]byte, error) {
	keys, err := readKeyring(keyringPath)
	if err != nil {
		return nil, err
	}
	block, _ := clearsign.Decode(data)
	if block == nil {
		return nil, inputerr.At(path, 0, 0, "not an OpenPGP clearsigned file")
	}
	if _, err := block.VerifySignature(keys, nil); err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "signature does not verify against " + keyringPath, Err: err}
	}
	return block.Plaintext, nil
}

func readKeyring(path string) (openpgp.EntityList, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	keys, err := openpgp.ReadKeyRing(bytes.NewReader(b))
	if err != nil || len(keys) == 0 {
		if keys, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(b)); err != nil {
			return nil, &inputerr.Error{Path: path, Msg: "not an OpenPGP keyring", Err: err}
		}
	}
	return keys, nil
}

// ParseRelease parses the (verified) text of a Release file.
func ParseRelease(text []byte, path string) (*Release, error) {
	var r *Release
	err := ParseParagraphs(bytes.NewReader(text), path, func(p Paragraph) error {
		if r != nil {
			return inputerr.At(path, p.Line, 0, "a Release file has one paragraph")
		}
		r = &Release{Suite: p.Get("Suite"), Codename: p.Get("Codename"), Date: p.Get("Date"),
			Components: strings.Fields(p.Get("Components")), Architectures: strings.Fields(p.Get("Architectures")),
			NotAutomatic: strings.EqualFold(p.Get("NotAutomatic"), "yes"), Files: map[string]FileSum{}}
		for i, l := range p.Lines("SHA256") {
			f := strings.Fields(l)
			size, err := strconv.ParseInt(safeIndex(f, 1), 10, 64)
			if len(f) != 3 || !isHex64(strings.ToLower(f[0])) || err != nil {
				return inputerr.At(path, p.FieldLine("SHA256")+1+i, 0, "SHA256: expected \"<64 hex> <size> <path>\", got %q", l)
			}
			r.Files[f[2]] = FileSum{Size: size, SHA256: strings.ToLower(f[0])}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r == nil || len(r.Files) == 0 {
		return nil, inputerr.At(path, 0, 0, "no SHA256 section: cannot verify the indexes this Release names")
	}
	return r, nil
}

// parseReleaseDate reads a Release file's Date (RFC 2822, "UTC" zone).
// Valid-Until is not enforced: pinwheel resolves against whatever snapshot
// the user points it at, and the lock records which one.
func parseReleaseDate(s string) (time.Time, error) {
	return time.Parse(time.RFC1123Z, strings.Replace(s, "UTC", "+0000", 1))
}

func safeIndex(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}
