"""The national generator names every column of every table it writes: a column added to one of its
models fails here until the generator fills it or declares that it leaves it empty."""

import pytest

from scripts.national import tables
from scripts.national.generator import Generator
from scripts.national.plan import Plan
from scripts.national.tables import TABLES, Table
from stations.models import Station


def concrete_columns(model) -> set[str]:
    return {field.attname for field in model._meta.concrete_fields}


@pytest.mark.parametrize("table", TABLES, ids=repr)
def test_every_column_is_filled_or_deliberately_left_empty(table):
    fills, leaves_empty = set(table.fills), set(table.leaves_empty)
    assert len(fills) == len(table.fills), "a column filled twice"
    assert not fills & leaves_empty, "a column both filled and left empty"
    declared, columns = fills | leaves_empty, concrete_columns(table.model)
    assert declared == columns, (f"{table.model._meta.label}: not named by the generator {sorted(columns - declared)}, "
                                 f"not a column {sorted(declared - columns)}")


@pytest.mark.parametrize("table", [t for t in TABLES if t.leaves_empty], ids=repr)
def test_a_column_left_empty_is_the_same_through_copy_and_bulk_create(table):
    """COPY stores NULL (or the database default) where bulk_create would use a Python default."""
    for name in table.leaves_empty:
        field = table.model._meta.get_field(name)
        assert field.has_db_default() or (field.null and not field.has_default()), name


def test_every_declared_table_is_listed():
    declared = {value for value in vars(tables).values() if isinstance(value, Table)}
    assert declared == set(TABLES)
    assert len({table.model for table in TABLES}) == len(TABLES)


def test_a_row_must_name_exactly_the_declared_columns():
    table = Table(Station, "id name")
    assert table.row(name="某站", id=1) == (1, "某站")
    with pytest.raises(TypeError, match=r"missing \['name'\]"):
        table.row(id=1)
    with pytest.raises(TypeError, match=r"unknown \['kind'\]"):
        table.row(id=1, name="某站", kind="station")


@pytest.mark.django_db
def test_the_generator_writes_the_declared_tables_and_no_other():
    generator = Generator(Plan(scale=0.001))
    generator.run()
    assert set(generator.writer.models) == {table.model for table in TABLES}
    for table in TABLES:
        assert table.model.objects.exists(), table
