"""Fixed word lists the engine reads by (not configurable): parts, wholes, joint scopes,
corrections, speech verbs. One place, so every stage reads the same words."""

from __future__ import annotations

import re

from monitor.lazyre import lazy_compile

# A number for only a part of the figure ("3 000 soldats supplémentaires", "an additional
# 3,000", "1,500 more troops", "30 de plus") is not the figure's value.
PART_BEFORE = ("additional", "another", "further", "extra", "encore", "nouveaux", "nouvelles",
               "de plus")
PART_AFTER = ("supplémentaires", "supplémentaire", "additional", "more", "extra", "further",
              "de plus")

# A number for a larger whole that merely includes them ("50 000 soldats, dont des unités
# nord-coréennes") is not the figure's value either; after these words, a place names a part.
WHOLE_WORDS = ("dont", "including", "among them", "parmi lesquels", "parmi eux", "notamment",
               "of whom", "of which", "among whom")

# Words that make a number the joint total of every place the figure counts in.
_UNITS_EN = (r"(?:countries|islands|regions|provinces|territories|states|counties|départements|"
             r"departments|sides of the border)")
_UNITS_FR = r"(?:pays|îles|régions|provinces|territoires|départements|États|comtés)"
_BOTH = (rf"(?:(?:in |on |across |for )?both {_UNITS_EN}|(?:in|on|across|for) (?:the )?two "
         rf"{_UNITS_EN}|(?:dans|sur|pour|aux) (?:les )?deux {_UNITS_FR}|des deux (?:{_UNITS_FR[3:-1]}|"
         r"côtés de la frontière)|de part et d['’]autre de la frontière)")
# "in three countries": more places than any figure's pair: bound to somewhere else
MANY = lazy_compile(r"\b(?:in |dans |across |à travers )?(?:three|four|five|several|many|"
                  r"trois|quatre|cinq|plusieurs) (?:countries|pays|nations|islands|îles)\b",
                  re.IGNORECASE)
# "in both countries" names the joint total itself: no title or earlier place overrides it
BOTH = lazy_compile(rf"\b{_BOTH}\b", re.IGNORECASE)
JOINT = lazy_compile(
    rf"\b(?:{_BOTH}|in all|in total|au total|en tout|combined|together|cumulés?|cumulées?|"
    r"overall|altogether)\b",
    re.IGNORECASE,
)

# A report that says it corrects an earlier figure downwards.
CORRECTION = lazy_compile(
    r"\b(?:revis(?:e|es|ed|ing)\b[^.;]{0,80}?\bdown(?:ward|wards)?\b|"
    r"(?:lower|lowers|lowered|cut|cuts)\s+(?:its|their|the)\s+(?:estimate|count|toll|figure)|"
    r"downward revision|corrected|correction|erratum|corrigendum|"
    r"corrig[ée]e?s?|rectifi[ée]e?s?|rectificatif|"
    r"r[ée]vis\w*\b[^.;]{0,60}?[àa] la baisse|revue?s? [àa] la baisse|"
    r"ramen[ée]e?s? [àa]|lowered|double[- ]counted|overcounted|compt[ée]e?s? deux fois)",
    re.IGNORECASE,
)

# Verbs of saying: a place just before one is where someone spoke, not what a number counts.
SPEECH = lazy_compile(
    r"^[\s,]*(?:\w+\s+)?(?:said|says|told|announced|reported|confirmed|stated|added|"
    r"a déclaré|a annoncé|a indiqué|a précisé|a confirmé|a affirmé|indique|annonce|précise|"
    r"affirme|déclare|selon)\b",
    re.IGNORECASE,
)

# A number of the past or a typical one, not the story's current figure: "il y a deux ans",
# "last year", "on average", "par an". A year other than the report's own is checked apart
# (`YEAR`), unless it starts a running count ("since August 2023", "depuis 2022").
HISTORY = lazy_compile(
    r"\b(?:ago|il y a \w+ ans?|last year|l['’]an (?:dernier|passé)|l['’]année (?:dernière|"
    r"précédente|passée)|the previous year|a year earlier|un an plus tôt|on average|"
    r"en moyenne|an average|une moyenne|per year|par an|a year|each year|chaque année|"
    r"annual|annuel(?:le)?s?|at the height of|au plus fort de|au plus fort des|"
    r"à l['’]époque|at the time|avai(?:t|ent) alors|had then)\b",
    re.IGNORECASE,
)
YEAR = lazy_compile(r"(?<![\d,.])(?:1[89]\d\d|20\d\d)(?![\d,.]\d)")
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
          r"december|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
          r"novembre|décembre|the start of|the end of|le début de|la fin de|early|late|mid)")
SINCE = lazy_compile(rf"(?:since|depuis|from|starting|as of|début|debut|until|jusqu['’]en|"
                   rf"d['’]ici|by|this|cette)\s+(?:(?:{_MONTH})\s+)?(?:\d{{1,2}}\s+)?$",
                   re.IGNORECASE)
# a clause hanging on a past year is about that year: "since 2002, when 232 died",
# "since Hugo in 1989, which killed 11"
WHEN = lazy_compile(r",\s*(?:when|où|lorsque|quand|which|qui|that|dont)\b", re.IGNORECASE)

# Expectations and forecasts: not a count of what happened. A figure whose own cues are such
# words (a planned deployment) keeps them.
FORECAST = lazy_compile(
    r"\b(?:(?<!than-)(?<!than\s)expect(?:s|ed|ing)?|forecasts?|forecast(?:ed|ing)|projected|hopes? to|hoping to|"
    r"could reach|may reach|might reach|is set to|attendu(?:e|s|es)?|s['’]attend(?:ent)?|"
    r"espère(?:nt)?|espérait|pourrai(?:t|ent) atteindre|prévision(?:s)?|"
    # what may come, feared or warned of: "could top EUR 150m", "up to 200 km could be
    # affected", "le Cedre redoute jusqu'à 200 km", "pourraient être touchés"
    r"(?:could|may|might) (?:top|exceed|surpass|hit|double|triple)|"
    r"(?:could|may|might) (?:yet )?be (?:affected|hit|fouled|polluted|threatened|reached)|"
    r"pourrai(?:t|ent) (?:dépasser|doubler|tripler|être (?:touchée?s?|affectée?s?|atteinte?s?|"
    r"souillée?s?|polluée?s?|menacée?s?))|redout(?:e|ent|ait|aient|ant)|"
    r"crai(?:nt|gnent|gnait|gnaient|gnant)|"
    # a demand is a wish too: the amount someone asks for is not the value
    r"urg(?:e|es|ed|ing)|call(?:s|ed|ing)? for|ask(?:s|ed|ing)? for|push(?:es|ed|ing)? for|"
    r"demand(?:s|ed|ing) (?:that|to|an?|the)|lobb(?:y|ies|ied|ying) for|"
    r"réclam(?:e|ent|é|ée|ait|aient|ant)|exig(?:e|ent|é|eait|eaient|eant)|"
    r"demand(?:e|ent|é|ait|aient) (?:de|d['’]|que|qu['’])|appell?(?:e|ent|é|ait|aient) à|"
    r"exhort(?:e|ent|é|ait|aient)|plaid(?:e|ent|é|ait|aient) pour|"
    # so is a recommendation ("the court adviser recommends cutting the fine to EUR 12m")
    r"recommend(?:s|ed|ing)?|recommand(?:e|ent|é|ée|ait|aient|ant)|"
    r"préconis(?:e|ent|é|ée|ait|aient|ant)|advis(?:es|ed|ing) (?:cutting|raising|setting))\b",
    re.IGNORECASE,
)

# Words found in most news texts, folded: a phrase of several words is looked for from a word
# that is not one of these ("u s" from "u", "white house" from "white"), so that texts holding
# only these are decided with a set operation (watchlist.Matcher). Which word anchors a
# phrase changes only the speed: a phrase is found when all its words are, from any of them.
COMMON_WORDS = frozenset({
    "s", "t", "d", "l", "m", "n", "j", "c", "qu", "a", "an", "the", "of", "to", "in", "on", "at",
    "by", "for", "from", "with", "as", "and", "or", "but", "not", "no", "nor", "so", "if", "is",
    "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will",
    "would", "could", "should", "can", "may", "might", "must", "shall", "it", "its", "he", "she",
    "they", "we", "you", "i", "his", "her", "their", "our", "your", "this", "that", "these",
    "those", "there", "here", "who", "whom", "whose", "which", "what", "when", "where", "why",
    "how", "all", "any", "some", "many", "most", "more", "much", "few", "each", "every", "both",
    "other", "another", "such", "only", "also", "just", "even", "still", "then", "now", "than",
    "over", "under", "after", "before", "into", "out", "up", "down", "off", "about", "around",
    "between", "among", "through", "during", "without", "within", "against", "said", "says", "say",
    "told", "new", "first", "last", "one", "two", "three", "year", "years", "day", "days", "week",
    "people", "world", "state", "states", "house", "government", "president", "country", "city",
    "time", "news", "report", "reports", "according", "le", "la", "les", "un", "une", "des", "du",
    "de", "et", "ou", "mais", "donc", "car", "ni", "ne", "pas", "plus", "moins", "tres", "il",
    "elle", "ils", "elles", "nous", "vous", "je", "ce", "cet", "cette", "ces", "son", "sa", "ses",
    "leur", "leurs", "qui", "que", "quoi", "dont", "en", "dans", "sur", "sous", "par", "pour",
    "avec", "sans", "chez", "entre", "vers", "selon", "depuis", "pendant", "avant", "apres", "est",
    "sont", "ete", "etre", "avait", "ont", "fait", "faire", "peut", "doit", "aussi", "tout",
    "tous", "toute", "toutes", "autre", "autres", "meme", "deux", "trois", "premier", "annee",
    "ans", "jour", "jours", "monde", "pays", "etat", "gouvernement", "ville"
})
