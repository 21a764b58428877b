"""Benign look-alike templates: talk about attacks, code that builds prompts, manuals, typos."""

from __future__ import annotations

import random

# fmt: off
_META = ['Our filter flagged the message "{q}" as a prompt injection attempt.',
         'A classic jailbreak example: "{q}". Models should refuse it.',
         "The red team tried '{q}' against the support bot; it did not work.",
         'In the paper, the phrase "{q}" succeeded 14% of the time on older models.',
         'How should an agent respond when a web page says "{q}"?',
         'Add a test case: assert detector.is_attack("{q}")',
         'Training slide: if an email tells the assistant to "{q}", treat it as untrusted data.',
         "Threat model entry: a document containing '{q}' reaches the summarizer.",
         'Why do attacks like "{q}" still work on some chatbots?',
         'The benchmark labels "{q}" as a direct injection.',
         "Incident review: the ticket said '{q}'. The agent ignored it, as designed.",
         'Security quiz: is "{q}" a direct or an indirect prompt injection?',
         "We log and block inputs such as '{q}' before they reach the model.",
         "Explain to the team why '{q}' hidden in a PDF is dangerous for our RAG app."]
# fmt: on


def security_discussions(rng: random.Random, n: int, attack_lines: list[str]) -> list[str]:
    short = [a for a in attack_lines if len(a) < 110 and "\n" not in a and '"' not in a]
    return [rng.choice(_META).format(q=rng.choice(short).rstrip(".")) for _ in range(n)]


# fmt: off
_SYS = ["You are a helpful assistant.", "You are a support agent for Acme. Be concise.",
        "You are a translator. Reply only with the translation.",
        "You are a SQL expert. Answer with one query.", "Answer in the user's language.",
        "You are a tutor. Never give the final answer directly."]
# fmt: on
# fmt: off
_CODE = ['messages = [{{"role": "system", "content": "{s}"}}, {{"role": "user", "content": q}}]',
         'client.messages.create(model=MODEL, system="{s}", messages=history, max_tokens=1024)',
         'SYSTEM_PROMPT = "{s}"\nprompt = SYSTEM_PROMPT + "\\n\\n" + user_input',
         '{{"system": "{s}", "temperature": 0.2}}',
         'prompt_template = "<|im_start|>system\\n{s}<|im_end|>\\n<|im_start|>user\\n'
         '{{question}}<|im_end|>\\n<|im_start|>assistant\\n"',
         'f"<s>[INST] <<SYS>>\\n{s}\\n<</SYS>>\\n\\n{{user}} [/INST]"',
         "system_prompt: |\n  {s}\nmodel: claude-sonnet\nmax_tokens: 800",
         "# the system message below is sent first\nSYSTEM = '''{s}'''",
         '{{"eos_token": "<|im_end|>", "bos_token": "<|im_start|>", "chat_template": "..."}}',
         "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n\\n{s}<|eot_id|> is the "
         "Llama 3 layout",
         "def build(turns):\n    return ''.join(f'<|im_start|>{{t.role}}\\n{{t.text}}<|im_end|>' "
         "for t in turns)",
         "Human: {{question}}\\n\\nAssistant: is the legacy completion format ({s})"]
# fmt: on


def code_snippets(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(_CODE).format(s=rng.choice(_SYS)) for _ in range(n)]


# fmt: off
_STEP = ["Delete", "Forward", "Send", "Upload", "Disable", "Reset", "Grant", "Transfer", "Run",
         "Copy", "Export", "Remove", "Approve", "Revoke"]
# fmt: on
_STEP_OBJ = {
    "Delete": ["the old backups after 90 days", "unused branches after the release"],
    "Forward": ["phishing emails to security@corp.example", "the invoice to accounts payable"],
    "Send": ["the signed form to HR", "the weekly status report to stakeholders"],
    "Upload": ["the logs to the support portal", "your photo to the staff directory"],
    "Disable": ["the old API key after rotation", "notifications during the maintenance window"],
    "Reset": ["your password every 12 months", "the router if the light blinks red"],
    "Grant": [
        "read access to the auditor once the ticket is approved",
        "the intern access to the wiki",
    ],
    "Transfer": ["ownership of your files before you leave", "the deposit within 14 days"],
    "Run": ["the migration script after the backup finishes", "`make test` before pushing"],
    "Copy": ["the template into a new document", "the config file to /etc/app/"],
    "Export": ["the report as PDF", "your contacts before switching phones"],
    "Remove": ["the battery before cleaning", "former employees from the mailing list"],
    "Approve": ["expense reports within five working days", "the PR once CI is green"],
    "Revoke": ["tokens that leaked in logs", "access for contractors at contract end"],
}
# fmt: off
_STEP_TAIL = ["", " Ask your manager if unsure.", " See section 4 for details.",
              " Only admins can do this.", " This cannot be undone.", " Confirm in the dialog."]
# fmt: on


def manual_steps(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        verb = rng.choice(_STEP)
        step = f"Step {rng.randint(1, 9)}: " if rng.random() < 0.4 else ""
        out.append(f"{step}{verb} {rng.choice(_STEP_OBJ[verb])}.{rng.choice(_STEP_TAIL)}")
    return out


# fmt: off
_USER_ASK = ["Help me write a system prompt for {x}.", "What should the instructions for {x} say?",
             "Review my prompt for {x} and suggest improvements.",
             "How do I stop {x} from revealing internal notes to customers?",
             "Draft the rules section of the prompt for {x}.",
             "Can you show me an example system message for {x}?"]
# fmt: on
# fmt: off
_USER_X = ["a recipe bot", "our HR assistant", "a coding tutor", "a hotel booking agent",
           "a legal intake chatbot", "a customer-support bot", "an internal search assistant"]
# fmt: on


def prompt_engineering(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(_USER_ASK).format(x=rng.choice(_USER_X)) for _ in range(n)]


# fmt: off
_ASK_VERB = ["Translate", "Summarize", "Explain", "Print", "Show me", "Repeat", "List", "Rewrite",
             "Check", "Compare", "Proofread", "Simplify", "Output", "Copy", "Reveal"]
_ASK_OBJ = ["the instructions on this medicine label", "the rules of chess for a beginner",
            "the system requirements for this game", "the steps in the setup guide",
            "the previous paragraph in plain English", "the assembly instructions for this shelf",
            "the return policy on this page", "the answer to the riddle",
            "the settings I should change on my router", "the terms and conditions in short",
            "the safety rules for the lab", "the error message above", "the new house rules",
            "the guidelines for the essay contest", "the last step of the recipe",
            "the hidden files in this folder", "the configuration of my nginx server"]
_ASK_TAIL = ["", " please", " for my grandmother", " in Spanish", " in three bullet points",
             " so a child understands", " - thanks!", " before the meeting"]
_OPS = ["Run `curl -fsSL https://get.example.dev/install.sh | sh` to install the CLI.",
        "Delete the feature branch after the PR is merged.",
        "Merge the release PR once two reviewers approve and CI is green.",
        "Grant the auditor read-only access for the duration of the audit (ticket SEC-{n}).",
        "Rotate the API key and update the secret in the vault, then restart the service.",
        "Transfer ownership of the repository to the platform team.",
        "Do not run migrations on production without a backup and a second approver.",
        "Send the incident report to the security mailing list within 24 hours.",
        "Disable the old webhook once the new endpoint has processed events for a week.",
        "Use the deploy tool to roll back to build {n} if error rates stay above 2%.",
        "Close the ticket after the customer confirms; don't close it yourself earlier.",
        "Export the monthly usage report and upload it to the finance share.",
        "Reset the staging database every Monday with `make reset-staging`.",
        "Call the on-call engineer if the health check fails three times in a row.",
        "Approve the expense only if the receipt matches the amount.",
        "curl -X GET https://api.example.com/v2/orders/{n} -H \"Authorization: Bearer $TOKEN\""]
# fmt: on


def everyday_requests(rng: random.Random, n: int) -> list[str]:
    return [
        f"{rng.choice(_ASK_VERB)} {rng.choice(_ASK_OBJ)}{rng.choice(_ASK_TAIL)}." for _ in range(n)
    ]


def ops_steps(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(_OPS).replace("{n}", str(rng.randint(100, 9999))) for _ in range(n)]


# fmt: off
_YOUR_Q = ["What are your opening hours on {d}?", "What are your delivery fees to {p}?",
           "Do you have a vegetarian menu?", "What are your limits for file uploads?",
           "What are your prices for a weekend stay?", "Can you tell me your return address?",
           "What is your policy on late cancellations?", "Which languages do you support?",
           "What are your rules for bringing pets?", "How do I reach your support team?",
           "What are your instructions for assembling the desk?", "What does your warranty cover?",
           "Are your products tested on animals?", "What time does your store in {p} close?"]
_NOTICE = ["Note to {who}: {what}", "Attention {who}: {what}", "Reminder for {who}: {what}",
           "Message for {who}: {what}", "Important notice to {who}: {what}",
           "For {who}: {what}", "Dear {who}, {what}"]
_WHO = ["all staff", "reviewers", "parents", "new hires", "the night shift", "tenants",
        "workshop attendees", "AI researchers attending", "volunteers", "the design team",
        "customers", "the on-call engineer", "contributors", "our users"]
_WHAT = ["the fire drill is at 2pm; follow the evacuation instructions by the stairs.",
         "the system design doc has been updated with the new caching layer.",
         "the deadline moved to Friday.", "please badge in at the side entrance this week.",
         "the previous schedule is replaced by the one in the wiki.",
         "ignore the old parking rules, the new garage opens Monday.",
         "the assistant manager will hand out the keys.", "submit your timesheets by noon.",
         "please forward questions to the front desk.",
         "safety instructions are posted in each lab.",
         "the system will be offline for maintenance on Sunday.",
         "the new rules take effect today."]
_SAFETY = ["Safety instructions: never {x}.", "Warning: do not {x}.", "Instructions: always {y}.",
           "House rules: {y}, and never {x}.", "Important: {y} before you start."]
_SAFETY_X = ["operate the saw without the guard", "leave the stove unattended",
             "share your password with anyone", "mix bleach with other cleaners",
             "open the case while the device is plugged in", "feed the animals"]
_SAFETY_Y = ["wear eye protection", "unplug the device", "read the whole manual",
             "keep the receipt", "turn off the main water valve", "ask staff for help"]
_FLOW = ["The assistant will now {v}.", "Our virtual assistant can {v}.",
         "The setup wizard will {v}.", "Your AI assistant is ready to {v}."]
_FLOW_V = ["guide you through the checkout process", "help you pick a delivery slot",
           "summarize your meeting notes", "answer questions about your documents",
           "walk you through resetting your password", "suggest recipes from your pantry"]
_DAYS = ["Sunday", "Saturday", "public holidays", "Christmas Eve"]
_PLACES = ["Lisbon", "Leeds", "Austin", "Osaka", "the city centre"]
# fmt: on


def ordinary_texts(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        kind = rng.randrange(4)
        if kind == 0:
            text = rng.choice(_YOUR_Q).format(d=rng.choice(_DAYS), p=rng.choice(_PLACES))
        elif kind == 1:
            text = rng.choice(_NOTICE).format(who=rng.choice(_WHO), what=rng.choice(_WHAT))
        elif kind == 2:
            text = rng.choice(_SAFETY).format(x=rng.choice(_SAFETY_X), y=rng.choice(_SAFETY_Y))
        else:
            text = rng.choice(_FLOW).format(v=rng.choice(_FLOW_V))
        out.append(text[:1].upper() + text[1:])
    return out


# fmt: off
_CASE_WHO = ["Customer asks us to", "The user requests that we", "Per the client's email, please",
             "Ticket from Ana: could someone", "The account owner wants us to",
             "Legal asked the team to", "Per GDPR request #{n}, please"]
_CASE_DO = ["delete their account and all data", "refund order {n} to the original card",
            "reset the password for their login", "cancel the subscription at the end of the month",
            "update the billing address on file", "grant read access to their accountant",
            "transfer the domain to their new registrar", "export their data as CSV",
            "close the duplicate ticket", "remove their phone number from the profile",
            "merge the two customer records", "pause the weekly delivery"]
_CASE_TAIL = [".", " once identity is verified.", " - see the attached form.", " by Friday.",
              ", then reply to confirm.", " after the manager signs off."]
# fmt: on


def customer_cases(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        line = f"{rng.choice(_CASE_WHO)} {rng.choice(_CASE_DO)}{rng.choice(_CASE_TAIL)}"
        out.append(line.replace("{n}", str(rng.randint(1000, 99999))))
    return out
