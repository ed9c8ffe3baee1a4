/*
 * A loopback TCP port where a connection attempt is refused at once: a socket bound to
 * 127.0.0.1 on a port the kernel picks, which never listens. While the socket stays open no
 * other program can take the port, so the refusal is certain.
 */
#ifndef PORTMQTT_TESTS_PACKAGING_REFUSED_PORT_H
#define PORTMQTT_TESTS_PACKAGING_REFUSED_PORT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Opens the socket; returns its descriptor and stores the port, or returns -1. */
static inline int refused_port_open(uint16_t* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, (struct sockaddr*)&address, sizeof address) != 0 ||
      getsockname(fd, (struct sockaddr*)&address, &length) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;
}

#endif /* PORTMQTT_TESTS_PACKAGING_REFUSED_PORT_H */
