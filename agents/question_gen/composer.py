"""Offline composition: renders grammar scenes into prompts through varied past-event openers,
with level- and role-aware wording and theme endings; deterministic for a seed."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from agents.question_gen.grammar import LevelWords, RoleWords, Scene, load_wording
from agents.question_gen.quality import Candidate

if TYPE_CHECKING:
    from agents.lp.principles import Principle
    from agents.question_gen.context import ContextHints
    from agents.question_gen.request import PromptRequest

# Theme endings go only on cores up to this length, so prompts stay one breath long.
MAX_CORE_WORDS_FOR_ENDING = 17

# One queued rendering: (scene, kind, i, j); kind "act" is acts[i] x situations[j], "ev" is
# events[i], "np" is noun_phrases[i].
Item = tuple[Scene, str, int, int]


def article(phrase: str) -> str:
    """'a' or 'an' for `phrase` (handles acronyms such as API)."""
    word = phrase.split()[0] if phrase.split() else ""
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    lower = word.lower()
    if lower.startswith(("uni", "use", "usu", "one", "eu")):
        return "a"
    return "an" if lower[:1] in "aeiou" or lower.startswith("hour") else "a"


class Vocab(dict):
    """Placeholder values; `a_<key>` yields the value with its indefinite article."""

    def __missing__(self, key: str) -> str:
        if key.startswith("a_") and key[2:] in self:
            value = str(self[key[2:]])
            return f"{article(value)} {value}"
        raise KeyError(key)


def _scene_items(scene: Scene, rng: random.Random) -> list[Item]:
    """A scene's renderings in the order to try them, shuffled by `rng`."""
    # Every situation once (with a rotating act) before any situation again with another act:
    # those read as near-rewordings and are tried last.
    first: list[Item] = []
    later: list[Item] = []
    for xi in range(len(scene.situations)):
        for ai in range(len(scene.acts)):
            item = (scene, "act", ai, xi)
            (first if ai == xi % len(scene.acts) else later).append(item)
    first += [(scene, "ev", ei, 0) for ei in range(len(scene.events))]
    first += [(scene, "np", ni, 0) for ni in range(len(scene.noun_phrases))]
    rng.shuffle(first)
    rng.shuffle(later)
    return first + later


def _lp_queue(scenes: Sequence[Scene], allowed: frozenset[str], rng: random.Random) -> list[Item]:
    """One LP's renderings: round-robin over its scenes that suit the level."""
    per_scene = [_scene_items(scene, rng) for scene in scenes if scene.levels & allowed]
    rng.shuffle(per_scene)
    # Round-robin over scenes, so a short batch covers many situations and themes.
    queue: list[Item] = []
    while any(per_scene):
        for items in per_scene:
            if items:
                queue.append(items.pop(0))
    return queue


def _core(scene: Scene, kind: str, i: int, j: int) -> str:
    """The scene line an item renders, before any ending."""
    if kind == "act":
        return scene.acts[i].replace("{x}", scene.situations[j])
    if kind == "ev":
        return scene.events[i]
    return scene.noun_phrases[i]


class OfflineComposer:
    """Renders grammar scenes into prompts for one request, deterministically for a seed."""

    def __init__(
        self,
        grammar: Mapping[str, Sequence[Scene]],
        principles: Mapping[str, Principle],
        request: PromptRequest,
        hints: ContextHints,
        rng: random.Random,
    ) -> None:
        """Build the per-LP queues of (scene, item) the composer will walk through."""
        self.principles = principles
        self.request = request
        self.hints = hints
        self.rng = rng
        self.wording = load_wording()
        self.level = self.wording.levels[request.level]
        self._queues = {lp: _lp_queue(grammar[lp], self.level.scenes, rng) for lp in grammar}
        openers = self.wording.openers
        self._openers = {"act": list(openers.act), "ev": list(openers.event),
                         "np": list(openers.noun_phrase)}  # fmt: skip
        for kind_openers in self._openers.values():
            rng.shuffle(kind_openers)
        self._opener_turn = Counter[str]()
        self._endings: dict[str, list[str]] = {}
        self._ending_turn = Counter[str]()

    def remaining(self, lp: str) -> int:
        """How many unrendered items the LP has left."""
        return len(self._queues.get(lp, ()))

    def queued_scenes(self, lp: str) -> list[Scene]:
        """The scenes of the LP's remaining items, in queue order (one per item)."""
        return [item[0] for item in self._queues.get(lp, ())]

    def _vocab(self) -> Vocab:
        """Placeholder values for one prompt: level and role wording, sampled per prompt."""
        pick = self.rng.choice
        vocab = Vocab()
        role = self.wording.roles[self.request.role_family]
        sources: tuple[RoleWords | LevelWords, ...] = (role, self.level.words)
        for source in sources:
            for key in type(source).model_fields:
                value = getattr(source, key)
                vocab[key] = pick(value) if isinstance(value, list) else value
        if self.hints.nouns and self.rng.random() < 0.6:
            # The job description's own nouns make the prompt feel written for this role.
            vocab["artifact"] = pick(self.hints.nouns)
        for key in ("people", "peer", "senior"):
            # Fill in the role's person noun, then fix the article ("a analyst" -> "an analyst").
            value = str(vocab[key]).replace("{rp}", str(vocab["rp"]))
            first, _, rest = value.partition(" ")
            vocab[key] = f"{article(rest)} {rest}" if first in ("a", "an") and rest else value
        return vocab

    def _next_item(self, lp: str, theme: str | None) -> Item | None:
        """The next queued item for `lp`: a scene of `theme` if any is left, else one that can
        take a theme ending (short acts), else whatever is next."""
        queue = self._queues.get(lp)
        if not queue:
            return None
        if theme is not None:
            for i, item in enumerate(queue):
                if item[0].theme == theme:
                    return queue.pop(i)
            for i, (scene, kind, ai, xi) in enumerate(queue):
                if kind == "act":
                    core = _core(scene, kind, ai, xi)
                    if len(core.split()) <= MAX_CORE_WORDS_FOR_ENDING:
                        return queue.pop(i)
        return queue.pop(0)

    def _theme_ending(self, theme: str) -> str:
        """The next ending for `theme`, rotating so one batch does not repeat the same one."""
        if theme not in self._endings:
            endings = self.wording.themes[theme].endings
            self._endings[theme] = self.rng.sample(endings, k=len(endings))
        endings = self._endings[theme]
        ending = endings[self._ending_turn[theme] % len(endings)]
        self._ending_turn[theme] += 1
        return ending

    def _ending(
        self, scene: Scene, kind: str, core: str, theme: str | None
    ) -> tuple[str | None, str | None]:
        """The ending to add (if any) and the theme the prompt ends up about."""
        short = len(core.split()) <= MAX_CORE_WORDS_FOR_ENDING
        if theme is not None and scene.theme != theme and kind == "act" and short:
            return self._theme_ending(theme), theme
        if theme is not None and scene.theme != theme:
            # No natural way to make this one about the theme: report its own theme.
            return None, None
        if kind == "act" and short:
            roll = self.rng.random()
            if scene.endings and roll < 0.3:
                return self.rng.choice(scene.endings), theme
            if roll > 0.85 and self.level.endings:
                return self.rng.choice(self.level.endings), theme
        return None, theme

    def _opener(self, kind: str, core: str) -> str:
        """The next opener for this kind of line, rotating through the shuffled list."""
        openers = self._openers[kind]
        if kind == "np" and core.startswith("the "):
            # "Give me an example of the hardest..." reads badly; superlatives take the others.
            openers = [o for o in openers if not o.startswith("Give me")]
        opener = openers[self._opener_turn[kind] % len(openers)]
        self._opener_turn[kind] += 1
        return opener

    def compose(self, lp: str, theme: str | None) -> Candidate | None:
        """Render the next prompt for `lp` (about `theme` when given), or None when exhausted."""
        item = self._next_item(lp, theme)
        if item is None:
            return None
        scene, kind, i, j = item
        vocab = self._vocab()
        core = _core(scene, kind, i, j)
        try:
            # Same shape as prompt_core() of the finished text, so the vectors compare fairly.
            bare = (f"you {core}" if kind == "act" else core).format_map(vocab).lower()
        except (KeyError, IndexError, ValueError):
            return None  # a malformed grammar line: skip rather than emit braces
        ending, theme = self._ending(scene, kind, core, theme)
        if ending:
            core = f"{core}, {ending}"
        opener = self._opener(kind, core)
        try:
            text = opener.format(c=core.format_map(vocab))
        except (KeyError, IndexError, ValueError):
            return None  # a malformed grammar line: skip rather than emit braces
        text = text[0].upper() + text[1:]
        final_theme = theme or scene.theme
        shows = self._shows(scene, final_theme)
        probes = list(scene.probes[:1])  # the filter adds the LP probes closest to the prompt
        return Candidate(text, lp, final_theme, scene, shows, probes, core=bare)

    def _shows(self, scene: Scene, theme: str | None) -> list[str]:
        """What a strong answer shows: the scene's signal, the theme's, the level's."""
        principle = self.principles[scene.lp]
        out = list(scene.shows[:1])
        if theme and theme in self.wording.themes:
            out.append(self.wording.themes[theme].strong_answer_shows)
        others = [s for s in principle.signals if s not in out]
        if others and len(out) < 2:
            out.append(self.rng.choice(others))
        out.append(self.level.strong_answer_shows)
        return out[:3]
