/* SPDX-License-Identifier: MIT */
/* Unit tests of daemon/config.c: the example config, every error with FILE:LINE */
#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "schemas.h"

static Config *parse_ok(const char *text) {
        Config *c = NULL;
        char *msg = NULL;
        int r = config_parse_string(text, "test.conf", &c, &msg);

        if (r < 0)
                fprintf(stderr, "unexpected error: %s\n", msg);
        assert(r == 0 && c && !msg);
        return c;
}

static void expect_error(const char *text, const char *want) {
        Config *c = NULL;
        char *msg = NULL;
        int r = config_parse_string(text, "test.conf", &c, &msg);

        assert(r == -EINVAL && !c);
        if (!msg || strcmp(msg, want) != 0) {
                fprintf(stderr, "got '%s'\nwant '%s'\n", msg ? msg : "(null)", want);
                assert(0);
        }
        free(msg);
}

static void test_spec_example_parses(void) {
        Config *c = parse_ok("[Daemon]\nCoalesceMs=25\nKernelMuxKinds=bond team bridge\n\n"
                             "[Mux lbfo0]\nMembers=enp1s0f0 enp1s0f1 enp2s0*\nCapacityPolicy=sum\n\n"
                             "[Nic enp2s0*]\nTcpConnectionOffloadCapacity=4096\nSupportSack=yes\n"
                             "# comment\n; comment\n[Mux br0]\nCapacityPolicy=sum\n");
        RecordValue hwv, curv;
        Record hw, cur;
        Source hs[_FIELD_MAX] = { 0 };
        const MuxRule *m;

        assert(c->coalesce_ms == 25);
        assert(config_is_kernel_mux_kind(c, "team") && !config_is_kernel_mux_kind(c, "veth"));
        assert(c->n_muxes == 2);
        m = config_find_mux(c, "lbfo0");
        assert(m && m->policy == CAPACITY_POLICY_SUM && m->members);
        assert(config_mux_matches(m, "enp1s0f1") && config_mux_matches(m, "enp2s0d3"));
        assert(!config_mux_matches(m, "enp1s0f2"));
        m = config_find_mux(c, "br0");
        assert(m && !m->members && m->policy == CAPACITY_POLICY_SUM);

        value_init(&hwv, &schema_tcp_connection_offload);
        curv = hwv;
        config_apply_nic_rules(c, "enp2s0x", &hwv, &curv, hs);
        record_from_value(&hwv, &hw);
        record_from_value(&curv, &cur);
        assert(hw.tcp_connection_offload_capacity == 4096 && cur.tcp_connection_offload_capacity == 4096);
        assert(hw.support_sack == 1 && hs[FIELD_SUPPORT_SACK] == SOURCE_CONFIG);
        assert(hs[FIELD_SUPPORT_IPV4] == SOURCE_NONE);
        config_free(c);
}

static void test_defaults(void) {
        Config *c = parse_ok("");

        assert(c->coalesce_ms == 10);
        assert(config_is_kernel_mux_kind(c, "bond") && config_is_kernel_mux_kind(c, "bridge"));
        assert(c->n_muxes == 0 && c->n_nics == 0);
        config_free(c);
}

static void test_later_nic_section_wins(void) {
        Config *c = parse_ok("[Nic eth*]\nSupportIPv4=yes\nFlags=1\n[Nic eth1]\nSupportIPv4=no\n");
        RecordValue hwv, curv;
        Record hw;
        Source hs[_FIELD_MAX] = { 0 };

        value_init(&hwv, &schema_tcp_connection_offload);
        curv = hwv;
        config_apply_nic_rules(c, "eth1", &hwv, &curv, hs);
        record_from_value(&hwv, &hw);
        assert(hw.support_ipv4 == 0 && hw.flags == 1);
        config_apply_nic_rules(c, "eth0", &hwv, &curv, hs);
        record_from_value(&hwv, &hw);
        assert(hw.support_ipv4 == 1);
        config_free(c);
}

static void test_every_error_names_file_and_line(void) {
        expect_error("[Daemon]\nCoalesceMs=abc\n", "test.conf:2: CoalesceMs: 'abc': expected a number of milliseconds 0-60000");
        expect_error("[Daemon]\nCoalesceMs=60001\n", "test.conf:2: CoalesceMs: '60001': expected a number of milliseconds 0-60000");
        expect_error("[Daemon]\nFoo=1\n", "test.conf:2: unknown key 'Foo' in [Daemon] (expected CoalesceMs, KernelMuxKinds)");
        expect_error("\n[Bogus]\nA=1\n", "test.conf:3: unknown section [Bogus] (expected [Daemon], [Mux NAME], [Nic GLOB])");
        expect_error("A=1\n", "test.conf:1: key 'A' outside of a section");
        expect_error("[Daemon]\nno equals sign\n", "test.conf:2: syntax error (expected [Section] or Key=Value)");
        expect_error("[Daemon\nCoalesceMs=1\n", "test.conf:1: syntax error (expected [Section] or Key=Value)");
        expect_error("[Mux a]\nMembers=x\n[Mux a]\nMembers=y\n", "test.conf:3: duplicate MUX 'a'");
        expect_error("[Mux a]\nMembers=x\nMembers=y\n", "test.conf:3: duplicate key 'Members' in [Mux a]");
        expect_error("[Mux a]\nMembers=eth[0\n", "test.conf:2: Members: 'eth[0' is not a valid glob");
        expect_error("[Mux a]\nMembers=\n", "test.conf:2: Members: empty list");
        expect_error("[Mux a]\nCapacityPolicy=max\n", "test.conf:2: CapacityPolicy: 'max': expected min or sum");
        expect_error("[Mux a]\nMember=x\n", "test.conf:2: unknown key 'Member' in [Mux a] (expected Members, CapacityPolicy)");
        expect_error("[Mux a*]\nMembers=x\n", "test.conf:2: [Mux a*]: a MUX name is a plain name without blanks, '/' or wildcards, in UTF-8");
        /* Bytes outside printable ASCII reach the message escaped, never raw. */
        expect_error("[Mux \xff\xfe]\nMembers=x\n", "test.conf:2: [Mux \\xff\\xfe]: a MUX name is a plain name without blanks, '/' or wildcards, in UTF-8");
        expect_error("[Daemon]\nCoalesceMs=5\n\n[Daemon]\nKernelMuxKinds=bond\n",
                     "test.conf:4: a second [Daemon] section (the first is at line 1)");
        expect_error("[Daemon]\nCoalesceMs=5\x1b[0m\n", "test.conf:2: control character 0x1b (a configuration is text)");
        expect_error("[Nic x]\r\nSupportSack=1\x7f\r\n", "test.conf:2: control character 0x7f (a configuration is text)");
        expect_error("[Nic eth[]\nFlags=1\n", "test.conf:2: [Nic eth[]: not a valid glob");
        expect_error("[Nic eth0]\nSupportIPv4=maybe\n", "test.conf:2: SupportIPv4: 'maybe': expected yes, no, 1, 0, true or false");
        expect_error("[Nic eth0]\nCongestionAlgorithm=16\n", "test.conf:2: CongestionAlgorithm: '16': number out of range 0-15");
        expect_error("[Nic eth0]\nEncapsulation=ethernet\n", "test.conf:2: Encapsulation: 'ethernet': unknown encapsulation (expected null, 802.3, 802.3-pq, 802.3-pq-oob, llc-snap-routed, or one number)");
        expect_error("[Nic eth0]\nCapacity=1\n", "test.conf:2: unknown key 'Capacity' in [Nic eth0] (expected a record field such as SupportIPv4 or TcpConnectionOffloadCapacity)");
        expect_error("[Daemon]\nKernelMuxKinds=bond Bridge!\n", "test.conf:2: KernelMuxKinds: 'Bridge!' is not a link kind");
}

/* A name is at most 15 bytes (IFNAMSIZ - 1), as the kernel's interface names are: a longer MUX
 * name, and a glob that matches only longer names, is refused naming the limit, not accepted
 * to match nothing. */
/* A name too long to match anything is refused, with the limit: a device's (a NIC, a kernel
 * MUX) is IFNAMSIZ - 1 bytes. A declared MUX's may be longer (255 bytes, which a line's bound,
 * test_long_line_is_refused(), meets first). */
static void test_over_long_names_are_refused(void) {
        Config *c;

        c = parse_ok("[Mux lbfo.east_rack:42-with-a-rather-long-name]\n"
                     "Members=eth012345678901 eth*0123456789ab\n"
                     "[Nic abcdefghijklmn?]\nFlags=1\n[Mux abcdefghijklmno]\nCapacityPolicy=sum\n"
                     "[Mux outer]\nMembers=lbfo.east_rack:42-with-a-rather-long-name\n");
        assert(config_find_mux(c, "lbfo.east_rack:42-with-a-rather-long-name"));
        assert(config_find_mux(c, "abcdefghijklmno"));
        config_free(c);
        /* Policy only, for a kernel MUX: its name is a device's, at most 15 bytes. */
        expect_error("\n[Mux bond-to-the-datacenter]\nCapacityPolicy=sum\n",
                     "test.conf:2: [Mux bond-to-the-datacenter]: without Members= it names a "
                     "kernel MUX, whose name is at most 15 bytes (IFNAMSIZ - 1), this one has 22");
        expect_error("[Nic abcdefghijklmn??]\nFlags=1\n",
                     "test.conf:2: [Nic abcdefghijklmn??]: matches no name: it needs 16 bytes, a "
                     "name has at most 15 (IFNAMSIZ - 1)");
        /* The length is in bytes; the bytes outside printable ASCII are escaped. */
        expect_error("[Mux \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9]\nCapacityPolicy=sum\n",
                     "test.conf:1: [Mux \\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9]: "
                     "without Members= it names a kernel MUX, whose name is at most 15 bytes "
                     "(IFNAMSIZ - 1), this one has 16");
}

/* The task-offload record's keys are its dotted field names, applied like the others. */
static void test_task_offload_keys(void) {
        Config *c = parse_ok("[Nic eth*]\nIPsecV2.SaOffloadCapacity=1024\n"
                             "EncapsulatedPacketTaskOffloadVxlan.RssSupported=inner-ipv4 outer-ipv4\n"
                             "SupportSack=yes\n"
                             "[Nic eth1]\nIPsecV2.SaOffloadCapacity=0x10\nOffloadFlags=7\n");
        RecordValue hw, cur;
        Source hs[_TASK_FIELD_MAX] = { 0 };

        value_init(&hw, &schema_task_offload);
        cur = hw;
        config_apply_nic_task_rules(c, "eth1", &hw, &cur, hs);
        assert(hw.v[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] == 16 && cur.v[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] == 16);
        assert(hw.v[TASK_ENCAPSULATED_PACKET_TASK_OFFLOAD_VXLAN_RSS_SUPPORTED] == 0x3);
        assert(hw.v[TASK_OFFLOAD_FLAGS] == 7);
        assert(hs[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] == SOURCE_CONFIG);
        assert(hs[TASK_OFFLOAD_FLAGS] == SOURCE_CONFIG);
        assert(hs[TASK_LSO_V2_IPV4_MAX_OFFLOAD_SIZE] == SOURCE_NONE);   /* untouched */
        value_init(&hw, &schema_task_offload);
        config_apply_nic_task_rules(c, "eth0", &hw, &cur, hs);
        assert(hw.v[TASK_IPSEC_V2_SA_OFFLOAD_CAPACITY] == 1024 && hw.v[TASK_OFFLOAD_FLAGS] == 0);
        config_free(c);

        expect_error("[Nic eth0]\nLsoV2.IPv4.MaxOffLoadSize=big\n",
                     "test.conf:2: LsoV2.IPv4.MaxOffLoadSize: 'big': not a decimal or 0x-hex number");
        expect_error("[Nic eth0]\nUdpSegmentation.IPv4.MinSegmentCount=64\n",
                     "test.conf:2: UdpSegmentation.IPv4.MinSegmentCount: '64': number out of range 0-63");
        expect_error("[Nic eth0]\nEncapsulatedPacketTaskOffloadGre.LsoV2Supported=0x10\n",
                     "test.conf:2: EncapsulatedPacketTaskOffloadGre.LsoV2Supported: '0x10': flags out of range 0-15");
        expect_error("[Nic eth0]\nIPsecV2.Esp=yes\nIPsecV2.Esp=no\n",
                     "test.conf:3: duplicate key 'IPsecV2.Esp' in [Nic eth0]");
        expect_error("[Nic eth0]\nlso_v2_ipv4_max_offload_size=1\n",
                     "test.conf:2: unknown key 'lso_v2_ipv4_max_offload_size' in [Nic eth0] (expected a record field such as SupportIPv4 or TcpConnectionOffloadCapacity)");
}

static void test_declared_mux_cycle_is_refused(void) {
        expect_error("[Mux a]\nMembers=b\n\n[Mux b]\nMembers=c x\n[Mux c]\nMembers=a*\n",
                     "test.conf:1: [Mux a]: its Members would contain itself (declared MUXes nest in a cycle)");
        expect_error("[Mux self]\nMembers=s*\n",
                     "test.conf:1: [Mux self]: its Members would contain itself (declared MUXes nest in a cycle)");
        config_free(parse_ok("[Mux a]\nMembers=b\n[Mux b]\nMembers=eth*\n"));
        /* The cycle is b <-> c, not through a. */
        expect_error("[Mux a]\nMembers=b\n[Mux b]\nMembers=c\n[Mux c]\nMembers=b\n",
                     "test.conf:3: [Mux b]: its Members would contain itself (declared MUXes nest in a cycle)");
        /* 26 declared MUXes nested in a chain, each naming all below it by glob: checking
         * once per MUX, not per path (was exponential, found by fuzz-config). */
        {
                char text[4096] = "";
                for (char c = 'a'; c <= 'z'; c++) {
                        char section[64];
                        snprintf(section, sizeof(section), "[Mux %c]\nMembers=[%c-z]\n", c, c == 'z' ? 'z' : c + 1);
                        if (c == 'z')
                                snprintf(section, sizeof(section), "[Mux z]\nMembers=eth*\n");
                        strcat(text, section);
                }
                config_free(parse_ok(text));
        }
        /* 100,000 declared MUXes in one chain, each naming the next: checked without
         * recursion (100,000 frames deep) and without an n x n table (the old check took 9 s
         * and 396 MB for 20,000 sections); the cycle the last one closes is found, at the
         * first MUX on it in file order. */
        {
                const size_t n = 100000;
                char *text = malloc(n * 40), *o = text;
                Config *c = NULL;
                char *msg = NULL;

                assert(text);
                for (size_t i = 0; i < n; i++)
                        o += sprintf(o, "[Mux m%zu]\nMembers=m%zu\n", i, i + 1);
                config_free(parse_ok(text));
                sprintf(o - strlen("100000\n"), "0\n");       /* the last names m0 */
                assert(config_parse_string(text, "test.conf", &c, &msg) == -EINVAL && !c);
                assert(streq(msg, "test.conf:1: [Mux m0]: its Members would contain itself "
                                  "(declared MUXes nest in a cycle)"));
                free(msg);
                free(text);
        }
}

/* The index of globs by literal prefix finds exactly what matching every glob finds: literal
 * names, '*' alone, classes, escapes, names that are prefixes of others, two globs of one MUX
 * matching one name; and the [Nic] rules apply in file order through it. */
static void test_glob_index_finds_what_every_glob_finds(void) {
        static const char *const names[] = {
                "e", "eth", "eth0", "eth1", "eth10", "eth0.5", "enp2s0", "enp2s0f1", "wlan0",
                "br-lan", "x*y", "[a]", "abcdefghijklmno", "m", "m1", "m10", "Ma", "Mb", "k",
        };
        Config *c = parse_ok("[Mux Ma]\nMembers=eth0 eth0 eth*\n"
                             "[Mux Mb]\nMembers=*0 [!M]*\n"
                             "[Mux Mc]\nMembers=e?h[01] enp2s0* wlan0 x\\*y \\[a]\n"
                             "[Mux Md]\nMembers=eth1* [!eM]*\n"
                             "[Mux Me]\nMembers=abcdefghijklmno abcdefghijklmn? m1? Ma\n"
                             "[Mux k]\nCapacityPolicy=sum\n"
                             "[Nic eth*]\nFlags=1\n[Nic eth1]\nFlags=2\n[Nic *0]\nFlags=3\n"
                             "[Nic e?h1*]\nSupportSack=yes\n");

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                size_t *found = NULL, n = 0, flags = 0;
                int r = config_match_members(c, names[i], &found);
                RecordValue hw, cur;
                Source hs[_FIELD_MAX] = { 0 };

                assert(r >= 0);
                for (size_t k = 0; k < c->n_muxes; k++)
                        if (c->muxes[k].members && config_mux_matches(&c->muxes[k], names[i])) {
                                assert(n < (size_t) r && found[n] == k);
                                n++;
                        }
                assert(n == (size_t) r);
                free(found);

                /* The last matching [Nic] section in the file sets Flags. */
                for (size_t k = 0; k < c->n_nics; k++)
                        if (c->nics[k].set[FIELD_FLAGS] && fnmatch(c->nics[k].glob, names[i], 0) == 0)
                                flags = c->nics[k].value[FIELD_FLAGS];
                value_init(&hw, &schema_tcp_connection_offload);
                cur = hw;
                config_apply_nic_rules(c, names[i], &hw, &cur, hs);
                assert(value_get(&hw, FIELD_FLAGS) == flags);
                assert((hs[FIELD_FLAGS] == SOURCE_CONFIG) == (flags != 0));
        }
        config_free(c);
}

static void test_first_error_wins(void) {
        expect_error("[Daemon]\nCoalesceMs=x\nFoo=2\n", "test.conf:2: CoalesceMs: 'x': expected a number of milliseconds 0-60000");
        expect_error("[Daemon]\nbad line\nFoo=2\n", "test.conf:2: syntax error (expected [Section] or Key=Value)");
}

static void test_long_line_is_refused(void) {
        char text[600];

        strcpy(text, "[Mux a]\nMembers=");
        memset(text + strlen(text), 'x', 300);
        text[16 + 300] = '\0';         /* 16: the length of the prefix */
        strcat(text, "\n");
        {
                Config *c = NULL;
                char *msg = NULL;
                assert(config_parse_string(text, "test.conf", &c, &msg) == -EINVAL);
                assert(msg && strstr(msg, "test.conf:2: line longer than"));
                free(msg);
        }
}

/* config_load() of @text written to a new file (@len bytes: NULs included); its message. */
static char *load_bytes(const char *text, size_t len, int *ret_r) {
        char path[] = "/tmp/test-config.XXXXXX";
        int fd = mkstemp(path);
        Config *c = NULL;
        char *msg = NULL;

        assert(fd >= 0 && write(fd, text, len) == (ssize_t) len && close(fd) == 0);
        *ret_r = config_load(path, false, &c, &msg);
        assert(!c || *ret_r == 0);
        config_free(c);
        assert(unlink(path) == 0);
        return msg;
}

/* Only a regular file of at most 4 MiB is read, whole: a directory, a FIFO, /dev/zero, a
 * file too large and one with a NUL byte are refused at once, with the reason. */
static void test_only_a_bounded_regular_file_is_read(void) {
        char dir[] = "/tmp/test-config-dir.XXXXXX", fifo[64], *msg = NULL, *big;
        Config *c = NULL;
        int r;

        assert(mkdtemp(dir));
        assert(config_load(dir, true, &c, &msg) == -EINVAL && !c);
        assert(strstr(msg, dir) == msg && streq(msg + strlen(dir), ": not a regular file but a directory"));
        free(msg);
        snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
        assert(mkfifo(fifo, 0600) == 0);
        assert(config_load(fifo, false, &c, &msg) == -EINVAL && !c);
        assert(strstr(msg, ": not a regular file but a FIFO"));
        free(msg);
        assert(unlink(fifo) == 0 && rmdir(dir) == 0);
        msg = NULL;
        assert(config_load("/dev/null", false, &c, &msg) == 0 && c && !msg);  /* empty */
        assert(c->coalesce_ms == CONFIG_DEFAULT_COALESCE_MS && c->n_muxes == 0);
        c = config_free(c);
        assert(config_load("/dev/zero", false, &c, &msg) == -EINVAL && !c);
        assert(streq(msg, "/dev/zero: not a regular file but a character device"));
        free(msg);

        msg = load_bytes("[Daemon]\nCoalesceMs=5\n\0garbage\n", 31, &r);
        assert(r == -EINVAL && msg && streq(strchr(msg, ':'), ":3: a NUL byte (a configuration is text)"));
        free(msg);
        big = malloc((4 << 20) + 2);
        assert(big);
        for (size_t i = 0; i < (4 << 20) + 1; i++)       /* comment lines of 64 bytes */
                big[i] = i % 64 == 63 ? '\n' : '#';
        msg = load_bytes(big, (4 << 20) + 1, &r);
        assert(r == -EINVAL && strstr(msg, ": 4194305 bytes, larger than a configuration may be (4194304 bytes)"));
        free(msg);
        msg = load_bytes(big, 4 << 20, &r);     /* at the bound: comments, read */
        assert(r == 0 && !msg);
        free(big);
}

static void test_missing_file(void) {
        Config *c = NULL;
        char *msg = NULL;

        assert(config_load("/nonexistent/muxcapd.conf", true, &c, &msg) == 0 && c);
        assert(c->coalesce_ms == CONFIG_DEFAULT_COALESCE_MS);
        config_free(c);
        c = NULL;
        assert(config_load("/nonexistent/muxcapd.conf", false, &c, &msg) == -ENOENT && !c);
}

int main(void) {
        test_spec_example_parses();
        test_defaults();
        test_later_nic_section_wins();
        test_every_error_names_file_and_line();
        test_over_long_names_are_refused();
        test_task_offload_keys();
        test_declared_mux_cycle_is_refused();
        test_glob_index_finds_what_every_glob_finds();
        test_first_error_wins();
        test_long_line_is_refused();
        test_missing_file();
        test_only_a_bounded_regular_file_is_read();
        return 0;
}
