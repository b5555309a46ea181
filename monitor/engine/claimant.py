"""Who stands behind each number of a sentence: its claimant.

A claim is read from the words of saying around a number, in these shapes:

* after a marker: "according to X", "per X", "estimated by X", "polled by X", "selon X",
  "d'après X", "de source X", "avancé par X", "estimé à N par X";
* before a verb of saying or estimating: "X said", "X estimates", "X expects",
  "X has put the number at", "X a déclaré", "X estime", "X table sur";
* inverted, after a quote or a comma: '"...," said X', "..., a indiqué X";
* possessive: "X's estimate of N", "X's N", "le décompte des X", "the X figure of N";
* a headline's "X: ..." when X is a declared claimant;
* elliptical, after another claim: "Kyiv puts it at 12,000, Washington at 10,000",
  "3,5 millions selon la CGT, 1,28 million selon l'Intérieur", "la police 12 000".

X, the words read as the claimant, is matched against the watchlist's `[[claimants]]`
(their names, adjectives and distinctive parts, fuzzy like terms; acronyms in capitals
only). A named body or person not declared is kept as read ("?Amnesty International");
unnamed sources ("officials said", "selon une source", "local media reported",
"according to estimates"), outlets that only relay ("the newspaper reported") and
pronouns are none. A body that denies a figure is not its claimant.

Each number takes the claim that governs it: a possessive right before it or an "according
to" right after it, else the nearest claim in its clause (an unnamed source nearer than a
named one makes it unattributed), else the sentence's only claim. Pure; shared by the
engine, `explain` and the claimant test set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.engine.watchlist import PhraseHit, Watchlist, phrase_of
from monitor.lazyre import lazy_compile
from monitor.models import Quantity

NONE = ""


@dataclass(frozen=True, slots=True)
class Claim:
    """A claimant read in a sentence: its key (a claimant id, "?name as read" or none), the
    words read as it, where they stand, and the shape it was read from."""

    key: str
    words: str
    start: int
    end: int
    how: str
    denies: bool = False


_DAYS = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|"
         r"jeudi|vendredi|samedi|dimanche|yesterday|today|hier|aujourd['’]hui|tonight|"
         r"this (?:week|month|morning|evening)|last (?:week|month|night)|earlier|later|"
         r"ce (?:matin|soir)|cette semaine|la semaine dernière|ce week-end|overnight)")
_ADVERBS = (r"(?:has|have|had|also|now|previously|earlier|again|separately|later|then|"
            r"further|publicly|itself|himself|herself|themselves|recently|first|initially|"
            r"already|officially|reportedly|will|would|still|on\s+\w+|" + _DAYS + r")")
_ITS_FIGURE = (r"(?=\s+(?:its|their|the|his|her|son|sa|ses|leur|leurs|le|la|les)\s+"
               r"(?:\S+\s+){0,2}?(?:estimates?|count|toll|figures?|tally|assessment|"
               r"forecasts?|number|total|projections?|outlook|estimations?|bilan|chiffres?|"
               r"décompte|prévisions?|objectif|target|guidance)\b)")
_SAY_EN = (r"said|says|say|told|tells|(?<!an\s)(?<!An\s)estimated|"
           r"(?:estimates|counts|reports|claims|forecasts|projects|records)"
           r"(?!\s+(?:\w+ed|were|are|show|showed|suggest|suggested|put|range|vary|varied|"
           r"differ|differed|have|had)\b)|believes|believe|claimed|claims|"
           r"counted|reported|announced|announces|confirmed|confirms|stated|added|"
           r"adds|assessed|assesses|wrote|writes|tallied|recorded|registered|noted|warned|"
           r"warns|insisted|insists|acknowledged|acknowledges|admitted|admits|calculated|"
           r"calculates|revealed|reveals|disclosed|discloses|indicated|indicates|suggested|"
           r"suggests|alleged|alleges|cited|cites|explained|explains|declared|declares|"
           r"reckons|reckoned|thinks|thought|documented|verified|stressed|stresses|"
           r"(?:expects|expected|forecasts|forecast|projects|projected|predicts|predicted|"
           r"anticipates)(?!\s+to\b)|sees|saw|puts|put|identified|identifies|reporting|saying|"
           r"estimating|counting|reckoning|measured|measures|claim(?=\s+(?:\d|at least|more than|about|nearly|some))|"
           r"estimate(?=\s+(?:that|at|the|it|\d))|"
           r"(?:raised|raises|revised|revises|updated|updates|lowered|lowers|increased|"
           r"increases|cut|cuts|gave|gives|released|published|issued|doubled|trimmed|"
           r"trims|kept|keeps|maintained|maintains|stuck to|sticks to|sticking to|"
           r"confirmed|lifted|lifts|slashed|slashes|upgraded|downgraded|held|corrected|"
           r"corrects)" + _ITS_FIGURE + r"|"
           # a body moving its own number: "the prefecture revised the length of polluted
           # coastline down to 78 km", "the ministry raised the toll on Friday to 31"
           r"(?:raised|revised|lowered|corrected|increased|reduced|trimmed|brought)"
           r"(?:\s+[\w'’-]+){0,7}?\s+(?:up\s+|down\s+)?to(?=\s+(?:\d|about|nearly|some|"
           r"around|roughly|more\s+than|at\s+least|[$€£]))")
_SAY_FR_PAST = (r"déclaré|indiqué|annoncé|affirmé|estimé|assuré|précisé|recensé|compté|"
                r"confirmé|avancé|rapporté|évalué|chiffré|dénombré|fait état|fait savoir|"
                r"expliqué|souligné|ajouté|signalé|révélé|communiqué|dit|déploré|"
                r"relevé|comptabilisé|enregistré|évoqué|reconnu|admis|calculé|noté|"
                r"alerté|averti|prévenu|martelé|insisté|lancé|répété|soutenu|rappelé|"
                r"détaillé|confié|concédé|dénoncé|fait valoir|prévu|anticipé|tablé sur|revendiqué|"
                r"constaté|observé|mesuré|totalisé|établi|identifié|"
                r"(?:revu|révisé|rehaussé|abaissé|actualisé|mis à jour|porté|publié|"
                r"fourni|relevé|doublé|maintenu|confirmé|réduit|ramené|corrigé)" + _ITS_FIGURE +
                # a body moving its own number: "a porté mardi à 92 kilomètres", "a corrigé
                # jeudi à 1 970 tonnes son estimation", "a revu à la baisse à 78 km"
                r"|(?:porté|relevé|abaissé|ramené|corrigé|rehaussé|réduit|révisé|revu)"
                r"(?:\s+(?:à\s+la\s+(?:hausse|baisse)|désormais|encore|" + _DAYS + r"))*"
                r"\s+à(?=\s+(?:\d|au\s+moins|plus\s+de|près\s+de|environ|quelque))")
_SAY_FR_NOW = (r"estime|estiment|affirme|affirment|indique|indiquent|annonce|annoncent|"
               r"recense|recensent|évalue|évaluent|avance|avancent|dénombre|dénombrent|"
               r"fait état|font état|assure|assurent|précise|précisent|déclare|déclarent|"
               r"rapporte|rapportent|signale|signalent|évoque|évoquent|table sur|"
               r"tablent sur|mise sur|misent sur|revendique|revendiquent|comptabilise|"
               r"comptabilisent|reconnaît|reconnaissent|fait savoir|font savoir|explique|"
               r"expliquent|ajoute|ajoutent|souligne|soulignent|dit|disent|parle de|"
               r"parlent de|(?:prévoit|prévoient|anticipe|anticipent|espère|espèrent)"
               r"(?!\s+(?:d['’]|de\b|qu|que\b|le\s+déploiement|l['’]envoi))|"
               r"projette|projettent|alerte|alertent|préviennent|prévient|avertit|"
               r"avertissent|insiste|insistent|martèle|martèlent|rappelle|rappellent|"
               r"estimait|estimaient|affirmait|affirmaient|indiquait|indiquaient|évaluait|"
               r"évaluaient|avançait|avançaient|assurait|assuraient|déclarait|déclaraient|"
               r"chiffrait|chiffraient|recensait|recensaient|dénombrait|dénombraient|"
               r"faisait état|faisaient état|annonçait|annonçaient|comptait|comptaient|"
               r"(?:chiffre|chiffrent)(?=\s+(?:à|le|la|les|son|sa|ses|leur))|"
               r"(?:abaisse|abaissent|relève|relèvent|rehausse|rehaussent|révise|révisent|"
               r"revoit|revoient|maintient|maintiennent|confirme|confirment|réduit|"
               r"réduisent|ramène|ramènent|publie|publient)" + _ITS_FIGURE + r"|"
               r"(?:enregistre|enregistrent|porte|portent|relève|relèvent|identifie|identifient)"
               r"(?=\s+(?:à|au moins|plus de|près de|environ|désormais|aujourd|son|sa|ses|"
               r"leur|\d))")
_DENY = (r"denied|denies|deny|rejected|rejects|reject|dismissed|dismisses|dismiss|disputed|"
         r"disputes|dispute|contested|contests|contest|refuted|refutes|refute|"
         r"questioned|questions|doubted|doubts|démenti|dément|démentent|rejette|rejettent|"
         r"rejeté|conteste|contestent|contesté|réfute|réfutent|réfuté|nie|nient|nié|"
         r"récuse|récusent|récusé|mis en doute|met en doute|mettent en doute")
_AUX_FR = (r"(?:a|ont|avait|avaient|aurait|auraient|a\s+pour\s+sa\s+part|"
           r"a\s+de\s+son\s+côté)")
_FR_ADV = (r"(?:également|aussi|par ailleurs|de son côté|pour sa part|encore|déjà|ensuite|"
           r"récemment|publiquement|officiellement|lui-même|elle-même|" + _DAYS + r")")

# a verb of saying (or of denial); the deny groups mark a denial
_VERB = lazy_compile(
    rf"\b(?:(?:{_ADVERBS}\s+){{0,3}}(?:(?P<deny_en>{_DENY})|(?:{_SAY_EN}))"
    rf"|{_AUX_FR}\s+(?:{_FR_ADV}\s+){{0,2}}(?:(?P<deny_fr>{_DENY})|(?:{_SAY_FR_PAST}))"
    rf"|(?:(?P<deny_now>{_DENY})|(?:{_SAY_FR_NOW})))\b",
    re.IGNORECASE,
)
# "according to X": X follows
_MARKER = lazy_compile(
    r"\b(?:according\s+to|per(?=\s+(?:the\s+)?(?-i:[A-Z]))|citing|as\s+(?:estimated|reported|"
    r"counted|stated)\s+by|(?:estimated|counted|reported|tallied|compiled|confirmed|"
    r"recorded|registered|assessed|documented|verified|released|published|provided|given|"
    r"cited|put\s+forward|presented|polled|surveyed|commissioned|quoted|pencill?ed\s+in|"
    r"budgeted|targeted|assumed|retained)\s+by|"
    r"(?:data|figures|numbers|estimates?|count|tally|statistics|report|assessment)\s+"
    r"(?:from|by)|selon|d['’]après|de\s+source|de\s+l['’]aveu\s+(?:même\s+)?"
    r"(?:de\s+la|du|des|de|d['’])|(?:estimée?s?|recensée?s?|comptée?s?|dénombrée?s?|"
    r"avancée?s?|publiée?s?|évaluée?s?|confirmée?s?|rapportée?s?|communiquée?s?|fournie?s?|"
    r"comptabilisée?s?|enregistrée?s?|annoncée?s?|chiffrée?s?|présentée?s?|"
    r"interrogée?s?|sondée?s?|citée?s?|commandée?s?)(?:\s+[^\s,;.]+){0,3}?\s+par|"
    r"(?:estimée?s?|évaluée?s?|chiffrée?s?|fixée?s?|estimated|put|assessed|placed|"
    r"pegged)\s+(?:à|at)\s+[^,;:]{1,40}?\s(?:par|by))\b\s*",
    re.IGNORECASE,
)
# "X's estimate", "le décompte des X", "the UN figure of"
_POSSESSIVE_EN = lazy_compile(
    r"['’]s?\s+(?:(?:own|latest|new|updated|revised|official|initial|previous|earlier|"
    r"last|first|current|highest|lowest|conservative|preliminary|provisional|final)\s+){0,2}"
    r"(?:estimates?|count|tally|figures?|toll|assessment|data|numbers|calculations?|"
    r"reckoning|projections?|forecasts?|census|records?|"
    r"(?=(?:[$€£₩¥]|US\$|USD|EUR|GBP)?\s?\d))",  # "the Commission's €84 billion loan"
    re.IGNORECASE,
)
_THE_X_FIGURE = lazy_compile(
    r"\b(?i:the|a|an)\s+((?:[A-Z][\w&.-]*\s+){1,3})(?:estimates?|count|tally|figures?|toll|"
    r"forecasts?|projections?)\s+(?:of|at)\b")
_OF_BODY = lazy_compile(
    r"\b(?:(?:le|la|les|l['’]|un|une|ce|cette|son|sa|ses)\s+)?(?:(?:dernier|dernière|"
    r"nouveau|nouvelle|propre|premier|première|récent|récente)\s+)?(?:décompte|estimation|"
    r"estimations|chiffres?|bilan|comptage|recensement|évaluation|données|statistiques|"
    r"calculs?|relevé|prévisions?)\s+(?:(?:officiel|officielle|provisoire|définitif|dernier|"
    r"actualisé)s?\s+)?(?:de\s+la|de\s+l['’]|du|des|de|d['’])\s*(?=[A-Za-zÀ-ÿ])",
    re.IGNORECASE,
)
_FIGURE_OF_N_OF = lazy_compile(
    r"\b(?:prévisions?|estimations?|bilan|chiffre|décompte|objectif|forecast|estimate|"
    r"figure|toll|count|target)\s+(?:de|d['’]|of)\s+(?:plus de |près de |about |some )?"
    r"\d[\d\s.,]*\s*(?:%|[^\W\d]+)?\s+(?:du|de\s+la|de\s+l['’]|des|d['’]|of\s+the|of)\s*",
    re.IGNORECASE)
_HEADLINE = lazy_compile(r"^\s*([^:\d«»\"“”]{2,50}?)\s*:\s")
# the words right after a headline's colon that may name who acts: "la Commission propose"
_HEADLINE_BODY = lazy_compile(r"\s*(?:(?:le|la|les|l['’]|the)\s*)?([^\s,;:\d«»\"“”]+"
                            r"(?:\s+[^\s,;:\d«»\"“”]+){0,2}?)(?=\s+[a-zéèêàâîôûç]+\b)")
_ABBREV = lazy_compile(r"\b(?:Maj|Gen|Lt|Col|Sgt|Adm|Cpt|Capt|Dr|Mr|Mrs|Ms|St|Jr|Sr|Gov|Sen|"
                     r"Rep|Prof|Mme|Mgr|Me|Pr|[A-Z])\.")
_PAREN = lazy_compile(r"\([^()]{1,60}\)")

# where a claimant's name ends (after a marker) or starts (before a verb)
_NAME_STOP_AFTER = lazy_compile(
    r"[,;:.!?()«»\"“”\[\]]|\s[-–—]\s|\d|\b(?:that|who|which|whose|when|while|as|because|"
    r"than|qui|que|qu['’]|dont|lorsque|quand|alors|tandis|mais|but|and|et|in\s+a\s+"
    r"(?:statement|report|post|briefing|interview|tweet)|dans\s+(?:un|une|son|sa)|lors|"
    r"last|this|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"published|released|issued|said|says|a\s+(?:déclaré|indiqué)|late|early|overnight|"
    r"yesterday|hier|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|au\s+cours|"
    r"were|was|are|is|have|has|had|sont|est|ont|a|to|expect|expects|anticipent|"
    r"anticipe|prévoient|prévoit|estiment|estime|of\s+\d|de\s+\d|fondé|fondée|based|"
    r"au\s+moins|at\s+least|about|some|nearly|plus|more|près|on\s+condition)\b",
    re.IGNORECASE,
)
_STOP_WORDS_BEFORE = lazy_compile(
    # (a word inside a hyphenated name is no stop: "UFC-Que Choisir", "Seine-et-Marne")
    r"[,;:.!?()«»\"“”\[\]]|\s[-–—]\s|\d|(?<!-)\b(?:that|who|which|while|as|because|than|"
    r"when|and|but|if|since|after|before|where|whereas|qui|que|qu['’]|dont|lorsque|quand|"
    r"alors que|tandis que|mais|et|car|où|si|comme|puisque|though|although|says|"
    r"said|meanwhile|however|cependant|pourtant|also|with|avec|by|per|against|contre|"
    r"versus|vs)\b",
    re.IGNORECASE,
)

# unnamed sources and pronouns: no claimant
_UNNAMED = frozenset(
    ["official", "officials", "source", "sources", "people", "person", "analysts", "analyst", "experts", "expert", "witnesses", "witness", "residents", "resident", "observers", "observer", "diplomats", "diplomat", "reports", "report", "media", "press", "estimates", "estimate", "figures", "figure", "data", "statement", "statements", "study", "survey", "document", "documents", "numbers", "count", "tally", "insiders", "insider", "someone", "somebody", "responsable", "responsables", "témoins", "témoin", "habitants", "habitant", "observateurs", "observateur", "analystes", "analyste", "médias", "presse", "estimations", "estimation", "chiffres", "chiffre", "doctor", "doctors", "médecin", "médecins", "données", "communiqué", "étude", "enquête", "rapport", "rapports", "sondage", "he", "she", "they", "it", "we", "i", "you", "il", "elle", "ils", "elles", "on", "nous", "lui", "eux", "one", "others", "other", "some", "spokesman", "spokeswoman", "spokesperson", "porte-parole", "agency", "agence", "authorities", "autorités", "officers", "rumours", "rumors", "posts", "post", "accounts", "account", "article", "paper", "calculations", "calculation", "projections", "projection", "forecasts", "forecast", "records", "record", "census", "economists", "économistes", "aid", "workers", "humanitaires", "rescuers", "survivors", "survivants", "families", "familles", "relatives", "proches", "neighbours", "voisins", "activists", "militants", "ngo", "ong", "team", "équipe", "group", "groupe", "researchers", "chercheurs", "scientists", "scientifiques", "statistician", "statisticien", "statisticienne"]
)
# unnamed sources: nearer a number than a named claimant, they make it unattributed
_SOURCES = frozenset(
    ["official", "officials", "source", "sources", "analysts", "analyst", "experts", "expert", "witnesses", "witness", "residents", "resident", "observers", "observer", "diplomats", "diplomat", "insiders", "insider", "responsable", "responsables", "témoins", "témoin", "habitants", "habitant", "observateurs", "observateur", "analystes", "analyste", "médias", "media", "press", "presse", "doctor", "doctors", "médecin", "médecins", "economists", "économistes", "rescuers", "survivors", "survivants", "estimates", "estimations", "rumours", "rumors", "reports"]
)
# outlets that relay a figure are not its claimant (their own count is: "a Reuters tally")
_OUTLETS = frozenset(
    ["newspaper", "journal", "daily", "quotidien", "hebdomadaire", "weekly", "outlet", "broadcaster", "channel", "chaîne", "site", "website", "tv", "television", "télévision", "radio", "magazine", "tabloid"]
)
_GENERIC_TAIL = frozenset(
    ["tally", "count", "estimate", "estimates", "figures", "figure", "data", "numbers", "statement", "report", "assessment", "calculation", "calculations", "records", "census", "décompte", "estimation", "estimations", "chiffres", "chiffre", "données", "bilan", "comptage", "recensement", "évaluation", "statistiques", "statistics", "official", "officials", "spokesman", "spokeswoman", "spokesperson", "porte-parole", "responsable", "responsables", "source", "sources", "reporters", "journalistes"]
)
_LEAD = lazy_compile(
    r"(?:(?:(?:last|this|next)\s+(?:week|month|year)|on\s+\w+day|earlier|later|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|soir|matin|yesterday|"
    r"today|calculs|calculations|travaux|analyses?|communiquée?s?|publiée?s?|fournie?s?|"
    r"avancée?s?|released|published|provided|given|par|"
    r"the|a|an|le|la|les|l['’]|un|une|des|du|de|d['’]|ses|son|sa|leur|leurs|"
    r"its|their|his|her|both|all|several|many|some|two|three|deux|trois|plusieurs|"
    r"certains|certaines|a\s+senior|a\s+top|senior|top|high-ranking|haut|haute|hauts|"
    r"of|by|from|per|latest|new|nouveau|nouvelle|nouveaux|derniers|dernier|dernière|"
    r"chiffres|figures|data|estimates?|estimations?|décompte|bilan|count|tally|"
    r"données|statistiques|statistics)\b\s*)+",
    re.IGNORECASE,
)
_TRAIL = lazy_compile(r"[\s'’]+s?$|\s+(?:on|in|at|to|for|from|by|à|au|en|de|du|des|d['’])$",
                    re.IGNORECASE)
_WORD = lazy_compile(r"[^\W\d_][\w'’.&-]*")
_CAPITAL = lazy_compile(r"[A-ZÀ-ÖØ-Þ]")
# bodies with a name of their own, whatever country they belong to
_BODIES = frozenset(["cross", "croix", "crescent", "croissant", "rouge", "red", "university", "université", "institute", "institut", "observatory", "observatoire"])
_ADJECTIVE = lazy_compile(r"(?:ern|ian|ese|ish|an|ais|aise|ien|ienne|ain|aine|ois|oise|ic|ique)$",
                        re.IGNORECASE)
_PREPOSITION = frozenset(["of", "in", "at", "from", "for", "with", "de", "du", "des", "d", "à", "au", "aux", "en", "pour"])
# a group, or one expert, that speaks for a body named after it: "a team from the University
# of Hong Kong", "les économistes de l'OFCE", "an oceanographer at the University of Western
# Brittany", "un océanographe de l'Université de Bretagne occidentale": the body is the claimant
_PROXY = frozenset(["team", "équipe", "group", "groupe", "researchers", "chercheurs", "scientists", "scientifiques", "economists", "économistes", "experts", "analysts", "analystes", "statistician", "statisticien", "statisticienne", "monitors", "observers", "observateurs", "investigators", "enquêteurs",
                    "researcher", "chercheur", "chercheuse", "scientist", "economist", "économiste", "expert", "experte", "analyst", "analyste", "professor", "professeur", "professeure", "engineer", "ingénieur", "ingénieure", "specialist", "spécialiste", "oceanographer", "océanographe", "epidemiologist", "épidémiologiste", "épidémiologue", "biologist", "biologiste", "climatologist", "climatologue", "geologist", "géologue", "seismologist", "sismologue", "demographer", "démographe"])
# a source close to a body is not the body
_CLOSE_TO = lazy_compile(r"^(?:(?:une|a|des|les|the)\s+)?sources?\s+(?:proches?|close|familiar|"
                       r"au fait|near)\b", re.IGNORECASE)
_RELAY = lazy_compile(r"\b(?:reported|reports|rapporté|rapporte|wrote|writes|écrit|published|"
                    r"publié|said|says|dit|indiqué|cited|citant|quoted|cité|affirmé|"
                    r"annoncé|selon|according|d['’]après)\b", re.IGNORECASE)
_INSTITUTION = frozenset(
    ["police", "polices", "gendarmerie", "gendarmes", "préfecture", "prefecture", "organisers", "organizers", "organisateurs", "organisatrices", "unions", "union", "syndicats", "syndicat", "ministry", "ministère", "army", "armée", "navy", "marine", "coastguard", "coastguards", "garde-côtes", "firefighters", "pompiers", "hospital", "hôpital", "hospitals", "hôpitaux", "council", "conseil", "mairie", "government", "gouvernement", "commission", "committee", "comité", "court", "tribunal", "parliament", "parlement", "prosecutors", "parquet", "observatory", "observatoire", "institute", "institut", "intelligence", "renseignement", "renseignements", "command", "commandement", "staff", "état-major", "kremlin", "presidency", "présidence", "embassy", "ambassade", "administration", "fund", "fonds", "bank", "banque", "cross", "croix", "crescent", "croissant", "employers", "patronat", "federation", "fédération", "confederation", "confédération", "regulator", "régulateur", "university", "université", "universities", "universités", "college", "school", "école", "centre", "center"]
)


def _is_capital(tok: str, first: bool) -> bool:
    """A word that names: capitalised where a sentence's first word would not be, or an
    acronym anywhere."""
    if tok.casefold() in _UNNAMED:
        return False
    if len(tok) > 1 and tok.replace(".", "").replace("&", "").isupper():
        return True
    return bool(_CAPITAL.match(tok)) and not first


def _name_key(words: str, first: bool) -> str:
    """The key of an undeclared claimant from the words read: "?" and the name without
    articles and generic nouns ("a Reuters tally" -> "?Reuters"), or none for an unnamed
    source ("officials", "selon lui", "residents of Paiporta"), an outlet that relays
    ("the newspaper JoongAng Ilbo reported") or a clause read by mistake. `first`: the
    words start the sentence (their capital says nothing)."""
    stripped = words.strip()
    lead = _LEAD.match(stripped)
    name = stripped[lead.end():] if lead else stripped
    first = first and not lead
    prev = None
    while prev != name:
        prev = name
        name = _TRAIL.sub("", name).strip()
    toks = _WORD.findall(_PAREN.sub(" ", name))
    if not toks or len(toks) > 9:
        return NONE
    if _CLOSE_TO.match(name):
        return NONE
    tail_cut = False
    while len(toks) > 1 and toks[-1].casefold() in _GENERIC_TAIL:
        toks.pop()
        tail_cut = True
    heads = [t.casefold().rstrip("'’") for t in toks]
    if tail_cut and (len(toks) == 1 and heads[0] not in _INSTITUTION and _ADJECTIVE.search(
            heads[0]) or not any(_is_capital(t, False) for t in toks)):
        return NONE  # "a senior Western official", "a union official": no body named
    # a first word's capital names only when it stands alone ("Zelensky said"), not in
    # "Local media" or "Residents of Paiporta"
    if first and len(toks) == 1 and heads[0] not in _UNNAMED:
        first = False
    cut0 = next((i for i, h in enumerate(heads) if h in _PREPOSITION), len(heads))
    if cut0 < len(toks) - 1 and any(h in _PROXY for h in heads[:cut0]):
        rest = " ".join(toks[cut0 + 1:])
        inner = _name_key(rest, first=False)
        if inner:
            return inner
    # the words before a preposition hold the head noun: "residents (of Paiporta)"
    cut = next((i for i, h in enumerate(heads) if h in _PREPOSITION), len(heads))
    head_named = any(_is_capital(t, first and i == 0) for i, t in enumerate(toks[:cut]))
    named = any(_is_capital(t, first and i == 0) for i, t in enumerate(toks))
    body = any(h in _INSTITUTION for h in heads[:cut])
    if any(h in _UNNAMED for h in heads[:cut]) and not head_named and not body:
        return NONE
    if first and not any(_is_capital(t, False) for t in toks[1:]) and not body:
        return NONE
    if not (head_named or body) or not (named or body):
        return NONE
    shown = " ".join(toks)
    return "?" + shown[0].upper() + shown[1:]


def _declared(wl: Watchlist, sentence: str, hits: Sequence[PhraseHit], lo: int, hi: int
              ) -> str | None:
    """The declared claimant named between lo and hi (the longest name if several);
    acronyms count in capitals only ("WHO", not "who")."""
    named = [(h.end - h.start, wl.claimant_phrases[h.phrase]) for h in hits
             if h.phrase in wl.claimant_phrases and lo <= h.start and h.end <= hi
             and (h.phrase not in wl.claimant_acronyms
                  or _as_acronym(sentence[h.start:h.end]))]
    return max(named)[1] if named else None


def _as_acronym(text: str) -> bool:
    """Written as a name: in capitals ("UN", "WHO"), or capitalised when longer than three
    letters ("Insee", "Acled"); "un", "who", "Us" are words."""
    letters = text.replace(".", "")
    return letters.isupper() or (len(letters) > 3 and letters[:1].isupper())


def _claim(wl: Watchlist, sentence: str, hits: Sequence[PhraseHit], lo: int, hi: int,
           how: str, denies: bool = False, wider: tuple[int, int] | None = None,
           verb: str = "selon") -> Claim | None:
    """A claim from the words lo..hi; `wider` is where a declared name may also stand (an
    apposition: "the governor of the Bank of France, François Villeroy, said")."""
    words = sentence[lo:hi].strip(" ,'’")
    if not words:
        return None
    lo += sentence[lo:hi].index(words[0])
    if _relays(words) and _RELAY.search(verb) or _CLOSE_TO.match(words):
        return Claim(NONE, words, lo, lo + len(words), how, denies)
    key = _declared(wl, sentence, hits, lo, hi)
    if key is not None and _adjective_only(wl, sentence, hits, lo, hi, words):
        key = None  # "la Croix-Rouge italienne": a body of its own, not Italy
    if key is None and wider is not None:
        key = _declared(wl, sentence, hits, *wider)
    if key is None:
        key = _name_key(words, first=not sentence[:lo].strip(" «\"“'‘"))
    return Claim(key, words, lo, lo + len(words), how, denies)


def _adjective_only(wl: Watchlist, sentence: str, hits: Sequence[PhraseHit], lo: int,
                    hi: int, words: str) -> bool:
    """The declared name is only an adjective of another named body ("la Croix-Rouge
    italienne", "the Moroccan Red Crescent"), not the claimant itself."""
    mine = [h for h in hits if h.phrase in wl.claimant_phrases and lo <= h.start and h.end <= hi]
    if not mine or any(phrase_of(sentence[h.start:h.end]) in wl.claimant_declared
                       for h in mine):
        return False
    rest = sentence[lo:hi]
    for h in mine:
        rest = rest.replace(sentence[h.start:h.end], " ")
    named = {w.casefold() for t in _WORD.findall(rest) for w in t.split("-")}
    return bool(named & _BODIES)


def _relays(words: str) -> bool:
    """An outlet that relays a figure ("le quotidien sud-coréen JoongAng Ilbo a rapporté")."""
    lead = _LEAD.match(words)
    toks = _WORD.findall(words[lead.end():] if lead else words)
    return bool(toks) and toks[0].casefold() in _OUTLETS


_PRONOUN = lazy_compile(r"^(?:on|il|elle|ils|elles|he|she|they|we|nous|it|lui|eux|one|"
                      r"ce dernier|cette dernière|the latter|celui-ci|celle-ci)$", re.IGNORECASE)


def _name_after(work: str, pos: int) -> int:
    """End of the claimant's name that starts at `pos` (after "according to")."""
    while pos < len(work) and work[pos].isspace():
        pos += 1
    lead = _LEAD.match(work, pos)
    stop = _NAME_STOP_AFTER.search(work, lead.end() if lead else pos)
    end = stop.start() if stop else len(work)
    words = list(re.finditer(r"\S+", work[pos:end]))
    if len(words) > 8:  # a name is a few words: past eight, it is a clause
        end = pos + words[7].end()
    return end


def _name_before(work: str, pos: int) -> int:
    """Start of the claimant's name that ends at `pos` (before "said")."""
    lo = max(0, pos - 120)
    start = lo
    for m in _STOP_WORDS_BEFORE.finditer(work, lo, pos):
        if not (m.group(0).isupper() and len(m.group(0)) > 1):  # "WHO" is not "who"
            start = m.end()
    words = list(re.finditer(r"\S+", work[start:pos]))
    if len(words) > 8:
        start = start + words[-8].start()
    return start


def _apposition_before(work: str, start: int) -> tuple[int, int] | None:
    """The noun phrase before an apposition that ends at `start` ("ACLED, which tracks
    political violence, has recorded": ACLED), if there is one."""
    head = work[:start].rstrip()
    if not head.endswith(","):
        return None
    inner = head[:-1].rfind(",")
    if inner < 0 or start - inner > 90:
        return None
    lo = _name_before(work, inner)
    return (lo, inner) if inner > lo else None


_RELATIVE = lazy_compile(r",\s*(?:which|who|qui)\s*$", re.IGNORECASE)


def _named_head(words: str) -> bool:
    """The words start with a name (a capital after any article): "Maribel Albalat", not
    "première fédération de parents d'élèves"."""
    lead = _LEAD.match(words)
    toks = _WORD.findall(words[lead.end():] if lead else words)
    return bool(toks) and (_CAPITAL.match(toks[0]) is not None)


_INVERT_BEFORE = lazy_compile(r"[,«»\"“”)]\s*$|\d[\w%]*\s*$")
_INVERT_NAME = lazy_compile(r"\s*(?:(?:the|le|la|les|l['’]|un|une|a)\s+)?[A-Za-zÀ-ÿ]")
_THAT = lazy_compile(r"\s*(?:(?:that|que|qu['’]|on\s+\w+day|de|d['’]|à|au|aux|en|sur|pour|par|"
                   r"avoir|être|to|at|in|for|about|of)\b|[,:\d])", re.IGNORECASE)


def read_claims(wl: Watchlist, sentence: str, hits: Sequence[PhraseHit],
                headline: bool = True) -> list[Claim]:
    """Every claim of a sentence, in text order (denials marked). `headline`: read a
    leading "X:" as a claim when X is declared."""
    # abbreviations' dots and asides in brackets are no boundaries (same length: offsets hold)
    work = _ABBREV.sub(lambda m: m.group(0)[:-1] + " ", sentence)
    work = _PAREN.sub(lambda m: " " * len(m.group(0)), work)
    out: list[Claim] = []
    for m in _MARKER.finditer(work):
        end = _name_after(work, m.end())
        tail = _name_after(work, end + 1) if work[end:end + 1] == "," else end
        c = _claim(wl, sentence, hits, m.end(), end, "according to", wider=(end, tail))
        if c is not None:
            out.append(c)
    for m in _OF_BODY.finditer(work):
        c = _claim(wl, sentence, hits, m.end(), _name_after(work, m.end()), "possessive")
        if c is not None:
            out.append(c)
    for m in _POSSESSIVE_EN.finditer(work):
        lo = _name_before(work, m.start())
        # the possessor is the name that ends at the "'s" ("Kyiv welcomed the IMF's $15bn")
        own = [h.start for h in hits if h.phrase in wl.claimant_phrases
               and lo <= h.start and h.end == m.start()]
        lo = min(own) if own else lo
        # "3.5 million by the unions' tally": a possessive after "by" says who, like "per"
        how = "according to" if re.search(r"\b(?:by|per)\s+$", work[:lo]) else "possessive"
        c = _claim(wl, sentence, hits, lo, m.start(), how)
        if c is not None:
            out.append(c)
    for m in _FIGURE_OF_N_OF.finditer(work):  # "la prévision de 1,1 % du gouvernement"
        c = _claim(wl, sentence, hits, m.end(), _name_after(work, m.end()), "according to")
        if c is not None:
            out.append(c)
    for m in _THE_X_FIGURE.finditer(work):
        c = _claim(wl, sentence, hits, m.start(1), m.end(1), "possessive")
        if c is not None:
            out.append(c)
    for m in _VERB.finditer(work):
        denies = bool(m.group("deny_en") or m.group("deny_fr") or m.group("deny_now"))
        after = work[m.end():]
        if _INVERT_BEFORE.search(work, 0, m.start()) and _INVERT_NAME.match(after) and \
                not _THAT.match(after):
            # '"...," said the ministry', "10 000 soldats, estime le Pentagone"; a name in
            # apposition after it may carry the body ("Sophie Binet, head of the CGT")
            end = _name_after(work, m.end())
            tail = _name_after(work, end + 1) if work[end:end + 1] == "," else end
            c = _claim(wl, sentence, hits, m.end(), end, "said X", denies, (end, tail),
                       m.group(0))
        else:
            c = None
        if c is None or not c.key:
            lo = _name_before(work, m.start())
            wider = _apposition_before(work, lo)
            verb = m.group(0)
            relative = _RELATIVE.search(work, 0, lo)
            if sentence[lo:m.start()].strip(" ,"):  # "X said"
                c = _claim(wl, sentence, hits, lo, m.start(), "says", denies, wider, verb)
            elif relative is not None:  # "the union, which counted 65%"
                head = work[:relative.start()].rstrip(" ,")
                c = _claim(wl, sentence, hits, _name_before(work, len(head)), len(head),
                           "says", denies, None, verb)
            elif wider is not None:  # "X, <apposition>, said": a name in apposition
                inner = _claim(wl, sentence, hits, wider[1] + 1, lo, "says", denies, wider,
                               verb)
                outer = _claim(wl, sentence, hits, *wider, "says", denies, None, verb)
                c = inner
                if outer is not None and outer.key and (
                        inner is None or not inner.key or _PRONOUN.match(inner.words)
                        or inner.key.startswith("?") and not _named_head(inner.words)):
                    c = outer
        if c is not None:
            out.append(c)
    h = _HEADLINE.match(work)
    body = _HEADLINE_BODY.match(work, h.end()) if headline and h else None
    subject = _declared(wl, sentence, hits, body.start(1), body.end(1)) if body else None
    if subject is not None and body is not None:
        # "Ukraine : la Commission propose un prêt de 90 milliards": a declared body acting
        # right after the colon says it; the label before the colon is the topic
        out.append(Claim(subject, body.group(1), body.start(1), body.end(1), "says"))
    elif headline and h and len(h.group(1).split()) <= 4:
        key = _declared(wl, sentence, hits, h.start(1), h.end(1))
        covered = sum(x.end - x.start for x in hits if x.phrase in wl.claimant_phrases
                      and h.start(1) <= x.start and x.end <= h.end(1))
        if key is not None and covered * 2 >= len(h.group(1).strip()):
            out.append(Claim(key, h.group(1), h.start(1), h.end(1), "headline"))
        elif key is None and re.match(r"\s*[«\"“]", work[h.end():]):
            name = _name_key(h.group(1), first=False)
            if name:  # "Pékin : « plus de 90 % »"
                out.append(Claim(name, h.group(1), h.start(1), h.end(1), "headline"))
    out.sort(key=lambda c: (c.start, -c.end))
    kept: list[Claim] = []  # one claim per place in the text: the first shape that names
    for c in out:
        clash = [k for k in kept if k.start < c.end and c.start < k.end]
        if not clash:
            kept.append(c)
        elif c.key and not any(k.key for k in clash):
            kept = [k for k in kept if k not in clash] + [c]
    return sorted(kept, key=lambda c: c.start)


_CLAUSE = lazy_compile(r";|\s[-–—]\s|,?\s(?:while|whereas|but|although|though|tandis que|"
                     r"alors que|mais|quand|whilst)\s|,\s(?:so|donc|car|because)\s",
                     re.IGNORECASE)
_GOVERNS = lazy_compile(r"^\s*(?:(?:of|at|de|d['’]|à|:|,|is|was|stands at|puts it at|"
                      r"put at|s['’]élève à|est de|was put at|at about|of about|of some|"
                      r"of more than|of nearly|d['’]environ|de plus de|de près de)\s*){0,3}$",
                      re.IGNORECASE)
_POSS_NOUN = lazy_compile(r"^['’]?s?\s*(?:\w+\s+){0,2}?(?:estimates?|count|tally|figures?|toll|"
                        r"assessment|data|numbers|calculations?|reckoning|projections?|"
                        r"forecasts?|census|records?)\b", re.IGNORECASE)
# "N [unit words] selon X": the claim right after a number is that number's
_RIGHT_AFTER = lazy_compile(r"^\s*(?:[\w%€$'’-]+\s+){0,4}?[\w%€$'’-]*,?\s*$")
# another claim's verb carried over: ", Washington celui de 10 000", ", la police 12 000"
_ELLIPSIS = lazy_compile(r"(?:^|[,;]\s*(?:et\s+|and\s+|while\s+|tandis\s+que\s+)?)"
                       r"([^,;:\d]{2,60}?)\s+(?:(?:celui|celle|ceux)\s+d['’e]\s*|"
                       r"(?:at|à|de|d['’]|:)\s*)?(?:about\s+|environ\s+)?$", re.IGNORECASE)


def _between(sentence: str, c: Claim, q: Quantity) -> str:
    """The words between a possessive claim and a number, less the possessed noun."""
    gap = sentence[c.end:q.start]
    m = _POSS_NOUN.match(gap)
    return gap[m.end():] if m else gap


def claimants(claims: Sequence[Claim], sentence: str, found: Sequence[Quantity]
              ) -> list[Claim | None]:
    """The claim that governs each quantity (None where none does, or an unnamed source
    does): a possessive right before it ("Seoul's estimate of 11,000") or an "according
    to" right after it ("1,28 million selon l'Intérieur"), else the nearest claim in its
    clause, else the sentence's only claim. A denial governs nothing."""
    # a pronoun ("on évoque", "selon lui") refers to a claim made elsewhere: it decides nothing
    usable = [c for c in claims if not c.denies and not _PRONOUN.match(c.words) and (
        c.key or any(w.casefold() in _SOURCES or w.casefold() in _OUTLETS
                     for w in _WORD.findall(c.words)))]
    if not usable:
        return [None] * len(found)
    cuts = [m.start() for m in _CLAUSE.finditer(sentence)]

    def clause(pos: int) -> int:
        return sum(1 for c in cuts if c <= pos)

    tight: dict[int, Claim] = {}
    for k, q in enumerate(found):
        before = [c for c in usable if c.how == "possessive" and c.end <= q.start
                  and _GOVERNS.match(_between(sentence, c, q))]
        nxt = found[k + 1].start if k + 1 < len(found) else len(sentence)
        after = [c for c in usable if c.how == "according to" and q.end <= c.start < nxt
                 and _RIGHT_AFTER.match(_gap_words(sentence, q.end, c.start))]
        if before:
            tight[k] = max(before, key=lambda c: c.end)
        elif after:
            tight[k] = min(after, key=lambda c: c.start)
    taken = {id(c) for c in tight.values()}
    out: list[Claim | None] = []
    for k, q in enumerate(found):
        if k in tight:
            out.append(tight[k])
            continue
        # (a claim right after an earlier number governs that number, not the ones after
        # it: "1 970 tonnes selon la préfecture maritime, plus de 110 km de côtes souillés")
        ahead = [c for c in usable if (c.how != "possessive" or c.end <= q.start)
                 and not (id(c) in taken and c.end <= q.start)]
        here = [c for c in ahead if clause(c.start) == clause(q.start)]
        free = [c for c in here if id(c) not in taken] or here
        pool = free or (ahead if len({c.key for c in ahead}) == 1 else [])
        if not pool:
            out.append(None)
            continue
        out.append(min(pool, key=lambda c: min(abs(c.start - q.end), abs(q.start - c.end))))
    return [c if c is not None and c.key else None for c in out]


def _gap_words(sentence: str, lo: int, hi: int) -> str:
    """The words between a number and a marker after it, the marker's own word left out."""
    gap = sentence[lo:hi]
    m = re.search(r"\S+\s*$", gap)
    return gap[: m.start()] if m else gap


def _ellipses(wl: Watchlist, sentence: str, hits: Sequence[PhraseHit],
              claims: list[Claim], found: Sequence[Quantity], taken: Sequence[Claim | None]
              ) -> list[Claim | None]:
    """Numbers after another claim's number, their verb carried over ("Kiev avance le
    chiffre de 12 000 soldats, Washington celui de 10 000"): the name right before such a
    number is its claimant when it is declared or names a body."""
    if not any(c.key and c.how != "possessive" for c in claims):
        return list(taken)
    out = list(taken)
    for k, q in enumerate(found):
        if k == 0 or (out[k] is not None and out[k] is not out[k - 1]):
            continue
        lo = found[k - 1].end
        m = _ELLIPSIS.search(sentence, lo, q.start)
        if not m or m.start(1) <= lo or "," not in sentence[lo:m.start(1)] + ",":
            continue
        c = _claim(wl, sentence, hits, m.start(1), m.end(1), "elliptical")
        if c is not None and c.key:
            out[k] = c
    return out


def read(wl: Watchlist, sentence: str, found: Sequence[Quantity], hits: Sequence[PhraseHit],
         headline: bool = True) -> list[Claim | None]:
    """The claim behind each quantity of a sentence (None: unattributed)."""
    if not found:
        return []
    claims = read_claims(wl, sentence, hits, headline)
    return _ellipses(wl, sentence, hits, claims, found, claimants(claims, sentence, found))
