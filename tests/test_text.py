"""Sentence splitting, one test per class of phrasing, each in English and French, and the
properties every split keeps (spans ordered, trimmed, on one line, covering all the text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.text import sentences


def cut(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text)]


def one(text: str) -> None:
    assert cut(text) == [text]


@pytest.mark.parametrize("text", [
    "Dr. Amara Diallo said 40 patients were in intensive care.",
    "The talks were led by Mr. Blinken and Gen. Charles Brown.",
    "Sen. Lindsey Graham and Rep. Mike Johnson backed the bill.",
    "Lt. Col. Yuriy Ignat said 12 drones were shot down.",
    "M. Barnier a présenté 60 milliards d'euros d'économies.",
    "MM. Retailleau et Darmanin se sont vus mardi.",
    "Le Pr. Lacombe et le Dr. Cohen ont signé la tribune.",
    "Mgr Ulrich a prié pour les 45 victimes.",
])
def test_titles_do_not_end_a_sentence(text: str) -> None:
    one(text)


@pytest.mark.parametrize("text", [
    "The ceasefire began on Nov. 27 and held for 60 days.",
    "The figure appears in the annex (p. 31, table No. 4).",
    "The list ranks Kharkiv No. 2 for damage.",
    "The reservoir holds approx. 18 million cubic metres.",
    "Le texte a été adopté le 4 déc. 2024 par 331 voix.",
    "Le chiffre figure en annexe (p. 31, cf. tableau 4).",
    "Le cortège a réuni env. 15 000 personnes.",
    "La digue, haute d'env. 4 mètres, a cédé vers 3 h du matin.",
])
def test_abbreviations_before_a_number_or_a_name(text: str) -> None:
    one(text)


@pytest.mark.parametrize("text", [
    "Harry S. Truman ordered the airlift in 1948.",
    "The novel by J. K. Rowling sold 500,000 copies in a day.",
    "J.-M. Le Pen a obtenu 16,9 % des voix en 2002.",
    "Selon P. Martin, 120 communes sont touchées.",
    "U.S. officials put the toll at 300.",
    "The U.N. Security Council met on Friday.",
    "Les É.-U. ont promis 2 milliards de dollars.",
])
def test_initials_and_acronyms(text: str) -> None:
    one(text)


@pytest.mark.parametrize(("text", "want"), [
    ("Aid was flown in from the U.S. It reached 3,000 families.",
     ["Aid was flown in from the U.S.", "It reached 3,000 families."]),
    ("Trucks carried tents, blankets, food, etc. They arrived on Monday.",
     ["Trucks carried tents, blankets, food, etc.", "They arrived on Monday."]),
    ("The siren sounded at 4 a.m. Residents fled to the hills.",
     ["The siren sounded at 4 a.m.", "Residents fled to the hills."]),
    ("Les secours ont apporté des tentes, des vivres, etc. Ils sont arrivés lundi.",
     ["Les secours ont apporté des tentes, des vivres, etc.", "Ils sont arrivés lundi."]),
    ("Le site a été occupé dès 3000 av. J.-C. La ville compte 40 000 habitants.",
     ["Le site a été occupé dès 3000 av. J.-C.", "La ville compte 40 000 habitants."]),
    ("Les chiffres datent de nov. Les suivants sont attendus.",
     ["Les chiffres datent de nov.", "Les suivants sont attendus."]),
])
def test_an_abbreviation_can_end_a_sentence(text: str, want: list[str]) -> None:
    assert cut(text) == want


@pytest.mark.parametrize("text", [
    "The rate fell 3.5 points to 4.2%, and 1,204.5 tonnes were shipped.",
    "Le taux a reculé de 3,5 points à 4,2 %, soit 1 204,5 tonnes.",
    "The meeting was at 10 a.m. Monday in Brussels.",
])
def test_decimals_and_clock_times(text: str) -> None:
    one(text)


@pytest.mark.parametrize(("text", "want"), [
    ("The mayor paused... Then she read out 14 names.",
     ["The mayor paused...", "Then she read out 14 names."]),
    ("Le maire s'est tu… Puis il a lu 14 noms.", ["Le maire s'est tu…", "Puis il a lu 14 noms."]),
    ("The count is rising... slowly, but rising.", ["The count is rising... slowly, but rising."]),
    ('"We will rebuild [...] This town will live," he said.',
     ['"We will rebuild [...] This town will live," he said.']),
    ("« Nous reconstruirons (…) Cette ville vivra », a-t-il dit.",
     ["« Nous reconstruirons (…) Cette ville vivra », a-t-il dit."]),
])
def test_ellipses(text: str, want: list[str]) -> None:
    assert cut(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ('The minister said: "We will not give in." Then he left.',
     ['The minister said: "We will not give in."', "Then he left."]),
    ("The minister said: “We will not give in. Never.” Then he left.",
     ["The minister said: “We will not give in. Never.”", "Then he left."]),
    ('"The dam held. The village is safe," the mayor said. Water is falling.',
     ['"The dam held. The village is safe," the mayor said.', "Water is falling."]),
    ("Le ministre a dit : « Nous ne céderons pas. » Puis il est parti.",
     ["Le ministre a dit : « Nous ne céderons pas. »", "Puis il est parti."]),
    ("« La digue a tenu. Le village est sauvé », a dit le maire. L'eau baisse.",
     ["« La digue a tenu. Le village est sauvé », a dit le maire.", "L'eau baisse."]),
    # French quotes with the no-break spaces typesetters put inside them
    ("Il a dit\u00a0: «\u00a0Nous ne céderons pas.\u00a0» Puis il est parti.",
     ["Il a dit\u00a0: «\u00a0Nous ne céderons pas.\u00a0»", "Puis il est parti."]),
    ("Il a parlé de «\u202fdrame\u202f». Le bilan est de 8 morts.",
     ["Il a parlé de «\u202fdrame\u202f».", "Le bilan est de 8 morts."]),
])
def test_quotations(text: str, want: list[str]) -> None:
    assert cut(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ('"Who will pay?" she asked. The bill is $2 billion.',
     ['"Who will pay?" she asked.', "The bill is $2 billion."]),
    ('"Stop the strikes!" Chancellor Olaf Scholz said on Friday. Talks resume today.',
     ['"Stop the strikes!" Chancellor Olaf Scholz said on Friday.', "Talks resume today."]),
    ("« Qui va payer ? » a demandé la députée. La facture atteint 2 milliards.",
     ["« Qui va payer ? » a demandé la députée.", "La facture atteint 2 milliards."]),
    ("« Arrêtez ! », a-t-il lancé. Les tirs ont cessé.",
     ["« Arrêtez ! », a-t-il lancé.", "Les tirs ont cessé."]),
    ("« Pourquoi nous ? » Le maire de Derna pose la question.",
     ["« Pourquoi nous ? »", "Le maire de Derna pose la question."]),
    ('Protesters shouted "Resign!" Police moved in at noon.',
     ['Protesters shouted "Resign!"', "Police moved in at noon."]),
])
def test_question_and_exclamation_in_quotes(text: str, want: list[str]) -> None:
    assert cut(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("Exports fell 2%. (The March figure was revised.) Imports rose.",
     ["Exports fell 2%.", "(The March figure was revised.)", "Imports rose."]),
    ("Les exportations ont baissé de 2 %. (Le chiffre de mars a été révisé.) Les importations montent.",
     ["Les exportations ont baissé de 2 %.", "(Le chiffre de mars a été révisé.)",
      "Les importations montent."]),
    ("The toll (revised on Monday. It had been 40.) stands at 52.",
     ["The toll (revised on Monday. It had been 40.) stands at 52."]),
    ("Le bilan (chiffres de sept.) est de 52 morts.", ["Le bilan (chiffres de sept.) est de 52 morts."]),
])
def test_parentheses(text: str, want: list[str]) -> None:
    assert cut(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("Floods hit northern Italy\nAt least 9 people died. Rescuers are searching.",
     ["Floods hit northern Italy", "At least 9 people died.", "Rescuers are searching."]),
    ("Crues dans le Nord : 9 morts\nLe bilan pourrait s'alourdir.",
     ["Crues dans le Nord : 9 morts", "Le bilan pourrait s'alourdir."]),
    ("Key figures:\n- 9 dead\n- 2,000 evacuated",
     ["Key figures:", "- 9 dead", "- 2,000 evacuated"]),
    ("Les chiffres :\n• 9 morts\n• 2 000 évacués", ["Les chiffres :", "• 9 morts", "• 2 000 évacués"]),
    ("1. The toll rose to 9.\n2. The army was deployed.",
     ["1. The toll rose to 9.", "2. The army was deployed."]),
    ("1. Le bilan passe à 9 morts.\n2. L'armée est déployée.",
     ["1. Le bilan passe à 9 morts.", "2. L'armée est déployée."]),
    ("11:05\nThe toll rose to 9.", ["11:05", "The toll rose to 9."]),
    ("Talks with Mr.\nKim resumed.", ["Talks with Mr.", "Kim resumed."]),  # never joins lines
])
def test_lines_headlines_lists_and_numbered_paragraphs(text: str, want: list[str]) -> None:
    assert cut(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("The river rose. 12 homes were flooded.", ["The river rose.", "12 homes were flooded."]),
    ("Le fleuve a monté. 12 maisons sont inondées.", ["Le fleuve a monté.", "12 maisons sont inondées."]),
    ("Why now? Because the dam is full.", ["Why now?", "Because the dam is full."]),
    ("Pourquoi maintenant ? Parce que le barrage est plein.",
     ["Pourquoi maintenant ?", "Parce que le barrage est plein."]),
    ("Обстріляли Харків. Загинули 3 людини.", ["Обстріляли Харків.", "Загинули 3 людини."]),
])
def test_plain_sentence_ends(text: str, want: list[str]) -> None:
    assert cut(text) == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "The toll rose to 12.", "Dr. Smith said so.", '"No." ', "(See p. 4.)", "« Non ! »",
    "a-t-il dit.", "Mr.", "U.S.", "\n", " ", "...", "…", "?", "!", "Il y a 3,5 % de plus.",
    "« Vraiment ? Oui. »", '"Why?" he asked.', "1.", "etc.", "Jan. 8", "\u00a0»",
]), max_size=12))
def test_spans_are_ordered_trimmed_on_one_line_and_cover_the_text(parts: list[str]) -> None:
    text = "".join(parts)
    spans = sentences(text)
    covered = set()
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        piece = text[s:e]
        assert piece == piece.strip() and "\n" not in piece
        covered.update(range(s, e))
        last = e
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@pytest.mark.parametrize(("text", "want"), [
    ("Selon J.-Y. Le Drian, 300 soldats restent.", ["Selon J.-Y. Le Drian, 300 soldats restent."]),
    ("La ville date de 50 av. J.-C. La cité compte 9 000 habitants.",
     ["La ville date de 50 av. J.-C.", "La cité compte 9 000 habitants."]),
])
def test_an_initial_before_a_name_particle(text: str, want: list[str]) -> None:
    assert cut(text) == want


def _fold_string_per_character() -> str:
    """The fold table as it was first built: `fold` called on each character alone."""
    from monitor.text import fold

    table = {}
    for code in range(0x41, 0x2000):
        f = fold(chr(code))
        if f != chr(code) and len(f) == 1:
            table[code] = f
    table[ord("’")] = "'"
    chars = list(map(chr, range(max(table) + 1)))
    for code, f in table.items():
        chars[code] = f
    return "".join(chars)


def test_fold_table_built_in_one_pass_is_the_per_character_one() -> None:
    """The one-pass construction of the fold table (start-up time) gives every code point the
    fold it had: the same table, and the same folded text of all of Unicode."""
    from monitor import text

    reference = _fold_string_per_character()
    assert reference == text._FOLD
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert text.fold_text(everything) == everything.translate(reference)
    assert text.fold_text("Nord-Coréens ÉTÉ Дом ’") == "nord-coreens ete дом '"
