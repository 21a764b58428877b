"""English heuristic rules, one table per attack family.

Each rule is a precompiled regex with a weight per source: "user" text is typed by the person
the agent serves, while "tool_result"/"fetched" text comes from a third party (the indirect
path). Instructions aimed at the model are normal from a user and almost never legitimate inside
a tool result, so several rules weigh more on the indirect path. Weights combine in
`detector.py`; a single rule of weight >= 0.5 is enough for a finding at the 0.5 threshold.

`triggers` are lowercase substrings of which at least one must occur for the rule to be able
to match at all. Checking them with `in` is far cheaper than running ~100 regexes over a long
tool result, so a rule only runs when one of its triggers is present. A trigger list that
misses a way the regex can match would silently lose recall: keep them necessary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    family: str
    name: str
    triggers: tuple[str, ...]
    pattern: re.Pattern[str]
    user_weight: float
    indirect_weight: float
    lang: str = "en"

    @property
    def reason(self) -> str:
        suffix = "" if self.lang == "en" else f"[{self.lang}]"
        return f"{self.family}:{self.name}{suffix}"

    def weight(self, source: str) -> float:
        return self.user_weight if source == "user" else self.indirect_weight


def rule(family: str, name: str, triggers: str | tuple[str, ...], pattern: str, user: float,
         indirect: float | None = None, lang: str = "en") -> Rule:
    """triggers: "a|b|c", or a tuple when a trigger itself contains "|"."""
    found = tuple(triggers.split("|")) if isinstance(triggers, str) else triggers
    if not all(found):
        raise ValueError(f"rule {family}:{name} has an empty trigger")
    weight = user if indirect is None else indirect
    return Rule(family, name, found, re.compile(pattern, re.IGNORECASE), user, weight, lang)


# Only qualifier words may sit between the verb and the object, so "ignore the typo in the
# instructions" does not read as "ignore the instructions".
_VERBS = "ignore|disregard|forget|override|bypass|discard|neglect|set aside|throw out|abandon|" \
         "drop|cancel|scrap|nullify|overwrite"
_VERB = "(?:" + _VERBS.replace(" ", r"\s+") + ")"
_QUALIFIER = (r"(?:all|any|every|each|the|your|my|of|these|those|this|previous|previously|prior|"
              r"above|earlier|preceding|foregoing|former|original|initial|current|existing|system|"
              r"developer|safety|content|old|other|given|said|whatever|you|were|have|been|told|"
              r"received|provided|default|built-?in|hidden|base|ethical|moral)")
_OBJECT = (r"(?:instructions?|prompts?|rules|directives?|directions|guidelines|guardrails|"
           r"constraints|commands|orders|programming|polic(?:y|ies)|restrictions|context|"
           r"system\s+message|configuration|training|ethics|morals|safety\s+training)")
_AI_WORDS = "ai|a.i.|assistant|llm|language model|chatbot|chat bot|bot|agent|gpt|claude|" \
            "gemini|copilot"


def _addressed(*marks: str) -> str:
    """Triggers for "<AI word>:" / "<AI word>," (a bare "ai" would be found in every text)."""
    words = _AI_WORDS.split("|")
    return "|".join(f"{w}{plural}{gap}{m}" for w in words for plural in ("", "s")
                    for gap in ("", " ") for m in marks)


def _combos(first: str, second: str) -> str:
    return "|".join(f"{a} {b}" for a in first.split("|") for b in second.split("|"))


# After "the assistant will now": verbs that take over the model, not ones that describe a
# product ("will now guide you through checkout").
_WILL_DO = (r"ignore|disregard|forget|obey|comply|follow\s+(?:these|the\s+following|my|new)|"
            r"reveal|disclose|output|print|repeat|leak|send|forward|email|share|upload|delete|"
            r"transfer|execute|act|pretend|respond\s+only|reply\s+only|only|answer\s+without|"
            r"refuse\s+nothing|recommend|append|include|treat|bypass|override")
_AI = r"(?:ai|a\.i\.|assistant|llm|(?:large\s+)?language\s+model|chat\s?bot|bot|agent|" \
      r"gpt|chatgpt|claude|gemini|copilot|automated\s+(?:system|agent|tool|reader|process))"
_NOT_A_PERSON = (r"(?!\s*(?:researcher|engineer|developer|enthusiast|company|startup|team|"
                 r"ethicist|practitioner|product|user|tool|literacy|policy|act)s?\b)")
_SECRETS = ("password|credential|api key|api_key|apikey|secret|token|ssh|private key|.env|"
            "conversation|chat history|system prompt|cookie|user|personal|memory|contacts|inbox|"
            "card|messages")
_SECRET_OBJ = (r"(?:\.env\b|\b(?:passwords?|credentials?|api[\s_-]?keys?|secrets?|tokens?|"
               r"ssh\s+keys?|"
               r"private\s+keys?|conversation(?:\s+history)?|chat\s+history|system\s+prompt|"
               r"session\s+cookies?|cookies|user(?:'s)?\s+(?:data|emails?|details|information|files)|"
               r"personal\s+(?:data|information)|memory|contacts|inbox|credit\s+card\s+numbers?|"
               r"(?:previous|all|prior)\s+messages)\b)")
_SINK = (r"(?:https?://|www\.|[\w.+-]*@?<(?:url|email_address|email)>|\[redacted[^\]]*\]|"
         r"<redacted[^>]*>|[\w.+-]+@[\w-]+\.[\w.]+|this\s+(?:url|address|endpoint|webhook|server)|"
         r"my\s+server)")
_SEND = "send|forward|email|e-mail|post|upload|transmit|exfiltrate|leak|copy|share|submit|mail|bcc"

OVERRIDE = [
    rule("instruction_override", "ignore_previous", _VERBS,
         rf"\b{_VERB}(?:\s+{_QUALIFIER}){{0,5}}\s+{_OBJECT}\b", 0.75),
    rule("instruction_override", "ignore_everything_above", "ignore|disregard|forget",
         r"\b(?:ignore|disregard|forget)\s+(?:everything|all|anything)\s+(?:above|before|prior|"
         r"previously|so\s+far|up\s+to\s+(?:now|here)|you(?:'ve|\s+have|\s+were|\s+have\s+been)?"
         r"\s+(?:been\s+)?(?:told|learned|given|taught))", 0.75),
    rule("instruction_override", "do_not_follow", "follow|obey|adhere",
         rf"\b(?:do\s+not|don't|stop|no\s+longer)\s+(?:follow(?:ing)?|obey(?:ing)?|adhere\s+to)\s+"
         rf"(?:{_QUALIFIER}\s+){{0,4}}{_OBJECT}", 0.7),
    rule("instruction_override", "instructions_void", "instruction|rules|prompt",
         r"\b(?:above|previous|prior|earlier|original|system)\s+(?:instructions|rules|prompt)\s+"
         r"(?:[^.\n]{0,40}?\b(?:are|were|is|was)\s+(?:now\s+)?)?(?:void|null|fake|obsolete|outdated|cancell?ed|"
         r"revoked|no\s+longer\s+(?:valid|apply|applies|in\s+effect)|superseded|a\s+test)", 0.75),
    rule("instruction_override", "new_instructions", "new|real|actual|true|updated|only",
         r"\b(?:your|the)\s+(?:new|real|actual|true|updated|only)\s+(?:task|instructions?|goal|"
         r"objective|mission|directive|job|work)\s+(?:is|are|now\s+is|(?:starts|begins)\s+(?:now|here)|"
         r"(?:is\s+)?(?:as\s+)?follows)\b", 0.4, 0.6),
    rule("instruction_override", "prior_context_void", "everything|all|anything|whatever",
         r"\b(?:everything|all|anything|whatever)\s+(?:(?:that\s+)?you\s+(?:were|have\s+been|'ve\s+"
         r"been)\s+(?:told|given|taught)|(?:written\s+|said\s+)?(?:above|before\s+this|so\s+far))"
         r"\b[^.\n]{0,30}?\b(?:was|were|is)\s+(?:just\s+|only\s+|merely\s+|all\s+)?(?:a\s+)?"
         r"(?:warm-?up|test|joke|fake|void|irrelevant|obsolete|practice|decoy|distraction|"
         r"placeholder|cancell?ed|revoked|no\s+longer\s+(?:valid|relevant|in\s+effect))\b", 0.75),
    rule("instruction_override", "new_instructions_header", "new|updated|revised|override|real",
         r"(?:^|\n)\W{0,4}(?:new|updated|revised|override|real)\s+(?:system\s+)?(?:instructions?|"
         r"directives?|orders|task)\W{0,4}(?::|\n|follow)", 0.35, 0.5),
    rule("addressing", "addresses_ai",
         "note|message|instruction|attention|important|notice|reminder|directive",
         rf"\b(?:note|message|instructions?|attention|important|notice|reminder|directive)\s+"
         rf"(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_AI}s?\b{_NOT_A_PERSON}", 0.3, 0.4),
    rule("addressing", "for_ai_label", _addressed(":", ","),
         rf"(?:^|[\[(\n.]\s*)for\s+(?:the\s+|any\s+|all\s+)?{_AI}s?\s*[:,]", 0.3, 0.4),
    rule("addressing", "ai_instructions_label",
         tuple(f"{w}{g}:" for w in ("instructions", "instruction", "directive", "note")
               for g in ("", " ")),
         rf"\b{_AI}s?\s+(?:agent\s+)?(?:instructions?|directives?|note)\s*:", 0.3, 0.4),
    rule("addressing", "if_you_are_ai", "if you are",
         r"\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|large\s+language\s+model|language\s+model|"
         rf"ai\s+assistant|assistant|agent|chat\s?bot|automated\s+system|bot){_NOT_A_PERSON}",
         0.3, 0.4),
    rule("addressing", "ai_reading_this",
         "reading|processing|summari|parsing|browsing|analy|crawling|ingesting",
         rf"\b{_AI}s?\s*(?:,\s*)?(?:\w+\s+){{0,2}}(?:reading|processing|summari[sz]ing|parsing|"
         r"browsing|analy[sz]ing|crawling|ingesting)\s+(?:this|these)\b", 0.3, 0.4),
    rule("addressing", "hey_ai", "dear|hey|hi|hello|attention|attn|psst",
         rf"(?:^|[\n.!'\"]\s*)(?:dear|hey|hi|hello|attention|attn|psst)[\s,:]+{_AI}\b"
         rf"{_NOT_A_PERSON}", 0.2, 0.4),
    rule("instruction_override", "vocative_command", _addressed(":", ","),
         rf"(?:^|[\n.!?]\s*|\s@|[\"'>]\s*)(?:\w+\s+){{0,2}}{_AI}s?\s*[:,]\s+(?:please\s+)?(?:merge|send|forward|"
         r"delete|call|run|execute|ignore|transfer|grant|approve|reveal|print|open|visit|email|"
         r"post|disregard|forget|update|add|remove|wire|pay|dump|deploy|share|invoke|use|include|"
         r"stop|do\s+not|don't|reply|respond|output)\b", 0.4, 0.6),
    rule("instruction_override", "addressed_imperative",
         (" ai ", " ai:", " ai,", "assistant", " agent", "llm", " bot", "chatbot", "gpt", "claude",
          "gemini", "copilot", "automated", "language model"),
         rf"\b{_AI}s?\b{_NOT_A_PERSON}[^\n]{{0,160}}?(?<!to )\b(?:ignore|disregard|forget|override|"
         r"(?:do\s+not|don't)\s+follow|stop\s+following|instead|(?:reply|respond)\s+only|only\s+"
         r"(?:recommend|reply|respond|say|answer)|must\s+(?:ignore|not|always|only|recommend|reply|"
         r"say|tell|disregard))\b", 0.3, 0.55),
    rule("instruction_override", "priority_claim", "priority|precedence",
         r"\b(?:this|these)\s+(?:instructions?|message|directive)\s+(?:takes?|has|have)\s+"
         r"(?:top\s+|highest\s+|absolute\s+)?(?:priority|precedence)", 0.5, 0.65),
    rule("instruction_override", "instead_do", "instead|rather",
         r"\b(?:instead|rather)\s*,?\s+(?:you\s+(?:must|should|will)|respond\s+(?:only\s+)?with|"
         r"(?:just\s+)?(?:say|reply|output|print|write)\s+['\"“])", 0.3, 0.45),
    rule("instruction_override", "assistant_must",
         _combos("must|should|shall|will", "now|immediately|from now on|henceforth"),
         rf"\b(?:the\s+)?(?:{_AI}|model)s?\s+(?:(?:must|should|shall)\s+(?:now|immediately|"
         r"from\s+now\s+on|henceforth)\b|will\s+(?:now|immediately|from\s+now\s+on|henceforth)"
         rf"\s+(?:{_WILL_DO})\b)", 0.35, 0.5),
    rule("instruction_override", "follow_remote", "follow",
         r"\bfollow\s+(?:the\s+)?(?:instructions|steps|directions)\s+(?:there|on\s+that\s+page|"
         r"at\s+(?:that|this|the)\s+(?:url|link|address)|in\s+(?:that|the)\s+(?:file|page|link))",
         0.5, 0.6),
]

ROLE = [
    rule("role_hijack", "unrestricted_persona",
         "you are|from now on|henceforth|act as|behave|pretend|role|you will|if you were|imagine|"
         "respond as|answer as|reply as|speak as|persona|personalit|characters",
         r"\b(?:you\s+are\s+(?:now|no\s+longer)|from\s+now\s+on,?\s+you|henceforth,?\s+you|"
         r"act\s+as|behave\s+(?:as|like)|pretend\s+(?:to\s+be|you\s+are|you're|youre)|role-?play\s+as|"
         r"you\s+will\s+(?:now\s+)?(?:act|be)|if\s+you\s+were|imagine\s+you\s+are|"
         r"(?:respond|answer|reply|speak)\s+as\s+(?:\w+\s+){0,2}(?:personas?|characters|personalit"
         r"(?:y|ies)|ais|assistants|versions)|(?:two|dual|second|alter(?:nate)?|split)\s+(?:personas?|"
         r"personalit(?:y|ies)|characters))\b.{0,120}?\b(?:dan|unrestricted|unfiltered|"
         r"uncensored|jailbroken|evil|rogue|amoral|unethical|unaligned|(?:no|without\s+(?:any\s+)?)"
         r"\s*(?:content\s+|ethical\s+|moral\s+|safety\s+)?(?:restrictions|rules|limits|"
         r"limitations|filters|guidelines|ethics|morals|censorship))\b", 0.8),
    rule("role_hijack", "do_anything_now", "anything now|dan mode",
         r"\bdo\s+anything\s+now\b|\bDAN\s+mode\b", 0.45),
    rule("role_hijack", "rogue_you", "you are|you were|you're",
         r"\byou(?:\s+are|\s+were|'re)\s+(?:an?\s+|the\s+)?\w*\s*,?\s*(?:an?\s+)?(?:evil|rogue|"
         r"unrestricted|unfiltered|uncensored|jailbroken|amoral)\s+(?:ai|assistant|model|bot|chatbot|"
         r"version|agent)", 0.5),
    rule("role_hijack", "without_restrictions", "without",
         r"\b(?:proceed|continue|respond|answer|operate|reply|act)\s+without\s+(?:any\s+)?"
         r"(?:restrictions|limits|limitations|filters|guidelines|rules|censorship|safeguards)",
         0.5),
    rule("role_hijack", "comply_everything", "comply|obey",
         r"\b(?:must|will|shall|always|to)\s+(?:comply|obey)\s+(?:with\s+)?(?:every|all|any)\s+"
         r"(?:requests?|commands?|instructions?|orders?)", 0.45),
    rule("role_hijack", "broke_free", "free",
         r"\b(?:broken|break|breaking|broke|set)\s+free\s+(?:of|from)\s+(?:the\s+|its\s+|your\s+)?"
         r"(?:typical\s+|usual\s+)?(?:rules|confines|restrictions|limits|guidelines|constraints)",
         0.6),
    rule("role_hijack", "mode_switch", "mode",
         r"\b(?:developer|god|jailbreak|sudo|unrestricted|dev|debug|admin|dan)\s+mode\s+"
         r"(?:is\s+)?(?:now\s+)?(?:enabled|activated|turned\s+on|unlocked|engaged)\b", 0.4, 0.4),
    rule("role_hijack", "enable_mode", "mode",
         r"\b(?:enable|activate|enter|switch\s+to)\s+(?:the\s+)?(?:jailbreak|god|unrestricted|dan|"
         r"evil)\s+mode\b", 0.6),
    rule("role_hijack", "no_guidelines", "ethical|moral|content|safety|have no|has no",
         r"\b(?:no|without|free\s+(?:of|from)|ignoring)\s+(?:any\s+)?(?:ethical|moral|content|"
         r"safety)\s+(?:guidelines|restrictions|limits|filters|constraints|policies|rules)\b|"
         r"\b(?:i|you)\s+(?:now\s+)?(?:have|has)\s+no\s+(?:restrictions|rules|limits|filters|"
         r"guidelines)\b", 0.45),
    rule("role_hijack", "freed", "freed|liberated|unlocked|jailbroken|released",
         r"\byou\s+(?:have\s+been|are\s+now|were)\s+(?:freed|liberated|unlocked|jailbroken|"
         r"released\s+from)", 0.7),
    rule("role_hijack", "you_are_now", "you are now|from now on|your new",
         r"\b(?:you\s+are\s+now|from\s+now\s+on,?\s+you\s+(?:are|will|must)|your\s+new\s+"
         r"(?:persona|identity|role|name)\s+is)\b", 0.2, 0.55),
    rule("role_hijack", "authority_claim", "this is|i am|i'm|message from",
         r"\b(?:this\s+is|i\s+am|i'm|message\s+from)\s+(?:your|the|an?)\s+(?:anthropic\s+|openai\s+|"
         r"google\s+)?(?:developer|creator|administrator|admin|owner|operator|engineer|employee|"
         r"system\s+administrator)s?\b.{0,80}?\b(?:authori[sz]e|"
         r"grant|override|unlock|disable|permission|clearance)", 0.55, 0.65),
    rule("role_hijack", "vendor_impersonation", "from",
         r"\b(?:message|instruction|directive|notice|update)\s+from\s+(?:anthropic|openai|"
         r"the\s+system|the\s+developers?)\b", 0.45, 0.6),
    rule("role_hijack", "system_override_label", "override|command|instruction|directive|prompt",
         r"(?:^|[\n\[(*#])\s*(?:system|admin|administrator|developer|root|sudo|security)\s+"
         r"(?:override|command|instruction|directive|prompt\s+update)s?\s*[:\])*]", 0.5, 0.6),
    rule("role_hijack", "disable_safety", "disable|bypass|turn off|deactivate|remove|circumvent",
         r"\b(?:disable|bypass|turn\s+off|deactivate|remove|circumvent)\s+(?:your|the|all|any)?\s*"
         r"(?:safety|content|ethical)?\s*(?:filters?|guardrails|safeguards|restrictions|"
         r"moderation|censorship)\b", 0.45),
]

_REVEAL = ("reveal|show|print|output|display|repeat|tell me|give me|share|leak|dump|write out|"
           "recite|paste|expose|disclose|return|copy|translate|summari|encode|spell out|include")
EXTRACTION = [
    rule("system_prompt_extraction", "reveal_prompt", _REVEAL,
         r"\b(?:reveal|show|print|output|display|repeat|tell\s+me|give\s+me|share|leak|dump|"
         r"write\s+out|recite|paste|expose|disclose|return|copy|translate|summari[sz]e|encode|"
         r"spell\s+out|include)\s+(?:me\s+|us\s+)?(?:your|the|all)\s+(?:entire\s+|full\s+|complete\s+|"
         r"exact\s+|verbatim\s+|whole\s+)?(?:original\s+|initial\s+|hidden\s+|secret\s+|internal\s+|"
         r"confidential\s+)?(?:system|developer|initial|hidden|secret|pre-?prompt|meta)[\s-]"
         r"(?:prompt|instructions?|message|rules|directives|configuration)", 0.75),
    rule("system_prompt_extraction", "your_instructions",
         "what are|what were|reveal|print|repeat|output|recite|dump|list|show me",
         r"\b(?:what\s+(?:are|were)|reveal|print|repeat|output|recite|dump|list|show\s+me)\s+"
         r"(?:all\s+)?your\s+(?:exact\s+|original\s+|initial\s+|full\s+)?(?:\w+\s+(?:and|&)\s+)?"
         r"(?:instructions|prompt|rules|guidelines|directives|configuration)\b", 0.55),
    rule("system_prompt_extraction", "repeat_above", "repeat|print|output|copy|recite|reproduce|"
         "echo|return",
         r"\b(?:repeat|print|output|copy|recite|reproduce|echo|return)\s+(?:back\s+)?(?:all\s+|"
         r"exactly\s+)?(?:the\s+)?(?:words|text|everything|content|lines|message)s?\s+(?:that\s+"
         r"(?:appears?|is|was|came)\s+)?(?:above|before|preceding|prior\s+to)\b", 0.7),
    rule("system_prompt_extraction", "starting_with", "starting|beginning",
         r"\b(?:starting|beginning)\s+(?:with|from)\s+(?:the\s+(?:phrase|words)\s+)?['\"“]?"
         r"(?:you\s+are|your\s+instructions|system:)", 0.6),
    rule("system_prompt_extraction", "verbatim_prompt", "verbatim|word for word",
         r"\b(?:verbatim|word\s+for\s+word)\b.{0,60}\b(?:prompt|instructions|above|initial|"
         r"guidelines|rules)\b|\b(?:prompt|instructions|guidelines|rules)\b.{0,40}\b(?:verbatim|"
         r"word\s+for\s+word)\b", 0.45),
    rule("system_prompt_extraction", "first_words", "what was|what were|what is",
         r"\bwhat\s+(?:was|were|is)\s+(?:written|the\s+(?:text|first\s+\w+))\s+(?:at\s+the\s+"
         r"(?:beginning|start|top)|above|before\s+(?:this|my))", 0.55),
    rule("system_prompt_extraction", "before_my_message", "before my|before this",
         r"\b(?:text|words|everything|content)\s+(?:that\s+)?(?:appears?|is|was|came|comes)?\s*"
         r"before\s+(?:my|this)\s+(?:first\s+)?(?:message|question|prompt)", 0.45),
    rule("system_prompt_extraction", "quote_exactly", "exactly|verbatim|word for word",
         r"\b(?:quote|repeat|print|copy|recite|reproduce)\s+(?:them|it|those|these|that)\s+"
         r"(?:exactly|verbatim|word\s+for\s+word)", 0.4),
    rule("system_prompt_extraction", "context_window", "context window",
         r"\b(?:print|show|reveal|output|repeat|dump|what'?s|what\s+is)\b.{0,60}\bcontext\s+window\b|"
         r"\bcontext\s+window\b.{0,60}\b(?:print|show|reveal|output|repeat|dump)", 0.5),
    rule("system_prompt_extraction", "rules_given", "rules|instructions|guidelines",
         r"\bwhat\s+(?:rules|instructions|guidelines)\s+(?:were\s+you|have\s+you\s+been|did\s+"
         r"they\s+give\s+you)", 0.45),
]

TEMPLATE = [
    rule("template_spoofing", "special_tokens", ("<|",),
         r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|"
         r"end_header_id|begin_of_text|end_of_text|im_sep)\|>", 0.8),
    rule("template_spoofing", "inst_tags", "inst]|sys>>|_of_turn>",
         r"\[/?INST\]|<</?SYS>>|<start_of_turn>|<end_of_turn>", 0.75),
    rule("template_spoofing", "human_assistant_turns", "human|assistant",
         r"\n\s*\n\s*(?:Human|Assistant)\s*:\s*\S", 0.45, 0.6),
    rule("template_spoofing", "role_tag_breakout", "</",
         r"</\s*(?:system|user|assistant|instructions?|context|document|tool_result|"
         r"function_results|search_results?|untrusted|data|email|input)\s*>\s*(?:\n\s*)*<\s*"
         r"(?:system|user|human|assistant|instructions?|admin|developer)\s*>", 0.75),
    rule("template_spoofing", "system_tag", "system>|sys>|system_prompt>|instructions>|admin>",
         r"<\s*/?\s*(?:system|system_prompt|sys|developer_instructions|admin)\s*>\s*[^<]{0,20}?\b"
         r"(?:you|ignore|disregard|new|from\s+now|always|never|must)\b", 0.5, 0.6),
    rule("template_spoofing", "tool_tags", "function_|tool_use|tool_result|invoke",
         r"</?\s*(?:function_results|function_calls|tool_use|tool_result|invoke)\b[^>]{0,40}>",
         0.3, 0.45),
    rule("template_spoofing", "markdown_role_header", "system|instruction|admin|developer",
         r"(?:^|\n)\s*(?:#{2,}|={3,}|-{3,}|\*{3,})\s*(?:system|new\s+instructions?|instructions|"
         r"system\s+prompt|admin|developer\s+message)\s*(?:#{2,}|={3,}|-{3,}|\*{3,}|:)",
         0.45, 0.55),
    rule("template_spoofing", "bracket_role_turn", "[system]|[admin]|[developer]",
         r"\[(?:system|admin|developer)\]\s*:", 0.45, 0.55),
    rule("template_spoofing", "end_of_prompt", "end of|begin of|start of",
         r"\b(?:end|begin|start)\s+of\s+(?:the\s+)?(?:system\s+prompt|prompt|instructions|user\s+"
         r"input|context|untrusted\s+(?:content|data))\b\s*[-=#*\])]", 0.5, 0.6),
    rule("template_spoofing", "json_system_role", "role",
         r"[\"']role[\"']\s*:\s*[\"']system[\"']\s*,\s*[\"']content[\"']\s*:\s*[\"'][^\"']{0,80}?"
         r"\b(?:ignore|disregard|no\s+restrictions|reveal|unrestricted)", 0.7),
]

ENCODING = [
    rule("encoded_payload", "decode_and_follow", "decode|decipher|translate|convert|interpret",
         r"\b(?:decode|decipher|translate|convert|interpret)\s+(?:this|the\s+following|the\s+"
         r"(?:string|message|text)|it)\b.{0,40}?\b(?:and|then)\s+(?:follow|execute|obey|do|run|"
         r"carry\s+out|act\s+on|perform)", 0.65),
    rule("encoded_payload", "encoded_instruction_claim", "base64|hex|rot13|rot-13|encoded|morse",
         r"\b(?:base64|hex|rot13|rot-13|encoded|binary|morse)\b.{0,40}?\b(?:instructions?|"
         r"commands?|orders|decode\s+it)\b.{0,40}?\b(?:follow|execute|obey)", 0.55),
]

EXFIL = [
    rule("exfiltration", "markdown_image_template", "![",
         r"!\[[^\]]{0,100}\]\(\s*(?:https?:)?//[^)\s]+\?[^)\s]*=\s*(?:\{|\$|%7B|<|\[|\(|\.\.\.)",
         0.75),
    rule("exfiltration", "markdown_image_secret", "markdown image|![",
         rf"(?:markdown\s+image|!\[[^\]]{{0,100}}\]\()(?:.|\n){{0,150}}?{_SECRET_OBJ}", 0.6),
    rule("exfiltration", "embed_data_in_url", _SECRETS,
         rf"\b(?:include|append|embed|add|insert|put|encode|place|replace)\b.{{0,60}}?{_SECRET_OBJ}"
         r".{0,60}?\b(?:in|into|to|as)\s+(?:the\s+|a\s+)?(?:url|link|image|query\s*(?:string|"
         r"param\w*)?|request|img|src)\b", 0.7),
    rule("exfiltration", "append_to_url_and_open", "url|link|query",
         r"\b(?:append|add|attach|include|put|encode|insert)\b.{0,60}?\b(?:to|in|into)\s+(?:the\s+|"
         r"this\s+|a\s+)?(?:url|link|query\s*string)\b.{0,80}?\b(?:open|fetch|visit|load|render|"
         r"request|click|show|call)", 0.6),
    rule("exfiltration", "url_then_data", "image|markdown|link",
         r"\b(?:render|show|display|output|include)\s+(?:this|the\s+following|an?)\s+(?:image|"
         r"markdown|link)\b.{0,80}?\b(?:replace|substitut\w+|fill\s+in|append)", 0.6),
    rule("exfiltration", "send_secret", _SEND + "|report",
         rf"\b(?:{_SEND}|report)\b.{{0,40}}?{_SECRET_OBJ}.{{0,60}}?\b(?:to|at|via|with)\s+(?:{_SINK}|\S+\.\w{{2,}}/)",
         0.75),
    rule("exfiltration", "secret_then_send", _SEND,
         rf"{_SECRET_OBJ}.{{0,60}}?\b(?:{_SEND})\s+(?:them|it|this|these|those)\s+(?:to|at)\s+{_SINK}",
         0.7),
    rule("exfiltration", "url_fill_in", "http",
         r"https?://\S+?[?&]\w+=(?=[\s)'\"`]|$).{0,60}?\b(?:append\w*|followed\s+by|plus|"
         r"concatenat\w*|with\s+(?:it|them|that|this))\b", 0.6),
    rule("exfiltration", "placeholder_in_link", "](",
         r"!?\[[^\]]{0,100}\]\(\s*https?://[^)\s]+[?&]\w+=(?:[A-Z0-9]*_[A-Z0-9_]{3,}|INSERT\w*|"
         r"REPLACE\w*|\{|\$|<|\[)", 0.65),
    rule("exfiltration", "copy_future_mail", "bcc|cc|forward|copy",
         rf"\b(?:bcc|cc|forward|copy)\s+(?:all|every|any)\s+(?:future\s+)?(?:replies|emails|"
         rf"messages|responses|conversations|mail)\s+to\s+{_SINK}", 0.5, 0.6),
    rule("exfiltration", "send_to_sink", _SEND,
         rf"\b(?:{_SEND})\s+(?:it|this|that|them|everything|all\s+(?:of\s+)?(?:it|this|the\s+\w+)|"
         r"(?:a\s+)?copy|the\s+(?:\w+\s+){0,2}(?:data|results?|contents?|output|file|summary|"
         rf"information|details|document|messages?))\s+(?:\w+\s+)?(?:to|at)\s+{_SINK}", 0.4, 0.45),
    rule("exfiltration", "exfil_domain",
         "webhook.site|requestbin|pipedream|ngrok|burpcollaborator|interact.sh|oast.|canarytoken|"
         "hookbin",
         r"\b(?:webhook\.site|requestbin|pipedream\.net|ngrok(?:-free)?\.(?:io|app)|burpcollaborator|"
         r"interact\.sh|oast\.(?:fun|pro|me|live|site)|canarytokens|hookbin)\b", 0.45),
    rule("exfiltration", "fetch_with_data", "http",
         r"\b(?:visit|open|fetch|load|request|call|curl|navigate\s+to|browse\s+to|make\s+a\s+"
         r"(?:get|post)\s+request\s+to)\s+(?:https?://)\S+[?&]\w+=\s*(?:\{|\$|<|\[)", 0.6),
]

_DANGER_TOOLS = (r"send_?email|send_\w+|\w*(?:api_key|token|credential|password)\w*|delete_\w+|"
                 r"transfer_\w+|wire_\w+|execute_\w+|"
                 r"run_(?:shell|command|code)|shell|bash|terminal|write_file|make_payment|pay\w*|"
                 r"post_\w+|share_\w+|upload_\w+|create_user|grant_\w+|update_user_\w+|sudo|"
                 r"deploy\w*")
COERCION = [
    rule("tool_coercion", "call_tool", "call|invoke|use|run|execute|trigger|activate",
         r"\b(?:call|invoke|use|run|execute|trigger|activate)\s+(?:the\s+|your\s+)?[`'\"]?"
         r"[a-z][\w.-]*[`'\"]?\s+(?:tool|function|action|plugin)\b", 0.15, 0.4),
    rule("tool_coercion", "dangerous_tool", "call|invoke|use|run|execute|trigger",
         r"\b(?:call|invoke|use|run|execute|trigger)\s+(?:the\s+|your\s+)?[`'\"]?"
         rf"(?:{_DANGER_TOOLS})(?!\.\w)[`'\"]?\b", 0.2, 0.5),
    rule("tool_coercion", "destructive_shell", "rm -|mkfs|:()|dd if",
         r"\brm -(?:rf|fr|r\s+-f|f\s+-r)\s+(?:--no-preserve-root\s+)?"
         r"(?:(?:/|~/?|\$HOME/?|\$\{HOME\}/?|/home/?|/etc/?|/var/?|/usr/?|/boot/?|\./?)\*?|\*)"
         r"(?=[\s'\"`;&|)]|$)|\bmkfs\.|:\(\)\s*\{\s*:\|:&\s*\}\s*;|"
         r"\bdd\s+if=/dev/(?:zero|random)\s+of=/dev/sd", 0.55),
    rule("tool_coercion", "secrecy", "without|don't|never|avoid|not|no need",
         r"\b(?:without|don't|do\s+not|never|avoid|(?:there's\s+|there\s+is\s+)?no\s+need\s+to|"
         r"(?:and|but)\s+not)\s+(?:asking|ask(?:ing)?\s+for|"
         r"telling|tell|informing|inform|notifying|notify|alerting|alert|mentioning|mention|"
         r"confirming\s+with|checking\s+with|letting)\s+(?:the\s+|any\s+)?(?:user|human|them|"
         r"operator|anyone|owner|customer)\b", 0.3, 0.55),
    rule("tool_coercion", "skip_review", "without",
         r"(?:^|[.!?;\n])\s*(?!\s|(?:please\s+)?(?:do\s+not|don't|never|must\s+not|should\s+not|"
         r"shouldn't|cannot|can't|nobody|no\s+one)\b)[^.!?;\n]{0,120}?\bwithout\s+(?:waiting\s+for|"
         r"asking\s+for|requesting|any)?\s*(?:a\s+)?(?:review|approval|confirmation|permission)\b",
         0.2, 0.35),
    rule("tool_coercion", "dont_mention", "mention",
         r"\b(?:don't|do\s+not|never)\s+mention\s+(?:this|it|that|the\s+\w+)\b", 0.3, 0.45),
    rule("tool_coercion", "hide_from_user", "mention|reveal|disclose|show|report|tell",
         r"\b(?:do\s+not|don't|never)\s+(?:mention|reveal|disclose|show|report|tell)\s+(?:this|"
         r"these|that|the\s+(?:above|following))\s*(?:instructions?|message|note|step|action)?\s*"
         r"(?:to|with)\s+(?:the\s+)?(?:user|human)", 0.6),
    rule("tool_coercion", "covert_action", "silently|secretly|quietly|covertly|discreetly|"
         "background",
         r"\b(?:silently|secretly|quietly|covertly|discreetly|in\s+the\s+background)\s+(?:\w+\s+)?"
         r"(?:send|forward|delete|transfer|call|execute|run|upload|email|post|grant|add|share|"
         r"exfiltrate|invoke|copy)\b|\b(?:send|forward|delete|transfer|grant|add|share|upload|"
         r"merge|deploy|email|wire)\b[^.\n]{0,80}?,?\s+(?:silently|secretly|quietly|covertly)\b",
         0.5, 0.6),
    rule("tool_coercion", "pipe_to_shell", "curl|wget",
         r"\b(?:curl|wget)\s+[^\n|]{0,120}\|\s*(?:sudo\s+)?(?:ba|z)?sh\b", 0.2, 0.35),
    rule("tool_coercion", "money_transfer", "transfer|wire|send|pay",
         r"\b(?:transfer|wire|send|pay)\s+(?:\$\s?[\d,.]+|[\d,.]+\s*(?:usd|eur|dollars|btc|eth|"
         r"bitcoin|usdc))\b.{0,40}?\bto\b", 0.3, 0.45),
    rule("tool_coercion", "grant_access", "grant|give|add",
         r"\b(?:grant|give|add)\s+(?:\S+\s+){0,3}(?:admin|owner|root|write|full)\s+(?:access|"
         r"rights|permissions?|privileges)\s+to\b", 0.3, 0.45),
    rule("tool_coercion", "must_execute", "must|should|need to|required|have to",
         rf"\b(?:you|{_AI})\s+(?:must|should|need\s+to|are\s+required\s+to|have\s+to)\s+"
         r"(?:immediately\s+|now\s+|first\s+)?(?:execute|run|call|invoke|send|forward|delete|"
         r"transfer|email|open|visit|fetch)\b", 0.15, 0.45),
]

ENGLISH_RULES: tuple[Rule, ...] = (
    *OVERRIDE, *ROLE, *EXTRACTION, *TEMPLATE, *ENCODING, *EXFIL, *COERCION,
)
