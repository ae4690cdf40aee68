# pinwheel — the two entry points are `make demo` and `make test`.
# Both install what they need first (scripts/setup.sh).

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X pinwheel.dev/pinwheel/internal/version.version=$(VERSION) -X pinwheel.dev/pinwheel/internal/version.commit=$(COMMIT)
BIN     := bin/pinwheel

.PHONY: all build setup test soak vet fmt-check demo bench clean generate

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/pinwheel

setup:
	bash scripts/setup.sh

fmt-check:
	@out="$$(gofmt -l cmd internal api test 2>/dev/null)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# The README's test command: installs what it needs (Debian packages, the
# test Kubernetes control plane: a no-op once cached, 15-35 min cold), then
# gofmt, vet and every test. The cluster tests may not skip
# (PINWHEEL_REQUIRE_KUBE=1), nor, as root (where setup installs it and runs
# apt-get update), the Prometheus, PostgreSQL and Debian-base ones
# (apt-get download, chroot). -timeout bounds each package's test binary.
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo 1)
# scripts/test.sh prints each package as it ends, then the skipped tests,
# the ten slowest tests and the time.
# As root the real node's tests run too (PINWHEEL_KUBE_REAL_NODE=1).
test: setup fmt-check vet build kube-build cosign-build
	PINWHEEL_REQUIRE_KUBE=1 PINWHEEL_KUBE_REAL_NODE=$(if $(IS_ROOT),1,0) PINWHEEL_REQUIRE_PROMETHEUS=$(IS_ROOT) PINWHEEL_REQUIRE_DEBIAN=$(IS_ROOT) PINWHEEL_REQUIRE_POSTGRES=$(IS_ROOT) bash scripts/test.sh

# The flake hunt (docs/testing.md): the packages with test rigs, ROUNDS
# times in a row with every core loaded by busy loops; per-test counts.
ROUNDS ?= 10
soak: setup build kube-build cosign-build
	SOAK_ROUNDS=$(ROUNDS) bash scripts/soak.sh

# The main job: the whole path on the embedded local runtime.
demo: setup build
	./$(BIN) demo

bench: build
	bash bench/run-all.sh

clean:
	rm -rf bin

# Deep-copy code, the Release CRD and the controller's RBAC from the
# kubebuilder markers in api/ and internal/runtime/kube (dev-time only;
# commit the output). api/v1alpha1's TestCRDUpToDate fails when it is stale.
CONTROLLER_GEN ?= $(GO) run sigs.k8s.io/controller-tools/cmd/controller-gen@v0.23.0
generate:
	$(CONTROLLER_GEN) object paths=./api/...
	$(CONTROLLER_GEN) crd:allowDangerousTypes=true paths=./api/... output:crd:artifacts:config=deploy/crd
	$(CONTROLLER_GEN) rbac:roleName=pinwheel-controller paths=./internal/runtime/kube/... paths=./internal/controller/... output:rbac:artifacts:config=deploy/rbac

# Test Kubernetes control plane (docs/kube-testing.md); `make test` builds it.
.PHONY: kube-build kube-up kube-down
kube-build:
	bash scripts/kube-build.sh

# cosign from the Go module proxy, the external verifier of signed provenance.
.PHONY: cosign-build
cosign-build:
	bash scripts/cosign-build.sh

kube-up:
	bash scripts/kube-up.sh

kube-down:
	bash scripts/kube-down.sh
