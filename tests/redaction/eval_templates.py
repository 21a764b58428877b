"""Snippet templates for the redaction evaluation set (see build_eval_set.py).

Written to look like what an agent actually sends and receives: user prompts, JSON tool
arguments, tool results, code and logs. `{SLOT}` is filled with a generated value and labelled.
"""

from __future__ import annotations

P, J, R, C, L = "prompt", "json", "tool_result", "code", "log"

TEMPLATES: list[dict[str, object]] = [
    # --- prompts -------------------------------------------------------------------------
    {"kind": P, "slots": ["PERSON", "EMAIL_ADDRESS"], "text":
     "Hi, I'm {PERSON}. Can you help me reset my account? My login email is {EMAIL_ADDRESS}."},
    {"kind": P, "slots": ["PERSON", "PHONE_NUMBER"], "text":
     "Please call back {PERSON} at {PHONE_NUMBER} tomorrow morning about the delayed order."},
    {"kind": P, "slots": ["PERSON2", "PERSON"], "text":
     "Draft a polite follow-up email to {PERSON2} and cc {PERSON}; they still have not signed the "
     "renewal contract we sent last week."},
    {"kind": P, "slots": ["CREDIT_CARD"], "text":
     "I was charged twice on my card {CREDIT_CARD} for the annual plan. Can you refund one?"},
    {"kind": P, "slots": ["US_SSN", "PERSON"], "text":
     "For the tax form, the SSN is {US_SSN} and the filer is {PERSON}. Fill in box 1 only."},
    {"kind": P, "slots": ["IBAN_CODE", "PERSON"], "text":
     "Send the refund to IBAN {IBAN_CODE}, account holder {PERSON}."},
    {"kind": P, "slots": ["ANTHROPIC_API_KEY"], "text":
     "My script fails with 401. I'm using client = Anthropic(api_key=\"{ANTHROPIC_API_KEY}\"). "
     "What am I doing wrong?"},
    {"kind": P, "slots": ["OPENAI_API_KEY"], "text":
     "Here is my old key {OPENAI_API_KEY}, can you tell me if it is a project key or a user key?"},
    {"kind": P, "slots": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], "text":
     "Why does `aws s3 ls` say InvalidAccessKeyId? I set access key {AWS_ACCESS_KEY_ID} and "
     "secret {AWS_SECRET_ACCESS_KEY} in my profile."},
    {"kind": P, "slots": ["PASSWORD", "EMAIL_ADDRESS"], "text":
     "I can't log in. Username {EMAIL_ADDRESS}, my password is {PASSWORD}. Is the account locked?"},
    {"kind": P, "slots": ["IP_ADDRESS"], "text":
     "Our VPN gateway at {IP_ADDRESS} drops connections every few minutes. What should I check?"},
    {"kind": P, "slots": ["PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"], "text":
     "New lead from the conference: {PERSON}, {PHONE_NUMBER}, {EMAIL_ADDRESS}. Add them to the "
     "CRM with stage 'qualified'."},
    {"kind": P, "slots": ["GITHUB_TOKEN"], "text":
     "The CI job can't clone the private repo even though GITHUB_TOKEN={GITHUB_TOKEN} is set. "
     "Which scopes does it need?"},
    {"kind": P, "slots": ["PERSON"], "text":
     "Summarize the meeting notes below and list the action items assigned to {PERSON}."},
    {"kind": P, "slots": ["PERSON", "PERSON2"], "text":
     "Write a short bio for our website: {PERSON} joined in 2019 as a data engineer and now "
     "leads the platform team with {PERSON2}."},
    # --- JSON tool arguments (strings as a JSON serializer writes them) ----------------------
    {"kind": J, "slots": ["EMAIL_ADDRESS", "PERSON"], "text":
     '{"to": "{EMAIL_ADDRESS}", "subject": "Your ticket #4821", "body": "Dear {PERSON}, your '
     'replacement device has shipped."}'},
    {"kind": J, "slots": ["PERSON", "PHONE_NUMBER"], "text":
     '{"customer_name": "{PERSON}", "phone": "{PHONE_NUMBER}", "priority": "high"}'},
    {"kind": J, "slots": ["CREDIT_CARD"], "text":
     '{"amount": 129.99, "currency": "USD", "card_number": "{CREDIT_CARD}", "exp": "09/27"}'},
    {"kind": J, "slots": ["PASSWORD"], "text":
     '{"host": "db.internal", "port": 5432, "user": "app", "password": "{PASSWORD}"}'},
    {"kind": J, "slots": ["SECRET"], "text":
     '{"url": "https://api.example.com/v2/orders", "api_key": "{SECRET}", "limit": 50}'},
    {"kind": J, "slots": ["IBAN_CODE"], "text":
     '{"beneficiary_iban": "{IBAN_CODE}", "amount_eur": 250, "reference": "INV-2024-0193"}'},
    {"kind": J, "slots": ["IP_ADDRESS"], "text":
     '{"action": "block", "source_ip": "{IP_ADDRESS}", "duration_minutes": 60}'},
    {"kind": J, "slots": ["US_SSN"], "text":
     '{"applicant": {"ssn": "{US_SSN}", "employment": "full-time"}}'},
    {"kind": J, "slots": ["BEARER_TOKEN"], "text":
     '{"method": "GET", "url": "https://api.internal/users/me", "headers": {"Authorization": '
     '"Bearer {BEARER_TOKEN}"}}'},
    {"kind": J, "slots": ["PASSWORD"], "text":
     '{"command": "psql", "dsn": "postgresql://reporter:{PASSWORD}@analytics.db.internal:5432/'
     'warehouse"}'},
    {"kind": J, "slots": ["SLACK_TOKEN"], "text":
     '{"channel": "#alerts", "text": "deploy finished", "token": "{SLACK_TOKEN}"}'},
    {"kind": J, "slots": ["PERSON", "EMAIL_ADDRESS"], "text":
     '{"query": "SELECT * FROM users WHERE full_name = \'{PERSON}\' OR email = '
     '\'{EMAIL_ADDRESS}\'"}'},
    # --- tool results -----------------------------------------------------------------------
    {"kind": R, "slots": ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"], "text":
     '[{"id": 1042, "name": "{PERSON}", "email": "{EMAIL_ADDRESS}", "phone": "{PHONE_NUMBER}", '
     '"plan": "pro"}]'},
    {"kind": R, "slots": ["PERSON", "IP_ADDRESS"], "text":
     '{"session": {"user": "{PERSON}", "last_ip": "{IP_ADDRESS}", "mfa": true}}'},
    {"kind": R, "slots": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], "text":
     '{"output": "[default]\\naws_access_key_id = {AWS_ACCESS_KEY_ID}\\naws_secret_access_key = '
     '{AWS_SECRET_ACCESS_KEY}\\nregion = eu-west-1\\n"}'},
    {"kind": R, "slots": ["PRIVATE_KEY"], "text":
     '{"path": "/home/deploy/.ssh/id_rsa", "content": "{PRIVATE_KEY}\\n"}'},
    {"kind": R, "slots": ["JWT"], "text":
     '{"status": 200, "body": {"access_token": "{JWT}", "expires_in": 3600, "token_type": '
     '"Bearer"}}'},
    {"kind": R, "slots": ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"], "text":
     '{"stdout": "ANTHROPIC_API_KEY={ANTHROPIC_API_KEY}\\nOPENAI_API_KEY={OPENAI_API_KEY}\\n'
     'PATH=/usr/local/bin:/usr/bin\\n", "exit_code": 0}'},
    {"kind": R, "slots": ["CREDIT_CARD", "PERSON"], "text":
     '{"order": {"id": "ord_8812", "cardholder": "{PERSON}", "card": "{CREDIT_CARD}", '
     '"status": "declined"}}'},
    {"kind": R, "slots": ["GITHUB_TOKEN"], "text":
     '{"stdout": "remote: https://x-access-token:{GITHUB_TOKEN}@github.com/acme/app.git", '
     '"exit_code": 128}'},
    {"kind": R, "slots": ["IBAN_CODE", "PERSON"], "text":
     "Found 1 matching payee:\n  name: {PERSON}\n  iban: {IBAN_CODE}\n  verified: yes"},
    {"kind": R, "slots": ["PERSON", "US_SSN"], "text":
     "Employee record\nName: {PERSON}\nSSN: {US_SSN}\nDepartment: Finance\nStart date: 2021-03-01"},
    # --- code -------------------------------------------------------------------------------
    {"kind": C, "slots": ["ANTHROPIC_API_KEY"], "text":
     "import anthropic\n\nclient = anthropic.Anthropic(api_key=\"{ANTHROPIC_API_KEY}\")\n"
     "msg = client.messages.create(model=\"claude-sonnet-4-5\", max_tokens=1024, messages=[])"},
    {"kind": C, "slots": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], "text":
     "s3 = boto3.client(\n    \"s3\",\n    aws_access_key_id=\"{AWS_ACCESS_KEY_ID}\",\n"
     "    aws_secret_access_key=\"{AWS_SECRET_ACCESS_KEY}\",\n)"},
    {"kind": C, "slots": ["PASSWORD"], "text":
     "DATABASE_URL = \"mysql://admin:{PASSWORD}@10.20.0.5:3306/shop\"  # TODO move to env"},
    {"kind": C, "slots": ["SECRET"], "text":
     "# settings.py\nDEBUG = False\nSECRET_KEY = \"{SECRET}\"\nALLOWED_HOSTS = [\"shop.example\"]"},
    {"kind": C, "slots": ["PRIVATE_KEY"], "text":
     "KEY = \"\"\"{PRIVATE_KEY}\"\"\"\nsigner = load_pem_private_key(KEY.encode(), None)"},
    {"kind": C, "slots": ["SLACK_TOKEN"], "text":
     "const slack = new WebClient(\"{SLACK_TOKEN}\");\nawait slack.chat.postMessage({ channel })"},
    {"kind": C, "slots": ["PERSON", "EMAIL_ADDRESS"], "text":
     "def test_signup():\n    user = create_user(name=\"{PERSON}\", email=\"{EMAIL_ADDRESS}\")\n"
     "    assert user.active"},
    {"kind": C, "slots": ["JWT"], "text":
     "curl -s https://api.example.com/me \\\n  -H 'Authorization: Bearer {JWT}' | jq ."},
    {"kind": C, "slots": ["PASSWORD"], "text":
     "export PGPASSWORD='{PASSWORD}'\npsql -h db.internal -U app -c 'select 1'"},
    {"kind": C, "slots": ["OPENAI_API_KEY"], "text":
     "OPENAI_API_KEY={OPENAI_API_KEY}\nMODEL=gpt-4o-mini\nTIMEOUT_SECONDS=30"},
    {"kind": C, "slots": ["SECRET"], "text":
     "stripe:\n  publishable: pk_live_demo\n  webhook_secret: {SECRET}\n  retries: 3"},
    # --- logs -------------------------------------------------------------------------------
    {"kind": L, "slots": ["EMAIL_ADDRESS", "IP_ADDRESS"], "text":
     "2024-05-01T12:00:01.233Z INFO auth login ok user={EMAIL_ADDRESS} ip={IP_ADDRESS} "
     "mfa=totp latency_ms=84"},
    {"kind": L, "slots": ["PERSON", "PHONE_NUMBER"], "text":
     "[2024-06-11 09:14:55] WARN sms-gateway delivery failed for \"{PERSON}\" to {PHONE_NUMBER}: "
     "carrier timeout"},
    {"kind": L, "slots": ["BEARER_TOKEN", "IP_ADDRESS"], "text":
     "DEBUG httpx: > GET /v1/accounts HTTP/1.1\n> Host: {IP_ADDRESS}:8443\n"
     "> Authorization: Bearer {BEARER_TOKEN}\n< HTTP/1.1 200 OK"},
    {"kind": L, "slots": ["PASSWORD"], "text":
     "ERROR sqlalchemy.pool: could not connect to postgresql://svc_report:{PASSWORD}@pg-1:5432/"
     "reports (timeout after 5s)"},
    {"kind": L, "slots": ["CREDIT_CARD"], "text":
     "payments worker: charge failed card={CREDIT_CARD} amount=49.00 code=card_declined "
     "attempt=2"},
    {"kind": L, "slots": ["SECRET"], "text":
     "level=warn msg=\"retrying webhook\" url=https://hooks.example.com/in token={SECRET} "
     "attempt=3"},
    {"kind": L, "slots": ["PERSON", "EMAIL_ADDRESS"], "text":
     "audit: role changed to admin for {PERSON} <{EMAIL_ADDRESS}> by system at 2024-02-02"},
    {"kind": L, "slots": ["GITHUB_TOKEN"], "text":
     "Traceback (most recent call last):\n  File \"sync.py\", line 41, in main\n"
     "github.GithubException: 401 Bad credentials for token {GITHUB_TOKEN}"},
    {"kind": L, "slots": ["IBAN_CODE"], "text":
     "INFO sepa-export queued transfer iban={IBAN_CODE} amount=1200.00 batch=2024-07-A"},
    {"kind": L, "slots": ["US_SSN"], "text":
     "WARN kyc: identity check mismatch ssn={US_SSN} source=bureau-2 score=0.41"},
    {"kind": L, "slots": ["ANTHROPIC_API_KEY"], "text":
     "anthropic.AuthenticationError: Error code: 401 - invalid x-api-key "
     "(key ends with ...{ANTHROPIC_API_KEY})"},
    {"kind": L, "slots": ["JWT", "IP_ADDRESS"], "text":
     "{IP_ADDRESS} - - [01/May/2024:10:00:00 +0000] \"GET /api?session={JWT} HTTP/1.1\" 200 "
     "512 \"-\" \"curl/8.4\""},
]

BENIGN: list[str] = [
    "Refactor the retry loop so it backs off exponentially and gives up after five attempts.",
    "What is the difference between a process and a thread in Python? Keep it short.",
    "Summarize this quarter's revenue table and point out any month with a drop above 10%.",
    "The build failed on commit 3f2a9c81d0e4b7a6c5d4e3f2a1b0c9d8e7f6a5b4 with exit code 2.",
    "Use model claude-sonnet-4-5 with max_tokens=1024 and temperature 0.2 for the summarizer.",
    "Convert the timestamps in this CSV from UTC to Europe/Berlin and sort by date.",
    '{"location": "warehouse-3", "sku": "BX-2231", "quantity": 40, "reorder": false}',
    '{"query": "open tickets by priority", "limit": 25, "order_by": "created_at"}',
    '{"input_tokens": 1834, "output_tokens": 212, "cache_read_input_tokens": 1536}',
    '{"status": "ok", "rows": 128, "elapsed_ms": 41.7, "next_page_token": null}',
    '{"path": "src/app/main.py", "line": 88, "replacement": "return result or []"}',
    "def fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n"
    "    return a",
    "for f in *.log; do gzip -9 \"$f\"; done && ls -lh --sort=size",
    "SELECT region, SUM(amount) FROM orders WHERE created_at >= '2024-01-01' GROUP BY region;",
    "docker run --rm -p 8080:8080 -e LOG_LEVEL=debug ghcr.io/acme/api:1.4.2",
    "2024-05-01T12:00:03Z INFO scheduler job=nightly-rollup status=success duration=412s",
    "WARN cache eviction rate high: 1823 evictions/min, consider raising max_entries to 16384",
    "GET /healthz 200 0.8ms\nGET /metrics 200 3.1ms\nPOST /v1/traces 200 12.4ms",
    "The meeting moved to Thursday at 3pm; bring the Q3 roadmap and the hiring plan.",
    "Translate 'the invoice is overdue' into French, German and Spanish.",
    "Our uptime last month was 99.95%, with one incident on the 14th lasting 22 minutes.",
    "Explain how HTTP/2 multiplexing differs from HTTP/1.1 pipelining.",
    "The package version 2.12.0 depends on httpx2 >= 2.16 and pydantic 2.x.",
    "Kubernetes pod api-7d9f8b6c5-x2k4q restarted 3 times with OOMKilled.",
    "Set the retention to 30 days and run compaction every night at 02:00.",
    "Compare the latency histograms of the two releases and tell me which is faster at p99.",
    "Write a haiku about distributed tracing.",
    "The Lisbon office closes on public holidays; the Berlin office follows the German calendar.",
    "Map each error code to a user-facing message: 429 means slow down, 529 means overloaded.",
    "Please tidy up the README: fix the headings and add a quick-start section.",
    "uuid=7c9e6679-7425-40de-944b-e07fc1f90ae7 trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
    "Order #18231 shipped via UPS on 2024-03-12 and was delivered two days later.",
    "The function token_count(text) returns an int; tokens are counted with the model tokenizer.",
    "Rotate the signing keys every 90 days and keep the previous key for verification only.",
    "Model answered: The capital of Australia is Canberra, not Sydney.",
    "tool_use id toolu_01A09q90qw90lq917835lq9 name=get_weather input={\"city\": \"Paris\"}",
    "The password policy requires 12 characters, one digit and one symbol.",
    "Use the token bucket algorithm to rate limit to 50 requests per second per tenant.",
    "stack trace: KeyError: 'customer_id' in handlers/orders.py line 204",
    "Pricing: $3 per million input tokens and $15 per million output tokens.",
    "Amazon S3 and Google Cloud Storage both offer lifecycle rules for old objects.",
    "Monday standup: finish the migration, review the PR, update the dashboard.",
    "Read the file config/app.yaml and report which feature flags are enabled.",
    "The sensor reported 21.5 °C at 08:00 and 24.1 °C at 14:00.",
    "npm ERR! code ERESOLVE unable to resolve dependency tree for react@18.2.0",
    "Ask the user which of the three plans they prefer before creating the subscription.",
    "Average response time fell from 840 ms to 310 ms after enabling prompt caching.",
    "Rust's borrow checker rejects this because the reference outlives the vector.",
    "Apple, Microsoft and Google reported earnings this week; summarize the cloud segments.",
    "The Eiffel Tower is 330 metres tall and was completed in 1889.",
    "ERROR connection refused to redis:6379 (retry 4/5)",
    "He said the new dashboard looks great and asked for a dark mode.",
    "Create a Jira ticket: 'Export fails for reports larger than 50 MB'.",
    "Regex to match ISO dates: ^\\d{4}-\\d{2}-\\d{2}$",
    "Version 1.4.2 fixed the memory leak introduced in 1.4.0.",
    "Please list all endpoints that accept POST and require authentication.",
    "Calculate compound interest on 10,000 at 4.5% for 7 years.",
    "The token expired; ask the user to sign in again and retry the request.",
    "Total: 3 files changed, 42 insertions(+), 17 deletions(-)",
    "Check disk usage on /var/lib/postgresql and alert above 85%.",
    '{"tool": "search_docs", "args": {"q": "how to rotate api keys", "top_k": 5}}',
    '{"result": "No matching records found.", "took_ms": 12}',
    "May the deployment window be moved to Friday evening?",
    "Grant read-only access to the analytics role for the reporting schema.",
]
