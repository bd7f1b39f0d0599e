/* SPDX-License-Identifier: MIT */
/* Configuration file: parsed by inih, checked here, every error as "FILE:LINE: message" */

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "schemas.h"
#include "utf8.h"
#include "strv.h"

/* The largest configuration file read, 4 MiB. A configuration names a host's MUXes and NIC
 * rules: 10,000 [Mux] sections with a member each take about 300 kB, so the bound leaves a
 * factor of ten over any real host, while a runaway regular file (a log written to the wrong
 * path) is refused at once instead of being read and parsed for seconds inside the event
 * loop, whose watchdog is 30 s. What is not a regular file (/dev/zero, a FIFO) is refused
 * before any read. */
#define CONFIG_MAX_SIZE (4 << 20)

#define NAME_TOO_LONG "matches no name: it needs %d bytes, a name has at most %d%s"
#define IFNAMSIZ_NOTE " (IFNAMSIZ - 1)"

typedef struct Parser {
        Config *config;                 /* borrowed */
        const char *path;               /* borrowed */
        const char *text;               /* borrowed: the whole file */
        unsigned line;                  /* the line inih is handling */
        unsigned section_line;          /* line of the last section header seen */
        unsigned handled_section_line;  /* section header of the last handled key */
        MuxRule *mux;                   /* borrowed: current [Mux] section, if any */
        NicRule *nic;                   /* borrowed: current [Nic] section, if any */
        bool seen[16];                  /* keys seen in the current section */
        unsigned daemon_line;           /* line of the [Daemon] section, 0 before one */
        size_t cap_muxes, cap_nics;     /* allocated entries of config->muxes, ->nics */
        char *error;                    /* owned: first error, "FILE:LINE: message" */
        unsigned error_line;
} Parser;

/* Splits @s on blanks into a new NULL-terminated vector. */
static char **strv_split(const char *s) {
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;

        while (v && *s) {
                size_t len;
                char **nv;

                s += strspn(s, " \t");
                len = strcspn(s, " \t");
                if (len == 0)
                        break;
                nv = realloc(v, (n + 2) * sizeof(char *));
                if (!nv) {
                        strv_free(v);
                        return NULL;
                }
                v = nv;
                v[n] = strndup(s, len);
                if (!v[n]) {
                        strv_free(v);
                        return NULL;
                }
                v[++n] = NULL;
                s += len;
        }
        return v;
}

/* @s with every byte outside printable ASCII as \xNN: a message never carries the file's raw
 * bytes to a terminal or the journal. */
static char *escape_printable(const char *s) {
        char *out = malloc(4 * strlen(s) + 1), *o = out;

        for (; out && *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c >= 0x20 && c < 0x7f)
                        *o++ = (char) c;
                else
                        o += sprintf(o, "\\x%02x", c);
        }
        if (out)
                *o = '\0';
        return out;
}

static int parser_error(Parser *p, const char *fmt, ...) _printf_(2, 3);
static int parser_error(Parser *p, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL, *printable = NULL;
        va_list ap;

        if (p->error)
                return 0;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        printable = msg ? escape_printable(msg) : NULL;
        if (asprintf(&p->error, "%s:%u: %s", p->path, p->line, printable ? printable : "out of memory") < 0)
                p->error = NULL;
        p->error_line = p->line;
        return 0;       /* inih: stop treating this line as good */
}

/* The fewest bytes of a name @glob matches (each byte but '*' needs one), or -EINVAL when it
 * is no glob of names: empty, longer than 255 bytes, with '/' or a blank, a '[' not closed
 * or a '\\' at the end. */
static int glob_shortest_match(const char *glob) {
        size_t n = strlen(glob);
        int shortest = 0;

        if (n == 0 || n > 255)
                return -EINVAL;
        for (const char *s = glob; *s; s++) {
                if (*s != '*')
                        shortest++;
                if (*s == '\\') {
                        if (!*++s)
                                return -EINVAL;
                } else if (*s == '[') {
                        const char *e = s + 1;
                        if (*e == '!' || *e == '^')
                                e++;
                        if (*e == ']')
                                e++;
                        e = strchr(e, ']');
                        if (!e)
                                return -EINVAL;
                        s = e;
                } else if (*s == '/' || *s == ' ')
                        return -EINVAL;
        }
        return shortest;
}

/* Whether @glob is a glob that can match a name of at most @max bytes. */
bool glob_is_valid(const char *glob, int max) {
        int r = glob_shortest_match(glob);

        return r >= 0 && r <= max;
}

static int handle_daemon(Parser *p, const char *name, const char *value) {
        Config *c = p->config;
        uint32_t v;

        if (streq(name, "CoalesceMs")) {
                int r = parse_u32(value, CONFIG_MAX_COALESCE_MS, &v);
                if (r < 0)
                        return parser_error(p, "CoalesceMs: '%s': expected a number of milliseconds 0-%u",
                                            value, CONFIG_MAX_COALESCE_MS);
                c->coalesce_ms = v;
                return 1;
        }
        if (streq(name, "KernelMuxKinds")) {
                char **kinds = strv_split(value);
                if (!kinds)
                        return parser_error(p, "out of memory");
                for (size_t i = 0; kinds[i]; i++)
                        if (strlen(kinds[i]) > 63 || strspn(kinds[i], "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(kinds[i])) {
                                parser_error(p, "KernelMuxKinds: '%s' is not a link kind", kinds[i]);
                                strv_free(kinds);
                                return 0;
                        }
                strv_free(c->kernel_mux_kinds);
                c->kernel_mux_kinds = kinds;
                return 1;
        }
        return parser_error(p, "unknown key '%s' in [Daemon] (expected CoalesceMs, KernelMuxKinds)", name);
}

static int handle_mux(Parser *p, const char *name, const char *value) {
        MuxRule *m = p->mux;

        if (streq(name, "Members")) {
                char **globs = strv_split(value);
                if (!globs)
                        return parser_error(p, "out of memory");
                if (!globs[0]) {
                        strv_free(globs);
                        return parser_error(p, "Members: empty list");
                }
                for (size_t i = 0; globs[i]; i++) {
                        int r = glob_shortest_match(globs[i]);

                        if (r < 0)
                                parser_error(p, "Members: '%s' is not a valid glob", globs[i]);
                        else if (r > CONFIG_MUX_NAME_MAX)
                                parser_error(p, "Members: '%s' " NAME_TOO_LONG, globs[i], r,
                                             CONFIG_MUX_NAME_MAX, "");
                        if (p->error) {
                                strv_free(globs);
                                return 0;
                        }
                }
                strv_free(m->members);
                m->members = globs;
                return 1;
        }
        if (streq(name, "CapacityPolicy")) {
                CapacityPolicy policy = capacity_policy_from_string(value);
                if (policy < 0)
                        return parser_error(p, "CapacityPolicy: '%s': expected min or sum", value);
                m->policy = policy;
                return 1;
        }
        return parser_error(p, "unknown key '%s' in [Mux %s] (expected Members, CapacityPolicy)",
                            name, m->name);
}

static int handle_nic(Parser *p, const char *name, const char *value) {
        const char *reason = NULL;
        Field f = field_from_name(name);
        int t = f < 0 ? schema_field_from_name(&schema_task_offload, name) : -1;
        uint32_t v;

        if (t >= 0) {
                /* A task-offload key: the dotted NDIS member path (OFFLOAD.md). Each section
                 * has its own NicRule, so a key set twice in it is set already. */
                if (p->nic->task_set[t])
                        return parser_error(p, "duplicate key '%s' in [Nic %s]", name, p->nic->glob);
                if (schema_parse_value(&schema_task_offload, (size_t) t, value, &v, &reason) < 0)
                        return parser_error(p, "%s: '%s': %s", name, value, reason);
                p->nic->task_set[t] = true;
                p->nic->task_value[t] = v;
                return 1;
        }
        if (f < 0)
                return parser_error(p, "unknown key '%s' in [Nic %s] (expected a record field "
                                    "such as SupportIPv4 or TcpConnectionOffloadCapacity)",
                                    name, p->nic->glob);
        if (field_parse_value(f, value, &v, &reason) < 0)
                return parser_error(p, "%s: '%s': %s", name, value, reason);
        p->nic->set[f] = true;
        p->nic->value[f] = v;
        return 1;
}

/* Makes room for one more of @size in *@array, which holds @n of *@cap: doubling, so that a
 * file of n sections costs O(n) copies, not O(n^2). */
static int grow(void **array, size_t *cap, size_t n, size_t size) {
        size_t c;
        void *t;

        if (n < *cap)
                return 0;
        c = *cap ? 2 * *cap : 8;
        t = realloc(*array, c * size);
        if (!t)
                return -ENOMEM;
        *array = t;
        *cap = c;
        return 0;
}

/* Called at the first key of each section header (inih has no section callback here). */
static int begin_section(Parser *p, const char *section) {
        Config *c = p->config;
        const char *arg;
        int r;

        p->mux = NULL;
        p->nic = NULL;
        memset(p->seen, 0, sizeof(p->seen));
        if (streq(section, "Daemon")) {
                if (p->daemon_line) {
                        p->line = p->section_line;      /* the header, not its first key */
                        return parser_error(p, "a second [Daemon] section (the first is at line %u)",
                                            p->daemon_line);
                }
                p->daemon_line = p->section_line;
                return 1;
        }
        if (strncmp(section, "Mux ", 4) == 0) {
                arg = section + 4;
                if (!*arg || strpbrk(arg, " \t/*?[") || !utf8_is_valid(arg))
                        return parser_error(p, "[Mux %s]: a MUX name is a plain name without "
                                            "blanks, '/' or wildcards, in UTF-8", arg);
                if (strlen(arg) > CONFIG_MUX_NAME_MAX)
                        return parser_error(p, "[Mux %s]: a MUX name is at most %d bytes, this one "
                                            "has %zu", arg, CONFIG_MUX_NAME_MAX, strlen(arg));
                /* Duplicates are found once all are read, by sorting (config_index()). */
                if (grow((void **) &c->muxes, &p->cap_muxes, c->n_muxes, sizeof(MuxRule)) < 0)
                        return parser_error(p, "out of memory");
                p->mux = &c->muxes[c->n_muxes];
                *p->mux = (MuxRule) { .name = strdup(arg), .line = p->section_line };
                if (!p->mux->name)
                        return parser_error(p, "out of memory");
                c->n_muxes++;
                return 1;
        }
        if (strncmp(section, "Nic ", 4) == 0) {
                arg = section + 4;
                r = glob_shortest_match(arg);
                if (r < 0)
                        return parser_error(p, "[Nic %s]: not a valid glob", arg);
                if (r > CONFIG_NAME_MAX)
                        return parser_error(p, "[Nic %s]: " NAME_TOO_LONG, arg, r, CONFIG_NAME_MAX,
                                            IFNAMSIZ_NOTE);
                if (grow((void **) &c->nics, &p->cap_nics, c->n_nics, sizeof(NicRule)) < 0)
                        return parser_error(p, "out of memory");
                p->nic = &c->nics[c->n_nics];
                *p->nic = (NicRule) { .glob = strdup(arg) };
                if (!p->nic->glob)
                        return parser_error(p, "out of memory");
                c->n_nics++;
                return 1;
        }
        return parser_error(p, "unknown section [%s] (expected [Daemon], [Mux NAME], [Nic GLOB])",
                            section);
}

static int key_index(const char *name) {
        static const char *const keys[] = {
                "CoalesceMs", "KernelMuxKinds", "Members", "CapacityPolicy", "Encapsulation",
                "SupportIPv4", "SupportIPv6", "SupportIPv6ExtensionHeaders", "SupportSack",
                "CongestionAlgorithm", "TcpConnectionOffloadCapacity", "Flags",
        };
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(keys[i], name))
                        return (int) i;
        return -1;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        Parser *p = user;
        int k;

        if (p->error)
                return 0;
        if (!*section)
                return parser_error(p, "key '%s' outside of a section", name);
        if (p->handled_section_line != p->section_line) {
                p->handled_section_line = p->section_line;
                if (!begin_section(p, section))
                        return 0;
        }
        k = key_index(name);
        if (k >= 0) {
                if (p->seen[k])
                        return parser_error(p, "duplicate key '%s' in [%s]", name, section);
                p->seen[k] = true;
        }
        if (!p->mux && !p->nic)
                return handle_daemon(p, name, value);
        if (p->mux)
                return handle_mux(p, name, value);
        return handle_nic(p, name, value);
}

/* inih reader: one line per call, counting lines and noticing section headers, so the
 * handler knows its line and when a section starts again under the same name. */
static char *reader(char *line, int num, void *user) {
        Parser *p = user;
        char *str = line;
        size_t n;

        if (!*p->text)
                return NULL;
        n = strcspn(p->text, "\n");
        if (p->text[n] == '\n')
                n++;
        if (n >= (size_t) num)
                n = (size_t) num - 1;
        memcpy(str, p->text, n);
        str[n] = '\0';
        p->text += n;
        p->line++;
        n = strlen(str);
        /* A full buffer without the newline is a longer line, even when it is the last one. */
        if (n == (size_t) num - 1 && str[n - 1] != '\n') {
                parser_error(p, "line longer than %d bytes", num - 2);
                return NULL;
        }
        str += strspn(str, " \t");
        if (*str == '[')
                p->section_line = p->line;
        return line;
}

/* Orders MUX indices by name, then by file order. */
static const Config *sort_config;
static int compare_mux_index(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;
        int r = strcmp(sort_config->muxes[x].name, sort_config->muxes[y].name);

        return r != 0 ? r : (x > y) - (x < y);
}

/* The MUXes sorted by name (c->mux_by_name), for lookups in O(log n); a name twice is an
 * error at the later section. O(n log n). */
static int config_index(Parser *p) {
        Config *c = p->config;

        c->mux_by_name = malloc((c->n_muxes + 1) * sizeof(size_t));
        if (!c->mux_by_name)
                return parser_error(p, "out of memory");
        for (size_t i = 0; i < c->n_muxes; i++)
                c->mux_by_name[i] = i;
        sort_config = c;
        qsort(c->mux_by_name, c->n_muxes, sizeof(size_t), compare_mux_index);
        sort_config = NULL;
        for (size_t i = 1; i < c->n_muxes; i++) {
                const MuxRule *m = &c->muxes[c->mux_by_name[i]];

                if (streq(m->name, c->muxes[c->mux_by_name[i - 1]].name)) {
                        p->line = m->line;
                        return parser_error(p, "duplicate MUX '%s'", m->name);
                }
        }
        /* Without Members= a [Mux] sets a kernel MUX's policy: it names a device. */
        for (size_t i = 0; i < c->n_muxes; i++) {
                const MuxRule *m = &c->muxes[i];

                if (!m->members && strlen(m->name) > CONFIG_NAME_MAX) {
                        p->line = m->line;
                        return parser_error(p, "[Mux %s]: without Members= it names a kernel MUX, "
                                            "whose name is at most %d bytes" IFNAMSIZ_NOTE
                                            ", this one has %zu", m->name, CONFIG_NAME_MAX,
                                            strlen(m->name));
                }
        }
        return 1;
}

static int compare_size(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;
        return (x > y) - (x < y);
}

/* Orders a key's prefix against the first @len bytes of @name, as byte strings. */
static int key_compare(const GlobKey *k, const char *name, size_t len) {
        int r = memcmp(k->glob, name, k->prefix < len ? k->prefix : len);

        return r != 0 ? r : (k->prefix > len) - (k->prefix < len);
}

static int compare_key(const void *a, const void *b) {
        const GlobKey *x = a, *y = b;
        int r = key_compare(x, y->glob, y->prefix);

        return r != 0 ? r : (x->rule > y->rule) - (x->rule < y->rule);
}

static int glob_index_add(GlobIndex *ix, size_t *cap, const char *glob, size_t rule) {
        if (grow((void **) &ix->keys, cap, ix->n, sizeof(GlobKey)) < 0)
                return -ENOMEM;
        ix->keys[ix->n++] = (GlobKey) {
                .glob = glob, .prefix = strcspn(glob, "*?[\\"), .rule = rule,
        };
        return 0;
}

/* The [Nic] globs and the declared MUXes' Members= globs, each sorted by prefix. */
static int glob_index_build(Config *c) {
        size_t cap = 0;

        for (size_t i = 0; i < c->n_nics; i++)
                if (glob_index_add(&c->nic_globs, &cap, c->nics[i].glob, i) < 0)
                        return -ENOMEM;
        cap = 0;
        for (size_t i = 0; i < c->n_muxes; i++)
                for (size_t k = 0; c->muxes[i].members && c->muxes[i].members[k]; k++)
                        if (glob_index_add(&c->member_globs, &cap, c->muxes[i].members[k], i) < 0)
                                return -ENOMEM;
        /* qsort() takes no NULL array, even of none. */
        if (c->nic_globs.n > 1)
                qsort(c->nic_globs.keys, c->nic_globs.n, sizeof(GlobKey), compare_key);
        if (c->member_globs.n > 1)
                qsort(c->member_globs.keys, c->member_globs.n, sizeof(GlobKey), compare_key);
        return 0;
}

/* The rules of @ix with a glob that matches @name, ascending (file order) and each once, in a
 * new array *@ret (NULL for none); returns how many, or -ENOMEM. A binary search per prefix of
 * @name, then fnmatch() on the globs with that prefix only: O(CONFIG_NAME_MAX log globs) and
 * the candidates, not a pass over every glob. */
static int glob_index_match(const GlobIndex *ix, const char *name, size_t **ret) {
        _cleanup_free_ size_t *found = NULL;
        size_t n = 0, cap = 0, len = strlen(name);

        for (size_t l = 0; l <= len; l++) {
                size_t lo = 0, hi = ix->n;

                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;

                        if (key_compare(&ix->keys[mid], name, l) < 0)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                for (; lo < ix->n && key_compare(&ix->keys[lo], name, l) == 0; lo++) {
                        if (fnmatch(ix->keys[lo].glob, name, 0) != 0)
                                continue;
                        if (grow((void **) &found, &cap, n, sizeof(size_t)) < 0)
                                return -ENOMEM;
                        found[n++] = ix->keys[lo].rule;
                }
        }
        /* Two globs of one rule may match: once each. */
        if (n > 1) {
                size_t k = 1;

                qsort(found, n, sizeof(size_t), compare_size);
                for (size_t j = 1; j < n; j++)
                        if (found[j] != found[k - 1])
                                found[k++] = found[j];
                n = k;
        }
        *ret = steal_ptr(found);
        return (int) n;
}

/* The declared MUXes whose Members= match @name: indices into c->muxes, ascending, each once,
 * in a new array *@ret; returns how many, or -ENOMEM. */
int config_match_members(const Config *c, const char *name, size_t **ret) {
        return glob_index_match(&c->member_globs, name, ret);
}

/* The declared MUXes (Members= given) among them: edges from each to the declared MUXes its
 * globs match, each once, in file order. Each declared MUX's name is looked up in the index of
 * Members= globs, giving the MUXes that contain it; the edges are then grouped by container
 * (a counting sort, so each group stays ascending). */
static int graph_build(const Config *c, MuxGraph *g) {
        _cleanup_free_ struct { size_t from, to; } *pairs = NULL;
        size_t n = c->n_muxes, n_pairs = 0, cap = 0;

        g->start = calloc(n + 2, sizeof(size_t));
        if (!g->start)
                return -ENOMEM;
        for (size_t j = 0; j < n; j++) {
                _cleanup_free_ size_t *in = NULL;
                int r;

                if (!c->muxes[j].members)
                        continue;
                r = config_match_members(c, c->muxes[j].name, &in);
                if (r < 0)
                        return r;
                for (int k = 0; k < r; k++) {
                        if (grow((void **) &pairs, &cap, n_pairs, sizeof(*pairs)) < 0)
                                return -ENOMEM;
                        pairs[n_pairs].from = in[k];
                        pairs[n_pairs++].to = j;
                        g->start[in[k] + 2]++;
                }
        }
        /* start[i + 2] counts i's edges; prefix sums make start[i + 1] where i's go ... */
        for (size_t i = 2; i < n + 2; i++)
                g->start[i] += g->start[i - 1];
        g->edges = malloc((n_pairs + 1) * sizeof(size_t));
        if (!g->edges)
                return -ENOMEM;
        /* ... and, filled in, the start of i's edges; pairs come by ascending target. */
        for (size_t e = 0; e < n_pairs; e++)
                g->edges[g->start[pairs[e].from + 1]++] = pairs[e].to;
        g->n_edges = n_pairs;
        return 0;
}

/* Which MUXes lie on a cycle of Members= (ret_on_cycle[i]): the strongly connected components
 * of more than one MUX, or of one that matches itself. Tarjan's algorithm, without recursion
 * (a chain of 100,000 declared MUXes must not exhaust the stack): O(MUXes + edges). */
static int graph_cycles(const MuxGraph *g, size_t n, bool *ret_on_cycle) {
        _cleanup_free_ size_t *index = calloc(n, sizeof(size_t)), *low = calloc(n, sizeof(size_t));
        _cleanup_free_ size_t *stack = malloc((n + 1) * sizeof(size_t));
        _cleanup_free_ size_t *call = malloc((n + 1) * sizeof(size_t)), *next = calloc(n, sizeof(size_t));
        _cleanup_free_ bool *on_stack = calloc(n + 1, sizeof(bool));
        size_t counter = 0, sp = 0;

        if (!index || !low || !stack || !call || !next || !on_stack)
                return -ENOMEM;
        for (size_t root = 0; root < n; root++) {
                size_t depth = 0;

                if (index[root])
                        continue;
                call[depth++] = root;
                index[root] = low[root] = ++counter;
                stack[sp++] = root;
                on_stack[root] = true;
                next[root] = g->start[root];
                while (depth > 0) {
                        size_t v = call[depth - 1];

                        if (next[v] < g->start[v + 1]) {
                                size_t w = g->edges[next[v]++];

                                if (!index[w]) {
                                        index[w] = low[w] = ++counter;
                                        stack[sp++] = w;
                                        on_stack[w] = true;
                                        next[w] = g->start[w];
                                        call[depth++] = w;
                                } else if (on_stack[w] && index[w] < low[v])
                                        low[v] = index[w];
                                continue;
                        }
                        /* v is done: close its component if it is a root, then return. */
                        if (low[v] == index[v]) {
                                size_t first = sp, w;

                                do {
                                        w = stack[--first];
                                } while (w != v);
                                for (size_t k = first; k < sp; k++) {
                                        on_stack[stack[k]] = false;
                                        ret_on_cycle[stack[k]] = sp - first > 1;
                                }
                                sp = first;
                                for (size_t e = g->start[v]; e < g->start[v + 1]; e++)
                                        if (g->edges[e] == v)
                                                ret_on_cycle[v] = true;
                        }
                        depth--;
                        if (depth > 0 && low[v] < low[call[depth - 1]])
                                low[call[depth - 1]] = low[v];
                }
        }
        return 0;
}

/* Refuses declared MUXes that would contain themselves through Members=, naming the first in
 * file order that lies on a cycle. O(MUXes + edges), and a look-up in the glob index per
 * declared MUX. */
static int config_check(Parser *p) {
        Config *c = p->config;
        _cleanup_free_ bool *on_cycle = NULL;
        MuxGraph *g = &c->nesting;
        int r;

        if (c->n_muxes == 0)
                return 1;
        on_cycle = calloc(c->n_muxes, sizeof(bool));
        r = on_cycle ? graph_build(c, g) : -ENOMEM;
        if (r == 0)
                r = graph_cycles(g, c->n_muxes, on_cycle);
        if (r < 0)
                return parser_error(p, "out of memory");
        for (size_t i = 0; i < c->n_muxes; i++)
                if (on_cycle[i] && c->muxes[i].members) {
                        p->line = c->muxes[i].line;
                        return parser_error(p, "[Mux %s]: its Members would contain itself "
                                            "(declared MUXes nest in a cycle)", c->muxes[i].name);
                }
        return 1;
}

int config_new_default(Config **ret) {
        _cleanup_(config_freep) Config *c = calloc(1, sizeof(Config));

        if (!c)
                return -ENOMEM;
        c->coalesce_ms = CONFIG_DEFAULT_COALESCE_MS;
        c->kernel_mux_kinds = strv_split("bond team bridge");
        if (!c->kernel_mux_kinds)
                return -ENOMEM;
        *ret = steal_ptr(c);
        return 0;
}

/* Refuses what no configuration holds: control characters (a tab aside, and CR before LF),
 * which are binary junk or a paste gone wrong, and would reach the log raw. */
static int check_bytes(Parser *p) {
        unsigned line = 1;

        for (const char *s = p->text; *s; s++) {
                unsigned char c = (unsigned char) *s;

                if (c == '\n')
                        line++;
                else if ((c < 0x20 && c != '\t' && !(c == '\r' && s[1] == '\n')) || c == 0x7f) {
                        p->line = line;
                        return parser_error(p, "control character 0x%02x (a configuration is text)", c);
                }
        }
        return 1;
}

static int parse(Parser *p, Config **ret, char **reterr_message) {
        _cleanup_(config_freep) Config *c = NULL;
        int r;

        r = config_new_default(&c);
        if (r < 0)
                return r;
        p->config = c;
        if (!check_bytes(p)) {
                *reterr_message = steal_ptr(p->error);
                return -EINVAL;
        }
        /* A buffer larger than any sane line; longer lines are refused by the reader. */
        r = ini_parse_stream(reader, p, handler, p);
        if (r == 0 && !p->error && config_index(p)) {
                if (glob_index_build(c) < 0)
                        parser_error(p, "out of memory");
                else
                        config_check(p);
        }
        if (r < 0 && !p->error)
                return -ENOMEM;
        if (r > 0 && (!p->error || (unsigned) r < p->error_line)) {
                /* inih's own complaint (no '=' or no ']') came first. */
                free(p->error);
                p->error = NULL;
                p->line = (unsigned) r;
                parser_error(p, "syntax error (expected [Section] or Key=Value)");
        }
        if (p->error) {
                *reterr_message = steal_ptr(p->error);
                return -EINVAL;
        }
        *ret = steal_ptr(c);
        return 0;
}

static int file_error(char **reterr_message, const char *path, const char *fmt, ...) _printf_(3, 4);
static int file_error(char **reterr_message, const char *path, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!msg || asprintf(reterr_message, "%s: %s", path, msg) < 0)
                return -ENOMEM;
        return -EINVAL;
}

static const char *file_type(mode_t mode) {
        return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket"
               : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device" : "not a file";
}

/* Reads the whole regular file @fd, at most CONFIG_MAX_SIZE bytes, into a new string. */
static int read_whole(int fd, const char *path, char **ret, char **reterr_message) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0, cap;
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        /* The null device is the empty configuration, as anywhere else on Linux. */
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
                *ret = strdup("");
                return *ret ? 0 : -ENOMEM;
        }
        if (!S_ISREG(st.st_mode))
                return file_error(reterr_message, path, "not a regular file but %s", file_type(st.st_mode));
        if (st.st_size > CONFIG_MAX_SIZE)
                return file_error(reterr_message, path, "%jd bytes, larger than a configuration may be "
                                  "(%d bytes)", (intmax_t) st.st_size, CONFIG_MAX_SIZE);
        /* One byte more than the size, to see a file that grows while it is read. */
        cap = (size_t) st.st_size + 2;
        text = malloc(cap);
        if (!text)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(fd, text + size, cap - 1 - size);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size == cap - 1) {
                        char *t;

                        if (cap - 1 > CONFIG_MAX_SIZE)
                                return file_error(reterr_message, path, "larger than a configuration "
                                                  "may be (%d bytes)", CONFIG_MAX_SIZE);
                        t = realloc(text, 2 * cap);
                        if (!t)
                                return -ENOMEM;
                        text = t;
                        cap *= 2;
                }
        }
        text[size] = '\0';
        if (memchr(text, '\0', size)) {
                unsigned line = 1;
                for (const char *s = text; *s; s++)
                        line += *s == '\n';
                if (asprintf(reterr_message, "%s:%u: a NUL byte (a configuration is text)", path, line) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        *ret = steal_ptr(text);
        return 0;
}

/* Loads @path, a regular file read whole. A missing file gives the defaults when @missing_ok.
 * On a bad file returns -EINVAL and a new "FILE:LINE: message" (or "FILE: message" for what
 * is not a file to read) in @reterr_message; on I/O failure another -errno. */
int config_load(const char *path, bool missing_ok, Config **ret, char **reterr_message) {
        /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused anyway). */
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        _cleanup_free_ char *text = NULL;
        Parser p = { .path = path };
        int r;

        if (fd < 0) {
                if (errno == ENOENT && missing_ok)
                        return config_new_default(ret);
                return -errno;
        }
        r = read_whole(fd, path, &text, reterr_message);
        if (r < 0)
                return r;
        p.text = text;
        return parse(&p, ret, reterr_message);
}

/* As config_load(), from a string; @path only names it in messages. */
int config_parse_string(const char *text, const char *path, Config **ret, char **reterr_message) {
        Parser p = { .path = path, .text = text };

        return parse(&p, ret, reterr_message);
}

Config *config_free(Config *c) {
        if (!c)
                return NULL;
        strv_free(c->kernel_mux_kinds);
        for (size_t i = 0; i < c->n_nics; i++)
                free(c->nics[i].glob);
        free(c->nics);
        for (size_t i = 0; i < c->n_muxes; i++) {
                free(c->muxes[i].name);
                strv_free(c->muxes[i].members);
        }
        free(c->muxes);
        free(c->mux_by_name);
        free(c->nesting.start);
        free(c->nesting.edges);
        free(c->nic_globs.keys);
        free(c->member_globs.keys);
        free(c);
        return NULL;
}

bool config_is_kernel_mux_kind(const Config *c, const char *kind) {
        for (size_t i = 0; kind && c->kernel_mux_kinds[i]; i++)
                if (streq(c->kernel_mux_kinds[i], kind))
                        return true;
        return false;
}

/* O(log n), through the index config_index() sorted. */
const MuxRule *config_find_mux(const Config *c, const char *name) {
        size_t lo = 0, hi = c->n_muxes;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int r = strcmp(c->muxes[c->mux_by_name[mid]].name, name);

                if (r == 0)
                        return &c->muxes[c->mux_by_name[mid]];
                if (r < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

/* Whether @name is a member of declared MUX @m by one of its globs. */
bool config_mux_matches(const MuxRule *m, const char *name) {
        for (size_t i = 0; m->members && m->members[i]; i++)
                if (fnmatch(m->members[i], name, 0) == 0)
                        return true;
        return false;
}

/* The [Nic] rules that match @name, in file order, in a new array *@ret; returns how many. Out
 * of memory, *@ret stays NULL and all rules are returned to be matched one by one: slower,
 * never wrong. */
static size_t nic_rules_matching(const Config *c, const char *name, size_t **ret) {
        int r = glob_index_match(&c->nic_globs, name, ret);

        return r >= 0 ? (size_t) r : c->n_nics;
}

/* Applies every [Nic GLOB] matching @name, in file order (a later section wins), to both
 * records, marking each field it sets as coming from the config in @src (one per field: a
 * rule sets a field in both records). */
void config_apply_nic_rules(const Config *c, const char *name, RecordValue *hw, RecordValue *cur,
                            Source src[static _FIELD_MAX]) {
        _cleanup_free_ size_t *rules = NULL;
        size_t n = nic_rules_matching(c, name, &rules);

        for (size_t i = 0; i < n; i++) {
                const NicRule *rule = &c->nics[rules ? rules[i] : i];

                if (!rules && fnmatch(rule->glob, name, 0) != 0)
                        continue;
                for (Field f = 0; f < _FIELD_MAX; f++)
                        if (rule->set[f]) {
                                (void) value_set(hw, (size_t) f, rule->value[f]);
                                (void) value_set(cur, (size_t) f, rule->value[f]);
                                src[f] = SOURCE_CONFIG;
                        }
        }
}

/* The same for the task-offload record's keys. */
void config_apply_nic_task_rules(const Config *c, const char *name, RecordValue *hw,
                                 RecordValue *cur, Source src[static _TASK_FIELD_MAX]) {
        _cleanup_free_ size_t *rules = NULL;
        size_t n = nic_rules_matching(c, name, &rules);

        for (size_t i = 0; i < n; i++) {
                const NicRule *rule = &c->nics[rules ? rules[i] : i];

                if (!rules && fnmatch(rule->glob, name, 0) != 0)
                        continue;
                for (size_t f = 0; f < _TASK_FIELD_MAX; f++)
                        if (rule->task_set[f]) {
                                (void) value_set(hw, f, rule->task_value[f]);
                                (void) value_set(cur, f, rule->task_value[f]);
                                src[f] = SOURCE_CONFIG;
                        }
        }
}
