/*
 * Local Kafka-protocol broker for development and tests.
 *
 * Wraps librdkafka's mock cluster (rdkafka_mock.h): a real Kafka wire-protocol cluster on
 * loopback, with produce, fetch, consumer groups and committed offsets. Apache Kafka itself
 * cannot be installed on the development machines, so this is what services and tests talk to.
 *
 * Usage:
 *   kafka-mock [--brokers N] [--topic NAME:PARTITIONS]... [--state-dir DIR] [--control-port P]
 *
 * It writes DIR/bootstraps (the bootstrap list), DIR/control (host:port of the control port)
 * and DIR/pid, then runs until SIGTERM/SIGINT. The control port takes one command per line and
 * answers "OK ..." or "ERR reason":
 *   ping
 *   topic-create NAME PARTITIONS
 *   broker-down BROKER_ID | broker-up BROKER_ID
 *   broker-rtt BROKER_ID MILLISECONDS
 *   push-errors API_KEY ERROR_CODE [ERROR_CODE...]   (next requests of that API fail in order;
 *                                                     0 lets one through)
 *   clear-errors API_KEY
 *   bootstraps
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_CLIENTS 32
#define LINE_MAX_LEN 1024

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static int write_file(const char *dir, const char *name, const char *content) {
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fprintf(f, "%s\n", content);
    if (fclose(f) != 0) return -1;
    return rename(tmp, path); /* readers never see a half-written file */
}

static void remove_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

/* Parses a whole-string decimal integer within [min, max]; 0 on success. */
static int parse_int(const char *text, long min, long max, long *out) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int create_topic(rd_kafka_mock_cluster_t *mc, const char *spec, char *err, size_t errlen) {
    char name[512];
    int partitions = 1;
    const char *colon = strrchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len == 0 || len >= sizeof name) {
        snprintf(err, errlen, "topic name must be 1-%zu characters", sizeof name - 1);
        return -1;
    }
    memcpy(name, spec, len);
    name[len] = '\0';
    long p = 1;
    if (colon && parse_int(colon + 1, 1, 1000, &p)) {
        snprintf(err, errlen, "partitions must be 1-1000, got '%s'", colon + 1);
        return -1;
    }
    partitions = (int)p;
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, name, partitions, 1);
    if (e) {
        snprintf(err, errlen, "%s", rd_kafka_err2str(e));
        return -1;
    }
    return 0;
}

/* Executes one control command; writes the answer (without newline) into out. */
static void handle_command(rd_kafka_mock_cluster_t *mc, char *line, char *out, size_t outlen) {
    char *argv[64];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok && argc < 64; tok = strtok(NULL, " \t\r\n"))
        argv[argc++] = tok;
    if (argc == 0) {
        snprintf(out, outlen, "ERR empty command");
        return;
    }
    const char *cmd = argv[0];
    char err[512];
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;

    if (!strcmp(cmd, "ping")) {
        snprintf(out, outlen, "OK pong");
    } else if (!strcmp(cmd, "bootstraps")) {
        snprintf(out, outlen, "OK %s", rd_kafka_mock_cluster_bootstraps(mc));
    } else if (!strcmp(cmd, "topic-create") && argc == 3) {
        char spec[600];
        snprintf(spec, sizeof spec, "%s:%s", argv[1], argv[2]);
        if (create_topic(mc, spec, err, sizeof err)) snprintf(out, outlen, "ERR %s", err);
        else snprintf(out, outlen, "OK");
    } else if ((!strcmp(cmd, "broker-down") || !strcmp(cmd, "broker-up")) && argc == 2) {
        long id;
        if (parse_int(argv[1], 0, INT32_MAX, &id)) {
            snprintf(out, outlen, "ERR broker id must be an integer, got '%s'", argv[1]);
            return;
        }
        e = !strcmp(cmd, "broker-down") ? rd_kafka_mock_broker_set_down(mc, (int32_t)id)
                                        : rd_kafka_mock_broker_set_up(mc, (int32_t)id);
        snprintf(out, outlen, e ? "ERR %s" : "OK", rd_kafka_err2str(e));
    } else if (!strcmp(cmd, "broker-rtt") && argc == 3) {
        long id, ms;
        if (parse_int(argv[1], 0, INT32_MAX, &id) || parse_int(argv[2], 0, 3600000, &ms)) {
            snprintf(out, outlen, "ERR usage: broker-rtt BROKER_ID MILLISECONDS (0-3600000)");
            return;
        }
        e = rd_kafka_mock_broker_set_rtt(mc, (int32_t)id, (int)ms);
        snprintf(out, outlen, e ? "ERR %s" : "OK", rd_kafka_err2str(e));
    } else if (!strcmp(cmd, "push-errors") && argc >= 3) {
        long api, code;
        size_t cnt = (size_t)(argc - 2);
        rd_kafka_resp_err_t errors[62];
        if (parse_int(argv[1], 0, INT16_MAX, &api)) {
            snprintf(out, outlen, "ERR API key must be an integer 0-32767, got '%s'", argv[1]);
            return;
        }
        for (size_t i = 0; i < cnt; i++) {
            /* 0 is allowed: it lets one request through between failures. */
            if (parse_int(argv[2 + i], -1, INT16_MAX, &code)) {
                snprintf(out, outlen, "ERR error code must be an integer -1..32767, got '%s'", argv[2 + i]);
                return;
            }
            errors[i] = (rd_kafka_resp_err_t)code;
        }
        rd_kafka_mock_push_request_errors_array(mc, (int16_t)api, cnt, errors);
        snprintf(out, outlen, "OK");
    } else if (!strcmp(cmd, "clear-errors") && argc == 2) {
        long api;
        if (parse_int(argv[1], 0, INT16_MAX, &api)) {
            snprintf(out, outlen, "ERR API key must be an integer 0-32767, got '%s'", argv[1]);
            return;
        }
        rd_kafka_mock_clear_request_errors(mc, (int16_t)api);
        snprintf(out, outlen, "OK");
    } else {
        snprintf(out, outlen, "ERR unknown command or wrong arguments: %s", cmd);
    }
}

static int open_control_socket(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)*port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, 16)) {
        close(fd);
        return -1;
    }
    socklen_t alen = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &alen);
    *port = ntohs(addr.sin_port);
    return fd;
}

int main(int argc, char **argv) {
    int brokers = 3, control_port = 0;
    const char *state_dir = ".";
    const char *topics[256];
    int ntopics = 0;

    for (int i = 1; i < argc; i++) {
        long v;
        if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
            if (parse_int(argv[++i], 1, 9, &v)) {
                fprintf(stderr, "kafka-mock: --brokers must be 1-9\n");
                return 2;
            }
            brokers = (int)v;
        } else if (!strcmp(argv[i], "--topic") && i + 1 < argc && ntopics < 256) topics[ntopics++] = argv[++i];
        else if (!strcmp(argv[i], "--state-dir") && i + 1 < argc) state_dir = argv[++i];
        else if (!strcmp(argv[i], "--control-port") && i + 1 < argc) {
            if (parse_int(argv[++i], 0, 65535, &v)) {
                fprintf(stderr, "kafka-mock: --control-port must be 0-65535\n");
                return 2;
            }
            control_port = (int)v;
        } else {
            fprintf(stderr, "kafka-mock: unknown or incomplete argument '%s'\n", argv[i]);
            return 2;
        }
    }

    /* Before anything that leaves state behind: a SIGTERM during start-up still cleans up. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* The mock cluster needs an owning client handle; it never sends anything itself. */
    rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "kafka-mock: cannot create client handle: %s\n", errstr);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
    if (!mc) {
        fprintf(stderr, "kafka-mock: cannot start the mock cluster\n");
        return 1;
    }
    for (int i = 0; i < ntopics; i++) {
        if (create_topic(mc, topics[i], errstr, sizeof errstr)) {
            fprintf(stderr, "kafka-mock: topic '%s': %s\n", topics[i], errstr);
            return 2;
        }
    }

    int lfd = open_control_socket(&control_port);
    if (lfd < 0) {
        fprintf(stderr, "kafka-mock: cannot open control port: %s\n", strerror(errno));
        return 1;
    }

    const char *bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
    char buf[256];
    snprintf(buf, sizeof buf, "127.0.0.1:%d", control_port);
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    if (write_file(state_dir, "control", buf) || write_file(state_dir, "pid", pid) ||
        write_file(state_dir, "bootstraps", bootstraps)) { /* bootstraps last: it means "ready" */
        fprintf(stderr, "kafka-mock: cannot write state files in %s: %s\n", state_dir, strerror(errno));
        return 1;
    }
    printf("kafka-mock: %d brokers at %s, control at %s, %d topics\n", brokers, bootstraps, buf, ntopics);
    fflush(stdout);

    struct pollfd fds[MAX_CLIENTS + 1];
    char pending[MAX_CLIENTS + 1][LINE_MAX_LEN];
    size_t plen[MAX_CLIENTS + 1];
    int nfds = 1;
    fds[0].fd = lfd;
    fds[0].events = POLLIN;

    while (!stop_requested) {
        int n = poll(fds, (nfds_t)nfds, 500);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents & POLLIN) {
            int cfd = accept(lfd, NULL, NULL);
            if (cfd >= 0 && nfds <= MAX_CLIENTS) {
                fds[nfds].fd = cfd;
                fds[nfds].events = POLLIN;
                plen[nfds] = 0;
                nfds++;
            } else if (cfd >= 0) {
                close(cfd);
            }
        }
        for (int i = 1; i < nfds; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = read(fds[i].fd, pending[i] + plen[i], LINE_MAX_LEN - 1 - plen[i]);
            if (r <= 0) {
                close(fds[i].fd);
                fds[i] = fds[nfds - 1];
                memcpy(pending[i], pending[nfds - 1], plen[nfds - 1]);
                plen[i] = plen[nfds - 1];
                nfds--;
                i--;
                continue;
            }
            plen[i] += (size_t)r;
            char *nl;
            while ((nl = memchr(pending[i], '\n', plen[i])) != NULL) {
                *nl = '\0';
                char out[1024], command[LINE_MAX_LEN];
                snprintf(command, sizeof command, "%s", pending[i]);
                handle_command(mc, pending[i], out, sizeof out);
                /* Faults injected by tests show in the log next to what they caused. */
                if (strncmp(command, "ping", 4) && strncmp(command, "bootstraps", 10)) {
                    printf("control: %s -> %s\n", command, out);
                    fflush(stdout);
                }
                size_t olen = strlen(out);
                out[olen++] = '\n';
                if (write(fds[i].fd, out, olen) < 0) { /* client gone: dropped on next read */ }
                size_t consumed = (size_t)(nl - pending[i]) + 1;
                memmove(pending[i], nl + 1, plen[i] - consumed);
                plen[i] -= consumed;
            }
            if (plen[i] >= LINE_MAX_LEN - 1) plen[i] = 0; /* overlong line: discard */
        }
    }

    for (int i = 0; i < nfds; i++) close(fds[i].fd);
    remove_file(state_dir, "bootstraps");
    remove_file(state_dir, "control");
    remove_file(state_dir, "pid");
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
