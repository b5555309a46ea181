"""Claimants: who stands behind each value (issue 14).

Reading: every shape of attribution in both languages, names matched through the declared
claimants (adjectives, parts, acronyms in capitals), unknown names kept as read, unnamed
sources and pronouns none. Judging: a series per claimant, competing estimates, the headline
rule. The labelled corpus (tests/data/claimants/, 382 sentences on ten stories) is scored
against the issue's floors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import ConfigError, WatchlistConfig, load_watchlist
from monitor.engine import claimant as claiming
from monitor.engine.judging import FigureState, Rule, judge
from monitor.engine.watchlist import compile_watchlist
from monitor.models import HistoryEntry, Observation, Quantity
from monitor.numbers import quantities
from tests.claimants import score

WL = compile_watchlist(WatchlistConfig.model_validate({
    "claimants": [
        {"id": "seoul", "label": "South Korean intelligence",
         "variants": ["National Intelligence Service", "NIS", "Seoul", "Séoul",
                      "South Korean intelligence", "renseignement sud-coréen"]},
        {"id": "ukraine", "label": "Ukraine",
         "variants": ["Ukraine", "Kyiv", "Kiev", "Ukrainian General Staff"]},
        {"id": "us", "label": "United States",
         "variants": ["United States", "US", "Pentagon", "Pentagone", "Washington"]},
        {"id": "russia", "label": "Russia", "variants": ["Russia", "Moscow", "Moscou"]},
        {"id": "who", "label": "WHO", "variants": ["WHO", "World Health Organization", "OMS"]},
        {"id": "health", "label": "Health ministry",
         "variants": ["Sudanese health ministry", "ministère soudanais de la Santé"]},
        {"id": "police", "label": "Police", "variants": ["police", "préfecture de police"]},
        {"id": "unions", "label": "Unions", "variants": ["unions", "syndicats", "CGT"]},
    ],
    "figures": [{"id": "x", "label": "x", "subject": ["x"], "unit": ["x"]}],
}))


def claims_of(text: str) -> list[str | None]:
    found = quantities(text)
    got = claiming.read(WL, text, found, WL.matcher.find(text))
    return [c.key if c else None for c in got]


@pytest.mark.parametrize(("text", "want"), [
    # after a marker
    ("About 11,000 troops have been sent, according to the Pentagon.", ["us"]),
    ("Environ 11 000 soldats ont été envoyés, selon le Pentagone.", ["us"]),
    ("D'après Séoul, 12 000 soldats sont en Russie.", ["seoul"]),
    ("Some 3,000 dead were counted by the Sudanese health ministry.", ["health"]),
    ("Le nombre est estimé à 11 000 par l'OMS.", ["who"]),
    # before a verb of saying
    ("Kyiv says 14,000 troops are in Kursk.", ["ukraine"]),
    ("Le renseignement sud-coréen a affirmé mardi que 12 000 soldats étaient déployés.",
     ["seoul"]),
    ("The WHO has verified 119 attacks on health care.", ["who"]),
    # inverted, after a quote or a comma
    ('"We count 12,000 troops," said a Pentagon spokesman.', ["us"]),
    ("« Nous comptons 12 000 soldats », a déclaré le porte-parole du Pentagone.", ["us"]),
    ("Quelque 10 000 soldats ont été déployés, a indiqué mardi Washington.", ["us"]),
    # possessive
    ("Seoul's estimate of 11,000 is the lowest.", ["seoul"]),
    ("Le décompte des syndicats, 45 000 manifestants, dépasse celui de la police.",
     ["unions"]),
    # a headline's claimant
    ("Seoul: 12,000 North Korean troops in Russia", ["seoul"]),
    # adjectives and parts of declared names, acronyms in capitals only
    ("Ukrainian officials said 200 troops were killed.", ["ukraine"]),
    ("Un responsable ukrainien a affirmé que 200 soldats avaient été tués.", ["ukraine"]),
    ("The health ministry's toll of 1,136 dead covers hospitals only.", ["health"]),
    ("Selon le ministère soudanais, 1 136 morts.", ["health"]),
    # an undeclared body is kept as read
    ("The Syrian Observatory for Human Rights said 35 people were killed.",
     ["?Syrian Observatory for Human Rights"]),
    ("Selon Amnesty International, 300 personnes ont été arrêtées.", ["?Amnesty International"]),
    ("According to a Reuters tally, 1,200 people have died.", ["?Reuters"]),
    # unnamed sources, pronouns, relaying outlets: none
    ("Officials said 3,000 troops had arrived.", [None]),
    ("Selon une source diplomatique, 3 000 soldats sont arrivés.", [None]),
    ("Selon lui, 5 000 soldats sont morts.", [None]),
    ("Local media reported that some 1,500 special forces had left.", [None]),
    ("Le quotidien Dong-A Ilbo a rapporté que 1 500 soldats avaient quitté le port.", [None]),
    ("Une source proche de la CGT évoque 12 000 grévistes.", [None]),
    ("The bridge is 300 metres long.", [None]),
    # a speaker citing another's figure: the figure's owner
    ("Zelensky said Seoul's estimate of 11,000 troops was too low.", ["seoul"]),
    # a denial gives no claimant
    ("Moscow denied the 10,000 figure.", [None]),
    ("Moscou a démenti le chiffre de 10 000 soldats avancé par Washington.", ["us"]),
])
def test_claimant_shapes(text: str, want: list[str | None]) -> None:
    assert claims_of(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("Seoul says 11,000 troops were sent, while Kyiv says 14,000.", ["seoul", "ukraine"]),
    ("Séoul évoque 11 000 soldats, tandis que Kiev en compte 14 000.", ["seoul", "ukraine"]),
    ("3,5 millions de manifestants selon la CGT, 130 000 selon la police.",
     ["unions", "police"]),
    ("The police put the number at 20,000 while the unions said 100,000 marched.",
     ["police", "unions"]),
    ("Kiev avance le chiffre de 12 000 soldats, Washington celui de 10 000.",
     ["ukraine", "us"]),
    ("La police a compté 12 000 manifestants, les syndicats 45 000.", ["police", "unions"]),
])
def test_two_claimants_in_one_sentence(text: str, want: list[str | None]) -> None:
    assert claims_of(text) == want


def test_acronyms_are_names_in_capitals_only() -> None:
    # "who", "us" and French "un" are words, not the WHO, the US or the UN
    assert claims_of("People who said 3,000 died were wrong.") == [None]
    assert claims_of("They told us 3,000 had died.") == [None]


def test_config_refuses_a_name_for_two_claimants_and_an_unknown_headline(tmp_path: Path
                                                                         ) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(
        '[[claimants]]\nid = "a"\nvariants = ["Kyiv"]\n'
        '[[claimants]]\nid = "b"\nvariants = ["kyiv"]\n'
        '[[figures]]\nid = "f"\nlabel = "f"\nsubject = ["s"]\nunit = ["u"]\n', "utf-8")
    with pytest.raises(ConfigError, match=r"watchlist.toml: claimants\[1\]\.variants: 'kyiv' "
                       "already names claimant 'a'"):
        load_watchlist(path)
    path.write_text(
        '[[claimants]]\nid = "a"\nvariants = ["Kyiv"]\n'
        '[[figures]]\nid = "f"\nlabel = "f"\nsubject = ["s"]\nunit = ["u"]\n'
        'headline = "nato"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"watchlist.toml: figures\[0\]\.headline: 'nato' is "
                       "not latest, highest, lowest or the id of a \\[\\[claimants\\]\\] entry"):
        load_watchlist(path)


def test_claimant_ids_are_their_own_namespace(tmp_path: Path) -> None:
    # a new user's first watchlist for a company story watched the term "voltera" and
    # declared the company "voltera" as a claimant: both are natural, and neither names
    # the other's kind (terms and figures share ids: digests and routing name watches)
    path = tmp_path / "watchlist.toml"
    base = ('[[terms]]\nid = "voltera"\nlabel = "Voltera"\nvariants = ["Voltera"]\n'
            '[[claimants]]\nid = "voltera"\nvariants = ["Voltera Automobiles"]\n')
    path.write_text(base, "utf-8")
    assert [c.id for c in load_watchlist(path).claimants] == ["voltera"]
    path.write_text(base + '[[claimants]]\nid = "voltera"\nvariants = ["the carmaker"]\n',
                    "utf-8")
    with pytest.raises(ConfigError, match=r"claimants\[1\]\.id: duplicate 'voltera' "
                       r"\(also claimants\[0\]\)"):
        load_watchlist(path)


# ---------------------------------------------------------------- judging per claimant

def obs(value: float, claimant: str, source: str = "A", day: int = 1) -> Observation:
    q = Quantity(value, None, None, None, "troops", 0, 1)
    return Observation("f", q, f"{value}", f"u{value}{source}", None, "", source,
                       datetime(2024, 11, day, tzinfo=UTC), claimant=claimant)


DEFAULT = Rule()


def seeded(*entries: tuple[float, str], rule: Rule = DEFAULT) -> FigureState:
    hist = tuple(HistoryEntry(value=v, source="seed", date="2024-10-01", claimant=c)
                 for v, c in entries)
    from monitor.engine.judging import Claim, with_headline
    last: dict[str, Claim] = {}
    for v, c in entries:
        last.pop(c, None)
        last[c] = Claim(c, v, frozenset({"seed"}))
    return with_headline(FigureState("f", 0.0, hist, None, frozenset(), (),
                                     tuple(last.values())), rule)


def test_each_claimant_revises_its_own_series() -> None:
    s = seeded((11_000, "seoul"), (14_000, "ukraine"))
    assert s.current == 14_000  # latest report
    s, verdict, previous = judge(s, obs(12_000, "seoul", day=2), Rule())
    assert (verdict, previous) == ("revision", 11_000)  # Seoul 11,000 -> 12,000
    assert s.claim("ukraine").current == 14_000  # Kyiv still says 14,000
    assert s.current == 12_000
    s, verdict, previous = judge(s, obs(15_000, "ukraine", day=3), Rule())
    assert (verdict, previous) == ("revision", 14_000)


def test_a_new_claimant_that_disagrees_is_a_competing_estimate() -> None:
    s = seeded((11_000, "seoul"), (14_000, "ukraine"))
    s, verdict, previous = judge(s, obs(10_000, "us", day=2), Rule())
    assert (verdict, previous) == ("competing", None)
    assert [k.claimant for k in s.claims] == ["seoul", "ukraine", "us"]
    # and one that agrees with another claimant corroborates it
    s2, verdict, previous = judge(s, obs(14_000, "russia", day=3), Rule())
    assert (verdict, previous) == ("corroboration", 14_000)
    assert s2.claim("russia").current == 14_000


def test_a_claimant_not_declared_is_judged_with_the_unattributed_values() -> None:
    # "?Reuters" is shown as read, but a misread name must not open a competing series
    s = seeded((11_000, "seoul"), (14_000, "ukraine"))
    s, verdict, previous = judge(s, obs(16_000, "?Reuters", day=2), Rule())
    assert (verdict, previous) == ("revision", 14_000)
    assert s.claim("?Reuters") is None and s.claim("").current == 16_000
    assert s.history[-1].claimant == "?Reuters"


def test_another_outlet_with_a_claimants_current_value_corroborates_it() -> None:
    s = seeded((11_000, "seoul"), (14_000, "ukraine"))
    s, verdict, _ = judge(s, obs(11_000, "seoul", source="B", day=2), Rule())
    assert verdict == "corroboration"
    assert s.claim("seoul").sources == {"seed", "B"}
    assert judge(s, obs(11_000, "seoul", source="B", day=3), Rule())[1] == "repeat"


def test_unattributed_values_are_judged_against_the_headline() -> None:
    s = seeded((11_000, "seoul"), (14_000, "ukraine"))
    assert judge(s, obs(14_000, "", source="B", day=2), Rule())[1] == "corroboration"
    # a value another claimant stands at is no news, even unattributed
    assert judge(s, obs(11_000, "", source="B", day=2), Rule())[1] == "restatement"
    s2, verdict, previous = judge(s, obs(16_000, "", source="B", day=2), Rule())
    assert (verdict, previous) == ("revision", 14_000)
    assert s2.claim("").current == 16_000 and s2.claim("ukraine").current == 14_000


def test_a_claimant_reporting_the_value_an_unattributed_report_already_set_corroborates_it(
        ) -> None:
    # "loan raised to EUR 60bn" (no source), then "the Commission raised it to EUR 60bn":
    # one piece of news, one alert; the Commission's series follows to 60
    s = seeded((50, "commission"))
    s, verdict, previous = judge(s, obs(60, "", source="A", day=2), Rule())
    assert (verdict, previous) == ("revision", 50)
    s, verdict, _ = judge(s, obs(60, "commission", source="B", day=3), Rule())
    assert verdict == "corroboration"
    assert s.claim("commission").current == 60 and s.current == 60
    assert s.claim("").sources == {"A", "B"}
    # the same outlet's headline for that value is then a repeat, not a second event
    assert judge(s, obs(60, "", source="B", day=3), Rule())[1] == "repeat"
    # and the claimant's next move is its own revision again, from 60
    s, verdict, previous = judge(s, obs(84, "commission", source="C", day=4), Rule())
    assert (verdict, previous) == ("revision", 60)


def test_a_claimant_moving_to_another_claimants_value_is_still_its_revision() -> None:
    # Seoul moving to Kyiv's 14,000 is news about Seoul: the unattributed rule above is
    # only for a value the unattributed series took after the claimant's last one
    s = seeded((11_000, "seoul"), (14_000, "ukraine"))
    s, verdict, previous = judge(s, obs(14_000, "seoul", source="B", day=2), Rule())
    assert (verdict, previous) == ("revision", 11_000)
    # an unattributed value older than the claimant's last one does not capture it either
    s = seeded((11_000, "seoul"))
    s, _, _ = judge(s, obs(12_000, "", source="A", day=2), Rule())
    s, verdict, _ = judge(s, obs(13_000, "seoul", source="B", day=3), Rule())
    assert verdict == "revision"


def test_a_far_value_of_claimants_not_declared_is_promoted_by_a_second_outlet() -> None:
    # held under one name as read, confirmed under another: both are unattributed values
    # (failed: the held value was looked for among the "" entries only, so held again)
    s = seeded((4_000, ""))
    s, verdict, _ = judge(s, obs(65_000, "?Interior ministry", source="A", day=2), Rule())
    assert verdict == "held_for_review"
    s, verdict, _ = judge(s, obs(65_000, "?Morocco", source="B", day=3), Rule())
    assert verdict == "promoted" and s.current == 65_000


@pytest.mark.parametrize(("headline", "want"), [
    ("latest", 10_000), ("highest", 14_000), ("lowest", 10_000), ("seoul", 11_000),
])
def test_the_headline_rule_picks_the_figures_value(headline: str, want: int) -> None:
    rule = Rule(headline=headline)
    s = seeded((11_000, "seoul"), (14_000, "ukraine"), rule=rule)
    s, _v, _p = judge(s, obs(10_000, "us", day=2), rule)
    assert s.current == want


def test_a_far_value_from_a_new_claimant_waits_for_a_second_outlet() -> None:
    s = seeded((11_000, "seoul"), (14_000, "ukraine"))
    s, verdict, _ = judge(s, obs(140_000, "us", day=2), Rule())
    assert verdict == "held_for_review" and s.claim("us") is None
    s, verdict, _ = judge(s, obs(140_000, "us", source="B", day=3), Rule())
    assert verdict == "promoted" and s.claim("us").current == 140_000


def test_a_claimants_backlog_report_is_judged_at_its_date() -> None:
    s = seeded((11_000, "seoul"))
    s, _v, _p = judge(s, obs(13_000, "seoul", day=10), Rule())
    # an older report of Seoul's, read late: a revision at its date, not made current
    s, verdict, previous = judge(s, obs(12_000, "seoul", day=5), Rule())
    assert (verdict, previous) == ("revision", 11_000)
    assert s.claim("seoul").current == 13_000


def test_claimant_corpus_meets_the_issue_floors() -> None:
    r = score()
    assert r.declared.total + r.undeclared.total + r.none.total >= 200
    assert not r.unread_numbers, r.unread_numbers[:5]
    assert r.overall >= 0.90, (r.overall, r.declared.wrong + r.undeclared.wrong)
    assert r.none.rate >= 0.95, r.none.wrong  # no claimant invented where there is none


def test_a_report_that_the_value_moved_from_the_current_one_is_no_corroboration() -> None:
    # current "nearly 9 million"; "revised down to 8.6 million from nearly 9 million" falls
    # inside the "nearly" band, but says the value moved away from it: a correction
    from monitor.engine.judging import Claim, with_headline
    hist = (HistoryEntry(value=9_000_000, qualifier="nearly", source="seed",
                         date="2026-03-19"),)
    s = with_headline(FigureState("f", 0.0, hist, None, frozenset(), (),
                                  (Claim("", 9_000_000, frozenset({"seed"})),)),
                      Rule(only_rises=True))

    def report(previous: float | None) -> Observation:
        q = Quantity(8_600_000, None, None, None, "accounts", 0, 1, previous=previous)
        return Observation("f", q, "8.6m", "u", None, "", "Wire",
                           datetime(2026, 4, 2, tzinfo=UTC))

    rule = Rule(only_rises=True)
    assert judge(s, report(None), rule, says_correction=True)[1] == "corroboration"
    assert judge(s, report(9_000_000), rule, says_correction=True)[1] == "correction"


def test_a_figure_can_take_no_claimants_or_only_some(tmp_path: Path) -> None:
    # a fine a regulator sets: "Maisonnet's EUR 20m fine" names the fined company, which
    # is not who says the value; `claimants = []` judges every value as unattributed
    from monitor.engine.pipeline import Engine
    from monitor.models import Item

    def wl(claimants: str) -> WatchlistConfig:
        path = tmp_path / "w.toml"
        path.write_text(
            '[[claimants]]\nid = "maisonnet"\nvariants = ["Maisonnet"]\n'
            '[[figures]]\nid = "fine"\nlabel = "Fine"\nsubject = ["fine"]\nunit = ["EUR"]\n'
            f'measure = ["fine"]\n{claimants}'
            'history = [{ value = 20000000, claimant = "maisonnet", date = "2026-03-01" }]\n',
            "utf-8")
        return load_watchlist(path)

    def run(cfg: WatchlistConfig) -> list[tuple[str, str]]:
        engine = Engine(compile_watchlist(cfg))
        out = []
        for n, text in enumerate(["Maisonnet's €15m fine was upheld on Monday.",
                                  "Maisonnet said it would pay the €15m fine."]):
            item = Item(uid=str(n), title="Fine", text=text, link=f"https://x.example/{n}",
                        published=datetime(2026, 5, 12 + n, tzinfo=UTC), updated=None,
                        source=f"S{n}", content_hash=str(n))
            out += [(e.kind, e.claimant) for e in engine.process(item) if e.figure]
        return out

    # by default the company's name makes it the claimant of both reports
    assert run(wl("")) == [("revision", "maisonnet"), ("corroboration", "maisonnet")]
    assert run(wl("claimants = []\n")) == [("revision", ""), ("corroboration", "")]
    with pytest.raises(ConfigError, match=r"figures\[0\]\.claimants\[0\]: 'cnil' is not the id"):
        wl('claimants = ["cnil"]\n')


def test_a_slipped_digit_is_held_whichever_series_gave_the_value() -> None:
    # the health agency's series stands at 250; an unattributed correction gives 231; the
    # agency's "2 310" is 231 with a slipped digit: held for review, not a revision
    s = seeded((250, "ars"))
    s, verdict, _ = judge(s, obs(231, "", source="B", day=2), Rule(), says_correction=True)
    assert verdict == "revision"  # (not only_rises: a lower value is a revision here)
    s, verdict, _ = judge(s, obs(2310, "ars", source="C", day=3), Rule())
    assert verdict == "held_for_review"
    # without the unattributed 231 the agency's 2,310 is nine times its 250: a revision
    s2 = seeded((250, "ars"))
    assert judge(s2, obs(2310, "ars", source="C", day=3), Rule())[1] == "revision"
