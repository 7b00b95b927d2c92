"""Small helpers shared by the Clientes widgets."""

from __future__ import annotations

from ui.widgets import error_message


def explain(exc: BaseException) -> str:
    """What to tell the person about a failure, in Portuguese.

    ``ui.widgets.error_message`` imports ``StaleDataError`` from ``sqlalchemy.exc`` (it lives in
    ``sqlalchemy.orm.exc``), so for any unexpected error it raises ImportError itself; until that
    is fixed, fall back to its generic wording instead of losing the message.
    """
    try:
        return error_message(exc)
    except ImportError:
        return (
            f"Algo deu errado ({type(exc).__name__}); nada foi salvo. "
            "Detalhes no registro do programa."
        )
