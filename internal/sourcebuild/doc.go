// Package sourcebuild is pinwheel's PEP 517 build frontend: it turns a
// source distribution into a wheel with the build backend the source
// declares ([build-system] in pyproject.toml; setuptools' legacy backend
// when there is none), inside the target image under runc — the image's
// own Python, libraries and compiler, a read-only root, its own network
// namespace with no interface up, no capabilities — with the build
// requirements the caller resolved (wheels verified by hash) on the
// backend's path, and SOURCE_DATE_EPOCH set. Built wheels are cached by
// source hash, target tags, build image and build requirements.
//
// It does not choose which packages need a source build, nor resolve build
// requirements: internal/build does, from the lock.
package sourcebuild
