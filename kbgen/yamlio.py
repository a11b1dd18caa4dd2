"""Safe YAML reading that remembers line numbers, so errors can point at them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, rel


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when built with it
    """SafeLoader that leaves dates as text: the caller parses them and names the field.

    (PyYAML's own timestamp parsing raises a bare ValueError for 2026-13-01.)
    """


    def construct_mapping(self, node, deep=False):
        # PyYAML keeps the last of two equal keys without a word; in a sidecar that can turn
        # `visibility: private` into `public`, so a repeated key is an error naming both lines.
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: the base class reports it
                break
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first on line {first})", key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LocatedYaml:
    """Data from a YAML file plus the line of every mapping key and sequence item."""

    def __init__(self, data: Any, node: yaml.Node | None, path: Path, root: Path | None):
        self.data = data
        self._node = node
        self.path = path
        self.root = root
        self.shown = rel(path, root)

    def line(self, *keys: str | int) -> int | None:
        """1-based line of the value at ``keys`` (or of the nearest parent found)."""
        node = self._node
        line = node.start_mark.line + 1 if node is not None else None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                        line, node = k.start_mark.line + 1, v
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    return line
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def problem(self, keys: tuple[str | int, ...], message: str) -> Problem:
        """A problem located at the field ``keys``: 'line N, field a.b: message'."""
        line = self.line(*keys)
        dotted = ".".join(str(k) for k in keys)
        where = ", ".join(
            x for x in (f"line {line}" if line else "", f"field '{dotted}'" if dotted else "") if x
        )
        return Problem(self.shown, where, message)


def load_yaml(path: Path, root: Path | None = None) -> LocatedYaml:
    """Read ``path`` with ``yaml.safe_load`` semantics; raise ValueError-free Problems.

    Raises :class:`YamlProblem` carrying a located problem when the file is not YAML.
    """
    shown = rel(path, root)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(Problem(shown, "", f"not UTF-8 text ({exc.reason}); save it as UTF-8")) from None
    except OSError as exc:
        raise YamlProblem(Problem(shown, "", f"cannot read: {exc.strerror}")) from None
    try:
        loader = _Loader(text)  # parsed once: the nodes (for line numbers), then the data from them
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlProblem(Problem(shown, where, f"not valid YAML: {what}; fix the syntax")) from None
    return LocatedYaml(data, node, Path(path), root)


class YamlProblem(Exception):
    """Raised by :func:`load_yaml` when a file cannot be read as YAML."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem
