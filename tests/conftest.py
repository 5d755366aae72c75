"""Every tier's fixtures come from the harness plugin (tests/harness/pytest_plugin.py): `renderer`, `render`,
`expect_render_error`, `helm_bin`."""

pytest_plugins = ("harness.pytest_plugin",)
