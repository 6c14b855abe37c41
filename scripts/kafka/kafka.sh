#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) for Tributary's tests.
#   bash scripts/kafka/kafka.sh start|stop|status|restart|logs
# Jars come from Maven Central via mvn (pom.xml beside this file) and are cached outside the repo.
# See README.md in this folder for the environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_HOME="${TRIBUTARY_KAFKA_HOME:-${HOME:-/root}/.cache/tributary-kafka}"
PORT="${TRIBUTARY_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${TRIBUTARY_KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
# a second listener with SASL (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; user tributary / tributary-pass) so SASL is tested live
SASL_PORT="${TRIBUTARY_KAFKA_SASL_PORT:-$((PORT + 2))}"
SASL_USER="${TRIBUTARY_KAFKA_SASL_USER:-tributary}"
# and a TLS listener with a certificate made at each start (CA in $RUN_DIR/tls/ca.pem) so SSL is tested live
SSL_PORT="${TRIBUTARY_KAFKA_SSL_PORT:-$((PORT + 3))}"
# and a TLS listener that requires a client certificate signed by that CA ($RUN_DIR/tls/client.pem, client.key)
MTLS_PORT="${TRIBUTARY_KAFKA_MTLS_PORT:-$((PORT + 4))}"
SASL_SECRET="${TRIBUTARY_KAFKA_SASL_PASSWORD:-tributary-pass}"
RUN_DIR="${TRIBUTARY_KAFKA_RUN_DIR:-$KAFKA_HOME/run-$PORT}"
START_TIMEOUT="${TRIBUTARY_KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${TRIBUTARY_KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${TRIBUTARY_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
NODE_BIN="${NODE:-node}"
JAVA_BIN="${JAVA:-java}"

PID_FILE="$RUN_DIR/kafka.pid"
LOG_FILE="$RUN_DIR/kafka.log"
CONFIG_FILE="$RUN_DIR/server.properties"
DATA_DIR="$RUN_DIR/data"
BROKER="127.0.0.1:$PORT"

say() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: ERROR: %s\n' "$*" >&2; exit 1; }

# The jar set depends only on pom.xml, so key the cache on its hash: editing the pom
# (e.g. a version bump) fetches a fresh set, an unchanged pom reuses the cached one.
libs_dir() {
  local hash
  hash="$(sha256sum "$SCRIPT_DIR/pom.xml" | cut -c1-12)"
  printf '%s/libs-%s' "$KAFKA_HOME" "$hash"
}

fetch_jars() {
  LIBS="$(libs_dir)"
  if [[ -f "$LIBS/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars from Maven Central)"
  say "fetching Kafka jars with mvn into $LIBS (first run only)"
  rm -rf "$LIBS.tmp"
  mkdir -p "$LIBS.tmp"
  if ! mvn -q -B -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp" >"$KAFKA_HOME/mvn.log" 2>&1; then
    tail -n 30 "$KAFKA_HOME/mvn.log" >&2
    die "mvn could not fetch the Kafka jars (full log: $KAFKA_HOME/mvn.log)"
  fi
  ls "$LIBS.tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "mvn finished but kafka_2.13 jar is missing in $LIBS.tmp"
  touch "$LIBS.tmp/.complete"
  rm -rf "$LIBS"
  mv "$LIBS.tmp" "$LIBS"
}

# Prints the broker pid when the pid file names a live JVM that is *our* broker
# (pid reuse after a crash must not make us signal an unrelated process).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmd" == *kafka.Kafka* && "$cmd" == *"$CONFIG_FILE"* ]] || return 1
  printf '%s' "$pid"
}

answers() {
  "$NODE_BIN" "$SCRIPT_DIR/ready.mjs" "$BROKER" 2>>"$RUN_DIR/ready.err"
}

port_busy() {
  # bash's /dev/tcp: succeeds when something accepts connections on the port.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A throwaway CA and a server certificate for 127.0.0.1, made at each start (openssl).
make_tls() {
  local dir="$RUN_DIR/tls"
  rm -rf "$dir" && mkdir -p "$dir"
  command -v openssl >/dev/null || die "openssl not found (the test broker's TLS listener needs it)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tributary-test-ca" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1 || die "could not make the test CA"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key.raw" -out "$dir/server.csr" >/dev/null 2>&1 \
    || die "could not make the broker key"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/san.ext" -out "$dir/server.pem" >/dev/null 2>&1 || die "could not sign the broker certificate"
  openssl pkcs8 -topk8 -nocrypt -in "$dir/server.key.raw" -out "$dir/server.key" >/dev/null 2>&1 || die "could not convert the broker key"
  cat "$dir/server.key" "$dir/server.pem" >"$dir/server-keystore.pem"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=tributary-test-client" -keyout "$dir/client.key" -out "$dir/client.csr" >/dev/null 2>&1 \
    || die "could not make the client key"
  openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -out "$dir/client.pem" >/dev/null 2>&1 || die "could not sign the client certificate"
}

write_config() {
  cat >"$CONFIG_FILE" <<EOF
# Generated by scripts/kafka/kafka.sh on each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,SSL://127.0.0.1:$SSL_PORT,MTLS://127.0.0.1:$MTLS_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,SSL://127.0.0.1:$SSL_PORT,MTLS://127.0.0.1:$MTLS_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,MTLS:SSL
ssl.keystore.type=PEM
ssl.keystore.location=$RUN_DIR/tls/server-keystore.pem
listener.name.mtls.ssl.keystore.type=PEM
listener.name.mtls.ssl.keystore.location=$RUN_DIR/tls/server-keystore.pem
listener.name.mtls.ssl.truststore.type=PEM
listener.name.mtls.ssl.truststore.location=$RUN_DIR/tls/ca.pem
listener.name.mtls.ssl.client.auth=required
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$SASL_USER" password="$SASL_SECRET" user_$SASL_USER="$SASL_SECRET";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
log.dirs=$DATA_DIR

# Single node: every internal topic has one replica.
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
delete.topic.enable=true

# Tests join groups constantly: do not wait 3 s for more members.
group.initial.rebalance.delay.ms=0
EOF
}

print_log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    printf -- '--- last lines of %s ---\n' "$LOG_FILE" >&2
    tail -n 40 "$LOG_FILE" >&2
  fi
  if [[ -s "$RUN_DIR/ready.err" ]]; then
    printf -- '--- last readiness probe errors ---\n' >&2
    tail -n 5 "$RUN_DIR/ready.err" >&2
  fi
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  : >"$RUN_DIR/ready.err"
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      print_log_tail
      rm -f "$PID_FILE"
      die "broker JVM (pid $pid) exited during startup"
    fi
    if port_busy "$PORT" && answers; then return 0; fi
    sleep 1
  done
  print_log_tail
  die "broker did not answer on $BROKER within ${START_TIMEOUT}s (still running as pid $pid; 'kafka.sh stop' to kill it)"
}

cmd_start() {
  mkdir -p "$KAFKA_HOME" "$RUN_DIR"
  command -v "$NODE_BIN" >/dev/null || die "node not found (used for the readiness probe)"
  local pid
  if pid="$(running_pid)"; then
    if port_busy "$PORT" && answers; then
      say "already running (pid $pid) and answering on $BROKER"
      return 0
    fi
    say "broker process $pid exists but does not answer yet; waiting"
    wait_ready "$pid"
    say "running (pid $pid) on $BROKER"
    return 0
  fi
  if port_busy "$PORT"; then die "port $PORT is in use by another process (not this script's broker); set TRIBUTARY_KAFKA_PORT"; fi
  if port_busy "$CONTROLLER_PORT"; then die "controller port $CONTROLLER_PORT is in use; set TRIBUTARY_KAFKA_CONTROLLER_PORT"; fi
  command -v "$JAVA_BIN" >/dev/null || die "java not found (Java 17+ is needed)"

  fetch_jars
  local cp="$LIBS/*"

  make_tls
  write_config
  # Fresh data per start: tests create their own topics, and a stale KRaft log would
  # carry a different cluster id than the one we format with.
  rm -rf "$DATA_DIR"
  local cluster_id
  cluster_id="$("$JAVA_BIN" -cp "$cp" kafka.tools.StorageTool random-uuid)"
  if ! "$JAVA_BIN" -Xmx256m -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2.properties" -cp "$cp" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG_FILE" \
        --add-scram "SCRAM-SHA-256=[name=$SASL_USER,password=$SASL_SECRET]" \
        --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_SECRET]" >"$RUN_DIR/format.log" 2>&1; then
    cat "$RUN_DIR/format.log" >&2
    die "formatting the KRaft log dir failed"
  fi

  : >"$LOG_FILE"
  # setsid: own session, so the broker outlives the shell (or CI step) that started it.
  # The inner bash records its own pid and execs java, so the pid file holds the JVM's pid.
  # shellcheck disable=SC2086
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    "$JAVA_BIN" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2.properties" \
    -cp "$cp" kafka.Kafka "$CONFIG_FILE" \
    </dev/null >>"$LOG_FILE" 2>&1 &
  local i
  for i in $(seq 1 50); do
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ -n "$pid" ]] && break
    sleep 0.1
  done
  [[ -n "$pid" ]] || die "broker did not start (no pid written)"
  say "started broker pid $pid, waiting for it to answer on $BROKER (log: $LOG_FILE)"
  wait_ready "$pid"
  say "running (pid $pid) on $BROKER"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if port_busy "$PORT" && answers; then
      say "running (pid $pid) and answering on $BROKER"
    else
      say "running (pid $pid) but not answering on $BROKER"
    fi
    return 0
  fi
  say "not running"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  logs) tail -n "${2:-100}" "$LOG_FILE" ;;
  *)
    echo "usage: $0 start|stop|restart|status|logs [lines]" >&2
    exit 2
    ;;
esac
