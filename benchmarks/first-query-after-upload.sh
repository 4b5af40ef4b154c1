#!/usr/bin/env bash
# The first join query after an upload, through the real server: starts the packaged demo server
# (the deployment's JVM flags, docs/PERFORMANCE.md), uploads the demo's customers and impressions
# at the given scale as CSV over HTTP, waits for the warm-up (the server's log says when the version
# is loaded and its join prepared), and asks a join query with a
# different filter each time (so none is answered from the cache); then uploads both again, twice,
# asking four queries after each; then restarts the server and asks five queries as soon as it is
# ready. Prints each upload's and each query's HTTP status and seconds.
#
# Usage (from the repository's root, after ./mvnw -q -DskipTests package and the benchmarks'
# classpath in /tmp/bench.cp, see docs/PERFORMANCE.md):
#   benchmarks/first-query-after-upload.sh [customers] [impressions] [heap]
set -euo pipefail
CUSTOMERS=${1:-1000000}
IMPRESSIONS=${2:-5000000}
HEAP=${3:-8g}
ROOT=$(pwd)
APP=${APP:-$ROOT/cleanroom-server/target/quarkus-app}
PORT=${PORT:-8080}
WORK=$(mktemp -d /tmp/first-query-XXXXXX)
java -cp "$ROOT/benchmarks/target/classes:$(cat /tmp/bench.cp)" \
  dev.cleanroom.benchmarks.DemoCsvFiles "$CUSTOMERS" "$IMPRESSIONS" "$WORK/csv"
cd "$WORK"
# Starts the server on the data directory of the run, logging to server.log, and waits until ready.
start() {
  java -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages \
    -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=45 \
    --add-opens=java.base/java.nio=ALL-UNNAMED -Dquarkus.profile=demo -Dquarkus.http.port="$PORT" \
    -Dcleanroom.query.max-memory-bytes=6442450944 -Dcleanroom.query.loaded-cache-bytes=4294967296 \
    ${EXTRA_JVM_FLAGS:-} -jar "$APP/quarkus-run.jar" > server.log 2>&1 &
  SERVER=$!
  for _ in $(seq 1 180); do
    curl -sf http://127.0.0.1:9000/q/health/ready > /dev/null 2>&1 && break
    sleep 1
  done
}
start
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$WORK/csv" "$WORK/data"; echo "server log: $WORK/server.log"' EXIT
sleep 5
ROOM=http://localhost:$PORT/api/v1/collaborations/demo
timed() { curl -s -o "$WORK/answer.json" -w "%{http_code} %{time_total} s" "$@"; }
count() { grep -c "$1" server.log || true; }
# Waits until the warm-up has loaded the version just uploaded and prepared its join with the other
# table (both are logged), so that a query never waits for it; at most ten minutes.
warmed() {
  local versions=$1 joins=$2
  for _ in $(seq 1 600); do
    if [ "$(count event=dataset_version_warmed)" -gt "$versions" ] \
      && [ "$(count event=dataset_join_prepared)" -gt "$joins" ]; then
      return
    fi
    sleep 1
  done
  echo "warning: the warm-up did not finish within ten minutes"
}
upload() {
  local versions joins
  versions=$(count event=dataset_version_warmed)
  joins=$(count event=dataset_join_prepared)
  echo "upload customers: $(timed -X PUT -H 'Authorization: Bearer demo-retailer-key' \
    -H 'Content-Type: text/csv' --data-binary @csv/customers.csv "$ROOM/datasets/customers/data")"
  warmed "$versions" "$joins"
  versions=$(count event=dataset_version_warmed)
  joins=$(count event=dataset_join_prepared)
  echo "upload impressions: $(timed -X PUT -H 'Authorization: Bearer demo-advertiser-key' \
    -H 'Content-Type: text/csv' --data-binary @csv/impressions.csv \
    "$ROOM/datasets/impressions/data")"
  warmed "$versions" "$joins"
  sleep 2
}
ask() {
  for campaign in "$@"; do
    local sql="SELECT c.age_band, i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach,"
    sql+=" SUM(i.cost) AS spend FROM advertiser.impressions i JOIN retailer.customers c"
    sql+=" ON i.email_hash = c.email_hash WHERE i.campaign_id <> '$campaign'"
    sql+=" GROUP BY c.age_band, i.campaign_id"
    echo "query: $(timed -X POST -H 'Authorization: Bearer demo-advertiser-key' \
      -H 'Content-Type: application/json' -d "{\"sql\": \"$sql\"}" "$ROOM/queries")"
  done
}
echo "-- after the server's start"
upload
ask x1 x2 x3 x4 x5
for round in 2 3; do
  echo "-- upload $round"
  upload
  ask "y${round}1" "y${round}2" "y${round}3" "y${round}4"
done
grep -o 'event=dataset_[a-z_]* .*' server.log || true
# A restart (SIGTERM, as an operator stops it): the first query is asked as soon as the server is
# ready, while the start's warm-up loads the current versions (their kept string encodings read
# back), then four more.
kill $SERVER
wait $SERVER 2>/dev/null || true
mv server.log server-before-restart.log
echo "-- after a restart"
start
ask z1 z2 z3 z4 z5
grep -o 'event=dataset_[a-z_]* .*' server.log || true
