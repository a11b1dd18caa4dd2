"""`kbgen init DIR`: the files of a new project that builds as it is."""

from __future__ import annotations

from pathlib import Path

from .errors import KbgenError

FILES = {
    "kbgen.yml": """\
# kbgen settings; every key is optional (see the README for all of them).
audience: public          # public | internal: who `kbgen build` builds for
recordings: recordings    # media files, each with a <name>.yml sidecar
roster: mentors.yaml
transcribe:
  beam_size: 5
""",
    "mkdocs.yml": """\
site_name: Mentoring knowledge base
docs_dir: site_src
theme:
  name: material
  font: false   # system fonts: pages make no request to a font service
# The home page includes kbgen's block (search box, latest sessions, topics, learning paths, Find a
# mentor) with pymdownx.snippets, laid out as Material's grid cards (attr_list, md_in_html).
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.snippets:
      base_path: [!relative $config_dir/site_src]
      check_paths: true
""",
    "mentors.yaml": """\
mentors:
  - id: first-mentor
    name: First Mentor
    title: Engineering Manager
    organization: Example Org
    timezone: Europe/London
    languages: [en]
    expertise: [leadership, feedback]
    formats: [video, chat]
    capacity: 2
    bio: Replace this roster with your mentors.
    contact: mailto:mentor@example.org
""",
    "site_src/index.md": """\
# Mentoring knowledge base

What was said in our mentoring sessions, and the mentors who said it. Write here what your
program is about; kbgen fills in the rest below on every build.

--8<-- "kbgen-assets/home.md"
""",
    "recordings/README.md": """\
Put recordings here (m4a, mp3, wav, ogg, webm, mp4...), each with a sidecar of the same name:

```yaml
# my-session.yml beside my-session.m4a
title: Negotiating your first offer
date: 2026-01-31
mentors: [first-mentor]
mentee: anonymous
topics: [negotiation]
visibility: public     # public | internal | private
consent: true
language: en
```
""",
    ".gitignore": """\
/site/
.kbgen/
site_src/sessions/
site_src/mentors/
site_src/topics/
site_src/media/
site_src/kbgen-assets/
site_src/paths/
# the program page (internal builds): mentors' capacity and what mentees asked for
site_src/program/
# kbgen match's report and agreement drafts: mentee data, never committed
match/
""",
}


def scaffold(directory: Path) -> list[Path]:
    """Write the starter files; refuse to overwrite any that exist."""
    directory = Path(directory)
    clashes = [name for name in FILES if (directory / name).exists()]
    if clashes:
        raise KbgenError(f"{directory}: already has {', '.join(sorted(clashes))}; "
                         "choose an empty folder or remove them")
    written = []
    for name, text in FILES.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
