"""Generate a deterministic vault of N short notes shaped like the sample vault, for benchmarks.

The mix follows a consultancy's wiki: people (~15 %), projects (~5 %), customers (~5 %), dated meetings
(~50 %, `Meetings/<year>/2026-10-06 - Kickoff with Alder Logistics.md`) with attendees as frontmatter
links and action items with owners and 📅 due dates, daily notes (~25 %) and one home page. Notes link
to each other in text, in tables (`[[Note\\|alias]]`) and in frontmatter, carry tags and inline fields.
Fan-out as a team's: a meeting has 1-6 attendees, a person attends 0-20 meetings, a project has 0-11
meetings and so 0-40 tasks.

Every note type holds several Dataview templates, the shapes teams write rather than the ones the
engine happens to answer fast: `contains(attendees, this.file.link)`, `contains(owner, …)` on tasks,
`contains(file.outlinks | file.inlinks, this.file.link)`, `contains(this.attendees, file.link)`,
`contains(this.file.inlinks, file.link)`, `file.name = this.client`, `contains(file.tags, this.tagname)`,
`field = this.file.link`, `FROM [[]]`, `FROM [[]] AND "Meetings"`, `FROM #followup AND "Daily"`, with
`AND` / `OR`, `!completed`, `status = "active"` and `date(today)`; and on every project page the two
page-independent blocks that list the whole vault (every open task; every note by modification time).

Every name is made up from the small word lists below; every link points at a note that exists, so a
build of a generated vault reports no unresolved links. The same `n` and `seed` give the same bytes.

Beside the vault, two MkDocs configurations are written so the harness can compare like with like:
`mkdocs.yml` (Material + search + the `vault` plugin) and `mkdocs-plain.yml` (Material + search, no
plugin, a nav of just the home page, as plain MkDocs needs to stay linear in the note count).

    python tests/bench/generate.py OUT_DIR -n 1000 [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the output changes shape, so cached benchmark vaults are regenerated.
GENERATOR_VERSION = 3  # 2: two bases, embedded in every customer and project note; 3: issue 14's templates and fan-out

# The last day anything happens in a generated vault, and the `today` the plugin is told.
END = dt.date(2026, 11, 20)
TODAY = "2026-11-24"

OUR_FIRM = "Ashgrove Partners"  # the consultancy whose wiki this is; a plain string, not a note

FIRST_NAMES = [
    "Ada",
    "Bram",
    "Céline",
    "Dario",
    "Elin",
    "Fintan",
    "Greta",
    "Hamid",
    "Ines",
    "Joaquín",
    "Kasia",
    "Lorcan",
    "Mireille",
    "Nuno",
    "Oona",
    "Piet",
    "Quentin",
    "Rosalind",
    "Søren",
    "Tamsin",
    "Ugo",
    "Vesna",
    "Wilhelmina",
    "Xavi",
    "Yusra",
    "Zoltán",
    "Anouk",
    "Bertil",
    "Cosima",
    "Dafydd",
    "Eamon",
    "Freyja",
    "Gideon",
    "Hester",
    "Ilario",
    "Jolien",
    "Kofi",
    "Leontine",
    "Matthias",
    "Noor",
]
SURNAMES = [
    "Abernethy",
    "Brightwell",
    "Castellane",
    "Drummore",
    "Eskeland",
    "Farrow",
    "Glenbervie",
    "Hartigan",
    "Ilsley",
    "Jarvenpää",
    "Kettleby",
    "Lindqvist-Moore",
    "Marchbank",
    "Nørgaard",
    "O'Hanlon",
    "Penhallow",
    "Quarrie",
    "Rathbone",
    "Strand-Olsen",
    "Tremayne",
    "Underhill",
    "Vasquez-Lowe",
    "Whitlock",
    "Yardley",
    "Zennor",
    "Ashdown",
    "Blackmore",
    "Corrigan",
    "Dunstable",
    "Ellwood",
    "Fairbairn",
    "Gallacher",
    "Hollis",
    "Ivers",
    "Kilbride",
    "Lathbury",
    "Mortimer-Reyes",
    "Naylor",
    "Ormerod",
    "Pelham",
]
INITIALS = "ABCDEFGHJKLMNPRSTVW"

PLACES = [
    "Alder",
    "Bramblewick",
    "Cinderford",
    "Dunmore",
    "Elmstead",
    "Fairlow",
    "Greyholt",
    "Hollinby",
    "Ironbridge",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Marlow Vale",
    "Nettlebed",
    "Oakridge",
    "Pebblebrook",
    "Quillon",
    "Rookwood",
    "Saffron",
    "Thornbury",
    "Umberleigh",
    "Wrenfield",
    "Yarrow",
    "Zephyr Point",
    "Lumen",
    "Brackenhurst",
]
# Company kind -> industry, for the customer's frontmatter.
COMPANY_KINDS = {
    "Logistics": "Logistics",
    "Credit Union": "Finance",
    "Dental Group": "Healthcare",
    "Marine Engineering": "Manufacturing",
    "Borough Council": "Public sector",
    "Outfitters": "Retail",
    "Foods": "Food",
    "Housing Trust": "Housing",
    "Freight": "Logistics",
    "Brewing Company": "Food",
    "Pharmacy": "Healthcare",
    "Textiles": "Manufacturing",
    "Energy": "Energy",
    "Insurance": "Finance",
    "Veterinary Clinics": "Healthcare",
    "Print Works": "Manufacturing",
    "Labs": "Research",
    "Care Homes": "Healthcare",
    "Rail Services": "Transport",
    "Garden Centres": "Retail",
}
PROJECT_KINDS = [
    "Data Warehouse",
    "Route Optimisation",
    "Replatform",
    "Predictive Maintenance (Pilot)",
    "Discovery Sprint",
    "Patient Scheduling",
    "Stock Forecasting",
    "CRM Migration",
    "Pricing Review",
    "Reporting Refresh",
    "Warehouse Audit",
    "Customer Portal",
    "Demand Planning",
    "Billing Cleanup",
    "Energy Dashboard",
    "Rota Planner",
]
ROLES = [
    "Operations Director",
    "Finance Manager",
    "Head of IT",
    "Engineering Manager",
    "Practice Manager",
    "Product Owner",
    "Data Analyst",
    "CFO",
    "COO",
    "Procurement Lead",
    "Service Manager",
    "Planner",
]
OUR_ROLES = [
    "Delivery Lead",
    "Lead Data Engineer",
    "Data Engineer",
    "Analyst",
    "Principal Consultant",
    "Designer",
    "Managing Partner",
    "Operations Consultant",
]
TOWNS = ["Bristol", "Plymouth", "Leeds", "Norwich", "Swansea", "Carlisle", "Exeter", "Derby", "Hull"]
TEAMS = ["Data", "Delivery", "Design", "Operations"]
MEETING_KINDS = [
    ("Kickoff with {c}", "kickoff"),
    ("{c} weekly sync", "sync"),
    ("{c} steering group", "steering"),
    ("Discovery workshop with {c}", "workshop"),
    ("{c} status review", "review"),
    ("{c} blocker review", "review"),
    ("Demo for {c}", "demo"),
    ("{c} readout", "readout"),
    ("Planning session with {c}", "planning"),
    ("{c} retrospective", "retro"),
]
INTERNAL_MEETINGS = [
    ("Weekly delivery sync", "sync"),
    ("Pricing & scope review", "review"),
    ("Hiring panel", "hiring"),
    ("Quarterly planning", "planning"),
    ("Practice call (data)", "practice"),
]
STATUSES = ["active", "active", "active", "blocked", "paused", "done"]
MAX_MEETINGS = 20  # nobody attends more meetings than this
# How many meetings a project gets, drawn per project (action items: 1-3 a meeting, so 0-40 tasks).
PROJECT_MEETINGS = [0, 2, 5, 8, 10, 10, 10, 11, 11, 11]
TOPICS = [
    "the month-end pack",
    "source systems",
    "access and security",
    "the rollout plan",
    "driver feedback",
    "the budget",
    "data quality",
    "the pilot results",
    "training for the service desk",
    "the cut-over",
    "the vendor contract",
    "licence costs",
    "the reporting calendar",
    "a second wave of sites",
]
ACTIONS = [
    "Send the access request",
    "Draft the schema",
    "Write up the decisions",
    "Book the next workshop",
    "Chase the vendor",
    "Review the estimate",
    "Share the pilot figures",
    "Update the risk log",
    "Collect sample exports",
    "Agree the acceptance criteria",
    "Prepare the demo data",
    "Confirm the go-live date",
    "Circulate the slides",
    "Check the firewall change",
]
REMARKS = [
    "agreed to keep the scope narrow",
    "wants figures before the next review",
    "raised the same concern as last time",
    "is happy with the pace so far",
    "asked for a written summary",
    "will take it to their board",
    "prefers a phased rollout",
    "flagged a dependency on their IT contractor",
    "thinks the estimate is optimistic",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class Person:
    name: str
    first: str
    internal: bool
    role: str
    customer: str | None = None  # customer name for people outside our firm
    projects: list[str] = field(default_factory=list)
    initials: str = ""


@dataclass
class Customer:
    name: str
    short: str  # place part, used in project names
    industry: str
    tier: int
    owner: str  # internal account owner (person name)
    people: list[str] = field(default_factory=list)


@dataclass
class Project:
    name: str
    customer: str
    owner: str
    team: list[str]
    status: str
    created: dt.date
    due: dt.date


@dataclass
class Meeting:
    day: dt.date
    title: str
    tag: str
    attendees: list[str]
    project: str | None
    customer: str | None

    @property
    def name(self) -> str:
        return f"{self.day.isoformat()} - {self.title}"

    @property
    def path(self) -> str:
        return f"Meetings/{self.day.year}/{self.name}.md"


@dataclass
class GeneratedVault:
    """Where a generated vault and its two MkDocs configurations were written."""

    root: Path
    vault: Path
    plugin_config: Path
    plain_config: Path
    counts: dict[str, int]

    @property
    def notes(self) -> int:
        return sum(self.counts.values())


def counts_for(n: int) -> dict[str, int]:
    """How many notes of each kind a vault of `n` notes holds (the home page counts as one)."""
    if n < 10:
        raise ValueError("a generated vault needs at least 10 notes")
    counts = {
        "people": max(3, round(n * 0.15)),
        "projects": max(1, round(n * 0.05)),
        "customers": max(1, round(n * 0.05)),
        "daily": max(1, round(n * 0.25)),
        "home": 1,
    }
    counts["meetings"] = n - sum(counts.values())
    return counts


def slug(text: str) -> str:
    """A tag-safe lower-case slug: `Alder Logistics` -> `alder-logistics`."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


def link(name: str, alias: str | None = None, *, in_table: bool = False) -> str:
    if alias is None:
        return f"[[{name}]]"
    # Inside a table the pipe must be escaped, or the table splits the cell there.
    return f"[[{name}\\|{alias}]]" if in_table else f"[[{name}|{alias}]]"


def yaml_link(name: str) -> str:
    """A frontmatter link: quoted, so YAML does not read `[[...]]` as a nested list."""
    return '"[[' + name.replace('"', '\\"') + ']]"'


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def long_date(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


class _Builder:
    """Draws the whole vault from one random stream, in a fixed order, so output depends only on n and seed."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counts = counts_for(n)
        self.people: list[Person] = []
        self.customers: list[Customer] = []
        self.projects: list[Project] = []
        self.meetings: list[Meeting] = []
        self.daily: list[dt.date] = []

    # -- the cast -----------------------------------------------------------------------------------
    def make_people(self) -> None:
        rng = self.rng
        k = self.counts["people"]
        simple = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
        middle = [(f, i, s) for f in FIRST_NAMES for i in INITIALS for s in SURNAMES]
        rng.shuffle(simple)
        names = [(f, f"{f} {s}", f[0] + s[0]) for f, s in simple[:k]]
        if k > len(simple):
            rng.shuffle(middle)
            names += [(f, f"{f} {i}. {s}", f[0] + i + s[0]) for f, i, s in middle[: k - len(simple)]]
        if k > len(names):
            raise ValueError(f"the name lists give at most {len(names)} people")
        internal = max(2, round(k * 0.2))
        for i, (first, name, initials) in enumerate(names):
            ours = i < internal
            role = rng.choice(OUR_ROLES if ours else ROLES)
            self.people.append(Person(name, first, ours, role, initials=initials))

    def make_customers(self) -> None:
        rng = self.rng
        k = self.counts["customers"]
        kinds = list(COMPANY_KINDS)
        single = [(p, p, kind) for p in PLACES for kind in kinds]
        double = [
            (f"{a} & {b}", f"{a} & {b}", kind) for a in PLACES for b in PLACES if a != b for kind in kinds
        ]
        rng.shuffle(single)
        pool = single
        if k > len(single):
            rng.shuffle(double)
            pool = single + double
        owners = [p for p in self.people if p.internal]
        for short, _, kind in pool[:k]:
            owner = rng.choice(owners).name
            self.customers.append(
                Customer(f"{short} {kind}", short, COMPANY_KINDS[kind], rng.randint(1, 3), owner)
            )
        # People outside our firm work at a customer, round-robin so every customer gets some.
        external = [p for p in self.people if not p.internal]
        for i, person in enumerate(external):
            customer = self.customers[i % len(self.customers)]
            person.customer = customer.name
            customer.people.append(person.name)

    def make_projects(self) -> None:
        rng = self.rng
        owners = [p for p in self.people if p.internal]
        taken: set[str] = set()
        span = max(365, self.counts["daily"])
        for i in range(self.counts["projects"]):
            customer = self.customers[i % len(self.customers)]
            name = f"{customer.short} {rng.choice(PROJECT_KINDS)}"
            phase = 2
            while name in taken:
                name = re.sub(r" \(Phase \d+\)$", "", name) + f" (Phase {phase})"
                phase += 1
            taken.add(name)
            owner = rng.choice(owners)
            team = [owner.name] + [p.name for p in rng.sample(owners, min(2, len(owners))) if p is not owner]
            created = END - dt.timedelta(days=rng.randint(30, span))
            due = created + dt.timedelta(days=rng.randint(60, 240))
            project = Project(name, customer.name, owner.name, team, rng.choice(STATUSES), created, due)
            self.projects.append(project)
        by_name = {p.name: p for p in self.people}
        for project in self.projects:
            for member in project.team:
                by_name[member].projects.append(project.name)
            for member in self.customer(project.customer).people[:1]:
                by_name[member].projects.append(project.name)

    def customer(self, name: str) -> Customer:
        return self._customers_by_name()[name]

    def _customers_by_name(self) -> dict[str, Customer]:
        if not hasattr(self, "_by_customer"):
            self._by_customer = {c.name: c for c in self.customers}
        return self._by_customer

    # -- the calendar --------------------------------------------------------------------------------
    def make_daily(self) -> None:
        self.daily = [END - dt.timedelta(days=i) for i in range(self.counts["daily"])]

    def make_meetings(self) -> None:
        """Meetings with 1-6 attendees; nobody attends more than `MAX_MEETINGS` (people attend 0-20);
        a project gets 0-`PROJECT_MEETINGS` meetings, unevenly (its open tasks: 0-40)."""
        rng = self.rng
        span = max(730, self.counts["daily"])
        internal = [p for p in self.people if p.internal]
        taken: set[str] = set()
        attended: dict[str, int] = {}
        # Each project's share of the meetings, drawn up front: some get none, most several.
        slots = [p for p in self.projects for _ in range(rng.choice(PROJECT_MEETINGS))]
        rng.shuffle(slots)

        def free(names: list[str]) -> list[str]:
            return [x for x in names if attended.get(x, 0) < MAX_MEETINGS]

        for _ in range(self.counts["meetings"]):
            day = END - dt.timedelta(days=rng.randint(0, span))
            if day.weekday() >= 5:  # meetings happen on weekdays
                day -= dt.timedelta(days=day.weekday() - 4)
            attendees: list[str] = []
            if slots and rng.random() < 0.8:
                project = slots.pop()
                customer = self.customer(project.customer)
                pattern, tag = rng.choice(MEETING_KINDS)
                title = pattern.format(c=customer.name)
                ours = [project.owner] + [m for m in project.team[1:] if rng.random() < 0.5]
                theirs = rng.sample(customer.people, min(len(customer.people), rng.randint(0, 3)))
                attendees = free(ours + theirs)[:6]
                meeting = Meeting(day, title, tag, attendees, project.name, customer.name)
            else:
                if rng.random() < 0.4:
                    a, b = rng.sample(internal, 2)
                    title, tag = f"1-1 {a.first} and {b.first}", "one-to-one"
                    attendees = free([a.name, b.name])
                else:
                    title, tag = rng.choice(INTERNAL_MEETINGS)
                    size = min(len(internal), rng.randint(2, 6))
                    attendees = free([p.name for p in rng.sample(internal, size)])
                meeting = Meeting(day, title, tag, attendees, None, None)
            if not attendees:
                # Everyone asked is at their cap: someone with room takes the notes.
                spare = free([p.name for p in rng.sample(self.people, min(len(self.people), 40))])
                meeting.attendees = attendees = spare[:1] or [rng.choice(self.people).name]
            for name in attendees:
                attended[name] = attended.get(name, 0) + 1
            base, copy = meeting.title, 2
            while meeting.name in taken:
                meeting.title = f"{base} ({copy})"
                copy += 1
            taken.add(meeting.name)
            self.meetings.append(meeting)
        self.meetings.sort(key=lambda m: (m.day, m.title))

    # -- the notes -----------------------------------------------------------------------------------
    def notes(self) -> dict[str, str]:
        """Vault path -> note text, for every note."""
        out: dict[str, str] = {}
        people = {p.name: p for p in self.people}
        last_meeting: dict[str, Meeting] = {}
        by_day: dict[dt.date, list[Meeting]] = {}
        for meeting in self.meetings:
            by_day.setdefault(meeting.day, []).append(meeting)
            previous = last_meeting.get(meeting.project) if meeting.project else None
            out[meeting.path] = self.meeting_note(meeting, people, previous)
            if meeting.project:
                last_meeting[meeting.project] = meeting
        for person in self.people:
            out[f"People/{person.name}.md"] = self.person_note(person)
        for customer in self.customers:
            out[f"Customers/{customer.name}.md"] = self.customer_note(customer, people)
        for project in self.projects:
            out[f"Projects/{project.name}.md"] = self.project_note(
                project, people, last_meeting.get(project.name)
            )
        for day in self.daily:
            out[f"Daily/{day.year}/{day.isoformat()}.md"] = self.daily_note(day, by_day.get(day, []))
        out["index.md"] = self.home_note()
        return out

    def meeting_note(self, m: Meeting, people: dict[str, Person], previous: Meeting | None) -> str:
        rng = self.rng
        fm = [
            "---",
            "type: meeting",
            f"title: {yaml_str(m.title)}",
            f"date: {m.day.isoformat()}",
            "attendees:",
        ]
        fm += [f"- {yaml_link(a)}" for a in m.attendees]
        tags = ["type/meeting", m.tag]
        if m.project and m.customer:
            fm += [f"project: {yaml_link(m.project)}", f"customer: {yaml_link(m.customer)}"]
            tags.insert(1, f"client/{slug(m.customer)}")
        fm += ["tags:"] + [f"- {t}" for t in tags] + ["---", ""]
        topics = rng.sample(TOPICS, 3)
        body = [f"# {m.name}", "", "## Agenda", ""]
        body += [f"{i}. {t[0].upper()}{t[1:]}" for i, t in enumerate(topics, 1)]
        body += ["", "## Notes", ""]
        for who in rng.sample(m.attendees, min(3, len(m.attendees))):
            person = people[who]
            body.append(f"- On {rng.choice(topics)}: {link(who, person.first)} {rng.choice(REMARKS)}")
        if m.project:
            body.append(f"- Where things stand: {link(m.project + '#Status', 'project status')}")
        if previous is not None:
            body.append(f"- Follows up {link(previous.name, 'the previous meeting')}")
        body += ["", "## Action Items", ""]
        for _ in range(rng.randint(1, 3)):
            owner = rng.choice(m.attendees)
            due = m.day + dt.timedelta(days=rng.randint(3, 21))
            done = due < END and rng.random() < 0.6
            box = "x" if done else " "
            line = f"- [{box}] {rng.choice(ACTIONS)} [owner:: {link(owner)}] 📅 {due.isoformat()}"
            if done:
                line += f" ✅ {max(m.day, due - dt.timedelta(days=rng.randint(0, 3))).isoformat()}"
            body.append(line)
        body += [
            "",
            "## Attendees",
            "",
            "```dataview",
            'LIST FROM "People" WHERE contains(this.attendees, file.link)',
            "```",
            "",
            "## Earlier meetings on this project",
            "",
            "```dataview",
            ('LIST FROM "Meetings" WHERE project AND project = this.project AND file.name != this.file.name'
            " SORT file.day DESC LIMIT 5"),
            "```",
            "",
            "## Follow-ups",
            "",
            "```dataview",
            'LIST FROM #followup AND "Daily" WHERE contains(file.outlinks, this.file.link)',
            "```",
        ]
        return "\n".join(fm + body) + "\n"

    def person_note(self, p: Person) -> str:
        rng = self.rng
        fm = ["---", "type: people", f"title: {yaml_str(p.name)}", f"role: {yaml_str(p.role)}"]
        if p.internal:
            fm.append(f"company: {OUR_FIRM}")
        else:
            assert p.customer is not None
            fm.append(f"company: {yaml_link(p.customer)}")
        domain = slug(OUR_FIRM if p.internal else (p.customer or "example"))
        fm.append(f"email: {slug(p.name).replace('-', '.')}@{domain}.example")
        fm += ["aliases:", f"- {yaml_str(p.first)}", f"- {p.initials}"]
        if p.projects:
            fm += ["projects:"] + [f"- {yaml_link(x)}" for x in p.projects]
        tags = ["type/people", "team/ashgrove" if p.internal else f"client/{slug(p.customer or '')}"]
        fm += ["tags:"] + [f"- {t}" for t in tags] + ["---", ""]
        where = OUR_FIRM if p.internal else link(p.customer or "")
        body = [
            f"# {p.name}",
            "",
            f"{p.role} at {where}. {rng.choice(REMARKS).capitalize()}.",
            "",
            f"Location:: {rng.choice(TOWNS)}",
        ]
        if p.internal:
            body.append(f"[team:: {rng.choice(TEAMS)}]")
        body += ["", "## Notes", "", f"- Best reached in the mornings; {rng.choice(REMARKS)}"]
        if p.projects:
            body.append(f"- Works on {', '.join(link(x) for x in p.projects[:3])}")
        body += [
            "",
            "## Meetings",
            "",
            "```dataview",
            'LIST FROM [[]] WHERE type = "meeting" SORT file.day DESC',
            "```",
            "",
            "## Attended",
            "",
            "```dataview",
            'TABLE date, project FROM "Meetings" WHERE contains(attendees, this.file.link) SORT date DESC',
            "```",
            "",
            "## Action items",
            "",
            "```dataview",
            'TASK FROM "Meetings" WHERE contains(owner, this.file.link) AND !completed SORT due ASC',
            "```",
            "",
            "## Projects",
            "",
            "```dataview",
            'LIST FROM "Projects" WHERE contains(team, this.file.link) OR owner = this.file.link',
            "```",
            "",
            "## Active projects mentioned",
            "",
            "```dataview",
            'LIST FROM "Projects" WHERE contains(file.inlinks, this.file.link) AND status = "active"',
            "```",
        ]
        return "\n".join(fm + body) + "\n"

    def customer_note(self, c: Customer, people: dict[str, Person]) -> str:
        rng = self.rng
        fm = [
            "---",
            "type: customers",
            f"title: {yaml_str(c.name)}",
            f"tier: {c.tier}",
            f"industry: {c.industry}",
            "status: active",
            f"account_owner: {yaml_link(c.owner)}",
            f"tagname: {yaml_str('#client/' + slug(c.name))}",
        ]
        if c.people:
            fm += ["people:"] + [f"- {yaml_link(x)}" for x in c.people]
        since = END - dt.timedelta(days=rng.randint(60, 900))
        fm += [
            f"website: https://{slug(c.name)}.example",
            f"client_since: '{since.isoformat()}'",
            "tags:",
            "- type/customers",
            f"- tier/{c.tier}",
            f"- industry/{slug(c.industry)}",
            "---",
            "",
        ]
        body = [
            f"# {c.name}",
            "",
            f"A {c.industry.lower()} client since {since.year}; {link(c.owner)} owns the account.",
            "",
            f"Location:: {rng.choice(TOWNS)}",
            "",
            "## Contacts",
            "",
            "| Person | Role |",
            "|--------|------|",
        ]
        body += [f"| {link(x, people[x].first, in_table=True)} | {people[x].role} |" for x in c.people]
        body += [
            "",
            "## People",
            "",
            "```dataview",
            'TABLE role FROM "People" WHERE company = this.file.link',
            "```",
            "",
            "## Projects",
            "",
            "```dataview",
            'TABLE status, owner, due FROM "Projects" WHERE customer = this.file.link AND status = "active"',
            "```",
            "",
            "## Linked from here",
            "",
            "```dataview",
            'LIST FROM "People" WHERE contains(this.file.inlinks, file.link)',
            "```",
            "",
            "## Recent meetings",
            "",
            "```dataview",
            'LIST FROM "Meetings" WHERE contains(file.tags, this.tagname) SORT file.day DESC LIMIT 20',
            "```",
            "",
            "## Projects (base)",
            "",
            f"![[{BASE_NAME}#Projects]]",
        ]
        return "\n".join(fm + body) + "\n"

    def project_note(self, p: Project, people: dict[str, Person], latest: Meeting | None) -> str:
        rng = self.rng
        fm = [
            "---",
            "type: projects",
            f"title: {yaml_str(p.name)}",
            f"created: '{p.created.isoformat()}'",
            f"status: {p.status}",
            f"owner: {yaml_link(p.owner)}",
            f"customer: {yaml_link(p.customer)}",
            f"client: {yaml_str(p.customer)}",
            "team:",
        ]
        fm += [f"- {yaml_link(x)}" for x in p.team]
        fm += [
            "tags:",
            "- type/projects",
            f"- status/{p.status}",
            f"- client/{slug(p.customer)}",
            f"due: '{p.due.isoformat()}'",
            "---",
            "",
        ]
        owner = people[p.owner]
        body = [
            f"# {p.name}",
            "",
            "## Overview",
            "",
            f"Work for {link(p.customer)} on {rng.choice(TOPICS)}; {owner.first} {rng.choice(REMARKS)}.",
            "",
            "## Status",
            "",
            "| Field | Value |",
            "|-------|-------|",
            "| **Status** | `= this.status` |",
            f"| **Owner** | {link(p.owner, owner.first, in_table=True)} |",
            f"| **Due** | {p.due.isoformat()} |",
            "",
            "## Next Steps",
            "",
        ]
        steps = rng.randint(0, 4)
        for i in range(steps):
            due = END + dt.timedelta(days=rng.randint(-20, 40))
            who = rng.choice(p.team)
            if i == 1:
                body.append(f"- [ ] {rng.choice(ACTIONS)} with {link(who)} [due:: {due.isoformat()}]")
            else:
                body.append(f"- [ ] {rng.choice(ACTIONS)} [owner:: {link(who)}] 📅 {due.isoformat()}")
        if steps:
            body.append(f"    - [ ] {rng.choice(ACTIONS)}")
            body.append(f"- [x] {rng.choice(ACTIONS)} ✅ {p.created.isoformat()}")
        body += [
            "",
            "## Team",
            "",
            "| Person | Role |",
        ]
        body.append("|--------|------|")
        body += [f"| {link(x, people[x].first, in_table=True)} | {people[x].role} |" for x in p.team]
        if latest is not None:
            body += ["", f"Latest meeting: {link(latest.name)}"]
        body += [
            "",
            "## Open tasks",
            "",
            "```dataview",
            "TASK FROM [[]] WHERE !completed",
            "```",
            "",
            "## Recent meetings",
            "",
            "```dataview",
            'LIST FROM "Meetings" WHERE project = this.file.link SORT file.day DESC LIMIT 10',
            "```",
            "",
            "## Who works on it",
            "",
            f"![[{BASE_NAME}#Team]]",
            "",
            "## Customer",
            "",
            "```dataview",
            "TABLE tier, industry FROM \"Customers\" WHERE file.name = this.client",
            "```",
            "",
            "## Last 90 days",
            "",
            "```dataview",
            'LIST FROM [[]] AND "Meetings" WHERE date >= date(today) - dur(90 days)',
            "```",
            "",
            "## All open tasks",
            "",
            "```dataview",
            "TASK FROM \"\" WHERE !completed SORT due ASC",
            "```",
            "",
            "## Recently modified",
            "",
            "```dataview",
            ('TABLE file.mtime AS "Modified" FROM "" WHERE type != "readme" AND type != "projects"'
            " SORT file.mtime DESC"),
            "```",
        ]
        return "\n".join(fm + body) + "\n"

    def daily_note(self, day: dt.date, meetings: list[Meeting]) -> str:
        rng = self.rng
        lines = [
            "---",
            "type: daily",
            f"date: {day.isoformat()}",
            "tag: daily",
            "---",
            "",
            f"# {long_date(day)}",
            "",
        ]
        for m in meetings[:3]:
            tag = f" #client/{slug(m.customer)}" if m.customer else ""
            lines.append(f"- {link(m.name, 'notes from ' + m.title)}{tag}")
        person = rng.choice(self.people)
        lines.append(f"- Caught up with {link(person.name, person.first)}; {rng.choice(REMARKS)} #followup")
        lines.append("")
        due = day + dt.timedelta(days=rng.randint(1, 10))
        lines.append(f"- [ ] {rng.choice(ACTIONS)} 📅 {due.isoformat()}")
        if rng.random() < 0.5:
            lines.append(f"- [x] {rng.choice(ACTIONS)} ✅ {day.isoformat()}")
        lines += ["", "## Meetings that day", "", "```dataview", 'LIST FROM "Meetings" WHERE date = this.date', "```"]
        return "\n".join(lines) + "\n"

    def home_note(self) -> str:
        rng = self.rng
        active = [p for p in self.projects if p.status == "active"][:8]
        team = [p for p in self.people if p.internal][:8]
        clients = rng.sample(self.customers, min(6, len(self.customers)))
        body = [
            "---",
            "type: home",
            f"title: {OUR_FIRM}",
            "tags:",
            "- type/home",
            "---",
            "",
            f"# {OUR_FIRM}",
            "",
            f"Private wiki of **{OUR_FIRM}**, generated for benchmarks. All names are made up.",
            "",
            "## Start here",
            "",
            f"- **Active:** {', '.join(link(p.name) for p in active) or 'none'}",
            f"- **Team:** {', '.join(link(p.name) for p in team)}",
            f"- **Clients:** {', '.join(link(c.name) for c in clients)}",
            "",
            "## Active projects",
            "",
            "```dataview",
            'TABLE status, owner, customer, due FROM "Projects" WHERE status = "active" SORT due ASC LIMIT 20',
            "```",
            "",
            "## Recent meetings",
            "",
            "```dataview",
            'TABLE date, project FROM "Meetings" SORT date DESC LIMIT 10',
            "```",
            "",
            "## Overdue tasks",
            "",
            "```dataview",
            'TASK FROM "" WHERE !completed AND due AND due < date(today) SORT due ASC LIMIT 25',
            "```",
        ]
        return "\n".join(body) + "\n"

    def build(self) -> dict[str, str]:
        self.make_people()
        self.make_customers()
        self.make_projects()
        self.make_daily()
        self.make_meetings()
        return self.notes()


def plugin_config(n: int) -> str:
    return f"""# Generated by tests/bench/generate.py: Material + search + the vault plugin.
site_name: Generated vault ({n} notes)
docs_dir: vault
site_dir: site-vault
use_directory_urls: true
theme:
  name: material
  font: false
plugins:
  - search
  - vault:
      today: "{TODAY}"
      timezone: UTC
"""


def plain_config(n: int) -> str:
    return f"""# Generated by tests/bench/generate.py: plain MkDocs + Material on the same vault, no plugin.
# The nav lists only the home page: MkDocs renders the whole nav into every page, so a nav of every
# note makes the build quadratic in the note count.
site_name: Generated vault ({n} notes)
docs_dir: vault
site_dir: site-plain
use_directory_urls: true
theme:
  name: material
  font: false
plugins:
  - search
nav:
  - index.md
"""


MARKER = "generated.json"
BASE_NAME = "Client work.base"
# The bases the vault holds (not notes: the note counts stay as asked): one embedded in every customer
# note (its projects) and project note (its team), i.e. 1,000 embeds at 10,000 notes; one shown only on
# its own page.
BASES = {
    f"Bases/{BASE_NAME}": """\
formulas:
  days_left: 'if(due, ((date(due) - today()) / 86400000).round(), "")'
views:
  - type: table
    name: Projects
    filters:
      and:
        - file.inFolder("Projects")
        - customer == this
    order: [file.name, status, owner, due, formula.days_left]
    sort:
      - property: due
        direction: ASC
  - type: list
    name: Team
    filters:
      and:
        - file.inFolder("People")
        - list(projects).contains(this)
    order: [file.name, role]
""",
    "Bases/Portfolio.base": """\
filters: file.hasTag("type/projects")
views:
  - type: table
    name: By status
    order: [file.name, owner, customer, due]
    groupBy:
      property: status
      direction: ASC
  - type: cards
    name: People
    filters: file.inFolder("People")
    order: [file.name, role, company]
""",
}


def generate(out_dir: Path | str, n: int, seed: int = 0) -> GeneratedVault:
    """Write a vault of exactly `n` notes to `out_dir/vault`, plus `mkdocs.yml` and `mkdocs-plain.yml`.

    An earlier generated vault in `out_dir` is replaced; a `vault/` folder this function did not write
    is left alone (ValueError), so pointing it at a real vault cannot delete it.
    """
    root = Path(out_dir)
    vault = root / "vault"
    if vault.exists():
        if not (root / MARKER).exists():
            raise ValueError(f"{vault} exists and was not written by the generator; refusing to replace it")
        shutil.rmtree(vault)
    for site in ("site-vault", "site-plain"):
        shutil.rmtree(root / site, ignore_errors=True)
    builder = _Builder(n, seed)
    notes = builder.build()
    assert len(notes) == n, (len(notes), n)
    for folder in sorted({str(Path(p).parent) for p in notes}):
        (vault / folder).mkdir(parents=True, exist_ok=True)
    for path, text in notes.items():
        (vault / path).write_bytes(text.encode("utf-8"))
    (vault / "Bases").mkdir(exist_ok=True)
    for path, text in BASES.items():
        (vault / path).write_bytes(text.encode("utf-8"))
    obsidian = vault / ".obsidian"
    obsidian.mkdir()
    (obsidian / "app.json").write_text('{"strictLineBreaks": false}\n', encoding="utf-8")
    (root / "mkdocs.yml").write_text(plugin_config(n), encoding="utf-8")
    (root / "mkdocs-plain.yml").write_text(plain_config(n), encoding="utf-8")
    counts = builder.counts
    (root / MARKER).write_text(
        json.dumps({"n": n, "seed": seed, "version": GENERATOR_VERSION, "counts": counts}, indent=2) + "\n",
        encoding="utf-8",
    )
    return GeneratedVault(root, vault, root / "mkdocs.yml", root / "mkdocs-plain.yml", dict(counts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", "--notes", type=int, default=1000, help="number of notes (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = generate(args.out_dir, args.notes, args.seed)
    detail = ", ".join(f"{v} {k}" for k, v in result.counts.items())
    print(f"{result.notes} notes in {result.vault} ({detail})")
    print(f"plugin: mkdocs build -f {result.plugin_config}\nplain:  mkdocs build -f {result.plain_config}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
