"""A fictional vault of a small theatre company, for the bases tests: shows, crew, one held-back draft.

Facts the expected results below are worked out from (by hand, from these notes):

| note                              | published | tags                 | status    | budget | seats | opened     | director     |
| --------------------------------- | --------- | -------------------- | --------- | ------ | ----- | ---------- | ------------ |
| Shows/Lantern Night               | yes       | show, show/drama     | running   | 1200   | 80    | 2026-02-10 | Ilse Varga   |
| Shows/The Paper Orchard           | yes       | show, show/comedy    | rehearsal | 800    | 120   | -          | Bram Okafor  |
| Shows/Saltwater Hymns             | yes       | show                 | closed    | 1500   | 60    | 2025-11-02 | Ilse Varga   |
| Shows/Draft - Winter Pageant      | no        | show                 | rehearsal | 300    |       |            |              |
| Archive/Old Shows/Mirror Tides    | yes       | show                 | closed    | 400    | -     | -          | -            |

Crew: Ilse Varga (director, active), Bram Okafor (director, inactive), Nell Fairweather (lighting,
active; her body links to Lantern Night, her `next` property to the unpublished draft). `fee` is a private key (Saltwater Hymns has one).
"""

from __future__ import annotations

THEATRE = {
    ".obsidian/types.json": '{"types": {"opened": "date", "seats": "number", "active": "checkbox"}}',
    "Shows/Lantern Night.md": (
        "---\nstatus: running\nbudget: 1200\nseats: 80\nopened: 2026-02-10\ntags: [show, show/drama]\n"
        'director: "[[Ilse Varga]]"\n---\n# Lantern Night\n\nA winter piece.\n'
    ),
    "Shows/The Paper Orchard.md": (
        "---\nstatus: rehearsal\nbudget: 800\nseats: 120\ntags: [show, show/comedy]\n"
        'director: "[[Bram Okafor]]"\n---\nRehearsals on Thursdays.\n'
    ),
    "Shows/Saltwater Hymns.md": (
        "---\nstatus: closed\nbudget: 1500\nseats: 60\nopened: 2025-11-02\ntags: [show]\nfee: 9000\n"
        'director: "[[Ilse Varga]]"\n---\nClosed after six weeks.\n'
    ),
    "Shows/Draft - Winter Pageant.md": "---\npublish: false\nstatus: rehearsal\nbudget: 300\ntags: [show]\n---\nSecret.\n",
    "Archive/Old Shows/Mirror Tides.md": "---\nstatus: closed\nbudget: 400\ntags: [show]\n---\nFrom the old days.\n",
    "Crew/Ilse Varga.md": "---\nrole: director\njoined: 2019-04-01\nactive: true\ntags: [crew]\n---\nDirects.\n",
    "Crew/Bram Okafor.md": "---\nrole: director\njoined: 2023-09-15\nactive: false\ntags: [crew/lead]\n---\nAlso directs.\n",
    "Crew/Nell Fairweather.md": (
        "---\nrole: lighting\njoined: 2024-01-20\nactive: true\ntags: [crew]\n"
        'next: "[[Draft - Winter Pageant]]"\n---\nLights [[Lantern Night]].\n'
    ),
}
