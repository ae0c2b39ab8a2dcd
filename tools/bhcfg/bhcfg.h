/* SPDX-License-Identifier: Apache-2.0 */
/* bhcfg: Bulkhead's configuration compiler (host tool). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <bulkhead/config_types.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL

/* Limits of the tool's own tables (the hypervisor's are sized by the output). */
#define CFG_MAX_CELLS	BH_MAX_CPUS /* every cell needs a CPU of its own */
#define CFG_MAX_MEM	16	    /* memory regions per cell */
#define CFG_MAX_DEVS	32	    /* passthrough devices per cell */
#define CFG_MAX_WIN	8	    /* register windows per device */
#define CFG_MAX_IRQS	64	    /* passthrough SPIs per cell */
#define CFG_MAX_STREAMS 32	    /* SMMU stream IDs per cell */
#define CFG_MAX_PCI	32	    /* PCI functions per cell (VPCI_MAX_FUNCS) */
#define CFG_MAX_MMIO	(CFG_MAX_DEVS * CFG_MAX_WIN)
#define CFG_NAME_MAX	31
#define CFG_PATH_MAX	1024

/* How messages show what the input names (see msg_str(), node_path()). */
#define CFG_MSG_NAME_MAX   64  /* bytes of a node name */
#define CFG_MSG_STR_MAX	   128 /* bytes of a string value */
#define CFG_MSG_PATH_NODES 12  /* deepest nodes of a path */
#define CFG_MSG_PATH_MAX   (CFG_MSG_PATH_NODES * (CFG_MSG_NAME_MAX * 4 + 32) + 8)

/* GIC SPI INTIDs a cell may use. */
#define SPI_FIRST 32U
#define SPI_LAST  1019U

/* Emulated device windows. */
#define VGICD_V3_SIZE 0x10000ULL
#define VGICD_V2_SIZE 0x1000ULL
#define VGICR_FRAME   0x20000ULL /* RD_base + SGI_base of one vCPU */
#define VGICC_SIZE    0x2000ULL
#define VUART_SIZE    0x1000ULL
#define VECAM_SIZE    0x100000ULL /* the root bus: 32 devices x 8 functions x 4 KiB */

/* What a cell gets of the host bridge's memory windows unless it says. */
#define PCI_WINDOW_DEFAULT   0x1000000ULL  /* 16 MiB below 4 GiB */
#define PCI_WINDOW64_DEFAULT 0x40000000ULL /* 1 GiB above */

struct dtb {
	const char *src; /* source file named in messages */
	void *fdt;
	size_t size;
};

struct cfg_mem {
	int node;
	bool ok; /* parsed without error; later checks skip bad ones */
	uint64_t pa, ipa, size;
	uint32_t flags; /* BH_MEM_* */
};

/* One register window of a passthrough device, exactly as the board says. */
struct cfg_win {
	uint64_t pa, size, ipa;
};

struct cfg_dev {
	int node;	  /* config node naming it (device-* subnode, cell or console) */
	const char *spec; /* alias or path as written */
	int bnode;	  /* board node, < 0 if unresolved */
	bool ok, shared, has_ipa;
	bool claimable; /* a board node a cell may have: its DMA is checked even if
			 * something else about it is wrong */
	uint64_t ipa;	/* override for the first window */
	uint32_t nwin;
	struct cfg_win win[CFG_MAX_WIN];
	uint32_t nirq;
	uint16_t irq[CFG_MAX_IRQS]; /* SPI INTIDs */
};

/* A PCI function a cell owns. */
struct cfg_pci_fn {
	uint16_t bdf; /* bus << 8 | device << 3 | function */
	uint8_t pin;  /* 1..4: INTA..INTD */
	bool ok;
	uint32_t intid; /* its INTx line through the host bridge's interrupt-map */
	uint32_t sid;	/* its stream ID through the iommu-map */
	bool has_sid;
};

/* A memory window of the board's PCI host bridge ('ranges'). */
struct cfg_pci_win {
	uint32_t flags; /* phys.hi of the ranges entry: space code, prefetchable */
	uint64_t bus, cpu, size;
	uint64_t used; /* bytes given to cells so far, from its start */
};

struct cfg_pci_host {
	int node; /* < 0: the board has none */
	uint32_t bus_start, bus_end;
	uint64_t ecam, ecam_size; /* the whole ECAM, bus_start first */
	bool has_win32, has_win64;
	struct cfg_pci_win win32, win64;
};

struct cfg_image {
	int node; /* < 0: not configured */
	bool ok;
	const char *file;	 /* as written, relative to --root */
	char path[CFG_PATH_MAX]; /* as opened, make and the assembler use it */
	uint64_t load, size;	 /* size: of the file, what is copied */
	uint64_t span;		 /* memory it takes once running (arm64 Image: + BSS) */
	bool arm64;		 /* has an arm64 Image header */
	uint64_t text_offset;	 /* arm64 Image: load - text_offset is 2 MiB aligned */
};

struct cfg_cell {
	int node;
	const char *name;
	char sym[CFG_NAME_MAX + 1]; /* name usable in C/asm symbols */
	unsigned int errors;	    /* reported against this cell */

	uint32_t ncpus;
	uint8_t cpus[BH_MAX_CPUS];
	bool cpus_ok;

	uint32_t nmem;
	struct cfg_mem mem[CFG_MAX_MEM];

	uint32_t ndev;
	struct cfg_dev dev[CFG_MAX_DEVS];

	struct cfg_image kernel, initrd;
	uint64_t entry;
	bool has_entry;
	const char *bootargs;
	bool has_dtb_load;
	uint64_t dtb_load;
	uint32_t fault_policy;

	uint32_t console; /* enum bh_console_kind */
	int console_node;
	const char *console_spec; /* passthrough: the UART as written */
	int console_dev;	  /* passthrough: index in dev[] */
	bool console_ok;
	uint64_t console_ipa;
	uint32_t console_irq;

	uint32_t nstreams;
	uint32_t streams[CFG_MAX_STREAMS];
	bool dma_unprotected; /* accepts devices that DMA past any SMMU */

	uint32_t npci;
	struct cfg_pci_fn pci[CFG_MAX_PCI];
	bool has_pci_win32, has_pci_win64, has_pci_ecam_ipa;
	uint64_t pci_win32_size, pci_win64_size, pci_ecam_ipa;
	bool pci_unprotected;  /* a function DMAs with no SMMU (dma-unprotected) */
	uint32_t npci_windows; /* filled in by validation: the cell's slices */
	struct bh_pci_window pci_windows[2];
	uint32_t pci_window_flags[2];

	/* Filled in by validation. */
	uint64_t gicd_ipa, gicr_ipa, gicc_ipa;
	uint32_t nirqs;
	uint16_t irqs[CFG_MAX_IRQS];
	uint32_t nmmio;
	struct bh_cell_mmio mmio[CFG_MAX_MMIO];

	/* The generated device tree. */
	void *dtb;
	uint32_t dtb_size;
	uint64_t dtb_ipa;
};

struct model {
	struct dtb board_dtb;
	struct dtb config_dtb;
	struct bh_board board;
	char board_name[64];
	bool board_ok;
	int board_console_node; /* offsets in board_dtb */
	int board_gic_node;
	int board_timer_node;
	int board_smmu_node;   /* the SMMUv3 Bulkhead drives */
	int board_smmuv2_node; /* an SMMUv1/v2 (MMU-500...): no driver, nothing confined */
	int board_pmu_node;
	int board_psci_node;
	int board_power_node;	  /* system-power-controller Bulkhead drives, or -1 */
	bool board_uses_psci;	  /* a CPU's enable-method is "psci" */
	struct cfg_pci_host pci;  /* the first pci-host-ecam-generic node */
	const char *pci_unusable; /* why it cannot be used, if it cannot */
	uint32_t smmu_sid_bits;	  /* SMMU_IDR1.SIDSIZE, /bulkhead/smmu-stream-id-bits */
	int board_cpu_node[BH_MAX_CPUS];

	uint64_t stage2_bytes; /* heap the cells' stage-2 tables take at most */

	const char *root;	     /* image paths are relative to it */
	const char *config_src_file; /* the source, if readable: check_source() */
	const char *include_dir;     /* dtc -i for it (the board's directory) */
	const char *system_name;     /* for messages and the map */
	uint32_t ncells;
	struct cfg_cell cell[CFG_MAX_CELLS];
};

/* Messages: "<file>: <node>: <reason>", or "<file>: <node>: warning: <reason>".
 * Errors are counted; nothing is written if any was reported. A message
 * identical to one already reported is dropped (one message per problem).
 * cfg_msgs == NULL keeps them quiet (fuzzing). */
extern FILE *cfg_msgs;
extern unsigned int cfg_errors;
extern unsigned int cfg_warnings;
void cfg_error(const struct dtb *d, int node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, also counted against @c (which may be NULL). */
void cell_error(struct cfg_cell *c, const struct dtb *d, int node, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Something accepted that the user must know about; not an error. */
void cfg_warn(const struct dtb *d, int node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Forget the messages reported so far (the fuzzer, between inputs). */
void cfg_msgs_reset(void);
/* A string from the input as a message shows it: control bytes escaped,
 * a long one shortened to its first CFG_MSG_STR_MAX bytes and a "…".
 * Rotating buffers: good for a few uses in one message. */
const char *msg_str(const char *s);
/* The same for a node name (shortened to CFG_MSG_NAME_MAX, as in paths). */
const char *msg_name(const char *s);

int dtb_load(struct dtb *d, const char *path, const char *src);
/* Copies @len bytes and checks them; 0 if they are a sound device tree. */
int dtb_from_buffer(struct dtb *d, const void *buf, size_t len, const char *src);
void dtb_free(struct dtb *d);
/* The node's path for messages (long names shortened, see msg_str()). */
const char *node_path(const struct dtb *d, int node);
/* reg entry @idx of @node (parent's #address-cells/#size-cells); 0 on success. */
int dt_reg(const struct dtb *d, int node, int idx, uint64_t *base, uint64_t *size);
int dt_reg_count(const struct dtb *d, int node);
/* reg entry @idx translated through the parents' 'ranges' to a CPU address. */
int dt_reg_translated(const struct dtb *d, int node, int idx, uint64_t *base, uint64_t *size);
/* Read a (possibly multi-cell) number from property cells. */
uint64_t dt_cells(const uint32_t *cells, int n);
bool dt_compatible(const struct dtb *d, int node, const char *compat);
/* u32 property; false (and no message) if missing or not one cell. */
bool dt_u32(const struct dtb *d, int node, const char *prop, uint32_t *out);
/* True if @node is @anc or below it. */
bool dt_is_within(const struct dtb *d, int node, int anc);

/* Ranges: [base, base + size) with size > 0; none of them may wrap. */
static inline bool ranges_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}
static inline bool range_within(uint64_t base, uint64_t size, uint64_t rbase, uint64_t rsize)
{
	return base >= rbase && size <= rsize && base - rbase <= rsize - size;
}
/* Ranges ending at 2^64 count as wrapping so that base + size never does. */
static inline bool range_wraps(uint64_t base, uint64_t size)
{
	return size > UINT64_MAX - base;
}
static inline uint64_t last(uint64_t base, uint64_t size)
{
	return base + size - 1;
}
/* "bb:dd.f", as lspci writes a PCI function (rotating buffers). */
const char *bdf_str(uint16_t bdf);

int board_parse(struct model *m);
/* IPAs (and PAs) a cell's stage 2 can map lie below this: 2^cpu-pa-bits. */
static inline uint64_t ipa_limit(const struct model *m)
{
	return 1ULL << m->board.pa_bits;
}

/* Parse and check the configuration against the parsed board and build the
 * cell device trees in memory. Writes nothing. 0 if the system is sound. */
int system_build(struct model *m);
void model_free(struct model *m);

/* Steps of system_build. */
void config_parse(struct model *m);
/* Nodes below /cells written more than once in the source (dtc -T). */
void check_source(struct model *m);
void validate(struct model *m);
void validate_dtb(struct model *m, struct cfg_cell *c);
void validate_bundle(struct model *m);
int dtbgen_cell(struct model *m, struct cfg_cell *c);
/* Passthrough device support shared by validation and DTB generation. */
enum ref_kind {
	REF_NONE,   /* not available to the cell */
	REF_GIC,    /* becomes the virtual GIC */
	REF_CLOCK,  /* a fixed clock, copied into the cell's tree */
	REF_DEVICE, /* a node of a device given to the cell */
	REF_DROP,   /* property is dropped (the SMMU is the hypervisor's) */
};
/* @pos: index of the phandle cell in the property, @spec: its specifier. */
typedef void (*ref_fn)(void *arg, int node, const char *prop, int pos, int target,
		       enum ref_kind kind, const uint32_t *spec, int nspec);
/* Calls @fn for every phandle reference in board node @node's properties;
 * returns -1 (with a message against @dev, if given) if one is malformed. */
int dev_refs(struct model *m, struct cfg_cell *c, struct cfg_dev *dev, int node, ref_fn fn,
	     void *arg);

/* PCI functions (pci.c). */
void pci_board_parse(struct model *m);
bool pci_parse_function(const char *s, uint16_t *bdf, uint8_t *pin);
/* Functions, their INTx lines, windows (before check_irqs). */
void check_pci(struct model *m);
/* Their stream IDs (after check_streams). */
void check_pci_streams(struct model *m);

/* Bytes the bundle takes in the image (each blob page aligned). */
uint64_t bundle_bytes(const struct model *m);
int emit_all(const struct model *m, const char *outdir, const char *depfile);
void show_text(const struct model *m, FILE *f);
int show_svg(const struct model *m, FILE *f);
