"""The dashboard's English: the names of rows that are not read from the data.

Panel modules take their words from here, so that a change of wording is made in one place
and the adversary test (tests/scrutiny/adversary.py) reads the same names as the page.
"""

OUT_OF_AREA = "Out of area"
ALL_SERVICES = "All services"
WAITING_LIST = "On the waiting list at quarter end"

# The equality profile's characteristics, in page order (categories: referrals.metrics).
EQUALITY_NAMES = {
    "gender": "Gender",
    "age_band": "Age band",
    "ethnic_group": "Ethnic group",
    "disability": "Disability",
    "sexual_orientation": "Sexual orientation",
    "no_recourse_to_public_funds": "No recourse to public funds",
}
