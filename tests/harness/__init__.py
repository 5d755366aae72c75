"""Render-test harness for the ai-inference chart: helm template runner, schema validators and rules."""
