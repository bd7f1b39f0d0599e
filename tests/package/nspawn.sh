# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Boots a Debian root under a real systemd with systemd-nspawn on a host that runs no systemd:
# sourced by tests/package/test-package.sh (bash).
#
#   nspawn_boot ROOT LOG [NSPAWN_ARG...]   boot ROOT, wait until the boot is done; 0 or 1
#   nspawn_run CMD [ARG...]                run CMD as root in the container, clean environment
#   nspawn_halt                            halt it, kill what is left, remove its cgroups
#
# What a host without systemd as PID 1 needs (it has no machined, no system bus, no unit to
# put nspawn in): --register=no --keep-unit; a cgroup of our own below the caller's in each
# hierarchy systemd uses, so the container's processes can be found and killed afterwards;
# a private mount namespace with a fresh tmpfs on /run, so nspawn's /run/systemd/nspawn/
# files vanish with it (nspawn cannot clean them where /run is not a tmpfs, and a chroot may
# have no /run/systemd at all); --private-network, so the container sees only its own lo and
# its own links. Commands enter the container with nsenter, not machinectl.
# Not in a chroot: there nspawn puts the container over the chroot's directory, and to the
# kernel every process in it is chrooted, so it refuses them user namespaces and every unit
# with PrivateUsers= fails (scripts/fresh-debian.sh uses pivot_root for that reason).

NSPAWN_PID=''           # systemd-nspawn
NSPAWN_INIT=''          # the container's PID 1 (systemd), as a PID of ours
NSPAWN_CGS=()           # the cgroups we made for it
NSPAWN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

nspawn_alive() {
        local st
        st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ]
}

# Creates NSPAWN_CGS: one directory below our own cgroup in the v2 hierarchy and in the v1
# name=systemd one, where mounted. Prints nothing; 1 when there is none.
nspawn_make_cgroups() {
        local name=$1 h fs own
        for h in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
                fs=$(stat -f -c %T "$h" 2>/dev/null) || continue
                case $h:$fs in
                /sys/fs/cgroup:cgroup2fs | /sys/fs/cgroup/unified:cgroup2fs)
                        own=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup) ;;
                /sys/fs/cgroup/systemd:cgroupfs)
                        own=$(awk -F: '$2 == "name=systemd" { print $3 }' /proc/self/cgroup) ;;
                *) continue ;;
                esac
                mkdir "$h${own%/}/$name" || return 1
                NSPAWN_CGS+=("$h${own%/}/$name")
        done
        [ ${#NSPAWN_CGS[@]} -gt 0 ]
}

nspawn_boot() {
        local root=$1 log=$2 name state deadline c ns cg
        shift 2
        # unique among concurrent callers: it names the cgroups, which share one parent
        name=muxcap-nspawn-$(mktemp -u XXXXXXXX | tr "[:upper:]" "[:lower:]")
        nspawn_make_cgroups "$name" || { echo "nspawn: no cgroup hierarchy to boot in" >&2; return 1; }
        (
                for cg in "${NSPAWN_CGS[@]}"; do echo "$BASHPID" >"$cg/cgroup.procs"; done
                exec unshare --mount --propagation private /bin/sh -c '
                        mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || exit 1
                        mkdir -p /run/systemd
                        root=$1 name=$2
                        shift 2
                        exec systemd-nspawn --quiet --boot --directory="$root" --machine="$name" \
                                --register=no --keep-unit --private-network --link-journal=no \
                                --console=pipe "$@"' nspawn-boot "$root" "$name" "$@"
        ) >"$log" 2>&1 </dev/null &
        NSPAWN_PID=$!

        # The container's PID 1 is the child of nspawn that is PID 1 of its own pid namespace.
        for _ in $(seq 100); do
                for c in $(cat /proc/"$NSPAWN_PID"/task/*/children 2>/dev/null); do
                        ns=$(awk '/^NSpid:/ { print $NF }' "/proc/$c/status" 2>/dev/null)
                        if [ "$ns" = 1 ] && [ "$(cat "/proc/$c/comm" 2>/dev/null)" = systemd ]; then
                                NSPAWN_INIT=$c
                                break 2
                        fi
                done
                nspawn_alive "$NSPAWN_PID" || break
                sleep 0.1
        done
        if [ -z "$NSPAWN_INIT" ]; then
                echo "nspawn: systemd-nspawn did not start the container:" >&2
                cat "$log" >&2
                return 1
        fi

        # "Failed to connect to bus" (state offline) until PID 1 has its private socket; then
        # --wait waits for the boot to end.
        local nsenter=(nsenter --target "$NSPAWN_INIT" --all --root --wd)
        deadline=$((SECONDS + 120))
        state=''
        while [ "$SECONDS" -lt "$deadline" ] && nspawn_alive "$NSPAWN_INIT"; do
                state=$(timeout $((deadline - SECONDS + 1)) "${nsenter[@]}" \
                        /usr/bin/env -i PATH="$NSPAWN_PATH" systemctl is-system-running --wait 2>&1)
                case $state in running | degraded) break ;; esac
                sleep 0.2
        done
        case $state in
        running) return 0 ;;
        degraded)
                echo "nspawn: the container booted degraded; failed units:" >&2
                nspawn_run systemctl --failed --no-pager --no-legend >&2
                return 0 ;;
        esac
        echo "nspawn: the container did not finish booting (state: ${state:-none})" >&2
        cat "$log" >&2
        nspawn_run journalctl --no-pager -b -n 40 >&2
        return 1
}

# --root and --wd: the container's root is where nspawn moved it, over the root of the caller.
# Only where that is also the root of the mount namespace (not in a chroot) would entering the
# namespace alone land in it; in a chroot it lands in the host's root file system.
nspawn_run() {
        nsenter --target "$NSPAWN_INIT" --all --root --wd \
                /usr/bin/env -i PATH="$NSPAWN_PATH" LANG=C.UTF-8 "$@"
}

# Halts the container (SIGTERM makes nspawn ask its PID 1 to power off), kills it after 30 s,
# then kills by PID whatever is left in its cgroups, and removes them. Safe to call twice.
nspawn_halt() {
        local pids cg
        if [ -n "$NSPAWN_PID" ]; then
                kill -TERM "$NSPAWN_PID" 2>/dev/null
                for _ in $(seq 150); do
                        nspawn_alive "$NSPAWN_PID" || break
                        sleep 0.2
                done
                if nspawn_alive "$NSPAWN_PID"; then
                        echo "nspawn: the container did not halt in 30 s; killing it" >&2
                        kill -KILL "$NSPAWN_PID" 2>/dev/null
                fi
                wait "$NSPAWN_PID" 2>/dev/null
                NSPAWN_PID=''
        fi
        for _ in $(seq 50); do
                pids=$(for cg in "${NSPAWN_CGS[@]}"; do
                        find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null
                done | sort -u)
                [ -z "$pids" ] && break
                # shellcheck disable=SC2086 # one PID a word
                kill -KILL $pids 2>/dev/null
                sleep 0.2
        done
        for cg in "${NSPAWN_CGS[@]}"; do
                find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
                [ -d "$cg" ] && echo "nspawn: WARNING: could not remove cgroup $cg" >&2
        done
        NSPAWN_CGS=()
        NSPAWN_INIT=''
}
