# Shared set-up for Squall's scripts: find JDK 25 and Maven, install missing system packages.
# Sourced by scripts/*; fails with a clear message when something cannot be had.

squall_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

die() {
  echo "squall: $*" >&2
  exit 1
}

java_feature_version() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

# Sets JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if it qualifies, else one under /usr/lib/jvm.
find_jdk() {
  local candidate version
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    version="$(java_feature_version "$JAVA_HOME/bin/java")"
    if [ -n "$version" ] && [ "$version" -ge 25 ]; then
      export JAVA_HOME
      return
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] && [ -x "$candidate/bin/jlink" ] || continue
    version="$(java_feature_version "$candidate/bin/java")"
    if [ -n "$version" ] && [ "$version" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return
    fi
  done
  die "no JDK 25 or newer found (checked \$JAVA_HOME and /usr/lib/jvm/*); install one, e.g. Temurin 25, and set JAVA_HOME"
}

# Installs the Debian packages Squall needs (OpenCL on the CPU through PoCL, clinfo, spirv-tools, Maven)
# when they are missing: as root through apt-get, otherwise it says what to install and fails.
ensure_packages() {
  local missing=()
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v clinfo >/dev/null 2>&1 || missing+=(clinfo)
  command -v spirv-val >/dev/null 2>&1 || missing+=(spirv-tools)
  ldconfig -p 2>/dev/null | grep -q 'libOpenCL\.so\.1' || missing+=(ocl-icd-libopencl1)
  ls /etc/OpenCL/vendors/pocl*.icd >/dev/null 2>&1 || missing+=(pocl-opencl-icd)
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -ne 0 ]; then
    die "missing system packages: ${missing[*]}; run as root, or: sudo apt-get install -y ${missing[*]}"
  fi
  echo "squall: installing ${missing[*]}" >&2
  apt-get update -q >&2 || die "apt-get update failed; cannot install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q pocl-opencl-icd ocl-icd-libopencl1 clinfo spirv-tools \
    $(printf '%s\n' "${missing[@]}" | grep -x maven) >&2 \
    || die "apt-get install failed for ${missing[*]}"
}

mvn_cmd() {
  (cd "$squall_root" && mvn -B -ntp "$@")
}

# Builds the command-line jars unless they are newer than every source and POM.
build_if_needed() {
  local jar="$squall_root/cli/target/squall-cli.jar"
  if [ -f "$jar" ] && [ -z "$(find "$squall_root" -path "$squall_root/.git" -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
    return
  fi
  echo "squall: building (mvn package, tests skipped)..." >&2
  mvn_cmd -q -DskipTests install >&2 || die "the build failed; run ./scripts/test for details"
}

squall_java() { # runs the squall CLI with the project's jars
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${SQUALL_JAVA_OPTS:-} \
    -jar "$squall_root/cli/target/squall-cli.jar" "$@"
}
