"""The SVG charts: accessible names, escaped labels, hidden small counts, the state grid."""

from protection.reports import charts


def test_bar_chart_is_an_accessible_image_with_escaped_labels():
    svg = str(
        charts.bar_chart(
            "Solicitudes", [("<script>alert(1)</script>", 3), ("B", 7)], desc="Descripción"
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title id=" in svg and "<desc id=" in svg and "aria-labelledby" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<rect") == 2


def test_small_counts_are_neither_drawn_nor_written_when_hidden():
    svg = str(charts.bar_chart("t", [("A", 3), ("B", 12)], hide_below=5))
    assert svg.count("<rect") == 1  # only B is drawn
    assert "&lt;5" in svg and ">3<" not in svg


def test_stacked_bars_have_a_legend_and_one_rect_per_piece():
    svg = str(
        charts.bar_chart(
            "t",
            [("Ene", [4, 2, 0]), ("Feb", [1, 0, 5])],
            series=["Admitidas", "No admitidas", "En trámite"],
        )
    )
    assert "Admitidas" in svg and "En trámite" in svg
    assert svg.count("<rect") == 3 + 4  # legend swatches + non-zero pieces


def test_state_grid_has_all_32_states_and_colours_by_count():
    svg = str(
        charts.state_grid(
            "Mapa", {"OAX": 10, "GRO": 1}, names={"OAX": "Oaxaca"}, display={"GRO": "<5"}
        )
    )
    assert len(charts.STATE_TILES) == 32
    assert svg.count("<g>") == 32
    assert "<title>Oaxaca: 10</title>" in svg and "&lt;5" in svg
    assert charts.scale_colour(10, 10)[0] == charts.SCALE[-1]
    assert charts.scale_colour(0, 10)[0] == "#ffffff"


def test_the_grid_has_a_tile_for_every_state_in_the_database(db):
    from cases.models import State

    assert set(charts.STATE_TILES) == set(State.objects.values_list("code", flat=True))
    assert len(set(charts.STATE_TILES.values())) == 32  # no two states on one tile
