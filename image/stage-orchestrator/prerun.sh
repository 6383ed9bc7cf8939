#!/bin/bash -e
# pi-gen runs this first in the stage: start from stage2's (Lite) root filesystem.
if [ ! -d "${ROOTFS_DIR}" ]; then
  copy_previous
fi
