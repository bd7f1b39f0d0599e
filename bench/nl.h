/* SPDX-License-Identifier: MIT */
/* Benchmark netlink helpers on libmnl: create, enslave and delete links from our own process */
#pragma once

#include <stdint.h>

typedef struct BenchNl BenchNl;

BenchNl *bench_nl_new(void);                    /* aborts if the socket cannot be opened */
BenchNl *bench_nl_free(BenchNl *nl);

/* Each returns 0 or the kernel's negative errno; every request waits for its ACK. */
int bench_nl_add_bridge(BenchNl *nl, const char *name);
/* A veth @name (enslaved to @master_ifindex unless 0) whose peer @peer lives in the network
 * namespace @peer_netns_fd, so only @name is seen in ours. */
int bench_nl_add_veth(BenchNl *nl, const char *name, const char *peer, int peer_netns_fd,
                      int master_ifindex);
int bench_nl_set_master(BenchNl *nl, int ifindex, int master_ifindex);
int bench_nl_del(BenchNl *nl, const char *name);

/* Dumps the links: how many, and how many bytes of RTM_NEWLINK the kernel sent for them. */
int bench_nl_dump_links(BenchNl *nl, unsigned *ret_links, uint64_t *ret_bytes);
