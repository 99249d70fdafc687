#define _GNU_SOURCE
#include "CSystem.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/random.h>
#include <netdb.h>
#include <time.h>

_Static_assert(CSYS_EV_IN == EPOLLIN, "EPOLLIN");
_Static_assert(CSYS_EV_OUT == EPOLLOUT, "EPOLLOUT");
_Static_assert(CSYS_EV_ERR == EPOLLERR, "EPOLLERR");
_Static_assert(CSYS_EV_HUP == EPOLLHUP, "EPOLLHUP");
_Static_assert(CSYS_EV_RDHUP == EPOLLRDHUP, "EPOLLRDHUP");

int csys_errno(void) { return errno; }
const char *csys_strerror(int err) { return strerror(err < 0 ? -err : err); }

int csys_epoll_create(void) { int r = epoll_create1(EPOLL_CLOEXEC); return r < 0 ? -errno : r; }

int csys_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev; memset(&ev, 0, sizeof ev);
    ev.events = events; ev.data.u64 = token;
    int cop = op == 1 ? EPOLL_CTL_ADD : op == 2 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    return epoll_ctl(epfd, cop, fd, &ev) < 0 ? -errno : 0;
}

int csys_epoll_wait(int epfd, csys_event *out, int max, int timeout_ms) {
    struct epoll_event evs[64];
    if (max > 64) max = 64;
    int n;
    do { n = epoll_wait(epfd, evs, max, timeout_ms); } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    for (int i = 0; i < n; i++) { out[i].token = evs[i].data.u64; out[i].events = evs[i].events; }
    return n;
}

static socklen_t to_sockaddr(const csys_addr *a, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (a->family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
        s->sin6_family = AF_INET6; s->sin6_port = htons(a->port);
        memcpy(&s->sin6_addr, a->addr, 16);
        return sizeof *s;
    }
    struct sockaddr_in *s = (struct sockaddr_in *)ss;
    s->sin_family = AF_INET; s->sin_port = htons(a->port);
    memcpy(&s->sin_addr, a->addr, 4);
    return sizeof *s;
}

static void from_sockaddr(const struct sockaddr_storage *ss, csys_addr *a) {
    memset(a, 0, sizeof *a);
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        a->family = AF_INET6; a->port = ntohs(s->sin6_port); memcpy(a->addr, &s->sin6_addr, 16);
    } else {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        a->family = AF_INET; a->port = ntohs(s->sin_port); memcpy(a->addr, &s->sin_addr, 4);
    }
}

int csys_tcp_socket(int family) {
    int fd = socket(family == AF_INET6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

int csys_listen(const csys_addr *addr, int backlog) {
    int fd = csys_tcp_socket(addr->family);
    if (fd < 0) return fd;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss; socklen_t len = to_sockaddr(addr, &ss);
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, backlog) < 0) {
        int e = errno; close(fd); return -e;
    }
    return fd;
}

int csys_accept(int listen_fd, csys_addr *peer) {
    struct sockaddr_storage ss; socklen_t len = sizeof ss;
    int fd;
    do { fd = accept4(listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC); } while (fd < 0 && errno == EINTR);
    if (fd < 0) return -errno;
    if (peer) from_sockaddr(&ss, peer);
    return fd;
}

int csys_connect(int fd, const csys_addr *addr) {
    struct sockaddr_storage ss; socklen_t len = to_sockaddr(addr, &ss);
    int r;
    do { r = connect(fd, (struct sockaddr *)&ss, len); } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
}

int csys_socket_error(int fd) {
    int err = 0; socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -errno;
    return -err;
}

int csys_local_addr(int fd, csys_addr *out) {
    struct sockaddr_storage ss; socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -errno;
    from_sockaddr(&ss, out); return 0;
}

int csys_peer_addr(int fd, csys_addr *out) {
    struct sockaddr_storage ss; socklen_t len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) return -errno;
    from_sockaddr(&ss, out); return 0;
}

int csys_parse_addr(const char *text, uint16_t port, csys_addr *out) {
    memset(out, 0, sizeof *out);
    out->port = port;
    if (inet_pton(AF_INET, text, out->addr) == 1) { out->family = AF_INET; return 0; }
    if (inet_pton(AF_INET6, text, out->addr) == 1) { out->family = AF_INET6; return 0; }
    return -EINVAL;
}

int csys_format_addr(const csys_addr *addr, char *out, int outlen) {
    const char *r = inet_ntop(addr->family == AF_INET6 ? AF_INET6 : AF_INET, addr->addr, out, (socklen_t)outlen);
    return r ? 0 : -errno;
}

int csys_resolve(const char *host, uint16_t port, csys_addr *out) {
    if (csys_parse_addr(host, port, out) == 0) return 0;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int r = getaddrinfo(host, NULL, &hints, &res);
    if (r != 0 || !res) return -ENOENT;
    struct sockaddr_storage ss; memset(&ss, 0, sizeof ss);
    memcpy(&ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    from_sockaddr(&ss, out);
    out->port = port;
    return 0;
}

int csys_set_nodelay(int fd) {
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 ? -errno : 0;
}

int csys_shutdown_write(int fd) { return shutdown(fd, SHUT_WR) < 0 ? -errno : 0; }

long csys_read(int fd, void *buf, unsigned long len) {
    ssize_t n;
    do { n = read(fd, buf, len); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (long)n;
}

long csys_write(int fd, const void *buf, unsigned long len) {
    ssize_t n;
    do { n = send(fd, buf, len, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == ENOTSOCK) {
        do { n = write(fd, buf, len); } while (n < 0 && errno == EINTR);
    }
    return n < 0 ? -errno : (long)n;
}

int csys_close(int fd) { return close(fd) < 0 ? -errno : 0; }

int csys_eventfd(void) { int r = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); return r < 0 ? -errno : r; }
int csys_eventfd_write(int fd, uint64_t v) { return write(fd, &v, sizeof v) == sizeof v ? 0 : -errno; }
int64_t csys_eventfd_read(int fd) { uint64_t v; return read(fd, &v, sizeof v) == sizeof v ? (int64_t)v : -errno; }

int csys_signalfd(const int *signos, int count) {
    sigset_t set; sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signos[i]);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) return -errno;
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int csys_signalfd_read(int fd) {
    struct signalfd_siginfo si;
    ssize_t n = read(fd, &si, sizeof si);
    if (n != (ssize_t)sizeof si) return n < 0 ? -errno : -EIO;
    return (int)si.ssi_signo;
}

int csys_ignore_sigpipe(void) { return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -errno : 0; }

int64_t csys_monotonic_ms(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t csys_realtime_ms(void) {
    struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days from civil (Howard Hinnant's algorithm): no time_t, so no 2038 limit on 32-bit ARM. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int csys_utc_fields(int64_t ms, int *year, int *mon, int *day, int *hour, int *min, int *sec) {
    int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t z = s >= 0 ? s / 86400 : (s - 86399) / 86400;
    int64_t rem = s - z * 86400;
    *hour = (int)(rem / 3600); *min = (int)(rem % 3600 / 60); *sec = (int)(rem % 60);
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(y + (m <= 2)); *mon = m; *day = d;
    return 0;
}

int64_t csys_utc_from_fields(int year, int mon, int day, int hour, int min, int sec) {
    return (days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec) * 1000;
}

static int saved_argc; static char **saved_argv;
__attribute__((constructor)) static void csys_save_args(int argc, char **argv, char **envp) {
    (void)envp; saved_argc = argc; saved_argv = argv;
}
int csys_argc(void) { return saved_argc; }
const char *csys_argv(int i) { return (i >= 0 && i < saved_argc) ? saved_argv[i] : NULL; }
const char *csys_getenv(const char *name) { return getenv(name); }
int csys_getpid(void) { return (int)getpid(); }

void csys_random_bytes(void *buf, unsigned long len) {
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) { if (errno == EINTR) continue; arc4random_buf(p, len); return; }
        p += n; len -= (unsigned long)n;
    }
}

int csys_open_read(const char *path) { int fd = open(path, O_RDONLY | O_CLOEXEC); return fd < 0 ? -errno : fd; }
int csys_open_append(const char *path, int mode) { int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode); return fd < 0 ? -errno : fd; }
int csys_open_trunc(const char *path, int mode) { int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode); return fd < 0 ? -errno : fd; }
int64_t csys_file_size(const char *path) { struct stat st; return stat(path, &st) < 0 ? -errno : (int64_t)st.st_size; }
int csys_rename(const char *from, const char *to) { return rename(from, to) < 0 ? -errno : 0; }
int csys_unlink(const char *path) { return unlink(path) < 0 ? -errno : 0; }

int csys_mkdir_p(const char *path, int mode) {
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) return -ENAMETOOLONG;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i]; buf[i] = 0;
            if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST) return -errno;
            buf[i] = c;
        }
    }
    return 0;
}

int csys_truncate(const char *path, int64_t size, int mode) {
    if (size < 0 || (int64_t)(off_t)size != size) return -EOVERFLOW;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode);
    if (fd < 0) return -errno;
    int r = ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
    close(fd);
    return r;
}
int csys_time_t_bits(void) { return (int)(sizeof(time_t) * 8); }
int csys_off_t_bits(void) { return (int)(sizeof(off_t) * 8); }

int csys_fsync(int fd) { return fsync(fd) < 0 ? -errno : 0; }

static void write_all(int fd, const char *buf, unsigned long len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) { if (errno == EINTR) continue; return; }
        buf += n; len -= (unsigned long)n;
    }
}
void csys_write_stderr(const char *buf, unsigned long len) { write_all(2, buf, len); }
void csys_write_stdout(const char *buf, unsigned long len) { write_all(1, buf, len); }
void csys_exit(int code) { fflush(stdout); exit(code); }

int csys_route_source(const csys_addr *dst, csys_addr *out) {
    /* A connected UDP socket sends nothing but makes the kernel pick the route and source. */
    int fd = socket(dst->family == AF_INET6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct sockaddr_storage ss; socklen_t len = to_sockaddr(dst, &ss);
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) { int e = errno; close(fd); return -e; }
    int r = csys_local_addr(fd, out);
    close(fd);
    return r;
}
