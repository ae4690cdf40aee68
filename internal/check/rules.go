package check

import "sort"

// Rule describes one check: its stable ID, default severity, a one-line
// title and how to fix what it finds.
type Rule struct {
	ID       string
	Name     string // kebab-case, for SARIF reportingDescriptor.name
	Severity Severity
	Title    string
	Fix      string
}

// Rules is the catalog, by ID. IDs are stable: PW0xx suppressions, PW1xx
// lock state, PW2xx Python version, PW3xx Dockerfile, PW4xx secrets.
var Rules = map[string]Rule{
	"PW001": {ID: "PW001", Name: "suppression-without-reason", Severity: SeverityMedium,
		Title: "pinwheel:ignore comment gives no reason",
		Fix:   "write the reason: `# pinwheel:ignore PW301 reason: <why this is safe>`"},
	"PW002": {ID: "PW002", Name: "suppression-unknown-rule", Severity: SeverityLow,
		Title: "pinwheel:ignore names a rule that does not exist",
		Fix:   "use a rule ID from `docs/check.md` (PW001…PW407)"},
	"PW101": {ID: "PW101", Name: "no-lockfile", Severity: SeverityHigh,
		Title: "project has no lockfile",
		Fix:   "lock the project: `uv lock`, `poetry lock`, `pdm lock`, `pipenv lock` or `pip-compile --generate-hashes`"},
	"PW102": {ID: "PW102", Name: "lock-missing-dependency", Severity: SeverityHigh,
		Title: "a declared dependency is missing from the lock or outside its specifier",
		Fix:   "re-lock after changing dependencies (`uv lock`, `poetry lock`, …) and commit the lockfile"},
	"PW103": {ID: "PW103", Name: "lock-requires-python-changed", Severity: SeverityMedium,
		Title: "requires-python differs between manifest and lock",
		Fix:   "re-lock so the lock is resolved for the manifest's Python constraint"},
	"PW104": {ID: "PW104", Name: "package-without-hash", Severity: SeverityHigh,
		Title: "locked package carries no hash",
		Fix:   "lock with hashes (`pip-compile --generate-hashes`, `uv lock`); pin VCS sources to a commit"},
	"PW105": {ID: "PW105", Name: "unpinned-requirement", Severity: SeverityHigh,
		Title: "requirement is not pinned with ==",
		Fix:   "pin every requirement exactly (`name==1.2.3 --hash=sha256:…`), e.g. with `pip-compile --generate-hashes`"},
	"PW201": {ID: "PW201", Name: "requires-python-open", Severity: SeverityMedium,
		Title: "requires-python lacks a lower or upper bound",
		Fix:   "bound the supported Python range, e.g. `requires-python = \">=3.11,<3.12\"`"},
	"PW202": {ID: "PW202", Name: "python-version-file", Severity: SeverityLow,
		Title: ".python-version is missing or not an exact version",
		Fix:   "write the exact interpreter version to .python-version, e.g. `3.11.7`"},
	"PW203": {ID: "PW203", Name: "python-base-image-unpinned", Severity: SeverityMedium,
		Title: "Python base image tag is not an exact version",
		Fix:   "use a full Python version tag, e.g. `python:3.11.7-slim`, and pin it by digest"},
	"PW301": {ID: "PW301", Name: "from-without-digest", Severity: SeverityMedium,
		Title: "base image is not pinned by digest",
		Fix:   "pin the base image: `FROM image:tag@sha256:<digest>`"},
	"PW302": {ID: "PW302", Name: "from-latest", Severity: SeverityHigh,
		Title: "base image uses :latest or no tag",
		Fix:   "name an explicit version tag and pin it by digest"},
	"PW303": {ID: "PW303", Name: "pip-install-unlocked", Severity: SeverityHigh,
		Title: "Python packages installed without the lock's hashes",
		Fix:   "install from the lock: `pip install --require-hashes -r requirements.txt`, `uv sync --locked`, `poetry install` (with poetry.lock) or `pipenv install --deploy`"},
	"PW304": {ID: "PW304", Name: "apt-get-unpinned", Severity: SeverityLow,
		Title: "OS packages installed without pinned versions",
		Fix:   "pin each package: `apt-get install -y pkg=1.2.3-1`, `apk add pkg=1.2.3-r0`"},
	"PW305": {ID: "PW305", Name: "pipe-to-shell", Severity: SeverityHigh,
		Title: "downloaded script piped into a shell",
		Fix:   "download to a file, verify its checksum (`sha256sum -c`), then run it"},
	"PW306": {ID: "PW306", Name: "add-remote-url", Severity: SeverityMedium,
		Title: "ADD fetches a URL without a checksum",
		Fix:   "use `ADD --checksum=sha256:<digest> <url> <dest>` or download and verify in RUN"},
	"PW307": {ID: "PW307", Name: "runtime-install", Severity: SeverityHigh,
		Title: "entrypoint installs packages at container start",
		Fix:   "install everything at build time from the lock; entrypoints should only exec the service"},
	"PW401": {ID: "PW401", Name: "secret-in-env-arg", Severity: SeverityHigh,
		Title: "secret in ENV, ARG or a RUN command",
		Fix:   "pass secrets at run time or with `RUN --mount=type=secret`; ENV and ARG values stay in the image"},
	"PW402": {ID: "PW402", Name: "secret-file-copied", Severity: SeverityCritical,
		Title: "secret file copied into the image",
		Fix:   "do not copy it; add it to .dockerignore and mount it at run time"},
	"PW403": {ID: "PW403", Name: "secret-file-in-context", Severity: SeverityHigh,
		Title: "secret file in the build context without a .dockerignore entry",
		Fix:   "add the file to .dockerignore (and remove it from the repository)"},
	"PW404": {ID: "PW404", Name: "secret-in-config-env", Severity: SeverityHigh,
		Title: "pinwheel.yaml env: carries a secret",
		Fix:   "move it to secretEnv: a reference, not a value ({fromEnv: VAR} or {fromFile: PATH} locally, {secretKeyRef: {name: SECRET, key: KEY}} on Kubernetes)"},
	"PW405": {ID: "PW405", Name: "include-selects-secret", Severity: SeverityMedium,
		Title: "app.include selects a secret file",
		Fix:   "narrow app.include to the app's own files; secret-shaped files are never copied"},
	"PW406": {ID: "PW406", Name: "secret-in-app-file", Severity: SeverityCritical,
		Title: "an app file holds a credential",
		Fix:   "read the credential from the environment at run time; `pinwheel build` refuses to build this"},
	"PW407": {ID: "PW407", Name: "secret-env-file-unignored", Severity: SeverityMedium,
		Title: "a secretEnv file is in the project and not in .gitignore",
		Fix:   "add the file to .gitignore, or keep it outside the project (an absolute path in a directory listed in $PINWHEEL_SECRET_DIRS) or use fromEnv"},
}

// RuleIDs returns the catalog's IDs in order.
func RuleIDs() []string {
	ids := make([]string, 0, len(Rules))
	for id := range Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
