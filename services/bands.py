"""Overdue bands (faixas de atraso): an ordered table of thresholds, labels and colours.

Bands are data, stored in Settings as JSON, with one function that places a number of
days late in a band (STYLE.md, "Habits"). Colour is never the only signal: every band
has a label, and the default colours also darken as the delay grows, so a colour-blind
cashier still reads the order by lightness. Each text colour reaches WCAG 2.x AA
contrast (≥ 4.5:1) on its background.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "DEFAULT_BANDS",
    "Band",
    "band_for",
    "bands_from_json",
    "bands_to_json",
    "contrast_ratio",
    "customer_band",
    "days_late",
    "validate_bands",
]

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_FIELDS = ("key", "label", "max_days", "colour", "text_colour")


@dataclass(frozen=True)
class Band:
    """One aging bucket.

    ``max_days`` is the inclusive upper bound of days late (negative = days before the
    due date); ``None`` means no upper bound and only fits the last band.
    """

    key: str
    label: str
    max_days: int | None
    colour: str
    text_colour: str


DEFAULT_BANDS: tuple[Band, ...] = (
    # Not due for more than 3 days.
    Band("em_dia", "Em dia", -4, "#dff2e1", "#1b4d24"),
    # Due within 3 days, today included: time for a friendly reminder.
    Band("vence_em_breve", "Vence em breve", 0, "#d6eaf8", "#123d63"),
    Band("atraso_1_7", "1–7 dias", 7, "#fff1b8", "#574300"),
    Band("atraso_8_30", "8–30 dias", 30, "#ffd8a8", "#6b3400"),
    Band("atraso_31_60", "31–60 dias", 60, "#f6b3a8", "#6a1710"),
    Band("atraso_61_90", "61–90 dias", 90, "#b3261e", "#ffffff"),
    Band("atraso_90_mais", "Mais de 90 dias", None, "#4a235a", "#ffffff"),
)


def days_late(due: date, on: date) -> int:
    """Days from the due date to ``on``: 0 on the due date, negative before it."""
    return (on - due).days


def band_for(days_late: int, bands: Sequence[Band] = DEFAULT_BANDS) -> Band:
    """The first band whose ``max_days`` holds ``days_late`` (bands are in order)."""
    for band in bands:
        if band.max_days is None or days_late <= band.max_days:
            return band
    raise ValueError("Faixas de atraso incompletas: a última faixa deve ser sem limite.")


def customer_band(
    due_dates_of_open_installments: Iterable[date],
    on: date,
    bands: Sequence[Band] = DEFAULT_BANDS,
) -> Band:
    """The band of the customer's worst (oldest due) open installment.

    A customer with nothing open is in the first band ("Em dia" by default).
    """
    oldest = min(due_dates_of_open_installments, default=None)
    if oldest is None:
        if not bands:
            raise ValueError("Nenhuma faixa de atraso configurada.")
        return bands[0]
    return band_for(days_late(oldest, on), bands)


def validate_bands(bands: Sequence[Band]) -> None:
    """Refuse a table that would leave some number of days without a band, or unreadable."""
    if not bands:
        raise ValueError("Configure ao menos uma faixa de atraso.")
    keys: set[str] = set()
    previous: int | None = None
    for position, band in enumerate(bands, start=1):
        where = f"Faixa {position}"
        if not band.key.strip():
            raise ValueError(f"{where}: informe a chave.")
        if band.key in keys:
            raise ValueError(f"{where}: a chave “{band.key}” está repetida.")
        keys.add(band.key)
        if not band.label.strip():
            raise ValueError(f"{where}: informe o nome da faixa.")
        for colour in (band.colour, band.text_colour):
            if not _HEX_COLOUR.fullmatch(colour):
                raise ValueError(f"{where}: cor inválida “{colour}” (use #rrggbb).")
        is_last = position == len(bands)
        if band.max_days is None:
            if not is_last:
                raise ValueError(f"{where}: só a última faixa pode ficar sem limite de dias.")
            continue
        if isinstance(band.max_days, bool) or not isinstance(band.max_days, int):
            raise ValueError(f"{where}: o limite de dias deve ser um número inteiro.")
        if is_last:
            raise ValueError("A última faixa deve ficar sem limite de dias.")
        if previous is not None and band.max_days <= previous:
            raise ValueError(f"{where}: o limite de dias deve ser maior que o da faixa anterior.")
        previous = band.max_days


def bands_to_json(bands: Sequence[Band]) -> list[dict[str, object]]:
    """Plain dicts for Settings' JSON column."""
    return [
        {
            "key": band.key,
            "label": band.label,
            "max_days": band.max_days,
            "colour": band.colour,
            "text_colour": band.text_colour,
        }
        for band in bands
    ]


def bands_from_json(data: object) -> tuple[Band, ...]:
    """Read bands back from Settings, refusing anything malformed (ValueError)."""
    if not isinstance(data, list):
        raise ValueError("Configuração de faixas inválida: esperada uma lista.")
    bands: list[Band] = []
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Faixa {position}: configuração inválida.")
        missing = [name for name in _FIELDS if name not in item]
        if missing:
            raise ValueError(f"Faixa {position}: faltam os campos {', '.join(missing)}.")
        key, label, max_days = item["key"], item["label"], item["max_days"]
        colour, text_colour = item["colour"], item["text_colour"]
        if not all(isinstance(text, str) for text in (key, label, colour, text_colour)):
            raise ValueError(f"Faixa {position}: chave, nome e cores devem ser textos.")
        if max_days is not None and (isinstance(max_days, bool) or not isinstance(max_days, int)):
            raise ValueError(f"Faixa {position}: o limite de dias deve ser um número inteiro.")
        bands.append(Band(key, label, max_days, colour, text_colour))
    result = tuple(bands)
    validate_bands(result)
    return result


def _relative_luminance(colour: str) -> float:
    def channel(offset: int) -> float:
        value = int(colour[offset : offset + 2], 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)


def contrast_ratio(colour: str, other: str) -> float:
    """WCAG 2.x contrast ratio of two "#rrggbb" colours (1 to 21; AA text needs 4.5).

    Settings can use it to warn when a shop picks an unreadable pair.
    """
    for value in (colour, other):
        if not _HEX_COLOUR.fullmatch(value):
            raise ValueError(f"Cor inválida “{value}” (use #rrggbb).")
    lighter, darker = sorted(
        (_relative_luminance(colour), _relative_luminance(other)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
