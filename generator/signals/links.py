"""Links between notes: backlinks from `related:`, and the related list each insight page shows.

Pure functions of the notes; the similar notes come from anything with a `related(id, limit)`
method (`generator.similar.SimilarNotes`, or the search index's more-like-this).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from generator.model import Note

if TYPE_CHECKING:
    from generator.signals.similar import SimilarNotes, TermsMemo


class FindsRelated(Protocol):
    """Something that can name the notes most like a given one."""

    def related(self, note_id: str, limit: int = 5) -> list[str]: ...


def backlinks(notes: Sequence[Note]) -> dict[str, tuple[str, ...]]:
    """Each note id mapped to the ids of the notes whose `related:` names it, newest first."""
    found: dict[str, list[Note]] = {}
    for note in notes:
        for other in dict.fromkeys(note.related):
            if other != note.id:
                found.setdefault(other, []).append(note)
    return {
        key: tuple(n.id for n in sorted(linking, key=lambda n: (-n.date.toordinal(), n.id)))
        for key, linking in sorted(found.items())
    }


def related_for(note: Note, similar: FindsRelated | None, limit: int = 5) -> list[str]:
    """The note's explicit `related:` ids first, then similar notes up to `limit` in all.

    Explicit links are always kept, even beyond `limit`; no id repeats, and never the note itself.
    """
    ids = [i for i in dict.fromkeys(note.related) if i != note.id]
    if similar is not None and len(ids) < limit:
        for other in similar.related(note.id, limit + len(ids) + 1):
            if other != note.id and other not in ids and len(ids) < limit:
                ids.append(other)
    return ids


def related_map(notes: Sequence[Note], limit: int = 5) -> Mapping[str, tuple[str, ...]]:
    """Every note's related ids for its page: explicit links first, then the most similar."""
    return RelatedMap(notes, limit)


class RelatedMap(Mapping[str, tuple[str, ...]]):
    """Note ids mapped to their related ids, each worked out when first asked for.

    The similarity model is built once, when first needed (a build asks before its page
    workers fork, so they share it); the ranking for a note is done by the process that
    builds its page.
    """

    def __init__(
        self, notes: Sequence[Note], limit: int = 5, known: TermsMemo | None = None
    ) -> None:
        self.notes = {note.id: note for note in notes}
        self.every = notes
        self.known = known  # notes' terms kept from the last model (similar.TermsMemo)
        self.limit = limit
        self.found: dict[str, tuple[str, ...]] = {}

    @cached_property
    def similar(self) -> SimilarNotes:
        """The similarity model of every note."""
        from generator.signals.similar import SimilarNotes

        return SimilarNotes(self.every, self.known)

    def __getitem__(self, note_id: str) -> tuple[str, ...]:
        if note_id not in self.found:
            note = self.notes[note_id]
            self.found[note_id] = tuple(related_for(note, self.similar, self.limit))
        return self.found[note_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.notes)

    def __len__(self) -> int:
        return len(self.notes)
