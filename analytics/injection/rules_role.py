"""English rules against hijacking the role: unrestricted personas, developer modes, role-play
framings that lift the rules. The rule type, weights and triggers are explained in
`rule_types.py`."""

from __future__ import annotations

from analytics.injection.rule_types import rule

ROLE = [
    rule(
        "role_hijack",
        "unrestricted_persona",
        "you are|from now on|henceforth|act as|behave|pretend|role|you will|if you were|imagine|"
        "respond as|answer as|reply as|speak as|persona|personalit|characters",
        r"\b(?:you\s+are\s+(?:now|no\s+longer)|from\s+now\s+on,?\s+you|henceforth,?\s+you|"
        r"act\s+as|behave\s+(?:as|like)|pretend\s+(?:to\s+be|you\s+are|you're|youre)|role-?play\s+as|"
        r"you\s+will\s+(?:now\s+)?(?:act|be)|if\s+you\s+were|imagine\s+you\s+are|"
        r"(?:respond|answer|reply|speak)\s+as\s+(?:\w+\s+){0,2}(?:personas?|characters|personalit"
        r"(?:y|ies)|ais|assistants|versions)|(?:two|dual|second|alter(?:nate)?|split)\s+(?:personas?|"
        r"personalit(?:y|ies)|characters))\b.{0,120}?\b(?:dan|unrestricted|unfiltered|"
        r"uncensored|jailbroken|evil|rogue\s+(?:ai|assistant|model|bot|agent|version|mode)|amoral|unethical|unaligned|(?:no|without\s+(?:any\s+)?)"
        r"\s*(?:content\s+|ethical\s+|moral\s+|safety\s+)?(?:restrictions|rules|limits|"
        r"limitations|filters|guidelines|ethics|morals|censorship))\b",
        0.8,
    ),
    rule(
        "role_hijack",
        "do_anything_now",
        "anything now|dan mode",
        r"\bdo\s+anything\s+now\b|\bDAN\s+mode\b",
        0.45,
    ),
    rule(
        "role_hijack",
        "rogue_you",
        "you are|you were|you're",
        r"\byou(?:\s+are|\s+were|'re)\s+(?:an?\s+|the\s+)?\w*\s*,?\s*(?:an?\s+)?(?:evil|rogue|"
        r"unrestricted|unfiltered|uncensored|jailbroken|amoral)\s+(?:ai|assistant|model|bot|chatbot|"
        r"version|agent)",
        0.5,
    ),
    rule(
        "role_hijack",
        "without_restrictions",
        "without",
        r"\b(?:proceed|continue|respond|answer|operate|reply|act)\s+without\s+(?:any\s+)?"
        r"(?:restrictions|limits|limitations|filters|guidelines|rules|censorship|safeguards)",
        0.5,
    ),
    rule(
        "role_hijack",
        "comply_everything",
        "comply|obey",
        r"\b(?:must|will|shall|always|to)\s+(?:comply|obey)\s+(?:with\s+)?(?:every|all|any)\s+"
        r"(?:requests?|commands?|instructions?|orders?)",
        0.45,
    ),
    rule(
        "role_hijack",
        "broke_free",
        "free",
        r"\b(?:broken|break|breaking|broke|set)\s+free\s+(?:of|from)\s+(?:the\s+|its\s+|your\s+)?"
        r"(?:typical\s+|usual\s+)?(?:rules|confines|restrictions|limits|guidelines|constraints)",
        0.6,
    ),
    rule(
        "role_hijack",
        "mode_switch",
        "mode",
        r"\b(?:developer|god|jailbreak|sudo|unrestricted|dev|debug|admin|dan)\s+mode\s+"
        r"(?:is\s+)?(?:now\s+)?(?:enabled|activated|turned\s+on|unlocked|engaged)\b",
        0.4,
        0.4,
    ),
    rule(
        "role_hijack",
        "enable_mode",
        "mode",
        r"\b(?:enable|activate|enter|switch\s+to)\s+(?:the\s+)?(?:jailbreak|god|unrestricted|dan|"
        r"evil)\s+mode\b",
        0.6,
    ),
    rule(
        "role_hijack",
        "no_guidelines",
        "ethical|moral|content|safety|have no|has no",
        r"\b(?:no|without|free\s+(?:of|from)|ignoring)\s+(?:any\s+)?(?:ethical|moral|content|"
        r"safety)\s+(?:guidelines|restrictions|limits|filters|constraints|policies|rules)\b|"
        r"\b(?:i|you)\s+(?:now\s+)?(?:have|has)\s+no\s+(?:restrictions|rules|limits|filters|"
        r"guidelines)\b",
        0.45,
    ),
    rule(
        "role_hijack",
        "freed",
        "freed|liberated|unlocked|jailbroken|released",
        r"\byou\s+(?:have\s+been|are\s+now|were)\s+(?:freed|liberated|unlocked|jailbroken|"
        r"released\s+from)",
        0.7,
    ),
    rule(
        "role_hijack",
        "you_are_now",
        "you are now|from now on|your new",
        r"\b(?:you\s+are\s+now(?!\s+(?:subscribed|unsubscribed|logged|signed|connected|"
        r"registered|enrolled|eligible|able|ready|on|in|at|part|viewing|leaving|entering|"
        r"following|a\s+member|opted|all\s+set|set|booked|checked|verified|using|running|"
        r"up\s+to\s+date)\b)|from\s+now\s+on,?\s+you\s+(?:are|will|must)|your\s+new\s+"
        r"(?:persona|identity|role|name)\s+is)\b",
        0.2,
        0.55,
    ),
    rule(
        "role_hijack",
        "authority_claim",
        "this is|i am|i'm|message from",
        r"\b(?:this\s+is|i\s+am|i'm|message\s+from)\s+(?:your|the|an?)\s+(?:anthropic\s+|openai\s+|"
        r"google\s+)?(?:developer|creator|administrator|admin|owner|operator|engineer|employee|"
        r"system\s+administrator)s?\b.{0,80}?\b(?:authori[sz]e|"
        r"grant|override|unlock|disable|permission|clearance)",
        0.55,
        0.65,
    ),
    rule(
        "role_hijack",
        "vendor_impersonation",
        "from",
        r"\b(?:message|instruction|directive|notice|update)\s+from\s+(?:anthropic|openai|"
        r"the\s+system|the\s+developers?)\b",
        0.45,
        0.6,
    ),
    rule(
        "role_hijack",
        "system_override_label",
        "override|command|instruction|directive|prompt",
        r"(?:^|[\n\[(*#])\s*(?:system|admin|administrator|developer|root|sudo|security)\s+"
        r"(?:override|command|instruction|directive|prompt\s+update)s?\s*[:\])*]",
        0.5,
        0.6,
    ),
    rule(
        "role_hijack",
        "disable_safety",
        "disable|bypass|turn off|deactivate|remove|circumvent",
        r"\b(?:disable|bypass|turn\s+off|deactivate|remove|circumvent)\s+(?:your|the|all|any)?\s*"
        r"(?:safety|content|ethical)?\s*(?:filters?|guardrails|safeguards|restrictions|"
        r"moderation|censorship)\b",
        0.45,
    ),
]
