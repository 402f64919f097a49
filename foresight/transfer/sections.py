"""The document's sections in order. Each module writes its part of the
document (`export`) and reads it back into a Reader (`read`); a section names
only rows that an earlier one defines, besides the self-references that
Reader.ref_later keeps until every row is read."""

from foresight.transfer import (
    section_profiles,
    section_runs,
    section_set_up,
    section_workshops,
)

SECTIONS = (section_set_up, section_workshops, section_profiles, section_runs)
