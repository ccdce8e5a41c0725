/*
 * C ENet reference peer for bench/udp_bench.ts: the same workloads as the TypeScript
 * side, against the system libenet, over loopback UDP.
 *
 *   enet_bench server              binds 127.0.0.1 on a free port, prints "PORT <n>",
 *                                  serves one client, exits when it disconnects
 *   enet_bench client <port> stream <count> <size>
 *   enet_bench client <port> pingpong <count> <size>
 *                                  prints "RESULT <milliseconds>" and exits
 *
 * The protocol between the two ends is the first payload byte on channel 0, reliable:
 *   'S' counted by the server; 'E' asks the server for a 'D' reply carrying the count
 *   (so a stream ends once every 'S' before it arrived); 'P' echoed back as is.
 *
 * Every loop is bounded: a run that takes longer than 60 s gives up with exit code 2.
 */
#include <enet/enet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEADLINE_MS 60000.0

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void send_byte_packet(ENetPeer *peer, unsigned char kind, size_t size, unsigned int value) {
  ENetPacket *packet = enet_packet_create(NULL, size < 8 ? 8 : size, ENET_PACKET_FLAG_RELIABLE);
  memset(packet->data, 0x5a, packet->dataLength);
  packet->data[0] = kind;
  packet->data[1] = (unsigned char)(value >> 24);
  packet->data[2] = (unsigned char)(value >> 16);
  packet->data[3] = (unsigned char)(value >> 8);
  packet->data[4] = (unsigned char)value;
  enet_peer_send(peer, 0, packet);
}

static int serve(void) {
  ENetAddress address;
  enet_address_set_host_ip(&address, "127.0.0.1");
  address.port = 0;
  ENetHost *host = enet_host_create(&address, 4, 2, 0, 0);
  if (host == NULL) return 1;
  printf("PORT %u\n", host->address.port);
  fflush(stdout);
  unsigned int count = 0;
  int connected = 0;
  double start = now_ms();
  ENetEvent event;
  while (now_ms() - start < DEADLINE_MS) {
    int status = enet_host_service(host, &event, 5);
    if (status < 0) break;
    if (status == 0) continue;
    if (event.type == ENET_EVENT_TYPE_CONNECT) {
      connected = 1;
    } else if (event.type == ENET_EVENT_TYPE_RECEIVE) {
      ENetPacket *packet = event.packet;
      unsigned char kind = packet->dataLength > 0 ? packet->data[0] : 0;
      if (kind == 'S') {
        count++;
        enet_packet_destroy(packet);
      } else if (kind == 'E') {
        send_byte_packet(event.peer, 'D', 8, count);
        count = 0;
        enet_packet_destroy(packet);
      } else if (kind == 'P') {
        /* Echo the same packet back: no copy, as a tuned C server would. */
        packet->flags = ENET_PACKET_FLAG_RELIABLE;
        if (enet_peer_send(event.peer, 0, packet) < 0) enet_packet_destroy(packet);
      } else {
        enet_packet_destroy(packet);
      }
    } else if (event.type == ENET_EVENT_TYPE_DISCONNECT && connected) {
      break;
    }
  }
  enet_host_flush(host);
  enet_host_destroy(host);
  return 0;
}

static ENetEvent wait_event(ENetHost *host, ENetEventType type, double deadline) {
  ENetEvent event;
  while (now_ms() < deadline) {
    if (enet_host_service(host, &event, 1) > 0) {
      if (event.type == type) return event;
      if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
      if (event.type == ENET_EVENT_TYPE_DISCONNECT) break;
    }
  }
  fprintf(stderr, "enet_bench: timed out or disconnected\n");
  exit(2);
}

static int run_client(unsigned short port, const char *mode, unsigned int count, size_t size) {
  ENetHost *host = enet_host_create(NULL, 1, 2, 0, 0);
  if (host == NULL) return 1;
  ENetAddress address;
  enet_address_set_host_ip(&address, "127.0.0.1");
  address.port = port;
  ENetPeer *peer = enet_host_connect(host, &address, 2, 0);
  double deadline = now_ms() + DEADLINE_MS;
  wait_event(host, ENET_EVENT_TYPE_CONNECT, deadline);
  double start = now_ms();
  if (strcmp(mode, "stream") == 0) {
    for (unsigned int i = 0; i < count; i++) send_byte_packet(peer, 'S', size, i);
    send_byte_packet(peer, 'E', 8, 0);
    ENetEvent done = wait_event(host, ENET_EVENT_TYPE_RECEIVE, deadline);
    const unsigned char *d = done.packet->data;
    unsigned int got = ((unsigned)d[1] << 24) | ((unsigned)d[2] << 16) | ((unsigned)d[3] << 8) | d[4];
    enet_packet_destroy(done.packet);
    if (got != count) {
      fprintf(stderr, "enet_bench: server counted %u of %u\n", got, count);
      return 3;
    }
  } else {
    for (unsigned int i = 0; i < count; i++) {
      send_byte_packet(peer, 'P', size, i);
      enet_host_flush(host);
      ENetEvent echo = wait_event(host, ENET_EVENT_TYPE_RECEIVE, deadline);
      enet_packet_destroy(echo.packet);
    }
  }
  double elapsed = now_ms() - start;
  printf("RESULT %.3f\n", elapsed);
  fflush(stdout);
  enet_peer_disconnect(peer, 0);
  double end = now_ms() + 1000;
  ENetEvent event;
  while (now_ms() < end && enet_host_service(host, &event, 10) >= 0) {
    if (event.type == ENET_EVENT_TYPE_DISCONNECT) break;
    if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
  }
  enet_host_destroy(host);
  return 0;
}

int main(int argc, char **argv) {
  if (enet_initialize() != 0) return 1;
  atexit(enet_deinitialize);
  if (argc >= 2 && strcmp(argv[1], "server") == 0) return serve();
  if (argc >= 6 && strcmp(argv[1], "client") == 0) {
    return run_client((unsigned short)atoi(argv[2]), argv[3], (unsigned)atoi(argv[4]),
                      (size_t)atoi(argv[5]));
  }
  fprintf(stderr, "usage: enet_bench server | client <port> stream|pingpong <count> <size>\n");
  return 64;
}
