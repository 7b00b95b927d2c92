# Sourced by run.sh and test.sh: create .venv with Python ≥ 3.11 and install the project
# (re-installing only when pyproject.toml changes).
VENV="${CREDIARIO_VENV:-.venv}"

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Crediário precisa do Python 3.11 ou mais novo (python3.11 não encontrado)." >&2
  return 1
}

ensure_venv() {
  local extras="$1" spec="." stamp want
  [ -n "$extras" ] && spec=".[$extras]"
  if [ ! -x "$VENV/bin/python" ]; then
    local py; py=$(pick_python)
    echo "Criando o ambiente em $VENV com $py…" >&2
    "$py" -m venv "$VENV"
  fi
  stamp="$VENV/.crediario-installed-$extras"
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Instalando dependências…" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet -e "$spec" >&2
    echo "$want" > "$stamp"
  fi
}

# Qt's window-system plugin needs system libraries a fresh machine may lack (libxcb-cursor0 is
# missing even from some desktop installs). Find what it cannot load and install it, or say how.
ensure_qt_runtime() {
  local platform="${QT_QPA_PLATFORM:-xcb}" plugin missing pkgs="" lib pkg
  plugin=$("$VENV/bin/python" -c 'import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent / "Qt/plugins/platforms/libq'"${platform%%:*}"'.so")')
  [ -f "$plugin" ] || return 0
  missing=$(ldd "$plugin" 2>/dev/null | awk '/not found/ {print $1}' | sort -u)
  [ -n "$missing" ] || return 0
  for lib in $missing; do
    case "$lib" in
      libxcb-cursor.so.*) pkg=libxcb-cursor0 ;;
      libxcb-icccm.so.*) pkg=libxcb-icccm4 ;;
      libxcb-image.so.*) pkg=libxcb-image0 ;;
      libxcb-keysyms.so.*) pkg=libxcb-keysyms1 ;;
      libxcb-randr.so.*) pkg=libxcb-randr0 ;;
      libxcb-render-util.so.*) pkg=libxcb-render-util0 ;;
      libxcb-shape.so.*) pkg=libxcb-shape0 ;;
      libxcb-xinerama.so.*) pkg=libxcb-xinerama0 ;;
      libxcb-xkb.so.*) pkg=libxcb-xkb1 ;;
      libxcb-util.so.*) pkg=libxcb-util1 ;;
      libxkbcommon-x11.so.*) pkg=libxkbcommon-x11-0 ;;
      libxkbcommon.so.*) pkg=libxkbcommon0 ;;
      libX11-xcb.so.*) pkg=libx11-xcb1 ;;
      libEGL.so.*) pkg=libegl1 ;;
      libGL.so.*|libOpenGL.so.*) pkg=libgl1 ;;
      libfontconfig.so.*) pkg=libfontconfig1 ;;
      libdbus-1.so.*) pkg=libdbus-1-3 ;;
      *) pkg="" ;;
    esac
    [ -n "$pkg" ] && pkgs="$pkgs $pkg"
  done
  pkgs=$(echo "$pkgs" | tr ' ' '\n' | sort -u | tr '\n' ' ')
  echo "O Qt precisa de bibliotecas do sistema que faltam: $(echo $missing)" >&2
  if [ -n "$pkgs" ] && command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq && apt-get install -y -qq $pkgs >&2 && return 0
    elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
      echo "Instalando com sudo:$pkgs" >&2
      sudo apt-get install -y $pkgs >&2 && return 0
    fi
    echo "Instale com: sudo apt-get install$pkgs" >&2
  else
    echo "Instale-as pelo gerenciador de pacotes do sistema." >&2
  fi
  return 1
}
