"""Checks across a merged catalog's tables: unknown makers and categories, alias collisions,
ownership order."""

from __future__ import annotations

from bomtrace.catalogs.index import Catalog
from bomtrace.normalize import maker_key


def check_references(catalog: Catalog) -> list[str]:
    """Problems across tables: unknown makers and categories, alias collisions, ownership order."""
    problems: list[str] = []
    makers = catalog.manufacturers

    def place(table: str, key: str) -> str:
        return catalog.places.get((table, key), table)

    for maker in makers.values():
        if maker.parent and maker.parent not in makers:
            problems.append(f"manufacturers: {maker.id}: parent {maker.parent!r} is not a manufacturer")
    rows: list[str] = []
    for key, family in catalog.families.items():
        for maker_id in family.manufacturers:
            if maker_id not in makers:
                rows.append(f"{place('families', key)}: column manufacturer: {maker_id!r} is not a "
                                "manufacturer")
        if family.category not in catalog.categories:
            rows.append(f"{place('families', key)}: column category: {family.category!r} is not a "
                            "category")
    for (key, maker_id), part in catalog.parts.items():
        if maker_id not in makers:
            rows.append(f"{place('parts', f'{key}|{maker_id}')}: column manufacturer: {maker_id!r} "
                            "is not a manufacturer")
        if part.category not in catalog.categories:
            rows.append(f"{place('parts', f'{key}|{maker_id}')}: column category: {part.category!r} "
                            "is not a category")
    for (pattern, maker_id), rule in catalog.rules.items():
        where = place("rules", f"{pattern}|{maker_id}")
        if maker_id not in makers:
            rows.append(f"{where}: column manufacturer: {maker_id!r} is not a manufacturer")
        if rule.category not in catalog.categories:
            rows.append(f"{where}: column category: {rule.category!r} is not a category")
    for (_, key, maker_id), marking in catalog.markings.items():
        if (key, maker_id) not in catalog.parts:
            rows.append(f"{place('markings', f'{key}|{maker_id}')}: column part_number: {marking.marking!r} names "
                        f"no part {key!r} of {maker_id!r} in the parts tables")
    for keyword, maker_id in [*catalog.keywords.items(), *catalog.logos.items()]:
        if maker_id not in makers:
            rows.append(f"{place('keywords', keyword)}: column manufacturer: {maker_id!r} is not a "
                            "manufacturer")
    problems.extend(sorted(rows, key=_place_order))
    problems.extend(_alias_collisions(catalog))
    problems.extend(_ownership_problems(catalog))
    return problems


def _place_order(problem: str) -> tuple[str, int, str]:
    """Sort 'file:line: ...' problems by file, then line number."""
    file, _, rest = problem.partition(":")
    line, _, _ = rest.partition(":")
    return (file, int(line) if line.isdigit() else 0, problem)


def _alias_collisions(catalog: Catalog) -> list[str]:
    owners: dict[str, str] = {}
    problems = []
    for maker in catalog.manufacturers.values():
        for name in (maker.name, *maker.aliases):
            key = maker_key(name)
            if key in owners and owners[key] != maker.id:
                problems.append(f"manufacturers: alias {name!r} of {maker.id!r} also names "
                                f"{owners[key]!r}")
            owners.setdefault(key, maker.id)
    return list(dict.fromkeys(problems))


def _ownership_problems(catalog: Catalog) -> list[str]:
    problems = []
    for maker_id, events in catalog.ownership.items():
        if maker_id not in catalog.manufacturers:
            problems.append(f"ownership: {maker_id!r} is not a manufacturer")
            continue
        dates = [e.date for e in events]
        if dates != sorted(dates):
            problems.append(f"ownership: events of {maker_id!r} are not in date order")
    return problems
