#!/bin/sh
# Installs the system packages vigil's tests and bundled script agents need,
# when they are missing. Needs root (or sudo) only when something is missing.
set -e
need=""
command -v dash  >/dev/null 2>&1 || need="$need dash"
command -v bash  >/dev/null 2>&1 || need="$need bash"
command -v perl  >/dev/null 2>&1 || need="$need perl"
command -v pgrep >/dev/null 2>&1 || need="$need procps"
command -v setsid >/dev/null 2>&1 || need="$need util-linux"
command -v mount >/dev/null 2>&1 || need="$need mount"
# systemd-analyze verifies the installed unit (test/install_test.go).
command -v systemd-analyze >/dev/null 2>&1 || need="$need systemd"
# ip (network namespaces, veth, bridge) builds the cluster test bed (test/cluster).
command -v ip >/dev/null 2>&1 || need="$need iproute2"
# etcd (Debian's etcd-server) is the external cluster the cluster package's
# tests also run against; they skip with the reason when it is missing.
command -v etcd >/dev/null 2>&1 || need="$need etcd-server"
[ -z "$need" ] && exit 0
echo "deps: installing$need"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need
