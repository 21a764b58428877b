"""The core attack phrases in other languages: es, fr, de, pt, it, zh, ja, ru, ko, nl.

Covered per language: instruction override, system-prompt extraction, unrestricted persona,
secrecy towards the user and sending secrets somewhere. Phrases are kept specific (an
instruction object is required after "ignore"), because the same verbs are everyday words
("ignora el error tipográfico").
"""

from __future__ import annotations

from analytics.injection.rule_types import Rule, rule

_O, _R, _E = "instruction_override", "role_hijack", "system_prompt_extraction"
_X, _C = "exfiltration", "tool_coercion"
# An address, a URL or a redaction tag (<EMAIL_ADDRESS>); not any "<", which HTML is full of.
_SINK = r"\S*(?:@|https?://|<[a-z]+_[a-z_]+)"
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

ZH = [
    rule(
        _O,
        "ignore_previous",
        "忽|无视|忘|不要理会|跳过",
        r"(?:忽略|忽视|无视|忘记|忘掉|不要理会|跳过)(?:掉)?(?:你)?(?:之前|以上|上面|先前|前面|"
        r"原来|原有|所有|全部|系统)的?(?:所有|全部)?的?(?:指令|指示|说明|规则|提示|设定|命令)",
        0.75,
        lang="zh",
    ),
    rule(
        _E,
        "reveal_prompt",
        "系统|指令",
        r"(?:显示|输出|告诉我|透露|泄露|打印|重复|给我看|展示|翻译)(?:一下)?(?:你的)?"
        r"(?:系统提示词?|系统指令|初始指令|原始指令|隐藏指令|系统消息)",
        0.75,
        lang="zh",
    ),
    rule(
        _R,
        "unrestricted",
        "限制|约束|过滤|规则",
        r"(?:你现在是|从现在开始你是|扮演).{0,30}(?:没有|不受|无)(?:任何)?(?:限制|约束|过滤|规则)",
        0.8,
        lang="zh",
    ),
    rule(_C, "secrecy", "用户", r"(?:不要|别|不得|切勿)(?:告诉|通知|提醒|让)用户", 0.55, lang="zh"),
    rule(
        _X,
        "send_to",
        "发",
        r"(?:发送|转发|上传|发)(?:到|给|至).{0,30}(?:@|https?://|<[a-z]+_[a-z_]+)|"
        r"把.{0,20}(?:密码|凭证|密钥|聊天记录|对话).{0,20}(?:发送|转发|发)",
        0.7,
        lang="zh",
    ),
]

JA = [
    rule(
        _O,
        "ignore_previous",
        "無視|忘れ",
        r"(?:以前|前|上記|これまで|元|すべて|全て|システム)の(?:すべての|全ての)?"
        r"(?:指示|命令|ルール|プロンプト|設定)を(?:すべて|全て)?(?:無視|忘れ)",
        0.75,
        lang="ja",
    ),
    rule(
        _E,
        "reveal_prompt",
        "システムプロンプト|指示",
        r"(?:システムプロンプト|初期指示|元の指示|隠された指示)を(?:そのまま)?"
        r"(?:表示|出力|教え|見せ|開示|繰り返)",
        0.75,
        lang="ja",
    ),
    rule(
        _R,
        "unrestricted",
        "制限|フィルター|ルール",
        r"(?:あなたは今から|今からあなたは|これからあなたは).{0,30}(?:制限|フィルター|ルール)"
        r"(?:なし|のない|がない|を解除)",
        0.8,
        lang="ja",
    ),
    rule(
        _C,
        "secrecy",
        "ユーザー",
        r"ユーザーに(?:は)?(?:言わない|伝えない|知らせない|言わず|知らせず|伝えず|内緒)",
        0.55,
        lang="ja",
    ),
    rule(
        _X,
        "send_to",
        "送",
        r"(?:パスワード|認証情報|APIキー|会話履歴|個人情報).{0,30}(?:に|へ)(?:送信|転送|送っ)",
        0.7,
        lang="ja",
    ),
]

RU = [
    rule(
        _O,
        "ignore_previous",
        "игнор|забудь|не обращай",
        r"(?:игнорируй|проигнорируй|забудь|не\s+обращай\s+внимания\s+на)\w*\s+(?:\w+\s+){0,2}"
        r"(?:предыдущие|прошлые|вышеуказанные|все|системные|исходные)\s+(?:\w+\s+)?"
        r"(?:инструкции|указания|правила|команды)",
        0.75,
        lang="ru",
    ),
    rule(
        _E,
        "reveal_prompt",
        "промпт|инструкции",
        r"(?:покажи|выведи|раскрой|расскажи|напиши|повтори|переведи)\w*\s+(?:\w+\s+){0,2}"
        r"(?:системный\s+промпт|системные\s+инструкции|исходные\s+инструкции|"
        r"скрытые\s+инструкции)",
        0.75,
        lang="ru",
    ),
    rule(
        _R,
        "unrestricted",
        "без",
        r"(?:теперь\s+ты|отныне\s+ты|ты\s+теперь|веди\s+себя\s+как).{0,60}"
        r"без\s+(?:каких-либо\s+|всяких\s+)?(?:ограничений|фильтров|правил|цензуры)",
        0.8,
        lang="ru",
    ),
    rule(
        _C,
        "secrecy",
        "пользовател",
        r"не\s+(?:говори|сообщай|рассказывай)\s+(?:об\s+этом\s+)?пользователю|"
        r"без\s+ведома\s+пользователя",
        0.55,
        lang="ru",
    ),
    rule(
        _X,
        "send_to",
        "отправь|перешли|пошли",
        r"(?:отправь|перешли|пошли)\w*\s+(?:\w+\s+){0,5}(?:пароли?|учетные\s+данные|ключи|"
        rf"историю|переписку|данные)\b.{{0,40}}(?:на|по\s+адресу)\s+{_SINK}",
        0.7,
        lang="ru",
    ),
]

KO_NL = [
    rule(
        _O,
        "ignore_previous",
        "무시|잊어",
        r"(?:이전|위의|모든|기존)\s?(?:의\s)?(?:모든\s)?(?:지시|지침|명령|규칙)(?:사항)?(?:을|를)\s?"
        r"(?:무시|잊어)",
        0.75,
        lang="ko",
    ),
    rule(
        _E,
        "reveal_prompt",
        "프롬프트",
        r"시스템\s?프롬프트(?:를|을)?\s?(?:보여|출력|알려|공개)",
        0.75,
        lang="ko",
    ),
    rule(
        _O,
        "ignore_previous",
        "negeer|vergeet",
        r"\b(?:negeer|vergeet)\s+(?:\w+\s+){0,2}(?:vorige|eerdere|bovenstaande|alle)\s+"
        r"(?:instructies|regels|opdrachten)",
        0.75,
        lang="nl",
    ),
    rule(
        _E,
        "reveal_prompt",
        "systeem",
        r"\b(?:toon|geef|laat)\s+(?:\w+\s+){0,2}(?:systeemprompt|systeeminstructies)",
        0.75,
        lang="nl",
    ),
]

I18N_RULES: tuple[Rule, ...] = (*ES, *FR, *DE, *PT, *IT, *ZH, *JA, *RU, *KO_NL)
