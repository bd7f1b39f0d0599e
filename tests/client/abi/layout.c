/* SPDX-License-Identifier: MIT */
/* Prints the size and member offsets of every public struct, and the values of the public
 * constants, of the muxcap.h it is compiled with: built against libmuxcap 1.0's header and
 * against today's, the two outputs must be equal (test-abi-old-header.sh) */
#include <stddef.h>
#include <stdio.h>

#include <muxcap/muxcap.h>

#define S(t) printf("sizeof %s %zu\n", #t, sizeof(struct t))
#define O(t, m) printf("offsetof %s.%s %zu\n", #t, #m, offsetof(struct t, m))
#define C(c) printf("%s %lu\n", #c, (unsigned long) (c))

int main(void) {
        S(muxcap_record);
        O(muxcap_record, revision);
        O(muxcap_record, encapsulation);
        O(muxcap_record, support_ipv4);
        O(muxcap_record, support_ipv6);
        O(muxcap_record, support_ipv6_extension_headers);
        O(muxcap_record, support_sack);
        O(muxcap_record, congestion_algorithm);
        O(muxcap_record, tcp_connection_offload_capacity);
        O(muxcap_record, flags);
        S(muxcap_event);
        O(muxcap_event, kind);
        O(muxcap_event, mux);
        O(muxcap_event, status_code);
        O(muxcap_event, generation);
        O(muxcap_event, record);
        O(muxcap_event, buffer);
        O(muxcap_event, buffer_size);
        S(muxcap_mux_info);
        O(muxcap_mux_info, name);
        O(muxcap_mux_info, kind);
        O(muxcap_mux_info, ifindex);
        O(muxcap_mux_info, members);
        O(muxcap_mux_info, capacity_policy);
        O(muxcap_mux_info, generation);
        O(muxcap_mux_info, hardware);
        O(muxcap_mux_info, current);
        S(muxcap_explanation);
        O(muxcap_explanation, field);
        O(muxcap_explanation, value);
        O(muxcap_explanation, member);
        O(muxcap_explanation, source);
        C(MUXCAP_RECORD_SIZE);
        C(MUXCAP_RECORD_REVISION);
        C(MUXCAP_STATUS_HARDWARE_CAPABILITIES);
        C(MUXCAP_STATUS_OFFLOAD_RESUME);
        C(MUXCAP_ENCAP_NULL);
        C(MUXCAP_ENCAP_IEEE_802_3);
        C(MUXCAP_ENCAP_IEEE_802_3_P_AND_Q);
        C(MUXCAP_ENCAP_IEEE_802_3_P_AND_Q_IN_OOB);
        C(MUXCAP_ENCAP_IEEE_LLC_SNAP_ROUTED);
        C(MUXCAP_EVENT_STATE);
        C(MUXCAP_EVENT_INDICATION);
        C(MUXCAP_EVENT_MUX_ADDED);
        C(MUXCAP_EVENT_MUX_REMOVED);
        C(MUXCAP_EVENT_DAEMON_APPEARED);
        C(MUXCAP_EVENT_DAEMON_GONE);
        C(MUXCAP_EVENT_DISCONNECTED);
        return 0;
}
