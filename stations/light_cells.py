"""Traffic lights in workbooks: the light's word on the light's colour, as on the pages."""

from openpyxl.styles import Font, PatternFill

from stations.selectors.lights import Light

# The colours of static/css/lights.css.
COLOURS = {Light.MET: "2F7D32", Light.WITHIN: "B7791F", Light.BEHIND: "C53030", Light.OVERDUE: "7B1A1A",
           Light.NONE: "66788A"}


def paint_lights(sheet, *columns: int) -> None:
    """Colour the cells of the columns (1-based) that hold a light's label."""
    lights = {str(light.label): light for light in Light}
    for column in columns:
        for (cell,) in sheet.iter_rows(min_col=column, max_col=column):
            light = lights.get(cell.value) if isinstance(cell.value, str) else None
            if light is not None:
                cell.fill = PatternFill("solid", fgColor=COLOURS[light])
                cell.font = Font(color="FFFFFF", bold=True)
