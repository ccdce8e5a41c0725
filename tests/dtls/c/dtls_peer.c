/*
 * A small DTLS 1.2 peer on mbed TLS (the TLS library Godot uses) for the DTLS tests.
 *
 *   dtls_peer server CERT KEY          listens on 127.0.0.1 (free port, printed as "PORT n"),
 *                                      HelloVerifyRequest cookies on, echoes each record back
 *                                      prefixed with "echo:", until close_notify or 10 s idle.
 *   dtls_peer client PORT CA HOSTNAME  connects to 127.0.0.1:PORT, verifies the certificate,
 *                                      sends "hello-from-mbedtls", prints the reply.
 *
 * Prints "HANDSHAKE OK <suite>", "RECV <text>" or "FAIL <where> -0x<code>" lines; exits 0 on success.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <string.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cookie.h>
#include <mbedtls/timing.h>
#include <mbedtls/x509_crt.h>

static int fail(const char *where, int ret) {
  printf("FAIL %s -0x%04x\n", where, (unsigned)-ret);
  fflush(stdout);
  return 1;
}

static int run_server(const char *cert_path, const char *key_path, mbedtls_ssl_config *conf,
                      mbedtls_ctr_drbg_context *drbg) {
  mbedtls_x509_crt cert;
  mbedtls_pk_context key;
  mbedtls_ssl_cookie_ctx cookies;
  mbedtls_net_context listen_fd, client_fd;
  mbedtls_ssl_context ssl;
  mbedtls_timing_delay_context timer;
  unsigned char client_ip[16];
  size_t client_ip_len = 0;
  unsigned char buf[2048];
  char port_text[16];
  int ret;

  mbedtls_x509_crt_init(&cert);
  mbedtls_pk_init(&key);
  mbedtls_ssl_cookie_init(&cookies);
  mbedtls_net_init(&listen_fd);
  mbedtls_net_init(&client_fd);
  mbedtls_ssl_init(&ssl);
  if ((ret = mbedtls_x509_crt_parse_file(&cert, cert_path)) != 0) return fail("cert", ret);
  if ((ret = mbedtls_pk_parse_keyfile(&key, key_path, NULL)) != 0) return fail("key", ret);
  if ((ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_DATAGRAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT)) != 0) return fail("config", ret);
  mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, drbg);
  mbedtls_ssl_conf_read_timeout(conf, 10000);
  if ((ret = mbedtls_ssl_conf_own_cert(conf, &cert, &key)) != 0) return fail("own_cert", ret);
  if ((ret = mbedtls_ssl_cookie_setup(&cookies, mbedtls_ctr_drbg_random, drbg)) != 0) return fail("cookie", ret);
  mbedtls_ssl_conf_dtls_cookies(conf, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check, &cookies);
  if ((ret = mbedtls_ssl_setup(&ssl, conf)) != 0) return fail("setup", ret);
  mbedtls_ssl_set_timer_cb(&ssl, &timer, mbedtls_timing_set_delay, mbedtls_timing_get_delay);

  if ((ret = mbedtls_net_bind(&listen_fd, "127.0.0.1", "0", MBEDTLS_NET_PROTO_UDP)) != 0) return fail("bind", ret);
  {
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    if (getsockname(listen_fd.fd, (struct sockaddr *)&sa, &len) != 0) return fail("getsockname", -1);
    snprintf(port_text, sizeof port_text, "%u", ntohs(((struct sockaddr_in *)&sa)->sin_port));
  }
  printf("PORT %s\n", port_text);
  fflush(stdout);

  for (;;) { /* one client; restart after the HelloVerifyRequest round trip */
    mbedtls_net_free(&client_fd);
    mbedtls_ssl_session_reset(&ssl);
    if ((ret = mbedtls_net_accept(&listen_fd, &client_fd, client_ip, sizeof client_ip, &client_ip_len)) != 0)
      return fail("accept", ret);
    if ((ret = mbedtls_ssl_set_client_transport_id(&ssl, client_ip, client_ip_len)) != 0)
      return fail("transport_id", ret);
    mbedtls_ssl_set_bio(&ssl, &client_fd, mbedtls_net_send, mbedtls_net_recv, mbedtls_net_recv_timeout);
    do ret = mbedtls_ssl_handshake(&ssl);
    while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED) continue;
    if (ret != 0) return fail("handshake", ret);
    break;
  }
  printf("HANDSHAKE OK %s\n", mbedtls_ssl_get_ciphersuite(&ssl));
  fflush(stdout);
  for (;;) {
    do ret = mbedtls_ssl_read(&ssl, buf, sizeof buf - 1);
    while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_TIMEOUT) break;
    if (ret < 0) return fail("read", ret);
    buf[ret] = 0;
    printf("RECV %s\n", (char *)buf);
    fflush(stdout);
    {
      unsigned char out[2100];
      size_t n = (size_t)ret;
      memcpy(out, "echo:", 5);
      memcpy(out + 5, buf, n);
      do ret = mbedtls_ssl_write(&ssl, out, n + 5);
      while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
      if (ret < 0) return fail("write", ret);
    }
  }
  mbedtls_ssl_close_notify(&ssl);
  return 0;
}

static int run_client(const char *port, const char *ca_path, const char *hostname, mbedtls_ssl_config *conf,
                      mbedtls_ctr_drbg_context *drbg) {
  mbedtls_x509_crt ca;
  mbedtls_net_context fd;
  mbedtls_ssl_context ssl;
  mbedtls_timing_delay_context timer;
  unsigned char buf[2048];
  const char *hello = "hello-from-mbedtls";
  int ret;

  mbedtls_x509_crt_init(&ca);
  mbedtls_net_init(&fd);
  mbedtls_ssl_init(&ssl);
  if ((ret = mbedtls_x509_crt_parse_file(&ca, ca_path)) != 0) return fail("ca", ret);
  if ((ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_DATAGRAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT)) != 0) return fail("config", ret);
  mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, drbg);
  mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(conf, &ca, NULL);
  mbedtls_ssl_conf_read_timeout(conf, 10000);
  if ((ret = mbedtls_ssl_setup(&ssl, conf)) != 0) return fail("setup", ret);
  if ((ret = mbedtls_ssl_set_hostname(&ssl, hostname)) != 0) return fail("hostname", ret);
  mbedtls_ssl_set_timer_cb(&ssl, &timer, mbedtls_timing_set_delay, mbedtls_timing_get_delay);
  if ((ret = mbedtls_net_connect(&fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_UDP)) != 0) return fail("connect", ret);
  mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, mbedtls_net_recv, mbedtls_net_recv_timeout);
  do ret = mbedtls_ssl_handshake(&ssl);
  while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
  if (ret != 0) return fail("handshake", ret);
  printf("HANDSHAKE OK %s\n", mbedtls_ssl_get_ciphersuite(&ssl));
  fflush(stdout);
  do ret = mbedtls_ssl_write(&ssl, (const unsigned char *)hello, strlen(hello));
  while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
  if (ret < 0) return fail("write", ret);
  do ret = mbedtls_ssl_read(&ssl, buf, sizeof buf - 1);
  while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
  if (ret < 0) return fail("read", ret);
  buf[ret] = 0;
  printf("RECV %s\n", (char *)buf);
  fflush(stdout);
  mbedtls_ssl_close_notify(&ssl);
  return 0;
}

int main(int argc, char **argv) {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_config conf;
  int ret;

  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  mbedtls_ssl_config_init(&conf);
  if ((ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)"dtls_peer", 9)) != 0)
    return fail("seed", ret);
  if (argc == 4 && strcmp(argv[1], "server") == 0) return run_server(argv[2], argv[3], &conf, &drbg);
  if (argc == 5 && strcmp(argv[1], "client") == 0) return run_client(argv[2], argv[3], argv[4], &conf, &drbg);
  fprintf(stderr, "usage: dtls_peer server CERT KEY | dtls_peer client PORT CA HOSTNAME\n");
  return 2;
}
