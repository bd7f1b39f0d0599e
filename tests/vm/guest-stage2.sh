# SPDX-License-Identifier: MIT
# Stage 2 of tests/vm/vm-run.sh's guest, PID 1 in the overlay root (run by /bin/sh from the
# job folder /run/vm): completes the usual mounts, runs the job's command with its output and
# exit status going to the job folder, then powers the VM off. Nothing else runs in the VM.
j=/run/vm
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
[ -d /sys/fs/cgroup ] && mount -t cgroup2 cgroup2 /sys/fs/cgroup
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
echo muxcap-vm >/proc/sys/kernel/hostname
ip link set lo up
echo "vm: running the command" >/dev/console
read -r up _ </proc/uptime
echo "$up" >$j/started
/bin/bash $j/command </dev/null >$j/stdout 2>$j/stderr
echo $? >$j/status.tmp
read -r up _ </proc/uptime
echo "$up" >$j/ended
mv $j/status.tmp $j/status
sync
/bin/busybox poweroff -f
