/* SPDX-License-Identifier: MIT */
/* muxcap-export: replacing a file atomically (dot-file in the same folder, fsync, rename) */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export-file.h"

/* Memory and descriptors are freed by hand, not with proto/macro.h's cleanup attributes:
 * muxcap-export is built on <muxcap/muxcap.h> alone, like any program outside the tree. */

/* Splits @path into a new copy of its folder and a pointer to its last component. */
static int split_path(const char *path, char **ret_dir, const char **ret_base) {
        const char *slash = strrchr(path, '/');
        char *dir;

        if (!*path || (slash && !slash[1]))
                return -EINVAL;
        if (!slash)
                dir = strdup(".");
        else if (slash == path)
                dir = strdup("/");
        else
                dir = strndup(path, (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;
        *ret_dir = dir;
        *ret_base = slash ? slash + 1 : path;
        return 0;
}

static int write_all(int fd, const void *data, size_t size) {
        const char *p = data;

        while (size > 0) {
                ssize_t n = write(fd, p, size);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                size -= (size_t) n;
        }
        return 0;
}

int export_file_check_dir(const char *path) {
        char *dir = NULL;
        const char *base;
        struct stat st;
        int r;

        r = split_path(path, &dir, &base);
        if (r < 0)
                return r;
        if (stat(dir, &st) < 0)
                r = -errno;
        else if (!S_ISDIR(st.st_mode))
                r = -ENOTDIR;
        else if (access(dir, W_OK | X_OK) < 0)
                r = -errno;
        free(dir);
        return r;
}

/* Makes the new file at @tmp, open as @fd, readable by all, writes @data to it, and renames it
 * over @path. */
static int write_and_rename(int fd, const char *tmp, const char *path, const void *data,
                            size_t size) {
        int r;

        /* mkstemp makes 0600; readers (node_exporter, the NFD worker) run as other users. */
        if (fchmod(fd, 0644) < 0)
                return -errno;
        r = write_all(fd, data, size);
        if (r < 0)
                return r;
        if (fsync(fd) < 0 || rename(tmp, path) < 0)
                return -errno;
        return 0;
}

/* The rename is durable once the folder is on disk; a failure here changes nothing a reader
 * sees. */
static void sync_dir(const char *dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dfd >= 0) {
                (void) fsync(dfd);
                (void) close(dfd);
        }
}

int export_file_replace(const char *path, const void *data, size_t size) {
        char *dir = NULL, *tmp = NULL;
        const char *base;
        int fd, r;

        r = split_path(path, &dir, &base);
        if (r < 0)
                return r;
        if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
                free(dir);
                return -ENOMEM;
        }
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                r = -errno;
        else {
                r = write_and_rename(fd, tmp, path, data, size);
                if (r < 0)
                        (void) unlink(tmp);
                else
                        sync_dir(dir);
                (void) close(fd);
        }
        free(tmp);
        free(dir);
        return r;
}
