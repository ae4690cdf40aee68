// Package safefs owns pinwheel's confined file-system access: every write
// that untrusted content drives (image layers, wheels, anything extracted
// later) and every read of a file an untrusted project names.
//
// Writes go through Go's os.Root, so a path cannot leave its directory by
// "..", an absolute name or a symlink, whatever an earlier entry planted:
// ApplyLayer applies OCI/Docker layer tars (files, directories, symlinks,
// hardlinks, whiteouts) inside one directory; Tree confines the writes of a
// multi-directory install (a wheel's scheme) to its directories; CheckZip
// refuses archives whose declared sizes exceed Limits before anything is
// written.
//
// Reads go through Open and ReadFile: the file must be a regular file inside
// a root directory (links may be followed only while they stay inside), it
// is opened non-blocking so a FIFO cannot hang the process, and its size is
// capped.
//
// It does not parse archives' meaning (package wheel checks RECORD, package
// image builds layers), decide which root a project has (callers do), or
// turn its errors into user-facing positions (callers wrap them in
// inputerr.Error with the file:line that named the path).
package safefs
