// Package archtest holds no code: its tests enforce the project's structural
// rules (every package documented, the rollout core free of I/O imports).
package archtest
