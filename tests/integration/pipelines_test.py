"""The pipeline examples of deploy/pipelines/ against the built signet (issue 6).

Each file must parse as YAML. Every shell line in it (all string values: `run:` blocks, `script:`
and `commands:` items), with backslash continuations joined, is searched for commands that start
with `signet` (at the start of a command: line start, after ; && || | ( $( then do else or a
VAR=value prefix). For each one: its subcommand path (sign zip, verify image, ...) must exist
(`signet PATH --help` exits 0 and PATH is listed as a subcommand by its parent), and every option
it uses (--flag, --flag=value, -o) must appear in that subcommand's --help. Each file must also
sign a ZIP and an image, verify the image, and deploy with `aws lambda` through --endpoint-url.

Usage: pipelines_test.py SIGNET PIPELINES_DIR
"""
import os
import re
import shlex
import subprocess
import sys

import yaml

import integration_checks
from integration_checks import check

FILES = ("github-actions.yml", "gitlab-ci.yml", "buildspec.yml")
# A command position: start of line or after a shell operator / keyword, then optional
# VAR=value assignments.
COMMAND_START = re.compile(
    r"(?:^|[;&|(!]|\$\(|\b(?:then|do|else|if|time)\b)\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*"
    r"(?P<cmd>(?:signet|aws)\s.*)")
OPERATORS = {";", "&&", "||", "|", "&", ")", "(", "<", ">", ">>", "2>", ";;"}


def strings(node):
    """Every string value of a YAML document (keys are not shell)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def shell_lines(text):
    """Logical lines: backslash-newline continuations joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def commands(text, program):
    """The argument lists of every `program ...` command in `text` (tokens up to an operator)."""
    out = []
    for line in shell_lines(text):
        rest = line
        while True:
            m = COMMAND_START.search(rest)
            if not m:
                break
            cmd = m.group("cmd")
            lexer = shlex.shlex(cmd, posix=True, punctuation_chars=";&|()<>")
            lexer.whitespace_split = True
            try:
                tokens = list(lexer)
            except ValueError:
                tokens = cmd.split()
            args = []
            for tok in tokens[1:]:
                if tok in OPERATORS or set(tok) <= set(";&|()<>"):
                    break
                args.append(tok)
            if tokens and tokens[0] == program:
                out.append(args)
            rest = cmd[len(tokens[0]) if tokens else 1:]
    return out


class Cli:
    """The built signet's subcommands and options, read from its --help."""

    def __init__(self, signet):
        self.signet = signet
        self.cache = {}

    def help(self, path):
        key = tuple(path)
        if key not in self.cache:
            p = subprocess.run([self.signet, *path, "--help"], capture_output=True, text=True,
                               timeout=30)
            self.cache[key] = (p.returncode, p.stdout + p.stderr)
        return self.cache[key]

    @staticmethod
    def subcommands(help_text):
        """Names listed under CLI11's SUBCOMMANDS: heading."""
        names, inside = set(), False
        for line in help_text.splitlines():
            if line.strip().upper().startswith("SUBCOMMANDS"):
                inside = True
                continue
            if inside:
                if line and not line.startswith(" "):
                    inside = False
                    continue
                words = line.split()
                if words:
                    names.add(words[0])
        return names

    def resolve(self, args):
        """(subcommand path, remaining args), or (None, why)."""
        path = []
        rest = list(args)
        while rest and not rest[0].startswith("-"):
            rc, text = self.help(path)
            if rc != 0:
                return None, f"signet {' '.join(path)} --help exits {rc}"
            subs = self.subcommands(text)
            if not subs:
                break
            if rest[0] not in subs:
                return None, (f"'{rest[0]}' is not a subcommand of signet {' '.join(path)}".rstrip()
                              + f" (it has: {', '.join(sorted(subs))})")
            path.append(rest.pop(0))
        if not path:
            return None, "no subcommand"
        rc, _ = self.help(path)
        if rc != 0:
            return None, f"signet {' '.join(path)} --help exits {rc}"
        return path, rest


def options_used(args):
    for a in args:
        if a.startswith("--") and len(a) > 2:
            yield a.split("=", 1)[0]
        elif re.fullmatch(r"-[A-Za-z]", a):
            yield a


def has_option(help_text, option):
    return re.search(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])", help_text) is not None


def main(signet, directory):
    cli = Cli(signet)
    rc, text = cli.help([])
    if not check("signet --help exits 0 and lists subcommands", rc == 0 and cli.subcommands(text), text):
        return 1
    for name in FILES:
        path = os.path.join(directory, name)
        try:
            with open(path) as f:
                doc = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            check(f"{name} parses as YAML", False, repr(e))
            continue
        check(f"{name} parses as YAML", isinstance(doc, dict))
        signet_cmds, aws_cmds = [], []
        for s in strings(doc):
            signet_cmds += commands(s, "signet")
            aws_cmds += commands(s, "aws")
        used = set()
        for args in signet_cmds:
            line = "signet " + " ".join(args)
            subpath, rest = cli.resolve(args)
            if not check(f"{name}: `{line[:90]}` names an existing subcommand", subpath is not None, rest):
                continue
            used.add(" ".join(subpath))
            _, help_text = cli.help(subpath)
            unknown = [o for o in options_used(rest) if not has_option(help_text, o)]
            check(f"{name}: `signet {' '.join(subpath)}` knows {sorted(set(options_used(rest)))}",
                  not unknown, f"not in `signet {' '.join(subpath)} --help`: {unknown}")
        for want in ("sign zip", "sign image", "verify image"):
            check(f"{name}: runs signet {want}", want in used, sorted(used))
        lambda_deploys = [a for a in aws_cmds if a[:2] in (["lambda", "update-function-code"],
                                                            ["lambda", "create-function"])]
        check(f"{name}: deploys with aws lambda through the gate (--endpoint-url)",
              lambda_deploys and all("--endpoint-url" in a for a in lambda_deploys), aws_cmds)
        check(f"{name}: names SIGNET_ENV for the environment", "SIGNET_ENV" in open(path).read())
    return integration_checks.summary()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
