package wheel

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// supportedWheelMajor is the Wheel-Version major this installer implements;
// supportedWheelMinor the highest minor it knows.
const (
	supportedWheelMajor = 1
	supportedWheelMinor = 0
)

// distInfo is what the .dist-info directory says about the wheel.
type distInfo struct {
	dir            string // e.g. pip-23.2.1.dist-info
	dataDir        string // e.g. pip-23.2.1.data
	name, version  string // from METADATA
	requiresPython string // METADATA Requires-Python, may be empty
	rootIsPurelib  bool
	wheelVersion   string
	minorNewer     bool // Wheel-Version minor newer than supported: warn
}

// findDistInfo locates the single top-level *.dist-info directory and reads
// WHEEL and METADATA.
func (a *archive) findDistInfo() (distInfo, error) {
	var dirs []string
	seen := map[string]bool{}
	for _, n := range a.names {
		top, _, ok := strings.Cut(n, "/")
		if ok && strings.HasSuffix(top, ".dist-info") && !seen[top] {
			seen[top] = true
			dirs = append(dirs, top)
		}
	}
	if len(dirs) != 1 {
		return distInfo{}, invalid(a.path, "want exactly one top-level .dist-info directory, found %d %v", len(dirs), dirs)
	}
	d := distInfo{dir: dirs[0], dataDir: strings.TrimSuffix(dirs[0], ".dist-info") + ".data"}
	wheelHdr, err := a.readHeaders(d.dir + "/WHEEL")
	if err != nil {
		return distInfo{}, err
	}
	if err := d.checkWheelVersion(a.path, wheelHdr.Get("Wheel-Version")); err != nil {
		return distInfo{}, err
	}
	d.rootIsPurelib = strings.EqualFold(strings.TrimSpace(wheelHdr.Get("Root-Is-Purelib")), "true")
	meta, err := a.readHeaders(d.dir + "/METADATA")
	if err != nil {
		return distInfo{}, err
	}
	d.name, d.version = strings.TrimSpace(meta.Get("Name")), strings.TrimSpace(meta.Get("Version"))
	d.requiresPython = strings.TrimSpace(meta.Get("Requires-Python"))
	if d.name == "" || d.version == "" {
		return distInfo{}, invalid(a.path, "%s/METADATA lacks Name or Version", d.dir)
	}
	stem := strings.TrimSuffix(d.dir, ".dist-info")
	dname, dver, ok := strings.Cut(stem, "-")
	if !ok || pep.NormalizeName(dname) != pep.NormalizeName(d.name) || !sameVersion(dver, d.version) {
		return distInfo{}, invalid(a.path, "%s does not match METADATA %s %s", d.dir, d.name, d.version)
	}
	return d, nil
}

func (d *distInfo) checkWheelVersion(p, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return invalid(p, "%s/WHEEL has no Wheel-Version", d.dir)
	}
	var major, minor int
	if _, err := fmt.Sscanf(v, "%d.%d", &major, &minor); err != nil {
		return invalid(p, "%s/WHEEL: bad Wheel-Version %q", d.dir, v)
	}
	if major != supportedWheelMajor {
		return invalid(p, "unsupported Wheel-Version %s (this installer supports %d.x)", v, supportedWheelMajor)
	}
	d.wheelVersion, d.minorNewer = v, minor > supportedWheelMinor
	return nil
}

// sameVersion compares two PEP 440 versions, falling back to text.
func sameVersion(a, b string) bool {
	va, errA := pep.ParseVersion(a)
	vb, errB := pep.ParseVersion(b)
	if errA != nil || errB != nil {
		return strings.EqualFold(a, b)
	}
	return pep.Compare(va, vb) == 0
}

const maxMetadataBytes = 16 << 20

// readFile reads a small archive member fully, capped.
func (a *archive) readFile(name string) ([]byte, error) {
	zf, ok := a.files[name]
	if !ok {
		return nil, invalid(a.path, "missing %s", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, invalid(a.path, "%s: %v", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxMetadataBytes+1))
	if err != nil {
		return nil, invalid(a.path, "%s: %v", name, err)
	}
	if len(data) > maxMetadataBytes {
		return nil, invalid(a.path, "%s is larger than %d bytes", name, maxMetadataBytes)
	}
	return data, nil
}

// readHeaders parses an email-header style file (WHEEL, METADATA).
func (a *archive) readHeaders(name string) (textproto.MIMEHeader, error) {
	data, err := a.readFile(name)
	if err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(data, []byte("\n\n")) {
		data = append(data, '\n', '\n') // tolerate a missing blank line before the body
	}
	hdr, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(data))).ReadMIMEHeader()
	if err != nil && len(hdr) == 0 {
		return nil, invalid(a.path, "%s: %v", name, err)
	}
	return hdr, nil
}

// checkRequiresPython reports an error when the wheel's Requires-Python
// excludes pythonVersion ("3.11" or "3.11.7"). A version without a patch
// level is excluded only when neither its first nor a late patch release
// would do (">=3.11.2" admits "3.11"; ">=3.12" and "!=3.11.*" do not).
func (d distInfo) checkRequiresPython(pythonVersion string) error {
	if d.requiresPython == "" || pythonVersion == "" {
		return nil
	}
	spec, err := pep.ParseSpecifierSet(d.requiresPython)
	if err != nil {
		return nil // unparseable metadata is not ours to judge; pip ignores it too
	}
	candidates := []string{pythonVersion}
	if strings.Count(pythonVersion, ".") == 1 {
		candidates = []string{pythonVersion + ".0", pythonVersion + ".999"}
	}
	for _, c := range candidates {
		if v, err := pep.ParseVersion(c); err == nil && spec.Contains(v, true) {
			return nil
		}
	}
	return fmt.Errorf("%s %s requires Python %s, the target is %s", d.name, d.version, d.requiresPython, pythonVersion)
}
