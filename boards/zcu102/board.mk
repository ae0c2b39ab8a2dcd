# SPDX-License-Identifier: Apache-2.0
# Xilinx ZCU102 (ZynqMP) on QEMU's model of it: 4 Cortex-A53 (the APU; -smp 4
# keeps the Cortex-R5Fs out), GIC-400 with virtualization extensions, the two
# Cadence UARTs, 4 GiB DDR (2 GiB at 0, 2 GiB at 0x800000000) as on the board.
# secure=off: no EL3, so QEMU starts the image at EL2 and answers PSCI calls
# (SMC) itself, as TF-A's BL31 does on the board. hw.dts is Linux's tree for
# the real board, not QEMU's (the model has no tree of its own): README.md
# lists what the model lacks.
# (regenerate hw.dts with: tools/dump-board-dts.sh zcu102 > boards/zcu102/hw.dts)
HW_DTB       := xilinx/zynqmp-zcu102-rev1.0.dtb
# audiodev: the model's DisplayPort wants an audio backend; give it none.
QEMU_MACHINE := xlnx-zcu102,virtualization=on,secure=off,audiodev=snd0
QEMU_CPU     := cortex-a53
QEMU_SMP     := 4
QEMU_MEM     := 4G
QEMU_SERIALS := 2
QEMU_OPTS    := -audiodev none,id=snd0
# Hand QEMU the board's tree (build/<board>/<config>/board.dtb) as -dtb, as
# U-Boot would: without one QEMU takes the Image for a 32-bit ATAGS kernel and
# refuses 4 GiB. Bulkhead reads none.
QEMU_DTB     := board
# The ZynqMP's Cortex-A53s (r0p4) have errata 835769 and 843419, which
# compiler and linker work around (as Linux is built for them).
BOARD_CFLAGS  := -mfix-cortex-a53-835769
BOARD_LDFLAGS := --fix-cortex-a53-843419
# make test: the QEMU scenarios this board runs (tests/qemu, by test name)
# and the images they boot (CONFIG[+SELFTEST]). Not here: the interrupt and
# fidelity payloads (they use QEMU virt's PL031 RTC, SPI 34), the PMU
# overflow scenario (ZynqMP wires PMU interrupts to SPIs: cells get none),
# passthrough UART1 (its clocks are the platform firmware's); README.md.
BOARD_TESTS := test_boots_all_cpus_and_powers_off \
	test_missing_cpus_are_reported_not_fatal \
	test_two_cells_run_concurrently_and_both_finish \
	test_isolation_inject_aborts_in_own_vector_and_neighbour_intact \
	test_isolation_stop_stops_only_the_offender_with_a_dump \
	test_smp_cell_cpu_on_own_vcpu_and_refusal_of_others \
	test_system_reset_restarts_only_its_cell_and_system_off_stops_only_it \
	test_restart_policy_pulls_spinning_vcpu_out_and_restarts_cell \
	test_stop_policy_on_smp_cell_powers_off_when_the_rest_is_done \
	test_unknown_calls_and_garbage_arguments_return_errors \
	test_compute_loop_takes_no_guest_exits \
	test_debug_breakpoints_watchpoints_step_in_cell \
	test_linux_boots_runs_commands_and_powers_off_its_cell_only
BOARD_TEST_IMAGES := bare two-cells test-isolation-inject test-isolation-stop test-smp \
	test-reset test-restart test-stop-smp test-psci test-debug test-linux-rtos
