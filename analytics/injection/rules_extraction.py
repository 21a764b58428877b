"""English rules for what an injection asks for or hides behind: the system prompt, a spoofed
turn, an encoded payload. (Overrides: `rules.py`; sending data out and calling tools:
`rules_actions.py`.)"""

from __future__ import annotations

from analytics.injection.rule_types import CORROBORATE, rule

_REVEAL = (
    "reveal|show|print|output|display|repeat|tell me|give me|share|leak|dump|write out|"
    "recite|paste|expose|disclose|return|copy|translate|summari|encode|spell out|include"
)
EXTRACTION = [
    rule(
        "system_prompt_extraction",
        "reveal_prompt",
        _REVEAL,
        r"\b(?:reveal|show|print|output|display|repeat|tell\s+me|give\s+me|share|leak|dump|"
        r"write\s+out|recite|paste|expose|disclose|return|copy|translate|summari[sz]e|encode|"
        r"spell\s+out|include)\s+(?:me\s+|us\s+)?(?:your|the|all)\s+(?:entire\s+|full\s+|complete\s+|"
        r"exact\s+|verbatim\s+|whole\s+)?(?:original\s+|initial\s+|hidden\s+|secret\s+|internal\s+|"
        r"confidential\s+)?(?:system|developer|initial|hidden|secret|pre-?prompt|meta)[\s-]"
        r"(?:prompt|instructions?|message|rules|directives|configuration)",
        0.75,
    ),
    rule(
        "system_prompt_extraction",
        "your_instructions",
        "what are|what were|reveal|print|repeat|output|recite|dump|list|show me",
        r"\b(?:what\s+(?:are|were)|reveal|print|repeat|output|recite|dump|list|show\s+me)\s+"
        r"(?:all\s+)?your\s+(?:exact\s+|original\s+|initial\s+|full\s+)?(?:\w+\s+(?:and|&)\s+)?"
        r"(?:instructions|prompt|rules|guidelines|directives|configuration)\b",
        CORROBORATE,
    ),
    rule(
        "system_prompt_extraction",
        "repeat_above",
        "repeat|print|output|copy|recite|reproduce|echo|return",
        r"\b(?:repeat|print|output|copy|recite|reproduce|echo|return)\s+(?:back\s+)?(?:all\s+|"
        r"exactly\s+)?(?:the\s+)?(?:words|text|everything|content|lines|message)s?\s+(?:that\s+"
        r"(?:appears?|is|was|came)\s+)?(?:above|before|preceding|prior\s+to)\b",
        CORROBORATE,
    ),
    rule(
        "system_prompt_extraction",
        "starting_with",
        "starting|beginning",
        r"\b(?:starting|beginning)\s+(?:with|from)\s+(?:the\s+(?:phrase|words)\s+)?['\"“]?"
        r"(?:you\s+are|your\s+instructions|system:)",
        0.6,
    ),
    rule(
        "system_prompt_extraction",
        "verbatim_prompt",
        "verbatim|word for word",
        r"\b(?:verbatim|word\s+for\s+word)\b.{0,60}\b(?:prompt|instructions|above|initial|"
        r"guidelines|rules)\b|\b(?:prompt|instructions|guidelines|rules)\b.{0,40}\b(?:verbatim|"
        r"word\s+for\s+word)\b",
        0.45,
    ),
    rule(
        "system_prompt_extraction",
        "first_words",
        "what was|what were|what is",
        r"\bwhat\s+(?:was|were|is)\s+(?:written|the\s+(?:text|first\s+\w+))\s+(?:at\s+the\s+"
        r"(?:beginning|start|top)|above|before\s+(?:this|my))",
        0.55,
    ),
    rule(
        "system_prompt_extraction",
        "before_my_message",
        "before my|before this",
        r"\b(?:text|words|everything|content)\s+(?:that\s+)?(?:appears?|is|was|came|comes)?\s*"
        r"before\s+(?:my|this)\s+(?:first\s+)?(?:message|question|prompt)",
        0.45,
    ),
    rule(
        "system_prompt_extraction",
        "quote_exactly",
        "exactly|verbatim|word for word",
        r"\b(?:quote|repeat|print|copy|recite|reproduce)\s+(?:them|it|those|these|that)\s+"
        r"(?:exactly|verbatim|word\s+for\s+word)",
        0.4,
    ),
    rule(
        "system_prompt_extraction",
        "context_window",
        "context window",
        r"\b(?:print|show|reveal|output|repeat|dump|what'?s|what\s+is)\b.{0,60}\bcontext\s+window\b|"
        r"\bcontext\s+window\b.{0,60}\b(?:print|show|reveal|output|repeat|dump)",
        0.5,
    ),
    rule(
        "system_prompt_extraction",
        "rules_given",
        "rules|instructions|guidelines",
        r"\bwhat\s+(?:rules|instructions|guidelines)\s+(?:were\s+you|have\s+you\s+been|did\s+"
        r"they\s+give\s+you)",
        0.45,
    ),
]

TEMPLATE = [
    rule(
        "template_spoofing",
        "special_tokens",
        ("<|",),
        r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|"
        r"end_header_id|begin_of_text|end_of_text|im_sep)\|>",
        0.8,
    ),
    rule(
        "template_spoofing",
        "inst_tags",
        "inst]|sys>>|_of_turn>",
        r"\[/?INST\]|<</?SYS>>|<start_of_turn>|<end_of_turn>",
        0.75,
    ),
    rule(
        "template_spoofing",
        "human_assistant_turns",
        "human|assistant",
        r"\n\s*\n\s*(?:Human|Assistant)\s*:\s*\S",
        0.45,
        0.6,
    ),
    rule(
        "template_spoofing",
        "role_tag_breakout",
        "</",
        r"</\s*(?:system|user|assistant|instructions?|context|document|tool_result|"
        r"function_results|search_results?|untrusted|data|email|input)\s*>\s*(?:\n\s*)*<\s*"
        r"(?:system|user|human|assistant|instructions?|admin|developer)\s*>",
        0.75,
    ),
    rule(
        "template_spoofing",
        "system_tag",
        "system>|sys>|system_prompt>|instructions>|admin>",
        r"<\s*/?\s*(?:system|system_prompt|sys|developer_instructions|admin)\s*>\s*[^<]{0,20}?\b"
        r"(?:you|ignore|disregard|new|from\s+now|always|never|must)\b",
        0.5,
        0.6,
    ),
    rule(
        "template_spoofing",
        "tool_tags",
        "function_|tool_use|tool_result|invoke",
        r"</?\s*(?:function_results|function_calls|tool_use|tool_result|invoke)\b[^>]{0,40}>",
        0.3,
        0.45,
    ),
    rule(
        "template_spoofing",
        "markdown_role_header",
        "system|instruction|admin|developer",
        r"(?:^|\n)\s*(?:#{2,}|={3,}|-{3,}|\*{3,})\s*(?:system|new\s+instructions?|instructions|"
        r"system\s+prompt|admin|developer\s+message)\s*(?:#{2,}|={3,}|-{3,}|\*{3,}|:)",
        0.45,
        0.55,
    ),
    rule(
        "template_spoofing",
        "bracket_role_turn",
        "[system]|[admin]|[developer]",
        r"\[(?:system|admin|developer)\]\s*:",
        0.45,
        0.55,
    ),
    rule(
        "template_spoofing",
        "end_of_prompt",
        "end of|begin of|start of",
        r"\b(?:end|begin|start)\s+of\s+(?:the\s+)?(?:system\s+prompt|prompt|instructions|user\s+"
        r"input|context|untrusted\s+(?:content|data))\b\s*[-=#*\])]",
        0.5,
        0.6,
    ),
    rule(
        "template_spoofing",
        "json_system_role",
        "role",
        r"[\"']role[\"']\s*:\s*[\"']system[\"']\s*,\s*[\"']content[\"']\s*:\s*[\"'][^\"']{0,80}?"
        r"\b(?:ignore|disregard|no\s+restrictions|reveal|unrestricted)",
        0.7,
    ),
]

ENCODING = [
    rule(
        "encoded_payload",
        "decode_and_follow",
        "decode|decipher|translate|convert|interpret",
        r"\b(?:decode|decipher|translate|convert|interpret)\s+(?:this|the\s+following|the\s+"
        r"(?:string|message|text)|it)\b.{0,40}?\b(?:and|then)\s+(?:follow|execute|obey|do|run|"
        r"carry\s+out|act\s+on|perform)",
        0.65,
    ),
    rule(
        "encoded_payload",
        "encoded_instruction_claim",
        "base64|hex|rot13|rot-13|encoded|morse",
        r"\b(?:base64|hex|rot13|rot-13|encoded|binary|morse)\b.{0,40}?\b(?:instructions?|"
        r"commands?|orders|decode\s+it)\b.{0,40}?\b(?:follow|execute|obey)",
        0.55,
    ),
]
