#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes the FIT image source for a Bulkhead build: the image (an arm64
# Image, loaded and entered at its link address) and the board's device tree
# (what U-Boot hands over in x0; Bulkhead itself needs none), each with a
# SHA-256 hash U-Boot checks before booting.
#   tools/fit/mkits.sh <bulkhead.bin> <board.dtb> <load address> <board name>
set -euo pipefail
bin=$1 dtb=$2 load=$3 board=$4
cat <<ITS
/dts-v1/;

/ {
	description = "Bulkhead for ${board}";
	#address-cells = <1>;

	images {
		bulkhead {
			description = "Bulkhead hypervisor with its cells";
			data = /incbin/("${bin}");
			type = "kernel";
			arch = "arm64";
			os = "linux";
			compression = "none";
			load = <${load}>;
			entry = <${load}>;
			hash-1 {
				algo = "sha256";
			};
		};
		fdt-board {
			description = "${board} hardware description";
			data = /incbin/("${dtb}");
			type = "flat_dt";
			arch = "arm64";
			compression = "none";
			hash-1 {
				algo = "sha256";
			};
		};
	};

	configurations {
		default = "conf-1";
		conf-1 {
			description = "Bulkhead on ${board}";
			kernel = "bulkhead";
			fdt = "fdt-board";
		};
	};
};
ITS
