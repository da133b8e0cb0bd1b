/* deep_rcvbuf.so: LD_PRELOAD shim for the lab's primary DHCP server only.
 *
 * dnsmasq leaves SO_RCVBUF at the kernel default (212992 bytes, about 160
 * DHCP datagrams), so a storm's first burst of DISCOVERs overflows the
 * *primary's* socket and every server under test then waits for the same
 * 4-s firmware retransmits. The primary is the lab's environment, not what
 * is measured: after each bind() of a UDP socket this shim raises its
 * receive buffer with SO_RCVBUFFORCE (root) to BOOTSTORM_RCVBUF bytes
 * (default 8 MiB). The servers under test never get it.
 *
 *   LD_PRELOAD=.../deep_rcvbuf.so dnsmasq ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real_bind)(int, const struct sockaddr *, socklen_t);
  if (real_bind == NULL)
    real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(
        RTLD_NEXT, "bind");
  int rc = real_bind(fd, addr, len);
  int type = 0;
  socklen_t tl = sizeof(type);
  if (rc == 0 && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 &&
      type == SOCK_DGRAM) {
    const char *env = getenv("BOOTSTORM_RCVBUF");
    int want = env ? atoi(env) : 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want));
  }
  return rc;
}
