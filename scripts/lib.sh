# Shared by scripts/serve and scripts/test. Every step is idempotent: it checks before it acts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
VAR="$ROOT/var"
mkdir -p "$VAR"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to run: $*" >&2; return 1; fi
}

# Install the Debian packages given, skipping those already installed.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# WeasyPrint needs Pango and HarfBuzz; the report prints Chinese author names, so a CJK font.
system_packages_app() {
  apt_install python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-dejavu-core fonts-noto-cjk shared-mime-info
}

python_bin() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; then
      echo "$candidate"; return; fi
  done
  echo "Python 3.11 to 3.13 is required." >&2; return 1
}

# Create the virtual environment and install the pinned, hashed requirements file given.
venv_install() {
  local requirements="$1" stamp
  [ -x "$PY" ] || { say "Creating the virtual environment"; "$(python_bin)" -m venv "$VENV"; }
  stamp="$VENV/.installed-$(basename "$requirements" .txt)-$(sha256sum "$requirements" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "Installing Python dependencies ($requirements)"
    "$PY" -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r "$requirements"
    rm -f "$VENV"/.installed-"$(basename "$requirements" .txt)"-*
    touch "$stamp"
  fi
}

# Migrate, load the question bank and make sure the demo login exists.
prepare_database() {
  say "Migrating the database"
  "$PY" manage.py migrate --no-input -v 0
  "$PY" manage.py createcachetable
  say "Loading the question bank"
  "$PY" manage.py load_question_bank
  "$PY" manage.py map_profile_roles
}
