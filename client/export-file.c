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
#include "macro.h"

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
        _cleanup_free_ char *dir = NULL;
        const char *base;
        struct stat st;
        int r;

        r = split_path(path, &dir, &base);
        if (r < 0)
                return r;
        if (stat(dir, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if (access(dir, W_OK | X_OK) < 0)
                return -errno;
        return 0;
}

int export_file_replace(const char *path, const void *data, size_t size) {
        _cleanup_free_ char *dir = NULL, *tmp = NULL;
        _cleanup_close_ int fd = -EBADF, dfd = -EBADF;
        const char *base;
        int r;

        r = split_path(path, &dir, &base);
        if (r < 0)
                return r;
        if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
                tmp = NULL;
                return -ENOMEM;
        }
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* mkstemp makes 0600; readers (node_exporter, the NFD worker) run as other users. */
        if (fchmod(fd, 0644) < 0 || (r = write_all(fd, data, size)) < 0 || fsync(fd) < 0 ||
            rename(tmp, path) < 0) {
                r = r < 0 ? r : -errno;
                (void) unlink(tmp);
                return r;
        }
        /* The rename is durable once the folder is on disk; a failure here changes nothing
         * a reader sees. */
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0)
                (void) fsync(dfd);
        return 0;
}
