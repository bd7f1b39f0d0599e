/* SPDX-License-Identifier: MIT */
/* Logging: the level threshold and target are the daemon's only state outside the Manager */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

static int log_max_level = LOG_INFO;
static bool log_prefix;         /* stderr is connected to journald: prefix "<N>" */

/* JOURNAL_STREAM is "DEV:INODE" of the stream journald gave us; it counts only if stderr
 * is still that stream (a child may have redirected it). */
void log_setup(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        log_prefix = false;
        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return;
        if (fstat(STDERR_FILENO, &st) < 0)
                return;
        log_prefix = (unsigned long long) st.st_dev == dev &&
                     (unsigned long long) st.st_ino == ino;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

int log_level_from_string(const char *s) {
        static const char *const names[] = {
                [LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
                [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
        };

        for (size_t i = 0; s && i < ELEMENTSOF(names); i++)
                if (names[i] && streq(names[i], s))
                        return (int) i;
        return -EINVAL;
}

int log_internal(int level, int error, const char *fmt, ...) {
        int saved = errno;
        va_list ap;

        error = abs(error);
        if (log_prefix)
                fprintf(stderr, "<%d>", level);
        errno = error;          /* %m */
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        errno = saved;
        return -error;
}
