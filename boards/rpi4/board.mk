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
# No -dtb: Bulkhead reads no device tree at run time (bhcfg compiled the
# board in), and given the Pi's tree QEMU warns about each device it lacks.
# make test: the QEMU scenarios this board runs (tests/qemu, by test name)
# and the images they boot (CONFIG[+SELFTEST]). Not here: scenarios built
# around QEMU virt's PL031 RTC or second PL011 (the Pi has neither), the
# PMU's (its overflow interrupts are SPIs: none for cells), and the
# Cortex-A53/PA-size ones.
BOARD_TESTS := test_boots_all_cpus_and_powers_off \
	test_two_cells_run_concurrently_and_both_finish \
	test_isolation_inject_aborts_in_own_vector_and_neighbour_intact \
	test_isolation_stop_stops_only_the_offender_with_a_dump \
	test_system_reset_restarts_only_its_cell_and_system_off_stops_only_it \
	test_smp_cell_cpu_on_own_vcpu_and_refusal_of_others \
	test_unknown_calls_and_garbage_arguments_return_errors \
	test_restart_policy_pulls_spinning_vcpu_out_and_restarts_cell \
	test_stop_policy_on_smp_cell_powers_off_when_the_rest_is_done \
	test_console_tagged_whole_lines_input_focus_and_no_starvation \
	test_debug_breakpoints_watchpoints_step_in_cell \
	test_compute_loop_takes_no_guest_exits \
	test_linux_boots_runs_commands_and_powers_off_its_cell_only
BOARD_TEST_IMAGES := bare two-cells test-isolation-inject test-isolation-stop test-reset \
	test-smp test-psci test-restart test-stop-smp test-console test-debug test-linux-rtos
