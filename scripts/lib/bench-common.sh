# Shared by scripts/bench-web and scripts/bench-scale (sourced, not run): wrk, the
# register benchmark's store, the release binary, and starting and signing in to
# `wagewatch serve`.

corpus=".bench/corpus-100000-200000"
work="$PWD/.bench/work"
store="$work/register-100000-1000000.sqlite"

# wrk and sqlite3 from Debian's packages, and the register benchmark's store (100,000 projects,
# 1,000,000 items, 12 months of ledgers), made once through Benchmarks' StoreProfile.
bench_prepare() {
  scripts/setup
  if ! command -v wrk >/dev/null || ! command -v sqlite3 >/dev/null; then
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends wrk sqlite3
  fi
  if [ ! -e "$store.done" ]; then
    if [ ! -s "$corpus/posts.txt" ]; then
      mkdir -p "$corpus"
      python3 Benchmarks/tools/corpus.py "$corpus" 100000 200000
    fi
    mkdir -p "$work"
    swift build -c release --package-path Benchmarks --product StoreProfile
    WAGEWATCH_PROFILE=1 WAGEWATCH_PROFILE_WHAT=register WAGEWATCH_BENCH_CORPUS="$PWD/$corpus" \
      WAGEWATCH_BENCH_WORK="$work" Benchmarks/.build/release/StoreProfile
  fi
  swift build -c release --product wagewatch
  bin="$(swift build -c release --product wagewatch --show-bin-path)/wagewatch"
}

# serve_start LOG ARGS...: starts `wagewatch serve ARGS --port 0` in the background,
# logging to LOG; sets $server (its process) and $base (its address).
serve_start() {
  local log="$1"; shift
  "$bin" serve --rules rules --feeds feeds --as-of 2024-12-31 --port 0 "$@" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 300); do grep -q "http://" "$log" && break; sleep 0.2; done
  base="$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)"
}

# login BASE NAME -> the session cookie (password bench-password-1).
login() {
  local jar; jar="$(mktemp)"
  local token
  token="$(curl -s -c "$jar" "$1/login" | grep -o 'name="token" value="[^"]*"' | sed 's/.*value="//;s/"$//')"
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "token=$token" --data-urlencode "name=$2" \
    --data-urlencode "password=bench-password-1" "$1/login"
  awk '$6 == "__Host-ww_session" || $6 == "ww_session" { print $6 "=" $7 }' "$jar"
  rm -f "$jar"
}

# Seconds since START (a `date +%s.%N`).
since() { echo "$(date +%s.%N) - $1" | bc; }
