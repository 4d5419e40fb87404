#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so code that
# keeps secrets in the Secret Service works headless (tests, CI).
#   scripts/with-keyring.sh cargo test -p patchdesk-secrets
# Needs the Debian packages dbus (dbus-run-session, dbus-send) and gnome-keyring.
# Exits with the command's status. The keyring lives in a temporary folder deleted afterwards.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
if [ "${PATCHDESK_KEYRING_INNER:-}" != "1" ]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$0: $tool not found; install the Debian packages dbus and gnome-keyring" >&2
      exit 127
    fi
  done
  export PATCHDESK_KEYRING_INNER=1
  exec dbus-run-session -- "$0" "$@"
fi

# Inside the private session bus.
unset PATCHDESK_KEYRING_INNER
keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/patchdesk-keyring.XXXXXX")"
daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$keyring_home"
}
trap cleanup EXIT
mkdir -m 700 "$keyring_home/data" "$keyring_home/run"
export XDG_DATA_HOME="$keyring_home/data"
export XDG_RUNTIME_DIR="$keyring_home/run"
export NO_AT_BRIDGE=1
# A fresh login keyring, unlocked with a throwaway password; only the secrets component.
# Kept in the foreground (as our child) so it is stopped when the command ends.
printf '%s' "patchdesk-test" |
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$keyring_home/daemon.log" 2>&1 &
daemon_pid=$!
ready=0
for _ in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
    ready=1
    break
  fi
  if ! kill -0 "$daemon_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  echo "$0: gnome-keyring-daemon did not start:" >&2
  cat "$keyring_home/daemon.log" >&2
  exit 1
fi
status=0
"$@" || status=$?
exit "$status"
