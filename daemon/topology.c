/* SPDX-License-Identifier: MIT */
/* The topology: which MUXes exist and who is a member of which, derived from the NIC table by a
 * full rebuild or, for a changed plain NIC, by moving that NIC alone */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "model-internal.h"
#include "model.h"
#include "mux.h"
#include "nic.h"
#include "strv.h"

/* Takes the MUX at @i out of the table; the publisher withdraws its object. */
static void drop_mux(Model *m, size_t i) {
        Mux *x = m->muxes[i];

        log_debug("mux '%s': gone", x->name);
        memmove(m->muxes + i, m->muxes + i + 1, (m->n_muxes - i - 1) * sizeof(Mux *));
        m->n_muxes--;
        if (x->nic && x->nic->mux == x)
                x->nic->mux = NULL;
        x->nic = NULL;
        if (!model_bury((void ***) &m->gone_muxes, &m->n_gone_muxes, x)) {
                log_error("mux '%s': out of memory, its object may stay until restart", x->name);
                mux_free(x);
        }
}

/* The MUX @name of @kind, claimed for this rebuild (marked); NULL when another MUX claimed
 * the name first in this rebuild (declared MUXes claim first, so they win a clash) or out of
 * memory. A MUX of that name from before that nobody claimed yet, a kernel MUX the config
 * now declares, makes way: the same config and kernel state give the same MUXes however
 * they were reached (start-up, SIGHUP, Resync). */
static Mux *ensure_mux(Model *m, const char *name, const char *kind, bool declared) {
        Mux *x = model_find_mux(m, name), **table;
        size_t lo;

        if (x && x->declared == declared && streq(x->kind, kind)) {
                x->mark = true;
                return x;
        }
        if (x && x->mark)
                return NULL;
        if (x)
                drop_mux(m, model_mux_slot(m, name));
        if (mux_new(&x, name, kind, declared) < 0)
                return NULL;
        table = realloc(m->muxes, (m->n_muxes + 1) * sizeof(Mux *));
        if (!table) {
                mux_free(x);
                return NULL;
        }
        m->muxes = table;
        /* Keep the table sorted by name: insert in place. */
        lo = model_mux_slot(m, name);
        memmove(m->muxes + lo + 1, m->muxes + lo, (m->n_muxes - lo) * sizeof(Mux *));
        m->muxes[lo] = x;
        m->n_muxes++;
        x->mark = true;
        log_debug("mux '%s': new (%s)", name, kind);
        return x;
}

/* Claims the config's declared MUXes for this rebuild as ensure_mux() does, but the new ones
 * join the table in one merge: the config's index gives the rules by name, so they come sorted,
 * and the table is written once, not moved (and grown) once per new MUX, which made the first
 * rebuild after a large file quadratic in its MUXes. */
static void claim_declared(Model *m) {
        const Config *c = m->config;
        _cleanup_free_ Mux **added = calloc(c->n_muxes + 1, sizeof(Mux *));
        Mux **table;
        size_t n_added = 0, i = 0, k = 0;

        if (!added) {
                log_error("out of memory, declared MUXes are not followed until the next change");
                return;
        }
        for (size_t j = 0; j < c->n_muxes; j++) {
                const MuxRule *rule = &c->muxes[c->mux_by_name[j]];
                Mux *x;

                if (!rule->members)
                        continue;
                x = model_find_mux(m, rule->name);
                if (x && x->declared) {
                        x->mark = true;
                        x->policy = rule->policy;
                        continue;
                }
                /* A kernel MUX the config now declares makes way. */
                if (x)
                        drop_mux(m, model_mux_slot(m, rule->name));
                if (mux_new(&x, rule->name, "declared", true) < 0)
                        break;
                x->mark = true;
                x->policy = rule->policy;
                added[n_added++] = x;
                log_debug("mux '%s': new (declared)", rule->name);
        }
        if (n_added == 0)
                return;
        table = malloc((m->n_muxes + n_added) * sizeof(Mux *));
        if (!table) {
                log_error("out of memory, declared MUXes are not followed until the next change");
                while (n_added > 0)
                        mux_free(added[--n_added]);
                return;
        }
        /* Both sorted by name, and no name in both. */
        for (size_t o = 0; o < m->n_muxes + n_added; o++) {
                bool old = k == n_added ||
                           (i < m->n_muxes && strcmp(m->muxes[i]->name, added[k]->name) < 0);
                table[o] = old ? m->muxes[i++] : added[k++];
        }
        free(m->muxes);
        m->muxes = table;
        m->n_muxes += n_added;
}

/* Each NIC's MUXes (its Muxes property), from the member lists: done here, once per
 * topology change, and not per sync. Lists come out sorted, as the MUX table is. A first
 * pass compares in place, so only the NICs whose list changed allocate. */
static void rebuild_nic_muxes(Model *m) {
        _cleanup_free_ size_t *seen = calloc(m->n_nics + 1, sizeof(size_t));
        _cleanup_free_ bool *differs = calloc(m->n_nics + 1, sizeof(bool));
        _cleanup_free_ char ***lists = NULL;
        _cleanup_free_ size_t *count = NULL;
        bool any = false, oom = false;

        if (!seen || !differs) {
                log_error("out of memory, NIC Muxes properties not updated");
                m->lists_unsure = true;
                return;
        }
        for (size_t k = 0; k < m->n_muxes; k++)
                for (size_t j = 0; j < m->muxes[k]->n_members; j++) {
                        const Nic *n = m->muxes[k]->members[j].nic;
                        size_t i;

                        if (!n)
                                continue;
                        i = model_nic_slot(m, n->ifindex);
                        if (!differs[i]) {
                                char **pub = m->nics[i]->pub_muxes;
                                differs[i] = !pub || !pub[seen[i]] || !streq(pub[seen[i]], m->muxes[k]->name);
                        }
                        seen[i]++;
                }
        for (size_t i = 0; i < m->n_nics; i++) {
                char **pub = m->nics[i]->pub_muxes;
                if (!differs[i])
                        differs[i] = pub && pub[seen[i]];
                any = any || differs[i];
        }
        m->lists_unsure = false;
        if (!any)
                return;

        lists = calloc(m->n_nics + 1, sizeof(char **));
        count = calloc(m->n_nics + 1, sizeof(size_t));
        oom = !lists || !count;
        for (size_t k = 0; !oom && k < m->n_muxes; k++)
                for (size_t j = 0; !oom && j < m->muxes[k]->n_members; j++) {
                        const Nic *n = m->muxes[k]->members[j].nic;
                        size_t i;

                        if (!n)
                                continue;
                        i = model_nic_slot(m, n->ifindex);
                        if (differs[i])
                                oom = strv_push_dup(&lists[i], &count[i], m->muxes[k]->name) < 0;
                }
        for (size_t i = 0; lists && i < m->n_nics; i++) {
                Nic *n = m->nics[i];

                if (oom || !differs[i]) {
                        strv_free(lists[i]);
                        continue;
                }
                strv_free(n->pub_muxes);
                n->pub_muxes = lists[i];
                n->muxes_changed = true;
        }
        if (oom)
                log_error("out of memory, NIC Muxes properties not updated");
        m->lists_unsure = oom;
}

/* Puts @n into @x's members where a full rebuild would: NIC members come first, in NIC table
 * (ifindex) order, nested declared MUXes after them. Returns 0, or -ENOMEM. */
static int mux_insert_nic(Mux *x, Nic *n) {
        size_t k, lo = mux_nic_slot(x, n->ifindex, &k);
        MuxMember *a;

        if (lo < k && x->members[lo].nic == n)
                return 0;
        a = realloc(x->members, (x->n_members + 1) * sizeof(MuxMember));
        if (!a)
                return -ENOMEM;
        x->members = a;
        memmove(a + lo + 1, a + lo, (x->n_members - lo) * sizeof(MuxMember));
        a[lo] = (MuxMember) { .nic = n, .mux = n->mux };
        x->n_members++;
        x->members_dirty = true;
        mux_join_nic(x, n);
        return 0;
}

static int strcmp_ptr(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The MUXes plain NIC @n belongs in, by the rules of the full rebuild: its master's kernel
 * MUX, and every declared MUX whose globs match its name (looked up in the config's index,
 * once per change of the NIC, not per sync over all NICs), in a new array *@ret. Returns how
 * many, or -ENOMEM. */
static int nic_wanted_muxes(const Model *m, const Nic *n, Mux ***ret) {
        _cleanup_free_ size_t *rules = NULL;
        _cleanup_free_ Mux **want = NULL;
        bool visible = model_nic_is_visible(m, n);
        int r = 0, k = 0;

        if (visible)
                r = config_match_members(m->config, n->name, &rules);
        if (r < 0)
                return r;
        want = calloc((size_t) r + 2, sizeof(Mux *));
        if (!want)
                return -ENOMEM;
        if (visible && n->master > 0) {
                const Nic *master = model_find_nic(m, n->master);
                if (master && master->mux && !master->mux->declared)
                        want[k++] = master->mux;
        }
        for (int i = 0; i < r; i++) {
                Mux *x = model_find_mux(m, m->config->muxes[rules[i]].name);

                if (x && x->declared && x != n->mux)
                        want[k++] = x;
        }
        *ret = steal_ptr(want);
        return k;
}

/* Moves plain NIC @n to the member lists it belongs in now, and updates its Muxes. Returns 0,
 * or -ENOMEM (then a full rebuild must follow). */
static int update_nic_memberships(Model *m, Nic *n) {
        _cleanup_free_ Mux **want = NULL;
        _cleanup_free_ char **names = NULL;
        size_t n_want;
        bool same;
        int r;

        r = nic_wanted_muxes(m, n, &want);
        if (r < 0)
                return r;
        n_want = (size_t) r;
        /* Out of the lists it left: its Muxes say where it was. */
        for (size_t i = 0; n->pub_muxes && n->pub_muxes[i]; i++) {
                Mux *x = model_find_mux(m, n->pub_muxes[i]);
                bool wanted = false;

                for (size_t k = 0; k < n_want && !wanted; k++)
                        wanted = want[k] == x;
                if (x && !wanted)
                        mux_forget_nic(x, n);
        }
        for (size_t k = 0; k < n_want; k++)
                if (mux_insert_nic(want[k], n) < 0)
                        return -ENOMEM;

        /* Muxes, sorted as the MUX table is (by name). */
        names = calloc(n_want + 1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        for (size_t k = 0; k < n_want; k++)
                names[k] = want[k]->name;
        qsort(names, n_want, sizeof(char *), strcmp_ptr);
        /* An empty list and none are the same to the full rebuild. */
        same = true;
        for (size_t k = 0; same && k < n_want; k++)
                same = n->pub_muxes && n->pub_muxes[k] && streq(names[k], n->pub_muxes[k]);
        if (same && (n->pub_muxes ? !n->pub_muxes[n_want] : n_want == 0))
                return 0;
        for (size_t k = 0; k < n_want; k++) {
                names[k] = strdup(names[k]);
                if (!names[k]) {
                        while (k > 0)
                                free(names[--k]);
                        return -ENOMEM;
                }
        }
        strv_free(n->pub_muxes);
        n->pub_muxes = n_want ? steal_ptr(names) : NULL;
        n->muxes_changed = true;
        return 0;
}

/* The touched NICs' memberships, when the MUX set stands: O(what changed), not O(NICs). */
static void update_touched(Model *m) {
        for (size_t i = 0; i < m->n_touched; i++) {
                Nic *n = model_find_nic(m, m->touched[i]);

                /* Gone since (its memberships went with it), or a MUX device by now. */
                if (!n)
                        continue;
                if (n->mux || config_is_kernel_mux_kind(m->config, n->kind)) {
                        m->topology_dirty = true;
                        break;
                }
                if (update_nic_memberships(m, n) < 0) {
                        m->lists_unsure = m->topology_dirty = true;
                        break;
                }
        }
        m->n_touched = 0;
}

/* Rebuilds the MUX set and every member list from the NIC table and config, when a change
 * may have touched the MUX set; otherwise moves only the touched NICs. MUXes no longer wanted
 * go to the graveyard. */
void model_rebuild_topology(Model *m) {
        _cleanup_free_ Mux **by_rule = NULL;
        const MuxGraph *nesting;
        bool oom = false;

        if (!m->topology_dirty)
                update_touched(m);
        if (!m->topology_dirty)
                return;
        m->n_touched = 0;
        /* Every member list is made anew: every MUX takes a full pass, every NIC a look. */
        m->sweep = true;
        for (size_t i = 0; i < m->n_muxes; i++) {
                m->muxes[i]->full = m->muxes[i]->dirty = true;
                m->muxes[i]->has_nested = false;
                m->muxes[i]->mark = false;
                m->muxes[i]->n_members_before = m->muxes[i]->n_members;
                m->muxes[i]->n_members = 0;
        }
        for (size_t i = 0; i < m->n_nics; i++)
                m->nics[i]->mux = NULL;

        /* Declared MUXes first: the config names them, so they win a name clash. */
        claim_declared(m);
        for (size_t i = 0; i < m->n_nics; i++) {
                Nic *n = m->nics[i];
                const MuxRule *rule;
                Mux *x;

                if (!model_nic_is_visible(m, n) || !config_is_kernel_mux_kind(m->config, n->kind))
                        continue;
                x = ensure_mux(m, n->name, n->kind, false);
                if (!x) {
                        /* Said once while it lasts, not at every rebuild. */
                        if (!n->name_clash)
                                log_warning("mux '%s': the config declares a MUX of that name; the "
                                            "%s device '%s' is not followed as a MUX", n->name,
                                            n->kind, n->name);
                        n->name_clash = true;
                        continue;
                }
                n->name_clash = false;
                x->nic = n;
                x->ifindex = n->ifindex;
                n->mux = x;
                rule = config_find_mux(m->config, n->name);
                x->policy = rule && !rule->members ? rule->policy : CAPACITY_POLICY_MIN;
        }

        /* MUXes no longer wanted leave the table; the publisher withdraws their objects. */
        for (size_t i = m->n_muxes; i > 0; i--)
                if (!m->muxes[i - 1]->mark)
                        drop_mux(m, i - 1);

        /* Each declared MUX by its rule, looked up once, not per NIC. */
        by_rule = calloc(m->config->n_muxes + 1, sizeof(Mux *));
        if (!by_rule)
                log_error("out of memory, declared MUXes get no members until the next change");
        for (size_t i = 0; by_rule && i < m->config->n_muxes; i++) {
                Mux *x = model_find_mux(m, m->config->muxes[i].name);
                if (x && x->declared && m->config->muxes[i].members)
                        by_rule[i] = x;
        }

        /* Members: kernel MUXes by master, declared ones by the config's index of their globs:
         * O(NICs log globs), not NICs x declared MUXes. */
        for (size_t i = 0; i < m->n_nics; i++) {
                _cleanup_free_ size_t *rules = NULL;
                Nic *n = m->nics[i], *master;
                int r = 0;

                if (!model_nic_is_visible(m, n))
                        continue;
                if (n->master > 0) {
                        master = model_find_nic(m, n->master);
                        if (master && master->mux && !master->mux->declared)
                                mux_add_member(master->mux, n, n->mux);
                }
                if (by_rule)
                        r = config_match_members(m->config, n->name, &rules);
                if (r < 0 && !oom)
                        log_error("nic '%s': out of memory, not a member of declared MUXes until "
                                  "the next change", n->name);
                oom = oom || r < 0;
                for (int k = 0; k < r; k++)
                        if (by_rule[rules[k]] && n->mux != by_rule[rules[k]])
                                mux_add_member(by_rule[rules[k]], n, n->mux);
        }
        /* Declared MUXes in declared MUXes: the matches the config computed once, not every
         * declared MUX's globs against every other's name at each rebuild. */
        nesting = &m->config->nesting;
        for (size_t i = 0; by_rule && nesting->start && i < m->config->n_muxes; i++) {
                if (!by_rule[i])
                        continue;
                for (size_t e = nesting->start[i]; e < nesting->start[i + 1]; e++) {
                        Mux *inner = by_rule[nesting->edges[e]];
                        if (inner && inner != by_rule[i])
                                mux_add_member(by_rule[i], NULL, inner);
                }
        }
        for (size_t k = 0; k < m->n_muxes; k++) {
                Mux *x = m->muxes[k];
                if (x->n_members != x->n_members_before || m->names_changed)
                        x->members_dirty = true;
        }
        m->names_changed = false;
        rebuild_nic_muxes(m);
        m->topology_dirty = false;
}


void model_reset_computation(Model *m) {
        for (size_t i = 0; i < m->n_muxes; i++)
                m->muxes[i]->state = 0;
}

/* Here rather than in model.c, which the topology's code calls: model.c calls nothing of
 * this file, so the two make no circle. */
void model_sync_unpublished(Model *m) {
        model_rebuild_topology(m);
        model_settle(m);
        model_reset_computation(m);
        for (size_t i = 0; i < m->n_muxes; i++)
                mux_compute(m->muxes[i]);
        model_sync_done(m);
}
