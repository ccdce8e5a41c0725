/*
 * enet_peer: a scripted C ENet peer for the @x/enet interop tests.
 *
 * Runs as a server (binds 127.0.0.1, port 0 = ephemeral) or as a client (connects to
 * 127.0.0.1:PORT). Driven by command-line flags and by line commands on stdin; prints
 * one JSON object per line on stdout (flushed) for every event, so a test can drive
 * it as a child process. Packet payloads are generated from a seed (see fill_payload)
 * and received packets are reported as length + FNV-1a hash, never as bytes.
 *
 * Flags:
 *   --server | --client      mode (default server)
 *   --port N                 server: port to bind (0 = ephemeral); client: port to connect to
 *   --peers N                peer slots (server, default 8)
 *   --channels N             server: channel limit; client: channels requested (default 4)
 *   --data N                 client: connect data (default 0)
 *   --checksum               host->checksum = enet_crc32
 *   --compress MODE          none | range-coder | zlib | zstd (Godot-style block codecs)
 *   --timeout L,MIN,MAX      enet_peer_timeout on every peer (client: also while connecting)
 *   --deadline S             exit by itself after S seconds (default 60)
 *
 * Commands (stdin, one per line; PEER defaults to the first connected peer):
 *   send CHANNEL FLAGS SIZE SEED [COUNT [PEER]]   COUNT packets, seeds SEED, SEED+1, ...
 *   garbage SIZE SEED [PEER]                      raw datagram of seeded bytes to the peer
 *   disconnect DATA | disconnect_later DATA | disconnect_now DATA [PEER]
 *   timeout LIMIT MIN MAX [PEER]
 *   state [PEER]      prints the peer's state, round-trip time, throttle, MTU and window
 *   flush             enet_host_flush
 *   stats             prints the host's byte and datagram totals, and how many datagrams
 *                     went out / came in compressed
 *   quit              destroys the host and exits (peers get no notice)
 *   exit_abruptly     _exit(0) at once, without a word to anyone
 *
 * Events (stdout): listening, connect, receive, disconnect, sent, garbage, state, stats, error,
 * exit.
 */
#define _POSIX_C_SOURCE 200809L
#include <enet/enet.h>
#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

typedef struct {
  int server;
  int port;
  int peers;
  int channels;
  unsigned data;
  int checksum;
  const char *compress;
  int has_timeout;
  unsigned timeout_limit, timeout_min, timeout_max;
  double deadline;
} Options;

static Options opt = {1, 0, 8, 4, 0, 0, "none", 0, 0, 0, 0, 60.0};
static ENetHost *host;

/* ---- payloads and hashes, shared with the TypeScript harness ---- */

/* xorshift32 stream seeded from SEED; byte i is byte (i % 4) of the state after step i / 4 + 1,
 * masked to 2 bits when SEED has its top bit set (a compressible payload). */
static void fill_payload(uint8_t *out, size_t length, uint32_t seed) {
  uint8_t mask = (seed & 0x80000000u) ? 0x03 : 0xFF;
  uint32_t x = seed ^ 0xA5A5A5A5u;
  if (x == 0) x = 1;
  for (size_t i = 0; i < length; i++) {
    if ((i & 3) == 0) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
    }
    out[i] = (uint8_t)(x >> (8 * (i & 3))) & mask;
  }
}

static uint32_t fnv1a(const uint8_t *data, size_t length) {
  uint32_t h = 0x811C9DC5u;
  for (size_t i = 0; i < length; i++) {
    h ^= data[i];
    h *= 0x01000193u;
  }
  return h;
}

/* ---- compressors: ENet's range coder, or Godot-style blocks (one zlib stream / one zstd
 * frame per datagram); all counted, so tests can see that datagrams travel compressed ---- */

typedef enum { CODEC_RANGE_CODER, CODEC_ZLIB, CODEC_ZSTD } CodecKind;

typedef struct {
  CodecKind kind;
  void *range_coder;
  unsigned compressed_out; /* datagrams sent compressed */
  unsigned compressed_in;  /* compressed datagrams received and decompressed */
  uint8_t *in;
  size_t in_capacity;
  ZSTD_CCtx *cctx;
  ZSTD_DCtx *dctx;
} BlockCodec;

static BlockCodec codec;

static const uint8_t *gather(BlockCodec *c, const ENetBuffer *buffers, size_t count, size_t limit) {
  if (c->in_capacity < limit) {
    free(c->in);
    c->in = malloc(limit);
    c->in_capacity = c->in ? limit : 0;
    if (!c->in) return NULL;
  }
  size_t at = 0;
  for (size_t i = 0; i < count && at < limit; i++) {
    size_t n = buffers[i].dataLength;
    if (n > limit - at) n = limit - at;
    memcpy(c->in + at, buffers[i].data, n);
    at += n;
  }
  return c->in;
}

static size_t block_compress(BlockCodec *c, const ENetBuffer *in_buffers, size_t in_count,
                             size_t in_limit, enet_uint8 *out, size_t out_limit) {
  const uint8_t *src = gather(c, in_buffers, in_count, in_limit);
  if (!src) return 0;
  if (c->kind == CODEC_ZSTD) {
    size_t bound = ZSTD_compressBound(in_limit);
    uint8_t *tmp = malloc(bound);
    if (!tmp) return 0;
    size_t n = ZSTD_compressCCtx(c->cctx, tmp, bound, src, in_limit, 3);
    size_t result = 0;
    if (!ZSTD_isError(n) && n <= out_limit) {
      memcpy(out, tmp, n);
      result = n;
    }
    free(tmp);
    return result;
  }
  z_stream s;
  memset(&s, 0, sizeof s);
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return 0;
  }
  uLong bound = deflateBound(&s, in_limit);
  uint8_t *tmp = malloc(bound);
  size_t result = 0;
  if (tmp) {
    s.next_in = (Bytef *)src;
    s.avail_in = (uInt)in_limit;
    s.next_out = tmp;
    s.avail_out = (uInt)bound;
    if (deflate(&s, Z_FINISH) == Z_STREAM_END && s.total_out <= out_limit) {
      memcpy(out, tmp, s.total_out);
      result = s.total_out;
    }
    free(tmp);
  }
  deflateEnd(&s);
  return result;
}

static size_t block_decompress(BlockCodec *c, const enet_uint8 *in, size_t in_limit,
                               enet_uint8 *out, size_t out_limit) {
  if (c->kind == CODEC_ZSTD) {
    size_t n = ZSTD_decompressDCtx(c->dctx, out, out_limit, in, in_limit);
    return ZSTD_isError(n) ? 0 : n;
  }
  z_stream s;
  memset(&s, 0, sizeof s);
  if (inflateInit2(&s, 15) != Z_OK) return 0;
  s.next_in = (Bytef *)in;
  s.avail_in = (uInt)in_limit;
  s.next_out = out;
  s.avail_out = (uInt)out_limit;
  int rc = inflate(&s, Z_FINISH);
  size_t n = s.total_out;
  inflateEnd(&s);
  return rc == Z_STREAM_END ? n : 0;
}

static size_t ENET_CALLBACK counted_compress(void *context, const ENetBuffer *in_buffers,
                                             size_t in_count, size_t in_limit, enet_uint8 *out,
                                             size_t out_limit) {
  BlockCodec *c = context;
  size_t n = c->kind == CODEC_RANGE_CODER
                 ? enet_range_coder_compress(c->range_coder, in_buffers, in_count, in_limit, out,
                                             out_limit)
                 : block_compress(c, in_buffers, in_count, in_limit, out, out_limit);
  if (n > 0 && n < in_limit) c->compressed_out++;
  return n;
}

static size_t ENET_CALLBACK counted_decompress(void *context, const enet_uint8 *in,
                                               size_t in_limit, enet_uint8 *out,
                                               size_t out_limit) {
  BlockCodec *c = context;
  size_t n = c->kind == CODEC_RANGE_CODER
                 ? enet_range_coder_decompress(c->range_coder, in, in_limit, out, out_limit)
                 : block_decompress(c, in, in_limit, out, out_limit);
  if (n > 0) c->compressed_in++;
  return n;
}

static int setup_compression(void) {
  if (strcmp(opt.compress, "none") == 0) return 0;
  if (strcmp(opt.compress, "range-coder") == 0) {
    codec.kind = CODEC_RANGE_CODER;
    codec.range_coder = enet_range_coder_create();
    if (!codec.range_coder) return -1;
  } else if (strcmp(opt.compress, "zlib") == 0) {
    codec.kind = CODEC_ZLIB;
  } else if (strcmp(opt.compress, "zstd") == 0) {
    codec.kind = CODEC_ZSTD;
    codec.cctx = ZSTD_createCCtx();
    codec.dctx = ZSTD_createDCtx();
    if (!codec.cctx || !codec.dctx) return -1;
  } else {
    return -1;
  }
  /* 1.3.17 ignores a compressor whose context is NULL: &codec is never NULL. */
  ENetCompressor compressor = {&codec, counted_compress, counted_decompress, NULL};
  enet_host_compress(host, &compressor);
  return 0;
}

/* ---- output ---- */

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

static int peer_index(const ENetPeer *peer) { return (int)(peer - host->peers); }

/* ---- commands ---- */

static ENetPeer *find_peer(int wanted) {
  if (wanted >= 0) return wanted < (int)host->peerCount ? &host->peers[wanted] : NULL;
  for (size_t i = 0; i < host->peerCount; i++) {
    if (host->peers[i].state == ENET_PEER_STATE_CONNECTED) return &host->peers[i];
  }
  return NULL;
}

static void apply_timeout(ENetPeer *peer) {
  if (opt.has_timeout) enet_peer_timeout(peer, opt.timeout_limit, opt.timeout_min, opt.timeout_max);
}

static void cmd_send(long *a, int n) {
  if (n < 4) { emit("{\"event\":\"error\",\"message\":\"send needs 4 arguments\"}"); return; }
  long count = n > 4 ? a[4] : 1;
  ENetPeer *peer = find_peer(n > 5 ? (int)a[5] : -1);
  if (!peer) { emit("{\"event\":\"error\",\"message\":\"send: no peer\"}"); return; }
  uint8_t *buf = malloc(a[2] > 0 ? (size_t)a[2] : 1);
  int failures = 0;
  for (long k = 0; k < count; k++) {
    fill_payload(buf, (size_t)a[2], (uint32_t)a[3] + (uint32_t)k);
    ENetPacket *packet = enet_packet_create(buf, (size_t)a[2], (enet_uint32)a[1]);
    if (!packet || enet_peer_send(peer, (enet_uint8)a[0], packet) < 0) {
      failures++;
      if (packet) enet_packet_destroy(packet);
    }
  }
  free(buf);
  enet_host_flush(host);
  emit("{\"event\":\"sent\",\"peer\":%d,\"count\":%ld,\"failures\":%d}", peer_index(peer), count,
       failures);
}

static void cmd_garbage(long *a, int n) {
  if (n < 2) { emit("{\"event\":\"error\",\"message\":\"garbage needs 2 arguments\"}"); return; }
  ENetPeer *peer = find_peer(n > 2 ? (int)a[2] : -1);
  if (!peer) { emit("{\"event\":\"error\",\"message\":\"garbage: no peer\"}"); return; }
  uint8_t *buf = malloc(a[0] > 0 ? (size_t)a[0] : 1);
  fill_payload(buf, (size_t)a[0], (uint32_t)a[1]);
  ENetBuffer b = {.data = buf, .dataLength = (size_t)a[0]};
  int sent = enet_socket_send(host->socket, &peer->address, &b, 1);
  free(buf);
  emit("{\"event\":\"garbage\",\"peer\":%d,\"sent\":%d}", peer_index(peer), sent);
}

static int run_command(char *line) {
  char *words[8];
  int n = 0;
  for (char *w = strtok(line, " \t\r"); w && n < 8; w = strtok(NULL, " \t\r")) words[n++] = w;
  if (n == 0) return 0;
  long a[7] = {0};
  for (int i = 1; i < n; i++) a[i - 1] = (long)strtoll(words[i], NULL, 10);
  const char *c = words[0];
  int argc = n - 1;
  if (strcmp(c, "quit") == 0) return 1;
  if (strcmp(c, "exit_abruptly") == 0) _exit(0);
  if (strcmp(c, "send") == 0) {
    cmd_send(a, argc);
  } else if (strcmp(c, "garbage") == 0) {
    cmd_garbage(a, argc);
  } else if (strcmp(c, "flush") == 0) {
    enet_host_flush(host);
  } else if (strcmp(c, "stats") == 0) {
    emit("{\"event\":\"stats\",\"sentData\":%u,\"sentPackets\":%u,\"receivedData\":%u,"
         "\"receivedPackets\":%u,\"compressedOut\":%u,\"compressedIn\":%u}",
         host->totalSentData, host->totalSentPackets, host->totalReceivedData,
         host->totalReceivedPackets, codec.compressed_out, codec.compressed_in);
  } else if (strncmp(c, "disconnect", 10) == 0 || strcmp(c, "timeout") == 0 ||
             strcmp(c, "state") == 0) {
    int peer_arg = strcmp(c, "timeout") == 0 ? 3 : strcmp(c, "state") == 0 ? 0 : 1;
    ENetPeer *peer = find_peer(argc > peer_arg ? (int)a[peer_arg] : -1);
    if (!peer) {
      emit("{\"event\":\"error\",\"message\":\"%s: no peer\"}", c);
    } else if (strcmp(c, "disconnect") == 0) {
      enet_peer_disconnect(peer, (enet_uint32)a[0]);
    } else if (strcmp(c, "disconnect_later") == 0) {
      enet_peer_disconnect_later(peer, (enet_uint32)a[0]);
    } else if (strcmp(c, "disconnect_now") == 0) {
      enet_peer_disconnect_now(peer, (enet_uint32)a[0]);
    } else if (strcmp(c, "timeout") == 0) {
      enet_peer_timeout(peer, (enet_uint32)a[0], (enet_uint32)a[1], (enet_uint32)a[2]);
    } else if (strcmp(c, "state") == 0) {
      emit("{\"event\":\"state\",\"peer\":%d,\"state\":%d,\"rtt\":%u,\"rttVariance\":%u,"
           "\"throttle\":%u,\"mtu\":%u,\"windowSize\":%u}",
           peer_index(peer), (int)peer->state, peer->roundTripTime, peer->roundTripTimeVariance,
           peer->packetThrottle, peer->mtu, peer->windowSize);
    } else {
      emit("{\"event\":\"error\",\"message\":\"unknown command\"}");
    }
  } else {
    emit("{\"event\":\"error\",\"message\":\"unknown command\"}");
  }
  return 0;
}

/* ---- main loop ---- */

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_event(const ENetEvent *e) {
  int id = peer_index(e->peer);
  if (e->type == ENET_EVENT_TYPE_CONNECT) {
    apply_timeout(e->peer);
    emit("{\"event\":\"connect\",\"peer\":%d,\"data\":%u,\"channels\":%u}", id, e->data,
         (unsigned)e->peer->channelCount);
  } else if (e->type == ENET_EVENT_TYPE_DISCONNECT) {
    emit("{\"event\":\"disconnect\",\"peer\":%d,\"data\":%u}", id, e->data);
  } else if (e->type == ENET_EVENT_TYPE_RECEIVE) {
    const ENetPacket *p = e->packet;
    emit("{\"event\":\"receive\",\"peer\":%d,\"channel\":%u,\"flags\":%u,\"length\":%zu,"
         "\"hash\":%u}",
         id, (unsigned)e->channelID, p->flags & 0xF, p->dataLength, fnv1a(p->data, p->dataLength));
    enet_packet_destroy(e->packet);
  }
}

static int parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *f = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(f, "--server") == 0) opt.server = 1;
    else if (strcmp(f, "--client") == 0) opt.server = 0;
    else if (strcmp(f, "--checksum") == 0) opt.checksum = 1;
    else if (!v) return -1;
    else if (strcmp(f, "--port") == 0) opt.port = atoi(v), i++;
    else if (strcmp(f, "--peers") == 0) opt.peers = atoi(v), i++;
    else if (strcmp(f, "--channels") == 0) opt.channels = atoi(v), i++;
    else if (strcmp(f, "--data") == 0) opt.data = (unsigned)strtoul(v, NULL, 10), i++;
    else if (strcmp(f, "--compress") == 0) opt.compress = v, i++;
    else if (strcmp(f, "--deadline") == 0) opt.deadline = atof(v), i++;
    else if (strcmp(f, "--timeout") == 0) {
      if (sscanf(v, "%u,%u,%u", &opt.timeout_limit, &opt.timeout_min, &opt.timeout_max) != 3) {
        return -1;
      }
      opt.has_timeout = 1, i++;
    } else return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (parse_args(argc, argv) < 0) {
    fprintf(stderr, "enet_peer: bad arguments (see the comment at the top of enet_peer.c)\n");
    return 2;
  }
  if (enet_initialize() != 0) return 3;
  ENetAddress address = {0};
  enet_address_set_host_ip(&address, "127.0.0.1");
  address.port = (enet_uint16)opt.port;
  host = opt.server ? enet_host_create(&address, (size_t)opt.peers, (size_t)opt.channels, 0, 0)
                    : enet_host_create(NULL, 1, (size_t)opt.channels, 0, 0);
  if (!host) {
    emit("{\"event\":\"error\",\"message\":\"enet_host_create failed\"}");
    return 4;
  }
  if (opt.checksum) host->checksum = enet_crc32;
  if (setup_compression() < 0) {
    emit("{\"event\":\"error\",\"message\":\"bad --compress mode\"}");
    return 5;
  }
  if (opt.server) {
    ENetAddress bound;
    enet_socket_get_address(host->socket, &bound);
    emit("{\"event\":\"listening\",\"port\":%u}", (unsigned)bound.port);
  } else {
    ENetPeer *peer = enet_host_connect(host, &address, (size_t)opt.channels, opt.data);
    if (!peer) {
      emit("{\"event\":\"error\",\"message\":\"enet_host_connect failed\"}");
      return 6;
    }
    apply_timeout(peer);
    enet_host_flush(host);
    emit("{\"event\":\"connecting\",\"peer\":%d}", peer_index(peer));
  }

  double end = now_seconds() + opt.deadline;
  char line[4096];
  size_t used = 0;
  int quit = 0;
  const char *reason = "deadline";
  while (!quit && now_seconds() < end) {
    struct pollfd fds[2] = {{0, POLLIN, 0}, {host->socket, POLLIN, 0}};
    poll(fds, 2, 5);
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t got = read(0, line + used, sizeof line - 1 - used);
      if (got <= 0 && !(got < 0 && errno == EINTR)) {
        quit = 1, reason = "stdin closed";
      } else if (got > 0) {
        used += (size_t)got;
        char *nl;
        while (!quit && (nl = memchr(line, '\n', used)) != NULL) {
          *nl = '\0';
          size_t consumed = (size_t)(nl - line) + 1;
          if (run_command(line)) quit = 1, reason = "quit";
          memmove(line, line + consumed, used - consumed);
          used -= consumed;
        }
        if (used == sizeof line - 1) used = 0; /* an absurd line: forget it */
      }
    }
    ENetEvent event;
    int rc = 0;
    while (!quit && (rc = enet_host_service(host, &event, 0)) > 0) print_event(&event);
    if (!quit && rc < 0) emit("{\"event\":\"error\",\"message\":\"enet_host_service failed\"}");
  }
  emit("{\"event\":\"exit\",\"reason\":\"%s\"}", reason);
  enet_host_destroy(host);
  enet_deinitialize();
  return 0;
}
