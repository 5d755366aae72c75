"""The ai-inference test harness: the one library every tier, script and benchmark renders through.

paths          the repository, the chart, `chart_values_files()` (the one listing of values/*.yaml), .tools/bin
tools          `helm_binary()` (the one helm locator), `tool()`, `run()`, `run_script()`
errors         the harness's exceptions (CommandFailed, RenderError, WaitTimeout, ...)
render         `RenderRequest` and the cached `Renderer`: the one `helm template` path
manifest       `Manifest`: rendered objects, JSONPath queries, every pod template and container
cases          the scenarios: chart defaults, switch combinations, values files; one id scheme, fake Azure IDs
rules          security and reliability rules over a Manifest
helm_messages  regexes for helm's and the chart's error messages
kube_schema    strict offline Kubernetes and CRD schema validation
values_doc     helm-docs comments of values.yaml, schema lookups
template_refs  which values the templates read
pytest_plugin  the fixtures of every tier (`renderer`, `render`, `expect_render_error`, ...) and their types
conditions     the schema's if/then pairs (the chart's own words for what is allowed)
wrong_types    the wrong-type pass of the hostile walk
values_check   `ai-inference-values-check`, the values check teams run in their CI (shipped as a package)
"""
