# SPDX-License-Identifier: Apache-2.0
# Raspberry Pi 4 Model B (BCM2711: 4 Cortex-A72, GIC-400, PL011), 2 GB, and
# QEMU's model of it, raspi4b (boards/rpi4/README.md: what the model lacks).
# hw.dts is the board's own tree as Linux ships it
# (regenerate with: tools/dump-board-dts.sh rpi4 > boards/rpi4/hw.dts).
HW_DTB       := broadcom/bcm2711-rpi-4-b.dtb
QEMU_MACHINE := raspi4b
QEMU_CPU     := cortex-a72
QEMU_SMP     := 4
# The model is the 2 GB board (revision 0xb03115) and accepts no other size.
QEMU_MEM     := 2G
# serial0: the PL011 (uart0, Bulkhead's console); serial1: the mini UART.
QEMU_SERIALS := 2
# Hand QEMU the board's tree (build/<board>/<config>/board.dtb) as -dtb, as
# the Pi's firmware hands its tree over; Bulkhead itself reads none.
QEMU_DTB     := board
# make test: the QEMU scenarios this board runs (tests/qemu, by test name)
# and the images they boot (CONFIG[+SELFTEST]).
BOARD_TESTS := test_boots_all_cpus_and_powers_off \
	test_linux_boots_runs_commands_and_powers_off_its_cell_only \
	test_two_cells_run_concurrently_and_both_finish \
	test_isolation_inject_aborts_in_own_vector_and_neighbour_intact \
	test_isolation_stop_stops_only_the_offender_with_a_dump \
	test_system_reset_restarts_only_its_cell_and_system_off_stops_only_it
BOARD_TEST_IMAGES := bare two-cells test-linux-rtos test-isolation-inject test-isolation-stop test-reset
