import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.bands import (
    DEFAULT_BANDS,
    Band,
    band_for,
    bands_from_json,
    bands_to_json,
    contrast_ratio,
    customer_band,
    days_late,
    validate_bands,
)

DUE = date(2026, 3, 10)


def test_default_bands_in_order() -> None:
    assert [(b.key, b.label, b.max_days) for b in DEFAULT_BANDS] == [
        ("em_dia", "Em dia", -4),
        ("vence_em_breve", "Vence em breve", 0),
        ("atraso_1_7", "1–7 dias", 7),
        ("atraso_8_30", "8–30 dias", 30),
        ("atraso_31_60", "31–60 dias", 60),
        ("atraso_61_90", "61–90 dias", 90),
        ("atraso_90_mais", "Mais de 90 dias", None),
    ]
    validate_bands(DEFAULT_BANDS)


def test_days_late() -> None:
    assert days_late(DUE, DUE) == 0
    assert days_late(DUE, date(2026, 3, 6)) == -4
    assert days_late(DUE, date(2026, 4, 9)) == 30


@pytest.mark.parametrize(
    ("on", "key"),
    [
        (date(2026, 2, 10), "em_dia"),  # um mês antes
        (date(2026, 3, 6), "em_dia"),  # 4 dias antes do vencimento
        (date(2026, 3, 7), "vence_em_breve"),  # 3 dias antes
        (date(2026, 3, 10), "vence_em_breve"),  # vence hoje
        (date(2026, 3, 11), "atraso_1_7"),  # 1º dia de atraso
        (date(2026, 3, 17), "atraso_1_7"),  # 7º dia
        (date(2026, 3, 18), "atraso_8_30"),  # 8º dia
        (date(2026, 4, 9), "atraso_8_30"),  # 30º dia
        (date(2026, 4, 10), "atraso_31_60"),  # 31º dia
        (date(2026, 5, 9), "atraso_31_60"),  # 60º dia
        (date(2026, 5, 10), "atraso_61_90"),  # 61º dia
        (date(2026, 6, 8), "atraso_61_90"),  # 90º dia
        (date(2026, 6, 9), "atraso_90_mais"),  # 91º dia
        (date(2031, 1, 1), "atraso_90_mais"),
    ],
)
def test_walk_the_calendar(on: date, key: str) -> None:
    assert band_for(days_late(DUE, on)).key == key


def test_every_default_band_is_readable() -> None:
    # WCAG 2.x AA para texto normal: contraste ≥ 4,5:1
    for band in DEFAULT_BANDS:
        assert contrast_ratio(band.colour, band.text_colour) >= 4.5, band.key


def test_default_colours_differ_and_late_bands_darken() -> None:
    # Cor nunca é o único sinal, mas ajuda que o atraso escureça (daltônicos leem pelo brilho).
    colours = [band.colour for band in DEFAULT_BANDS]
    assert len(set(colours)) == len(colours)
    late = DEFAULT_BANDS[2:]
    whites = [contrast_ratio(band.colour, "#ffffff") for band in late]
    assert whites == sorted(whites)


def test_contrast_ratio_known_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#abcdef", "#abcdef") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        contrast_ratio("red", "#ffffff")


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_band_order_follows_days(days: int) -> None:
    index = DEFAULT_BANDS.index(band_for(days))
    assert DEFAULT_BANDS.index(band_for(days + 1)) in (index, index + 1)
    previous = DEFAULT_BANDS[index - 1].max_days if index else None
    upper = DEFAULT_BANDS[index].max_days
    assert previous is None or days > previous
    assert upper is None or days <= upper


# --- customer_band ---------------------------------------------------------------------


def test_customer_band_uses_the_oldest_open_installment() -> None:
    on = date(2026, 4, 20)
    dues = [date(2026, 5, 10), date(2026, 3, 10), date(2026, 4, 10)]
    # a mais antiga venceu em 10/03: 41 dias
    assert customer_band(dues, on).key == "atraso_31_60"
    assert customer_band(iter(dues), on).key == "atraso_31_60"


def test_customer_without_open_installments_is_em_dia() -> None:
    assert customer_band([], date(2026, 4, 20)).label == "Em dia"


def test_customer_band_with_custom_bands() -> None:
    bands = (
        Band("ok", "Ok", 0, "#ffffff", "#000000"),
        Band("late", "Atrasado", None, "#000000", "#ffffff"),
    )
    on = date(2026, 1, 10)
    assert customer_band([on + timedelta(days=1)], on, bands).key == "ok"
    assert customer_band([on - timedelta(days=1)], on, bands).key == "late"
    assert customer_band([], on, bands).key == "ok"


# --- validation and JSON ---------------------------------------------------------------


def test_json_round_trip() -> None:
    data = bands_to_json(DEFAULT_BANDS)
    assert data[0] == {
        "key": "em_dia",
        "label": "Em dia",
        "max_days": -4,
        "colour": "#dff2e1",
        "text_colour": "#1b4d24",
    }
    assert bands_from_json(json.loads(json.dumps(data))) == DEFAULT_BANDS


def _with(index: int, **changes: object) -> tuple[Band, ...]:
    bands = list(DEFAULT_BANDS)
    bands[index] = replace(bands[index], **changes)  # type: ignore[arg-type]
    return tuple(bands)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "Configure ao menos uma faixa de atraso."),
        (_with(2, max_days=0), "Faixa 3: o limite de dias deve ser maior que o da faixa anterior."),
        (_with(3, max_days=5), "Faixa 4: o limite de dias deve ser maior que o da faixa anterior."),
        (_with(6, max_days=120), "A última faixa deve ficar sem limite de dias."),
        (_with(2, max_days=None), "Faixa 3: só a última faixa pode ficar sem limite de dias."),
        (_with(1, label="  "), "Faixa 2: informe o nome da faixa."),
        (_with(1, key=""), "Faixa 2: informe a chave."),
        (_with(1, key="em_dia"), "Faixa 2: a chave “em_dia” está repetida."),
        (_with(0, colour="green"), "Faixa 1: cor inválida “green” (use #rrggbb)."),
        (_with(0, text_colour="#fff"), "Faixa 1: cor inválida “#fff” (use #rrggbb)."),
    ],
)
def test_validate_bands_refuses(bands: tuple[Band, ...], message: str) -> None:
    with pytest.raises(ValueError) as error:
        validate_bands(bands)
    assert str(error.value) == message


@pytest.mark.parametrize(
    "data",
    [
        {"key": "x"},
        ["not a dict"],
        [{"key": "x", "label": "X", "max_days": None, "colour": "#ffffff"}],
        [
            {
                "key": "x",
                "label": "X",
                "max_days": "7",
                "colour": "#ffffff",
                "text_colour": "#000000",
            }
        ],
        [{"key": "x", "label": "X", "max_days": True, "colour": "#fff", "text_colour": "#000000"}],
        [{"key": 1, "label": "X", "max_days": None, "colour": "#ffffff", "text_colour": "#000000"}],
        [],
    ],
)
def test_bands_from_json_refuses(data: object) -> None:
    with pytest.raises(ValueError):
        bands_from_json(data)


def test_band_for_without_open_ended_band() -> None:
    with pytest.raises(ValueError):
        band_for(10, (Band("ok", "Ok", 0, "#ffffff", "#000000"),))
