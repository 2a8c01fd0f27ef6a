"""Small counts are hidden, and so is whatever would let a reader subtract them back."""

import itertools

import pytest
from django.test import override_settings

from protection.reports.suppression import show, suppress, suppress_list


def visible(table):
    return [[None if c.hidden else c.value for c in row] for row in table.cells]


def lines(table):
    """Every row and column with its total, as (cells, total)."""
    out = [(row, table.row_totals[i]) for i, row in enumerate(table.cells)]
    out += [
        ([row[j] for row in table.cells], table.col_totals[j]) for j in range(len(table.col_labels))
    ]
    out += [(table.col_totals, table.total), (table.row_totals, table.total)]
    return out


def assert_no_line_reveals_a_single_hidden_value(table):
    for cells, total in lines(table):
        assert sum(c.hidden for c in [*cells, total]) != 1


def test_counts_under_the_threshold_are_shown_as_less_than_five():
    table = suppress("t", ["a", "b"], ["x", "y", "z"], [[12, 3, 20], [7, 9, 15]])
    assert table.cells[0][1].display == "<5"
    assert table.cells[0][1].hidden


def test_a_row_total_cannot_give_a_hidden_cell_away():
    # 3 is hidden; without a second hidden cell in its row, 35 − 12 − 20 would reveal it.
    table = suppress("t", ["a", "b"], ["x", "y", "z"], [[12, 3, 20], [7, 9, 15]])
    assert_no_line_reveals_a_single_hidden_value(table)
    assert table.cells[0][0].hidden  # the smallest other value of the row (12)
    assert table.cells[1][1].hidden  # column y: 9 hidden too, so 3 + 9 stays unknown


def test_zero_is_published_and_large_tables_keep_most_values():
    table = suppress("t", ["a", "b", "c"], ["x", "y"], [[0, 40], [30, 25], [50, 60]])
    assert visible(table) == [[0, 40], [30, 25], [50, 60]]
    assert table.hidden_count == 0


def test_a_line_whose_only_other_values_are_zero_hides_its_total():
    table = suppress("t", ["a", "b"], ["x", "y"], [[2, 0], [10, 20]])
    assert table.cells[0][0].hidden
    assert_no_line_reveals_a_single_hidden_value(table)
    assert table.row_totals[0].hidden  # 2 + 0: the total would be the hidden 2


@override_settings(REPORT_SMALL_COUNT_THRESHOLD=3)
def test_the_threshold_is_a_setting():
    table = suppress("t", ["a"], ["x", "y"], [[3, 4]])
    assert not table.cells[0][0].hidden
    assert show(2, 3) == "<3" and show(3, 3) == "3"


def test_a_single_column_list_hides_a_second_value_for_its_total():
    table = suppress_list("states", ["A", "B", "C", "D"], [40, 2, 11, 30])
    hidden = [row[0].hidden for row in table.cells]
    assert hidden == [False, True, True, False]
    assert not table.total.hidden


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_leave_a_line_with_one_hidden_value(seed):
    import random

    rnd = random.Random(seed)
    rows, cols = rnd.randint(1, 5), rnd.randint(1, 5)
    matrix = [
        [rnd.choice([0, 0, 1, 2, 3, 4, 5, 8, 13, 40]) for _ in range(cols)] for _ in range(rows)
    ]
    table = suppress("t", list(range(rows)), list(range(cols)), matrix)
    assert_no_line_reveals_a_single_hidden_value(table)
    for r, c in itertools.product(range(rows), range(cols)):
        if 0 < matrix[r][c] < 5:
            assert table.cells[r][c].hidden
