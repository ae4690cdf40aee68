package lock

import (
	"strings"
	"testing"
)

// colOf is the 1-based column of needle on the 1-based line of src.
func colOf(t *testing.T, src string, line int, needle string) int {
	t.Helper()
	lines := strings.Split(src, "\n")
	i := strings.Index(lines[line-1], needle)
	if i < 0 {
		t.Fatalf("%q not on line %d of test input", needle, line)
	}
	return i + 1
}

type tomlErrorCase struct {
	name   string
	src    string
	line   int
	needle string // the error's column is where this sits on line ("" = any column)
	want   string // in the message
}

func runTOMLErrors(t *testing.T, format Format, file string, cases []tomlErrorCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse(file, format, []byte(tc.src))
			if err == nil {
				t.Fatalf("parsed without error: %+v", l)
			}
			col := 0
			if tc.needle != "" {
				col = colOf(t, tc.src, tc.line, tc.needle)
			}
			t.Log(err)
			wantInputErr(t, err, tc.line, col, tc.want)
			if !strings.HasPrefix(err.Error(), file+":") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

const uvHead = "version = 1\nrequires-python = \">=3.12\"\n\n"

func TestParseUVErrors(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	runTOMLErrors(t, FormatUV, "uv.lock", []tomlErrorCase{
		{"syntax", uvHead + "[[package]\nname = \"a\"\n", 4, "", "invalid TOML"},
		{"duplicate_key", uvHead + "[[package]]\nname = \"a\"\nname = \"b\"\n", 6, "", "invalid TOML"},
		{"missing_version", "requires-python = \">=3.12\"\n", 1, "", "missing top-level \"version\""},
		{"unsupported_version", "version = 2\n", 1, "version", "version 2 is not supported"},
		{"version_wrong_type", "version = \"1\"\n", 1, "version", "expected an integer, found a string"},
		{"package_without_name", uvHead + "[[package]]\nversion = \"1.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n", 4, "[[package]]", "missing \"name\""},
		{"bad_package_name", uvHead + "[[package]]\nname = \"a b\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\n", 5, "name", "\"a b\" is not a valid package name"},
		{"package_without_source", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\n", 4, "", "missing \"source\""},
		{"unknown_source_shape", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { svn = \"x\" }\n", 7, "source", "expected exactly one of registry, git"},
		{"two_source_kinds", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\", path = \"p\" }\n", 7, "source", "found 2"},
		{"hash_without_hex", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\nsdist = { url = \"https://x/a-1.0.tar.gz\", hash = \"sha256:\" }\n", 8, "hash", "no digest"},
		{"hash_without_algorithm", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\nwheels = [\n    { url = \"https://x/a-1.0-py3-none-any.whl\", hash = \"" + hex + "\" },\n]\n", 9, "hash", "expected algorithm:hex"},
		{"hash_not_hex", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\nsdist = { hash = \"sha256:" + strings.Repeat("zz", 32) + "\" }\n", 8, "hash", "not hexadecimal"},
		{"hash_short", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\nsdist = { hash = \"sha256:abcd\" }\n", 8, "hash", "4 hex digits, expected 64"},
		{"negative_size", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\nsdist = { hash = \"sha256:" + hex + "\", size = -1 }\n", 8, "size", "expected a size in bytes"},
		{"git_commit_not_hex", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { git = \"https://g/a?rev=main#nothex\" }\n", 7, "git", "not a hex commit id"},
		{"dangling_dependency", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\ndependencies = [\n    { name = \"b\" },\n]\n", 9, "{", "\"b\" of a is not a locked package"},
		{"ambiguous_dependency", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\ndependencies = [{ name = \"b\" }]\n\n[[package]]\nname = \"b\"\nversion = \"1\"\nsource = { registry = \"r\" }\n\n[[package]]\nname = \"b\"\nversion = \"2\"\nsource = { registry = \"r\" }\n", 8, "{", "ambiguous"},
		{"wheel_without_location", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\nwheels = [\n    { hash = \"sha256:" + hex + "\" },\n]\n", 9, "{", "expected the file's \"url\" or \"path\""},
		{"wheels_not_array", uvHead + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = { registry = \"r\" }\nwheels = \"a.whl\"\n", 8, "wheels", "expected an array of tables"},
	})
}

func TestParsePylockErrors(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	head := "lock-version = \"1.0\"\ncreated-by = \"test\"\n\n"
	wheel := "wheels = [{ url = \"https://x/a-1.0-py3-none-any.whl\", hashes = { sha256 = \"" + hex + "\" } }]\n"
	runTOMLErrors(t, FormatPylock, "pylock.toml", []tomlErrorCase{
		{"syntax", head + "[[packages]]\nname = \"a\n", 5, "", "invalid TOML"},
		{"major_version", "lock-version = \"2.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n", 1, "lock-version", "lock-version \"2.0\" is not supported"},
		{"bad_version", "lock-version = \"one\"\n", 1, "lock-version", "expected MAJOR.MINOR"},
		{"missing_lock_version", "created-by = \"x\"\n", 1, "", "missing \"lock-version\""},
		{"missing_created_by", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\n", 1, "", "missing \"created-by\""},
		{"missing_packages", head, 1, "", "missing [[packages]]"},
		{"package_without_name", head + "[[packages]]\nversion = \"1.0\"\n" + wheel, 4, "[[packages]]", "missing \"name\""},
		{"vcs_and_wheels", head + "[[packages]]\nname = \"a\"\nvcs = { type = \"git\", url = \"u\", commit-id = \"" + strings.Repeat("a", 40) + "\" }\n" + wheel, 4, "[[packages]]", "has vcs and sdist/wheels"},
		{"directory_and_archive", head + "[[packages]]\nname = \"a\"\ndirectory = { path = \".\" }\narchive = { url = \"u\", hashes = { sha256 = \"" + hex + "\" } }\n", 4, "", "at most one of vcs, directory, archive"},
		{"wheel_without_hashes", head + "[[packages]]\nname = \"a\"\nversion = \"1.0\"\nwheels = [{ url = \"https://x/a-1.0-py3-none-any.whl\" }]\n", 7, "{", "missing \"hashes\""},
		{"empty_hashes", head + "[[packages]]\nname = \"a\"\nversion = \"1.0\"\nsdist = { url = \"https://x/a-1.0.tar.gz\", hashes = {} }\n", 7, "hashes", "empty"},
		{"bad_hash_hex", head + "[[packages]]\nname = \"a\"\nversion = \"1.0\"\nsdist = { url = \"https://x/a-1.0.tar.gz\", hashes = { sha256 = \"xyz\" } }\n", 7, "sha256", "not hexadecimal"},
		{"wheel_with_only_a_name", head + "[[packages]]\nname = \"a\"\nversion = \"1.0\"\nwheels = [{ name = \"a-1.0-py3-none-any.whl\", hashes = { sha256 = \"" + hex + "\" } }]\n", 7, "{", "expected \"url\" or \"path\""},
		{"archive_without_location", head + "[[packages]]\nname = \"a\"\narchive = { hashes = { sha256 = \"" + hex + "\" } }\n", 6, "archive", "expected \"url\" or \"path\""},
		{"vcs_without_commit", head + "[[packages]]\nname = \"a\"\n\n[packages.vcs]\ntype = \"git\"\nurl = \"https://g/a\"\n", 7, "[packages.vcs]", "missing \"commit-id\""},
		{"directory_without_path", head + "[[packages]]\nname = \"a\"\ndirectory = { editable = true }\n", 6, "directory", "missing \"path\""},
		{"upload_time_number", head + "[[packages]]\nname = \"a\"\nversion = \"1.0\"\nsdist = { url = \"https://x/a-1.0.tar.gz\", upload-time = 5, hashes = { sha256 = \"" + hex + "\" } }\n", 7, "upload-time", "expected a datetime"},
		{"attestation_without_kind", head + "[[packages]]\nname = \"a\"\nversion = \"1.0\"\n" + wheel + "\n[[packages.attestation-identities]]\nrepository = \"r\"\n", 9, "[[packages.attestation-identities]]", "missing \"kind\""},
	})
}

func TestParsePoetryErrors(t *testing.T) {
	meta := "\n[metadata]\nlock-version = \"2.1\"\npython-versions = \"^3.11\"\ncontent-hash = \"x\"\n"
	runTOMLErrors(t, FormatPoetry, "poetry.lock", []tomlErrorCase{
		{"syntax", "[[package]]\nname = \"a\"\nversion = 1.0.0\n", 3, "", "invalid TOML"},
		{"missing_metadata", "[[package]]\nname = \"a\"\nversion = \"1.0\"\n", 1, "", "missing [metadata]"},
		{"unsupported_lock_version", "[metadata]\nlock-version = \"3.0\"\n", 2, "lock-version", "not supported (expected 1.x or 2.x)"},
		{"package_without_version", "[[package]]\nname = \"a\"\nfiles = []\n" + meta, 1, "[[package]]", "missing \"version\""},
		{"bad_file_hash", "[[package]]\nname = \"a\"\nversion = \"1.0\"\nfiles = [\n    {file = \"a-1.0.tar.gz\", hash = \"sha256:\"},\n]\n" + meta, 5, "hash", "no digest"},
		{"unknown_source_type", "[[package]]\nname = \"a\"\nversion = \"1.0\"\n\n[package.source]\ntype = \"svn\"\nurl = \"u\"\n" + meta, 6, "type", "unknown source type \"svn\""},
		{"dependency_wrong_type", "[[package]]\nname = \"a\"\nversion = \"1.0\"\n\n[package.dependencies]\nb = 3\n" + meta, 6, "b", "expected a version constraint string"},
		{"markers_wrong_type", "[[package]]\nname = \"a\"\nversion = \"1.0\"\nmarkers = 3\n" + meta, 4, "markers", "expected a marker string"},
		{"metadata_files_bad_hash", "[[package]]\nname = \"a\"\nversion = \"1.0\"\n\n[metadata]\nlock-version = \"1.1\"\n\n[metadata.files]\na = [\n    {file = \"a-1.0.tar.gz\", hash = \"md5:abc\"},\n]\n", 10, "hash", "3 hex digits, expected 32"},
	})
}

func TestParsePDMErrors(t *testing.T) {
	meta := "[metadata]\ngroups = [\"default\"]\nlock_version = \"4.5.0\"\ncontent_hash = \"sha256:x\"\n\n"
	runTOMLErrors(t, FormatPDM, "pdm.lock", []tomlErrorCase{
		{"syntax", meta + "[[package]\n", 6, "", "invalid TOML"},
		{"missing_metadata", "[[package]]\nname = \"a\"\n", 1, "", "missing [metadata]"},
		{"unsupported_lock_version", "[metadata]\nlock_version = \"5.0\"\n", 2, "lock_version", "not supported (expected 3.x or 4.x)"},
		{"package_without_name", meta + "[[package]]\nversion = \"1.0\"\n", 6, "[[package]]", "missing \"name\""},
		{"bad_dependency", meta + "[[package]]\nname = \"a\"\nversion = \"1.0\"\ndependencies = [\n    \"b>=1\",\n    \"[oops]\",\n]\n", 11, "\"[oops]\"", "not a PEP 508 requirement"},
		{"bad_file_hash", meta + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nfiles = [\n    {file = \"a-1.0.tar.gz\", hash = \"sha256\"},\n]\n", 10, "hash", "expected algorithm:hex"},
		{"file_without_name", meta + "[[package]]\nname = \"a\"\nversion = \"1.0\"\nfiles = [\n    {hash = \"sha256:" + strings.Repeat("0", 64) + "\"},\n]\n", 10, "{", "expected \"file\" or \"url\""},
		{"groups_wrong_type", meta + "[[package]]\nname = \"a\"\nversion = \"1.0\"\ngroups = \"default\"\n", 9, "groups", "expected an array of strings"},
	})
}

func TestParseUVRegistryNeedsVersion(t *testing.T) {
	src := uvHead + "[[package]]\nname = \"a\"\nsource = { registry = \"https://pypi.org/simple\" }\n"
	_, err := Parse("uv.lock", FormatUV, []byte(src))
	wantInputErr(t, err, 4, 1, "needs a \"version\"")
}
