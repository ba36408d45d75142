#!/usr/bin/env bash
# make deb: build soporte_VERSION_ARCH.deb from the release build.
#   packaging/deb/build.sh RELEASE_BIN OUT_DIR
# RELEASE_BIN holds soporte and soporte-sandbox (make release: .build/release); the package
# is written to OUT_DIR (make deb: .build/) and the tree it is built from to OUT_DIR/deb/.
# VERSION is what `soporte --version` prints, ARCH what `dpkg --print-architecture` does.
# Needs dpkg-dev (dpkg-shlibdeps, dpkg-parsechangelog) and binutils (strip); no root and
# no fakeroot: dpkg-deb --root-owner-group makes every file root's.
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:?usage: build.sh RELEASE_BIN OUT_DIR}
out=${2:?usage: build.sh RELEASE_BIN OUT_DIR}
mkdir -p "$out"
bin=$(cd "$bin" && pwd)
out=$(cd "$out" && pwd)

die() { echo "make deb: $*" >&2; exit 1; }

for b in soporte soporte-sandbox; do
  [ -x "$bin/$b" ] || die "$bin/$b is missing: run make release first"
done

# -- version and architecture -----------------------------------------------------------
version=$("$bin/soporte" --version | awk '$1 == "soporte" { print $2; exit }')
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] \
  || die "'$bin/soporte --version' gave no usable version ('$version')"
arch=$(dpkg --print-architecture)
changelog_version=$(dpkg-parsechangelog -l "$here/changelog" -S Version)
[ "$changelog_version" = "$version" ] \
  || die "packaging/deb/changelog's newest entry is $changelog_version but the binary is $version: add an entry for $version"
# The package's timestamps are the changelog entry's, so the same sources give the same .deb.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(dpkg-parsechangelog -l "$here/changelog" -S Timestamp)}

# -- the tree -------------------------------------------------------------------------
work=$out/deb
root=$work/soporte
rm -rf "$work"
mkdir -p "$root/DEBIAN"
install -d "$root/usr/bin" "$root/usr/share/man/man1" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/doc/soporte" \
  "$root/usr/share/doc/soporte/examples"

# Stripped as dh_strip strips programs. The Swift metadata sections (swift5_*) are loaded
# sections, which strip keeps.
for b in soporte soporte-sandbox; do
  install -m 755 "$bin/$b" "$root/usr/bin/$b"
  strip --remove-section=.comment --remove-section=.note "$root/usr/bin/$b"
done
"$root/usr/bin/soporte" --version >/dev/null || die "the stripped soporte does not run"

for m in soporte.1 soporte-sandbox.1; do
  gzip -9n < "$repo/man/$m" > "$root/usr/share/man/man1/$m.gz"
done
install -m 644 "$repo/completions/soporte.bash" "$root/usr/share/bash-completion/completions/soporte"
install -m 644 "$repo/completions/_soporte" "$root/usr/share/zsh/vendor-completions/_soporte"
install -m 644 "$repo/completions/soporte.fish" "$root/usr/share/fish/vendor_completions.d/soporte.fish"
install -m 644 "$here/copyright" "$root/usr/share/doc/soporte/copyright"
# A systemd service and timer for the node_exporter textfile collector (SPEC §13.6).
for u in soporte-health.service soporte-health.timer; do
  install -m 644 "$repo/packaging/examples/$u" "$root/usr/share/doc/soporte/examples/$u"
done
# A native package (no Debian revision in its version): its changelog is changelog.gz.
gzip -9n < "$here/changelog" > "$root/usr/share/doc/soporte/changelog.gz"
find "$root/usr" -type f -name '*.gz' -exec chmod 644 {} +
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# -- Depends ----------------------------------------------------------------------------
# What the loader maps: dpkg-shlibdeps reads the binaries' NEEDED entries and the symbols
# they use, and names each library's package with the lowest version that has them. It
# wants a debian/control to read, which this small one is.
mkdir -p "$work/shlibdeps/debian"
printf 'Source: soporte\n\nPackage: soporte\nArchitecture: any\n' > "$work/shlibdeps/debian/control"
shlibs=$(cd "$work/shlibdeps" && dpkg-shlibdeps -O -e"$root/usr/bin/soporte" -e"$root/usr/bin/soporte-sandbox")
shlibs=${shlibs#shlibs:Depends=}
[ -n "$shlibs" ] || die "dpkg-shlibdeps found no dependency"
rm -rf "$work/shlibdeps"

# libcurl is not NEEDED: soporte dlopen()s libcurl.so.4 at its first request (Sources/
# CCurlShim), so no tool can see it. Its package is the one that holds libcurl.so.4 here
# (libcurl4 on Debian 12); 7.85.0 is the first libcurl with CURLOPT_PROTOCOLS_STR, the
# newest option soporte sets.
multiarch=$(dpkg-architecture -q DEB_HOST_MULTIARCH)
curl_pkg=$(dpkg-query -S "/usr/lib/$multiarch/libcurl.so.4" 2>/dev/null | head -1 | cut -d: -f1 || true)
if [ -z "$curl_pkg" ]; then
  curl_pkg=libcurl4
  echo "make deb: note: no package here holds /usr/lib/$multiarch/libcurl.so.4; depending on $curl_pkg" >&2
fi
depends="$shlibs, $curl_pkg (>= 7.85.0)"

# -- control, md5sums, the .deb --------------------------------------------------------
installed_size=$(du -s -k --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@DEPENDS@|$depends|" \
    -e "s|@INSTALLED_SIZE@|$installed_size|" "$here/control" > "$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
touch -d "@$SOURCE_DATE_EPOCH" "$root/DEBIAN" "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

deb=$out/soporte_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "Depends: $depends"
echo "$deb"
