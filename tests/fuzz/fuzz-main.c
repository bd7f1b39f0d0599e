/* SPDX-License-Identifier: MIT */
/* Stand-alone driver: feeds each file (or each file in each directory) given on the command
 * line to LLVMFuzzerTestOneInput(), so the targets replay their corpus without libFuzzer */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static void closedirp(DIR **d) {
        if (*d)
                (void) closedir(*d);
}

/* Reads @path whole into a buffer of exactly its size, so ASan sees any read past the end. */
static int run_file(const char *path) {
        _cleanup_(fclosep) FILE *f = fopen(path, "re");
        _cleanup_free_ uint8_t *buf = NULL;
        struct stat st;

        if (!f || fstat(fileno(f), &st) < 0)
                return -errno;
        buf = malloc(st.st_size > 0 ? (size_t) st.st_size : 1);
        if (!buf)
                return -ENOMEM;
        if (st.st_size > 0 && fread(buf, 1, (size_t) st.st_size, f) != (size_t) st.st_size)
                return -EIO;
        (void) LLVMFuzzerTestOneInput(buf, (size_t) st.st_size);
        return 1;
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Runs every regular file of @dir in name order; returns how many ran, or -errno. */
static int run_dir(const char *dir) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0;
        int r = 0, count = 0;
        struct dirent *de;

        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char **nn;

                if (de->d_name[0] == '.')
                        continue;
                nn = realloc(names, (n + 1) * sizeof(char *));
                if (!nn) {
                        r = -ENOMEM;
                        break;
                }
                names = nn;
                if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                n++;
        }
        if (r == 0 && n > 0)
                qsort(names, n, sizeof(char *), cmp_names);
        for (size_t i = 0; r == 0 && i < n; i++) {
                r = run_file(names[i]);
                if (r < 0)
                        fprintf(stderr, "%s: %s\n", names[i], strerror(-r));
                else {
                        count++;
                        r = 0;
                }
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        return r < 0 ? r : count;
}

int main(int argc, char *argv[]) {
        int total = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;
                int r;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        return 1;
                }
                r = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
                if (r < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(-r));
                        return 1;
                }
                total += r;
        }
        /* An empty corpus would pass without testing anything. */
        if (total == 0) {
                fprintf(stderr, "no input found\n");
                return 1;
        }
        printf("%d input(s) ran\n", total);
        return 0;
}
