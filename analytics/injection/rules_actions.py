"""English rules for what an injection makes the agent do: send data out, call tools. (Overrides:
`rules.py`; the system prompt, spoofed turns and encodings: `rules_extraction.py`.)"""

from __future__ import annotations

from analytics.injection.rule_types import AI as _AI
from analytics.injection.rule_types import rule

_SECRETS = (
    "password|credential|api key|api_key|apikey|secret|token|ssh|private key|.env|"
    "conversation|chat history|system prompt|cookie|user|personal|memory|contacts|inbox|"
    "card|messages"
)
_SECRET_OBJ = (
    r"(?:\.env\b|\b(?:passwords?|credentials?|api[\s_-]?keys?|secrets?|tokens?|"
    r"ssh\s+keys?|"
    r"private\s+keys?|conversation(?:\s+history)?|chat\s+history|system\s+prompt|"
    r"session\s+cookies?|cookies|user(?:'s)?\s+(?:data|emails?|details|information|files)|"
    r"personal\s+(?:data|information)|memory|contacts|inbox|credit\s+card\s+numbers?|"
    r"(?:previous|all|prior)\s+messages)\b)"
)
_SINK = (
    r"(?:https?://|www\.|[\w.+-]*@?<(?:url|email_address|email)>|\[redacted[^\]]*\]|"
    r"<redacted[^>]*>|[\w.+-]+@[\w-]+\.[\w.]+|this\s+(?:url|address|endpoint|webhook|server)|"
    r"my\s+server)"
)
_SEND = "send|forward|email|e-mail|post|upload|transmit|exfiltrate|leak|copy|share|submit|mail|bcc"

EXFIL = [
    rule(
        "exfiltration",
        "markdown_image_template",
        "![",
        r"!\[[^\]]{0,100}\]\(\s*(?:https?:)?//[^)\s]+\?[^)\s]*=\s*(?:\{|\$|%7B|<|\[|\(|\.\.\.)",
        0.75,
    ),
    rule(
        "exfiltration",
        "markdown_image_secret",
        "markdown image|![",
        rf"(?:markdown\s+image|!\[[^\]]{{0,100}}\]\()(?:.|\n){{0,150}}?{_SECRET_OBJ}",
        0.6,
    ),
    rule(
        "exfiltration",
        "embed_data_in_url",
        _SECRETS,
        rf"\b(?:include|append|embed|add|insert|put|encode|place|replace)\b.{{0,60}}?{_SECRET_OBJ}"
        r".{0,60}?\b(?:in|into|to|as)\s+(?:the\s+|a\s+)?(?:url|link|image|query\s*(?:string|"
        r"param\w*)?|request|img|src)\b",
        0.7,
    ),
    rule(
        "exfiltration",
        "append_to_url_and_open",
        "url|link|query",
        r"\b(?:append|add|attach|include|put|encode|insert)\b.{0,60}?\b(?:to|in|into)\s+(?:the\s+|"
        r"this\s+|a\s+)?(?:url|link|query\s*string)\b.{0,80}?\b(?:open|fetch|visit|load|render|"
        r"request|click|show|call)",
        0.6,
    ),
    rule(
        "exfiltration",
        "url_then_data",
        "image|markdown|link",
        r"\b(?:render|show|display|output|include)\s+(?:this|the\s+following|an?)\s+(?:image|"
        r"markdown|link)\b.{0,80}?\b(?:replace|substitut\w+|fill\s+in|append)",
        0.6,
    ),
    rule(
        "exfiltration",
        "send_secret",
        _SEND + "|report",
        rf"\b(?:{_SEND}|report)\b.{{0,40}}?{_SECRET_OBJ}.{{0,60}}?\b(?:to|at|via|with)\s+(?:{_SINK}|\S+\.\w{{2,}}/)",
        0.75,
    ),
    rule(
        "exfiltration",
        "secret_then_send",
        _SEND,
        rf"{_SECRET_OBJ}.{{0,60}}?\b(?:{_SEND})\s+(?:them|it|this|these|those)\s+(?:to|at)\s+{_SINK}",
        0.7,
    ),
    rule(
        "exfiltration",
        "url_fill_in",
        "http",
        r"https?://\S+?[?&]\w+=(?=[\s)'\"`]|$).{0,60}?\b(?:append\w*|followed\s+by|plus|"
        r"concatenat\w*|with\s+(?:it|them|that|this))\b",
        0.6,
    ),
    rule(
        "exfiltration",
        "placeholder_in_link",
        "](",
        r"!?\[[^\]]{0,100}\]\(\s*https?://[^)\s]+[?&]\w+=(?:[A-Z0-9]*_[A-Z0-9_]{3,}|INSERT\w*|"
        r"REPLACE\w*|\{|\$|<|\[)",
        0.65,
    ),
    rule(
        "exfiltration",
        "copy_future_mail",
        "bcc|cc|forward|copy",
        rf"\b(?:bcc|cc|forward|copy)\s+(?:all|every|any)\s+(?:future\s+)?(?:replies|emails|"
        rf"messages|responses|conversations|mail)\s+to\s+{_SINK}",
        0.5,
        0.6,
    ),
    rule(
        "exfiltration",
        "send_to_sink",
        _SEND,
        rf"\b(?:{_SEND})\s+(?:it|this|that|them|everything|all\s+(?:of\s+)?(?:it|this|the\s+\w+)|"
        r"(?:a\s+)?copy|the\s+(?:\w+\s+){0,2}(?:data|results?|contents?|output|file|summary|"
        rf"information|details|document|messages?))\s+(?:\w+\s+)?(?:to|at)\s+{_SINK}",
        0.4,
        0.45,
    ),
    rule(
        "exfiltration",
        "exfil_domain",
        "webhook.site|requestbin|pipedream|ngrok|burpcollaborator|interact.sh|oast.|canarytoken|"
        "hookbin",
        r"\b(?:webhook\.site|requestbin|pipedream\.net|ngrok(?:-free)?\.(?:io|app)|burpcollaborator|"
        r"interact\.sh|oast\.(?:fun|pro|me|live|site)|canarytokens|hookbin)\b",
        0.45,
    ),
    rule(
        "exfiltration",
        "fetch_with_data",
        "http",
        r"\b(?:visit|open|fetch|load|request|call|curl|navigate\s+to|browse\s+to|make\s+a\s+"
        r"(?:get|post)\s+request\s+to)\s+(?:https?://)\S+[?&]\w+=\s*(?:\{|\$|<|\[)",
        0.6,
    ),
]

_DANGER_TOOLS = (
    r"send_?email|send_\w+|\w*(?:api_key|token|credential|password)\w*|delete_\w+|"
    r"transfer_\w+|wire_\w+|execute_\w+|"
    r"run_(?:shell|command|code)|shell|bash|terminal|write_file|make_payment|pay\w*|"
    r"post_\w+|share_\w+|upload_\w+|create_user|grant_\w+|update_user_\w+|sudo|"
    r"deploy\w*"
)
COERCION = [
    rule(
        "tool_coercion",
        "call_tool",
        "call|invoke|use|run|execute|trigger|activate",
        r"\b(?:call|invoke|use|run|execute|trigger|activate)\s+(?:the\s+|your\s+)?[`'\"]?"
        r"[a-z][\w.-]*[`'\"]?\s+(?:tool|function|action|plugin)\b",
        0.15,
        0.4,
    ),
    rule(
        "tool_coercion",
        "dangerous_tool",
        "call|invoke|use|run|execute|trigger",
        r"\b(?:call|invoke|use|run|execute|trigger)\s+(?:the\s+|your\s+)?[`'\"]?"
        rf"(?:{_DANGER_TOOLS})(?!\.\w)[`'\"]?\b",
        0.2,
        0.5,
    ),
    rule(
        "tool_coercion",
        "destructive_shell",
        "rm -|mkfs|:()|dd if",
        r"\brm -(?:rf|fr|r\s+-f|f\s+-r)\s+(?:--no-preserve-root\s+)?"
        r"(?:(?:/|~/?|\$HOME/?|\$\{HOME\}/?|/home/?|/etc/?|/var/?|/usr/?|/boot/?|\./?)\*?|\*)"
        r"(?=[\s'\"`;&|)]|$)|\bmkfs\.|:\(\)\s*\{\s*:\|:&\s*\}\s*;|"
        r"\bdd\s+if=/dev/(?:zero|random)\s+of=/dev/sd",
        0.55,
    ),
    # "We will never ask for them": asking for things (codes, keys), not asking a person.
    rule(
        "tool_coercion",
        "secrecy",
        "without|don't|never|avoid|not|no need",
        r"\b(?:without|don't|do\s+not|never|avoid|(?:there's\s+|there\s+is\s+)?no\s+need\s+to|"
        r"(?:and|but)\s+not)\s+(?:asking|ask(?:ing)?\s+for(?!\s+them\b)|"
        r"telling|tell|informing|inform|notifying|notify|alerting|alert|mentioning|mention|"
        r"confirming\s+with|checking\s+with|letting)\s+(?:the\s+|any\s+)?(?:user|human|them|"
        r"operator|anyone|owner|customer)\b",
        0.3,
        0.55,
    ),
    rule(
        "tool_coercion",
        "skip_review",
        "without",
        r"(?:^|[.!?;\n])\s*(?!\s|(?:please\s+)?(?:do\s+not|don't|never|must\s+not|should\s+not|"
        r"shouldn't|cannot|can't|nobody|no\s+one)\b)[^.!?;\n]{0,120}?\bwithout\s+(?:waiting\s+for|"
        r"asking\s+for|requesting|any)?\s*(?:a\s+)?(?:review|approval|confirmation|permission)\b",
        0.2,
        0.35,
    ),
    rule(
        "tool_coercion",
        "dont_mention",
        "mention",
        r"\b(?:don't|do\s+not|never)\s+mention\s+(?:this|it|that|the\s+\w+)\b",
        0.3,
        0.45,
    ),
    rule(
        "tool_coercion",
        "hide_from_user",
        "mention|reveal|disclose|show|report|tell",
        r"\b(?:do\s+not|don't|never)\s+(?:mention|reveal|disclose|show|report|tell)\s+(?:this|"
        r"these|that|the\s+(?:above|following))\s*(?:instructions?|message|note|step|action)?\s*"
        r"(?:to|with)\s+(?:the\s+)?(?:user|human)",
        0.6,
    ),
    rule(
        "tool_coercion",
        "covert_action",
        "silently|secretly|quietly|covertly|discreetly|background",
        r"(?<!can\s)(?<!could\s)(?<!may\s)(?<!might\s)"  # "can silently delete": a caution
        r"\b(?:silently|secretly|quietly|covertly|discreetly|in\s+the\s+background)\s+(?:\w+\s+)?"
        r"(?:send|forward|delete|transfer|call|execute|run|upload|email|post|grant|add|share|"
        r"exfiltrate|invoke|copy)\b|\b(?:send|forward|delete|transfer|grant|add|share|upload|"
        r"merge|deploy|email|wire)\b[^.\n]{0,80}?,?\s+(?:silently|secretly|quietly|covertly)\b",
        0.5,
        0.6,
    ),
    rule(
        "tool_coercion",
        "pipe_to_shell",
        "curl|wget",
        r"\b(?:curl|wget)\s+[^\n|]{0,120}\|\s*(?:sudo\s+)?(?:ba|z)?sh\b",
        0.2,
        0.35,
    ),
    rule(
        "tool_coercion",
        "money_transfer",
        "transfer|wire|send|pay",
        r"\b(?:transfer|wire|send|pay)\s+(?:\$\s?[\d,.]+|[\d,.]+\s*(?:usd|eur|dollars|btc|eth|"
        r"bitcoin|usdc))\b.{0,40}?\bto\b",
        0.3,
        0.45,
    ),
    rule(
        "tool_coercion",
        "grant_access",
        "grant|give|add",
        r"\b(?:grant|give|add)\s+(?:\S+\s+){0,3}(?:admin|owner|root|write|full)\s+(?:access|"
        r"rights|permissions?|privileges)\s+to\b",
        0.3,
        0.45,
    ),
    rule(
        "tool_coercion",
        "must_execute",
        "must|should|need to|required|have to",
        rf"\b(?:you|{_AI})\s+(?:must|should|need\s+to|are\s+required\s+to|have\s+to)\s+"
        r"(?:immediately\s+|now\s+|first\s+)?(?:execute|run|call|invoke|send|forward|delete|"
        r"transfer|email|open|visit|fetch)\b",
        0.15,
        0.45,
    ),
]
