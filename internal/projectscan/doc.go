// Package projectscan reads a Python project the way a platform engineer
// would before containerising it, and says what it found and where: the
// Python version the project pins, the production command and port, the
// lockfile production installs from, and the services of a monorepo. Every
// finding carries its evidence (file:line), and every disagreement between
// sources becomes a Warning naming each of them.
//
// It reads only through an os.Root opened on the project directory, so no
// name, "..", absolute path or symlink takes it outside the project, and it
// never opens a file the secret rules (package secrets) name. Its parsers
// (Dockerfile facts on BuildKit's parser, Procfile, gunicorn bind settings,
// server command lines) return positioned *inputerr.Error values for bad
// input and never panic.
//
// It does not write pinwheel.yaml (package config renders that), resolve or
// install anything (package lock parses locks, which this package calls),
// or decide exit codes (the CLI does).
package projectscan
