#!/bin/bash -e
# pi-gen runs this on the build host with ROOTFS_DIR set; on_chroot runs in the image's root.
# Its only job is the same install as on a hand-installed Pi: scripts/install.sh --image.
# shellcheck source=/dev/null
. "$(dirname "$0")/settings"

rm -rf "${ROOTFS_DIR}/tmp/orchestrator-src"
cp -a "$(dirname "$0")/files/orchestrator" "${ROOTFS_DIR}/tmp/orchestrator-src"

# The heredoc is expanded here, so the quotes land around the values in the chroot's command.
# shellcheck disable=SC2016
on_chroot <<CHROOT
/tmp/orchestrator-src/scripts/install.sh --image --source /tmp/orchestrator-src \
  --ssid '${ORCHESTRATOR_SSID}' ${ORCHESTRATOR_PSK:+--psk '${ORCHESTRATOR_PSK}'} --country '${ORCHESTRATOR_COUNTRY}'
CHROOT

rm -rf "${ROOTFS_DIR}/tmp/orchestrator-src"
