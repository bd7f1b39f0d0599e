#!/bin/bash
# SPDX-License-Identifier: MIT
# muxcapctl encode/decode of the task-offload record (NDIS_OFFLOAD, SPEC 12): exact bytes from
# the layout in proto/OFFLOAD.md, the choice of record type, exit codes and reasons.
set -u
ctl=$1
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS STDOUT STDERR-SUBSTRING -- ARGS...
expect() {
        local want_rc=$1 want_out=$2 want_err=$3
        shift 4
        local out err rc
        out=$("$ctl" "$@" 2>/tmp/ctl-task-err.$$); rc=$?
        err=$(cat /tmp/ctl-task-err.$$)
        [ "$rc" = "$want_rc" ] || fail "muxcapctl $*: exit $rc, want $want_rc (stderr: $err)"
        [ -z "$want_out" ] || [ "$out" = "$want_out" ] || fail "muxcapctl $*: stdout '$out', want '$want_out'"
        [ -z "$want_err" ] || [[ "$err" == *"$want_err"* ]] || fail "muxcapctl $*: stderr '$err' lacks '$want_err'"
}
trap 'rm -f /tmp/ctl-task-err.$$' EXIT

# record REVISION SIZE [OFFSET HEX]...: a record of SIZE bytes, zero but for the header and the
# given bytes at their offsets (hand-placed from the layout table).
record() {
        local rev=$1 size=$2 hex
        shift 2
        hex=$(printf 'a7%02x%02x%02x' "$rev" $((size & 255)) $((size >> 8)))
        hex+=$(printf '%0*d' $(((size - 4) * 2)) 0)
        while [ $# -gt 0 ]; do
                hex=${hex:0:$(($1 * 2))}$2${hex:$(($1 * 2 + ${#2}))}
                shift 2
        done
        echo "$hex"
}

empty=$(record 6 216)
expect 0 "$empty" "" -- encode --type=task
expect 0 "$(record 7 216)" "" -- encode --type=task revision=7
# LsoV2.IPv4: Encapsulation@80 = 802.3, MaxOffLoadSize@84 = 65536, MinSegmentCount@88 = 2
lso=$(record 6 216 80 02000000 84 00000100 88 02000000)
expect 0 "$lso" "" -- encode lso_v2_ipv4_encapsulation=802.3 lso_v2_ipv4_max_offload_size=65536 \
        lso_v2_ipv4_min_segment_count=2
expect 0 "$lso" "" -- encode LsoV2.IPv4.Encapsulation=0x2 LsoV2.IPv4.MaxOffLoadSize=0x10000 \
        LsoV2.IPv4.MinSegmentCount=2
# Bits inside words: IPv4Transmit w@8 TcpChecksum 4-5 and UdpChecksum 6-7; GRE w@148 LsoV2Supported
# 8-11; VXLAN port u16@164, configurable bit 0 of u16@166; USO IPv4 w@196 MinSegmentCount 0-5,
# SubMss 6; EncapsulationTypes u8@176.
bits=$(record 6 216 8 50000000 148 000a0000 164 b5120100 176 03 196 42000000)
expect 0 "$bits" "" -- encode checksum_ipv4_transmit_tcp_checksum=yes \
        checksum_ipv4_transmit_udp_checksum=1 \
        encapsulated_packet_task_offload_gre_lso_v2_supported="outer-ipv4 outer-ipv6" \
        encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number=4789 \
        encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number_configurable=true \
        encapsulation_types="gre-mac vxlan" udp_segmentation_ipv4_min_segment_count=2 \
        udp_segmentation_ipv4_sub_mss_final_segment_supported=1
# Offload Flags@108 is not the connection record's flags.
expect 0 "$(record 6 216 108 78563412)" "" -- encode offload_flags=0x12345678
expect 0 "80021400000000000000000000000000""00000000" "" -- encode --type=connection

# The record type: by the keys, or --type.
expect 2 "" "'support_ipv4': a connection key, but 'lso_v2_ipv4_encapsulation' is a task key" -- \
        encode lso_v2_ipv4_encapsulation=802.3 support_ipv4=1
expect 2 "" "lso_v2_ipv4_encapsulation: '802.3': unknown field" -- \
        encode --type=connection lso_v2_ipv4_encapsulation=802.3
expect 2 "" "support_ipv4: '1': unknown field" -- encode --type=task support_ipv4=1
expect 2 "" "--type: expected connection or task" -- encode --type=nic
expect 2 "" "bogus: '1': unknown field" -- encode bogus=1

# Refused values.
expect 2 "" "encapsulated_packet_task_offload_gre_lso_v2_supported: '0x10': flags out of range 0-15" -- \
        encode encapsulated_packet_task_offload_gre_lso_v2_supported=0x10
expect 2 "" "unknown tunnel flag" -- encode encapsulated_packet_task_offload_gre_rss_supported=inner
expect 2 "" "udp_segmentation_ipv4_min_segment_count: '64': number out of range 0-63" -- \
        encode udp_segmentation_ipv4_min_segment_count=64
expect 2 "" "number out of range 0-65535" -- \
        encode encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number=65536
expect 2 "" "number out of range 0-3" -- encode rfc6877_xlat_xlat_offload=4
expect 2 "" "expected yes, no, 1, 0, true or false" -- encode ipsec_v2_esp=2
expect 2 "" "revision must not be 0" -- encode --type=task revision=0
expect 2 "" "unknown encapsulation" -- encode lso_v1_ipv4_encapsulation=ethernet

# Decode tells the types apart by Header.Type.
out=$("$ctl" decode "$lso")
[[ "$out" == *"LsoV2.IPv4.Encapsulation "*" 802.3"$'\n'* ]] || fail "decode text lacks LsoV2 encapsulation: $out"
[[ "$out" == *"LsoV2.IPv4.MaxOffLoadSize"*" 65536"* ]] || fail "decode text lacks MaxOffLoadSize: $out"
[[ "$out" == *"# type task, hex $lso"* ]] || fail "decode text lacks the hex"
[ "$(echo "$out" | wc -l)" = 102 ] || fail "decode text: $(echo "$out" | wc -l) lines, want revision, 100 fields, hex"
# ... and encode takes it back, lists and all.
out=$("$ctl" decode "$bits" | grep -v '^#' | awk '{ print $1 "=" $2 }')
expect 0 "$bits" "" -- encode $out
expect 2 "" "LsoV2.IPv4.Encapsulation: given twice (first as lso_v2_ipv4_encapsulation)" -- \
        encode lso_v2_ipv4_encapsulation=802.3 LsoV2.IPv4.Encapsulation=802.3
json=$("$ctl" --json decode "$bits")
[[ "$json" == '{"type":"task","status_code":null,"status":null,"generation":null,"revision":6,"fields":{"checksum_ipv4_transmit_encapsulation":0,'* ]] || fail "decode --json: $json"
[[ "$json" == *',"checksum_ipv4_transmit_tcp_checksum":1,"checksum_ipv4_transmit_udp_checksum":1,'* ]] ||
        fail "decode --json bits: $json"
[[ "$json" == *',"encapsulated_packet_task_offload_vxlan_vxlan_udp_port_number":4789,'* ]] ||
        fail "decode --json port: $json"
[[ "$json" == *',"udp_segmentation_ipv6_ip_extension_headers_supported":0},"hex":"'"$bits"'"}' ]] ||
        fail "decode --json end: $json"
[ "$(echo "$json" | grep -o '":' | wc -l)" = 107 ] || fail "decode --json: not 107 keys (7 + 100 fields)"
json=$("$ctl" --json encode lso_v2_ipv4_encapsulation=802.3 lso_v2_ipv4_max_offload_size=65536 \
        lso_v2_ipv4_min_segment_count=2)
[[ "$json" == *'"lso_v2_ipv4_max_offload_size":65536,'*'"hex":"'"$lso"'"}' ]] || fail "encode --json: $json"
out=$("$ctl" decode 8002140002000000010000000010000000000000)
[[ "$out" == *"SupportIPv4"* ]] || fail "a connection record is no longer decoded as one"

# Each revision: a record of that revision's size decodes, fields past Size read as zero.
r1=$(record 1 112 84 00000100 108 01000000)
json=$("$ctl" --json decode "${r1}")
[[ "$json" == *'"revision":1,'*'"lso_v2_ipv4_max_offload_size":65536,'*'"offload_flags":1,"ipsec_v2_encapsulation":0,'* ]] ||
        fail "revision 1: $json"
r4=$(record 4 177 176 03)
json=$("$ctl" --json decode "$r4")
[[ "$json" == *'"encapsulation_types":3,'* ]] || fail "revision 4: $json"
expect 0 "" "" -- decode "$(record 2 144)"
expect 0 "" "" -- decode "$(record 3 156)"
expect 0 "" "" -- decode "$(record 5 188)"
expect 0 "" "" -- decode "$(record 7 216)"
expect 0 "" "" -- decode "$(record 9 216)ffff"
# Fields past Size: Size 148 leaves the GRE word (148-151) out even though the bytes are there.
json=$("$ctl" --json decode "$(record 2 148 148 0f000000)00000000")
[[ "$json" == *'"encapsulated_packet_task_offload_gre_transmit_checksum_offload_supported":0,'* ]] ||
        fail "a field past Size was read: $json"

# Refusals, each with its reason.
expect 2 "" "Header.Size is smaller than the size of its revision (R1 112, R2 144, R3 156, R4 177, R5 188, R6 and later 216)" -- \
        decode "$(record 6 188)"
expect 2 "" "Header.Size is smaller than the size of its revision" -- decode "$(record 4 176)"
expect 2 "" "Header.Size is smaller than the size of its revision" -- decode "$(record 1 111)"
expect 2 "" "Header.Size is larger than the buffer" -- decode "${empty:0:430}"
expect 2 "" "Header.Revision is 0" -- decode "$(record 0 216)"
expect 2 "" "record is shorter than its 4-byte header" -- decode a706d8
expect 2 "" "Header.Type is not NDIS_OBJECT_TYPE_DEFAULT (0x80)" -- decode "a806d800${empty:8}"

echo "muxcapctl task codec: $fails failure(s)"
[ "$fails" = 0 ]
