"""The data contract in code: each dataset, its columns, their types and choices, and the rules between them.

This module is the one description of the data contract (docs/upload-format.md is written from it) that the
reader, the validator, the templates and the tests share. Choice lists that a partnership may change
(localities, agencies) come from the configuration; the others are fixed by the contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from dashboard.core.config import ALL_LOCALITIES_WORDS, Settings
from dashboard.core.kpi_names import kpi_names

Kind = Literal["text", "date", "whole", "number", "choice", "yesno", "quarter", "link"]
# Where a choice column's values come from when not fixed: the configuration, or the KPI catalogue (ids, also
# matched by title). "localities_area_or_all" adds ALL_LOCALITIES, for a row about every locality together.
ChoiceSource = Literal["localities", "localities_and_area", "localities_area_or_all", "agencies", "kpis"]
DefaultSource = Literal["area_wide"]

ALL_LOCALITIES = "All localities"
"""kpi_commentary's locality for the KPI figures of every locality together (the KPI tables' NULL locality)."""
NARRATIVE_MAX_CHARS = 2_000  # the free text of the quarterly cycle (an update, a commentary, an action)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    help: str = ""
    # Fixed choices: canonical values, and other spellings mapped to them.
    choices: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)
    # Choices taken from the configuration instead.
    choice_source: ChoiceSource | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None  # used when the cell is blank
    default_from: DefaultSource | None = None  # or the configuration's value used then: the area-wide name
    max_chars: int | None = None  # the longest text allowed (else cells.MAX_TEXT_CHARS)
    # Other headers accepted for this column (an older name, the words a form uses).
    aliases: tuple[str, ...] = ()

    def choice_map(self, settings: Settings) -> dict[str, str]:
        """Every accepted spelling (normalised) -> the canonical value."""
        if self.choice_source == "agencies":
            return {normalise_choice(k): v for k, v in settings.agency_synonyms.items()}
        if self.choice_source == "kpis":
            names = kpi_names()
            mapping = {normalise_choice(title): kpi for kpi, title in names.items()}
            mapping.update({normalise_choice(kpi): kpi for kpi in names})
            return mapping
        if self.choice_source is not None:
            allowed = set(
                settings.localities if self.choice_source == "localities" else settings.all_localities
            )
            mapping = {normalise_choice(k): v for k, v in settings.locality_synonyms.items() if v in allowed}
            if self.choice_source == "localities_area_or_all":
                mapping.update({normalise_choice(word): ALL_LOCALITIES for word in ALL_LOCALITIES_WORDS})
            return mapping
        mapping = {normalise_choice(c): c for c in self.choices}
        mapping.update({normalise_choice(k): v for k, v in self.synonyms.items()})
        return mapping

    def allowed_values(self, settings: Settings) -> list[str]:
        """The canonical values, in order, for messages and drop-down lists."""
        if self.choice_source == "agencies":
            return list(settings.agencies)
        if self.choice_source == "kpis":
            return list(kpi_names())
        if self.choice_source == "localities_area_or_all":
            return [*settings.all_localities, ALL_LOCALITIES]
        if self.choice_source == "localities_and_area":
            return list(settings.all_localities)
        if self.choice_source == "localities":
            return list(settings.localities)
        return list(self.choices)

    def blank_value(self, settings: Settings) -> str | None:
        """What a blank cell stands for: the default, or the configured value it names; None when nothing."""
        if self.default_from == "area_wide":
            return settings.area_wide
        return self.default


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def header_map(self) -> dict[str, str]:
        """Every accepted header (normalised: names and aliases) -> the column's name."""
        found = {normalise_header(alias): c.name for c in self.columns for alias in c.aliases}
        found.update({normalise_header(c.name): c.name for c in self.columns})
        return found

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def normalise_header(text: object) -> str:
    """Headers match ignoring case, spaces, underscores, hyphens and trailing '*'."""
    return re.sub(r"[\s_\-]+", "", str(text).strip().rstrip("*").strip().lower())


def normalise_choice(text: str) -> str:
    """Choices match ignoring case, surrounding (and doubled) spaces, and curly or straight apostrophes."""
    return " ".join(text.strip().lower().replace("\u2019", "'").replace("\u2018", "'").split())


def normalise_sheet_name(text: str) -> str:
    return normalise_header(text)


_LOCALITY_HELP = "Locality the row belongs to"
_AGENCY: ChoiceSource = "agencies"


_RECORD_DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="training_sessions",
        title="Training sessions",
        key=("session_id",),
        description="One row per training session.",
        columns=(
            Column("session_id", "text", True, "Unique reference of the session"),
            Column("session_date", "date", True, "Date the session took place (or was due to)"),
            Column("course_title", "text", True, "Name of the course"),
            Column("theme", "text", help="Theme, e.g. Neglect, Child sexual abuse, Exploitation"),
            Column(
                "delivery_mode",
                "choice",
                True,
                "How it was delivered",
                choices=("Face to face", "Virtual", "E-learning"),
                synonyms={
                    "Face-to-face": "Face to face",
                    "F2F": "Face to face",
                    "In person": "Face to face",
                    "Classroom": "Face to face",
                    "Online": "Virtual",
                    "Teams": "Virtual",
                    "Zoom": "Virtual",
                    "Virtual live": "Virtual",
                    "eLearning": "E-learning",
                    "Online course": "E-learning",
                },
            ),
            Column(
                "locality", "choice", True, "Locality the session served", choice_source="localities_and_area"
            ),
            Column(
                "status",
                "choice",
                help="Delivered (when blank) or Cancelled",
                choices=("Delivered", "Cancelled"),
                default="Delivered",
            ),
            Column("places_offered", "whole", help="Places offered", minimum=0),
            Column("places_booked", "whole", True, "Places booked", minimum=0),
            Column("attended", "whole", True, "People who attended", minimum=0),
            Column(
                "did_not_attend", "whole", help="Booked but did not attend; at most places_booked", minimum=0
            ),
            Column(
                "pre_confidence_avg", "number", help="Average confidence before, 1 to 5", minimum=1, maximum=5
            ),
            Column(
                "post_confidence_avg", "number", help="Average confidence after, 1 to 5", minimum=1, maximum=5
            ),
        ),
    ),
    Dataset(
        name="training_attendance",
        title="Training attendance by agency",
        key=("session_id", "agency"),
        description="Attendance by agency: one row per session and agency.",
        columns=(
            Column("session_id", "text", True, "A session already stored or in the same upload"),
            Column("agency", "choice", True, "Agency of the attendees", choice_source=_AGENCY),
            Column("booked", "whole", True, "Places booked by the agency", minimum=0),
            Column("attended", "whole", True, "People from the agency who attended", minimum=0),
        ),
    ),
    Dataset(
        name="audits",
        title="Multi-agency audits",
        key=("audit_id", "case_ref"),
        description="One row per audited case.",
        columns=(
            Column("audit_id", "text", True, "Reference of the audit"),
            Column("audit_title", "text", True, "Theme of the audit; the same on every row of one audit"),
            Column("audit_date", "date", True, "Date of the audit; the same on every row of one audit"),
            Column("case_ref", "text", True, "Pseudonym of the case, never a name"),
            Column("locality", "choice", True, _LOCALITY_HELP, choice_source="localities"),
            Column("lead_agency", "choice", help="Lead agency for the case", choice_source=_AGENCY),
            Column(
                "age_band",
                "choice",
                help="Age of the child",
                choices=("Under 1", "1-4", "5-9", "10-15", "16-17"),
            ),
            Column(
                "case_level",
                "choice",
                help="Level of intervention",
                choices=("Early help", "Child in need", "Child protection", "Looked after", "Other"),
            ),
            Column(
                "overall_grade",
                "choice",
                True,
                "Overall grade of the case",
                choices=("Outstanding", "Good", "Requires improvement", "Inadequate"),
                synonyms={"RI": "Requires improvement"},
            ),
            Column("actions_raised", "whole", help="Actions raised for the case", minimum=0),
            Column("actions_completed", "whole", help="Actions completed; at most actions_raised", minimum=0),
            Column("exec_report_date", "date", help="When the audit report went to the Exec group"),
        ),
    ),
    Dataset(
        name="reviews",
        title="Serious incidents and case reviews",
        key=("review_id",),
        description="One row per serious incident: notification, rapid review, LCSPR.",
        columns=(
            Column("review_id", "text", True, "Reference, e.g. initials KLT"),
            Column("locality", "choice", True, _LOCALITY_HELP, choice_source="localities"),
            Column(
                "nature",
                "choice",
                True,
                "Child death, Serious harm or Other",
                choices=("Child death", "Serious harm", "Other"),
                synonyms={"Fatal": "Child death", "Death": "Child death", "Non-fatal": "Serious harm"},
            ),
            Column(
                "harm_type",
                "choice",
                help="Abuse, Neglect, or both",
                choices=("Abuse", "Neglect", "Abuse and neglect"),
            ),
            Column("la_aware_date", "date", help="Local authority became aware"),
            Column("notification_date", "date", True, "Notified to the Panel; on or after la_aware_date"),
            Column(
                "rr_completed_date",
                "date",
                help="Rapid review sent to the Panel; on or after notification_date",
            ),
            Column(
                "rr_outcome",
                "choice",
                help="Required when rr_completed_date is set",
                choices=(
                    "LCSPR",
                    "No LCSPR",
                    "National review",
                    "Notification withdrawn",
                    "Alternative learning review",
                ),
                synonyms={
                    "No further review": "No LCSPR",
                    "Learning taken forward": "No LCSPR",
                    "Referred for national review": "National review",
                    "Withdrawn": "Notification withdrawn",
                    "Criteria not met": "Notification withdrawn",
                },
            ),
            Column(
                "rr_extension_agreed",
                "yesno",
                help="The Panel agreed a longer timescale for the rapid review; it is judged against it",
            ),
            Column("panel_response", "choice", help="The Panel's response", choices=("Agreed", "Disagreed")),
            Column("panel_response_date", "date", help="The Panel's response; on or after rr_completed_date"),
            Column(
                "lcspr_decision_date",
                "date",
                help="Decision to hold an LCSPR; only when rr_outcome is LCSPR",
                aliases=("lcspr_start_date", "Decision to hold an LCSPR"),
            ),
            Column("learning_event_date", "date", help="LCSPR learning event"),
            Column("recall_event_date", "date", help="LCSPR recall event"),
            Column(
                "final_report_date",
                "date",
                help="Final report signed off by the safeguarding partners; on or after lcspr_decision_date",
            ),
            Column("lcspr_published_date", "date", help="LCSPR published; on or after lcspr_decision_date"),
            Column(
                "publication_delay_reason",
                "text",
                help='Why publication is delayed, e.g. "Parallel criminal proceedings"',
            ),
            Column("published_name", "text", help="Name the review was published under, e.g. Child Joe"),
        ),
    ),
    Dataset(
        name="actions",
        title="Combined learning action plan",
        key=("action_id",),
        description="One row per action of the combined learning action plan.",
        columns=(
            Column("action_id", "text", True, "Reference of the action"),
            Column(
                "source_type",
                "choice",
                True,
                "Where the action came from",
                choices=("LCSPR", "Rapid review", "Audit", "National review", "Other"),
            ),
            Column("source_ref", "text", help="The review_id or audit_id it came from"),
            Column("action", "text", True, "What is to be done"),
            Column("lead_agency", "choice", True, "Agency leading the action", choice_source=_AGENCY),
            Column("locality", "choice", True, _LOCALITY_HELP, choice_source="localities_and_area"),
            Column("date_agreed", "date", help="When the action was agreed"),
            Column("target_date", "date", True, "When it is due"),
            Column(
                "status",
                "choice",
                True,
                "Not started, On track, At risk or Complete",
                choices=("Not started", "On track", "At risk", "Complete"),
            ),
            Column("completed_date", "date", help="Required when status is Complete"),
        ),
    ),
)

# The quarterly cycle's narrative, after the records (dashboard.ingest.edits writes them from the app too).
DATASETS: tuple[Dataset, ...] = (
    *_RECORD_DATASETS,
    Dataset(
        name="partnership_updates",
        title="Partnership updates",
        key=("update_id",),
        description=(
            "The quarter's narrative, one row per update: the progress of a work stream or priority, a "
            "procedure reviewed, an event, a communication, the training programme."
        ),
        columns=(
            Column("update_id", "text", True, "Unique reference of the update, e.g. 2023-24-Q3-01"),
            Column("quarter", "quarter", True, "The quarter it reports on, written 2023-24 Q3"),
            Column(
                "section",
                "choice",
                True,
                "Where it goes in the quarterly report",
                choices=("Work stream", "Procedure", "Event", "Communication", "Training programme", "Other"),
                synonyms={
                    "Workstream": "Work stream",
                    "Priority": "Work stream",
                    "Procedures": "Procedure",
                    "Guidance": "Procedure",
                    "Key event": "Event",
                    "Conference": "Event",
                    "Learning event": "Event",
                    "E-bulletin": "Communication",
                    "Newsletter": "Communication",
                    "Campaign": "Communication",
                },
            ),
            Column(
                "title",
                "text",
                True,
                "e.g. Engagement of Children and Young People; Child in Need; Neglect Active Learning Event",
            ),
            Column("priority", "text", help="The partnership priority it serves, e.g. Neglect"),
            Column(
                "update",
                "text",
                True,
                "Plain text, shown as written (never HTML or markdown)",
                max_chars=NARRATIVE_MAX_CHARS,
            ),
            Column(
                "status",
                "choice",
                help="Progress of a work stream or priority",
                choices=("On track", "At risk", "Off track", "Complete"),
            ),
            Column("event_date", "date", help="For an event; an event on two dates is two rows"),
            Column("link", "link", help="An https:// address only, shown as a link"),
            Column(
                "locality",
                "choice",
                help="Locality it belongs to; blank means the whole area",
                choice_source="localities_and_area",
                default_from="area_wide",
            ),
        ),
    ),
    Dataset(
        name="kpi_commentary",
        title="KPI commentary",
        key=("kpi", "quarter", "locality"),
        description="The PMF group's commentary on a KPI for a quarter: one row per KPI, quarter and locality.",
        columns=(
            Column("kpi", "choice", True, "The KPI commented on", choice_source="kpis"),
            Column("quarter", "quarter", True, "The quarter it comments on, written 2023-24 Q3"),
            Column(
                "locality",
                "choice",
                help=f"Locality of the figure; blank means {ALL_LOCALITIES.lower()} together",
                choice_source="localities_area_or_all",
                default=ALL_LOCALITIES,
            ),
            Column(
                "commentary",
                "text",
                True,
                "What is behind the figure; plain text, shown as written",
                max_chars=NARRATIVE_MAX_CHARS,
            ),
            Column("action", "text", help="What is being done about it", max_chars=NARRATIVE_MAX_CHARS),
            Column("owner", "text", help="A role or team (e.g. Business manager), never a child"),
            Column("review_date", "date", help="When it is looked at again"),
        ),
    ),
)

NARRATIVE_DATASETS = ("partnership_updates", "kpi_commentary")
"""The quarterly cycle's datasets: written in the dashboard as well as uploaded (dashboard.ingest.edits)."""

DATASETS_BY_NAME: dict[str, Dataset] = {d.name: d for d in DATASETS}
DATASET_NAMES: tuple[str, ...] = tuple(DATASETS_BY_NAME)


def dataset_for_sheet_name(sheet_name: str) -> Dataset | None:
    """A sheet named after a dataset (ignoring case, spaces, underscores and hyphens), if any."""
    wanted = normalise_sheet_name(sheet_name)
    for dataset in DATASETS:
        if normalise_sheet_name(dataset.name) in (wanted,) or normalise_sheet_name(dataset.title) == wanted:
            return dataset
    return None


# Headers of columns that the contract does not name and that look like personal data.
PERSONAL_DATA_PATTERNS = re.compile(
    r"(^|[^a-z])(first ?name|last ?name|surname|fore ?names?|full ?name|child'?s? ?name|name|d\.?o\.?b|date ?of ?birth|"
    r"birth ?date|nhs|address|post ?code|zip)([^a-z]|$)",
    re.IGNORECASE,
)


def looks_like_personal_data(header: str) -> bool:
    spaced = re.sub(r"[_\-]+", " ", header.strip().lower())
    return bool(PERSONAL_DATA_PATTERNS.search(spaced))
