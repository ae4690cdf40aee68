package attest

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
)

// hexOf makes a deterministic hex string of n characters from a seed, so
// fixtures carry well-formed digests without pasting real ones.
func hexOf(seed string, n int) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		c := seed[i%len(seed)]
		b.WriteByte(digits[(int(c)+i*7)%16])
	}
	return b.String()
}

func sha(seed string) map[string]string { return map[string]string{"sha256": hexOf(seed, 64)} }

// kitchenSinkLock exercises every source kind, groups, direct flags and a
// dependency graph with a version-specific edge, in the shape uv.lock gives.
func kitchenSinkLock() *lock.Lock {
	return &lock.Lock{
		Format:      lock.FormatUV,
		Path:        "testdata/shop/uv.lock",
		LockVersion: "1",
		Indexes:     []lock.Index{{URL: "https://pypi.org/simple"}},
		Groups:      []string{"dev"},
		Extras:      []string{"extra-fast"},
		Packages: []lock.Package{
			{Name: "shop", Version: "0.3.0", Source: lock.Source{Kind: lock.SourceVirtual, Path: "."},
				Dependencies: []lock.Dependency{{Name: "requests"}, {Name: "internal-lib"}, {Name: "pytest"}, {Name: "tiny"}}},
			{Name: "requests", Version: "2.32.3", Direct: true, Groups: []string{"main"},
				Source: lock.Source{Kind: lock.SourceRegistry, URL: "https://pypi.org/simple"},
				Artifacts: []lock.Artifact{
					{Kind: lock.ArtifactSdist, Name: "requests-2.32.3.tar.gz", URL: "https://files.pythonhosted.org/packages/requests-2.32.3.tar.gz", Hashes: sha("requests-sdist")},
					{Kind: lock.ArtifactWheel, Name: "requests-2.32.3-py3-none-any.whl", URL: "https://files.pythonhosted.org/packages/requests-2.32.3-py3-none-any.whl", Hashes: sha("requests-wheel")},
				},
				Dependencies: []lock.Dependency{{Name: "urllib3", Version: "2.2.3"}, {Name: "idna"}}},
			{Name: "urllib3", Version: "1.26.20", Groups: []string{"main"}, Marker: "python_version < '3.10'",
				Source:    lock.Source{Kind: lock.SourceRegistry, URL: "https://pypi.org/simple"},
				Artifacts: []lock.Artifact{{Kind: lock.ArtifactWheel, Name: "urllib3-1.26.20-py2.py3-none-any.whl", URL: "https://files.pythonhosted.org/packages/urllib3-1.26.20-py2.py3-none-any.whl", Hashes: sha("urllib3-1")}}},
			{Name: "urllib3", Version: "2.2.3", Groups: []string{"main"},
				Source:    lock.Source{Kind: lock.SourceRegistry, URL: "https://pypi.org/simple"},
				Artifacts: []lock.Artifact{{Kind: lock.ArtifactWheel, Name: "urllib3-2.2.3-py3-none-any.whl", URL: "https://files.pythonhosted.org/packages/urllib3-2.2.3-py3-none-any.whl", Hashes: map[string]string{"sha256": hexOf("urllib3-2", 64), "sha512": hexOf("urllib3-2x", 128), "whirlpool": "ab"}}}},
			{Name: "idna", Version: "3.10", Groups: []string{"main"},
				Source:    lock.Source{Kind: lock.SourceRegistry, URL: "https://mirror.example/simple/"},
				Artifacts: []lock.Artifact{{Kind: lock.ArtifactWheel, Name: "idna-3.10-py3-none-any.whl", URL: "https://mirror.example/files/idna-3.10-py3-none-any.whl", Hashes: sha("idna")}}},
			{Name: "internal-lib", Version: "1.4.0", Direct: true, Groups: []string{"main"},
				Source: lock.Source{Kind: lock.SourceGit, VCS: "git", URL: "git@github.com:acme/internal-lib.git", Ref: "v1.4.0", Commit: "0123456789abcdef0123456789abcdef01234567"}},
			{Name: "tiny", Direct: true, Groups: []string{"main"},
				Source: lock.Source{Kind: lock.SourceDirectory, Path: "libs/tiny"}},
			{Name: "wheelhouse-pkg", Version: "0.1", Groups: []string{"extra-fast"},
				Source:    lock.Source{Kind: lock.SourceURL, URL: "https://downloads.example/wheelhouse_pkg-0.1-py3-none-any.whl"},
				Artifacts: []lock.Artifact{{Kind: lock.ArtifactArchive, URL: "https://downloads.example/wheelhouse_pkg-0.1-py3-none-any.whl", Hashes: sha("wheelhouse")}}},
			{Name: "pytest", Version: "8.3.3", Direct: true, Groups: []string{"dev"},
				Source:       lock.Source{Kind: lock.SourceRegistry, URL: "https://pypi.org/simple"},
				Artifacts:    []lock.Artifact{{Kind: lock.ArtifactWheel, Name: "pytest-8.3.3-py3-none-any.whl", URL: "https://files.pythonhosted.org/packages/pytest-8.3.3-py3-none-any.whl", Hashes: sha("pytest")}},
				Dependencies: []lock.Dependency{{Name: "pluggy"}, {Name: "not-in-lock"}}},
			{Name: "pluggy", Version: "1.5.0", Groups: []string{"dev"},
				Source:    lock.Source{Kind: lock.SourceRegistry, URL: "https://pypi.org/simple"},
				Artifacts: []lock.Artifact{{Kind: lock.ArtifactWheel, Name: "pluggy-1.5.0-py3-none-any.whl", URL: "https://files.pythonhosted.org/packages/pluggy-1.5.0-py3-none-any.whl", Hashes: sha("pluggy")}}},
		},
	}
}

// requirementsLock is the shape a hashed requirements.txt gives: no edges,
// no groups, one artifact per package carrying several hashes.
func requirementsLock() *lock.Lock {
	return &lock.Lock{
		Format: lock.FormatRequirements,
		Path:   "svc/requirements.txt",
		Packages: []lock.Package{
			{Name: "flask", Version: "3.0.3", Direct: true, Source: lock.Source{Kind: lock.SourceRegistry},
				Artifacts: []lock.Artifact{{Hashes: sha("flask")}, {Hashes: sha("flask-2")}}},
			{Name: "werkzeug", Version: "3.0.4", Source: lock.Source{Kind: lock.SourceRegistry},
				Artifacts: []lock.Artifact{{Hashes: sha("werkzeug")}}},
		},
	}
}

// oddLock holds the things that must not break an SBOM: a package with no
// version and no source, a duplicate entry, empty hashes, a bad URL.
func oddLock() *lock.Lock {
	return &lock.Lock{
		Packages: []lock.Package{
			{Name: "noversion"},
			{Name: "dup", Version: "1.0", Source: lock.Source{Kind: lock.SourceRegistry}},
			{Name: "dup", Version: "1.0", Source: lock.Source{Kind: lock.SourceRegistry}},
			{Name: "weird_name.x", Version: "1.0+local.7",
				Artifacts: []lock.Artifact{{URL: "not a url with spaces", Hashes: map[string]string{"sha256": "zz"}}}},
			{Name: "git-no-commit", Source: lock.Source{Kind: lock.SourceGit, URL: "https://git.example/x.git"},
				Dependencies: []lock.Dependency{{Name: "git-no-commit"}}},
			{Name: "", Version: "0"},
			{Name: "ünïcode", Version: "1.0", Source: lock.Source{Kind: lock.SourceGit, URL: "git@host.example:team/repo.git", Ref: "main"},
				Dependencies: []lock.Dependency{{Name: "dup", Version: "9.9"}}},
			{Name: "blake", Version: "2", Source: lock.Source{Kind: lock.SourceURL, URL: "relative/path.tar.gz"},
				Artifacts: []lock.Artifact{{Hashes: map[string]string{"blake2b": hexOf("b", 128), "MD5": hexOf("m", 32), "sha3-256": hexOf("s", 64)}}}},
		},
	}
}
