#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs a command as root inside a throw-away QEMU VM that boots Debian's own kernel
# (linux-image-amd64), for tests that need kernel features the host's kernel may lack (bond,
# team, 8021q, dummy). Prints the command's stdout and stderr, exits with its status.
#
# Usage: vm-run.sh [--timeout SECONDS] [--memory SIZE] [--cpus N] [--nic NAME=NET:DEVICE]...
#                  -- COMMAND [ARG]...
#
# The guest's root is the host's / (virtio-9p, read-only) under a tmpfs overlay: every
# program, library and build tree of the host is there at the same path, and whatever the
# guest writes is thrown away. /proc, /sys, /dev and /run are the guest's own. COMMAND runs
# in the host's current directory as PID 1's only child (no init, no udevd, no bus: start what
# you need), with stdin /dev/null, PATH, HOME=/root, and the host's MUXCAP* and *SAN_OPTIONS
# variables. The VM powers off when COMMAND returns, killing whatever it left running.
#
# The kernel is the newest /boot/vmlinuz-VERSION with /lib/modules/VERSION (MUXCAP_VM_KERNEL
# picks another). Its uncompressed image (booted through its PVH entry: no BIOS, no
# decompression in the guest) and a small busybox initramfs are cached in
# ${MUXCAP_CACHE:-/var/cache/muxcap}/vm/VERSION/ and rebuilt when their inputs change.
#
# --nic gives the guest an emulated NIC, QEMU's DEVICE (e1000e, virtio-net-pci, ...) with its
# real driver, on NET: "hub" (a QEMU hub port: no connection anywhere) or "tap" (a tap that only
# QEMU holds, down, in its own network namespace: virtio-net then offers its csum/TSO
# offloads). With any --nic, QEMU runs in a network namespace of its own, so no frame can reach
# the host's network. In the guest's initial network namespace, before COMMAND, the drivers of
# the NICs are loaded and each NIC is named NAME; COMMAND gets MUXCAP_VM_NICS (the NAMEs present,
# blank-separated) and MUXCAP_VM_NETNS (a file bound to that namespace, for `nsenter --net=`:
# ns-run.sh's tests run in a namespace of their own and move the NICs in). A DEVICE this QEMU
# lacks is left out with a line on stderr, so a test skips that NIC only.
#
# Accelerator: KVM when a probe boot under KVM succeeds (done once per host kernel and cached),
# else QEMU's TCG emulator; MUXCAP_VM_ACCEL=kvm|tcg skips the probe.
#
# Exit status: COMMAND's; 1 with the reason (and the guest's console) when the VM could not
# be set up, did not boot, or died without COMMAND's status; 124 when the time-out (default
# 300 s, boot included) expired; 77 (skipped) when not run as root.
set -euo pipefail

here=$(dirname "$(realpath "$0")")

die() {
        echo "vm-run: $*" >&2
        exit 1
}

timeout_s=300
memory=512M
cpus=1
nics=()
while (($#)); do
        case "$1" in
        --timeout) timeout_s=$2; shift 2 ;;
        --memory) memory=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --nic)
                [[ ${2-} =~ ^[a-z][a-z0-9]{0,14}=(hub|tap):[a-z0-9_-]+$ ]] ||
                        die "--nic takes NAME=hub:DEVICE or NAME=tap:DEVICE, not '${2-}'"
                nics+=("$2"); shift 2 ;;
        --) shift; break ;;
        *) die "unknown option '$1'" \
                "(usage: vm-run.sh [--timeout S] [--memory SIZE] [--cpus N] [--nic N=NET:DEV]... -- CMD...)" ;;
        esac
done
(($#)) || die "no command given"
[[ $timeout_s =~ ^[0-9]+$ && $cpus =~ ^[0-9]+$ ]] || die "--timeout and --cpus take numbers"
if [[ $(id -u) != 0 ]]; then
        echo "vm-run: needs root (QEMU exports the host's / as the guest's root), skipping" >&2
        exit 77
fi
for tool in qemu-system-x86_64 modprobe cpio gzip xz flock timeout unshare; do
        command -v "$tool" >/dev/null ||
                die "'$tool' not found (scripts/install-deps.sh installs the VM's packages)"
done
[[ -x /bin/busybox ]] && ! LC_ALL=C ldd /bin/busybox >/dev/null 2>&1 ||
        die "/bin/busybox is missing or not static (Debian's busybox-static)"

# ---- the kernel -----------------------------------------------------------------------------
# The newest Debian kernel that has its modules.
newest_kernel() {
        local f v

        for f in /boot/vmlinuz-*; do
                v=${f#/boot/vmlinuz-}
                if [[ -f $f && -f /lib/modules/$v/modules.dep ]]; then
                        echo "$v"
                fi
        done | sort -rV | head -n 1
}

kver=${MUXCAP_VM_KERNEL:-$(newest_kernel)}
[[ -n $kver && -f /boot/vmlinuz-$kver && -f /lib/modules/$kver/modules.dep ]] ||
        die "no Debian kernel with its modules in /boot and /lib/modules (linux-image-amd64)"

cache=${MUXCAP_CACHE:-/var/cache/muxcap}/vm
kdir=$cache/$kver
mkdir -p "$kdir"

# Prints the uncompressed ELF image inside the bzImage @1 (Debian compresses it with xz), or
# nothing when there is none.
extract_vmlinux() {
        local off

        off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n 1 | cut -d: -f1) || return 0
        [[ -n $off ]] && tail -c +$((off + 1)) "$1" | xz -dc --single-stream 2>/dev/null || true
}

# Builds the initramfs: static busybox, the modules the 9p root needs (with their
# dependencies, in load order), and initramfs-init as /init.
build_initrd() {
        local t m

        t=$(mktemp -d "$kdir/initrd.XXXXXX")
        mkdir -p "$t/bin" "$t/lib"
        cp /bin/busybox "$t/bin/"
        cp "$here/initramfs-init" "$t/init"
        chmod 0755 "$t/init"
        for m in virtio_pci 9pnet_virtio 9p overlay; do
                modprobe -S "$kver" --show-depends "$m"
        done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$t/paths"
        [[ -s $t/paths ]] || { rm -rf "$t"; die "no 9p/overlay modules found for $kver"; }
        while read -r m; do
                case "$m" in
                *.ko) cp "$m" "$t/lib/" ;;
                *.ko.xz) xz -dc "$m" >"$t/lib/$(basename "$m" .xz)" ;;
                *) rm -rf "$t"; die "cannot load module '$m' from an initramfs" ;;
                esac
                basename "${m%.xz}" >>"$t/modules"
        done <"$t/paths"
        rm "$t/paths"
        (cd "$t" && find . | cpio -o -H newc --quiet | gzip -1) >"$kdir/initrd.img.new"
        rm -rf "$t"
        mv "$kdir/initrd.img.new" "$kdir/initrd.img"
}

# Boots the cached kernel under accelerator @1 with the job folder @2; returns QEMU's status
# (124 on time-out). Its own output goes to @2/qemu.log.
boot() {
        local accel

        case "$1" in
        kvm) accel=(-accel kvm -cpu host) ;;
        tcg) accel=(-accel tcg,thread=multi -cpu max) ;;
        esac
        timeout -k 5 "$3" "${qemu_netns[@]}" qemu-system-x86_64 -nodefaults -no-user-config \
                -machine pc "${accel[@]}" -smp "$cpus" -m "$memory" -display none -no-reboot \
                -kernel "$kdir/vmlinux" -initrd "$kdir/initrd.img" \
                -append "console=ttyS0 quiet loglevel=4 panic=-1 mitigations=off" \
                -serial "file:$2/console.log" \
                -virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
                -virtfs "local,path=$2/share,mount_tag=job,security_model=none,multidevs=remap" \
                "${qemu_nics[@]}" </dev/null >"$2/qemu.log" 2>&1 &
        qemu_pid=$!
        local rc=0 ended=
        # Once the command's status is there (written last, over 9p: its output is all there
        # too), the guest powers off at once, or never will: under TCG, with e1000e in it, it
        # sometimes stays silent in the shutdown. Then QEMU is killed; the status stands.
        while kill -0 "$qemu_pid" 2>/dev/null; do
                if [[ -f $2/share/status ]]; then
                        ended=${ended:-$SECONDS}
                        if ((SECONDS - ended >= 3)); then
                                echo "vm-run: the guest did not power off within 2 s of the" \
                                     "command's end: QEMU killed" >&2
                                kill "$qemu_pid" 2>/dev/null || true
                                break
                        fi
                fi
                sleep 0.2
        done
        wait "$qemu_pid" 2>/dev/null || rc=$?
        qemu_pid=
        return $rc
}

# A job folder: the command (as a bash script), later its output and status.
new_job() {
        local j v

        j=$(mktemp -d "${TMPDIR:-/tmp}/muxcap-vm.XXXXXX")
        mkdir "$j/share"
        {
                echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
                echo 'export HOME=/root LANG=C.UTF-8'
                for v in $(compgen -e); do
                        [[ $v == MUXCAP* || $v == *SAN_OPTIONS ]] || continue
                        printf 'export %s=%q\n' "$v" "${!v}"
                done
                ((${#guest_nics[@]} == 0)) || guest_nic_setup
                printf 'cd %q || exit 1\n' "$PWD"
                printf 'exec'
                printf ' %q' "$@"
                echo
        } >"$j/share/command"
        echo "$j"
}

# The NICs: QEMU's arguments (qemu_nics, each with the MAC 52:54:00:4d:58:NN, NN its index) and
# the guest's "MAC NAME" pairs (guest_nics); a DEVICE this QEMU lacks is left out.
qemu_nics=() qemu_netns=() guest_nics=()
add_nics() {
        local devices spec name net device i=0 mac

        ((${#nics[@]})) || return 0
        devices=$(qemu-system-x86_64 -nodefaults -machine none -device help 2>/dev/null)
        for spec in "${nics[@]}"; do
                name=${spec%%=*} net=${spec#*=} device=${net#*:} net=${net%%:*}
                i=$((i + 1))
                if ! grep -q "^name \"$device\"" <<<"$devices"; then
                        echo "vm-run: this QEMU has no device '$device': NIC '$name' left out" >&2
                        continue
                fi
                mac=$(printf '52:54:00:4d:58:%02x' "$i")
                case "$net" in
                hub) qemu_nics+=(-netdev "hubport,id=n$i,hubid=0") ;;
                tap) qemu_nics+=(-netdev "tap,id=n$i,ifname=tap$i,script=no,downscript=no") ;;
                esac
                qemu_nics+=(-device "$device,netdev=n$i,mac=$mac")
                guest_nics+=("$mac $name")
        done
        qemu_netns=(unshare --net)
}

# The lines of the guest's command script that load the NICs' drivers (a PCI network device's,
# then a virtio one's), name each NIC by its MAC, and bind the network namespace to a file that
# ns-run.sh's mount namespace still shows.
guest_nic_setup() {
        local pair names=()

        echo 'm=()'
        echo 'for d in /sys/bus/pci/devices/*; do'
        echo '        [[ $(<$d/class) != 0x02* ]] || m+=("$(<$d/modalias)")'
        echo 'done'
        echo 'for d in /sys/bus/virtio/devices/*; do m+=("$(<$d/modalias)"); done'
        echo 'modprobe -qa "${m[@]}"'
        echo 'for n in /sys/class/net/*; do'
        echo '        case $(<$n/address) in'
        for pair in "${guest_nics[@]}"; do
                printf '        %s) ip link set dev "${n##*/}" name %s ;;\n' "${pair% *}" "${pair#* }"
                names+=("${pair#* }")
        done
        echo '        esac'
        echo 'done'
        echo ': >/var/tmp/muxcap-vm-netns && mount --bind /proc/self/ns/net /var/tmp/muxcap-vm-netns'
        printf 'export MUXCAP_VM_NETNS=/var/tmp/muxcap-vm-netns MUXCAP_VM_NICS=%q\n' "${names[*]}"
}

# Prints what the command wrote so far, once: also when we are stopped (a test runner's
# time-out), so that its log says how far the command got.
printed=
print_output() {
        [[ -z $printed && -n $job ]] || return 0
        printed=1
        [[ ! -f $job/share/stdout ]] || cat "$job/share/stdout"
        [[ ! -f $job/share/stderr ]] || cat "$job/share/stderr" >&2
}

qemu_pid=
job=
cleanup() {
        [[ -z $qemu_pid ]] || { kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; } || true
        print_output
        [[ -z $job ]] || rm -rf "$job"
}
trap cleanup EXIT
trap 'echo "vm-run: terminated (SIGTERM), the VM killed" >&2; exit 143' TERM
trap 'exit 130' INT

# The cache is built once, under a lock, however many runs start together.
exec 9>"$cache/.lock"
flock 9
if [[ ! -s $kdir/vmlinux || /boot/vmlinuz-$kver -nt $kdir/vmlinux ]]; then
        extract_vmlinux "/boot/vmlinuz-$kver" >"$kdir/vmlinux.new"
        if [[ $(head -c 4 "$kdir/vmlinux.new" | od -An -tx1 | tr -d ' \n') != 7f454c46 ]]; then
                cp "/boot/vmlinuz-$kver" "$kdir/vmlinux.new"  # no ELF inside: boot the bzImage
        fi
        mv "$kdir/vmlinux.new" "$kdir/vmlinux"
fi
key=$(cat "$here/initramfs-init" /bin/busybox "/lib/modules/$kver/modules.dep" | sha256sum)
if [[ ! -s $kdir/initrd.img || $(cat "$kdir/initrd.key" 2>/dev/null) != "$key" ]]; then
        build_initrd
        echo "$key" >"$kdir/initrd.key"
fi

accel=${MUXCAP_VM_ACCEL:-}
if [[ -z $accel ]]; then
        probe=$cache/accel-$(uname -r)
        if [[ ! -s $probe ]]; then
                accel=tcg
                if [[ -r /dev/kvm && -w /dev/kvm ]]; then
                        job=$(new_job true)
                        printed=1
                        if boot kvm "$job" 60 &&
                           [[ $(cat "$job/share/status" 2>/dev/null) == 0 ]]; then
                                accel=kvm
                        else
                                echo "vm-run: /dev/kvm cannot boot $kver, using TCG:" \
                                     "$(grep -v '^$' "$job/qemu.log" | tail -n 1)" >&2
                        fi
                        rm -rf "$job"
                        job= printed=
                fi
                echo "$accel" >"$probe"
        fi
        accel=$(cat "$probe")
fi
[[ $accel == kvm || $accel == tcg ]] || die "MUXCAP_VM_ACCEL must be kvm or tcg, not '$accel'"
flock -u 9
exec 9>&-

# ---- the run --------------------------------------------------------------------------------
add_nics
job=$(new_job "$@")
rc=0
start=$EPOCHREALTIME
boot "$accel" "$job" "$timeout_s" || rc=$?
print_output
if [[ -f $job/share/status ]]; then
        # The guest's clock (uptime) when the command started and ended, against ours.
        awk -v t0="$start" -v t1="$EPOCHREALTIME" -v accel="$accel" \
            '{ t[NR] = $1 } END { printf "vm-run: %s: boot %.1f s, command %.1f s, in all %.1f s\n",
                                 accel, t[1], t[2] - t[1], t1 - t0 }' \
            "$job/share/started" "$job/share/ended" >&2
        exit "$(cat "$job/share/status")"
fi
if ((rc == 124 || rc == 137)); then
        reason="time-out after $timeout_s s"
elif ! grep -q 'vm: running the command' "$job/console.log" 2>/dev/null; then
        reason="the VM did not boot (QEMU exit status $rc, accelerator $accel)"
else
        reason="the VM stopped without the command's exit status (QEMU exit status $rc)"
fi
echo "vm-run: $reason; the guest's console (last 40 lines) and QEMU's output follow" >&2
tail -n 40 "$job/console.log" >&2 2>/dev/null || true
cat "$job/qemu.log" >&2 2>/dev/null || true
echo "vm-run: $reason" >&2
((rc == 124 || rc == 137)) && exit 124
exit 1
