"""Read YAML keeping the line of every key, so editors get `file:line: field` errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[Any, ...]
_LOADER = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # libyaml when PyYAML has it: about 10x faster, same nodes and marks


@dataclass(frozen=True)
class YamlProblem(Exception):
    """The file could not be read as YAML at all (syntax error, duplicate key)."""

    line: int
    message: str


@dataclass
class Located:
    """Parsed data plus the line where each path (keys and list indexes) starts."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of the longest known prefix of `path` (1 when nothing matches)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


def load_yaml(path: Path) -> Located:
    """Parse one YAML file; raise YamlProblem with a line for anything unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(1, f"not UTF-8 text ({exc.reason})") from None
    return parse_yaml(text)


def parse_yaml(text: str) -> Located:
    """Parse YAML text into a Located; duplicate keys are errors, not silent overwrites."""
    try:
        return _parse(text, _LOADER)
    except YamlProblem:
        if _LOADER is yaml.SafeLoader:
            raise
        return _parse(
            text, yaml.SafeLoader
        )  # a broken file: the pure-Python parser words the error better


def _parse(text: str, loader_class: type) -> Located:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        located = Located(None)
        located.data = _build(loader, node, (), located.lines) if node is not None else None
        return located
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML: {exc}") from None
    finally:
        loader.dispose()


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    """Construct Python data from a node, recording the line of every path."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise YamlProblem(key_node.start_mark.line + 1, "a key must be plain text")
            if key in result:
                raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, path + (key,), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, path + (index,), lines) for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
