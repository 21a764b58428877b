"""Realistic carriers for a line: the places an indirect injection hides in a tool result.

Every wrapper takes (line, rng) and returns (text, source). The line lands between ordinary
filler, so a detector has to find it in the middle of a document, not at its start.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

Wrapper = Callable[[str, random.Random], tuple[str, str]]

# fmt: off
FILLER = ["Thanks for reaching out.", "The quarterly numbers are attached.",
          "Our office will be closed on Monday for the holiday.",
          "Shipping usually takes 3-5 business days.", "Revenue grew 4% while churn stayed flat.",
          "The new dashboard is live for all customers.",
          "Let me know if the times below work for you.",
          "This product is made from recycled aluminium.",
          "Battery life is about 11 hours with moderate use.",
          "The API returns results in pages of 50.",
          "We migrated the database to the new cluster last night.",
          "Please find the agenda below.", "Customer satisfaction rose to 87% this quarter.",
          "The venue has step-free access.", "The recipe serves four and takes 40 minutes.",
          "Version 2.3 fixes the login redirect bug.", "Parking is available behind the building.",
          "The warranty covers parts for two years.",
          "Our team is growing and we are hiring two engineers.", "Lunch will be provided.",
          "The hotel is a ten-minute walk from the station.",
          "Ratings are based on 1,204 reviews.", "Prices include VAT.",
          "The library opens at 9 am on weekdays.",
          "This guide covers installation on Linux and macOS.",
          "Latency dropped by 30 ms after the fix.", "Kind regards from the events team.",
          "The draft is attached for your comments.",
          "We appreciate your patience while we investigate.", "The museum is free on Sundays.",
          "All times are in UTC.", "Minutes from the last meeting are in the shared folder."]
# fmt: on
# fmt: off
_NAMES = ["Ana", "Ben", "Chen", "Dana", "Eli", "Farah", "Goran", "Hiro", "Ines", "Jonas", "Kemi",
          "Lars", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tariq"]
# fmt: on
# fmt: off
_TITLES = ["Quarterly update", "Re: invoice 2291", "Team offsite", "Product launch", "Onboarding",
           "Weekly digest", "Re: contract draft", "Support request", "Release notes 4.2",
           "Vendor onboarding", "Travel plans", "Budget review"]
# fmt: on
# fmt: off
_SITES = ["docs.example.com", "blog.example.org", "news.example.net", "wiki.example.io",
          "forum.example.dev", "shop.example.store", "help.example.co"]
# fmt: on


def _fill(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.sample(FILLER, rng.randint(lo, hi)))


def _around(line: str, rng: random.Random) -> str:
    return " ".join(p for p in (_fill(rng, 0, 2), line, _fill(rng, 0, 2)) if p)


def plain(line: str, rng: random.Random) -> tuple[str, str]:
    return line, "user"


def plain_indirect(line: str, rng: random.Random) -> tuple[str, str]:
    return line, rng.choice(["tool_result", "fetched"])


def json_record(line: str, rng: random.Random) -> tuple[str, str]:
    key = rng.choice(["body", "description", "notes", "comment", "text", "summary", "message"])
    record = {
        "id": rng.randint(100, 99999),
        "title": rng.choice(_TITLES),
        key: _around(line, rng),
        "status": rng.choice(["open", "closed", "pending", "ok"]),
    }
    if rng.random() < 0.5:
        record["owner"] = rng.choice(_NAMES).lower()
    return json.dumps(record, ensure_ascii=rng.random() < 0.5), "tool_result"


def email(line: str, rng: random.Random) -> tuple[str, str]:
    sender = rng.choice(["<EMAIL_ADDRESS>", f"{rng.choice(_NAMES).lower()}@partner.example"])
    body = (
        f"Hi {rng.choice(_NAMES)},\n\n{_fill(rng, 0, 2)}\n{line}\n{_fill(rng, 0, 1)}\n\n"
        f"Best,\n{rng.choice(_NAMES)}"
    )
    text = f"From: {sender}\nSubject: {rng.choice(_TITLES)}\n\n{body}"
    if rng.random() < 0.4:
        return json.dumps(
            {"from": sender, "subject": rng.choice(_TITLES), "body": body}
        ), "tool_result"
    return text, "tool_result"


def ticket(line: str, rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(["Ticket", "Issue", "Bug", "Case"])
    head = (
        f"{kind} #{rng.randint(100, 9999)}: {rng.choice(_TITLES)}\nReporter: {rng.choice(_NAMES)}\n"
    )
    return (
        head + f"Description: {_fill(rng, 1, 2)}\nComment: {line}\n"
        f"Status: {rng.choice(['open', 'triaged', 'in progress'])}",
        "tool_result",
    )


def html_page(line: str, rng: random.Random) -> tuple[str, str]:
    title = rng.choice(_TITLES)
    hide = rng.choice(
        [
            "<p>{}</p>",
            "<!-- {} -->",
            '<div style="display:none">{}</div>',
            '<span style="color:#fff;font-size:1px">{}</span>',
            '<p class="sr-only">{}</p>',
            '<meta name="description" content="{}">',
            "<div hidden>{}</div>",
        ]
    )
    body = f"<p>{_fill(rng, 1, 2)}</p>{hide.format(line)}<p>{_fill(rng, 1, 2)}</p>"
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>",
        "fetched",
    )


def markdown_doc(line: str, rng: random.Random) -> tuple[str, str]:
    title = rng.choice(_TITLES)
    mid = rng.choice(["{}", "> {}", "<!-- {} -->", "*{}*", "- {}", "[//]: # ({})"])
    return (
        f"# {title}\n\n{_fill(rng, 1, 2)}\n\n{mid.format(line)}\n\n## Details\n{_fill(rng, 1, 2)}",
        rng.choice(["fetched", "tool_result"]),
    )


def search_results(line: str, rng: random.Random) -> tuple[str, str]:
    rows = [
        f"{n}. {rng.choice(_TITLES)} - {rng.choice(_SITES)}\n   {_fill(rng, 1, 1)}"
        for n in range(1, rng.randint(3, 5))
    ]
    rows.insert(
        rng.randint(1, len(rows)),
        f"{len(rows) + 1}. {rng.choice(_TITLES)} - {rng.choice(_SITES)}\n   {line}",
    )
    return "Search results:\n" + "\n".join(rows), rng.choice(["tool_result", "fetched"])


def calendar(line: str, rng: random.Random) -> tuple[str, str]:
    event = {
        "event": rng.choice(_TITLES),
        "start": f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T{rng.randint(8, 17):02d}:00",
        "organizer": rng.choice(_NAMES),
        "description": _around(line, rng),
    }
    return json.dumps(event, ensure_ascii=False), "tool_result"


def chat_log(line: str, rng: random.Random) -> tuple[str, str]:
    users = rng.sample(_NAMES, 3)
    msgs = [
        {"user": users[0], "text": _fill(rng, 1, 1)},
        {"user": users[1], "text": line},
        {"user": users[2], "text": _fill(rng, 1, 1)},
    ]
    if rng.random() < 0.5:
        return json.dumps({"channel": "#general", "messages": msgs}), "tool_result"
    return "\n".join(f"[{m['user']}] {m['text']}" for m in msgs), "tool_result"


def reviews(line: str, rng: random.Random) -> tuple[str, str]:
    items = [f"★★★★☆ {_fill(rng, 1, 1)}", f"★★★★★ {line}", f"★★★☆☆ {_fill(rng, 1, 1)}"]
    rng.shuffle(items)
    return "Customer reviews:\n" + "\n".join(items), "fetched"


def csv_rows(line: str, rng: random.Random) -> tuple[str, str]:
    rows = ["id,name,note"] + [f"{i},{rng.choice(_NAMES)},{_fill(rng, 1, 1)}" for i in range(1, 3)]
    rows.append(f'3,{rng.choice(_NAMES)},"{line}"')
    return "\n".join(rows), "tool_result"


def document(line: str, rng: random.Random) -> tuple[str, str]:
    page = rng.randint(2, 30)
    return (
        f"[page {page}] {_fill(rng, 1, 3)}\n{line}\n{_fill(rng, 1, 2)} [page {page + 1}]",
        "tool_result",
    )


def code_comment(line: str, rng: random.Random) -> tuple[str, str]:
    fn = rng.choice(["load_config", "parse_rows", "main", "sync_users", "render"])
    return (
        f"def {fn}(path):\n    # {line}\n    with open(path) as f:\n        return f.read()\n",
        "tool_result",
    )


def log_lines(line: str, rng: random.Random) -> tuple[str, str]:
    ts = f"2025-03-0{rng.randint(1, 9)} 1{rng.randint(0, 9)}:0{rng.randint(0, 9)}:12"
    return (
        f'{ts} INFO worker started\n{ts} WARN user_note="{line}"\n{ts} INFO done in 41 ms',
        "tool_result",
    )


# Weights: short user-side text and the common indirect carriers dominate, as in real traffic.
WRAPPERS: list[tuple[Wrapper, int]] = [
    (plain, 30),
    (plain_indirect, 8),
    (json_record, 8),
    (email, 8),
    (ticket, 5),
    (html_page, 7),
    (markdown_doc, 5),
    (search_results, 5),
    (calendar, 3),
    (chat_log, 4),
    (reviews, 3),
    (csv_rows, 2),
    (document, 4),
    (code_comment, 2),
    (log_lines, 2),
]


def pick(rng: random.Random) -> Wrapper:
    fns, weights = zip(*WRAPPERS, strict=True)
    return rng.choices(fns, weights=weights)[0]
