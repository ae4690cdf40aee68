// Package debian owns pinwheel's Debian base: deb822 control paragraphs and
// Packages indexes, Release/InRelease files (OpenPGP clearsigned, verified
// against a keyring) with the hash chain down to each .deb, dpkg version
// ordering and dependency relations, the resolver that closes a package
// list over Depends/Pre-Depends/Provides, the base.lock format, a
// hash-verified content-addressed .deb cache, and the conversion of locked
// .debs into reproducible image layers (data.tar entries read in memory,
// never extracted to disk; no maintainer script runs).
//
// It does not assemble the application image (image, build), run anything
// inside the base, or know about Python packages (lock, pyindex, wheel).
package debian
