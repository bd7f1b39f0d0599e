#!/bin/bash
# SPDX-License-Identifier: MIT
# The encoder's bytes against the Windows SDK layout: each record is built twice, once by
# `muxcapctl encode` and once by mingw-w64's ntddndis.h compiled with x86_64-w64-mingw32-gcc
# (which lays bitfields out as MSVC does), from the same field values, and the bytes must be
# equal. mingw-w64 defines NDIS_OFFLOAD through revision 3 (156 bytes, -DUM_NDIS630), so the
# task-offload record is compared over its first 156 bytes.
#
#   test-ndis-layout.sh MUXCAPCTL [--connection-only]
set -euo pipefail
ctl=$1
cc=x86_64-w64-mingw32-gcc
objcopy=x86_64-w64-mingw32-objcopy
for tool in "$cc" "$objcopy" xxd; do
        command -v "$tool" >/dev/null || { echo "test-ndis-layout: $tool not found"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# Each row: the C member path, the muxcapctl JSON key, a value. Words hold distinct bytes; a
# support field (value S) is 1 or 0, alternating from row to row, and each record is built
# twice with the alternation swapped, so a field at the wrong offset, shift or width shows.
connection=(
        "Encapsulation encapsulation 0x1f"
        "SupportIPv4 support_ipv4 S"
        "SupportIPv6 support_ipv6 S"
        "SupportIPv6ExtensionHeaders support_ipv6_extension_headers S"
        "SupportSack support_sack S"
        "CongestionAlgorithm congestion_algorithm 13"
        "TcpConnectionOffloadCapacity tcp_connection_offload_capacity 0x89abcdef"
        "Flags flags 0x01020304"
)

task=(
        "Checksum.IPv4Transmit.Encapsulation checksum_ipv4_transmit_encapsulation 0x11"
        "Checksum.IPv4Transmit.IpOptionsSupported checksum_ipv4_transmit_ip_options_supported S"
        "Checksum.IPv4Transmit.TcpOptionsSupported checksum_ipv4_transmit_tcp_options_supported S"
        "Checksum.IPv4Transmit.TcpChecksum checksum_ipv4_transmit_tcp_checksum S"
        "Checksum.IPv4Transmit.UdpChecksum checksum_ipv4_transmit_udp_checksum S"
        "Checksum.IPv4Transmit.IpChecksum checksum_ipv4_transmit_ip_checksum S"
        "Checksum.IPv4Receive.Encapsulation checksum_ipv4_receive_encapsulation 0x12"
        "Checksum.IPv4Receive.IpOptionsSupported checksum_ipv4_receive_ip_options_supported S"
        "Checksum.IPv4Receive.TcpOptionsSupported checksum_ipv4_receive_tcp_options_supported S"
        "Checksum.IPv4Receive.TcpChecksum checksum_ipv4_receive_tcp_checksum S"
        "Checksum.IPv4Receive.UdpChecksum checksum_ipv4_receive_udp_checksum S"
        "Checksum.IPv4Receive.IpChecksum checksum_ipv4_receive_ip_checksum S"
        "Checksum.IPv6Transmit.Encapsulation checksum_ipv6_transmit_encapsulation 0x13"
        "Checksum.IPv6Transmit.IpExtensionHeadersSupported checksum_ipv6_transmit_ip_extension_headers_supported S"
        "Checksum.IPv6Transmit.TcpOptionsSupported checksum_ipv6_transmit_tcp_options_supported S"
        "Checksum.IPv6Transmit.TcpChecksum checksum_ipv6_transmit_tcp_checksum S"
        "Checksum.IPv6Transmit.UdpChecksum checksum_ipv6_transmit_udp_checksum S"
        "Checksum.IPv6Receive.Encapsulation checksum_ipv6_receive_encapsulation 0x14"
        "Checksum.IPv6Receive.IpExtensionHeadersSupported checksum_ipv6_receive_ip_extension_headers_supported S"
        "Checksum.IPv6Receive.TcpOptionsSupported checksum_ipv6_receive_tcp_options_supported S"
        "Checksum.IPv6Receive.TcpChecksum checksum_ipv6_receive_tcp_checksum S"
        "Checksum.IPv6Receive.UdpChecksum checksum_ipv6_receive_udp_checksum S"
        "LsoV1.IPv4.Encapsulation lso_v1_ipv4_encapsulation 0x15"
        "LsoV1.IPv4.MaxOffLoadSize lso_v1_ipv4_max_offload_size 0x00010203"
        "LsoV1.IPv4.MinSegmentCount lso_v1_ipv4_min_segment_count 0x04050607"
        "LsoV1.IPv4.TcpOptions lso_v1_ipv4_tcp_options S"
        "LsoV1.IPv4.IpOptions lso_v1_ipv4_ip_options S"
        "IPsecV1.Supported.Encapsulation ipsec_v1_supported_encapsulation 0x16"
        "IPsecV1.Supported.AhEspCombined ipsec_v1_supported_ah_esp_combined 0x08090a0b"
        "IPsecV1.Supported.TransportTunnelCombined ipsec_v1_supported_transport_tunnel_combined 0x0c0d0e0f"
        "IPsecV1.Supported.IPv4Options ipsec_v1_supported_ipv4_options 0x10111213"
        "IPsecV1.Supported.Flags ipsec_v1_supported_flags 0x14151617"
        "IPsecV1.IPv4AH.Md5 ipsec_v1_ipv4_ah_md5 S"
        "IPsecV1.IPv4AH.Sha_1 ipsec_v1_ipv4_ah_sha_1 S"
        "IPsecV1.IPv4AH.Transport ipsec_v1_ipv4_ah_transport S"
        "IPsecV1.IPv4AH.Tunnel ipsec_v1_ipv4_ah_tunnel S"
        "IPsecV1.IPv4AH.Send ipsec_v1_ipv4_ah_send S"
        "IPsecV1.IPv4AH.Receive ipsec_v1_ipv4_ah_receive S"
        "IPsecV1.IPv4ESP.Des ipsec_v1_ipv4_esp_des S"
        "IPsecV1.IPv4ESP.TripleDes ipsec_v1_ipv4_esp_triple_des S"
        "IPsecV1.IPv4ESP.NullEsp ipsec_v1_ipv4_esp_null_esp S"
        "IPsecV1.IPv4ESP.Transport ipsec_v1_ipv4_esp_transport S"
        "IPsecV1.IPv4ESP.Tunnel ipsec_v1_ipv4_esp_tunnel S"
        "IPsecV1.IPv4ESP.Send ipsec_v1_ipv4_esp_send S"
        "IPsecV1.IPv4ESP.Receive ipsec_v1_ipv4_esp_receive S"
        "LsoV2.IPv4.Encapsulation lso_v2_ipv4_encapsulation 0x17"
        "LsoV2.IPv4.MaxOffLoadSize lso_v2_ipv4_max_offload_size 0x18191a1b"
        "LsoV2.IPv4.MinSegmentCount lso_v2_ipv4_min_segment_count 0x1c1d1e1f"
        "LsoV2.IPv6.Encapsulation lso_v2_ipv6_encapsulation 0x18"
        "LsoV2.IPv6.MaxOffLoadSize lso_v2_ipv6_max_offload_size 0x20212223"
        "LsoV2.IPv6.MinSegmentCount lso_v2_ipv6_min_segment_count 0x24252627"
        "LsoV2.IPv6.IpExtensionHeadersSupported lso_v2_ipv6_ip_extension_headers_supported S"
        "LsoV2.IPv6.TcpOptionsSupported lso_v2_ipv6_tcp_options_supported S"
        "Flags offload_flags 0x28292a2b"
        "IPsecV2.Encapsulation ipsec_v2_encapsulation 0x19"
        "IPsecV2.IPv6Supported ipsec_v2_ipv6_supported S"
        "IPsecV2.IPv4Options ipsec_v2_ipv4_options S"
        "IPsecV2.IPv6NonIPsecExtensionHeaders ipsec_v2_ipv6_non_ipsec_extension_headers S"
        "IPsecV2.Ah ipsec_v2_ah S"
        "IPsecV2.Esp ipsec_v2_esp S"
        "IPsecV2.AhEspCombined ipsec_v2_ah_esp_combined S"
        "IPsecV2.Transport ipsec_v2_transport S"
        "IPsecV2.Tunnel ipsec_v2_tunnel S"
        "IPsecV2.TransportTunnelCombined ipsec_v2_transport_tunnel_combined S"
        "IPsecV2.LsoSupported ipsec_v2_lso_supported S"
        "IPsecV2.ExtendedSequenceNumbers ipsec_v2_extended_sequence_numbers S"
        "IPsecV2.UdpEsp ipsec_v2_udp_esp 0x3c3d3e3f"
        "IPsecV2.AuthenticationAlgorithms ipsec_v2_authentication_algorithms 0x40414243"
        "IPsecV2.EncryptionAlgorithms ipsec_v2_encryption_algorithms 0x44454647"
        "IPsecV2.SaOffloadCapacity ipsec_v2_sa_offload_capacity 0x48494a4b"
        "Rsc.IPv4.Enabled rsc_ipv4_enabled S"
        "Rsc.IPv6.Enabled rsc_ipv6_enabled S"
        "EncapsulatedPacketTaskOffloadGre.TransmitChecksumOffloadSupported encapsulated_packet_task_offload_gre_transmit_checksum_offload_supported 0x1"
        "EncapsulatedPacketTaskOffloadGre.ReceiveChecksumOffloadSupported encapsulated_packet_task_offload_gre_receive_checksum_offload_supported 0x2"
        "EncapsulatedPacketTaskOffloadGre.LsoV2Supported encapsulated_packet_task_offload_gre_lso_v2_supported 0xf"
        "EncapsulatedPacketTaskOffloadGre.RssSupported encapsulated_packet_task_offload_gre_rss_supported 0x4"
        "EncapsulatedPacketTaskOffloadGre.VmqSupported encapsulated_packet_task_offload_gre_vmq_supported 0x9"
        "EncapsulatedPacketTaskOffloadGre.MaxHeaderSizeSupported encapsulated_packet_task_offload_gre_max_header_size_supported 0x50515253"
)
# mingw-w64 lacks the members after revision 3 (and the GRE word's UsoSupported bits); those
# are checked against the golden vectors of the unit tests, derived from the documented layout.

# compare NAME C_TYPE HEADER HEADER_HEX ROWS...: builds the record both ways and compares the
# bytes over sizeof(C_TYPE) as mingw-w64 lays it out.
compare() {
        local name=$1 ctype=$2 header=$3 prefix=$4 pass=$5
        shift 5
        local rows=("$@") init="" args=() row member key value i=$pass
        for row in "${rows[@]}"; do
                read -r member key value <<<"$row"
                [ "$value" = S ] && value=$((i++ % 2))
                init+="        .$member = $value,"$'\n'
                args+=("$key=$value")
        done
        cat >"$tmp/$name.c" <<EOF
#include <winsock2.h>
#include <windows.h>
#include <ntddndis.h>
const $ctype record = {
        .Header = { $header },
$init};
__attribute__((section(".rsize"))) const unsigned record_size = sizeof(record);
EOF
        "$cc" -DUM_NDIS630 -O0 -c "$tmp/$name.c" -o "$tmp/$name.o"
        "$objcopy" -O binary -j .rdata "$tmp/$name.o" "$tmp/$name.bin"
        "$objcopy" -O binary -j .rsize "$tmp/$name.o" "$tmp/$name.size"
        local size
        size=$(od -An -tu4 -N4 "$tmp/$name.size" | tr -d ' ')
        local windows mine
        windows=$(head -c "$size" "$tmp/$name.bin" | xxd -p | tr -d '\n')
        mine=$("$ctl" encode "${args[@]}")
        mine=${mine:0:$((size * 2))}
        if [ "${windows:0:8}" != "$prefix" ] || [ "$windows" != "$mine" ]; then
                echo "FAIL $name, pass $pass ($size bytes):"
                echo "  windows  $windows"
                echo "  muxcapctl $mine"
                failed=1
        else
                echo "ok $name, pass $pass: $size bytes equal"
        fi
}

for pass in 0 1; do
        compare connection NDIS_TCP_CONNECTION_OFFLOAD "0x80, 2, 20" 80021400 $pass "${connection[@]}"
        [ "${2:-}" = --connection-only ] ||
                compare task NDIS_OFFLOAD "0xA7, 6, 216" a706d800 $pass "${task[@]}"
done
exit "$failed"
