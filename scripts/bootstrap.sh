# Sourced by the other scripts: puts Node.js >= 22.19 on PATH and installs the locked dependencies.
# A machine with an older Node gets a private Node 22 from the npm registry (the node-linux-*
# packages carry the official binaries and headers), cached outside the project.

required_major=22
required_minor=19

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  local version major minor
  version=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  major=${version%%.*}
  minor=${version#*.}
  minor=${minor%%.*}
  [ "$major" -gt "$required_major" ] || { [ "$major" -eq "$required_major" ] && [ "$minor" -ge "$required_minor" ]; }
}

install_private_node() {
  local arch dir globalconfig
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "bootstrap: no Node.js package for $(uname -m); install Node.js 22 or newer by hand" >&2; return 1 ;;
  esac
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/nemovideo-bot/node$required_major-linux-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "bootstrap: installing Node.js $required_major into $dir" >&2
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$required_major" >/dev/null) || return 1
    mkdir -p "$dir"
    tar xzf "$tmp"/node-linux-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  # npm's global configuration (registry CA file, proxy) sits beside the system's Node; keep it.
  globalconfig=$(npm config get globalconfig 2>/dev/null) || globalconfig=
  if [ -f "$globalconfig" ]; then export npm_config_globalconfig="$globalconfig"; fi
  export PATH="$dir/bin:$PATH"
  # Native add-ons (sqlite3) must build against this Node's headers, not the system's.
  export npm_config_nodedir="$dir"
}

install_build_tools() {
  command -v make >/dev/null && command -v g++ >/dev/null && command -v python3 >/dev/null && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing build tools for the SQLite add-on" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make g++ python3 >/dev/null
  else
    echo "bootstrap: make, g++ and python3 are needed to build the SQLite add-on" >&2
    return 1
  fi
}

# Programs the tests run for real: ffmpeg (the local render engine) and Debian's redis-server (two
# bot processes sharing one store). Installed when missing and the machine allows (root with
# apt-get). Without redis-server the scale-out tests skip with a message; the engine tests need
# ffmpeg and fail clearly without it.
install_test_tools() {
  local missing=()
  command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing ${missing[*]} for the tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && return 0
  fi
  echo "bootstrap: could not install ${missing[*]}; install them to run every test" >&2
  return 0
}

install_dependencies() {
  # Reinstall only when the lockfile changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    install_build_tools || return 1
    # `npm install` honours the lockfile like `npm ci`, but tolerates optional platform packages that
    # the registry does not serve (Biome's binaries for other systems), which `npm ci` rejects.
    npm install --no-fund --no-audit --loglevel=error || return 1
  fi
}

if ! node_is_recent; then
  install_private_node || return 1
fi
install_dependencies || return 1
