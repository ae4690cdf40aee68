#!/usr/bin/env bash
# What the test rigs leave behind. `.ci/run` takes a snapshot before
# `make test` and checks after it, pass or fail:
#
#   scripts/leftovers.sh snapshot DIR   record processes, mounts, network
#                                       links, network namespaces, /tmp
#   scripts/leftovers.sh check DIR      list what is new since; exit 1 if
#                                       a process, mount, network link or
#                                       namespace is (temp entries are only
#                                       listed)
#
# A process is new when its pid and start time were not in the snapshot;
# zombies count (a rig that could have reaped them did not). Only the
# tests' count: processes below the caller, or orphaned to PID 1. The
# check's own processes are left out.
set -euo pipefail
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 snapshot|check DIR" >&2; exit 2; }

# procs: "pid starttime ppid state comm args" for every process but this
# script's own subshells.
procs() {
	local self=$$ p stat rest
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		# after "pid (comm) ": state ppid ... starttime is field 22.
		rest=${stat##*) }
		set -- $rest
		local state=$1 ppid=$2 start=${20}
		# kernel threads (children of kthreadd, pid 2) come and go
		[ "$p" = 2 ] || [ "$ppid" = 2 ] && continue
		local comm args
		comm=$(cat "/proc/$p/comm" 2>/dev/null || true)
		args=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-160 || true)
		echo "$p $start $ppid $state $comm $args"
	done | awk -v self="$self" '
		{ line[$1] = $0; parent[$1] = $3 }
		END {
			for (p in line) {
				q = p; mine = 0
				for (i = 0; i < 64 && q != "" && q != 0; i++) {
					if (q == self) { mine = 1; break }
					q = parent[q]
				}
				if (!mine) print line[p]
			}
		}' | sort -n
}
mounts() { awk '{print $5}' /proc/self/mountinfo | sort; }
links() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
netns() { { ls /run/netns 2>/dev/null || true; } | sort; }
tmp() { { ls -A "${TMPDIR:-/tmp}" 2>/dev/null || true; } | sort; }

case "$cmd" in
snapshot)
	mkdir -p "$dir"
	procs | awk '{print $1, $2}' >"$dir/procs"
	mounts >"$dir/mounts"
	links >"$dir/links"
	netns >"$dir/netns"
	tmp >"$dir/tmp"
	;;
check)
	found=0
	report() { # title, lines
		[ -n "$2" ] || return 0
		found=1
		echo "leftovers: $1:"
		sed 's/^/  /' <<<"$2"
	}
	now=$(procs)
	# New processes that are the tests': below the caller (.ci/run, whose
	# pid is $PPID here) or orphans (what escapes a test binary ends up
	# under PID 1) that carry this run's PINWHEEL_CI_RUN in their
	# environment (an orphan whose environment cannot be read counts).
	# Processes other programs on the machine start meanwhile — another
	# .ci/run among them — are not the tests'.
	candidates=$(awk 'NR==FNR {seen[$1" "$2]=1; next} !(($1" "$2) in seen)' "$dir/procs" - <<<"$now" |
		awk -v caller="$PPID" -v all="$now" '
			BEGIN { n = split(all, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], f, " "); parent[f[1]] = f[3] } }
			{
				mine = ($3 == 1)
				for (q = $3; !mine && q != "" && q != 0 && d < 64; d++) { if (q == caller) mine = 1; q = parent[q] }
				d = 0
				if (!mine) next
				pid=$1; ppid=$3; state=$4; $1=$2=$3=$4=""; sub(/^ +/, "")
				printf "%s %s %s %s\n", pid, ppid, state, $0
			}')
	newprocs=$(while read -r pid ppid state rest; do
		[ -n "$pid" ] || continue
		if [ "$ppid" = 1 ] && [ -n "${PINWHEEL_CI_RUN:-}" ] && [ -r "/proc/$pid/environ" ] &&
			env=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null) && [ -n "$env" ] &&
			! grep -qxF "PINWHEEL_CI_RUN=$PINWHEEL_CI_RUN" <<<"$env"; then
			continue
		fi
		printf "pid %s (parent %s, state %s): %s\n" "$pid" "$ppid" "$state" "$rest"
	done <<<"$candidates")
	report "processes started by the tests and still there" "$newprocs"
	report "mounts" "$(comm -13 "$dir/mounts" <(mounts))"
	report "network links" "$(comm -13 "$dir/links" <(links))"
	report "network namespaces" "$(comm -13 "$dir/netns" <(netns))"
	# Temp entries are reported but do not fail the run: other programs
	# (the Go toolchain, apt) come and go there too.
	hard=$found
	report "entries in ${TMPDIR:-/tmp} (reported, not failed)" "$(comm -13 "$dir/tmp" <(tmp))"
	tmpleft=$found
	found=$hard
	if [ "$found" = 0 ] && [ "$tmpleft" = 0 ]; then
		echo "leftovers: none (no process, mount, network link, network namespace or temp entry left behind)"
	elif [ "$found" = 0 ]; then
		echo "leftovers: no process, mount, network link or network namespace left behind (temp entries above only reported)"
	fi
	exit "$found"
	;;
*)
	echo "usage: $0 snapshot|check DIR" >&2
	exit 2
	;;
esac
