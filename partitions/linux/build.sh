#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the Linux guest from Debian's arm64 packages (see README.md beside this file):
#   partitions/linux/build.sh [OUT]      OUT defaults to build/partitions/linux
# Produces OUT/Image, OUT/initramfs.cpio.gz and OUT/manifest.txt. The .debs are
# kept in OUT/cache/ and reused without any network access; LINUX_REFRESH=1
# resolves the current versions again and downloads them if they changed.
# LINUX_DRIVERS=FILE replaces drivers.txt (the kernel options the guest needs).
# Exit status 75: the packages are not cached and the archive is unreachable.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/partitions/linux
OUT=${1:-build/partitions/linux}
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
CACHE=$OUT/cache
SUMS=$CACHE/SHA256SUMS # the cached .debs in use, with their sha256 from the signed index
KMETA=linux-image-arm64
BBPKG=busybox-static
OBJCOPY=${CROSS_COMPILE:-aarch64-linux-gnu-}objcopy
EX_NONET=75
DRIVERS=${LINUX_DRIVERS:-$HERE/drivers.txt}

say() { echo "  LINUX   $*"; }
die() { echo "linux: error: $*" >&2; exit 1; }

# apt's messages when the archive cannot be reached at all (as opposed to a
# package or a hash that is wrong, which is a real failure).
network_down() {
	grep -qiE 'Temporary failure resolving|Could not resolve|Could not connect|Network is unreachable|Connection timed out|No route to host|Connection refused|Unable to connect' "$1"
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# "Field" of an arm64 package version in the apt index.
index_field() { apt-cache show "$1:arm64=$2" 2>/dev/null | sed -n "s/^$3: //p" | head -n1; }

candidate() {
	apt-cache policy "$1:arm64" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -vx '(none)' || true
}

# Called when apt failed (its output in $1): without the network, an existing
# cache is used as it is (return 1); with no cache, exit 75 so that callers
# can tell "offline" from "broken"; anything else is an error.
apt_failed() { # log what
	cat "$1" >&2
	network_down "$1" || die "$2 failed"
	if [ -s "$SUMS" ]; then
		echo "linux: warning: Debian's archive is unreachable; keeping the cached packages" >&2
		return 1
	fi
	echo "linux: OFFLINE-NO-CACHE: Debian's archive is unreachable and ${CACHE#"$ROOT"/} holds no packages" >&2
	exit $EX_NONET
}

# Resolve the current versions and fetch them into the cache. apt-get download
# checks each file against the hash in the signed index; the index's sha256 is
# checked again here and recorded in SHA256SUMS for offline rebuilds.
download() {
	local log=$OUT/apt.log # apt's output, kept for the last refresh
	mkdir -p "$OUT"
	# The arm64 indexes are only there once arm64 is a foreign architecture.
	BULKHEAD_NEED_ARM64=1 bash "$ROOT/tools/setup.sh" --quiet
	local update_ok=1
	if [ "$(id -u)" = 0 ]; then
		say "apt-get update"
		# Not fatal by itself: a third-party source may be down while Debian's is up.
		apt-get update -q >"$log" 2>&1 && ! grep -q '^[WE]: Failed to fetch' "$log" || update_ok=0
	fi

	local kmeta_ver kpkg kver bbver
	kmeta_ver=$(candidate $KMETA)
	if [ -z "$kmeta_ver" ]; then
		[ "$update_ok" = 1 ] || apt_failed "$log" "apt-get update" || return 0
		die "no candidate for $KMETA:arm64 (run 'apt-get update' as root)"
	fi
	# The metapackage depends on exactly one versioned image package.
	read -r kpkg kver < <(index_field $KMETA "$kmeta_ver" Depends |
		sed -n 's/.*\(linux-image-[^ ,]*-arm64\) (= \([^)]*\)).*/\1 \2/p') || true
	[ -n "${kpkg:-}" ] || die "cannot read the image package behind $KMETA $kmeta_ver"
	bbver=$(candidate $BBPKG)
	[ -n "$bbver" ] || die "no candidate for $BBPKG:arm64"

	mkdir -p "$CACHE"
	local new=() pkg ver file want got
	for pv in "$kpkg=$kver" "$BBPKG=$bbver"; do
		pkg=${pv%%=*} ver=${pv#*=}
		file=${pkg}_${ver//:/%3a}_arm64.deb
		want=$(index_field "$pkg" "$ver" SHA256)
		[ -n "$want" ] || die "no SHA256 for $pkg $ver in the index"
		if [ ! -f "$CACHE/$file" ] || [ "$(sha256 "$CACHE/$file")" != "$want" ]; then
			say "apt-get download $pkg:arm64=$ver"
			rm -f "$CACHE/$file"
			# As root, apt would drop to _apt, which cannot write the cache.
			if ! (cd "$CACHE" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$pkg:arm64=$ver") >"$log" 2>&1; then
				apt_failed "$log" "apt-get download $pkg:arm64=$ver" || return 0
			fi
		fi
		got=$(sha256 "$CACHE/$file")
		[ "$got" = "$want" ] || die "$file: sha256 $got, the signed index says $want"
		new+=("$want  $file")
	done
	printf '%s\n' "${new[@]}" >"$SUMS.new"
	# Drop superseded versions: the cache holds what SHA256SUMS names, nothing else.
	if [ -f "$SUMS" ]; then
		while read -r _ f; do
			grep -qF "  $f" "$SUMS.new" || rm -f "$CACHE/$f"
		done <"$SUMS"
	fi
	mv "$SUMS.new" "$SUMS"
}

# dpkg-deb -f FIELD of a .deb, checked against what we asked for.
check_deb() { # deb name-regex
	local pkg arch
	pkg=$(dpkg-deb -f "$1" Package) arch=$(dpkg-deb -f "$1" Architecture)
	[[ $pkg =~ ^$2$ ]] || die "$1: package is '$pkg', expected $2"
	[ "$arch" = arm64 ] || die "$1: architecture is '$arch', expected arm64"
}

# ------------------------------------------------------------------ packages
start=$(date +%s%N)
if [ "${LINUX_REFRESH:-0}" = 1 ] || [ ! -s "$SUMS" ]; then
	download
else
	say "using cached packages in ${CACHE#"$ROOT"/} (LINUX_REFRESH=1 to update)"
fi
(cd "$CACHE" && sha256sum --quiet -c SHA256SUMS) ||
	die "cached packages do not match $SUMS: delete $CACHE and build again"
KDEB=$CACHE/$(awk '$2 ~ /^linux-image-/ {print $2}' "$SUMS")
BBDEB=$CACHE/$(awk '$2 ~ /^busybox-static_/ {print $2}' "$SUMS")
{ [ -f "$KDEB" ] && [ -f "$BBDEB" ]; } || die "$SUMS does not name a kernel and a busybox package"
check_deb "$KDEB" 'linux-image-[0-9][^ ]*-arm64'
check_deb "$BBDEB" "$BBPKG"

WORK=$OUT/work
rm -rf "$WORK"
mkdir -p "$WORK/kernel" "$WORK/busybox" "$WORK/root"
trap 'rm -rf "$WORK"' EXIT
# The dtbs under usr/ are not needed: QEMU (or Bulkhead) supplies the tree.
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$WORK/kernel" --exclude='./usr/*'
dpkg-deb -x "$BBDEB" "$WORK/busybox"

KVER=$(ls "$WORK/kernel/lib/modules")
[ "$(echo "$KVER" | wc -l)" = 1 ] || die "$KDEB: expected one module tree, found: $KVER"
MODDIR=$WORK/kernel/lib/modules/$KVER
KCONFIG=$WORK/kernel/boot/config-$KVER
[ -f "$KCONFIG" ] || die "$KDEB has no /boot/config-$KVER"

# ------------------------------------------------------------------ Image
# Debian's arm64 vmlinuz is the raw Image (an EFI stub binary, signed) in
# current packages and gzip'd in older ones; booti and QEMU's -kernel want
# the raw Image either way.
VMLINUZ=$WORK/kernel/boot/vmlinuz-$KVER
case $(od -An -tx1 -N2 "$VMLINUZ" | tr -d ' ') in
1f8b) gzip -dc "$VMLINUZ" >"$WORK/Image" ;;
*) cp "$VMLINUZ" "$WORK/Image" ;;
esac
[ "$(dd if="$WORK/Image" bs=1 skip=56 count=4 2>/dev/null)" = "ARMd" ] ||
	die "vmlinuz-$KVER: no arm64 Image magic \"ARM\\x64\" at offset 56"

# ------------------------------------------------------------------ modules
# The package ships no modules.dep (depmod runs in its postinst); each .ko
# carries its own "depends=" in .modinfo, which is what depmod records.
declare -A MODPATH=() # module name (dashes as underscores) -> path in the tree
while read -r p; do
	n=${p##*/} n=${n%%.ko*}
	MODPATH[${n//-/_}]=$p
done <"$MODDIR/modules.order"

# Newer Debian kernels compress modules; the guest gets them plain, so its
# busybox modprobe needs no decompressor. Prints the plain path.
plain_ko() { # path in the tree
	case $1 in
	*.ko) ;;
	*.ko.xz) xz -dc "$MODDIR/$1" >"$MODDIR/${1%.xz}" ;;
	*.ko.zst) zstd -q -dc "$MODDIR/$1" >"$MODDIR/${1%.zst}" ;;
	*) die "$1: unknown module compression" ;;
	esac
	echo "${1%.ko*}.ko"
}

modinfo_field() { # plain-ko field
	"$OBJCOPY" -O binary --only-section=.modinfo "$MODDIR/$1" /dev/stdout | tr '\0' '\n' | sed -n "s/^$2=//p"
}

LOAD_ORDER=() # plain .ko paths, dependencies first
declare -A ADDED=() PLAIN=() DIRECT=() # name -> 1; name -> plain path; plain path -> its direct deps
add_module() { # name
	local n=${1//-/_} p deps vermagic dep
	[ -z "${ADDED[$n]:-}" ] || return 0
	[ -n "${MODPATH[$n]:-}" ] || die "module $1 is not in $KVER's modules.order"
	ADDED[$n]=1
	p=$(plain_ko "${MODPATH[$n]}")
	PLAIN[$n]=$p
	deps=$(modinfo_field "$p" depends)
	vermagic=$(modinfo_field "$p" vermagic)
	[ "${vermagic%% *}" = "$KVER" ] || die "$p: vermagic '$vermagic' is not $KVER"
	DIRECT[$p]=
	for dep in ${deps//,/ }; do
		add_module "$dep"
		DIRECT[$p]+=" ${PLAIN[${dep//-/_}]}"
	done
	LOAD_ORDER+=("$p")
}

# All of p's dependencies, in load order, into CLOSURE: busybox modprobe, like
# kmod, expects modules.dep to list every module needed, not only direct ones.
closure() { # plain path
	local d
	for d in ${DIRECT[$1]}; do
		[ -z "${SEEN[$d]:-}" ] || continue
		SEEN[$d]=1
		closure "$d"
		CLOSURE+=("$d")
	done
}

WANTED=() BUILTIN=()
while read -r sym mod _; do
	case $sym in '' | '#'*) continue ;; esac
	val=$(sed -n "s/^CONFIG_$sym=//p" "$KCONFIG")
	case $val in
	y)
		if [ "$mod" != - ]; then
			grep -qE "/$mod\.ko$" "$MODDIR/modules.builtin" ||
				die "CONFIG_$sym=y but $mod is not in modules.builtin"
		fi
		BUILTIN+=("$sym")
		;;
	m)
		[ "$mod" != - ] || die "CONFIG_$sym=m but drivers.txt names no module for it"
		add_module "$mod"
		WANTED+=("${mod//-/_}")
		;;
	*) die "the guest needs CONFIG_$sym, which $KVER's config does not enable" ;;
	esac
done <"$DRIVERS"
say "kernel $KVER: built in: ${BUILTIN[*]}"
say "kernel $KVER: modules: ${WANTED[*]:-none} (with dependencies: ${#LOAD_ORDER[@]} .ko)"

# ------------------------------------------------------------------ initramfs
R=$WORK/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,var}
install -m 0755 "$WORK/busybox/bin/busybox" "$R/bin/busybox"
install -m 0755 "$HERE/rootfs/init" "$R/init"
install -m 0755 "$HERE/rootfs/usr/bin/stress" "$R/usr/bin/stress"
install -D -m 0755 "$HERE/rootfs/etc/acpi/PWRF/00000080" "$R/etc/acpi/PWRF/00000080"
RMOD=$R/lib/modules/$KVER
mkdir -p "$RMOD"
: >"$RMOD/modules.dep"
for p in ${LOAD_ORDER[@]+"${LOAD_ORDER[@]}"}; do
	install -D -m 0644 "$MODDIR/$p" "$RMOD/$p"
	# depmod's order: a module before what it needs (modprobe loads the list backwards).
	CLOSURE=() line="$p:"
	declare -A SEEN=()
	closure "$p"
	for ((i = ${#CLOSURE[@]} - 1; i >= 0; i--)); do line+=" ${CLOSURE[i]}"; done
	unset SEEN
	echo "$line" >>"$RMOD/modules.dep"
done
printf '%s\n' ${WANTED[@]+"${WANTED[@]}"} >"$RMOD/modules.load"
cp "$MODDIR/modules.builtin" "$MODDIR/modules.order" "$RMOD/"

python3 "$HERE/mkcpio.py" "$R" "$WORK/initramfs.cpio.gz" --node dev/console:c:5:1:600
# Read it back with GNU cpio: the archive must list every staged file.
gzip -dc "$WORK/initramfs.cpio.gz" | cpio -it --quiet | sort >"$WORK/listed"
(cd "$R" && find . -mindepth 1 | sed 's|^\./||'; echo dev/console) | sort >"$WORK/staged"
cmp -s "$WORK/listed" "$WORK/staged" || die "initramfs listing differs from the staged tree"

# ------------------------------------------------------------------ results
mv "$WORK/Image" "$OUT/Image"
mv "$WORK/initramfs.cpio.gz" "$OUT/initramfs.cpio.gz"
{
	echo "# Bulkhead Linux guest: what build/partitions/linux was made from"
	echo "# package version architecture sha256 file (sha256 as in Debian's signed index)"
	while read -r sum f; do
		echo "$(dpkg-deb -f "$CACHE/$f" Package) $(dpkg-deb -f "$CACHE/$f" Version) arm64 $sum $f"
	done <"$SUMS"
	echo "kernel-release $KVER"
	echo "builtin ${BUILTIN[*]}"
	echo "modules ${LOAD_ORDER[*]:-}"
	echo "Image $(sha256 "$OUT/Image") $(stat -c %s "$OUT/Image")"
	echo "initramfs.cpio.gz $(sha256 "$OUT/initramfs.cpio.gz") $(stat -c %s "$OUT/initramfs.cpio.gz")"
} >"$OUT/manifest.txt"
say "built ${OUT#"$ROOT"/}/Image ($(stat -c %s "$OUT/Image") bytes), initramfs.cpio.gz ($(stat -c %s "$OUT/initramfs.cpio.gz") bytes) in $((($(date +%s%N) - start) / 1000000)) ms"
