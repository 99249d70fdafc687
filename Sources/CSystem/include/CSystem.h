/* The only way into libc for Swift code: Embedded Swift has no Glibc module.
 * Wrappers return >= 0 on success or -errno, so Swift never reads errno itself.
 * time_t and struct timespec stay on this side; Swift sees int64_t milliseconds. */
#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#define CSYS_EV_IN   0x001u
#define CSYS_EV_OUT  0x004u
#define CSYS_EV_ERR  0x008u
#define CSYS_EV_HUP  0x010u
#define CSYS_EV_RDHUP 0x2000u

/* struct epoll_event is packed on x86_64 only; this one has the same layout everywhere. */
typedef struct { uint64_t token; uint32_t events; } csys_event;

/* An IPv4 or IPv6 address with port, in one fixed-size value Swift can copy. */
typedef struct {
    int family;              /* AF_INET or AF_INET6 */
    uint16_t port;           /* host byte order */
    uint8_t addr[16];        /* 4 bytes used for AF_INET */
} csys_addr;

int csys_errno(void);
const char *csys_strerror(int err);

int csys_epoll_create(void);
int csys_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token); /* op: 1 add, 2 del, 3 mod */
int csys_epoll_wait(int epfd, csys_event *out, int max, int timeout_ms);

int csys_tcp_socket(int family);                      /* non-blocking, close-on-exec */
int csys_listen(const csys_addr *addr, int backlog);  /* socket+SO_REUSEADDR+bind+listen, non-blocking */
int csys_accept(int listen_fd, csys_addr *peer);      /* accept4 non-blocking, close-on-exec */
int csys_connect(int fd, const csys_addr *addr);      /* 0, or -EINPROGRESS, or -errno */
int csys_socket_error(int fd);                        /* SO_ERROR after a non-blocking connect */
int csys_local_addr(int fd, csys_addr *out);
int csys_peer_addr(int fd, csys_addr *out);
int csys_parse_addr(const char *text, uint16_t port, csys_addr *out);   /* numeric IPv4/IPv6 only */
int csys_format_addr(const csys_addr *addr, char *out, int outlen);     /* address without port */
int csys_resolve(const char *host, uint16_t port, csys_addr *out);      /* getaddrinfo; blocking: startup only */
int csys_set_nodelay(int fd);
int csys_route_source(const csys_addr *dst, csys_addr *out); /* source address the kernel would use toward dst */
int csys_shutdown_write(int fd);                      /* shutdown(SHUT_WR): send FIN, keep reading */

long csys_read(int fd, void *buf, unsigned long len);   /* bytes, 0 = EOF, or -errno (retries EINTR) */
long csys_write(int fd, const void *buf, unsigned long len);
int csys_close(int fd);

int csys_eventfd(void);
int csys_eventfd_write(int fd, uint64_t v);
int64_t csys_eventfd_read(int fd);
int csys_signalfd(const int *signos, int count);       /* blocks the signals, returns a signalfd */
int csys_signalfd_read(int fd);                        /* signal number, or -errno */
int csys_ignore_sigpipe(void);

int64_t csys_monotonic_ms(void);
int64_t csys_realtime_ms(void);
/* UTC calendar fields of a realtime millisecond instant; returns 0 or -1. */
int csys_utc_fields(int64_t ms, int *year, int *mon, int *day, int *hour, int *min, int *sec);
int64_t csys_utc_from_fields(int year, int mon, int day, int hour, int min, int sec);

int csys_argc(void);
const char *csys_argv(int i);
const char *csys_getenv(const char *name);
int csys_getpid(void);
void csys_random_bytes(void *buf, unsigned long len);

/* Files: whole-file read with a cap, append, atomic replace; all return bytes or -errno. */
int csys_open_read(const char *path);
int csys_open_append(const char *path, int mode);
int csys_open_trunc(const char *path, int mode);
int64_t csys_file_size(const char *path);
int csys_rename(const char *from, const char *to);
int csys_unlink(const char *path);
int csys_mkdir_p(const char *path, int mode);
int csys_fsync(int fd);
int csys_truncate(const char *path, int64_t size, int mode);   /* create if missing, set size (sparse) */
/* Width in bits of time_t and off_t as this C target was compiled: 64 on every shipped arch
 * (32-bit ARM needs -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64; `ucagent selftest` checks). */
int csys_time_t_bits(void);
int csys_off_t_bits(void);
void csys_write_stderr(const char *buf, unsigned long len);
void csys_write_stdout(const char *buf, unsigned long len);
void csys_exit(int code);

#endif
