/** quality.yaml with the real ruff and mypy gates on Python files under src/ (v1.1 style), for tests that run `st3 gates`. */
export const RUFF_MYPY_CONFIG = `version: "1.1"
active_gates: [ruff_lint, mypy_types]
project_scope:
  include_globs: ["src/**/*.py"]
gates:
  ruff_lint:
    name: "Ruff lint"
    execution: {command: ["ruff", "check", "--isolated", "--output-format=json", "--select=E,F"], timeout_seconds: 60}
    success: {exit_codes_ok: [0]}
    capabilities:
      file_types: [".py"]
      parsing_strategy: "json_violations"
      json_violations:
        violations_path: null
        field_map: {file: "filename", line: "location/row", col: "location/column", rule: "code", message: "message"}
  mypy_types:
    name: "mypy"
    execution: {command: ["mypy", "--strict", "--no-error-summary"], timeout_seconds: 120}
    success: {exit_codes_ok: [0]}
    capabilities:
      file_types: [".py"]
      parsing_strategy: "text_violations"
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<severity>error|warning|note): (?P<message>.+?)(?:\\s+\\[(?P<rule>[^\\]]+)\\])?$'
        severity_default: "error"
`;
