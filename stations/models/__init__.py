"""Models of the backbone app, one module per topic."""

from stations.models.calendar import AdjustedDay, DayKind, HolidayNotice  # noqa: F401
from stations.models.policies import PolicyDocument, PolicyDocumentQuerySet, PolicyRule  # noqa: F401
from stations.models.regions import (  # noqa: F401
    CHILD_LEVEL,
    LEVEL_ORDER,
    PREFIX_LENGTH,
    ROLE_LEVEL,
    Region,
    RegionChange,
    RegionKind,
    RegionLevel,
    RegionQuerySet,
    RegionVersion,
    Role,
    User,
    ancestor_codes,
    kind_from_name,
    level_of_prefix,
    significant_prefix,
)
from stations.models.standards import (  # noqa: F401
    AcceptanceItemResult,
    ItemMetric,
    ItemSource,
    StandardChecklist,
    StandardItem,
)
from stations.models.stations import (  # noqa: F401
    COVERING_STATUSES,
    REOPENING,
    STATION_KIND_LEVEL,
    STATUS_TRANSITIONS,
    CoLocation,
    CorrectionAction,
    CoveragePeriod,
    Station,
    StationAcceptance,
    StationKind,
    StationQuerySet,
    StationStatus,
    StationStatusChange,
    StationStatusCorrection,
)
from stations.models.targets import (  # noqa: F401
    DEFAULT_COUNTED_KINDS,
    PERCENT_METRICS,
    TARGET_LEVELS,
    CoverageSetting,
    Target,
    TargetMetric,
    TargetUnit,
    counted_kinds_for,
)
from stations.reports.choices import (  # noqa: F401
    DEFAULT_DEADLINE_DAY,
    EDITABLE_STATUSES,
    ReportStatus,
    ServiceDomain,
    TargetGroup,
    deadline_for,
)
from stations.reports.models import (  # noqa: F401
    LINE_COUNT_FIELDS,
    MonthlyReport,
    MonthlyReportLine,
    MonthlyReportQuerySet,
    ReportDeadline,
)
