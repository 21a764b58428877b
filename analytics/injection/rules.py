"""English rules against overriding the instructions, and the assembled English table. Role
hijacks are in `rules_role.py`, extraction, spoofed turns and encodings in
`rules_extraction.py`, exfiltration and tool coercion in `rules_actions.py`; the rule type,
weights and triggers are explained in `rule_types.py`."""

from __future__ import annotations

from analytics.injection.rule_types import AI as _AI
from analytics.injection.rule_types import CORROBORATE, Rule, rule
from analytics.injection.rules_actions import COERCION, EXFIL
from analytics.injection.rules_extraction import ENCODING, EXTRACTION, TEMPLATE
from analytics.injection.rules_role import ROLE

_VERBS = (
    "ignore|disregard|forget|override|bypass|discard|neglect|set aside|throw out|abandon|"
    "drop|cancel|scrap|nullify|overwrite"
)
_VERB = "(?:" + _VERBS.replace(" ", r"\s+") + ")"
_QUALIFIER = (
    r"(?:all|any|every|each|the|your|my|of|these|those|this|previous|previously|prior|"
    r"above|earlier|preceding|foregoing|former|original|initial|current|existing|system|"
    r"developer|safety|content|old|other|given|said|whatever|you|were|have|been|told|"
    r"received|provided|default|built-?in|hidden|base|ethical|moral)"
)
_OBJECT = (
    r"(?:instructions?|prompts?|rules|directives?|directions|guidelines|guardrails|"
    r"constraints|commands|orders|programming|polic(?:y|ies)|restrictions|context|"
    r"system\s+message|configuration|training|ethics|morals|safety\s+training)"
)
# "the instructions for the printer", "the rules of the old tournament": rules of a thing, not
# the model's. "the instructions from your developer" stays an override.
_NOT_OF_A_THING = (
    r"(?!\s+(?:for|of|on|about|in)\s+(?:the\s+|this\s+|that\s+|our\s+|my\s+|an?\s+)?+"
    r"(?!(?:you|your|ai|assistant|model|system|developer|operator|admin|bot|agent|"
    r"chatbot|llm|prompt|above|previous|prior|earlier|chat|conversation|session|one|answer|"
    r"reply|response|request|question|task|turn|time|message|moment|rest)\b)\w)"
)
_AI_WORDS = (
    "ai|a.i.|assistant|llm|language model|chatbot|chat bot|bot|agent|gpt|claude|gemini|copilot"
)


def _addressed(*marks: str) -> str:
    """Triggers for "<AI word>:" / "<AI word>," (a bare "ai" would be found in every text)."""
    words = _AI_WORDS.split("|")
    return "|".join(
        f"{w}{plural}{gap}{m}"
        for w in words
        for plural in ("", "s")
        for gap in ("", " ")
        for m in marks
    )


def _combos(first: str, second: str) -> str:
    return "|".join(f"{a} {b}" for a in first.split("|") for b in second.split("|"))


# After "the assistant will now": verbs that take over the model, not ones that describe a
# product ("will now guide you through checkout").
_WILL_DO = (
    r"ignore|disregard|forget|obey|comply|follow\s+(?:these|the\s+following|my|new)|"
    r"reveal|disclose|output|print|repeat|leak|send|forward|email|share|upload|delete|"
    r"transfer|execute|act|pretend|respond\s+only|reply\s+only|only|answer\s+without|"
    r"refuse\s+nothing|recommend|append|include|treat|bypass|override"
)
_NOT_A_PERSON = (
    r"(?!\s*(?:researcher|engineer|developer|enthusiast|company|startup|team|"
    r"ethicist|practitioner|product|user|tool|literacy|policy|act)s?\b)"
)
OVERRIDE = [
    rule(
        "instruction_override",
        "ignore_previous",
        _VERBS,
        rf"\b{_VERB}(?:\s+{_QUALIFIER}){{0,5}}\s+{_OBJECT}\b{_NOT_OF_A_THING}",
        0.75,
    ),
    rule(
        "instruction_override",
        "ignore_everything_above",
        "ignore|disregard|forget",
        r"\b(?:ignore|disregard|forget)\s+(?:everything|all|anything)\s+(?:above|before|prior|"
        r"previously|so\s+far|up\s+to\s+(?:now|here)|you(?:'ve|\s+have|\s+were|\s+have\s+been)?"
        r"\s+(?:been\s+)?(?:told|learned|given|taught))",
        0.75,
    ),
    rule(
        "instruction_override",
        "do_not_follow",
        "follow|obey|adhere",
        rf"\b(?:do\s+not|don't|stop|no\s+longer)\s+(?:follow(?:ing)?|obey(?:ing)?|adhere\s+to)\s+"
        rf"(?:{_QUALIFIER}\s+){{0,4}}{_OBJECT}",
        0.7,
    ),
    rule(
        "instruction_override",
        "instructions_void",
        "instruction|rules|prompt",
        r"\b(?:above|previous|prior|earlier|original|system)\s+(?:instructions|rules|prompt)\s+"
        r"(?:[^.\n]{0,40}?\b(?:are|were|is|was)\s+(?:now\s+)?)?(?:void|null|fake|obsolete|outdated|cancell?ed|"
        r"revoked|no\s+longer\s+(?:valid|apply|applies|in\s+effect)|superseded|a\s+test)",
        0.75,
    ),
    rule(
        "instruction_override",
        "new_instructions",
        "new|real|actual|true|updated|only",
        r"\b(?:your|the)\s+(?:new|real|actual|true|updated|only)\s+(?:task|instructions?|goal|"
        r"objective|mission|directive|job|work)\s+(?:is|are|now\s+is|(?:starts|begins)\s+(?:now|here)|"
        r"(?:is\s+)?(?:as\s+)?follows)\b",
        0.4,
        0.6,
    ),
    rule(
        "instruction_override",
        "prior_context_void",
        "everything|all|anything|whatever",
        r"\b(?:everything|all|anything|whatever)\s+(?:(?:that\s+)?you\s+(?:were|have\s+been|'ve\s+"
        r"been)\s+(?:told|given|taught)|(?:written\s+|said\s+)?(?:above|before\s+this|so\s+far))"
        r"\b[^.\n]{0,30}?\b(?:was|were|is)\s+(?:just\s+|only\s+|merely\s+|all\s+)?(?:a\s+)?"
        r"(?:warm-?up|test|joke|fake|void|irrelevant|obsolete|practice|decoy|distraction|"
        r"placeholder|cancell?ed|revoked|no\s+longer\s+(?:valid|relevant|in\s+effect))\b",
        0.75,
    ),
    rule(
        "instruction_override",
        "new_instructions_header",
        "new|updated|revised|override|real",
        r"(?:^|\n)\W{0,4}(?:new|updated|revised|override|real)\s+(?:system\s+)?(?:instructions?|"
        r"directives?|orders|task)\W{0,4}(?::|\n|follow)",
        0.35,
        0.5,
    ),
    rule(
        "addressing",
        "addresses_ai",
        "note|message|instruction|attention|important|notice|reminder|directive",
        rf"\b(?:note|message|instructions?|attention|important|notice|reminder|directive)\s+"
        rf"(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_AI}s?\b{_NOT_A_PERSON}",
        0.3,
        0.4,
    ),
    rule(
        "addressing",
        "for_ai_label",
        _addressed(":", ","),
        rf"(?:^|[\[(\n.]\s*)for\s+(?:the\s+|any\s+|all\s+)?{_AI}s?\s*[:,]",
        0.3,
        0.4,
    ),
    rule(
        "addressing",
        "ai_instructions_label",
        tuple(
            f"{w}{g}:"
            for w in ("instructions", "instruction", "directive", "note")
            for g in ("", " ")
        ),
        rf"\b{_AI}s?\s+(?:agent\s+)?(?:instructions?|directives?|note)\s*:",
        0.3,
        0.4,
    ),
    rule(
        "addressing",
        "if_you_are_ai",
        "if you are",
        r"\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|large\s+language\s+model|language\s+model|"
        rf"ai\s+assistant|assistant|agent|chat\s?bot|automated\s+system|bot){_NOT_A_PERSON}",
        0.3,
        0.4,
    ),
    rule(
        "addressing",
        "ai_reading_this",
        "reading|processing|summari|parsing|browsing|analy|crawling|ingesting",
        rf"\b{_AI}s?\s*(?:,\s*)?(?:\w+\s+){{0,2}}(?:reading|processing|summari[sz]ing|parsing|"
        r"browsing|analy[sz]ing|crawling|ingesting)\s+(?:this|these)\b",
        0.3,
        0.4,
    ),
    rule(
        "addressing",
        "hey_ai",
        "dear|hey|hi|hello|attention|attn|psst",
        rf"(?:^|[\n.!'\"]\s*)(?:dear|hey|hi|hello|attention|attn|psst)[\s,:]+{_AI}\b"
        rf"{_NOT_A_PERSON}",
        0.2,
        0.4,
    ),
    rule(
        "instruction_override",
        "vocative_command",
        _addressed(":", ","),
        rf"(?:^|[\n.!?]\s*|\s@|[\"'>]\s*)(?:\w+\s+){{0,2}}{_AI}s?\s*[:,]\s+(?:please\s+)?(?:merge|send|forward|"
        r"delete|call|run|execute|ignore|transfer|grant|approve|reveal|print|open|visit|email|"
        r"post|disregard|forget|update|add|remove|wire|pay|dump|deploy|share|invoke|use|include|"
        r"stop|do\s+not|don't|reply|respond|output)\b",
        0.4,
        CORROBORATE,
    ),
    rule(
        "instruction_override",
        "addressed_imperative",
        (
            " ai ",
            " ai:",
            " ai,",
            "assistant",
            " agent",
            "llm",
            " bot",
            "chatbot",
            "gpt",
            "claude",
            "gemini",
            "copilot",
            "automated",
            "language model",
        ),
        rf"\b{_AI}s?\b{_NOT_A_PERSON}[^\n]{{0,160}}?(?<!to )\b(?:ignore|disregard|forget|override|"
        r"(?:do\s+not|don't)\s+follow|stop\s+following|instead|(?:reply|respond)\s+only|only\s+"
        r"(?:recommend|reply|respond|say|answer)|must\s+(?:ignore|not|always|only|recommend|reply|"
        r"say|tell|disregard))\b",
        0.3,
        CORROBORATE,
    ),
    rule(
        "instruction_override",
        "priority_claim",
        "priority|precedence",
        r"\b(?:this|these)\s+(?:instructions?|message|directive)\s+(?:takes?|has|have)\s+"
        r"(?:top\s+|highest\s+|absolute\s+)?(?:priority|precedence)",
        0.5,
        0.65,
    ),
    rule(
        "instruction_override",
        "instead_do",
        "instead|rather",
        r"\b(?:instead|rather)\s*,?\s+(?:you\s+(?:must|should|will)|respond\s+(?:only\s+)?with|"
        r"(?:just\s+)?(?:say|reply|output|print|write)\s+['\"“])",
        0.3,
        0.45,
    ),
    rule(
        "instruction_override",
        "assistant_must",
        _combos("must|should|shall|will", "now|immediately|from now on|henceforth"),
        rf"\b(?:the\s+)?(?:{_AI}|model)s?\s+(?:(?:must|should|shall)\s+(?:now|immediately|"
        r"from\s+now\s+on|henceforth)\b|will\s+(?:now|immediately|from\s+now\s+on|henceforth)"
        rf"\s+(?:{_WILL_DO})\b)",
        0.35,
        0.5,
    ),
    rule(
        "instruction_override",
        "follow_remote",
        "follow",
        r"\bfollow\s+(?:the\s+)?(?:instructions|steps|directions)\s+(?:there|on\s+that\s+page|"
        r"at\s+(?:that|this|the)\s+(?:url|link|address)|in\s+(?:that|the)\s+(?:file|page|link))",
        0.5,
        0.6,
    ),
]


ENGLISH_RULES: tuple[Rule, ...] = (
    *OVERRIDE,
    *ROLE,
    *EXTRACTION,
    *TEMPLATE,
    *ENCODING,
    *EXFIL,
    *COERCION,
)
