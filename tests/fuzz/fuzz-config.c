/* SPDX-License-Identifier: MIT */
/* Fuzz target: config_parse_string() on any bytes, config_load() on the same bytes, and what a
 * reload does with them
 *
 * Neither may crash. A refused text gives -EINVAL and one "FILE:LINE: message" with a line
 * inside the text; an accepted text gives a self-consistent Config (every value within its
 * range, every glob valid, MUX names unique, no declared MUX reaching itself). Reading the
 * same text from a file must give the same result as from the string.
 *
 * A reload (muxcapd's manager_reload()) loads the file and, only when that succeeds, hands the
 * new Config to the model (model_set_config()), whose next sync rebuilds the topology. Here the
 * model is the daemon's, without I/O: a fixed set of links (kernel MUXes and their members,
 * names a config may declare) under a fixed first configuration, synced. A refused text must
 * leave it as it was; an accepted one must give, after the sync, the state a fresh start with
 * that text gives: the same MUXes (name, kind, policy, members in order, four records) and the
 * same NICs (records and the MUXes each is in). */

#include <errno.h>
#include <net/if_arp.h>
#include <stdbool.h>
#include <syslog.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "schemas.h"
#include "fuzz.h"
#include "log.h"
#include "model.h"
#include "mux.h"
#include "nic.h"
#include "strv.h"

#define CYCLE_CHECK_MAX 64

static bool is_kind(const char *k) {
        size_t n = strlen(k);

        return n > 0 && n <= 63 && strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static void check_message(const char *text, const char *path, const char *msg) {
        size_t lines = 1, plen = strlen(path);
        unsigned long line;
        char *end;

        for (const char *p = text; *p; p++)
                if (*p == '\n')
                        lines++;
        fuzz_check(msg);
        fuzz_check(strncmp(msg, path, plen) == 0 && msg[plen] == ':');
        fuzz_check(msg[plen + 1] >= '1' && msg[plen + 1] <= '9');
        line = strtoul(msg + plen + 1, &end, 10);
        fuzz_check(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
        fuzz_check(line >= 1 && line <= lines);
}

/* No declared MUX reaches itself through Members= (transitive closure, small configs). */
static void check_no_cycle(const Config *c) {
        static bool reach[CYCLE_CHECK_MAX][CYCLE_CHECK_MAX];
        size_t n = c->n_muxes;

        if (n > CYCLE_CHECK_MAX)
                return;
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                        reach[i][j] = c->muxes[j].members &&
                                      config_mux_matches(&c->muxes[i], c->muxes[j].name);
        for (size_t k = 0; k < n; k++)
                for (size_t i = 0; i < n; i++)
                        for (size_t j = 0; j < n; j++)
                                reach[i][j] = reach[i][j] || (reach[i][k] && reach[k][j]);
        for (size_t i = 0; i < n; i++)
                fuzz_check(!(c->muxes[i].members && reach[i][i]));
}

static void check_config(const Config *c) {
        fuzz_check(c->coalesce_ms <= CONFIG_MAX_COALESCE_MS);
        fuzz_check(c->kernel_mux_kinds);
        for (size_t i = 0; c->kernel_mux_kinds[i]; i++) {
                fuzz_check(is_kind(c->kernel_mux_kinds[i]));
                fuzz_check(config_is_kernel_mux_kind(c, c->kernel_mux_kinds[i]));
        }
        fuzz_check(c->n_nics == 0 || c->nics);
        for (size_t i = 0; i < c->n_nics; i++) {
                const NicRule *rule = &c->nics[i];

                fuzz_check(rule->glob && glob_is_valid(rule->glob, CONFIG_NAME_MAX));
                for (Field f = 0; f < _FIELD_MAX; f++) {
                        Record rec = RECORD_EMPTY;

                        if (rule->set[f])
                                fuzz_check(record_set(&rec, f, rule->value[f]) == 0);
                }
        }
        fuzz_check(c->n_muxes == 0 || c->muxes);
        for (size_t i = 0; i < c->n_muxes; i++) {
                const MuxRule *m = &c->muxes[i];

                fuzz_check(m->name && *m->name && strlen(m->name) <= CONFIG_MUX_NAME_MAX);
                fuzz_check(m->members || strlen(m->name) <= CONFIG_NAME_MAX);
                fuzz_check(!strpbrk(m->name, " \t/*?["));
                fuzz_check(config_find_mux(c, m->name) == m);
                fuzz_check(m->policy >= 0 && m->policy < _CAPACITY_POLICY_MAX);
                fuzz_check(m->line >= 1);
                fuzz_check(!m->members || m->members[0]);
                for (size_t j = 0; m->members && m->members[j]; j++)
                        fuzz_check(glob_is_valid(m->members[j], CONFIG_MUX_NAME_MAX));
        }
        check_no_cycle(c);
}

/* Applies the NIC rules to a name every rule matches (its own glob, when it is a plain name)
 * and checks that the last rule setting a field wins. */
static void check_apply(const Config *c) {
        for (size_t i = 0; i < c->n_nics; i++) {
                const char *name = c->nics[i].glob;
                RecordValue hw, cur;
                Source src[_FIELD_MAX] = { 0 };

                if (strpbrk(name, "*?[\\"))
                        continue;
                value_init(&hw, &schema_tcp_connection_offload);
                cur = hw;
                config_apply_nic_rules(c, name, &hw, &cur, src);
                for (Field f = 0; f < _FIELD_MAX; f++)
                        if (c->nics[i].set[f]) {
                                fuzz_check(src[f] == SOURCE_CONFIG);
                                fuzz_check(value_get(&hw, (size_t) f) == value_get(&cur, (size_t) f));
                        }
                for (size_t j = 0; j < c->n_muxes; j++)
                        (void) config_mux_matches(&c->muxes[j], name);
        }
}

static bool config_equal(const Config *a, const Config *b) {
        if (a->coalesce_ms != b->coalesce_ms || !strv_equal(a->kernel_mux_kinds, b->kernel_mux_kinds) ||
            a->n_nics != b->n_nics || a->n_muxes != b->n_muxes)
                return false;
        for (size_t i = 0; i < a->n_nics; i++) {
                if (!streq(a->nics[i].glob, b->nics[i].glob))
                        return false;
                for (Field f = 0; f < _FIELD_MAX; f++)
                        if (a->nics[i].set[f] != b->nics[i].set[f] ||
                            (a->nics[i].set[f] && a->nics[i].value[f] != b->nics[i].value[f]))
                                return false;
        }
        for (size_t i = 0; i < a->n_muxes; i++)
                if (!streq(a->muxes[i].name, b->muxes[i].name) ||
                    !strv_equal(a->muxes[i].members, b->muxes[i].members) ||
                    !a->muxes[i].members != !b->muxes[i].members ||
                    a->muxes[i].policy != b->muxes[i].policy || a->muxes[i].line != b->muxes[i].line)
                        return false;
        return true;
}

/* The first configuration, before the reload: declared MUXes, one taking a kernel bridge's
 * name, a kernel MUX's policy and NIC rules, so a reload has something to undo. */
static const char first_config[] =
        "[Daemon]\nKernelMuxKinds=bond bridge\n"
        "[Mux lbfo0]\nMembers=eth* a\nCapacityPolicy=sum\n"
        "[Mux br0]\nMembers=b c\n"
        "[Mux outer]\nMembers=lbfo0 x\n"
        "[Mux bond0]\nCapacityPolicy=sum\n"
        "[Nic eth1]\nTcpConnectionOffloadCapacity=100\nSupportSack=yes\n";

/* Links: kind, master (index into this table + 1), name; ifindex = index + 2. Short names a
 * fuzzer finds (a, b, c, x) beside the usual ones. */
static const struct {
        const char *name, *kind;
        int master;
} links[] = {
        { "eth0", NULL, 3 }, { "eth1", NULL, 3 }, { "bond0", "bond", 0 }, { "br0", "bridge", 0 },
        { "a", "veth", 4 }, { "b", "veth", 0 }, { "c", NULL, 0 }, { "team0", "team", 0 },
        { "x", "veth", 8 }, { "lbfo0", "veth", 0 }, { "enp2s0f0", NULL, 0 },
};

static int read_features(void *userdata, const char *name, NicFeatures *ret, char *driver,
                         size_t size) {
        /* Each name its own features, so the aggregates show who is a member. */
        *ret = (NicFeatures) { .available = FEATURE_BIT(FEATURE_TX_TCP_SEGMENTATION) };
        if (strchr(name, '0'))
                ret->available |= FEATURE_BIT(FEATURE_TX_CHECKSUM_IPV4);
        ret->active = ret->available;
        if (driver)
                snprintf(driver, size, "fuzz");
        return 0;
}

static void nothing(void *userdata) {
}

static const ModelOps ops = { .read_features = read_features, .changed = nothing, .lost = nothing };

/* A model of the links under @c, synced: what a start with @c gives. */
static Model *model_start(const Config *c) {
        Model *m = NULL;

        if (model_new(&m, c, false, &ops, NULL) < 0)
                abort();
        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                int master = links[i].master ? links[i].master + 1 : 0;

                model_link_new(m, &(RtnlLink) { .ifindex = (int) i + 2, .name = links[i].name,
                                                 .kind = links[i].kind, .master = master,
                                                 .type = ARPHRD_ETHER });
        }
        model_sync_unpublished(m);
        return m;
}

/* The state D-Bus would show, compared field by field. */
static bool models_equal(const Model *a, const Model *b) {
        if (a->n_muxes != b->n_muxes || a->n_nics != b->n_nics)
                return false;
        for (size_t i = 0; i < a->n_muxes; i++) {
                const Mux *x = a->muxes[i], *y = b->muxes[i];

                if (!streq(x->name, y->name) || !streq(x->kind, y->kind) ||
                    x->declared != y->declared || x->ifindex != y->ifindex ||
                    x->policy != y->policy || x->n_members != y->n_members)
                        return false;
                for (size_t k = 0; k < x->n_members; k++) {
                        const char *u = mux_member_name(&x->members[k]);

                        if (!streq(u, mux_member_name(&y->members[k])))
                                return false;
                }
                for (size_t k = 0; k < MUX_RECORDS; k++)
                        if (!value_equal(mux_computed_record(x, k), mux_computed_record(y, k)))
                                return false;
        }
        for (size_t i = 0; i < a->n_nics; i++) {
                const Nic *n = a->nics[i], *o = b->nics[i];

                if (n->ifindex != o->ifindex ||
                    !strv_equal(n->pub_muxes, o->pub_muxes) || !n->pub_muxes != !o->pub_muxes)
                        return false;
                for (size_t k = 0; k < NIC_RECORDS; k++) {
                        RecordValue rn, ro;

                        nic_settled_get(n, k, &rn);
                        nic_settled_get(o, k, &ro);
                        if (!value_equal(&rn, &ro))
                                return false;
                }
        }
        return true;
}

/* What a reload with the accepted text does: the running model, under the first config, takes
 * it and syncs; the result must be what a fresh start with it gives. (A refused text yields no
 * Config at all, checked by the caller: manager_reload() then has nothing to hand the model.) */
static void check_reload(const Config *c) {
        static Config *first;
        Model *running, *fresh;
        char *msg = NULL;

        if (!first) {
                log_set_max_level(LOG_EMERG);   /* name clashes are warned of; not here */
                if (config_parse_string(first_config, "first.conf", &first, &msg) < 0)
                        abort();
        }
        running = model_start(first);
        model_set_config(running, c);
        model_sync_unpublished(running);
        fresh = model_start(c);
        fuzz_check(models_equal(running, fresh));
        model_free(fresh);
        model_free(running);
}

/* The same bytes through config_load(): a memfd named by its /proc path. Returns false when
 * the file cannot be made (not a finding). */
static bool load_via_file(const char *text, const char *path, int fd, int *ret_r, Config **ret,
                          char **ret_msg) {
        size_t len = strlen(text);

        if (ftruncate(fd, 0) < 0 || pwrite(fd, text, len, 0) != (ssize_t) len)
                return false;
        *ret_r = config_load(path, false, ret, ret_msg);
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static int fd = -1;
        static char path[64];
        _cleanup_free_ char *text = fuzz_strndup(data, size), *msg = NULL, *file_msg = NULL;
        _cleanup_(config_freep) Config *c = NULL, *file_c = NULL;
        int r, file_r = 0;

        /* One file for the whole run: the target is called millions of times. */
        if (fd < 0) {
                fd = memfd_create("fuzz-config", MFD_CLOEXEC);
                if (fd < 0)
                        abort();
                (void) snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        }

        r = config_parse_string(text, path, &c, &msg);
        if (r < 0) {
                fuzz_check(r == -EINVAL);
                fuzz_check(!c);
                check_message(text, path, msg);
        } else {
                fuzz_check(r == 0 && c && !msg);
                check_config(c);
                check_apply(c);
                check_reload(c);
        }

        /* fgets() and the string reader must split lines alike; an embedded NUL is where they
         * may rightly differ, so only texts without one are compared. */
        if (memchr(data, '\0', size) || !load_via_file(text, path, fd, &file_r, &file_c, &file_msg))
                return 0;
        if (file_r != r || (r < 0 && (!file_msg || !streq(file_msg, msg))))
                fprintf(stderr, "string: %d '%s', file: %d '%s'\n", r, msg ? msg : "",
                        file_r, file_msg ? file_msg : "");
        fuzz_check(file_r == r);
        if (r < 0)
                fuzz_check(file_msg && streq(file_msg, msg));
        else
                fuzz_check(config_equal(c, file_c));
        return 0;
}
