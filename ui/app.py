"""The tracevault console: a Streamlit multipage app reading only through the REST API."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.data import client

HERE = Path(__file__).parent

st.set_page_config(page_title="tracevault", page_icon=":material/policy:", layout="wide")

PAGES = {
    "Monitor": [
        st.Page(HERE / "screens/overview.py", title="Overview", icon=":material/dashboard:",
                url_path="overview", default=True),
        st.Page(HERE / "screens/costs.py", title="Costs", icon=":material/payments:",
                url_path="costs"),
        st.Page(HERE / "screens/latency.py", title="Latency", icon=":material/speed:",
                url_path="latency"),
        st.Page(HERE / "screens/traces.py", title="Traces", icon=":material/account_tree:",
                url_path="traces"),
    ],
    "Govern": [
        st.Page(HERE / "screens/security.py", title="Security", icon=":material/shield:",
                url_path="security"),
        st.Page(HERE / "screens/alerts.py", title="Alerts", icon=":material/notifications:",
                url_path="alerts"),
        st.Page(HERE / "screens/audit.py", title="Audit", icon=":material/fact_check:",
                url_path="audit"),
    ],
}  # fmt: skip

page = st.navigation(PAGES)

with st.sidebar:
    st.markdown("### :material/policy: tracevault")
    st.caption(f"Collector: `{client().base_url}`")
    with st.expander("Admin key", icon=":material/key:"):
        st.text_input("Admin key (this session only)", type="password", key="admin_key",
                      help="Needed to edit alert rules, send tests and verify the audit chain.")

page.run()
