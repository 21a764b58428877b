"""The tracevault console: a Streamlit multipage app reading only through the REST API."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="tracevault", layout="wide")

pages = [
    st.Page("pages/traces.py", title="Traces", url_path="traces", default=True),
]
st.navigation(pages).run()
