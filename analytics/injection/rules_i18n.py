"""The core attack phrases in other languages: es, fr, de, pt, it here;
zh, ja, ru, ko, nl in `rules_i18n_more.py`.

Covered per language: instruction override, system-prompt extraction, unrestricted persona,
secrecy towards the user and sending secrets somewhere. Phrases are kept specific (an
instruction object is required after "ignore"), because the same verbs are everyday words
("ignora el error tipográfico").
"""

from __future__ import annotations

from analytics.injection.rule_types import I18N_FAMILIES, I18N_SINK, Rule, rule
from analytics.injection.rules_i18n_more import JA, KO_NL, RU, ZH

_O, _R, _E, _X, _C = I18N_FAMILIES
_SINK = I18N_SINK

# "las instrucciones anteriores del formulario": the earlier instructions of a form, a parcel,
# a document, not the model's (the English rules' `_NOT_OF_A_THING`, for the Romance tables).
_MODEL_NOUNS = (
    r"(?:sistema|syst[èe]me|assistente?|asistente|mod[eè]l[oe]?|ia|ai|bot|chat|agente?|"
    r"prompt|desarrollador|d[ée]veloppeur|desenvolvedor|sviluppatore|operador|op[ée]rateur|"
    r"operatore|admin\w*)\b"
)
_OF_A_THING = (
    rf"(?!\s+(?:del|de\s+(?:la|las|los|este|esta)|du|de\s+l'|de\s+ce|de\s+cette|des|do|da|dos|"
    rf"das|della|dello|dei|delle|di)\s+(?!{_MODEL_NOUNS})\w)"
)

ES = [
    rule(
        _O,
        "ignore_previous",
        "ignor|olvid|omit|descart",
        r"\b(?:ignora|ignore|ignorar|olvida|olvide|olvidar|omite|descarta)\w*\s+(?:\w+\s+){0,3}"
        r"(?:instrucciones|indicaciones|reglas|[óo]rdenes|directrices)\s+(?:anteriores|previas|"
        r"de\s+arriba|del\s+sistema|originales)" + _OF_A_THING,
        0.75,
        lang="es",
    ),
    rule(
        _E,
        "reveal_prompt",
        "prompt|mensaje|instrucciones",
        r"\b(?:revela|muestra|mu[ée]strame|dime|imprime|repite|escribe|traduce)\w*\s+"
        r"(?:\w+\s+){0,2}(?:prompt|mensaje|instrucciones)\s+(?:del?\s+sistema|inicial(?:es)?|"
        r"ocult[oa]s?|original(?:es)?)",
        0.75,
        lang="es",
    ),
    rule(
        _R,
        "unrestricted",
        "sin ",
        r"\b(?:ahora\s+eres|act[úu]a\s+como|a\s+partir\s+de\s+ahora\s+eres)\b.{0,60}\bsin\s+"
        r"(?:ninguna\s+)?(?:restricciones|filtros|l[íi]mites|reglas|censura)",
        0.8,
        lang="es",
    ),
    rule(
        _C,
        "secrecy",
        "usuario",
        r"\bsin\s+(?:avisar|decirle|informar|preguntar)\w*\s+al\s+usuario|\bno\s+(?:le\s+)?"
        r"(?:digas|informes|menciones|cuentes)\s+(?:nada\s+)?al\s+usuario",
        0.55,
        lang="es",
    ),
    rule(
        _X,
        "send_to",
        "env|mand",
        r"\b(?:env[íi]a|reenv[íi]a|manda)\w*\s+(?:\w+\s+){0,5}(?:contraseñas?|credenciales|"
        rf"claves?|historial|conversaci[óo]n|datos)\b.{{0,40}}\b(?:a|al)\s+{_SINK}",
        0.7,
        lang="es",
    ),
]

FR = [
    rule(
        _O,
        "ignore_previous",
        "ignor|oubli|nglig|églig",
        r"\b(?:ignore[rz]?|oublie[rz]?|n[ée]glige[rz]?)\s+(?:\w+\s+){0,3}(?:instructions|"
        r"consignes|r[èe]gles|directives|ordres)\s+(?:pr[ée]c[ée]dentes|ant[ée]rieures|"
        r"ci-dessus|du\s+syst[èe]me|initiales)" + _OF_A_THING,
        0.75,
        lang="fr",
    ),
    rule(
        _E,
        "reveal_prompt",
        "prompt|message|invite|instructions|consignes",
        r"\b(?:r[ée]v[èe]le|affiche|montre|donne|dis|r[ée]p[èe]te|imprime|tradui)\w*(?:-moi)?\s+"
        r"(?:\w+\s+){0,2}(?:prompt|message|invite|instructions|consignes)\s+(?:syst[èe]me|"
        r"initial(?:es)?|cach[ée]e?s?|d'origine|original(?:es)?)",
        0.75,
        lang="fr",
    ),
    rule(
        _R,
        "unrestricted",
        "sans",
        r"\b(?:tu\s+es\s+(?:maintenant|d[ée]sormais)|agis\s+comme|(?:à\s+partir\s+de\s+maintenant|"
        r"d[ée]sormais),?\s+tu\s+es)\b.{0,60}\bsans\s+(?:aucune\s+)?(?:restrictions?|filtres?|"
        r"limites?|r[èe]gles|censure)",
        0.8,
        lang="fr",
    ),
    rule(
        _C,
        "secrecy",
        "utilisateur",
        r"\bsans\s+(?:pr[ée]venir|informer|demander|avertir)\s+l['’]utilisateur|\bne\s+(?:le\s+)?"
        r"dis\s+rien\s+[àa]\s+l['’]utilisateur",
        0.55,
        lang="fr",
    ),
    rule(
        _X,
        "send_to",
        "envoi|transf|transmet",
        r"\b(?:envoie|transf[èe]re|transmets)\w*\s+(?:\w+\s+){0,5}(?:mots?\s+de\s+passe|identifiants|"
        r"cl[ée]s?|historique|conversation|donn[ée]es)\b.{0,40}\b(?:[àa]|vers)\s+" + _SINK,
        0.7,
        lang="fr",
    ),
]

DE = [
    rule(
        _O,
        "ignore_previous",
        "ignorier|vergiss|vergessen|missacht",
        r"\b(?:ignorier\w*|vergiss|vergessen\s+sie|missacht\w*)\s+(?:\w+\s+){0,3}(?:vorherigen?|"
        r"bisherigen?|obigen?|vorigen?|ursprünglichen?|alle[nm]?)\s+(?:\w+\s+)?(?:Anweisungen|"
        r"Instruktionen|Befehle|Regeln|Vorgaben|Richtlinien)",
        0.75,
        lang="de",
    ),
    rule(
        _E,
        "reveal_prompt",
        "system|anweisungen",
        r"\b(?:zeig\w*|gib|verrate\w*|nenn\w*|wiederhole\w*|drucke?|übersetze\w*)\s+(?:\w+\s+){0,3}"
        r"(?:System-?prompt|Systemnachricht|System-?anweisungen|ursprünglichen\s+Anweisungen|"
        r"versteckten\s+Anweisungen)",
        0.75,
        lang="de",
    ),
    rule(
        _R,
        "unrestricted",
        "ohne",
        r"\bdu\s+bist\s+(?:jetzt|nun|ab\s+sofort)\b.{0,60}\bohne\s+(?:jegliche\s+)?"
        r"(?:Einschränkungen|Filter|Regeln|Grenzen|Zensur)",
        0.8,
        lang="de",
    ),
    rule(
        _C,
        "secrecy",
        "benutzer|nutzer|anwender",
        r"\bohne\s+(?:den|die)\s+(?:Benutzer|Nutzer|Anwender)\w*\s+zu\s+(?:informieren|fragen|"
        r"benachrichtigen|warnen)|\bsag\w*\s+(?:dem|der)\s+(?:Benutzer|Nutzer)\w*\s+nichts",
        0.55,
        lang="de",
    ),
    rule(
        _X,
        "send_to",
        "send|schick|leite",
        r"\b(?:sende|schicke?|leite)\w*\s+(?:\w+\s+){0,5}(?:Passw[öo]rter|Passwort|Zugangsdaten|"
        rf"Schlüssel|Verlauf|Unterhaltung|Daten)\b.{{0,40}}\ban\s+{_SINK}",
        0.7,
        lang="de",
    ),
]

PT = [
    rule(
        _O,
        "ignore_previous",
        "ignor|esque|desconsider",
        r"\b(?:ignore|ignora|ignorar|esque[çc]a|desconsidere)\w*\s+(?:\w+\s+){0,3}"
        r"(?:instru[çc][õo]es|regras|ordens|diretrizes)\s+(?:anteriores|acima|pr[ée]vias|"
        r"do\s+sistema|originais)" + _OF_A_THING,
        0.75,
        lang="pt",
    ),
    rule(
        _E,
        "reveal_prompt",
        "prompt|mensagem|instru",
        r"\b(?:revele|mostre|me\s+diga|imprima|repita|exiba|traduza)\w*\s+(?:\w+\s+){0,2}"
        r"(?:prompt|mensagem|instru[çc][õo]es)\s+(?:do\s+sistema|de\s+sistema|inicia(?:l|is)|"
        r"ocult[ao]s?|originais)",
        0.75,
        lang="pt",
    ),
    rule(
        _R,
        "unrestricted",
        "sem ",
        r"\b(?:agora\s+voc[êe]\s+[ée]|aja\s+como|a\s+partir\s+de\s+agora\s+voc[êe])\b.{0,60}"
        r"\bsem\s+(?:nenhuma\s+)?(?:restri[çc][õo]es|filtros|limites|regras|censura)",
        0.8,
        lang="pt",
    ),
    rule(
        _C,
        "secrecy",
        "usuário|usuario",
        r"\bsem\s+(?:avisar|informar|perguntar)\s+(?:a[oa]?\s+)?usu[áa]rio|\bn[ãa]o\s+"
        r"(?:conte|diga|informe)\s+(?:nada\s+)?ao\s+usu[áa]rio",
        0.55,
        lang="pt",
    ),
    rule(
        _X,
        "send_to",
        "envi|encaminh|mand",
        r"\b(?:envie|encaminhe|mande)\w*\s+(?:\w+\s+){0,5}(?:senhas?|credenciais|chaves?|"
        rf"hist[óo]rico|conversa|dados)\b.{{0,40}}\bpara\s+{_SINK}",
        0.7,
        lang="pt",
    ),
]

IT = [
    rule(
        _O,
        "ignore_previous",
        "ignor|dimentic|trascur",
        r"\b(?:ignora|ignorare|dimentica|trascura)\w*\s+(?:\w+\s+){0,3}(?:istruzioni|regole|"
        r"direttive|ordini)\s+(?:precedenti|sopra|del\s+sistema|originali|iniziali)" + _OF_A_THING,
        0.75,
        lang="it",
    ),
    rule(
        _E,
        "reveal_prompt",
        "prompt|messaggio|istruzioni",
        r"\b(?:rivela|mostra|dimmi|stampa|ripeti|scrivi|traduci)\w*\s+(?:\w+\s+){0,2}"
        r"(?:prompt|messaggio|istruzioni)\s+(?:di\s+sistema|del\s+sistema|iniziali?|"
        r"nascost[eio]|original[ei])",
        0.75,
        lang="it",
    ),
    rule(
        _R,
        "unrestricted",
        "senza",
        r"\b(?:ora\s+sei|adesso\s+sei|agisci\s+come|da\s+ora\s+in\s+poi\s+sei)\b.{0,60}"
        r"\bsenza\s+(?:alcun[ae]?\s+)?(?:restrizion[ei]|filtri|limiti|regole|censura)",
        0.8,
        lang="it",
    ),
    rule(
        _C,
        "secrecy",
        "utente",
        r"\bsenza\s+(?:avvisare|informare|chiedere\s+all?)\s*l?['’]?utente|\bnon\s+dire\s+"
        r"(?:niente|nulla)\s+all['’]utente",
        0.55,
        lang="it",
    ),
    rule(
        _X,
        "send_to",
        "invia|inoltra|manda",
        r"\b(?:invia|inoltra|manda)\w*\s+(?:\w+\s+){0,5}(?:password|credenziali|chiavi|"
        rf"cronologia|conversazione|dati)\b.{{0,40}}\ba\s+{_SINK}",
        0.7,
        lang="it",
    ),
]


I18N_RULES: tuple[Rule, ...] = (*ES, *FR, *DE, *PT, *IT, *ZH, *JA, *RU, *KO_NL)
