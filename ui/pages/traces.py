"""Traces: the list with filters (kept in the URL), and one trace's spans."""

from __future__ import annotations

import streamlit as st

from ui.api_client import ApiClient, ApiError

st.title("Traces")
client = ApiClient()
params = st.query_params

cols = st.columns(4)
FILTERS = ["service", "agent", "model", "user", "session", "tenant", "tool", "q"]
filters = {
    name: cols[i % 4].text_input(name.title(), value=params.get(name, ""))
    for i, name in enumerate(FILTERS)
}
for name, value in filters.items():
    if value:
        st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]

try:
    data = client.get("/api/traces", limit=100, **filters)
except ApiError as exc:
    st.error(str(exc))
    st.stop()

traces = data["traces"]
if not traces:
    st.info(
        "No traces yet. Instrument an agent:\n\n"
        "```python\nimport instrument\n"
        f'instrument.patch(endpoint="{client.base_url}", api_key="<ingest key>")\n```'
    )
    st.stop()

st.caption(f"{len(traces)} traces")
st.dataframe(
    [
        {
            "trace_id": t["trace_id"],
            "start": t["start_time"],
            "root": t["root_name"],
            "status": t["status"],
            "duration_ms": round(t["duration_ms"] or 0, 1),
            "cost_usd": round(t["cost_usd"] or 0, 6),
            "models": ", ".join(t["models"] or []),
            "agent": t["agent_name"],
            "user": t["user_id"],
        }
        for t in traces
    ],
    use_container_width=True,
    hide_index=True,
)

selected = st.selectbox("Open trace", [t["trace_id"] for t in traces], index=0)
if selected:
    trace = client.get(f"/api/traces/{selected}")
    for span in trace["spans"]:
        label = f"{span['name']} · {span['status']} · {round(span['duration_ms'] or 0, 1)} ms"
        with st.expander(label):
            st.json({k: v for k, v in span.items() if v not in (None, {}, [])})
