"""Second oracle for k3mcp's Java Jinja: Python jinja2 configured the way Hugging Face transformers'
apply_chat_template configures it (sandboxed, trim_blocks, lstrip_blocks, loop controls, tojson with
ensure_ascii off, raise_exception, strftime_now).

  python3 render_hf.py TEMPLATE.jinja CASES.json           # compare with the stored expectations
  python3 render_hf.py TEMPLATE.jinja CASES.json --write   # fill in cases marked "oracle": "jinja2"

@huggingface/jinja (../node/render.mjs) renders most cases; this one covers the filters it lacks
(e.g. reject) and checks that both agree everywhere else.
"""
import json
import sys
from datetime import datetime

from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateError(Exception):
    pass


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def compile_template(source):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(source)


def render(template, context):
    try:
        return {"expected": template.render(**context)}
    except TemplateError as e:
        return {"error": str(e)}


def main():
    template_file, cases_file = sys.argv[1], sys.argv[2]
    write = "--write" in sys.argv[3:]
    with open(template_file, encoding="utf-8") as f:
        template = compile_template(f.read())
    with open(cases_file, encoding="utf-8") as f:
        cases = json.load(f)
    mismatches = 0
    for case in cases:
        got = render(template, case["context"])
        if case.get("oracle") == "jinja2" and write:
            case.pop("expected", None)
            case.pop("error", None)
            case.update(got)
        elif {k: case[k] for k in ("expected", "error") if k in case} != got:
            mismatches += 1
            print(f"{cases_file}: {case['name']}: jinja2 differs: {got}", file=sys.stderr)
    if write:
        with open(cases_file, "w", encoding="utf-8") as f:
            f.write(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
    print(f"{cases_file}: {len(cases)} cases, {mismatches} differ from jinja2", file=sys.stderr)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
