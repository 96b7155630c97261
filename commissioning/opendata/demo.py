"""Fictional directory listings and one published contract for the Eastshire demo.

Telephone numbers are from Ofcom's ranges kept for drama (01632 960xxx, 0808 157 0xxx), web
addresses are under example.org.uk, and the NV postcode area does not exist.

- Published: the IDVA and outreach service (with a drop-in centre people can visit), the
  helpline (open all day, every day), the children's service and the refuge, which shows only
  the districts it serves: it has no address anywhere in the app to publish.
- A draft: the perpetrator programme's listing is filled in but not published, so it appears
  nowhere in the feed.
- The joint victim and perpetrator contract is published as open data, including the 2020/21
  year whose funding does not add up, flagged as it is on screen.
"""

from __future__ import annotations

from datetime import time

from .. import services
from ..constants import Language, Weekday

WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
OFFICE_HOURS = services.OpeningTimeInput(WEEKDAYS, time(9), time(17))
ALL_DAY = services.OpeningTimeInput(tuple(Weekday.values), time(0), time(23, 59))

LISTINGS = {
    "Harbour Lights IDVA and Outreach": {
        "publish": True,
        "public_description": "Independent domestic violence advisers (IDVAs) and outreach "
        "workers help you make a safety plan, deal with the police, courts and housing, and "
        "stay safe. Support is confidential.",
        "eligibility": "Anyone aged 16 or over who lives in Eastshire and is experiencing or has "
        "experienced domestic abuse.",
        "minimum_age": 16,
        "phone": "01632 960 018",
        "website": "https://harbourlights.example.org.uk",
        "self_referral": "Call us, use the online form on our website, or come to the drop-in "
        "centre. You do not need anyone else to refer you.",
        "languages": [Language.ENGLISH, Language.POLISH, Language.URDU],
        "location_name": "Harbour Lights drop-in centre",
        "location_address": "12 Quay Street",
        "location_town": "Northvale",
        "location_county": "Eastshire",
        "location_postcode": "NV1 2AB",
        "opening_times": [OFFICE_HOURS],
    },
    "Harbour Lights Helpline": {
        "publish": True,
        "public_description": "A free, confidential helpline for anyone affected by domestic "
        "abuse in Eastshire, and for friends, family and professionals worried about someone.",
        "eligibility": "Anyone affected by domestic abuse in Eastshire.",
        "phone": "0808 157 0247",
        "self_referral": "Call the helpline at any time. If you are in danger now, call 999.",
        "languages": [Language.ENGLISH, Language.BRITISH_SIGN_LANGUAGE],
        "opening_times": [ALL_DAY],
    },
    "Little Oaks Children and Young People's Service": {
        "publish": True,
        "public_description": "One-to-one and group support for children and young people who "
        "have lived with domestic abuse, in schools, at home or online.",
        "eligibility": "Children and young people aged 5 to 17 living in Eastshire. A parent, "
        "carer or professional can refer, and young people aged 13 or over can refer themselves.",
        "minimum_age": 5,
        "maximum_age": 17,
        "phone": "01632 960 442",
        "website": "https://littleoaks.example.org.uk",
        "self_referral": "Young people aged 13 or over can call or text us. Parents and carers "
        "can call us too.",
        "languages": [Language.ENGLISH],
        "opening_times": [OFFICE_HOURS],
    },
    "Beacon House Refuge": {
        "publish": True,
        "public_description": "Safe, confidential accommodation with support for women and their "
        "children escaping domestic abuse. Its address is never published.",
        "eligibility": "Women aged 18 or over, with or without children, who need to leave home "
        "because of domestic abuse.",
        "minimum_age": 18,
        "phone": "01632 960 555",
        "self_referral": "Call us, or ask any domestic abuse service or the police to refer you. "
        "We tell you where to go only when a place is offered.",
        "languages": [Language.ENGLISH, Language.ARABIC],
        "opening_times": [ALL_DAY],
    },
    "Turning Point Change Programme": {
        "publish": False,  # a draft: filled in, not yet published
        "public_description": "A programme for people who have been abusive and want to change.",
        "eligibility": "Adults in Eastshire who have been abusive towards a partner.",
        "minimum_age": 18,
        "phone": "01632 960 700",
        "opening_times": [OFFICE_HOURS],
    },
}
PUBLISHED_CONTRACT = "ESX-DA-2018-01"


def seed_directory(by, made: dict, contracts: dict) -> list[str]:
    """Fill in and publish the listings above, and publish one contract; returns the names of
    the services published."""
    published = []
    for name, listing in LISTINGS.items():
        fields = dict(listing)
        publish = fields.pop("publish")
        service = services.service_listing_update(by=by, service=made[name], **fields)
        if publish:
            services.service_listing_publish(by=by, service=service, publish=True)
            published.append(name)
    services.contract_publication_set(by=by, contract=contracts[PUBLISHED_CONTRACT], publish=True)
    return published
