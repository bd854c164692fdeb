#!/usr/bin/env python3
"""Renders the fidelity cases with Python Jinja2, configured as Hugging Face transformers configures it, and
writes the expected outputs (golden files) that ReferenceFidelityTest compares with, byte for byte.

    python3 chat-template/src/test/python/render_reference.py          # rewrite golden/ and differences/*.expected
    python3 chat-template/src/test/python/render_reference.py --check  # only report what would change

The environment follows transformers.utils.chat_template_utils (_compile_jinja_template, render_jinja_template):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with the loopcontrols extension and the
generation tag, tojson = json.dumps(ensure_ascii=False, ...), raise_exception, strftime_now; render(messages=...,
tools=... or None, documents=None, add_generation_prompt=..., **special tokens, **template variables).
strftime_now reads the pinned time in cases.json instead of datetime.now().
"""
import datetime
import json
import pathlib
import sys

import jinja2
from jinja2 import nodes
from jinja2.exceptions import TemplateError
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "org" / "terroir" / "template" / "fidelity"


class RaisedByTemplate(TemplateError):
    pass


class GenerationTag(Extension):
    """transformers' AssistantTracker, less the index bookkeeping: {% generation %} renders its body."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def environment(now):
    def raise_exception(message):
        raise RaisedByTemplate(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return now.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render(env, source, conversation, settings, variant):
    """The golden text: the output, or 'raise\\n<message>' / 'error\\n<type>: <message>' when rendering fails."""
    kwargs = {}
    for token in ("bos_token", "eos_token"):
        if token in settings:
            kwargs[token] = settings[token]
    kwargs.update({k: v for k, v in variant.items() if k != "add_generation_prompt"})
    try:
        template = env.from_string(source)
        out = template.render(messages=conversation["messages"], tools=conversation.get("tools"), documents=None,
                              add_generation_prompt=variant.get("add_generation_prompt", True), **kwargs)
        return out, None
    except RaisedByTemplate as e:
        return None, "raise\n" + str(e)
    except Exception as e:  # noqa: BLE001 - any failure is an expected outcome to record
        return None, "error\n" + type(e).__name__ + ": " + str(e)


def write(path, text, check, changed):
    old = path.read_bytes().decode("utf-8") if path.exists() else None
    if old != text:
        changed.append(str(path.relative_to(ROOT)))
        if not check:
            path.write_bytes(text.encode("utf-8"))


def main():
    check = "--check" in sys.argv
    cases = json.loads((ROOT / "cases.json").read_text(encoding="utf-8"))
    now = datetime.datetime.fromisoformat(cases["now"])
    env = environment(now)
    conversations = {name: json.loads((ROOT / "conversations" / (name + ".json")).read_text(encoding="utf-8"))
                     for name in cases["conversations"]}
    golden = ROOT / "golden"
    golden.mkdir(exist_ok=True)
    changed, count, failures = [], 0, 0
    expected_files = set()
    for tname, settings in cases["templates"].items():
        source = (ROOT / "templates" / (tname + ".jinja")).read_bytes().decode("utf-8")
        for vname, variant in settings["variants"].items():
            for cname, conversation in conversations.items():
                out, err = render(env, source, conversation, settings, variant)
                # Jinja2 reads CRLF line ends as LF: the same template saved with CRLF renders the same.
                crlf_out, crlf_err = render(env, source.replace("\n", "\r\n"), conversation, settings, variant)
                assert (crlf_out, crlf_err) == (out, err), f"{tname}.{vname}.{cname}: CRLF renders differently"
                base = f"{tname}.{vname}.{cname}"
                name = base + (".txt" if err is None else ".error")
                expected_files.add(name)
                write(golden / name, out if err is None else err, check, changed)
                count += 1
                failures += err is not None
    for stale in golden.iterdir():
        if stale.name not in expected_files:
            changed.append("stale " + stale.name)
            if not check:
                stale.unlink()
    # Known differences: each differences/NAME.jinja rendered over the system-user conversation.
    for path in sorted((ROOT / "differences").glob("*.jinja")):
        out, err = render(env, path.read_bytes().decode("utf-8"), conversations["system-user"], {"bos_token": "<s>"}, {})
        write(path.with_suffix(".expected"), out if err is None else err, check, changed)
    print(f"jinja2 {jinja2.__version__}: {count} cases ({failures} expected failures); "
          f"{len(changed)} file(s) {'would change' if check else 'written'}")
    for c in changed:
        print("  " + c)
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
