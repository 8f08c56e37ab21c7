"""What every part of a synthetic case shares: the generator's name, the key dates, and the ids of people and
agencies (people are pseudonyms and roles only: Adult A, Adult B, Child 1..n)."""

from __future__ import annotations

from datetime import date, timedelta

GENERATOR = "auditor-synth/1"
SOURCE_KEY = "chronology"

WT2010 = date(2010, 3, 1)
WT2013 = date(2013, 4, 15)
FIRST_DAY = date(2006, 4, 3)  # the first working day of WT 2006
LAST_MAIN_DAY = date(2023, 6, 30)
_ONE = timedelta(days=1)
_TD = [timedelta(days=i) for i in range(1500)]  # timedelta(days=n) costs ten times a list lookup

A, B = "adult-a", "adult-b"
UNBORN = "unborn-child-1"
POLICE, CSC, EDT, HV, GP, MW = "police", "childrens-social-care", "emergency-duty-team", "health-visiting", "gp", "midwifery"
HOUSING, NURSERY, WA, ICS, CPS, MARAC, IDVA = "housing", "nursery", "womens-aid", "conference-service", "cps", "marac", "idva"
DA = "domestic-abuse"

# Agencies in the vocabulary's order, for a stable `case.agencies`.
AGENCY_ORDER = [POLICE, CSC, EDT, HV, GP, MW, "district-nursing", "walk-in-centre", "safeguarding-nursing", HOUSING,
                NURSERY, WA, ICS, CPS, "probation", MARAC, IDVA, "family"]
_AGENCY_RANK = {a: i for i, a in enumerate(AGENCY_ORDER)}
