"""The directory JSON (kbgen/directory/export.py): format, time zones, escaping, size at 5,000 mentors."""

from __future__ import annotations

import gzip
import json
import random

from kbgen.directory.export import BANDS, band_of, directory_json, utc_offset
from kbgen.directory.status import Status
from kbgen.models import Mentor, Offer, Window

PAYLOAD = "<img src=x onerror=alert(1)>"
TOPICS = {"negotiation": ("negotiation", "negotiation"), "feedback": ("feedback", "feedback"),
          "salary": ("negotiation", "negotiation")}


def _ana(**kw) -> Mentor:
    values = dict(id="ana", name="Ana Lopez", title="Manager", organization="Northwind", timezone="Europe/Madrid",
                  languages=("en", "es"), expertise=("negotiation", "feedback"), formats=("video",), capacity=2,
                  availability=(Window("mon", "09:00", "10:00"),))
    values.update(kw)
    return Mentor(**values)


def _load(text: str) -> dict:
    return json.loads(text)


def test_format_tables_and_mentor_fields():
    ben = Mentor(id="ben", name="Ben", organization="Harbor", timezone="Asia/Tokyo", languages=("en-GB",),
                 expertise=("feedback",), wants_to_learn=("rust",), offers=(Offer("salary", 20),), weekly_hours=2.0,
                 capacity=2, mentees=2, formats=("async",), country="JP")
    sessions = {"ana": [("s1", "Offer talk", ("negotiation",)), ("s2", "Pay", ("negotiation", "feedback"))]}
    data = _load(directory_json([ben, _ana()], sessions, {}, TOPICS))
    assert data["v"] == 2 and data["url"] == "{}/" and data["week"] == "2026-01-05"
    assert [m["i"] for m in data["m"]] == ["ana", "ben"]
    ana, ben_row = data["m"]
    topic = {label: i for i, (label, _) in enumerate(data["topics"])}
    assert data["topics"][topic["negotiation"]] == ["negotiation", "negotiation"]
    assert data["topics"][topic["rust"]] == ["rust", ""]  # no page for a term the caller did not map
    assert data["orgs"][ana["o"]] == "Northwind" and data["tzs"][ana["z"]] == "Europe/Madrid"
    assert [data["langs"][i] for i in ana["l"]] == [["en", "English"], ["es", "Spanish"]]
    assert [data["langs"][i] for i in ben_row["l"]] == [["en", "English"]]  # en-GB is filtered as English
    assert [data["formats"][i] for i in ana["f"]] == [["video", "by video"]]
    assert [data["formats"][i] for i in ben_row["f"]] == [["async", "asynchronously (messages answered later)"]]
    assert data["countries"] == [["JP", "Japan"]] and ben_row["y"] == 0 and "y" not in ana
    assert ana["e"] == [topic["negotiation"], topic["feedback"]]
    assert ana["u"] == 60 and BANDS[ana["b"]][2] == "UTC+0 to +3"
    assert ana["a"] == [8 * 60, 9 * 60]  # Monday 09:00-10:00 in Madrid (winter) is 08:00-09:00 UTC
    assert sorted(map(tuple, ana["k"])) == [(topic["feedback"], 1), (topic["negotiation"], 2)] and ana["r"] == 2
    assert data["status"][ana["s"]] == ["taking", "Taking mentees"] and ana["c"] == 2
    # Offers resolve through the topic map (salary -> negotiation); weekly hours when no windows.
    assert ben_row["x"] == [[topic["negotiation"], 20]] and ben_row["w"] == [topic["rust"]]
    assert ben_row["h"] == 2.0 and "a" not in ben_row and "k" not in ben_row and "r" not in ben_row
    assert ben_row["u"] == 540 and BANDS[ben_row["b"]][2] == "UTC+8 to +14"
    assert data["status"][ben_row["s"]] == ["full", "Full"] and ben_row["c"] == 0  # all slots taken, no status


def test_sessions_by_language_are_evidence_of_a_language():
    """A Spanish session is evidence for its mentor's Spanish: counted, and spoken even unlisted."""
    rafa = _ana(id="rafa", name="Rafa", languages=("en",))
    sessions = {"rafa": [("s1", "Negociar", ("negotiation",), "es-MX"), ("s2", "Pay", ("negotiation",), "en"),
                         ("s3", "Otra", ("feedback",), "es"), ("s4", "Unknown", ("feedback",), "")]}
    data = _load(directory_json([rafa], sessions, {}, TOPICS))
    [row] = data["m"]
    langs = [tuple(x) for x in data["langs"]]
    assert langs == [("en", "English"), ("es", "Spanish")]
    assert [langs[i][0] for i in row["l"]] == ["en", "es"]  # listed first, then recorded in
    assert sorted((langs[i][0], n) for i, n in row["g"]) == [("en", 1), ("es", 2)]  # s4's is not known
    assert row["r"] == 4
    assert "g" not in _load(directory_json([rafa], {}, {}, TOPICS))["m"][0]


def test_capacity_not_stated_is_taking_and_declared_formats_have_words():
    cai = Mentor(id="cai", name="Cai", formats=("walk-and-talk",))
    data = _load(directory_json([cai], {}, {}, TOPICS, format_words={"walk-and-talk": "on a walk"}))
    row = data["m"][0]
    assert data["status"][row["s"]] == ["taking", "Taking mentees"] and "c" not in row
    assert data["formats"] == [["walk-and-talk", "on a walk"]]


def test_windows_wrap_the_week_and_status_objects():
    tokyo = _ana(timezone="Asia/Tokyo", availability=(Window("mon", "08:00", "10:00"),))
    data = _load(directory_json([tokyo], {}, {"ana": Status("inactive", "Not active", "why")}, TOPICS,
                                directory_urls=False))
    row = data["m"][0]
    # Monday 08:00-10:00 in Tokyo: Sunday 23:00 to Monday 01:00 UTC, split at the week's end.
    assert row["a"] == [0, 60, 10080 - 60, 10080]
    assert data["status"][row["s"]] == ["inactive", "Not active"]
    assert data["url"] == "{}.html"


def test_bands():
    assert [band_of(x) for x in (-720, -360, -300, -60, 0, 180, 210, 240, 330, 420, 480, 840)] == \
        [0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4]
    assert utc_offset("America/New_York") == -300 and utc_offset("Asia/Kolkata") == 330
    assert utc_offset("Not/AZone") == 0


def test_html_is_escaped_in_the_file_and_round_trips():
    evil = _ana(name=PAYLOAD, title="A & B </script>", organization=f"Org {PAYLOAD}", expertise=(PAYLOAD,))
    text = directory_json([evil], {"ana": [("s-zz", "Title zz", (PAYLOAD,))]}, {}, {}, True)
    for ch in "<>&":
        assert ch not in text
    assert "\\u003cimg" in text
    data = _load(text)
    row = data["m"][0]
    assert row["n"] == PAYLOAD and row["t"] == "A & B </script>" and data["orgs"][row["o"]] == f"Org {PAYLOAD}"
    assert data["topics"][row["e"][0]] == [PAYLOAD, ""]
    assert "zz" not in text  # session ids and titles are not in the file, only counts


def test_same_input_same_output():
    mentors = [_ana(), _ana(id="bo", name="Bo", organization="Acme", languages=("fr",), expertise=("feedback",))]
    one = directory_json(mentors, {}, {}, TOPICS)
    assert directory_json(list(reversed(mentors)), {}, {}, TOPICS) == one


def synthetic_roster(n: int = 5000, seed: int = 7) -> tuple[list[Mentor], dict, dict]:
    """A roster bigger than any real one: realistic names, many orgs, topics and windows."""
    rnd = random.Random(seed)
    first = [f"{a}{b}" for a in ("Al", "Be", "Ca", "Da", "El", "Fa", "Gi", "Ha", "Is", "Jo", "Ka", "Lu", "Ma", "No")
             for b in ("na", "rto", "mila", "vid", "ena", "tima", "ulia", "rin", "a", "sé", "ri", "cas")]
    last = [f"{a}{b}" for a in ("Gar", "Oka", "Ram", "Wat", "Mül", "Ngu", "Kow", "Sil", "Ber", "Ros", "Tan", "Kim")
            for b in ("cía", "for", "an", "anabe", "ler", "yen", "alski", "va", "ger", "si", "aka", "ura")]
    orgs = [f"{rnd.choice(last)} {rnd.choice(('Labs', 'Health', 'Bank', 'Systems', 'University', 'Group'))} {i}"
            for i in range(800)]
    topics = [f"topic {i} {rnd.choice(('design', 'negotiation', 'data', 'leadership', 'careers'))}" for i in range(400)]
    langs = ["en", "es", "fr", "de", "pt", "it", "nl", "pl", "hi", "ta", "ja", "zh", "ko", "ar", "sw", "yo", "tr",
             "ru", "uk", "sv", "fi", "da", "no", "cs", "ro", "hu", "el", "he", "id", "vi", "th", "bn"]
    zones = ["Europe/Madrid", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
             "America/Los_Angeles", "America/Sao_Paulo", "America/Mexico_City", "Asia/Tokyo", "Asia/Kolkata",
             "Asia/Singapore", "Australia/Sydney", "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai", "Pacific/Auckland"]
    titles = [f"{lvl} {job}" for lvl in ("Senior", "Staff", "Principal", "Lead", "Head of")
              for job in ("Engineer", "Designer", "Data Scientist", "Product Manager", "Researcher", "Analyst")]
    mentors, sessions = [], {}
    for i in range(n):
        mid = f"mentor-{i:05d}"
        windows = tuple(Window(d, f"{h:02d}:00", f"{h + rnd.choice((1, 2, 3)):02d}:00")
                        for d in rnd.sample(("mon", "tue", "wed", "thu", "fri", "sat"), rnd.randint(2, 5))
                        for h in [rnd.randint(7, 19)])
        expertise = tuple(rnd.sample(topics, rnd.randint(3, 7)))
        mentors.append(Mentor(
            id=mid, name=f"{rnd.choice(first)} {rnd.choice(last)}", title=rnd.choice(titles),
            organization=rnd.choice(orgs), timezone=rnd.choice(zones), languages=tuple(rnd.sample(langs, 3)),
            expertise=expertise, formats=tuple(rnd.sample(("video", "phone", "chat", "in-person"), 2)),
            capacity=rnd.randint(0, 4), wants_to_learn=tuple(rnd.sample(topics, 2)),
            offers=(Offer(expertise[0], 20),), availability=windows))
        sessions[mid] = [(f"{mid}-s{j}", f"Session {j}", tuple(rnd.sample(expertise, 2)))
                         for j in range(rnd.randint(0, 12))]
    return mentors, {t: (t, t.replace(" ", "-")) for t in topics}, sessions


def test_size_for_5000_mentors_is_under_2_mb_gzipped():
    mentors, topics, sessions = synthetic_roster()
    text = directory_json(mentors, sessions, {}, topics)
    raw = len(text.encode())
    packed = len(gzip.compress(text.encode(), 9))
    print(f"directory.json for 5,000 mentors: {raw / 1e6:.2f} MB, {packed / 1e6:.3f} MB gzipped")  # noqa: T201
    assert packed <= 2_000_000
    assert len(json.loads(text)["m"]) == 5000
