"""Issue 16, third pass: reading rules added after the second pass, each in French and
English on sentences written for these tests, and the speed-ups' exactness."""

from __future__ import annotations

import re

import pytest

from monitor import numbers
from monitor.numbers import quantities


def read(text: str, lang: str) -> list[tuple[object, ...]]:
    return [(q.value, q.low, q.high, q.qualifier, q.unit, q.previous)
            for q in quantities(text, lang)]


# ------------------------------------------------------------------ ranges and changes

@pytest.mark.parametrize(("text", "lang", "want"), [
    # the unit said on both sides of a range
    ("Flats range from 450 sq ft to 900 sq ft.", "en", [(900, 450, 900, None, "sq", None)]),
    ("Between 30 dead and 40 dead, by the first counts.", "en",
     [(40, 30, 40, None, "dead", None)]),
    ("Des appartements de 30 m2 à 90 m2.", "fr", [(90, 30, 90, None, "m2", None)]),
    ("Entre 30 morts et 40 morts selon les sources.", "fr", [(40, 30, 40, None, "morts", None)]),
    # "from X up to Y", "de X jusqu'à Y": a range, not a bound on Y
    ("Tickets cost from $10 up to $20.", "en", [(20, 10, 20, None, "USD", None)]),
    ("De 10 jusqu'à 20 morts selon les sources.", "fr", [(20, 10, 20, None, "morts", None)]),
])
def test_ranges_with_the_unit_repeated_or_up_to(text: str, lang: str,
                                                want: list[tuple[object, ...]]) -> None:
    assert read(text, lang) == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # two units: two counts, no range
    ("Between 30 dead and 40 injured were counted.", "en",
     [(30, None, None, None, "dead", None), (40, None, None, None, "injured", None)]),
    ("Entre 30 morts et 40 blessés ont été comptés.", "fr",
     [(30, None, None, None, "morts", None), (40, None, None, None, "blessés", None)]),
    # no "from", "between": two counts
    ("30 dead and 40 dead were counted.", "en",
     [(30, None, None, None, "dead", None), (40, None, None, None, "dead", None)]),
    # a change verb before "from": a change, not a range
    ("The toll rose from 12 dead to 14 dead.", "en", [(14, None, None, None, "dead", 12)]),
    ("Le bilan est passé de 12 morts à 14 morts.", "fr", [(14, None, None, None, "morts", 12)]),
])
def test_not_ranges(text: str, lang: str, want: list[tuple[object, ...]]) -> None:
    assert read(text, lang) == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # an abbreviation with points between the old value and "to"
    ("Oil has dropped since May from $75 U.S. a barrel to $45.88.", "en",
     [(45.88, None, None, None, "USD", 75)]),
    ("Le prix est passé de 75 $ U.S. le baril à 45,88 $.", "fr",
     [(45.88, None, None, None, "USD", 75)]),
])
def test_change_across_an_abbreviation(text: str, lang: str,
                                       want: list[tuple[object, ...]]) -> None:
    assert read(text, lang) == want


# ------------------------------------------------------------------ speed-ups, exactness

QUALIFIED = [
    "no less than 30", "not fewer than 30", "pas moins de 30", "au moins 30", "au minimum 30",
    "au minimum de 30", "at least 30", "a minimum of 30", "no more than 30", "pas plus de 30",
    "at most 30", "tout au plus 30", "au plus 30", "au maximum de 30", "a maximum of 30",
    "jusqu'à 30", "jusqu’à 30", "up to 30", "as many as 30", "as much as 30", "environ 30",
    "quelque 30", "à peu près 30", "approximativement 30", "autour de 30", "some 30",
    "about 30", "around 30", "roughly 30", "approximately 30", "approx. 30", "an estimated 30",
    "circa 30", "~30", "≈ 30", "près de 30", "presque 30", "quasiment 30", "pas loin de 30",
    "nearly 30", "almost 30", "close to 30", "over the age of 30", "above the age of 30",
    "older than the age of 30", "aged over 30", "plus de 30", "plus d'un", "au-delà de 30",
    "au-dessus de 30", "more than 30", "over 30", "above 30", "upwards of 30",
    "in excess of 30", "greater than 30", "higher than 30", "larger than 30", "bigger than 30",
    "supérieure à 30", "supérieurs à 30", "dépasse 30", "dépassent désormais les 30",
    "dépasse la barre des 30", "exceeding 30", "exceeds 30", "surpassed 30", "topped 30",
    "tops 30", "topping 30", "has passed 30", "franchit la barre des 30",
    "under the age of 30", "below the age of 30", "younger than the age of 30",
    "aged under 30", "moins de 30", "moins d'un", "fewer than 30", "less than 30", "under 30",
    "below 30", "sub-30", "lower than 30", "smaller than 30", "inférieure à 30",
    "en dessous de 30", "en-dessous de 30", "au-dessous de 30", "en deçà de 30",
    "(about 30", "« environ 30", "as few as 30", "as little as 30", "as low as 30",
    "as high as 30", "in the region of 30", "of the order of 30", "on the order of 30",
    "de l'ordre de 30", "aux alentours de 30", "plus ou moins 30", "grosso modo 30",
    "estimated at 30", "estimé à 30", "estimées à 30", "avoisine les 30", "avoisinait 30",
    "just shy of 30", "approaching 30", "nearing 30", "frôle la barre des 30", "frôlait 30",
    "upward of 30", "proche de 30", "proches des 30", "proche d'un", "sous les 30",
    "sous la barre des 30", "près des 30", "autour des 30",
    "aux alentours des 30", "pas loin des 30", "barely 30", "scarcely 30", "hardly 30",
    "à peine 30", "tout juste 30", "guère plus de 30",
]


@pytest.mark.parametrize("phrase", QUALIFIED)
def test_qualifier_shortcut_reads_what_the_full_search_reads(phrase: str) -> None:
    # the shortcut skips the search where the word before the number ends no qualifier;
    # every qualifier phrase must still be found, as the full search finds it
    text = f"Ils disent {phrase} soldats."
    start = re.search(r"\d|(?<![^\W\d_])un\b", text).start()  # type: ignore[union-attr]
    window = text[max(0, start - 28) : start]
    m = numbers._QUAL_BEFORE.search(window)
    assert m is not None, phrase
    assert numbers._qualifier(text, start)[0] is not None, phrase


# ------------------------------------------------------------------ negative values

@pytest.mark.parametrize(("text", "lang", "want"), [
    # a minus sign or word: the value is negative (a growth rate, a temperature, a balance)
    ("Growth was revised to −0.3% from 0.2%.", "en", [(-0.3, "%", 0.2)]),
    ("La croissance a été révisée à −0,3 % contre 0,2 % prévu.", "fr", [(-0.3, "%", None),
                                                                        (0.2, "%", None)]),
    ("GDP shrank by 0.3% to -0.5% in the third quarter.", "en", [(-0.5, "%", -0.2)]),
    ("Le PIB est passé de 0,2 % à -0,3 % au troisième trimestre.", "fr", [(-0.3, "%", 0.2)]),
    ("It will fall to minus 20 degrees tonight.", "en", [(-20, "degrees", None)]),
    ("The gas is cooled to minus-160 degrees.", "en", [(-160, "degrees", None)]),
    ("Il fera moins 5 degrés cette nuit.", "fr", [(-5, "degrés", None)]),
    ("Paris woke to -5°C on Monday.", "en", [(-5, "°C", None)]),
    ("Il faisait -12 °C à Lyon.", "fr", [(-12, "°C", None)]),
    ("The trade balance fell to $-50.8bn in April.", "en", [(-50_800_000_000, "USD", None)]),
])
def test_negative_values(text: str, lang: str, want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.unit, q.previous) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # a hyphen is a minus only before a percentage or a temperature, never after a number
    ("They bought thousands of COVID -19 tests.", "en", [19]),
    ("Between 10 -15% of voters are undecided.", "en", [15]),
    ("Entre 10 -15 % des électeurs hésitent.", "fr", [15]),
    ("Le score était de 3 -1 à la mi-temps.", "fr", [3, 1]),
    # "moins" is a minus only before a temperature or a percentage; "moins de" is a bound
    ("Il reste moins 5 soldats.", "fr", [5]),
    ("Il reste moins de 5 % des voix.", "fr", [5]),
    # an exponent is no negative value of its own
    ("A mass of 1.99×10−30 kilograms.", "en", [1.99, 10, 30]),
])
def test_not_negative(text: str, lang: str, want: list[object]) -> None:
    assert [q.value for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    ("Il fera 25 °C demain.", "fr", [(25, "°C")]),
    ("It hit 104°F in Phoenix.", "en", [(104, "°F")]),
    ("A 30° angle.", "en", [(30, "°")]),
])
def test_degrees(text: str, lang: str, want: list[tuple[object, str]]) -> None:
    assert [(q.value, q.unit) for q in quantities(text, lang)] == want


# ------------------------------------------------------------------ more qualifier phrasings

@pytest.mark.parametrize(("text", "lang", "want"), [
    # "as few / little / low as" is the lower end of an estimate; "as many / much / high as"
    # the upper end (AP: "as many as" is an upper estimate)
    ("As few as 10 people turned up.", "en", [(10, "at_least")]),
    ("Prices start as low as $5.", "en", [(5, "at_least")]),
    ("Inflation could run as high as 5%.", "en", [(5, "up_to")]),
    ("As many as 500 civilians may have died.", "en", [(500, "up_to")]),
    ("Pas moins de 500 civils seraient morts.", "fr", [(500, "at_least")]),
    ("Jusqu'à 500 civils seraient morts.", "fr", [(500, "up_to")]),
    # approximations before the number
    ("In the region of 10,000 people marched.", "en", [(10000, "about")]),
    ("Costs of the order of $3 billion.", "en", [(3_000_000_000, "about")]),
    ("The damage is estimated at $300 million.", "en", [(300_000_000, "about")]),
    ("Des débits de l'ordre de 170 Mo/s.", "fr", [(170, "about")]),
    ("On la trouve aux alentours de 470 euros.", "fr", [(470, "about")]),
    ("Plus ou moins 300 personnes étaient là.", "fr", [(300, "about")]),
    ("Le coût est estimé à 300 millions d'euros.", "fr", [(300_000_000, "about")]),
    ("Le bilan avoisine les 300 morts.", "fr", [(300, "about")]),
    # only just that much ("barely", "à peine"): about it, not a bound
    ("The stock trades on barely 6.5 times earnings.", "en", [(6.5, "about")]),
    ("Scarcely 40 people turned up, hardly 10 of them locals.", "en",
     [(40, "about"), (10, "about")]),
    ("À peine 300 manifestants ont défilé, tout juste 20 de plus qu'hier.", "fr",
     [(300, "about"), (20, "about")]),
    ("Guère plus de 50 élèves sont venus.", "fr", [(50, "about")]),
    ("Barely over 30 people came.", "en", [(30, "more_than")]),
    # near it, from below
    ("Just shy of 300 people voted.", "en", [(300, "nearly")]),
    ("The toll is approaching 300.", "en", [(300, "nearly")]),
    ("Le bilan frôle les 300 morts.", "fr", [(300, "nearly")]),
    ("Un montant proche des 360 euros.", "fr", [(360, "nearly")]),
    ("Le bilan atteint près des 300 morts.", "fr", [(300, "nearly")]),
    ("On la trouve aux alentours des 250 euros.", "fr", [(250, "about")]),
    ("Le taux tourne autour des 40 %.", "fr", [(40, "about")]),
    ("The rate hovers around 40%.", "en", [(40, "about")]),
    ("Prices came close to $360.", "en", [(360, "nearly")]),
    ("Il est vendu sous les 200 euros.", "fr", [(200, "less_than")]),
    ("Le prix passe sous la barre des 200 €.", "fr", [(200, "less_than")]),
    ("It sells for below $200.", "en", [(200, "less_than")]),
    ("Upward of 300 people queued.", "en", [(300, "more_than")]),
    # after the number
    ("30 or so people came.", "en", [(30, "about")]),
    ("Some 400-odd candles lit the room.", "en", [(400, "about")]),
    ("Il coûte 230 euros environ chez les revendeurs.", "fr", [(230, "about")]),
    ("Open to 18+ players only.", "en", [(18, "at_least")]),
    ("He has 30-plus years of experience.", "en", [(30, "at_least")]),
    ("Réservé aux 18+ joueurs inscrits.", "fr", [(18, "at_least")]),
])
def test_more_qualifier_phrasings(text: str, lang: str,
                                  want: list[tuple[object, object]]) -> None:
    assert [(q.value, q.qualifier) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # "environ" before the next number is that number's
    ("300 morts, environ 200 blessés.", "fr", [(300, None), (200, "about")]),
    # "sous" alone is "within", not a bound
    ("Livré sous 48 heures.", "fr", [(48, None)]),
    # a "+" after a name or a unit, or before a function word, is no bound
    ("Les réseaux 3G+ sont couverts.", "fr", [(3, None)]),
    ("La nouvelle Hero 3+ qui sort lundi.", "fr", [(3, None)]),
    ("The score was 3+2 at the break.", "en", [(3, None), (2, None)]),
])
def test_no_qualifier_there(text: str, lang: str, want: list[tuple[object, object]]) -> None:
    assert [(q.value, q.qualifier) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # French "mille" alone is a thousand ("des milliers" is the vague one)
    ("Mille manifestants ont défilé samedi.", "fr", [(1000, None, None, "manifestants")]),
    ("Le nombre varie de mille à mille cinq cents.", "fr", [(1500, 1000, 1500, None)]),
    ("Dix mille soldats.", "fr", [(10000, None, None, "soldats")]),
    # English "thousand" alone stays unread ("a thousand" is read, see the first pass)
    ("Thousand Oaks residents fled.", "en", []),
])
def test_mille_alone(text: str, lang: str, want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.low, q.high, q.unit) for q in quantities(text, lang)] == want


# ------------------------------------------------------------------ years inside changes

@pytest.mark.parametrize(("text", "lang", "want"), [
    # a year after each value: still a change, never a range from the year
    ("Enrolment fell from 12,400 in 2019 to 9,800 in 2023.", "en", [(9800, None, 12400)]),
    ("Exports rose from $12 billion in 2010 to $40 billion in 2020.", "en",
     [(40_000_000_000, None, 12_000_000_000)]),
    ("Sales fell to 800 units in 2024 from 950 in 2023.", "en", [(800, None, 950)]),
    ("Le nombre d'élèves est passé de 12 400 en 2019 à 9 800 en 2023.", "fr",
     [(9800, None, 12400)]),
    ("Les exportations ont grimpé de 12 milliards en 2010 à 40 milliards en 2020.", "fr",
     [(40_000_000_000, None, 12_000_000_000)]),
])
def test_changes_across_years(text: str, lang: str, want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.low, q.previous) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # a year before an event's plural name is a year, not a count of Olympics
    ("Medal counts at the 2026 Winter Olympics.", "en", []),
    ("Tickets for the 2028 Games go on sale.", "en", []),
    ("Before the 2027 elections, 3,000 observers arrived.", "en", [3000]),
    # a plural count noun after 1800-2100 is still a count, in both languages
    ("Some 2,000 protesters marched.", "en", [2000]),
    ("Quelque 2 000 manifestants ont défilé.", "fr", [2000]),
    ("Avant les élections de 2027, 3 000 observateurs sont arrivés.", "fr", [3000]),
])
def test_event_years(text: str, lang: str, want: list[object]) -> None:
    assert [q.value for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # a model name glued by a hyphen is no scaled amount
    ("It runs on an A10-5750M chip.", "en", []),
    ("Il tourne sur une puce A10-5750M d'AMD.", "fr", []),
    # older / younger than: bounds
    ("Firms older than three years may apply.", "en", [(3, "more_than", "years")]),
    ("Children younger than 12 are exempt.", "en", [(12, "less_than", None)]),
    # a range keeps the currency of its first figure when the second has a noun after it
    ("They signed a $10-12M deal.", "en", [(12_000_000, None, "USD")]),
    ("Un contrat de 10 à 12 M€ a été signé.", "fr", [(12_000_000, None, "EUR")]),
])
def test_models_ages_and_range_units(text: str, lang: str,
                                     want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.qualifier, q.unit) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # a verb of movement before "up to" / "jusqu'à" says where the value went: no ceiling
    ("Euro zone inflation edged up to 2.2% in September.", "en", [(2.2, None)]),
    ("The toll went up to 40 on Monday.", "en", [(40, None)]),
    ("Growth was revised up to 0.4%.", "en", [(0.4, None)]),
    ("Le taux de chômage est monté jusqu'à 7,8 %.", "fr", [(7.8, None)]),
    # a ceiling stays a ceiling
    ("The loan could reach up to €90 billion.", "en", [(90_000_000_000, "up_to")]),
    ("Up to 40 people may have died.", "en", [(40, "up_to")]),
    ("un prêt pouvant atteindre jusqu'à 90 milliards d'euros", "fr",
     [(90_000_000_000, "up_to")]),
])
def test_moving_up_to_a_value_is_no_ceiling(text: str, lang: str,
                                            want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.qualifier) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # a stock index's number is part of its name
    ("The CAC 40 fell 1.2% on Monday.", "en", [(1.2, "%")]),
    ("Le SBF 120 a reculé de 0,6 %.", "fr", [(0.6, "%")]),
    ("The S&P 500 and the FTSE 100 index rose 2%.", "en", [(2, "%")]),
    ("Le CAC 40 termine à 7 512 points.", "fr", [(7512, "points")]),
    # not a name: the number stays
    ("CAC sold 40 units.", "en", [(40, "units")]),
])
def test_stock_index_names_hold_no_number(text: str, lang: str,
                                          want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.unit) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # no range runs from a percentage to money: the percentage is the change's amount
    ("Sales fell a smaller-than-expected 9% to €520 million.", "en",
     [(520_000_000, None, "EUR")]),
    ("Sales rose a better-than-forecast 4% to $1.2 billion.", "en",
     [(1_200_000_000, None, "USD")]),
    ("Between 10% and €15 of each payment goes to fees.", "en",
     [(10, None, "%"), (15, None, "EUR")]),
    ("Les ventes sont comprises entre 10 % et 15 millions d'euros selon les mois.", "fr",
     [(10, None, "%"), (15_000_000, None, "EUR")]),
    # a range of one unit stays a range
    ("between 10% and 15% of voters", "en", [(15, 10, "%")]),
])
def test_no_range_across_units(text: str, lang: str, want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.low, q.unit) for q in quantities(text, lang)] == want


@pytest.mark.parametrize(("text", "lang", "want"), [
    # a change said across its noun phrase: the new value takes the old one as previous
    ("Maisonnet revised down to 8.6 million the number of customer accounts whose data was "
     "stolen, from nearly 9 million, after removing duplicates.", "en",
     [(8_600_000, 9_000_000), (9_000_000, None)]),
    ("La mobilisation a reculé samedi à 963 000 manifestants dans toute la France selon le "
     "ministère, contre 1,24 million mardi.", "fr", [(963_000, 1_240_000), (1_240_000, None)]),
    ("Le groupe a relevé à 15 200 le nombre de postes supprimés en Europe, contre 14 000.", "fr",
     [(15_200, 14_000), (14_000, None)]),
    # no change verb before "to": two values, no change
    ("The ministry counted 45 people in the province, from 30 villages.", "en",
     [(45, None), (30, None)]),
    ("Il y a 45 blessés dans la province, contre 30 morts.", "fr", [(45, None), (30, None)]),
])
def test_a_change_across_its_noun_phrase(text: str, lang: str,
                                         want: list[tuple[object, ...]]) -> None:
    assert [(q.value, q.previous) for q in quantities(text, lang)] == want
