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
