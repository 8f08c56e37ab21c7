"""Hypothesis strategies for random chronologies built from the vocabulary the rules use."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

TYPES = ["strategy-discussion", "initial-child-protection-conference", "conference-report", "core-group-meeting",
         "conference-minutes-sent", "initial-assessment", "information-check", "home-visit", "case-closure",
         "dash-risk-assessment", "referral"]
AGENCIES = ["police", "childrens-social-care", "health-visiting", "gp", "housing"]
PARTIES = AGENCIES + ["adult-a"]
START = date(2009, 6, 1)


@st.composite
def event_dates(draw):
    day = START + timedelta(days=draw(st.integers(0, 1800)))
    kind = draw(st.sampled_from(["day", "day", "day", "month", "range", "datetime"]))
    if kind == "day":
        return day.isoformat()
    if kind == "month":
        return day.strftime("%Y-%m")
    if kind == "datetime":
        return f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:{draw(st.sampled_from([0, 30])):02d}"
    return {"earliest": day.isoformat(), "latest": (day + timedelta(days=draw(st.integers(0, 20)))).isoformat()}


@st.composite
def attrs(draw):
    out = {}
    if draw(st.booleans()):
        out["concerns"] = draw(st.lists(st.sampled_from(["domestic-abuse", "neglect"]), max_size=2, unique=True))
    if draw(st.booleans()):
        out["invited"] = draw(st.lists(st.sampled_from(PARTIES), max_size=3, unique=True))
    if draw(st.booleans()):
        out["recipients"] = draw(st.lists(st.sampled_from(PARTIES), max_size=3, unique=True))
    if draw(st.booleans()):
        out["with"] = draw(st.lists(st.sampled_from(AGENCIES), max_size=3, unique=True))
    if draw(st.booleans()):
        out["consultation"] = draw(st.lists(st.sampled_from(AGENCIES), max_size=2, unique=True))
    for name in ("seen_alone", "history_checked", "reasons_recorded"):
        if draw(st.booleans()):
            out[name] = draw(st.booleans())
    if draw(st.booleans()):
        out["status"] = draw(st.sampled_from(["held", "cancelled", "completed"]))
    if draw(st.booleans()):
        out["section47"] = draw(st.sampled_from(["joint", "single-agency", "none"]))
    if draw(st.booleans()):
        out["author_agency"] = draw(st.sampled_from(AGENCIES))
    return out


@st.composite
def chronologies(draw):
    n = draw(st.integers(1, 14))
    events = []
    for i in range(n):
        events.append({"id": f"E{i:02d}", "date": draw(event_dates()), "agency": draw(st.sampled_from(AGENCIES)),
                       "type": draw(st.sampled_from(TYPES)), "attrs": draw(attrs()),
                       "source": {"document": "review", "paras": [i + 1]}})
    for event in events:
        if draw(st.integers(0, 4)) == 0:
            event["links"] = {"for": draw(st.sampled_from(events))["id"]}
    if n >= 2 and draw(st.booleans()):  # two records of one event that disagree
        a, b = draw(st.lists(st.sampled_from(range(n)), min_size=2, max_size=2, unique=True))
        events[b]["type"] = events[a]["type"]
        events[a]["same_event_as"] = [events[b]["id"]]
    end = START + timedelta(days=draw(st.integers(200, 2200)))
    return {"case": {"id": "gen", "title": "Generated", "jurisdiction": "england",
                     "area": draw(st.sampled_from([None, "birmingham", "coventry"])),
                     "scoping": {"from": START.isoformat(), "to": end.isoformat()},
                     "people": [{"id": "adult-a", "role": "victim", "pseudonym": "Adult A"}],
                     "facts": {"domestic_abuse": draw(st.booleans())}},
            "events": events}
