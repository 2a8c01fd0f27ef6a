"""Small-count suppression for published tables, so that nobody can be identified.

Primary suppression hides every count from 1 to threshold−1 (shown as "<5" with the default
threshold of 5). Secondary suppression then makes sure no hidden cell can be worked out by
subtraction from a row or column total: every row and column (each with its total) must have
none or at least two hidden values; when only one is hidden, the smallest other value of that
line is hidden too (a total only when the line has nothing else left to hide). This repeats
until every line is safe. Zero stays visible: it identifies nobody.
"""

from dataclasses import dataclass, field

from .conf import small_count_threshold


@dataclass
class Cell:
    value: int
    hidden: bool = False
    threshold: int = 5

    @property
    def display(self):
        return f"<{self.threshold}" if self.hidden else f"{self.value:,}"

    def __str__(self):
        return self.display


@dataclass
class Table:
    """A rows × columns table of counts with row totals, column totals and a grand total."""

    title: str
    row_labels: list
    col_labels: list
    cells: list  # rows of Cell
    row_totals: list = field(default_factory=list)
    col_totals: list = field(default_factory=list)
    total: Cell | None = None
    threshold: int = 5

    @property
    def rows(self):
        return [
            {"label": label, "cells": cells, "total": total}
            for label, cells, total in zip(
                self.row_labels, self.cells, self.row_totals, strict=True
            )
        ]

    @property
    def hidden_count(self):
        inner = sum(c.hidden for row in self.cells for c in row)
        margins = sum(c.hidden for c in [*self.row_totals, *self.col_totals, self.total])
        return inner + margins


def suppress(title, row_labels, col_labels, matrix, *, threshold=None):
    """Build a Table from a matrix of counts, with margins, and apply both suppressions."""
    threshold = small_count_threshold() if threshold is None else threshold
    cells = [[Cell(int(v or 0), threshold=threshold) for v in row] for row in matrix]
    row_totals = [Cell(sum(c.value for c in row), threshold=threshold) for row in cells]
    col_totals = [
        Cell(sum(row[j].value for row in cells), threshold=threshold)
        for j in range(len(col_labels))
    ]
    total = Cell(sum(c.value for c in row_totals), threshold=threshold)
    table = Table(
        title, list(row_labels), list(col_labels), cells, row_totals, col_totals, total, threshold
    )
    everything = [c for row in cells for c in row] + row_totals + col_totals + [total]
    for cell in everything:  # primary
        if 0 < cell.value < threshold:
            cell.hidden = True
    # Each line: (its inner cells, its total). Rows, columns, and the two margin lines.
    lines = [(row, row_totals[i]) for i, row in enumerate(cells)]
    lines += [([row[j] for row in cells], col_totals[j]) for j in range(len(col_labels))]
    lines.append((col_totals, total))
    lines.append((row_totals, total))
    changed = True
    while changed:  # each pass hides at least one more cell, so this ends
        changed = False
        for inner, line_total in lines:
            members = [*inner, line_total]
            if sum(c.hidden for c in members) != 1:
                continue
            changed = _hide_complement(inner, line_total) or changed
    return table


def _hide_complement(inner, line_total):
    candidates = [c for c in inner if not c.hidden and c.value > 0]
    if candidates:
        min(candidates, key=lambda c: c.value).hidden = True
        return True
    if not line_total.hidden:
        line_total.hidden = True
        return True
    zeros = [c for c in inner if not c.hidden]
    if zeros:
        zeros[0].hidden = True
        return True
    return False


def suppress_list(title, labels, values, *, threshold=None, total_label=""):
    """A single column (for example aggressions by state) with its total."""
    return suppress(
        title, labels, [total_label or title], [[v] for v in values], threshold=threshold
    )


def show(value, threshold):
    """A single published count: "<N" when it is small."""
    value = int(value or 0)
    return f"<{threshold}" if 0 < value < threshold else f"{value:,}"
