/*
 * C ENet reference peer for the benchmark suite (bench/suite/): every role the
 * TypeScript peers play, against the system libenet, over loopback. Prints one JSON
 * object per line on stdout (bench/suite/protocol.ts describes the messages).
 *
 *   enet_suite server <maxPeers>                       echo server, prints {"event":"port"}
 *   enet_suite bulk <port> <count> <size> <reliable>   one-way stream, then a result
 *   enet_suite pingpong <port> <peers> <inflight> <size> <ms>
 *   enet_suite tick <port> <peers> <hz> <size> <ms> <warmupMs>
 *   enet_suite raw-echo | raw-client <port> <inflight> <size> <ms>   bare UDP, no ENet
 *   enet_suite codec <ms>                              ENet's range coder on the corpus
 *
 * Every role is bounded in time (LIFETIME_MS) and dies with its parent.
 */
#include <arpa/inet.h>
#include <enet/enet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LIFETIME_MS 600000.0
#define CONNECT_BATCH 64
#define WINDOW_BYTES 262144
#define PROGRESS_EVERY 64

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double started;

static void check_lifetime(void) {
  if (now_ms() - started > LIFETIME_MS) {
    fprintf(stderr, "enet_suite: lifetime exceeded\n");
    exit(2);
  }
}

static void fail(const char *why) {
  fprintf(stderr, "enet_suite: %s\n", why);
  exit(3);
}

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get_u32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static ENetPacket *make_packet(char kind, size_t size, uint32_t value, uint32_t flags) {
  ENetPacket *packet = enet_packet_create(NULL, size < 16 ? 16 : size, flags);
  memset(packet->data, 0x5a, packet->dataLength);
  packet->data[0] = (unsigned char)kind;
  put_u32(packet->data + 1, value);
  return packet;
}

static ENetHost *bind_host(size_t peers) {
  ENetAddress address;
  enet_address_set_host_ip(&address, "127.0.0.1");
  address.port = 0;
  ENetHost *host = enet_host_create(&address, peers, 2, 0, 0);
  if (host == NULL) fail("cannot create host");
  return host;
}

/* The echo server: counts 'S', answers 'E' with 'D', echoes 'P' reliably and 'T' unreliably. */
__attribute__((noreturn)) static void serve(size_t max_peers) {
  ENetHost *host = bind_host(max_peers);
  printf("{\"event\":\"port\",\"port\":%u}\n", host->address.port);
  fflush(stdout);
  uint32_t count = 0, highest = 0;
  ENetEvent event;
  for (;;) {
    check_lifetime();
    if (enet_host_service(host, &event, 5) <= 0) continue;
    do {
      if (event.type != ENET_EVENT_TYPE_RECEIVE) continue;
      ENetPacket *packet = event.packet;
      char kind = packet->dataLength >= 5 ? (char)packet->data[0] : 0;
      if (kind == 'S') {
        uint32_t index = get_u32(packet->data + 1);
        if (index > highest) highest = index;
        if (++count % PROGRESS_EVERY == 0) {
          enet_peer_send(event.peer, 1, make_packet('C', 16, highest, ENET_PACKET_FLAG_RELIABLE));
        }
        enet_packet_destroy(packet);
      } else if (kind == 'E') {
        enet_peer_send(event.peer, 1, make_packet('D', 16, count, ENET_PACKET_FLAG_RELIABLE));
        count = highest = 0;
        enet_packet_destroy(packet);
      } else if (kind == 'P' || kind == 'T') {
        /* Echo the same packet back, no copy, as a tuned C server would. */
        packet->flags = kind == 'P' ? ENET_PACKET_FLAG_RELIABLE : 0;
        if (enet_peer_send(event.peer, event.channelID, packet) < 0) enet_packet_destroy(packet);
      } else {
        enet_packet_destroy(packet);
      }
    } while (enet_host_check_events(host, &event) > 0);
  }
}

static ENetHost *client_host(size_t peers) {
  ENetHost *host = enet_host_create(NULL, peers, 2, 0, 0);
  if (host == NULL) fail("cannot create client host");
  return host;
}

/* Connects `n` peers, at most CONNECT_BATCH at a time; fails if any is refused. */
static ENetPeer **connect_peers(ENetHost *host, unsigned short port, size_t n) {
  ENetPeer **peers = calloc(n, sizeof *peers);
  ENetAddress address;
  enet_address_set_host_ip(&address, "127.0.0.1");
  address.port = port;
  size_t started_count = 0, connected = 0, retries = 0;
  ENetEvent event;
  while (connected < n) {
    check_lifetime();
    while (started_count < n && started_count - connected < CONNECT_BATCH) {
      peers[started_count] = enet_host_connect(host, &address, 2, 0);
      if (peers[started_count] == NULL) fail("no free peer slot");
      peers[started_count]->data = (void *)(uintptr_t)started_count;
      started_count++;
    }
    if (enet_host_service(host, &event, 1) <= 0) continue;
    if (event.type == ENET_EVENT_TYPE_CONNECT) connected++;
    if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
    if (event.type == ENET_EVENT_TYPE_DISCONNECT) {
      /* A connection attempt timed out (a loaded server): try again, a bounded number of times. */
      size_t index = (uintptr_t)event.peer->data;
      if (++retries > n) fail("too many peers could not connect");
      peers[index] = enet_host_connect(host, &address, 2, 0);
      if (peers[index] == NULL) fail("no free peer slot");
      peers[index]->data = (void *)(uintptr_t)index;
    }
  }
  if (retries > 0) fprintf(stderr, "enet_suite: %zu connection attempts retried\n", retries);
  return peers;
}

static void disconnect_all(ENetHost *host) {
  for (size_t i = 0; i < host->peerCount; i++) {
    if (host->peers[i].state == ENET_PEER_STATE_CONNECTED) enet_peer_disconnect(&host->peers[i], 0);
  }
  enet_host_flush(host);
  enet_host_destroy(host);
}

static int run_bulk(unsigned short port, uint32_t count, size_t size, int reliable) {
  ENetHost *host = client_host(1);
  ENetPeer *peer = connect_peers(host, port, 1)[0];
  uint32_t flags = reliable ? ENET_PACKET_FLAG_RELIABLE : 0;
  uint32_t window = WINDOW_BYTES / size < 256 ? 256 : (uint32_t)(WINDOW_BYTES / size);
  uint32_t sent = 0, progress = 0, delivered = 0;
  int done = 0;
  double start = now_ms(), last_progress = start;
  ENetEvent event;
  while (!done) {
    check_lifetime();
    for (int batch = 0; batch < 256 && sent < count && sent - progress < window; batch++) {
      enet_peer_send(peer, 0, make_packet('S', size, sent + 1, flags));
      if (++sent == count) enet_peer_send(peer, 0, make_packet('E', 16, 0, ENET_PACKET_FLAG_RELIABLE));
    }
    int wait = sent < count && sent - progress < window ? 0 : 1;
    if (sent < count && now_ms() - last_progress > 200) { /* unreliable losses: move on */
      if (sent - window / 2 > progress && sent > window / 2) progress = sent - window / 2;
      last_progress = now_ms();
    }
    if (enet_host_service(host, &event, wait) <= 0) continue;
    do {
      if (event.type == ENET_EVENT_TYPE_DISCONNECT) fail("disconnected during bulk");
      if (event.type != ENET_EVENT_TYPE_RECEIVE) continue;
      const unsigned char *d = event.packet->data;
      if (d[0] == 'C' && get_u32(d + 1) > progress) {
        progress = get_u32(d + 1);
        last_progress = now_ms();
      } else if (d[0] == 'D') {
        delivered = get_u32(d + 1);
        done = 1;
      }
      enet_packet_destroy(event.packet);
    } while (enet_host_check_events(host, &event) > 0);
  }
  double ms = now_ms() - start;
  /* The client's datagrams both ways (the server's mirror them): the load on each socket. */
  printf("{\"event\":\"result\",\"ms\":%.3f,\"sent\":%u,\"delivered\":%u,\"datagramsSent\":%u,"
         "\"datagramsReceived\":%u}\n",
         ms, count, delivered, host->totalSentPackets, host->totalReceivedPackets);
  fflush(stdout);
  disconnect_all(host);
  return 0;
}

static void send_ping(ENetPeer *peer, size_t size) {
  ENetPacket *packet = make_packet('P', size, 0, ENET_PACKET_FLAG_RELIABLE);
  double t = now_ms();
  memcpy(packet->data + 8, &t, sizeof t);
  enet_peer_send(peer, 0, packet);
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int run_pingpong(unsigned short port, size_t n, int inflight, size_t size, double ms) {
  ENetHost *host = client_host(n);
  ENetPeer **peers = connect_peers(host, port, n);
  size_t capacity = 1 << 22, samples = 0, lost = 0;
  double *rtts = malloc(capacity * sizeof *rtts);
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < inflight; k++) send_ping(peers[i], size);
  }
  double start = now_ms(), end = start + ms;
  ENetEvent event;
  while (now_ms() < end) {
    if (enet_host_service(host, &event, 1) <= 0) continue;
    do {
      if (event.type == ENET_EVENT_TYPE_DISCONNECT) lost++; /* a timeout under load */
      if (event.type != ENET_EVENT_TYPE_RECEIVE) continue;
      double sent_at, t = now_ms();
      memcpy(&sent_at, event.packet->data + 8, sizeof sent_at);
      if (samples < capacity) rtts[samples++] = t - sent_at;
      enet_packet_destroy(event.packet);
      if (t < end) send_ping(event.peer, size);
    } while (enet_host_check_events(host, &event) > 0);
  }
  double elapsed = now_ms() - start;
  qsort(rtts, samples, sizeof *rtts, compare_double);
  double p50 = samples ? rtts[samples / 2] : -1, p99 = samples ? rtts[samples * 99 / 100] : -1;
  printf("{\"event\":\"result\",\"ms\":%.3f,\"roundTrips\":%zu,\"p50\":%.4f,\"p99\":%.4f,"
         "\"lost\":%zu}\n", elapsed, samples, p50, p99, lost);
  fflush(stdout);
  disconnect_all(host);
  return 0;
}

/*
 * Ticks for warmup_ms, then for the measured window of ms: "ticking" marks the window's
 * start and "window-end" its end; sent and echoed count the window's ticks only (each
 * carries its index, and an echo of a warm-up tick is not counted).
 */
static int run_tick(unsigned short port, size_t n, double hz, size_t size, double ms,
                    double warmup_ms) {
  ENetHost *host = client_host(n);
  ENetPeer **peers = connect_peers(host, port, n);
  /* No throttle deceleration (on both ends): loss measures capacity, not ENet's backing off. */
  for (size_t i = 0; i < n; i++) enet_peer_throttle_configure(peers[i], 5000, 2, 0);
  double period = 1000.0 / hz, start = now_ms(), measured = start + warmup_ms, end = measured + ms;
  double *due = malloc(n * sizeof *due);
  for (size_t i = 0; i < n; i++) due[i] = start + period * (double)i / (double)n;
  uint64_t index = 0, first = UINT64_MAX, echoed = 0, lost = 0;
  size_t next = 0;
  int window_open = 0, window_done = 0;
  ENetEvent event;
  double t;
  while ((t = now_ms()) < end + 500) {
    if (t >= measured && !window_open && !window_done) {
      printf("{\"event\":\"ticking\"}\n");
      fflush(stdout);
      window_open = 1;
      first = index;
    }
    if (t < end) {
      /* Peers are due in index order, one period apart: walk the ring. */
      while (due[next] <= t) {
        ENetPacket *packet = make_packet('T', size, (uint32_t)index, 0);
        if (enet_peer_send(peers[next], 0, packet) < 0) enet_packet_destroy(packet);
        index++;
        due[next] += period;
        next = (next + 1) % n;
      }
    } else if (window_open) {
      printf("{\"event\":\"window-end\"}\n");
      fflush(stdout);
      window_open = 0;
      window_done = 1;
    }
    if (enet_host_service(host, &event, 1) <= 0) continue;
    do {
      if (event.type == ENET_EVENT_TYPE_RECEIVE) {
        if (event.packet->dataLength >= 5 && get_u32(event.packet->data + 1) >= first) echoed++;
        enet_packet_destroy(event.packet);
      } else if (event.type == ENET_EVENT_TYPE_DISCONNECT) {
        lost++; /* a timeout under load */
      }
    } while (enet_host_check_events(host, &event) > 0);
  }
  printf("{\"event\":\"result\",\"ms\":%.3f,\"sent\":%llu,\"echoed\":%llu,\"lost\":%llu}\n", ms,
         (unsigned long long)(index - first), (unsigned long long)echoed, (unsigned long long)lost);
  fflush(stdout);
  disconnect_all(host);
  return 0;
}

static int udp_socket(struct sockaddr_in *bound) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) < 0) fail("cannot bind");
  socklen_t length = sizeof *bound;
  getsockname(fd, (struct sockaddr *)bound, &length);
  struct timeval tv = {.tv_sec = 0, .tv_usec = 50000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

__attribute__((noreturn)) static void raw_echo(void) {
  struct sockaddr_in bound, from;
  int fd = udp_socket(&bound);
  printf("{\"event\":\"port\",\"port\":%u}\n", ntohs(bound.sin_port));
  fflush(stdout);
  unsigned char buffer[65536];
  for (;;) {
    check_lifetime();
    socklen_t length = sizeof from;
    ssize_t got = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length);
    if (got >= 0) sendto(fd, buffer, (size_t)got, 0, (struct sockaddr *)&from, length);
  }
}

static int raw_client(unsigned short port, int inflight, size_t size, double ms) {
  struct sockaddr_in bound, to = {.sin_family = AF_INET};
  int fd = udp_socket(&bound);
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned char buffer[65536];
  memset(buffer, 0x5a, size);
  double start = now_ms(), end = start + ms;
  uint64_t round_trips = 0;
  for (int k = 0; k < inflight; k++) sendto(fd, buffer, size, 0, (struct sockaddr *)&to, sizeof to);
  while (now_ms() < end) {
    if (recv(fd, buffer, sizeof buffer, 0) < 0) {
      /* 50 ms of silence: the window was lost, send it again. */
      for (int k = 0; k < inflight; k++) sendto(fd, buffer, size, 0, (struct sockaddr *)&to, sizeof to);
      continue;
    }
    round_trips++;
    sendto(fd, buffer, size, 0, (struct sockaddr *)&to, sizeof to);
  }
  printf("{\"event\":\"result\",\"ms\":%.3f,\"roundTrips\":%llu}\n", now_ms() - start,
         (unsigned long long)round_trips);
  return 0;
}

/* The codec corpus: the generator bench/suite/corpus.ts mirrors. */
static uint32_t xorshift_state;
static uint32_t xorshift(void) {
  xorshift_state ^= xorshift_state << 13;
  xorshift_state ^= xorshift_state >> 17;
  xorshift_state ^= xorshift_state << 5;
  return xorshift_state;
}

#define CORPUS_COUNT 64
static unsigned char corpus[CORPUS_COUNT][1400];
static size_t corpus_size[CORPUS_COUNT];

static void make_corpus(void) {
  xorshift_state = 0x9e3779b9u;
  for (size_t n = 0; n < CORPUS_COUNT; n++) {
    size_t entities = 3 + xorshift() % 70;
    unsigned char *p = corpus[n];
    for (size_t e = 0; e < entities; e++, p += 16) {
      uint16_t id = (uint16_t)(100 + e);
      float x = 100.0f + (float)e * 3.5f, y = 12.5f, z = -40.0f + (float)(xorshift() % 100) / 100.0f;
      memcpy(p, &id, 2);
      memcpy(p + 2, &x, 4);
      memcpy(p + 6, &y, 4);
      memcpy(p + 10, &z, 4);
      p[14] = (unsigned char)(xorshift() & 3);
      p[15] = 0;
    }
    corpus_size[n] = entities * 16;
  }
}

static int run_codec(double ms) {
  make_corpus();
  void *coder = enet_range_coder_create();
  unsigned char out[4096], back[4096];
  double bytes = 0, compressed = 0, t_compress = 0, t_decompress = 0, once = 0;
  double end = now_ms() + ms;
  while (now_ms() < end) {
    for (size_t n = 0; n < CORPUS_COUNT; n++) {
      ENetBuffer in = {.data = corpus[n], .dataLength = corpus_size[n]};
      double t0 = now_ms();
      size_t size = enet_range_coder_compress(coder, &in, 1, in.dataLength, out, sizeof out);
      double t1 = now_ms();
      size_t back_size = enet_range_coder_decompress(coder, out, size, back, sizeof back);
      double t2 = now_ms();
      if (size == 0 || back_size != in.dataLength || memcmp(back, in.data, back_size) != 0) {
        fail("range coder round trip failed");
      }
      t_compress += t1 - t0;
      t_decompress += t2 - t1;
      bytes += (double)in.dataLength;
      compressed += (double)(size < in.dataLength ? size : in.dataLength);
    }
    if (once == 0) once = compressed;
  }
  enet_range_coder_destroy(coder);
  printf("{\"event\":\"result\",\"codecs\":[{\"mode\":\"range-coder\",\"ratio\":%.4f,"
         "\"compressedBytes\":%.0f,\"compressMBs\":%.3f,\"decompressMBs\":%.3f}]}\n",
         compressed / bytes, once, bytes / 1e3 / t_compress, bytes / 1e3 / t_decompress);
  return 0;
}

int main(int argc, char **argv) {
  started = now_ms();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (enet_initialize() != 0) return 1;
  atexit(enet_deinitialize);
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *role = argc >= 2 ? argv[1] : "";
  if (strcmp(role, "server") == 0 && argc == 3) serve((size_t)atoi(argv[2]));
  if (strcmp(role, "bulk") == 0 && argc == 6) {
    return run_bulk((unsigned short)atoi(argv[2]), (uint32_t)atol(argv[3]), (size_t)atoi(argv[4]),
                    atoi(argv[5]));
  }
  if (strcmp(role, "pingpong") == 0 && argc == 7) {
    return run_pingpong((unsigned short)atoi(argv[2]), (size_t)atoi(argv[3]), atoi(argv[4]),
                        (size_t)atoi(argv[5]), atof(argv[6]));
  }
  if (strcmp(role, "tick") == 0 && argc == 8) {
    return run_tick((unsigned short)atoi(argv[2]), (size_t)atoi(argv[3]), atof(argv[4]),
                    (size_t)atoi(argv[5]), atof(argv[6]), atof(argv[7]));
  }
  if (strcmp(role, "raw-echo") == 0) raw_echo();
  if (strcmp(role, "raw-client") == 0 && argc == 6) {
    return raw_client((unsigned short)atoi(argv[2]), atoi(argv[3]), (size_t)atoi(argv[4]),
                      atof(argv[5]));
  }
  if (strcmp(role, "codec") == 0 && argc == 3) return run_codec(atof(argv[2]));
  fprintf(stderr, "usage: see the comment at the top of enet_suite.c\n");
  return 64;
}
