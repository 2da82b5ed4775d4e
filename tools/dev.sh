#!/usr/bin/env bash
# The README's two commands. Each provisions Node 24 and pnpm when missing, installs, then:
#   bash tools/dev.sh demo   runs the demo
#   bash tools/dev.sh test   runs every test suite (what CI runs after its checks)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/env.sh
source tools/env.sh
if [ -n "${SSOKIT_TOOLCHAIN_PROVISIONED:-}" ]; then
  echo "ssokit: this Node and pnpm are on PATH for this command only; for the other pnpm commands of the docs, run \`source tools/env.sh\` in your shell first" >&2
fi
bash tools/services.sh
[ "${1:-}" = "test" ] && bash tools/browser.sh
if [ "${CI:-}" = "true" ] || [ ! -d node_modules/.pnpm ]; then
  pnpm install --frozen-lockfile
else
  pnpm install --frozen-lockfile --prefer-offline >/dev/null
fi
case "${1:-}" in
  demo) exec pnpm demo ;;
  test) exec pnpm test ;;
  *) echo "usage: bash tools/dev.sh demo|test" >&2; exit 2 ;;
esac
